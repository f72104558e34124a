# An app class: advertising ID, IMEI, Build.SERIAL; a Settings.Secure.getString
# with another key (not ANDROID_ID); switch and array payloads in the middle of
# the code so the walk must skip them by size.
.class public Lcom/example/app/MainActivity;
.super Ljava/lang/Object;

.method public static adId(Landroid/content/Context;)Ljava/lang/String;
    .registers 2
    invoke-static {p0}, Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;->getAdvertisingIdInfo(Landroid/content/Context;)Lcom/google/android/gms/ads/identifier/AdvertisingIdClient$Info;
    move-result-object v0
    invoke-virtual {v0}, Lcom/google/android/gms/ads/identifier/AdvertisingIdClient$Info;->getId()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method public static otherSetting(Landroid/content/ContentResolver;)Ljava/lang/String;
    .registers 2
    const-string v0, "bluetooth_name"
    invoke-static {p0, v0}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

.method public static payloads(ILandroid/telephony/TelephonyManager;)Ljava/lang/String;
    .registers 5
    new-array v0, p0, [I
    fill-array-data v0, :array
    packed-switch p0, :packed
    sparse-switch p0, :sparse
    goto :after
    :case0
    const-string v1, "zero"
    return-object v1
    :case1
    const-string/jumbo v1, "one"
    return-object v1
    :after
    sget-object v1, Landroid/os/Build;->SERIAL:Ljava/lang/String;
    invoke-virtual {p1}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v2
    return-object v2
    :array
    .array-data 4
        0x6e 0x6e 0x6e 0x6e 0x6e
    .end array-data
    :packed
    .packed-switch 0x0
        :case0
        :case1
    .end packed-switch
    :sparse
    .sparse-switch
        0x6e -> :case0
        0x1000 -> :case1
    .end sparse-switch
.end method
