# telltale fixture: app-owned strings. The first three are endpoints telltale must report;
# the rest is noise it must NOT report as endpoints.
.class public final Lorg/telltale/sample/planted/Endpoints;
.super Ljava/lang/Object;
.source "Endpoints.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static endpoints()[Ljava/lang/String;
    .registers 4
    const/4 v0, 0x3
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "https://api.mixpanel.com/track"
    aput-object v2, v0, v1
    const/4 v1, 0x1
    const-string v2, "http://10.11.12.13:8080/x"
    aput-object v2, v0, v1
    const/4 v1, 0x2
    const-string v2, "[2001:db8::1]"
    aput-object v2, v0, v1
    return-object v0
.end method

.method public static noise()[Ljava/lang/String;
    .registers 4
    const/4 v0, 0x5
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "http://schemas.android.com/apk/res/android"
    aput-object v2, v0, v1
    const/4 v1, 0x1
    const-string v2, "com.google.android.gms"
    aput-object v2, v0, v1
    const/4 v1, 0x2
    const-string v2, "index.html"
    aput-object v2, v0, v1
    const/4 v1, 0x3
    const-string v2, "1.2.3.4"
    aput-object v2, v0, v1
    const/4 v1, 0x4
    const-string v2, "http://www.w3.org/2001/XMLSchema"
    aput-object v2, v0, v1
    return-object v0
.end method
