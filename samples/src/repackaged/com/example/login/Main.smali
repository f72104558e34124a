# The app's own class, calling into the (repackaged) SDK.
.class public Lcom/example/login/Main;
.super Ljava/lang/Object;

.method public static login()Ljava/lang/String;
    .registers 1
    invoke-static {}, Lcom/cmic/sso/sdk/auth/AuthnHelper;->host()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
