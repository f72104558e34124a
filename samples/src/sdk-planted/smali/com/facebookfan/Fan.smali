# telltale fixture: NEGATIVE CONTROL. "com.facebookfan" is not "com.facebook".
.class public Lcom/facebookfan/Fan;
.super Ljava/lang/Object;
.source "Fan.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method
