//! Tests over real tables from the corpus and synthetic damaged ones.

use super::*;

fn corpus(rel: &str) -> Option<Vec<u8>> {
    let path = format!("{}/../shared/corpus/{rel}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("skipping: corpus file {path} not readable ({e})");
            None
        }
    }
}

#[test]
fn probe() {
    let Ok(path) = std::env::var("ARSC_PROBE") else { return };
    let b = std::fs::read(&path).expect("probe file");
    let t = parse(&b).expect("parse");
    eprintln!("packages {:?} libs {:?}", t.packages(), t.libraries());
    eprintln!("anomalies {:#?}", t.anomalies);
    for id in std::env::var("ARSC_IDS").unwrap_or_default().split(',').filter(|s| !s.is_empty()) {
        let id = u32::from_str_radix(id.trim_start_matches("0x"), 16).expect("hex id");
        eprintln!(
            "0x{id:08x} {:?} = {:?} / file {:?} / all {:?}",
            t.name_of(id),
            t.resolve_string(id),
            t.resolve_file(id),
            t.string_values(id)
        );
    }
}

/// Corpus measurement driven by scripts/arsc-corpus-check.sh: each line of
/// the `ARSC_CHECK` file is `apk, extracted arsc, label id (hex or -), aapt label`.
#[test]
#[ignore = "run through scripts/arsc-corpus-check.sh"]
fn arsc_label_check() {
    let list = std::env::var("ARSC_CHECK").expect("ARSC_CHECK names the list");
    let list = std::fs::read_to_string(list).expect("list");
    let (mut total, mut parsed, mut with_ref, mut agree) = (0, 0, 0, 0);
    for line in list.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let [apk, arsc, reference, label] = f[..] else { continue };
        total += 1;
        let bytes = std::fs::read(arsc).expect("arsc");
        let t = match parse(&bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("FAIL {apk}: {e}");
                continue;
            }
        };
        parsed += 1;
        if !t.anomalies.is_empty() {
            eprintln!("ANOMALIES {apk}: {:?}", t.anomalies);
        }
        let Ok(id) = u32::from_str_radix(reference, 16) else { continue };
        with_ref += 1;
        let ours = t.resolve_string(id);
        if ours.as_deref() == Some(label) {
            agree += 1;
        } else {
            eprintln!("DIFF {apk}: 0x{id:08x} ours {ours:?} aapt {label:?} all {:?}", t.string_values(id));
        }
    }
    eprintln!("{total} tables, {parsed} parsed, {with_ref} label references, {agree} agree with aapt");
}
