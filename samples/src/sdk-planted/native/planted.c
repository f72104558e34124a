/*
 * telltale fixture: a planted native library (NOT real SDK code).
 * It carries one URL in .rodata and one JNI export named after the
 * China Mobile one-click login SDK class, so telltale can attribute it.
 * Built by scripts/make-samples with: clang -shared -nostdlib -fuse-ld=lld
 */

__attribute__((used)) static const char collect_url[] =
    "https://sdk.planted-native.net/collect";

__attribute__((visibility("default")))
const char *Java_com_cmic_sso_sdk_auth_AuthnHelper_nativeInit(void *env, void *clazz)
{
    (void)env;
    (void)clazz;
    return collect_url;
}
