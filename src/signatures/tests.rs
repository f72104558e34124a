//! Tests of the embedded database and the matcher.

use super::*;
use crate::report::model::Evidence;

fn db() -> &'static Database {
    Database::embedded()
}

/// SDKs the issue requires by name, by id.
const REQUIRED: &[&str] = &[
    // carriers and one-click-login aggregators
    "cmic-sso",
    "cucc-login",
    "ctcc-login",
    "jiguang-jverification",
    "umeng-verify",
    "aliyun-number-auth",
    "netease-quicklogin",
    "geetest-onelogin",
    "getui-gy",
    "chuanglan-shanyan",
    "mob-secverify",
    // device id and risk
    "msa-oaid",
    "shumei",
    "tongdun",
    "geetest-captcha",
    "alibaba-security-guard",
    "netease-yidun",
    "dingxiang-risk",
    "alibaba-utdid",
    "google-ads-identifier",
    "huawei-ads-identifier",
    "honor-ads-identifier",
    // big Chinese analytics / push / ads
    "umeng-analytics",
    "umeng-push",
    "umeng-share",
    "jpush",
    "jiguang-jcore",
    "getui",
    "bugly",
    "baidu-mobstat",
    "baidu-mobads",
    "huawei-hms-core",
    "huawei-push",
    "xiaomi-push",
    "pangle",
    "tencent-gdt",
    "tencent-open-qq",
    "wechat-opensdk",
    "weibo-sdk",
    // big western ones
    "firebase-analytics",
    "firebase-messaging",
    "firebase-crashlytics",
    "google-admob",
    "facebook",
    "facebook-audience-network",
    "appsflyer",
    "adjust",
    "branch",
    "mixpanel",
    "amplitude",
    "segment",
    "braze",
    "onesignal",
    "sentry",
    "flurry",
    "unity-ads",
    "applovin",
    "ironsource",
    "yandex-appmetrica",
    "countly",
    "matomo",
    "appcenter",
    "hockeyapp",
    "acra",
    // named in the corpus notes for apk-trackers
    "adgain",
    "lionu",
    "superads",
    "bilibili-oauth",
    "cucc-wostore",
];

#[test]
fn embedded_database_is_clean_and_complete() {
    let db = db();
    let errors = db.load_errors();
    assert!(
        errors.is_empty(),
        "{} problems:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(db.sdk_count() >= 400, "only {} SDKs", db.sdk_count());
    for id in REQUIRED {
        assert!(db.sdk_ids().any(|x| x == *id), "required SDK {id} missing");
    }
    for id in db.sdk_ids() {
        let owner = db.owner_of_sdk(id);
        assert!(
            owner.is_some_and(|o| !o.name.is_empty()),
            "{id} has no owner"
        );
    }
    assert_eq!(db.version().len(), "2026.11.29".len());
    println!(
        "sdks {} owners {} rules {:?}",
        db.sdk_count(),
        db.owner_count(),
        db.rule_counts()
    );
}

#[test]
fn file_list_matches_data_directory() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/signatures");
    let mut on_disk: Vec<String> = Vec::new();
    for sub in ["", "sdks/"] {
        let Ok(entries) = std::fs::read_dir(format!("{dir}/{sub}")) else {
            panic!("cannot list {dir}/{sub}");
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") || name == "VERSION" {
                on_disk.push(format!("{sub}{name}"));
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
    // FILES is in hashing order; sdks/ must be sorted within it.
    let sdk_files: Vec<&String> = listed.iter().filter(|p| p.starts_with("sdks/")).collect();
    let mut sorted = sdk_files.clone();
    sorted.sort();
    assert_eq!(
        sdk_files, sorted,
        "sdks/ files must be listed in name order"
    );
    listed.sort();
    assert_eq!(listed, on_disk);
}

#[test]
fn package_prefixes_match_at_segment_boundaries() {
    let db = db();
    assert_eq!(
        db.sdk_for_class("com.facebook.login.LoginManager"),
        Some("facebook")
    );
    assert_eq!(
        db.sdk_for_class("com.facebook.FacebookSdk"),
        Some("facebook")
    );
    assert_eq!(
        db.sdk_for_class("com.facebook.FacebookSdk$InitializeCallback"),
        Some("facebook")
    );
    assert_eq!(db.sdk_for_class("com.facebookfan.login.X"), None);
    assert_eq!(db.sdk_for_class("com.facebook.FacebookSdkX"), None);
    assert_eq!(db.sdk_for_class("com.example.FacebookShareButton"), None);
    assert_eq!(db.sdk_for_class("com.example.facebook.login.X"), None);
    assert_eq!(
        db.sdk_for_class("com.umeng.analytics.MobclickAgent"),
        Some("umeng-analytics")
    );
    assert_eq!(
        db.sdk_for_class("Lcom/umeng/analytics/MobclickAgent;"),
        Some("umeng-analytics")
    );
    assert_eq!(db.sdk_for_class("org.piwik.sdk.Tracker"), Some("matomo"));
    assert_eq!(
        db.sdk_for_class("net.hockeyapp.android.CrashManager"),
        Some("hockeyapp")
    );
    assert_eq!(
        db.sdk_for_class("com.bun.miitmdid.core.MdidSdkHelper"),
        Some("msa-oaid")
    );
    assert_eq!(
        db.sdk_for_class("com.cmic.sso.sdk.auth.AuthnHelper"),
        Some("cmic-sso")
    );
    assert_eq!(db.sdk_for_class(""), None);
    assert_eq!(db.sdk_for_class("com"), None);
}

#[test]
fn longest_prefix_wins() {
    let db = db();
    let cases = [
        (
            "com.google.firebase.crashlytics.FirebaseCrashlytics",
            "firebase-crashlytics",
        ),
        (
            "com.google.firebase.messaging.FirebaseMessaging",
            "firebase-messaging",
        ),
        (
            "com.google.firebase.analytics.FirebaseAnalytics",
            "firebase-analytics",
        ),
        (
            "com.google.android.gms.ads.identifier.AdvertisingIdClient",
            "google-ads-identifier",
        ),
        ("com.google.android.gms.ads.AdView", "google-admob"),
        (
            "cn.jiguang.verifysdk.api.JVerificationInterface",
            "jiguang-jverification",
        ),
        ("cn.jiguang.ar.a", "jiguang-jcore"),
        ("com.mob.secverify.SecVerify", "mob-secverify"),
        ("com.mob.MobSDK", "mob-commons"),
        ("com.mob.moblink.MobLink", "mob-moblink"),
        ("cn.sharesdk.framework.ShareSDK", "mob-sharesdk"),
        (
            "com.microsoft.azure.mobile.analytics.Analytics",
            "appcenter",
        ),
        ("com.google.android.gms.iid.InstanceID", "google-gcm"),
        (
            "com.google.firebase.messaging.FirebaseMessagingService",
            "firebase-messaging",
        ),
    ];
    for (class, id) in cases {
        assert_eq!(db.sdk_for_class(class), Some(id), "{class}");
    }
}

#[test]
fn vendor_roots_shared_with_unrelated_code_use_narrow_prefixes() {
    // Vendor package roots that also hold unrelated code (seen with the code search,
    // 2026-11-29): the SDK's own packages match, the rest of the root does not.
    let db = db();
    let cases = [
        ("com.widespace.AdSpace", Some("widespace")),
        ("com.widespace.adspace.PrefetchStatus", Some("widespace")),
        ("com.widespace.wisper.route.Router", None),
        ("com.kuguo.ad.KuguoAdsManager", Some("kuguo")),
        ("com.kuguo.front.web.CommentController", None),
        (
            "com.octopus.ad.internal.network.AdRequest",
            Some("octopus-ads"),
        ),
        ("com.octopus.adapter.inbound.rest.ErrorMapper", None),
        ("com.sense360.android.quinoa.lib.Sense360", Some("sense360")),
        ("com.sense360.android.location.tester.MainActivity", None),
        (
            "com.youdao.sdk.nativeads.NativeResponse",
            Some("youdao-ads"),
        ),
        ("com.youdao.sdk.app.YouDaoApplication", None),
        (
            "com.followanalytics.FollowAnalytics",
            Some("followanalytics"),
        ),
        ("com.followanalytics.battleship.entities.Grid", None),
        ("com.omniture.AppMeasurement", Some("omniture")),
        ("com.omniture.www.Calculated_metric", None),
        (
            "com.explorestack.iab.vast.VastError",
            Some("appodeal-stack"),
        ),
        ("com.explorestack.protobuf.Struct", None),
        ("com.inmarket.m2m.M2MBeaconMonitor", Some("inmarket")),
        ("com.inmarket.schedule.repository.Repo", None),
        ("com.pushspring.sdk.PushSpring", Some("pushspring")),
        ("com.pushspring.cli.commands.DeployCommand", None),
        ("com.lenddo.mobile.core.LenddoCoreInfo", Some("lenddo")),
        ("com.lenddo.mobile.paylater.MainActivity", None),
        // Raygun's older releases keep the source folder in the package name
        (
            "main.java.com.mindscapehq.android.raygun4android.RaygunClient",
            Some("raygun"),
        ),
        ("com.raygun.raygun4android.RaygunClient", Some("raygun")),
    ];
    for (class, id) in cases {
        assert_eq!(db.sdk_for_class(class), id, "{class}");
    }
}

#[test]
fn hosts_resolve_to_owner_and_sdk() {
    let db = db();
    let (sdk, owner) = db.owner_for_host("wap.cmpassport.com").expect("cmpassport");
    assert_eq!(sdk, Some("cmic-sso"));
    assert_eq!(owner.name, "China Mobile");
    assert_eq!(owner.country.as_deref(), Some("CN"));
    assert_eq!(owner.state_owned, Some(true));
    assert!(owner.parent.as_deref().is_some_and(|p| p.contains("SASAC")));
    let (sdk, owner) = db.owner_for_host("CMPASSPORT.COM.").expect("bare domain");
    assert_eq!(
        (sdk, owner.name.as_str()),
        (Some("cmic-sso"), "China Mobile")
    );
    // owner-level domain, no SDK
    let (sdk, owner) = db.owner_for_host("www.10086.cn").expect("10086.cn");
    assert_eq!((sdk, owner.name.as_str()), (None, "China Mobile"));
    assert!(db.owner_for_host("notcmpassport.com").is_none());
    assert!(db.owner_for_host("cmpassport.com.evil.example").is_none());
    assert!(db.owner_for_host("").is_none());
    let (sdk, owner) = db.owner_for_host("api2.branch.io").expect("branch");
    assert_eq!(
        (sdk, owner.country.as_deref()),
        (Some("branch"), Some("US"))
    );
    let (sdk, _) = db
        .owner_for_host("fp-it-tracker.fengkongcloud.com")
        .expect("shumei");
    assert_eq!(sdk, Some("shumei"));
}

#[test]
fn other_lookups() {
    let db = db();
    assert_eq!(
        db.sdk_for_native_lib("lib/arm64-v8a/libjcore228.so"),
        Some("jiguang-jcore")
    );
    assert_eq!(db.sdk_for_native_lib("libBugly.so"), Some("bugly"));
    assert_eq!(
        db.sdk_for_native_lib("lib/x86/lib39285EFA.so"),
        Some("msa-oaid")
    );
    assert_eq!(db.sdk_for_native_lib("libjcore.so.txt"), None);
    assert_eq!(
        db.sdk_for_framework("FBSDKCoreKit.framework"),
        Some("facebook")
    );
    assert_eq!(
        db.sdk_for_framework("Payload/A.app/TYRZResource.bundle"),
        Some("cmic-sso")
    );
    assert_eq!(db.sdk_for_framework("MyOwnKit"), None);
    assert_eq!(
        db.objc_match("FBSDKLoginManager").map(|x| x.1),
        Some("FBSDK")
    );
    assert_eq!(
        db.objc_match("GADBannerView").map(|x| x.1),
        Some("GADBannerView")
    );
    assert!(db.objc_match("FBSDKlower").is_none());
    assert!(db.objc_match("AB").is_none());
    assert_eq!(
        db.owner_of_sdk("bugly").map(|o| o.name),
        Some("Tencent".into())
    );
    assert!(db.owner_of_sdk("no-such-sdk").is_none());
}

fn sample_facts() -> AppFacts {
    let mut f = AppFacts::default();
    for c in [
        "com.cmic.sso.sdk.auth.AuthnHelper",
        "com.cmic.sso.sdk.activity.LoginAuthActivity",
        "com.cmic.sso.sdk.a.b",
        "com.cmic.sso.sdk.utils.c",
        "com.example.app.MainActivity",
        "com.example.FacebookShareButton",
    ] {
        f.classes.push(("classes.dex".into(), c.into()));
    }
    f.classes.push((
        "classes2.dex".into(),
        "com.cmic.gen.sdk.view.GenLoginAuthActivity".into(),
    ));
    f.components.push((
        "AndroidManifest.xml".into(),
        "com.cmic.sso.sdk.activity.LoginAuthActivity".into(),
    ));
    f.components.push((
        "AndroidManifest.xml".into(),
        "com.umeng.message.UmengService".into(),
    ));
    f.meta_data_keys
        .push(("AndroidManifest.xml".into(), "UMENG_APPKEY".into()));
    f.native_libs.push("lib/arm64-v8a/libjcore228.so".into());
    f.native_libs.push("lib/arm64-v8a/libunrelated.so".into());
    f.hosts
        .push(("classes.dex".into(), "wap.cmpassport.com".into()));
    f.hosts
        .push(("classes.dex".into(), "api.mixpanel.com".into())); // network only
    f.frameworks.push((
        "Payload/X.app/Frameworks/FBSDKCoreKit.framework".into(),
        "FBSDKCoreKit".into(),
    ));
    f.bundle_ids.push((
        "Payload/X.app/Frameworks/FBSDKCoreKit.framework/Info.plist".into(),
        "com.facebook.sdk.FBSDKCoreKit".into(),
    ));
    f.objc_classes
        .push(("Payload/X.app/X".into(), "GADBannerView".into()));
    f
}

#[test]
fn match_sdks_reports_evidence() {
    let sdks = match_sdks(db(), &sample_facts());
    let ids: Vec<&str> = sdks.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "cmic-sso",
            "facebook",
            "google-admob",
            "jiguang-jcore",
            "umeng-push"
        ]
    );
    // UMENG_APPKEY is meta-data with no Umeng Analytics code: configuration
    // alone never reports an SDK (a negative control sets such keys to
    // switch analytics off).
    assert!(!ids.contains(&"umeng-analytics"));
    let cmic = &sdks[0];
    assert_eq!(
        cmic.owner.as_ref().map(|o| o.name.as_str()),
        Some("China Mobile")
    );
    assert_eq!(cmic.categories, ["one-click-login", "identification"]);
    // 5 classes + 1 component + 1 host
    assert_eq!(cmic.evidence_count, 7);
    let ev = |kind: &str| -> Vec<&Evidence> {
        cmic.evidence.iter().filter(|e| e.kind == kind).collect()
    };
    let code = ev("code");
    assert_eq!(code.len(), 2, "{code:?}");
    assert_eq!(code[0].path, "classes.dex");
    assert!(
        code[0]
            .detail
            .starts_with("com.cmic.sso.sdk.* (4 classes, e.g. "),
        "{}",
        code[0].detail
    );
    // readable names are preferred as examples
    assert!(code[0].detail.contains("AuthnHelper") && code[0].detail.contains("LoginAuthActivity"));
    assert_eq!(code[1].detail, "com.cmic.gen.sdk.view.GenLoginAuthActivity");
    // The component's class ships in the code: code evidence, not a declaration.
    assert_eq!(
        ev("component")[0].detail,
        "component com.cmic.sso.sdk.activity.LoginAuthActivity (class bundled)"
    );
    assert_eq!(cmic.found, "bundled");
    assert_eq!(ev("network")[0].detail, "wap.cmpassport.com");
    let jcore = sdks
        .iter()
        .find(|s| s.id == "jiguang-jcore")
        .expect("jcore");
    assert_eq!(jcore.evidence[0].kind, "native");
    assert_eq!(jcore.evidence[0].path, "lib/arm64-v8a/libjcore228.so");
    let fb = sdks.iter().find(|s| s.id == "facebook").expect("facebook");
    let kinds: Vec<&str> = fb.evidence.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["framework", "plist"]);
    // A manifest component with no code: declared, not bundled.
    let push = sdks.iter().find(|s| s.id == "umeng-push").expect("push");
    assert_eq!(push.found, "declared");
    assert_eq!(fb.found, "bundled");
    assert_eq!(jcore.found, "bundled");
}

fn classes(names: &[&str]) -> AppFacts {
    let mut f = AppFacts::default();
    for c in names {
        f.classes.push(("classes.dex".into(), (*c).into()));
    }
    f
}

#[test]
fn generated_and_exception_classes_alone_show_no_sdk() {
    // R$… and BuildConfig of an SDK ship with other libraries; so do a few
    // exception and result types.
    let f = classes(&[
        "com.huawei.hms.ads.R$string",
        "com.huawei.hms.ads.R",
        "com.huawei.hms.ads.BuildConfig",
        "com.cmic.sso.sdk.AuthException",
        "com.cmic.sso.sdk.TokenResult",
    ]);
    assert!(match_sdks(db(), &f).is_empty());
    let mut f = f;
    f.classes.push((
        "classes.dex".into(),
        "com.cmic.sso.sdk.auth.AuthnHelper".into(),
    ));
    let ids: Vec<String> = match_sdks(db(), &f).into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["cmic-sso"]);
}

#[test]
fn the_apps_own_namespace_is_not_a_vendor_sdk() {
    // A vendor's demo app under the vendor's SDK prefix: its classes are the
    // app's, not the SDK's, unless they include the SDK's distinctive classes.
    let mut f = classes(&[
        "com.cmic.sso.sdk.demo.MainActivity",
        "com.cmic.sso.sdk.demo.LoginActivity",
    ]);
    f.app_id = Some("com.cmic.sso.sdk.demo".into());
    f.components.push((
        "AndroidManifest.xml".into(),
        "com.cmic.sso.sdk.demo.MainActivity".into(),
    ));
    assert!(match_sdks(db(), &f).is_empty());
    // An SDK package deeper than the app id is the SDK's, not the app's.
    f.app_id = Some("com.cmic".into());
    assert_eq!(match_sdks(db(), &f).len(), 1);
    // The app's namespace holding the SDK's distinctive classes counts.
    let mut f = classes(&[
        "com.cmic.sso.sdk.auth.AuthnHelper",
        "com.cmic.sso.sdk.MainActivity",
    ]);
    f.app_id = Some("com.cmic.sso.sdk".into());
    assert_eq!(match_sdks(db(), &f)[0].found, "bundled");
}

#[test]
fn referenced_only_sdks_are_referenced() {
    let mut f = AppFacts::default();
    f.referenced_classes.push((
        "classes.dex".into(),
        "com.bun.miitmdid.core.MdidSdkHelper".into(),
    ));
    let sdks = match_sdks(db(), &f);
    assert_eq!(sdks.len(), 1);
    assert_eq!(sdks[0].found, "referenced");
}

#[test]
fn repackaged_sdks_are_found_by_their_distinctive_classes() {
    // China Mobile's SDK renamed under a vendor prefix, as vendors ship it.
    let f = classes(&[
        "cc.vendor.login.cm.auth.AuthnHelper",
        "cc.vendor.login.cm.auth.TokenListener",
        "cc.vendor.login.cm.AuthThemeConfig",
        "cc.vendor.login.cm.a.b",
        "cc.vendor.login.cm.utils.c",
        "cc.vendor.login.Other",
    ]);
    let sdks = match_sdks(db(), &f);
    assert_eq!(sdks.len(), 1, "{sdks:?}");
    let cm = &sdks[0];
    assert_eq!(cm.id, "cmic-sso");
    assert_eq!(cm.found, "repackaged");
    assert_eq!(cm.repackaged_under, ["cc.vendor.login.cm"]);
    // every class under the prefix is the SDK's code, none outside it
    assert_eq!(cm.evidence_count, 5);
    assert_eq!(cm.evidence[0].kind, "repackaged-code");
    // One distinctive name is not enough when several are listed.
    let f = classes(&["x.y.auth.AuthnHelper", "x.y.Other"]);
    assert!(match_sdks(db(), &f).is_empty());
    // The SDK under its own package is bundled, not repackaged.
    let f = classes(&[
        "com.cmic.sso.sdk.auth.AuthnHelper",
        "com.cmic.sso.sdk.AuthThemeConfig",
    ]);
    let sdks = match_sdks(db(), &f);
    assert_eq!(sdks[0].found, "bundled");
    assert!(sdks[0].repackaged_under.is_empty());
}

#[test]
fn match_sdks_is_deterministic_and_capped() {
    let mut facts = sample_facts();
    for i in 0..50 {
        facts
            .hosts
            .push(("classes.dex".into(), format!("h{i}.cmpassport.com")));
        facts.classes.push((
            format!("classes{}.dex", i + 3),
            format!("com.cmic.sso.sdk.x{i}.A"),
        ));
    }
    let a = match_sdks(db(), &facts);
    facts.classes.reverse();
    facts.hosts.reverse();
    facts.components.reverse();
    let b = match_sdks(db(), &facts);
    assert_eq!(a, b);
    let cmic = &a[0];
    for kind in ["code", "network"] {
        let n = cmic.evidence.iter().filter(|e| e.kind == kind).count();
        assert_eq!(n, MAX_EVIDENCE_PER_KIND, "{kind}");
    }
    assert_eq!(cmic.evidence_count, 7 + 100);
    assert!(cmic.evidence.windows(2).all(|w| w[0] <= w[1]));
    assert!(match_sdks(db(), &AppFacts::default()).is_empty());
}

#[test]
fn hash_is_stable_and_covers_paths() {
    assert_ne!(hash_files(&[("a", "bc")]), hash_files(&[("ab", "c")]));
}

#[test]
fn validation_rejects_bad_data() {
    let files: &[(&str, &str)] = &[
        ("VERSION", "1"),
        (
            "schema.toml",
            "[categories]\nanalytics = \"a\"\nads = \"b\"\ndev = \"c\"\n[tracker]\nrequired_for = [\"ads\"]\nallowed_for = [\"analytics\", \"ads\"]\n[validation]\ntoo_broad_prefixes = [\"com.google\"]\nnamespace_roots = [\"com\"]\ngeneric_segments = [\"sdk\"]\n",
        ),
        (
            "owners.toml",
            "[owner.a]\nname = \"A\"\ncountry = \"cn\"\nsources = [\"x\"]\n[owner.b]\nname = \"B\"\nparent = \"c\"\nsources = []\n",
        ),
        (
            "sdks/x.toml",
            r#"
[[sdk]]
id = "one"
name = "One"
categories = ["analytics", "nope"]
tracker = true
owner = "a"
packages = ["com.google", "com", "com.sdk", "com.ab", "okio", "com.good.one"]
domains = ["one.example", "https://x"]
native_libs = ["foo.so"]
source = ["s"]

[[sdk]]
id = "two"
name = "Two"
categories = ["analytics"]
tracker = true
owner = "zzz"
packages = ["com.good.one"]
source = []

[[sdk]]
id = "three"
name = "Three"
categories = ["analytics"]
tracker = true
owner = "a"
packages = ["com.good.one"]
domains = ["one.example"]
source = ["s"]

[[sdk]]
id = "four"
name = "Four"
categories = ["ads"]
owner = "a"
packages = ["com.four.sdk"]
distinctive_classes = ["a", "BuildConfig", "x.AuthHelper", "web.AuthHelper"]
source = ["s"]

[[sdk]]
id = "five"
name = "Five"
categories = ["analytics"]
tracker = false
owner = "a"
packages = ["com.five.sdk"]
distinctive_classes = ["x.AuthHelper"]
source = ["s"]

[[sdk]]
id = "six"
name = "Six"
categories = ["ads"]
tracker = false
owner = "a"
packages = ["com.six.sdk"]
source = ["s"]

[[sdk]]
id = "seven"
name = "Seven"
categories = ["dev"]
tracker = true
owner = "a"
packages = ["com.seven.sdk"]
source = ["s"]
"#,
        ),
    ];
    let db = Database::load(files);
    let all = db.load_errors().join("\n");
    for needle in [
        "country \"cn\"",
        "owner b: no sources",
        "unknown parent \"c\"",
        "unknown category \"nope\"",
        "package \"com.google\": shared namespace",
        "package \"com\": single segment",
        "package \"com.sdk\": generic second segment",
        "package \"com.ab\": second segment shorter",
        "domain \"https://x\"",
        "native lib \"foo.so\"",
        "sdk two: unknown owner \"zzz\"",
        "sdk two: no source",
        "package \"com.good.one\" already belongs to one",
        "domain \"one.example\" already belongs to one",
        "sdk four: no tracker flag",
        "sdk four: distinctive class \"a\"",
        "sdk four: distinctive class \"BuildConfig\"",
        "sdk five: distinctive class \"x.AuthHelper\" already belongs to four",
        "sdk six: category \"ads\" requires tracker = true",
        "sdk seven: tracker = true without a tracking category",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    assert!(!all.contains("\"okio\""), "{all}");
    assert_eq!(db.sdk_for_class("com.good.one.X"), Some("one"));
    assert!(!all.contains("\"web.AuthHelper\""), "{all}");
    assert_eq!(db.sdk_count(), 6);
    assert_eq!(db.is_tracker("one"), Some(true));
    assert_eq!(db.is_tracker("five"), Some(false));
    assert_eq!(db.is_tracker("nope"), None);
    assert_eq!(db.distinctive_classes("five"), ["x.AuthHelper"]);
    assert_eq!(db.categories("six").unwrap(), ["ads"]);
}
