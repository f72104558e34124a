# SDK-like class (written under China Mobile's package; scripts/make-repackaged-sample
# moves it under com.vendor.login.sdk as a repackager would). Loads the SDK's host
# and reads the IMSI and the SMS inbox.
.class public Lcom/cmic/sso/sdk/auth/AuthnHelper;
.super Ljava/lang/Object;

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
