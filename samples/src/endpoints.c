/* Fixture for src/scan: planted endpoints, noise and fake secrets in a native library.
   Rebuild with scripts/make-scan-samples.sh. All secrets here are made up. */
typedef unsigned short char16;

const char *const kTrack = "https://api.mixpanel.com/track?ip=1";
const char *const kBare = "log.umeng.com";
const char *const kIp = "119.29.29.29";
const char *const kNoise1 = "com.tencent.mm";
const char *const kNoise2 = "http://schemas.android.com/apk/res/android";
const char *const kNoise3 = "libnative-lib.so";
const char *const kNoise4 = "1.2.3.4";
const char *const kAws = "AKIAQYLPMN5HHHFPZAM2";
const char16 kWide[] = u"wss://push.jiguang.cn/v1";
char kData[] = "mqtt://broker.emqx.io:1883";

const char *pick(int i) {
  switch (i) {
  case 0: return kTrack;
  case 1: return kBare;
  case 2: return kIp;
  case 3: return kNoise1;
  case 4: return kNoise2;
  case 5: return kNoise3;
  case 6: return kNoise4;
  case 7: return kAws;
  case 8: return (const char *)kWide;
  default: return kData;
  }
}
