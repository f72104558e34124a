//! Runs `inspect` over every APK of the real corpus (`../shared/corpus`) and
//! compares package, versions, SDK levels, permissions and label with what
//! `aapt dump badging` printed (recorded by `scripts/corpus-golden` into
//! `tests/golden/aapt-badging.tsv`). Skips when `../shared` is absent.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use telltale::{Options, inspect_path};

const DIRS: [&str; 7] = [
    "apk",
    "apk-trackers",
    "apk-edge",
    "signing",
    "split",
    "malformed",
    "tricks",
];
/// Never opened by anything that inflates: it expands to hundreds of GB.
const ZIP_BOMB: &str = "zipbomb-overlapping-zbsm.zip";

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping corpus tests: ../shared/corpus is absent");
        None
    }
}

fn corpus_apks(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for d in DIRS {
        let Ok(rd) = std::fs::read_dir(root.join(d)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if (name.ends_with(".apk") || name.ends_with(".zip")) && name != ZIP_BOMB {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// One row of the aapt golden file.
struct Golden {
    ok: bool,
    package: String,
    version_code: String,
    version_name: String,
    min_sdk: String,
    target_sdk: String,
    permissions: BTreeSet<String>,
    label: String,
}

fn golden() -> HashMap<String, Golden> {
    let text = include_str!("golden/aapt-badging.tsv");
    let mut rows = HashMap::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 13 {
            continue;
        }
        let split = |s: &str| {
            s.split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect::<BTreeSet<_>>()
        };
        let mut permissions = split(c[9]);
        permissions.extend(split(c[10]));
        rows.insert(
            c[0].to_string(),
            Golden {
                ok: c[3] == "ok",
                package: c[4].into(),
                version_code: c[5].into(),
                version_name: c[6].into(),
                min_sdk: c[7].into(),
                target_sdk: c[8].into(),
                permissions,
                label: c[12].into(),
            },
        );
    }
    rows
}

fn num(v: Option<u32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_agrees_with_aapt() {
    let Some(root) = corpus() else { return };
    let golden = golden();
    let files = corpus_apks(&root);
    assert!(
        files.len() > 100,
        "corpus looks incomplete: {} files",
        files.len()
    );
    let mut compared = 0;
    let mut agree = 0;
    let mut label_agree = 0;
    let mut label_compared = 0;
    let mut mismatches = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let report = match inspect_path(path, &Options::default()) {
            Ok(r) => r,
            Err(e) => {
                // Not an error for the suite: some corpus files are not archives.
                assert!(
                    golden.get(&rel).is_none_or(|g| !g.ok),
                    "{rel}: aapt reads it but telltale fails: {e}"
                );
                continue;
            }
        };
        let Some(g) = golden.get(&rel).filter(|g| g.ok) else {
            continue;
        };
        compared += 1;
        let ours_perms: BTreeSet<String> =
            report.permissions.iter().map(|p| p.name.clone()).collect();
        let mut diffs = Vec::new();
        let app = &report.app;
        if app.id.as_deref().unwrap_or("") != g.package {
            diffs.push(format!("package {:?} vs {:?}", app.id, g.package));
        }
        if app.version_code.as_deref().unwrap_or("") != g.version_code {
            diffs.push(format!(
                "versionCode {:?} vs {:?}",
                app.version_code, g.version_code
            ));
        }
        if app.version_name.as_deref().unwrap_or("") != g.version_name {
            diffs.push(format!(
                "versionName {:?} vs {:?}",
                app.version_name, g.version_name
            ));
        }
        // aapt prints preview codenames (e.g. "VanillaIceCream") instead of numbers.
        if g.min_sdk.parse::<u32>().is_ok() && num(app.min_sdk) != g.min_sdk {
            diffs.push(format!("minSdk {:?} vs {:?}", app.min_sdk, g.min_sdk));
        }
        if g.target_sdk.parse::<u32>().is_ok() && num(app.target_sdk) != g.target_sdk {
            diffs.push(format!(
                "targetSdk {:?} vs {:?}",
                app.target_sdk, g.target_sdk
            ));
        }
        if ours_perms != g.permissions {
            diffs.push(format!(
                "permissions {:?} vs {:?}",
                ours_perms, g.permissions
            ));
        }
        if !g.label.is_empty() {
            label_compared += 1;
            if app.name.as_deref() == Some(g.label.as_str()) {
                label_agree += 1;
            }
        }
        if diffs.is_empty() {
            agree += 1;
        } else {
            mismatches.push(format!("{rel}: {}", diffs.join("; ")));
        }
    }
    eprintln!(
        "corpus: {} files inspected, {compared} readable by aapt, {agree} agree on package/versions/sdk/permissions; labels {label_agree}/{label_compared}",
        files.len()
    );
    for m in &mismatches {
        eprintln!("  differs: {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} APKs differ from aapt",
        mismatches.len()
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn zip_bomb_ends_fast_with_a_warning() {
    let Some(root) = corpus() else { return };
    let path = root.join("malformed").join(ZIP_BOMB);
    let report = inspect_path(&path, &Options::default()).expect("the bomb is a readable archive");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("overlapping")),
        "no zip bomb warning: {:?}",
        report.warnings
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn every_trick_reports_androids_verdict() {
    let Some(root) = corpus() else { return };
    let accepted = [
        "00_clean.apk",
        "A_lfh_method_mismatch.apk",
        "C_fake_encryption_flag.apk",
        "E_bad_crc.apk",
        "J_eocd_count_too_small.apk",
    ];
    let mut names: Vec<_> = std::fs::read_dir(root.join("tricks"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    assert_eq!(names.len(), 14);
    for path in names {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let report = inspect_path(&path, &Options::default()).unwrap();
        assert_eq!(report.app.id.as_deref(), Some("com.politedroid"), "{file}");
        assert_eq!(report.app.version_name.as_deref(), Some("1.3"), "{file}");
        let expected = accepted.contains(&file.as_str());
        assert_eq!(
            report.installable.android_accepts,
            Some(expected),
            "{file}: reasons {:?}",
            report.installable.reasons
        );
        if file != "00_clean.apk" {
            assert!(
                report
                    .warnings
                    .iter()
                    .any(|w| w.message.starts_with("zip:")),
                "{file}: no zip warning"
            );
        }
    }
}

/// apksigner's signer certificates (tests/golden/apksigner-certs.tsv, by
/// `scripts/signing-golden`) against `inspect`'s `signing`, taking the
/// highest scheme apksigner 0.9 reports (v3, else v2, else v1).
#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn signing_agrees_with_apksigner() {
    let Some(root) = corpus() else { return };
    let text = include_str!("golden/apksigner-certs.tsv");
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 3 || !c[2].starts_with("verifies") {
            continue;
        }
        let expected: BTreeSet<String> = c[1]
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let report = inspect_path(&root.join(c[0]), &Options::default()).expect(c[0]);
        let ours = |scheme: &str| -> BTreeSet<String> {
            report
                .signing
                .iter()
                .filter(|s| s.scheme == scheme)
                .map(|s| s.sha256.clone())
                .collect()
        };
        let view = ["v3", "v2", "v1"]
            .iter()
            .map(|s| ours(s))
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        compared += 1;
        if view != expected {
            mismatches.push(format!("{}: ours {view:?} vs apksigner {expected:?}", c[0]));
        }
    }
    eprintln!(
        "signing: {compared} APKs verified by apksigner, {} agree",
        compared - mismatches.len()
    );
    assert!(compared > 90);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// The v3 key-rotation lineage, as `apksigner lineage --in FILE --print-certs`
/// prints it for apksig's golden lineage APK (two signers, rsa-2048 → rsa-2048_2).
#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn v3_lineage_matches_apksigner() {
    let Some(root) = corpus() else { return };
    let path = root.join("signing/apksig-golden-aligned-v3-lineage-out.apk");
    let report = inspect_path(&path, &Options::default()).unwrap();
    let lineage: BTreeSet<&str> = report
        .signing
        .iter()
        .filter(|s| s.scheme == "v3-lineage")
        .map(|s| s.sha256.as_str())
        .collect();
    assert_eq!(
        lineage,
        BTreeSet::from([
            "fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8",
            "681b0e56a796350c08647352a4db800cc44b2adc8f4c72fa350bd05d4d50264d",
        ])
    );
}
