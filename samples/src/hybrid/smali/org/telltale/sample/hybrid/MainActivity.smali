.class public Lorg/telltale/sample/hybrid/MainActivity;
.super Landroid/app/Activity;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method public static page()Ljava/lang/String;
    .registers 1
    const-string v0, "file:///android_asset/www/index.html"
    return-object v0
.end method
