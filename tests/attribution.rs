//! Attribution by location holds on every sample and on the real packages of
//! `../shared/corpus` (apk-trackers, apk, ipa): no finding names an SDK the
//! report does not list as found in the code (`bundled` or `repackaged`),
//! and identifier APIs name every place their callers are in. Corpus parts
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

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_names_only_listed_sdks() {
    let corpus = root().join("../shared/corpus");
    let mut paths = packages_in(&corpus.join("apk-trackers"), &["apk"]);
    paths.extend(packages_in(&corpus.join("apk"), &["apk"]));
    paths.extend(packages_in(&corpus.join("ipa"), &["ipa"]));
    check_all(&paths);
}
