# An inner class of the SDK that lists installed packages.
.class final Lcom/cmic/sso/sdk/auth/AuthnHelper$1;
.super Ljava/lang/Object;

.method static apps(Landroid/content/pm/PackageManager;)Ljava/util/List;
    .registers 2
    const/4 v0, 0
    invoke-virtual {p0, v0}, Landroid/content/pm/PackageManager;->getInstalledPackages(I)Ljava/util/List;
    move-result-object v0
    return-object v0
.end method
