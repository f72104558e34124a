//! Owners, identifier APIs and endpoints on the real tracker APKs of
//! `../shared/corpus/apk-trackers`, and the planted fixture
//! `samples/sdk-planted.apk`. The SDK lists of the corpus (precision and
//! recall) are checked by `corpus_sdks.rs`. Corpus parts skip when
//! `../shared` is absent.

mod common;

use common::inspect;
use std::collections::BTreeSet;
use std::path::PathBuf;
use telltale::report::model::Report;

fn corpus(file: &str) -> Option<PathBuf> {
    common::corpus(&format!("apk-trackers/{file}"))
}

fn sdk_ids(r: &Report) -> BTreeSet<&str> {
    r.sdks.iter().map(|s| s.id.as_str()).collect()
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
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
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
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
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
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

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn repackaged_carrier_sdk_is_found_and_its_reads_attributed() {
    // bitlib's quick-login demo ships China Mobile's SDK renamed to
    // com.cmic.soo.sdk: found by its distinctive class names, and the SIM
    // reads and cmpassport.com hosts in that code are attributed to it.
    let Some(path) = corpus("bitlib-quicklogin-demo.apk") else {
        return;
    };
    let r = inspect(&path);
    let cm = r
        .sdks
        .iter()
        .find(|s| s.id == "cmic-sso")
        .expect("cmic-sso");
    assert_eq!(cm.found, "repackaged");
    assert_eq!(cm.repackaged_under, ["com.cmic.soo.sdk"]);
    let imsi = r
        .identifier_apis
        .iter()
        .find(|a| a.api == "android.telephony.TelephonyManager.getSubscriberId")
        .expect("getSubscriberId");
    assert!(imsi.sdks.contains(&"cmic-sso".to_string()), "{imsi:?}");
    // The hosts name the code that holds them: the renamed SDK, and the
    // vendor's wrapper where it configures them too.
    let held_by_cmic = r
        .endpoints
        .iter()
        .filter(|e| e.host.ends_with("cmpassport.com"))
        .filter(|e| e.sdks.iter().any(|s| s == "cmic-sso"))
        .count();
    assert!(held_by_cmic >= 3, "{held_by_cmic}");
    // China Unicom appears only as a URL: not an SDK, and no endpoint names it.
    assert!(!r.sdks.iter().any(|s| s.id == "cucc-login"));
}
