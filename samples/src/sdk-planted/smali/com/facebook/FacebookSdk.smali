# telltale fixture: planted look-alike of the Facebook Android SDK entry class.
.class public final Lcom/facebook/FacebookSdk;
.super Ljava/lang/Object;
.source "FacebookSdk.java"

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static getGraphDomain()Ljava/lang/String;
    .registers 1
    const-string v0, "graph.facebook.com"
    return-object v0
.end method
