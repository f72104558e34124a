//! Attribution by location holds on every sample and on the real packages of
//! `../shared/corpus` (every package under it): no finding names an SDK the
//! report does not list as found in the code (`bundled` or `repackaged`),
//! and identifier APIs and personal-data reads name every place their callers are in. Corpus parts
//! skip when `../shared` is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use telltale::report::model::Report;
use telltale::{Options, inspect_path};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn packages_in(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        eprintln!("skipping: {} is absent", dir.display());
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .collect();
    out.sort();
    out
}

/// Every place a finding names an SDK that the report does not list as
/// present in the code.
fn unlisted(r: &Report) -> Vec<String> {
    let present: BTreeSet<&str> = r
        .sdks
        .iter()
        .filter(|s| s.found == "bundled" || s.found == "repackaged")
        .map(|s| s.id.as_str())
        .collect();
    let mut bad = Vec::new();
    let mut check = |what: String, id: &str| {
        if !present.contains(id) {
            bad.push(format!("{what} names {id}"));
        }
    };
    for e in &r.endpoints {
        for s in &e.sdks {
            check(format!("endpoint {}", e.host), s);
        }
    }
    for a in &r.identifier_apis {
        for s in a.sdks.iter().filter(|s| *s != "app") {
            check(format!("identifier api {}", a.api), s);
        }
        for g in &a.callers_by_sdk {
            if g.sdk != "app" && g.sdk != "other" {
                check(format!("identifier api {} callers", a.api), &g.sdk);
            }
        }
        let grouped: usize = a.callers_by_sdk.iter().map(|g| g.callers.len()).sum();
        if grouped != a.callers.len() {
            check(
                format!("identifier api {}: callers not all placed", a.api),
                "?",
            );
        }
    }
    for a in &r.personal_data {
        for s in a.sdks.iter().filter(|s| *s != "app") {
            check(format!("personal data {}", a.id), s);
        }
        for g in &a.callers_by_sdk {
            if g.sdk != "app" && g.sdk != "other" {
                check(format!("personal data {} callers", a.id), &g.sdk);
            }
        }
        let grouped: usize = a.callers_by_sdk.iter().map(|g| g.callers.len()).sum();
        if grouped != a.callers.len() {
            check(
                format!("personal data {}: callers not all placed", a.id),
                "?",
            );
        }
    }
    for n in &r.native_libraries {
        if let Some(s) = &n.sdk {
            check(format!("native library {}", n.path), s);
        }
    }
    bad
}

fn check_all(paths: &[PathBuf]) {
    let mut failures = Vec::new();
    for p in paths {
        let r = match inspect_path(p, &Options::default()) {
            Ok(r) => r,
            Err(_) => continue,
        };
        for b in unlisted(&r) {
            failures.push(format!("{}: {b}", p.display()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn samples_name_only_listed_sdks() {
    let mut paths = packages_in(&root().join("samples"), &["apk", "apks", "xapk"]);
    paths.extend(packages_in(&root().join("samples/ios"), &["ipa"]));
    assert!(!paths.is_empty());
    check_all(&paths);
}

/// Every package under `dir` and its subfolders, sorted.
fn packages_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = packages_in(dir, exts);
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut subs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        subs.sort();
        for sub in subs {
            out.extend(packages_under(&sub, exts));
        }
    }
    out
}

/// The issue's "no endpoint or identifier finding names an SDK outside the
/// report's list", over every package of the corpus (apk-trackers, apk, ipa,
/// aab, split, and the edge, malformed, signing and trick cases).
#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_names_only_listed_sdks() {
    let corpus = root().join("../shared/corpus");
    let paths = packages_under(&corpus, &["apk", "apks", "xapk", "aab", "ipa", "zip"]);
    if corpus.is_dir() {
        assert!(paths.len() >= 106, "{} packages", paths.len());
    }
    check_all(&paths);
}

/// Personal-data reads on real packages: the SDK whose code does the read
/// is named (Mob's SMS SDK reads contacts and incoming SMS; Tapjoy's code
/// loads the calendar URIs).
#[test]
fn corpus_personal_data_reads_name_their_sdks() {
    let dir = root().join("../shared/corpus/apk-trackers");
    let cases: &[(&str, &str, &str)] = &[
        (
            "mob-smssdk-sample-3.3.0.apk",
            "contacts-content-uri",
            "mob-smssdk",
        ),
        ("mob-smssdk-sample-3.3.0.apk", "sms-from-pdu", "mob-smssdk"),
        ("mob-moblink-demo-2.0.5.apk", "media-uri", "mob-commons"),
        ("tapjoy-easyapp-threatmetrix.apk", "calendar-uri", "tapjoy"),
        (
            "nps-ingenico-demo-iovation-fraudforce.apk",
            "accounts-get-accounts",
            "iovation-fraudforce",
        ),
    ];
    for (file, id, sdk) in cases {
        let path = dir.join(file);
        if !path.exists() {
            eprintln!("skipping: {} is absent", path.display());
            continue;
        }
        let r = inspect_path(&path, &Options::default()).expect("inspects");
        let read = r
            .personal_data
            .iter()
            .find(|p| p.id == *id)
            .unwrap_or_else(|| panic!("{file}: no {id} in {:?}", r.personal_data));
        assert!(
            read.sdks.iter().any(|s| s == sdk),
            "{file}: {id}: {:?}",
            read.sdks
        );
    }
}

/// Values under key names in SDK XML configuration (ShareSDK.xml): secrets by
/// name carry their key, public app keys are not secrets.
#[test]
fn corpus_named_keys() {
    let path = root().join("../shared/corpus/apk-trackers/mob-moblink-demo-2.0.5.apk");
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return;
    }
    let r = inspect_path(&path, &Options::default()).expect("inspects");
    let secret = r
        .secrets
        .iter()
        .find(|s| s.preview == "2652…98e9")
        .expect("SinaWeibo AppSecret");
    assert_eq!(secret.keys, ["AppSecret"]);
    assert_eq!(secret.locations[0].path, "assets/ShareSDK.xml");
    assert!(
        r.app_keys
            .iter()
            .any(|k| k.key == "AppKey" && k.value == "474962333")
    );
    let public: BTreeSet<&str> = r.app_keys.iter().map(|k| k.value.as_str()).collect();
    assert!(
        r.secrets
            .iter()
            .all(|s| s.value.as_deref().is_none_or(|v| !public.contains(v)))
    );
}

/// An SDK repackaged under another prefix (samples/repackaged.dex, built by
/// scripts/make-repackaged-sample with smali) is found as repackaged, and its
/// endpoint, identifier read and personal-data read are attributed to it.
#[test]
fn repackaged_sample_is_found_and_attributed() {
    let r = inspect_path(&root().join("samples/repackaged.dex"), &Options::default())
        .expect("inspects");
    let sdk = r
        .sdks
        .iter()
        .find(|s| s.id == "cmic-sso")
        .expect("cmic-sso");
    assert_eq!(sdk.found, "repackaged");
    assert_eq!(sdk.repackaged_under, ["com.vendor.login.sdk"]);
    let host = r
        .endpoints
        .iter()
        .find(|e| e.host == "www.cmpassport.com")
        .expect("host");
    assert_eq!(host.sdks, ["cmic-sso"]);
    let imsi = r
        .identifier_apis
        .iter()
        .find(|a| a.api.ends_with("getSubscriberId"))
        .expect("IMSI read");
    assert_eq!(imsi.sdks, ["cmic-sso"]);
    let sms = r
        .personal_data
        .iter()
        .find(|p| p.kind == "sms")
        .expect("SMS read");
    assert_eq!(sms.sdks, ["cmic-sso"]);
    assert_eq!(sms.callers, ["com.vendor.login.sdk.auth.AuthnHelper"]);
    assert!(unlisted(&r).is_empty(), "{:?}", unlisted(&r));
}
