# An SDK-like class that reads IMEI, ANDROID_ID and the Wi-Fi MAC address.
.class public Lcom/cmic/sso/sdk/auth/AuthnHelper;
.super Ljava/lang/Object;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static imei(Landroid/telephony/TelephonyManager;)Ljava/lang/String;
    .registers 2
    invoke-virtual {p0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method public static androidId(Landroid/content/ContentResolver;)Ljava/lang/String;
    .registers 2
    const-string v0, "android_id"
    invoke-static {p0, v0}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method public static mac(Landroid/net/wifi/WifiInfo;)Ljava/lang/String;
    .registers 2
    invoke-virtual {p0}, Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
