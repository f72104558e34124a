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
