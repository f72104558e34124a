.class public Lorg/telltale/sample/basic/ItemActivity;
.super Landroid/app/Activity;
.source "ItemActivity.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method
