# The app's own code: reads the clipboard and the call log (by URI); a string
# that only looks like a catalogued URI (content://smsx) is not a read.
.class public Lcom/example/app/MainActivity;
.super Ljava/lang/Object;

.method public static clip(Landroid/content/ClipboardManager;)Landroid/content/ClipData;
    .registers 2
    invoke-virtual {p0}, Landroid/content/ClipboardManager;->getPrimaryClip()Landroid/content/ClipData;
    move-result-object v0
    return-object v0
.end method

.method public static calls()Landroid/net/Uri;
    .registers 2
    const-string v0, "content://call_log/calls"
    invoke-static {v0}, Landroid/net/Uri;->parse(Ljava/lang/String;)Landroid/net/Uri;
    move-result-object v1
    const-string v0, "content://smsx"
    return-object v1
.end method
