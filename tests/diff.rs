//! `telltale diff OLD NEW` lists exactly the changes: on a fixture where the
//! newer version adds the China Mobile SDK, on two committed samples, and on
//! the two branch-sdk-testbed builds of the corpus (skipped when absent),
//! checked against set differences computed here from the JSON reports.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn telltale(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run telltale");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn report(path: &str) -> Value {
    serde_json::from_str(&telltale(&["inspect", "--format", "json", path])).unwrap()
}

fn diff_json(old: &str, new: &str) -> Value {
    serde_json::from_str(&telltale(&["diff", "--format", "json", old, new])).unwrap()
}

fn keys(r: &Value, list: &str, key: &str) -> BTreeSet<String> {
    r[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect()
}

fn changes(d: &Value, section: &str, kind: &str) -> BTreeSet<String> {
    d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["section"] == section && c["change"] == kind)
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect()
}

/// The diff's added/removed keys equal the set differences of the reports.
fn assert_set_differences(old: &Value, new: &Value, d: &Value) {
    for (section, key) in [
        ("sdks", "id"),
        ("permissions", "name"),
        ("endpoints", "host"),
        ("identifier_apis", "api"),
    ] {
        let (a, b) = (keys(old, section, key), keys(new, section, key));
        let added: BTreeSet<String> = b.difference(&a).cloned().collect();
        let removed: BTreeSet<String> = a.difference(&b).cloned().collect();
        assert_eq!(changes(d, section, "added"), added, "{section} added");
        assert_eq!(changes(d, section, "removed"), removed, "{section} removed");
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn an_update_that_adds_the_china_mobile_sdk() {
    // The "old version": the sample's report without the China Mobile SDK
    // and the endpoints its code holds.
    let mut old = report("samples/sdk-planted.apk");
    old["sdks"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "cmic-sso");
    old["endpoints"].as_array_mut().unwrap().retain(|e| {
        !e["sdks"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s == "cmic-sso"))
    });
    let old_path = tmp("old.json");
    std::fs::write(&old_path, serde_json::to_string(&old).unwrap()).unwrap();
    let d = diff_json(old_path.to_str().unwrap(), "samples/sdk-planted.apk");
    let all: Vec<(String, String, String)> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["section"].as_str().unwrap().into(),
                c["change"].as_str().unwrap().into(),
                c["key"].as_str().unwrap().into(),
            )
        })
        .collect();
    let new = report("samples/sdk-planted.apk");
    let mut expected = vec![(
        "sdks".to_string(),
        "added".to_string(),
        "cmic-sso".to_string(),
    )];
    for e in new["endpoints"].as_array().unwrap() {
        if e["sdks"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s == "cmic-sso"))
        {
            expected.push((
                "endpoints".into(),
                "added".into(),
                e["host"].as_str().unwrap().into(),
            ));
        }
    }
    assert!(expected.len() >= 2, "{expected:?}");
    assert_eq!(all, expected);
    let text = telltale(&[
        "diff",
        old_path.to_str().unwrap(),
        "samples/sdk-planted.apk",
    ]);
    assert!(text.contains("+ cmic-sso  China Mobile"), "{text}");
    assert!(text.contains("China Mobile, CN, state-owned"), "{text}");
    let html = telltale(&[
        "diff",
        "--format",
        "html",
        old_path.to_str().unwrap(),
        "samples/sdk-planted.apk",
    ]);
    assert!(html.contains("cmic-sso") && !html.contains("<script"));
}

#[test]
fn two_samples_differ_by_their_set_differences() {
    let d = diff_json("samples/basic.apk", "samples/sdk-planted.apk");
    assert_set_differences(
        &report("samples/basic.apk"),
        &report("samples/sdk-planted.apk"),
        &d,
    );
    let same = diff_json("samples/basic.apk", "samples/basic.apk");
    assert_eq!(same["changes"].as_array().unwrap().len(), 0);
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn branch_testbed_builds() {
    let dir = root().join("../shared/corpus/apk-trackers");
    let old = dir.join("branch-sdk-testbed-release-unsigned.apk");
    let new = dir.join("branch-sdk-testbed.apk");
    if !old.is_file() || !new.is_file() {
        eprintln!("skipping: ../shared/corpus/apk-trackers is absent");
        return;
    }
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let d = diff_json(old, new);
    assert_set_differences(&report(old), &report(new), &d);
    // A JSON report and its package give the same diff.
    let old_json = tmp("branch-old.json");
    std::fs::write(&old_json, telltale(&["inspect", "--format", "json", old])).unwrap();
    assert_eq!(
        diff_json(old_json.to_str().unwrap(), new)["changes"],
        d["changes"]
    );
    let target: Vec<&Value> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "target_sdk")
        .collect();
    assert_eq!(target.len(), 1);
    assert_eq!(target[0]["detail"], "19 → 34");
}
