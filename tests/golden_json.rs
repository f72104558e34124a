//! The JSON report of each committed sample, byte for byte. A change to the
//! output (or to the signature database, whose hash the report carries)
//! shows up here; when it is intended, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --release --test golden_json` and review the diff.
//! The source commit in `provenance` moves with every commit, so it is held
//! as `"source_commit": "(any)"`.

use std::process::Command;

const SAMPLES: [(&str, &str); 5] = [
    ("samples/basic.apk", "basic.json"),
    ("samples/sdk-planted.apk", "sdk-planted.json"),
    ("samples/splits.xapk", "splits-xapk.json"),
    ("samples/nested.apk", "nested.json"),
    ("samples/ios/tracking-app.ipa", "tracking-app.json"),
];

#[test]
fn sample_reports_match_their_golden_json() {
    let root = env!("CARGO_MANIFEST_DIR");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (sample, golden) in SAMPLES {
        let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
            .args(["inspect", "--format", "json", sample])
            .current_dir(root)
            .output()
            .expect("run telltale");
        assert!(out.status.success(), "{sample}");
        let got = without_commit(&String::from_utf8_lossy(&out.stdout));
        let path = format!("{root}/tests/golden/json/{golden}");
        if update {
            std::fs::write(&path, &got).expect("write golden");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != got {
            stale.push(golden);
        }
    }
    assert!(
        stale.is_empty(),
        "reports differ from tests/golden/json: {stale:?} (see this file's header)"
    );
}

/// The report with its source commit replaced by `(any)`.
fn without_commit(json: &str) -> String {
    json.lines()
        .map(|line| match line.find("\"source_commit\": \"") {
            Some(at) => format!("{}\"source_commit\": \"(any)\",", &line[..at]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
