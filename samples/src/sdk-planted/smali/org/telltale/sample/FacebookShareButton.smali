# telltale fixture: NEGATIVE CONTROL for SDK matching (app class whose simple name mentions
# Facebook). It does read the Wi-Fi MAC address, so that call IS an identifier API with no SDK.
.class public Lorg/telltale/sample/FacebookShareButton;
.super Ljava/lang/Object;
.source "FacebookShareButton.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static mac(Landroid/net/wifi/WifiInfo;)Ljava/lang/String;
    .registers 2
    invoke-virtual {p0}, Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
