.class public Lorg/telltale/sample/target31/ShareActivity;
.super Landroid/app/Activity;
.source "ShareActivity.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method
