// Stand-in for Facebook's FBSDKCoreKit: one class and the Graph API host.
__attribute__((objc_root_class))
@interface FBSDKAppEvents
+ (void)logEvent:(const char *)name;
@end
@implementation FBSDKAppEvents
+ (void)logEvent:(const char *)name { (void)name; }
@end
const char *fbsdk_graph_endpoint = "https://graph.facebook.com/v17.0/app/activities";
