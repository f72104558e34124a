# The app's own entry point (kept by name, as an app's -keep rules or the
# manifest keep it), calling into both SDKs.
.class public Lcom/example/shop/Main;
.super Ljava/lang/Object;

.method public static start(Landroid/content/Context;Landroid/telephony/TelephonyManager;)Ljava/lang/String;
    .registers 4
    const-string v0, "shop-key"
    invoke-static {p0, v0}, Lcom/umeng/analytics/MobclickAgent;->onEvent(Landroid/content/Context;Ljava/lang/String;)V
    const/4 v0, 0x0
    invoke-static {v0}, Lcom/cmic/sso/sdk/auth/AuthnHelper;->setListener(Lcom/cmic/sso/sdk/auth/TokenListener;)V
    invoke-static {}, Lcom/cmic/sso/sdk/auth/AuthnHelper;->theme()Lcom/cmic/sso/sdk/AuthThemeConfig;
    invoke-static {p1}, Lcom/cmic/sso/sdk/auth/AuthnHelper;->imsi(Landroid/telephony/TelephonyManager;)Ljava/lang/String;
    invoke-static {}, Lcom/cmic/sso/sdk/auth/AuthnHelper;->sms()Landroid/net/Uri;
    invoke-static {}, Lcom/cmic/sso/sdk/auth/AuthnHelper;->host()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
