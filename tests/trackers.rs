//! SDKs, owners, identifier APIs and endpoints on the real tracker APKs of
//! `../shared/corpus/apk-trackers` (the SDKs each file is known to embed,
//! from that folder's MANIFEST notes and a dexdump check), and on the
//! planted fixture `samples/sdk-planted.apk`. Corpus parts skip when
//! `../shared` is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use telltale::report::model::Report;
use telltale::{Options, inspect_path};

fn corpus(file: &str) -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/apk-trackers"
    ))
    .join(file);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

fn inspect(path: &Path) -> Report {
    inspect_path(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sdk_ids(r: &Report) -> BTreeSet<&str> {
    r.sdks.iter().map(|s| s.id.as_str()).collect()
}

/// (file, SDK ids that must be found).
const EXPECTED: &[(&str, &[&str])] = &[
    ("AndroidProject-436af49-umeng.apk", &["umeng-analytics"]),
    (
        "AndroidProject-8d44588-umeng-bugly.apk",
        &["umeng-analytics", "umeng-share", "bugly", "tencent-open-qq"],
    ),
    ("acra-CrashReport.apk", &["acra"]),
    ("adgain-sdk-demo-release.apk", &["adgain"]),
    (
        "android-cn-oaid-demo.apk",
        &[
            "android-cn-oaid",
            "huawei-ads-identifier",
            "honor-ads-identifier",
        ],
    ),
    ("bilibilias-old-release-bugly.apk", &["bugly"]),
    (
        "bitlib-quicklogin-demo.apk",
        &["cmic-sso", "ctcc-login", "bitlib-quicklogin"],
    ),
    ("branch-sdk-testbed-release-unsigned.apk", &["branch"]),
    (
        "branch-sdk-testbed.apk",
        &["branch", "google-ads-identifier", "huawei-ads-identifier"],
    ),
    (
        "bugly-hotfix-demo-release.apk",
        &["bugly", "tencent-tinker"],
    ),
    (
        "exodus-blooddonation.apk",
        &[
            "google-admob",
            "firebase-messaging",
            "google-ads-identifier",
        ],
    ),
    ("facebook-sdk-example-stream.apk", &["facebook"]),
    ("facebook-sdk-facedroid.apk", &["facebook"]),
    ("fusion-anti-addiction-demo.apk", &["msa-oaid"]),
    ("hello-mixpanel.apk", &["mixpanel"]),
    ("hockeyapp-sample.apk", &["hockeyapp"]),
    ("lionu-attribution-sdk-demo.apk", &["lionu"]),
    ("matomo-demo_app-debug.apk", &["matomo"]),
    ("mixpanel-MPMetrics.apk", &["mixpanel"]),
    ("superads-adsdk-demo.apk", &["superads"]),
    ("unity-ads-androidTest.apk", &["unity-ads"]),
    (
        "upyun-loginDemo.apk",
        &[
            "cmic-sso",
            "cucc-login",
            "ctcc-login",
            "jiguang-jverification",
            "jiguang-jcore",
            "jpush",
            "msa-oaid",
        ],
    ),
];

#[test]
fn every_known_sdk_of_the_tracker_corpus_is_found() {
    let mut found = 0;
    let mut expected = 0;
    let mut missing = Vec::new();
    for (file, sdks) in EXPECTED {
        let Some(path) = corpus(file) else { return };
        let report = inspect(&path);
        let ids = sdk_ids(&report);
        for sdk in *sdks {
            expected += 1;
            if ids.contains(sdk) {
                found += 1;
            } else {
                missing.push(format!("{file}: {sdk} (found {ids:?})"));
            }
        }
        // Every SDK says who owns it when the database knows.
        for s in &report.sdks {
            assert!(!s.evidence.is_empty(), "{file}: {} without evidence", s.id);
        }
    }
    eprintln!("tracker corpus: {found}/{expected} expected SDKs found");
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn china_mobile_login_is_found_with_owner_endpoint_and_identifiers() {
    for file in ["upyun-loginDemo.apk", "bitlib-quicklogin-demo.apk"] {
        let Some(path) = corpus(file) else { return };
        let r = inspect(&path);
        let cmic = r
            .sdks
            .iter()
            .find(|s| s.id == "cmic-sso")
            .expect("cmic-sso");
        let owner = cmic.owner.as_ref().expect("owner");
        assert_eq!(owner.name, "China Mobile");
        assert_eq!(owner.country.as_deref(), Some("CN"));
        assert_eq!(owner.state_owned, Some(true));
        let ep = r
            .endpoints
            .iter()
            .find(|e| e.domain.as_deref() == Some("cmpassport.com"))
            .expect("cmpassport.com");
        assert_eq!(
            ep.owner.as_ref().map(|o| o.name.as_str()),
            Some("China Mobile"),
            "{file}"
        );
        assert!(!ep.locations.is_empty());
        // The carrier SDK reads the SIM's subscriber id.
        let imsi = r
            .identifier_apis
            .iter()
            .find(|i| i.api == "android.telephony.TelephonyManager.getSubscriberId")
            .expect("getSubscriberId");
        assert!(
            imsi.callers.iter().any(|c| c.starts_with("com.cmic.")),
            "{file}: {:?}",
            imsi.callers
        );
    }
}

#[test]
fn msa_oaid_is_found_in_the_anti_addiction_demo() {
    let Some(path) = corpus("fusion-anti-addiction-demo.apk") else {
        return;
    };
    let r = inspect(&path);
    let msa = r
        .sdks
        .iter()
        .find(|s| s.id == "msa-oaid")
        .expect("msa-oaid");
    assert_eq!(
        msa.owner.as_ref().and_then(|o| o.country.as_deref()),
        Some("CN")
    );
}

#[test]
fn well_known_endpoints_are_found_and_attributed() {
    for (file, host, sdk) in [
        ("hello-mixpanel.apk", "api.mixpanel.com", "mixpanel"),
        ("mixpanel-MPMetrics.apk", "api.mixpanel.com", "mixpanel"),
        (
            "facebook-sdk-example-stream.apk",
            "graph.facebook.com",
            "facebook",
        ),
        (
            "facebook-sdk-facedroid.apk",
            "graph.facebook.com",
            "facebook",
        ),
    ] {
        let Some(path) = corpus(file) else { return };
        let r = inspect(&path);
        let ep = r
            .endpoints
            .iter()
            .find(|e| e.host == host)
            .unwrap_or_else(|| panic!("{file}: {host} missing"));
        assert_eq!(ep.sdks, [sdk], "{file}");
        assert!(ep.owner.is_some(), "{file}: {host} has no owner");
    }
}

#[test]
fn planted_fixture_is_detected_exactly() {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/sdk-planted.apk"
    ));
    let r = inspect(&path);
    assert_eq!(
        sdk_ids(&r),
        BTreeSet::from(["cmic-sso", "facebook", "msa-oaid", "umeng-analytics"])
    );
    let facebook = r.sdks.iter().find(|s| s.id == "facebook").unwrap();
    for e in &facebook.evidence {
        assert!(
            !e.detail.contains("facebookfan") && !e.detail.contains("FacebookShareButton"),
            "{e:?}"
        );
    }
    let cmic = r.sdks.iter().find(|s| s.id == "cmic-sso").unwrap();
    let kinds: BTreeSet<&str> = cmic.evidence.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains("code") && kinds.contains("manifest") && kinds.contains("network"),
        "{kinds:?}"
    );

    // Identifier APIs: callers come from invoke instructions.
    let api = |name: &str| {
        r.identifier_apis
            .iter()
            .find(|i| i.api == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let mac = api("android.net.wifi.WifiInfo.getMacAddress");
    assert_eq!(mac.callers, ["org.telltale.sample.FacebookShareButton"]);
    assert!(mac.sdks.iter().all(|s| s == "app"), "{mac:?}");
    for name in [
        "android.telephony.TelephonyManager.getDeviceId",
        "android.telephony.TelephonyManager.getSubscriberId",
    ] {
        let a = api(name);
        assert_eq!(a.callers, ["com.cmic.sso.sdk.auth.AuthnHelper"]);
        assert_eq!(a.sdks, ["cmic-sso"]);
    }
    assert!(
        r.identifier_apis
            .iter()
            .any(|i| i.category == "android-id" && i.sdks == ["cmic-sso"])
    );
    assert_eq!(r.identifier_apis.len(), 4);

    // Endpoints: planted ones found at their offsets, noise not reported.
    let hosts: BTreeSet<&str> = r.endpoints.iter().map(|e| e.host.as_str()).collect();
    assert_eq!(
        hosts,
        BTreeSet::from([
            "10.11.12.13",
            "api.mixpanel.com",
            "api.telltale-planted.net",
            "graph.facebook.com",
            "res.telltale-planted.net",
            "sdk.planted-native.net",
            "www.cmpassport.com",
        ])
    );
    let cmp = r
        .endpoints
        .iter()
        .find(|e| e.host == "www.cmpassport.com")
        .unwrap();
    assert_eq!(cmp.sdks, ["cmic-sso"]);
    assert_eq!(cmp.owner.as_ref().unwrap().state_owned, Some(true));
    assert_eq!(
        cmp.urls,
        ["https://www.cmpassport.com/unisdk/rs/getPrePhonescrip"]
    );
    let native = r
        .endpoints
        .iter()
        .find(|e| e.host == "sdk.planted-native.net")
        .unwrap();
    assert_eq!(native.locations.len(), 2);

    // Secrets: previews only, hashes of the exact values.
    let kinds: BTreeSet<&str> = r.secrets.iter().map(|s| s.kind.as_str()).collect();
    assert!(
        kinds.contains("google-api-key") && kinds.contains("generic-secret"),
        "{kinds:?}"
    );
    for s in &r.secrets {
        assert!(s.value.is_none());
        assert!(s.preview.contains('…'));
    }
    let key = r
        .secrets
        .iter()
        .find(|s| s.kind == "google-api-key")
        .unwrap();
    assert_eq!(
        key.sha256,
        "8cedb9789329bf2b4ae1efb09e9ead527fc80f885e9e8f4f948cb1befd2f8320"
    );
}
