//! The measuring stick for SDK detection on real packages: every file of
//! `tests/golden/corpus-sdks.tsv` (paths under `../shared/corpus`) is
//! inspected and its reported SDK ids are compared with the SDKs verified to
//! be inside (must find / may find / must not). Prints precision and recall.
//!
//! A ratchet keeps the test green while the matching mechanisms are
//! reworked: `tests/golden/corpus-sdks-known-gaps.tsv` lists today's misses
//! and false positives with a reason. The test fails on a miss or false
//! positive that is not listed, and on a listed gap that no longer occurs
//! (remove it from the list: the list only shrinks).
//!
//! `TELLTALE_BIN=/path/to/telltale` measures another build (its JSON output)
//! instead of this library, printing the figures without the ratchet; e.g.
//! `TELLTALE_BIN=/work/baseline/telltale-7daac05 cargo test --release --test
//! corpus_sdks -- --nocapture`. Skips when `../shared/corpus` is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use telltale::signatures::Database;
use telltale::{Knowledge, Options, inspect_path};

const GOLDEN: &str = include_str!("golden/corpus-sdks.tsv");
const GAPS: &str = include_str!("golden/corpus-sdks-known-gaps.tsv");

struct Expect {
    file: String,
    must: BTreeSet<String>,
    may: BTreeSet<String>,
    must_not: BTreeSet<String>,
}

fn ids(col: &str) -> BTreeSet<String> {
    col.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
        .map(str::to_owned)
        .collect()
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

fn expectations() -> Vec<Expect> {
    rows(GOLDEN)
        .map(|c| {
            assert!(c.len() >= 4, "corpus-sdks.tsv: short row {c:?}");
            Expect {
                file: c[0].to_owned(),
                must: ids(c[1]),
                may: ids(c[2]),
                must_not: ids(c[3]),
            }
        })
        .collect()
}

/// `(file, kind, sdk)` → reason, from the known-gaps list.
fn known_gaps() -> BTreeMap<(String, String, String), String> {
    rows(GAPS)
        .map(|c| {
            assert!(c.len() >= 4, "known-gaps: short row {c:?}");
            assert!(
                c[1] == "miss" || c[1] == "false-positive",
                "known-gaps: kind must be miss or false-positive: {c:?}"
            );
            assert!(!c[3].trim().is_empty(), "known-gaps: no reason: {c:?}");
            (
                (c[0].to_owned(), c[1].to_owned(), c[2].to_owned()),
                c[3].to_owned(),
            )
        })
        .collect()
}

fn db() -> &'static Database {
    &Knowledge::embedded()
        .expect("embedded knowledge")
        .signatures
}

fn corpus_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

/// Whether a reported SDK counts as found in the package: its code ships
/// (`bundled`, `repackaged`). `declared` (manifest only) and `referenced`
/// (called, not shipped) SDKs are reported apart and are not detections.
/// Reports before schema 2 have no `found`: every SDK counts.
fn in_code(found: Option<&str>) -> bool {
    found.is_none_or(|f| f == "bundled" || f == "repackaged")
}

/// Reported SDK ids (found in the code), from this library or from
/// `TELLTALE_BIN`'s JSON.
fn reported(path: &Path, bin: Option<&str>) -> BTreeSet<String> {
    match bin {
        None => inspect_path(path, &Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .sdks
            .into_iter()
            .filter(|s| in_code(Some(&s.found)))
            .map(|s| s.id)
            .collect(),
        Some(bin) => {
            let out = std::process::Command::new(bin)
                .args(["inspect", "--format", "json"])
                .arg(path)
                .output()
                .unwrap_or_else(|e| panic!("{bin}: {e}"));
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            v["sdks"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|s| in_code(s["found"].as_str()))
                        .filter_map(|s| s["id"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        }
    }
}

#[test]
fn golden_lists_name_known_sdks() {
    let db = db();
    let known: BTreeSet<&str> = db.sdk_ids().collect();
    let mut files = BTreeSet::new();
    for e in expectations() {
        assert!(files.insert(e.file.clone()), "{} listed twice", e.file);
        for id in &e.must {
            assert!(
                known.contains(id.as_str()),
                "{}: unknown must-find {id}",
                e.file
            );
            assert!(
                !e.may.contains(id) && !e.must_not.contains(id),
                "{}: {id} twice",
                e.file
            );
        }
        assert!(e.may.is_disjoint(&e.must_not), "{}", e.file);
    }
    for (file, _, _) in known_gaps().keys() {
        assert!(files.contains(file), "known gap for unlisted file {file}");
    }
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_sdk_precision_and_recall() {
    let root = corpus_root();
    if !root.is_dir() {
        eprintln!("skipping: {} is absent", root.display());
        return;
    }
    let bin = std::env::var("TELLTALE_BIN").ok();
    let db = db();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut gaps_now: BTreeMap<(String, String, String), String> = BTreeMap::new();
    let mut tracker_in_negative = Vec::new();
    for e in expectations() {
        let path = root.join(&e.file);
        if !path.is_file() {
            eprintln!("skipping: {} is absent", path.display());
            continue;
        }
        let got = reported(&path, bin.as_deref());
        for id in &e.must {
            if got.contains(id) {
                tp += 1;
            } else {
                fn_ += 1;
                gaps_now.insert((e.file.clone(), "miss".into(), id.clone()), String::new());
            }
        }
        for id in &got {
            if e.must.contains(id) || e.may.contains(id) {
                continue;
            }
            fp += 1;
            let why = if e.must_not.contains(id) {
                "listed must-not"
            } else {
                "not in the package"
            };
            gaps_now.insert(
                (e.file.clone(), "false-positive".into(), id.clone()),
                why.into(),
            );
        }
        let name = e.file.rsplit('/').next().unwrap_or(&e.file);
        if name.starts_with("negative-") {
            for id in &got {
                if db.is_tracker(id) == Some(true) {
                    tracker_in_negative.push((e.file.clone(), id.clone()));
                }
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "corpus SDKs ({}): {tp} found, {fn_} missed, {fp} false positives; \
         precision {:.3}, recall {:.3}",
        bin.as_deref().unwrap_or("this build"),
        precision,
        recall
    );
    for ((file, kind, id), why) in &gaps_now {
        eprintln!("  {kind:14} {id:28} {file} {why}");
    }
    if bin.is_some() {
        return;
    }
    let listed = known_gaps();
    let new: Vec<_> = gaps_now
        .keys()
        .filter(|k| !listed.contains_key(*k))
        .collect();
    let fixed: Vec<_> = listed
        .keys()
        .filter(|k| !gaps_now.contains_key(*k))
        .collect();
    assert!(
        new.is_empty(),
        "new misses / false positives (fix them, or list them with a reason in \
         tests/golden/corpus-sdks-known-gaps.tsv): {new:#?}"
    );
    assert!(
        fixed.is_empty(),
        "these known gaps no longer occur: remove them from \
         tests/golden/corpus-sdks-known-gaps.tsv: {fixed:#?}"
    );
    tracker_in_negative.retain(|(file, id)| {
        !listed.contains_key(&(file.clone(), "false-positive".to_owned(), id.clone()))
    });
    assert!(
        tracker_in_negative.is_empty(),
        "negative controls report trackers: {tracker_in_negative:#?}"
    );
}
