.class public Lorg/telltale/plugin/Entry;
.super Ljava/lang/Object;

.method public static url()Ljava/lang/String;
    .registers 1
    const-string v0, "https://plugin.telltale-planted.net/load"
    return-object v0
.end method
