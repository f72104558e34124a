//! Evidence holds up: for every endpoint and secret reported on the real
//! corpus, the bytes at the reported offset of the reported entry contain
//! what was reported. Skips when `../shared` is absent.

use std::path::PathBuf;
use telltale::container::zip::{Archive, Limits};
use telltale::report::model::Location;
use telltale::{Options, inspect_path};

/// How far after an offset the match may end (non-ASCII DEX strings pin
/// their hits to the start of the string).
const WINDOW: usize = 64 * 1024;

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Bytes of a (possibly nested, `!`-joined) entry of the package at `file`.
fn entry_bytes(file: &[u8], path: &str) -> Option<Vec<u8>> {
    let mut current = file.to_vec();
    for part in path.split('!') {
        let archive = Archive::parse(&current).ok()?;
        let entry = archive.find(part)?;
        current = archive.read(entry, &Limits::default()).ok()?;
    }
    Some(current)
}

fn holds(bytes: &[u8], loc: &Location, text: &str) -> bool {
    let Some(at) = loc.offset.map(|o| o as usize) else {
        return false;
    };
    let Some(window) = bytes.get(at..bytes.len().min(at + WINDOW)) else {
        return false;
    };
    let lower: Vec<u8> = window.iter().map(u8::to_ascii_lowercase).collect();
    contains(&lower, text.as_bytes()) || contains(&lower, &utf16(text))
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn every_reported_offset_holds_what_was_reported() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if !root.is_dir() {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    }
    let mut files: Vec<PathBuf> = ["apk-trackers", "apk"]
        .iter()
        .filter_map(|d| std::fs::read_dir(root.join(d)).ok())
        .flat_map(|rd| rd.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "apk"))
        .collect();
    files.push(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/sdk-planted.apk"
    )));
    files.sort();
    let options = Options {
        show_secrets: true,
        ..Options::default()
    };
    let (mut checked, mut bad) = (0usize, Vec::new());
    for file in &files {
        let Ok(report) = inspect_path(file, &options) else {
            continue;
        };
        let data = std::fs::read(file).unwrap();
        let mut cache: std::collections::HashMap<String, Option<Vec<u8>>> = Default::default();
        let mut check = |loc: &Location, text: &str| {
            let bytes = cache
                .entry(loc.path.clone())
                .or_insert_with(|| entry_bytes(&data, &loc.path));
            checked += 1;
            if !bytes.as_deref().is_some_and(|b| holds(b, loc, text)) {
                bad.push(format!(
                    "{}: {text} not at {}@{:?}",
                    file.display(),
                    loc.path,
                    loc.offset
                ));
            }
        };
        for e in &report.endpoints {
            // IPv6 literals may be written in another (compressed) form.
            let needle = if e.host.contains(':') {
                e.host.split(':').next().unwrap_or("")
            } else {
                &e.host
            };
            for loc in &e.locations {
                check(loc, needle);
            }
        }
        for s in &report.secrets {
            let value = s.value.as_deref().expect("--show-secrets keeps the value");
            assert_eq!(telltale::util::sha256_hex(value.as_bytes()), s.sha256);
            // Values read from the parsed binary manifest (meta-data under a
            // secret key name) have no offset: there is nothing to check.
            for loc in s.locations.iter().filter(|l| l.offset.is_some()) {
                check(loc, &value.to_ascii_lowercase());
            }
        }
    }
    eprintln!(
        "locations: {checked} checked over {} packages, {} wrong",
        files.len(),
        bad.len()
    );
    assert!(checked > 500, "only {checked} locations checked");
    assert!(bad.is_empty(), "{bad:#?}");
}

/// What filing reads again over `apk-trackers` (entries no memo of the
/// entry pass answers for), by kind of entry: a figure for issue 15, run
/// with `cargo test --release --test locations -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: prints what filing reads again over apk-trackers"]
fn what_filing_reads_again() {
    use telltale::evidence::{Package, enrich};
    use telltale::pipeline::{Inspection, inspect_path_with_memos};
    use telltale::report::memo::EntryMemos;
    let root = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/apk-trackers"
    ));
    let Ok(dir) = std::fs::read_dir(&root) else {
        eprintln!("skipping: {} is absent", root.display());
        return;
    };
    let mut files: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
    files.sort();
    let (options, knowledge) = (Options::default(), telltale::Knowledge::embedded().unwrap());
    let limits = Limits::default();
    let mut by_kind: std::collections::BTreeMap<String, [(usize, u64); 2]> = Default::default();
    for file in &files {
        let Ok(Inspection { report, memos }) = inspect_path_with_memos(file, &options, knowledge)
        else {
            continue;
        };
        let package = Package::open(file).unwrap();
        for (i, kept) in [EntryMemos::default(), memos].iter().enumerate() {
            let read = enrich(&mut report.clone(), kept, &package, &limits);
            for (path, bytes) in read.0 {
                let name = path.rsplit(['!', '/']).next().unwrap_or_default();
                let mut kind = match name.rsplit_once('.') {
                    Some((_, ext)) if ext.len() <= 8 => ext.to_string(),
                    _ => "other".to_string(),
                };
                if path.contains('!') {
                    kind.push_str(" (nested)");
                }
                if i == 1 && kind == "dex" {
                    eprintln!("read again: {}: {path}", file.display());
                }
                let slot = &mut by_kind.entry(kind).or_default()[i];
                slot.0 += 1;
                slot.1 += bytes;
            }
        }
    }
    eprintln!("kind\tentries without memos\tbytes\tentries with memos\tbytes");
    for (kind, [all, kept]) in &by_kind {
        eprintln!("{kind}\t{}\t{}\t{}\t{}", all.0, all.1, kept.0, kept.1);
    }
}
