.class public interface abstract Lcom/cmic/sso/sdk/auth/TokenListener;
.super Ljava/lang/Object;

.method public abstract onGetTokenComplete(Lorg/json/JSONObject;)V
.end method
