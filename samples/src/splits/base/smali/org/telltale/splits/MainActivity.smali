.class public Lorg/telltale/splits/MainActivity;
.super Landroid/app/Activity;

.method public constructor <init>()V
    .registers 2
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    const-string v0, "https://api.split-base.telltale-planted.net/v1"
    return-void
.end method
