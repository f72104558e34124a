// The fixture app: calls both SDKs, reads identifiers, uses required-reason APIs.
typedef unsigned long size_t;
extern int sysctlbyname(const char *, void *, size_t *, void *, size_t);
extern int stat(const char *, void *);
extern unsigned long long mach_absolute_time(void);

__attribute__((objc_root_class)) @interface FBSDKAppEvents
+ (void)logEvent:(const char *)name;
@end
__attribute__((objc_root_class)) @interface AppsFlyerLib
+ (void)start;
@end
__attribute__((objc_root_class)) @interface ASIdentifierManager
+ (id)sharedManager;
- (id)advertisingIdentifier;
@end

__attribute__((objc_root_class))
@interface TTAppDelegate
+ (void)launch;
@end
@implementation TTAppDelegate
+ (void)launch {
    char model[64];
    size_t len = sizeof model;
    sysctlbyname("hw.machine", model, &len, 0, 0);
    char st[144];
    stat("/var/mobile", st);
    (void)mach_absolute_time();
    [[ASIdentifierManager sharedManager] advertisingIdentifier];
    (void)@selector(identifierForVendor);
    (void)@selector(canOpenURL:);
    [FBSDKAppEvents logEvent:"launch"];
    [AppsFlyerLib start];
}
@end
const char *tt_api = "https://api.telltale-fixture.net/v1/config";
