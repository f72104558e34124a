.class public Lorg/telltale/sample/keystore/MainActivity;
.super Landroid/app/Activity;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method public static host()Ljava/lang/String;
    .registers 1
    const-string v0, "https://api.pinned-example.com/v2/login"
    return-object v0
.end method

.method public static store()Ljava/lang/String;
    .registers 1
    const-string v0, "certs/truststore.bks"
    return-object v0
.end method
