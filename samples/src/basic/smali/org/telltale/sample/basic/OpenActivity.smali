.class public Lorg/telltale/sample/basic/OpenActivity;
.super Landroid/app/Activity;
.source "OpenActivity.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method
