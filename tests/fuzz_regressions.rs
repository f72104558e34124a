//! Every input a fuzz target crashed on (tests/fuzz-regressions/, named after
//! the target) goes through its parser, the whole `inspect` and the `xml`
//! command without a panic or a signal.

mod common;

use std::path::PathBuf;

fn regressions() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fuzz-regressions")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

#[test]
fn parsers_read_every_crash_input_without_panicking() {
    for path in regressions() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("plist-") {
            let _ = telltale::apple::info_plist::parse(&bytes);
            let _ = telltale::apple::privacy_manifest::parse(&bytes);
            let _ = telltale::apple::provisioning::parse(&bytes);
        }
        let report = telltale::inspect_bytes(&name, &bytes, &telltale::Options::default());
        if let Ok(r) = report {
            let _ = telltale::report::json::render(&r);
            let _ = telltale::report::text::render(&r);
        }
    }
}

#[test]
fn the_cli_inspects_and_prints_every_crash_input() {
    for path in regressions() {
        let p = path.to_str().unwrap();
        for args in [
            vec!["inspect", p],
            vec!["inspect", "--format", "json", p],
            vec!["xml", p],
        ] {
            let (code, _, err) = common::telltale(&args);
            assert!(code == 0 || code == 1, "{args:?} ended with {code}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
        }
    }
}
