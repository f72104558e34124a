# An SDK-like class (China Mobile's package, so it is placed as cmic-sso) that
# reads the SMS inbox by URI, the contacts through ContactsContract, and the
# device's accounts.
.class public Lcom/cmic/sso/sdk/auth/AuthnHelper;
.super Ljava/lang/Object;

.method public static sms()Landroid/net/Uri;
    .registers 1
    const-string v0, "content://sms/inbox"
    invoke-static {v0}, Landroid/net/Uri;->parse(Ljava/lang/String;)Landroid/net/Uri;
    move-result-object v0
    return-object v0
.end method

.method public static contacts()Landroid/net/Uri;
    .registers 1
    sget-object v0, Landroid/provider/ContactsContract$Contacts;->CONTENT_URI:Landroid/net/Uri;
    return-object v0
.end method

.method public static accounts(Landroid/accounts/AccountManager;)[Landroid/accounts/Account;
    .registers 2
    invoke-virtual {p0}, Landroid/accounts/AccountManager;->getAccounts()[Landroid/accounts/Account;
    move-result-object v0
    return-object v0
.end method
