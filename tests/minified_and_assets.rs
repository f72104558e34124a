//! Fixtures built with real toolchains for issue 10's noise and R8 cases:
//! `samples/hybrid.apk` (JavaScript libraries in assets), `samples/keystore.apk`
//! (BKS/JKS trust stores in assets), both from `scripts/make-samples`, and
//! `samples/minified.dex` (an app renamed from a ProGuard mapping, as R8 does,
//! `scripts/make-minified-sample`). Each test fails if the noise comes back or
//! the figure measured on the minified app changes.

use std::collections::BTreeSet;
use std::path::PathBuf;
use telltale::report::model::Report;
use telltale::{Options, inspect_path};

fn inspect(name: &str) -> Report {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    inspect_path(&path, &Options::default()).expect("inspects")
}

fn hosts(r: &Report) -> Vec<&str> {
    r.endpoints.iter().map(|e| e.host.as_str()).collect()
}

fn noise(r: &Report, class: &str) -> BTreeSet<String> {
    r.endpoint_noise
        .iter()
        .filter(|n| n.class == class)
        .flat_map(|n| n.examples.iter().cloned())
        .collect()
}

/// Only the two hosts the app's script calls are endpoints (the WebSocket
/// URL keeps its port); licence banners, comment links, a console banner, a
/// documentation link in an error string, an SVG namespace and a prose
/// fragment ("user.org will be cast") are not.
#[test]
fn hybrid_app_reports_only_the_hosts_its_script_calls() {
    let r = inspect("hybrid.apk");
    assert_eq!(hosts(&r), ["api.shop-example.com", "push.shop-example.com"]);
    let push = &r.endpoints[1];
    assert_eq!(push.urls, ["wss://push.shop-example.com:8443/socket"]);
    assert_eq!(
        push.locations[0].path, "assets/www/js/app.js",
        "{:?}",
        push.locations
    );
    let comments = noise(&r, "comment");
    for h in [
        "bugs.webkit.org",
        "cordova.apache.org",
        "jquery.org",
        "tools.ietf.org",
    ] {
        assert!(
            comments.contains(h),
            "{h} not counted as comment: {comments:?}"
        );
    }
    let messages = noise(&r, "message");
    for h in ["github.com", "www.pixijs.com", "www.renderer-like.com"] {
        assert!(
            messages.contains(h),
            "{h} not counted as message: {messages:?}"
        );
    }
}

/// Certificate text inside trust stores (CPS, OCSP and CRL hosts of the CA,
/// with DER length bytes glued on) is not an endpoint; the app's host in
/// its code is.
#[test]
fn keystore_text_is_not_an_endpoint() {
    let r = inspect("keystore.apk");
    assert_eq!(hosts(&r), ["api.pinned-example.com"]);
    let certs = noise(&r, "certificate");
    assert!(
        certs.iter().any(|h| h.ends_with("example-trust.net")),
        "{certs:?}"
    );
}

/// What telltale identifies in an app whose SDK names R8 removed: the China
/// Mobile SDK through the one class the manifest keeps (its activity), not
/// its renamed code; the Umeng look-alike, renamed entirely, not at all (its
/// host is reported with its owner but no SDK). No finding names an SDK the
/// report does not list.
#[test]
fn minified_app_without_mapping() {
    let r = inspect("minified.dex");
    let ids: Vec<(&str, &str)> = r
        .sdks
        .iter()
        .map(|s| (s.id.as_str(), s.found.as_str()))
        .collect();
    assert_eq!(ids, [("cmic-sso", "bundled")]);
    let umeng = r
        .endpoints
        .iter()
        .find(|e| e.host == "alog.umeng.com")
        .expect("umeng host");
    assert!(umeng.sdks.is_empty());
    assert!(umeng.owner.is_some());
    let imsi = r
        .identifier_apis
        .iter()
        .find(|a| a.api.ends_with("getSubscriberId"))
        .expect("IMSI read");
    assert_eq!(imsi.callers, ["b"]);
}

/// With the build's mapping (`--mapping`), class names are read back: both
/// SDKs are found as bundled code, the Umeng host and the IMSI read are
/// attributed to their SDKs, and evidence and callers carry the original
/// names.
#[test]
fn minified_app_with_its_mapping() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let options = Options {
        mapping: Some(root.join("minified.mapping.txt")),
        ..Options::default()
    };
    let r = inspect_path(&root.join("minified.dex"), &options).expect("inspects");
    let ids: Vec<(&str, &str)> = r
        .sdks
        .iter()
        .map(|s| (s.id.as_str(), s.found.as_str()))
        .collect();
    assert_eq!(
        ids,
        [("cmic-sso", "bundled"), ("umeng-analytics", "bundled")]
    );
    let umeng = r
        .endpoints
        .iter()
        .find(|e| e.host == "alog.umeng.com")
        .expect("umeng host");
    assert_eq!(umeng.sdks, ["umeng-analytics"]);
    let imsi = r
        .identifier_apis
        .iter()
        .find(|a| a.api.ends_with("getSubscriberId"))
        .expect("IMSI read");
    assert_eq!(imsi.callers, ["com.cmic.sso.sdk.auth.AuthnHelper"]);
    assert_eq!(imsi.sdks, ["cmic-sso"]);
    let android_id = r
        .identifier_apis
        .iter()
        .find(|a| a.api.contains("android_id"))
        .expect("Android ID read");
    assert_eq!(android_id.sdks, ["umeng-analytics"]);
    let named = telltale::evidence::provenance::options_map(&options);
    assert_eq!(named["mapping"], "minified.mapping.txt");
    // A file that is not a mapping stops the run.
    let bad = Options {
        mapping: Some(root.join("README.md")),
        ..Options::default()
    };
    assert!(inspect_path(&root.join("minified.dex"), &bad).is_err());
}
