# telltale fixture: planted look-alike of the Umeng analytics entry class.
.class public Lcom/umeng/analytics/MobclickAgent;
.super Ljava/lang/Object;
.source "MobclickAgent.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static onEvent(Landroid/content/Context;Ljava/lang/String;)V
    .registers 2
    return-void
.end method
