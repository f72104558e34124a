//! The committed JSON Schema (`docs/report.schema.json`) is the one derived
//! from the model, and every report the tool writes validates against it:
//! the golden JSON, every sample, and a few corpus packages (those need
//! `../shared/corpus`). Regenerate the schema with
//! `UPDATE_SCHEMA=1 cargo test --release --test schema`.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let text = telltale::report::schema::json_schema();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the report schema compiles")
}

fn check(validator: &jsonschema::Validator, what: &str, report: &str) {
    let value: Value = serde_json::from_str(report).unwrap_or_else(|e| panic!("{what}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

fn json_report(path: &Path) -> String {
    let (code, out, err) =
        common::telltale(&["inspect", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{}: {err}", path.display());
    out
}

#[test]
fn committed_schema_is_the_generated_one() {
    let generated = telltale::report::schema::json_schema();
    let path = root().join("docs/report.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/report.schema.json differs from the schema derived from src/report/model.rs; \
         if the model change is intended, run UPDATE_SCHEMA=1 cargo test --release --test schema \
         and review the diff"
    );
}

#[test]
fn schema_subcommand_prints_the_committed_schema() {
    // The binary embeds the file at build time: after UPDATE_SCHEMA=1 it
    // holds the old one until the next build.
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        return;
    }
    let (code, out, err) = common::telltale(&["schema"]);
    assert_eq!(code, 0, "{err}");
    let committed = std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap();
    assert!(
        out == committed,
        "`telltale schema` differs from docs/report.schema.json"
    );
}

#[test]
fn golden_json_validates() {
    let v = validator();
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("tests/golden/json")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            check(
                &v,
                &path.display().to_string(),
                &std::fs::read_to_string(&path).unwrap(),
            );
            n += 1;
        }
    }
    assert!(n >= 5, "only {n} golden reports");
}

/// Every package in samples/ (not the sources under samples/src, nor the
/// README and the ProGuard mapping that goes with `minified.dex`).
fn samples() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "src") {
                    walk(&path, out);
                }
            } else if path.extension().is_none_or(|e| e != "md" && e != "txt") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("samples"), &mut out);
    out.sort();
    out
}

#[test]
fn every_sample_report_validates() {
    let v = validator();
    let samples = samples();
    assert!(samples.len() >= 15, "{samples:?}");
    for path in samples {
        check(&v, &path.display().to_string(), &json_report(&path));
    }
}

/// A few corpus packages of each kind (APK, trackers, split set, bundle, IPA
/// with a watch app, tvOS IPA, Mach-O).
const CORPUS: &[&str] = &[
    "apk-trackers/upyun-loginDemo.apk",
    "apk/JustTrustMe.apk",
    "split/simplestnotes-universal.apks",
    "aab/appinfo-android.aab",
    "ipa/fastlane-ContainsWatchApp.ipa",
    "ipa/appinfo-apple-tv-BilibiliLive.ipa",
    "macho/rubymacho-minimal-arm64.macho",
];

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_reports_validate() {
    let v = validator();
    for rel in CORPUS {
        let Some(path) = common::corpus(rel) else {
            continue;
        };
        check(&v, rel, &json_report(&path));
    }
}
