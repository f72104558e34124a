//! Split sets, App Bundles and nested packages: the fixtures built by
//! `scripts/make-split-samples` (merged reports, member-prefixed paths), bad
//! input (missing base, nesting limit), and the real corpus files in
//! `../shared/corpus/{split,aab}` against what aapt/aapt2 print (values
//! written below; see the comments for how each was obtained).

mod common;

use common::{corpus, sample};
use std::path::Path;
use telltale::container::zip::crc32;
use telltale::pipeline::inspect_bytes;
use telltale::report::model::{PackagePart, Report};
use telltale::{Options, inspect_path};

fn permissions(r: &Report) -> Vec<&str> {
    r.permissions.iter().map(|p| p.name.as_str()).collect()
}

fn endpoint_paths(r: &Report) -> Vec<(String, Vec<String>)> {
    r.endpoints
        .iter()
        .map(|e| {
            (
                e.host.clone(),
                e.locations.iter().map(|l| l.path.clone()).collect(),
            )
        })
        .collect()
}

fn part(path: &str, kind: &str, split: Option<&str>, size: u64) -> PackagePart {
    PackagePart {
        path: path.into(),
        kind: kind.into(),
        split: split.map(str::to_string),
        size,
    }
}

fn check_identity(r: &Report) {
    assert_eq!(r.app.id.as_deref(), Some("org.telltale.splits"));
    assert_eq!(r.app.name.as_deref(), Some("Split Sample"));
    assert_eq!(r.app.version_code.as_deref(), Some("7"));
    assert_eq!(r.app.version_name.as_deref(), Some("1.7"));
    assert_eq!((r.app.min_sdk, r.app.target_sdk), (Some(24), Some(34)));
    assert_eq!(
        permissions(r),
        ["android.permission.CAMERA", "android.permission.INTERNET"]
    );
    assert_eq!(r.components.len(), 1);
    assert_eq!(r.components[0].name, "org.telltale.splits.MainActivity");
    assert_eq!(r.installable.android_accepts, Some(true));
    assert_eq!(r.installable.signed, Some(true));
    assert_eq!(r.signing.len(), 1, "one certificate across all splits");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn apks_set_is_merged_with_split_prefixed_paths() {
    let r = sample("splits.apks");
    assert_eq!(r.input.format, "apks");
    check_identity(&r);
    assert_eq!(
        r.parts,
        [
            part("base.apk", "base", None, 8336),
            part(
                "split_config.arm64_v8a.apk",
                "split",
                Some("config.arm64_v8a"),
                12452
            ),
            part(
                "split_config.xxhdpi.apk",
                "split",
                Some("config.xxhdpi"),
                8279
            ),
        ]
    );
    assert_eq!(
        endpoint_paths(&r),
        [
            (
                "api.split-base.telltale-planted.net".to_string(),
                vec!["base.apk!classes.dex".to_string()]
            ),
            (
                "native.split-abi.telltale-planted.net".to_string(),
                vec!["split_config.arm64_v8a.apk!lib/arm64-v8a/libsplitnative.so".to_string()]
            ),
        ]
    );
    let libs: Vec<(&str, Option<&str>)> = r
        .native_libraries
        .iter()
        .map(|n| (n.path.as_str(), n.arch.as_deref()))
        .collect();
    assert_eq!(
        libs,
        [(
            "split_config.arm64_v8a.apk!lib/arm64-v8a/libsplitnative.so",
            Some("arm64-v8a")
        )]
    );
}

#[test]
fn xapk_uses_its_manifest_json_and_lists_the_obb() {
    let r = sample("splits.xapk");
    assert_eq!(r.input.format, "xapk");
    check_identity(&r);
    assert_eq!(
        r.parts,
        [
            part(
                "Android/obb/org.telltale.splits/main.7.org.telltale.splits.obb",
                "obb",
                None,
                4096
            ),
            part(
                "config.arm64_v8a.apk",
                "split",
                Some("config.arm64_v8a"),
                12452
            ),
            part("config.xxhdpi.apk", "split", Some("config.xxhdpi"), 8279),
            part("org.telltale.splits.apk", "base", None, 8336),
        ]
    );
    let hosts = endpoint_paths(&r);
    assert_eq!(hosts[0].1, ["org.telltale.splits.apk!classes.dex"]);
    assert_eq!(
        hosts[1].1,
        ["config.arm64_v8a.apk!lib/arm64-v8a/libsplitnative.so"]
    );
}

#[test]
fn nested_plugin_apk_and_dex_in_assets_are_read() {
    let r = sample("nested.apk");
    assert_eq!(r.input.format, "apk");
    assert_eq!(r.app.id.as_deref(), Some("org.telltale.nested"));
    assert_eq!(
        endpoint_paths(&r),
        [
            (
                "hotfix.telltale-planted.net".to_string(),
                vec!["assets/hotfix.dex".to_string()]
            ),
            (
                "plugin.telltale-planted.net".to_string(),
                vec!["assets/plugin.apk!classes.dex".to_string()]
            ),
        ]
    );
    assert_eq!(r.packed_code.len(), 1);
    assert_eq!(r.packed_code[0].path, "assets/broken.dex");
    assert_eq!(
        r.packed_code[0].reason,
        "DEX file that does not parse: no class readable, 9 header anomalies"
    );
    assert!(r.warnings.iter().any(|w| w.path == "assets/broken.dex"
        && w.message.starts_with("likely packed/encrypted code: ")));
    assert!(r.parts.is_empty(), "a single APK lists no parts");
}

#[test]
fn nesting_stops_at_the_depth_limit_with_a_warning() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/nested.apk");
    let options = Options {
        max_nesting_depth: 0,
        ..Options::default()
    };
    let r = inspect_path(&path, &options).unwrap();
    assert!(
        r.warnings.iter().any(|w| w.path == "assets/plugin.apk"
            && w.message == "nested package not opened: nesting depth limit (0) reached"),
        "{:?}",
        r.warnings
    );
    assert!(
        r.endpoints
            .iter()
            .all(|e| e.host != "plugin.telltale-planted.net")
    );
    // A DEX is code, not a package: it is still read at depth 0.
    assert!(
        r.endpoints
            .iter()
            .any(|e| e.host == "hotfix.telltale-planted.net")
    );
}

/// A stored (uncompressed) ZIP of `entries`, built in memory.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let header = |sig: u32, central_dir: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_dir {
                h.extend_from_slice(&[0; 6]); // comment, disk, internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        let local = header(0x0403_4b50, false);
        let cd = header(0x0201_4b50, true);
        out.extend_from_slice(&local);
        out.extend_from_slice(data);
        central.extend_from_slice(&cd);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn split_set_without_a_working_base_still_reports_the_splits() {
    let set =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/splits.apks")).unwrap();
    let archive = telltale::container::zip::Archive::parse(&set).unwrap();
    let abi = archive
        .read(
            archive.find("split_config.arm64_v8a.apk").unwrap(),
            &Default::default(),
        )
        .unwrap();
    let zip = stored_zip(&[
        ("base.apk", b"this is not an APK"),
        ("split_config.arm64_v8a.apk", &abi),
    ]);
    let r = inspect_bytes("broken.apks", &zip, &Options::default()).unwrap();
    assert_eq!(r.input.format, "apks");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.path == "base.apk" && w.message == "member is not a ZIP; left out")
    );
    assert!(r.warnings.iter().any(|w| {
        w.path.is_empty()
            && w.message
                .starts_with("split set without a readable base APK")
    }));
    assert_eq!(r.installable.android_accepts, Some(false));
    assert_eq!(r.app.id.as_deref(), Some("org.telltale.splits"));
    assert_eq!(
        r.native_libraries[0].path,
        "split_config.arm64_v8a.apk!lib/arm64-v8a/libsplitnative.so"
    );
}

// Corpus. Expected values: `aapt dump badging` of the base APK (the golden
// row of `split/instant-split-base-master.apk` in tests/golden/aapt-badging.tsv,
// and of `universal.apk` unzipped from simplestnotes-universal.apks), and
// `aapt2 dump badging` of a protobuf APK made by zipping each bundle's
// `base/manifest/AndroidManifest.xml` and `base/resources.pb` at the root.

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_apks_match_aapt_on_the_base() {
    let Some(p) = corpus("split/instant-sample-splits.apks") else {
        return;
    };
    let r = inspect_path(&p, &Options::default()).unwrap();
    assert_eq!(r.input.format, "apks");
    assert_eq!(
        r.app.id.as_deref(),
        Some("com.example.instanttestapplication")
    );
    assert_eq!(r.app.version_code.as_deref(), Some("1"));
    assert_eq!(r.app.version_name.as_deref(), Some("1.0"));
    assert_eq!((r.app.min_sdk, r.app.target_sdk), (Some(26), Some(29)));
    assert_eq!(r.app.name.as_deref(), Some("Instant Test Application"));
    assert!(r.permissions.is_empty());
    let kinds: Vec<(&str, &str, Option<&str>)> = r
        .parts
        .iter()
        .map(|p| (p.path.as_str(), p.kind.as_str(), p.split.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("splits/base-en.apk", "split", Some("config.en")),
            ("splits/base-master.apk", "base", None),
            ("splits/base-xxxhdpi.apk", "split", Some("config.xxxhdpi")),
        ]
    );

    let Some(p) = corpus("split/simplestnotes-universal.apks") else {
        return;
    };
    let r = inspect_path(&p, &Options::default()).unwrap();
    assert_eq!(r.app.id.as_deref(), Some("com.example.SimplestNotes"));
    assert_eq!(r.app.version_code.as_deref(), Some("1"));
    assert_eq!(r.app.version_name.as_deref(), Some("1.0"));
    assert_eq!((r.app.min_sdk, r.app.target_sdk), (Some(24), Some(35)));
    assert_eq!(r.app.name.as_deref(), Some("Simplest Notes"));
    assert_eq!(
        permissions(&r),
        [
            "android.permission.INTERNET",
            "android.permission.REORDER_TASKS",
            "com.example.SimplestNotes.DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION"
        ]
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_split_directory_is_one_app() {
    let Some(dir) = corpus("split") else { return };
    let r = inspect_path(&dir, &Options::default()).unwrap();
    assert_eq!(r.input.format, "apk-dir");
    assert_eq!(
        r.app.id.as_deref(),
        Some("com.example.instanttestapplication")
    );
    assert_eq!((r.app.min_sdk, r.app.target_sdk), (Some(26), Some(29)));
    let base: Vec<&str> = r
        .parts
        .iter()
        .filter(|p| p.kind == "base")
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(base, ["instant-split-base-master.apk"]);
    assert_eq!(r.parts.len(), 3);
    assert!(r.sdks.iter().all(|s| {
        s.evidence
            .iter()
            .all(|e| e.path.contains(".apk!") || e.path == "AndroidManifest.xml")
    }));
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_bundles_match_aapt2() {
    // (file, package, versionCode, versionName, min, target, label, permissions, modules)
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        u32,
        u32,
        &'a str,
        &'a [&'a str],
        &'a [&'a str],
    );
    let cases: [Case; 3] = [
        (
            "aab/appinfo-android.aab",
            "com.icyleaf.appinfodemo",
            "10",
            "2.1.0",
            14,
            31,
            "AppInfoDemo",
            &["android.permission.ACCESS_NETWORK_STATE"],
            &["base/"],
        ),
        (
            "aab/bundletool-install-time-permanent-modules.aab",
            "com.google.android.samples.dynamicfeatures.ondemand",
            "1",
            "1.0",
            24,
            28,
            "On Demand Sample",
            &[],
            &["assets/", "base/", "initialInstall/", "java/"],
        ),
        (
            // aapt2 prints no targetSdkVersion: it defaults to minSdkVersion.
            "aab/bundletool-watch-face-from-tool.aab",
            "com.watchfacestudio.testinstall",
            "10000001",
            "1.0.0",
            30,
            30,
            "TestInstall",
            &[
                "android.permission.BODY_SENSORS",
                "android.permission.REORDER_TASKS",
                "android.permission.SCHEDULE_EXACT_ALARM",
                "android.permission.VIBRATE",
                "android.permission.WAKE_LOCK",
                "com.android.alarm.permission.SET_ALARM",
                "com.google.android.wearable.healthservices.permission.PASSIVE_DATA_BINDING",
                "com.google.android.wearable.permission.BIND_WATCH_FACE_CONTROL",
                "com.google.android.wearable.permission.RECEIVE_COMPLICATION_DATA",
                "com.samsung.android.watch.watchface.companionhelper.READ_DATABASE",
                "com.samsung.android.watch.watchface.companionhelper.WRITE_DATABASE",
                "com.samsung.android.watch.watchface.hideinformation.setting.READ_HIDE_INFORMATION",
            ],
            &["base/", "runtime/"],
        ),
    ];
    for (file, pkg, vc, vn, min, target, label, perms, modules) in cases {
        let Some(p) = corpus(file) else { return };
        let r = inspect_path(&p, &Options::default()).unwrap();
        assert_eq!(r.input.format, "aab", "{file}");
        assert_eq!(r.app.id.as_deref(), Some(pkg), "{file}");
        assert_eq!(r.app.version_code.as_deref(), Some(vc), "{file}");
        assert_eq!(r.app.version_name.as_deref(), Some(vn), "{file}");
        assert_eq!((r.app.min_sdk, r.app.target_sdk), (Some(min), Some(target)));
        assert_eq!(r.app.name.as_deref(), Some(label), "{file}");
        assert_eq!(permissions(&r), perms, "{file}");
        let got: Vec<&str> = r.parts.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(got, modules, "{file}");
        assert_eq!(r.installable.android_accepts, None, "{file}");
    }
    // Feature-module code is read: the watch face's runtime module carries
    // the Glide WebP decoder library.
    let Some(p) = corpus("aab/bundletool-watch-face-from-tool.aab") else {
        return;
    };
    let r = inspect_path(&p, &Options::default()).unwrap();
    assert!(
        r.native_libraries
            .iter()
            .any(|n| n.path == "runtime/lib/arm64-v8a/libglide-webp.so"
                && n.sdk.as_deref() == Some("glidewebpdecoder"))
    );
}
