# telltale fixture: fake credentials. AKIAIOSFODNN7EXAMPLE is AWS's documented example key id;
# the AIza string has the shape of a Google API key (AIza + 35 chars) and is not a real key.
.class public final Lorg/telltale/sample/planted/Secrets;
.super Ljava/lang/Object;
.source "Secrets.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static awsKeyId()Ljava/lang/String;
    .registers 1
    const-string v0, "AKIAIOSFODNN7EXAMPLE"
    return-object v0
.end method

.method public static mapsKey()Ljava/lang/String;
    .registers 1
    const-string v0, "AIzaSyD-telltale-fixture-not-a-real-key"
    return-object v0
.end method
