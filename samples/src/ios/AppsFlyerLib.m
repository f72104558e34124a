// Stand-in for AppsFlyer's AppsFlyerLib: one class and its launch endpoint.
__attribute__((objc_root_class))
@interface AppsFlyerLib
+ (void)start;
@end
@implementation AppsFlyerLib
+ (void)start {}
@end
const char *appsflyer_endpoint = "https://launches.appsflyersdk.com/api/v6.5/iosevent";
