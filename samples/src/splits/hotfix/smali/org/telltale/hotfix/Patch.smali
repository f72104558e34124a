.class public Lorg/telltale/hotfix/Patch;
.super Ljava/lang/Object;

.method public static url()Ljava/lang/String;
    .registers 1
    const-string v0, "https://hotfix.telltale-planted.net/patch"
    return-object v0
.end method
