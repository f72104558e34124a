//! Endpoint precision on real packages: the hand-checked verdicts of
//! `tests/golden/corpus-noise.tsv` (issue 10). Every `noise` pair (a
//! documentation link, licence text, comment, namespace, certificate text,
//! property key, package-name list or source file read as a host) must not be
//! an endpoint of its package's report, and every `good` pair must stay one.
//! `known-noise` pairs are documented gaps, printed but not asserted. Skips
//! when `../shared/corpus` is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use telltale::{Options, inspect_path};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_endpoint_verdicts_hold() {
    let corpus = root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipping: {} is absent", corpus.display());
        return;
    }
    let tsv = std::fs::read_to_string(root().join("tests/golden/corpus-noise.tsv")).unwrap();
    let mut by_file: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "bad line: {line}");
        assert!(
            ["noise", "good", "known-noise"].contains(&cols[0]),
            "bad verdict: {line}"
        );
        by_file.entry(cols[1]).or_default().push((cols[0], cols[2]));
    }
    let mut failures = Vec::new();
    let (mut noise, mut good, mut known) = (0, 0, 0);
    for (file, verdicts) in &by_file {
        let path = corpus.join(file);
        if !path.exists() {
            eprintln!("skipping: {} is absent", path.display());
            continue;
        }
        let report = inspect_path(&path, &Options::default()).unwrap();
        let hosts: BTreeSet<&str> = report.endpoints.iter().map(|e| e.host.as_str()).collect();
        for (verdict, host) in verdicts {
            let reported = hosts.contains(host);
            match *verdict {
                "noise" => {
                    noise += 1;
                    if reported {
                        failures.push(format!("{file}: noise host {host} is reported"));
                    }
                }
                "good" => {
                    good += 1;
                    if !reported {
                        failures.push(format!("{file}: endpoint {host} is lost"));
                    }
                }
                _ => {
                    known += 1;
                    eprintln!("known gap: {file}: {host} (reported: {reported})");
                }
            }
        }
    }
    eprintln!("{noise} noise pairs, {good} good pairs, {known} known gaps checked");
    assert!(failures.is_empty(), "{failures:#?}");
}
