.class public Lorg/telltale/sample/basic/SyncService;
.super Landroid/app/Service;
.source "SyncService.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Service;-><init>()V
    return-void
.end method
