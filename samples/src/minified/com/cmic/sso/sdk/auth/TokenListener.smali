.class public interface abstract Lcom/cmic/sso/sdk/auth/TokenListener;
.super Ljava/lang/Object;
