# References TelephonyManager.getSubscriberId only from an annotation: the
# method id is in the DEX tables, but no code invokes it, so this class is
# not a caller. It also loads "android_id" without calling Settings.
.class public Lcom/example/app/OnlyRefs;
.super Ljava/lang/Object;

.annotation runtime Lcom/example/app/Ref;
    value = Landroid/telephony/TelephonyManager;->getSubscriberId()Ljava/lang/String;
.end annotation

.method public static key()Ljava/lang/String;
    .registers 1
    const-string v0, "android_id"
    return-object v0
.end method

.method public static notAndroidId(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    .registers 3
    invoke-static {p0, p1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
