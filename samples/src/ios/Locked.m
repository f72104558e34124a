// The fixture for encryption: a small app whose arm64 slice gets cryptid 1.
typedef unsigned long size_t;
extern int sysctlbyname(const char *, void *, size_t *, void *, size_t);
__attribute__((objc_root_class))
@interface LKVault
+ (int)open;
@end
@implementation LKVault
+ (int)open {
    size_t len = 0;
    return sysctlbyname("hw.machine", 0, &len, 0, 0);
}
@end
const char *lk_api = "https://vault.telltale-fixture.net/unlock";
