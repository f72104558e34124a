# telltale fixture: planted look-alike of the China Mobile one-click login SDK entry class.
.class public Lcom/cmic/sso/sdk/auth/AuthnHelper;
.super Ljava/lang/Object;
.source "AuthnHelper.java"

.method static constructor <clinit>()V
    .registers 1
    const-string v0, "planted"
    invoke-static {v0}, Ljava/lang/System;->loadLibrary(Ljava/lang/String;)V
    return-void
.end method

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static native nativeInit()Ljava/lang/String;
.end method

.method public static preGetPhoneUrl()Ljava/lang/String;
    .registers 1
    const-string v0, "https://www.cmpassport.com/unisdk/rs/getPrePhonescrip"
    return-object v0
.end method

.method public static collectIds(Landroid/content/Context;)Ljava/lang/String;
    .registers 5
    const-string v0, "phone"
    invoke-virtual {p0, v0}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getSubscriberId()Ljava/lang/String;
    move-result-object v1
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v2
    invoke-virtual {p0}, Landroid/content/Context;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v0
    const-string v3, "android_id"
    invoke-static {v0, v3}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
