.class public Lorg/telltale/sample/basic/ItemsProvider;
.super Landroid/content/ContentProvider;
.source "ItemsProvider.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/content/ContentProvider;-><init>()V
    return-void
.end method
