# telltale fixture: planted look-alike of the MSA (China Mobile Security Alliance) OAID SDK helper.
.class public Lcom/bun/miitmdid/core/MdidSdkHelper;
.super Ljava/lang/Object;
.source "MdidSdkHelper.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static InitSdk(Landroid/content/Context;Z)I
    .registers 3
    const/4 v0, 0x0
    return v0
.end method
