# SDK-like class under Umeng's package: an analytics tracker that R8 renames
# entirely (nothing keeps its names). Holds the collector's host and reads the
# Android ID.
.class public Lcom/umeng/analytics/MobclickAgent;
.super Ljava/lang/Object;

.field private static appKey:Ljava/lang/String;

.method public static onEvent(Landroid/content/Context;Ljava/lang/String;)V
    .registers 4
    sput-object p1, Lcom/umeng/analytics/MobclickAgent;->appKey:Ljava/lang/String;
    invoke-static {p0}, Lcom/umeng/commonsdk/UMConfigure;->deviceId(Landroid/content/Context;)Ljava/lang/String;
    move-result-object v0
    const-string v1, "https://alog.umeng.com/app_logs"
    return-void
.end method
