# SDK-like class under China Mobile's package (scripts/make-minified-sample renames
# it from a ProGuard mapping, as R8 would). Holds the SDK's host, a field and reads
# the IMSI and the SMS inbox.
.class public Lcom/cmic/sso/sdk/auth/AuthnHelper;
.super Ljava/lang/Object;

.field private static listener:Lcom/cmic/sso/sdk/auth/TokenListener;

.method public static host()Ljava/lang/String;
    .registers 1
    const-string v0, "https://www.cmpassport.com/unisdk/rs/getPrePhonescrip"
    return-object v0
.end method

.method public static imsi(Landroid/telephony/TelephonyManager;)Ljava/lang/String;
    .registers 2
    invoke-virtual {p0}, Landroid/telephony/TelephonyManager;->getSubscriberId()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method public static sms()Landroid/net/Uri;
    .registers 1
    const-string v0, "content://sms/inbox"
    invoke-static {v0}, Landroid/net/Uri;->parse(Ljava/lang/String;)Landroid/net/Uri;
    move-result-object v0
    return-object v0
.end method

.method public static setListener(Lcom/cmic/sso/sdk/auth/TokenListener;)V
    .registers 1
    sput-object p0, Lcom/cmic/sso/sdk/auth/AuthnHelper;->listener:Lcom/cmic/sso/sdk/auth/TokenListener;
    return-void
.end method

.method public static theme()Lcom/cmic/sso/sdk/AuthThemeConfig;
    .registers 1
    new-instance v0, Lcom/cmic/sso/sdk/AuthThemeConfig;
    invoke-direct {v0}, Lcom/cmic/sso/sdk/AuthThemeConfig;-><init>()V
    return-object v0
.end method
