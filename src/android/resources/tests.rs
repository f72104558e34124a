//! Tests over real tables from the corpus, synthetic damaged tables and a
//! deterministic mutation loop.

use super::*;
use crate::container::zip::{Archive, Limits};

fn corpus_dir() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus").to_string()
}

fn corpus(rel: &str) -> Option<Vec<u8>> {
    let path = format!("{}/{rel}", corpus_dir());
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("skipping: corpus file {path} not readable ({e})");
            None
        }
    }
}

/// resources.arsc of a corpus APK, read with the container's zip reader.
fn arsc_of(rel: &str) -> Option<Vec<u8>> {
    let apk = corpus(rel)?;
    let zip = Archive::parse(&apk).expect("corpus apk opens");
    let entry = zip.find("resources.arsc").expect("apk has resources.arsc");
    Some(
        zip.read(entry, &Limits::default())
            .expect("resources.arsc inflates"),
    )
}

fn table(bytes: &[u8]) -> ResourceTable {
    parse(bytes).expect("table parses")
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn every_corpus_arsc_parses_cleanly() {
    let dir = format!("{}/arsc", corpus_dir());
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {dir} absent");
        return;
    };
    let mut n = 0;
    for f in rd.flatten() {
        let bytes = std::fs::read(f.path()).expect("read");
        let t = parse(&bytes).unwrap_or_else(|e| panic!("{:?}: {e}", f.path()));
        assert!(t.anomalies.is_empty(), "{:?}: {:?}", f.path(), t.anomalies);
        assert!(!t.packages().is_empty(), "{:?}", f.path());
        n += 1;
    }
    assert!(n >= 5, "only {n} arsc files");
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn a2dp_label_in_default_config_and_locales() {
    let Some(b) = corpus("arsc/a2dp.Vol_137.arsc") else {
        return;
    };
    let t = table(&b);
    // aapt dump badging: application-label:'A2DP Volume'; manifest label @0x7f07005d.
    assert_eq!(
        t.resolve_string(0x7f07_005d).as_deref(),
        Some("A2DP Volume")
    );
    assert_eq!(t.name_of(0x7f07_005d).as_deref(), Some("string/app_name"));
    let all = t.string_values(0x7f07_005d);
    assert!(
        all.contains(&("fr".into(), "Volume A2DP".into())),
        "{all:?}"
    );
    assert_eq!(t.packages(), vec![(0x7f, "a2dp.Vol".to_string())]);
    // A file resource, and one only present in density configs.
    assert_eq!(
        t.resolve_file(0x7f02_0000).as_deref(),
        Some("res/drawable/car2.png")
    );
    assert_eq!(
        t.resolve_file(0x7f03_0000).as_deref(),
        Some("res/mipmap-mdpi-v4/car.png")
    );
    assert_eq!(t.resolve_string(0x7f01_0000), None);
    assert_eq!(t.name_of(0x7e07_005d), None);
}

#[test]
fn compact_entries_resolve() {
    if let Some(b) = corpus("arsc/apktool-issue3705-compact-entries.arsc") {
        let t = table(&b);
        assert_eq!(
            t.resolve_string(0x7f01_0000).as_deref(),
            Some("CompactEntries")
        );
        assert_eq!(t.name_of(0x7f01_0000).as_deref(), Some("string/app_name"));
    }
    if let Some(b) = arsc_of("malformed/compact-entry.apk") {
        let t = table(&b);
        assert!(t.anomalies.is_empty(), "{:?}", t.anomalies);
        assert_eq!(
            t.resolve_string(0x7f01_0000).as_deref(),
            Some("erev0s.com-CompactEntry")
        );
        assert_eq!(t.name_of(0x7f01_0000).as_deref(), Some("string/app_name"));
    }
}

#[test]
fn sparse_table_matches_its_dense_twin() {
    let (Some(sparse), Some(dense)) = (
        arsc_of("apk-edge/apktool-issue1594-aapt1-sparse.apk"),
        arsc_of("apk-edge/apktool-issue1594-aapt1-not_sparse.apk"),
    ) else {
        return;
    };
    let (s, d) = (table(&sparse), table(&dense));
    assert!(s.anomalies.is_empty() && d.anomalies.is_empty());
    let mut compared = 0;
    let mut v26 = 0;
    for type_id in 1..=4u32 {
        for e in 0..1000u32 {
            let id = 0x7f00_0000 | (type_id << 16) | e;
            assert_eq!(s.name_of(id), d.name_of(id), "0x{id:08x}");
            let sv = s.string_values(id);
            assert_eq!(sv, d.string_values(id), "0x{id:08x}");
            compared += usize::from(!sv.is_empty());
            v26 += sv.iter().filter(|(q, _)| q == "v26").count();
        }
    }
    // aapt: integer/foo_0..9 and string/foo_0..999, default and sparse v26.
    assert_eq!(compared, 1010);
    assert!(v26 > 0);
    assert_eq!(s.resolve_string(0x7f01_0000).as_deref(), Some("0"));
    assert_eq!(s.name_of(0x7f02_0003).as_deref(), Some("string/foo_100"));
}

#[test]
fn offset16_table_resolves() {
    // apktool issue 3366: FLAG_OFFSET16 type chunks.
    let Some(b) = arsc_of("apk-edge/apktool-issue3366-issue3366.apk") else {
        return;
    };
    let t = table(&b);
    assert!(t.anomalies.is_empty(), "{:?}", t.anomalies);
    assert_eq!(t.resolve_string(0x7f01_0000).as_deref(), Some("Issue3366"));
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn shared_library_package_zero() {
    let Some(b) = corpus("arsc/apktool-shared-library-aapt2.arsc") else {
        return;
    };
    let t = table(&b);
    let pkgs = t.packages();
    assert_eq!(pkgs.first().map(|p| p.0), Some(0));
    assert!(!t.libraries().is_empty());
    assert_eq!(t.name_of(0x0001_0000).as_deref(), Some("attr/name"));
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn framework_names_and_strings() {
    let Some(b) = corpus("arsc/apktool-src-resources.arsc") else {
        return;
    };
    let t = table(&b);
    // attr/label is a complex (bag) entry: named, but no string value.
    assert_eq!(t.name_of(0x0101_0001).as_deref(), Some("attr/label"));
    assert_eq!(t.resolve_string(0x0101_0001), None);
    assert_eq!(t.resolve_string(0x0104_0000).as_deref(), Some("Cancel"));
    assert_eq!(t.name_of(0x0104_000a).as_deref(), Some("string/ok"));
}

/// Labels from `aapt dump badging` for corpus APKs, resolved through the
/// manifest's label reference (from `aapt dump xmltree`).
#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn labels_agree_with_aapt() {
    let cases: [(&str, u32, &str); 4] = [
        ("apk/a2dp.Vol_137.apk", 0x7f07_005d, "A2DP Volume"),
        (
            "apk-edge/apktool-shared_libraries-aapt2-client.apk",
            0x7f03_0000,
            "SharedLibrary client",
        ),
        (
            "apk-edge/apktool-issue3705-issue3705.apk",
            0x7f01_0000,
            "CompactEntries",
        ),
        (
            "apk-edge/apktool-issue3366-issue3366.apk",
            0x7f01_0000,
            "Issue3366",
        ),
    ];
    for (apk, id, label) in cases {
        let Some(b) = arsc_of(apk) else { return };
        assert_eq!(
            table(&b).resolve_string(id).as_deref(),
            Some(label),
            "{apk}"
        );
    }
}

/// Every resources.arsc inside a corpus package decodes without error.
#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn every_corpus_apk_table_decodes() {
    let root = corpus_dir();
    let mut stack = vec![std::path::PathBuf::from(&root)];
    let (mut tables, mut failures) = (0, Vec::new());
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for f in rd.flatten() {
            let p = f.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.to_string_lossy();
            if !(name.ends_with(".apk") || name.ends_with(".jar")) || name.contains("bomb") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let Ok(zip) = Archive::parse(&bytes) else {
                continue;
            };
            let Some(entry) = zip.find("resources.arsc") else {
                continue;
            };
            let Ok(arsc) = zip.read(entry, &Limits::default()) else {
                continue;
            };
            tables += 1;
            if let Err(e) = parse(&arsc) {
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    if tables == 0 {
        eprintln!("skipping: no corpus APKs under {root}");
        return;
    }
    eprintln!("{tables} corpus tables decoded");
    assert!(failures.is_empty(), "{failures:?}");
    assert!(tables >= 100, "only {tables} tables");
}

// ---- synthetic tables -------------------------------------------------

fn le16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn le32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// A UTF-8 string pool of short ASCII strings.
fn pool_chunk(strings: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut offs = Vec::new();
    for s in strings {
        offs.push(body.len() as u32);
        body.extend_from_slice(&[s.len() as u8, s.len() as u8]);
        body.extend_from_slice(s.as_bytes());
        body.push(0);
    }
    while body.len() % 4 != 0 {
        body.push(0);
    }
    let start = 28 + 4 * strings.len();
    let mut v = Vec::new();
    le16(&mut v, 1);
    le16(&mut v, 28);
    le32(&mut v, (start + body.len()) as u32);
    le32(&mut v, strings.len() as u32);
    le32(&mut v, 0);
    le32(&mut v, 0x100);
    le32(&mut v, start as u32);
    le32(&mut v, 0);
    for o in offs {
        le32(&mut v, o);
    }
    v.extend_from_slice(&body);
    v
}

fn simple_entry(key: u32, data_type: u8, data: u32) -> Vec<u8> {
    let mut v = Vec::new();
    le16(&mut v, 8);
    le16(&mut v, 0);
    le32(&mut v, key);
    le16(&mut v, 8);
    v.push(0);
    v.push(data_type);
    le32(&mut v, data);
    v
}

fn compact_entry(key: u16, data_type: u8, data: u32) -> Vec<u8> {
    let mut v = Vec::new();
    le16(&mut v, key);
    le16(&mut v, 0x0008 | (u16::from(data_type) << 8));
    le32(&mut v, data);
    v
}

/// A type chunk; `flags` selects dense (0), sparse (1) or offset16 (2)
/// offset tables; `language` sets the config's locale.
fn type_chunk(type_id: u8, flags: u8, language: &[u8; 2], entries: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let header = 20 + 64;
    let mut offsets = Vec::new();
    let mut data = Vec::new();
    let count = if flags & 1 != 0 {
        for (idx, e) in entries {
            le16(&mut offsets, *idx);
            le16(&mut offsets, (data.len() / 4) as u16);
            data.extend_from_slice(e);
        }
        entries.len()
    } else {
        let n = entries
            .iter()
            .map(|(i, _)| usize::from(*i) + 1)
            .max()
            .unwrap_or(0);
        for i in 0..n {
            match entries.iter().find(|(j, _)| usize::from(*j) == i) {
                Some((_, e)) if flags & 2 != 0 => {
                    le16(&mut offsets, (data.len() / 4) as u16);
                    data.extend_from_slice(e);
                }
                Some((_, e)) => {
                    le32(&mut offsets, data.len() as u32);
                    data.extend_from_slice(e);
                }
                None if flags & 2 != 0 => le16(&mut offsets, 0xffff),
                None => le32(&mut offsets, 0xffff_ffff),
            }
        }
        n
    };
    while offsets.len() % 4 != 0 {
        offsets.push(0xff);
    }
    let mut v = Vec::new();
    le16(&mut v, 0x0201);
    le16(&mut v, header as u16);
    le32(&mut v, (header + offsets.len() + data.len()) as u32);
    v.push(type_id);
    v.push(flags);
    le16(&mut v, 0);
    le32(&mut v, count as u32);
    le32(&mut v, (header + offsets.len()) as u32);
    let mut config = vec![0u8; 64];
    config[0] = 64;
    config[8] = language[0];
    config[9] = language[1];
    v.extend_from_slice(&config);
    v.extend_from_slice(&offsets);
    v.extend_from_slice(&data);
    v
}

/// A table with one package 0x7f whose types are `string` (1) and `xml` (2).
fn build(global: &[&str], keys: &[&str], types: &[Vec<u8>]) -> Vec<u8> {
    let type_pool = pool_chunk(&["string", "xml"]);
    let key_pool = pool_chunk(keys);
    let mut pkg = Vec::new();
    le16(&mut pkg, 0x0200);
    le16(&mut pkg, 288);
    le32(&mut pkg, 0); // size, patched below
    le32(&mut pkg, 0x7f);
    let mut name = vec![0u8; 256];
    name[0] = b't';
    pkg.extend_from_slice(&name);
    le32(&mut pkg, 288);
    le32(&mut pkg, 0);
    le32(&mut pkg, (288 + type_pool.len()) as u32);
    le32(&mut pkg, 0);
    le32(&mut pkg, 0);
    pkg.extend_from_slice(&type_pool);
    pkg.extend_from_slice(&key_pool);
    for t in types {
        pkg.extend_from_slice(t);
    }
    let size = pkg.len() as u32;
    pkg[4..8].copy_from_slice(&size.to_le_bytes());
    let global = pool_chunk(global);
    let mut v = Vec::new();
    le16(&mut v, 2);
    le16(&mut v, 12);
    le32(&mut v, (12 + global.len() + pkg.len()) as u32);
    le32(&mut v, 1);
    v.extend_from_slice(&global);
    v.extend_from_slice(&pkg);
    v
}

const STRING: u8 = 0x03;
const REF: u8 = 0x01;

fn sample() -> Vec<u8> {
    build(
        &["Default", "Deutsch", "res/xml/nsc.xml", "English"],
        &["app_name", "alias", "loop", "count", "nsc", "flag"],
        &[
            type_chunk(1, 0, b"de", &[(0, simple_entry(0, STRING, 1))]),
            type_chunk(
                1,
                0,
                b"\0\0",
                &[
                    (0, simple_entry(0, STRING, 0)),
                    (1, simple_entry(1, REF, 0x7f01_0000)),
                    (2, simple_entry(2, REF, 0x7f01_0002)),
                    (3, compact_entry(3, 0x10, 42)),
                    (5, compact_entry(5, 0x12, 1)),
                ],
            ),
            type_chunk(2, 1, b"\0\0", &[(7, simple_entry(4, STRING, 2))]),
            type_chunk(2, 2, b"en", &[(1, compact_entry(0, STRING, 3))]),
        ],
    )
}

#[test]
fn synthetic_table_resolves() {
    let t = table(&sample());
    assert!(t.anomalies.is_empty(), "{:?}", t.anomalies);
    assert_eq!(t.packages(), vec![(0x7f, "t".to_string())]);
    assert_eq!(t.resolve_string(0x7f01_0000).as_deref(), Some("Default"));
    assert_eq!(t.resolve_string(0x7f01_0001).as_deref(), Some("Default"));
    assert_eq!(t.name_of(0x7f01_0001).as_deref(), Some("string/alias"));
    // A reference to itself ends at the depth limit.
    assert_eq!(t.resolve_string(0x7f01_0002), None);
    assert_eq!(t.resolve_string(0x7f01_0003).as_deref(), Some("42"));
    assert_eq!(t.resolve_string(0x7f01_0004), None);
    assert_eq!(t.resolve_string(0x7f01_0005).as_deref(), Some("true"));
    assert_eq!(t.resolve_file(0x7f01_0005), None);
    // Sparse entry 7 and an OFFSET16 entry only in "en".
    assert_eq!(
        t.resolve_file(0x7f02_0007).as_deref(),
        Some("res/xml/nsc.xml")
    );
    assert_eq!(t.name_of(0x7f02_0007).as_deref(), Some("xml/nsc"));
    assert_eq!(t.resolve_string(0x7f02_0001).as_deref(), Some("English"));
    assert_eq!(
        t.string_values(0x7f01_0000),
        vec![
            ("de".to_string(), "Deutsch".to_string()),
            ("default".to_string(), "Default".to_string())
        ]
    );
}

/// Finds `needle` in `hay` (the synthetic layout is known but not fixed).
fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn damaged_tables_become_anomalies() {
    // Chunk size past the end: the table is clamped, still resolves.
    let mut b = sample();
    b[4..8].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    let t = table(&b);
    assert!(
        t.anomalies.iter().any(|a| a.contains("claims")),
        "{:?}",
        t.anomalies
    );
    assert_eq!(t.resolve_string(0x7f01_0000).as_deref(), Some("Default"));

    // A string index out of range resolves to nothing.
    let b = build(
        &["x"],
        &["k"],
        &[type_chunk(
            1,
            0,
            b"\0\0",
            &[(0, simple_entry(0, STRING, 99))],
        )],
    );
    assert_eq!(table(&b).resolve_string(0x7f01_0000), None);

    // An entry offset out of range is counted, the others still resolve.
    let mut b = sample();
    // The locale-less string chunk's offset table starts 0, 16: rewrite 16.
    let offsets_at = find(&b, &[0, 0, 0, 0, 8 + 8, 0, 0, 0]);
    b[offsets_at + 4..offsets_at + 8].copy_from_slice(&0x00ff_0000u32.to_le_bytes());
    let t = table(&b);
    assert!(
        t.anomalies
            .iter()
            .any(|a| a.contains("entry offsets out of range")),
        "{:?}",
        t.anomalies
    );
    assert_eq!(t.resolve_string(0x7f01_0001), None);
    assert_eq!(t.resolve_string(0x7f01_0000).as_deref(), Some("Default"));

    // Not a table at all, or too short.
    assert!(parse(&[]).is_err());
    assert!(parse(&[3, 0, 8, 0, 8, 0, 0, 0]).is_err());
    assert!(parse(&[2, 0, 12, 0, 4, 0, 0, 0, 0, 0, 0, 0]).is_err());
}

#[test]
fn hostile_counts_do_not_allocate() {
    // Type chunk claiming 2^32-1 entries and a pool claiming 2^30 strings.
    let mut b = sample();
    let tc = find(&b, &[0x01, 0x02, 84, 0]);
    b[tc + 12..tc + 16].copy_from_slice(&u32::MAX.to_le_bytes());
    let pool = find(&b, &[1, 0, 28, 0]);
    b[pool + 8..pool + 12].copy_from_slice(&0x4000_0000u32.to_le_bytes());
    let t = table(&b);
    assert!(t.anomalies.len() >= 2, "{:?}", t.anomalies);
}

// ---- mutation loop ----------------------------------------------------

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut XorShift, seed: &[u8]) -> Vec<u8> {
    let mut m = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(m.len());
        match rng.below(5) {
            0 => {
                if let Some(b) = m.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 | 2 => {
                const EDGE: [u32; 7] = [0, 1, 0xffff, 0x8000_0000, 0xffff_ffff, 0x7fff_ffff, 8];
                let v = EDGE[rng.below(EDGE.len())].to_le_bytes();
                for (i, x) in v.iter().enumerate() {
                    if let Some(b) = m.get_mut(at + i) {
                        *b = *x;
                    }
                }
            }
            3 => m.truncate(at.max(1)),
            _ => {
                if let Some(b) = m.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
        }
    }
    m
}

#[test]
fn mutants_do_not_panic() {
    let mut seeds = vec![sample()];
    seeds.extend(corpus("arsc/apktool-issue1594-sparse.arsc"));
    seeds.extend(corpus("arsc/a2dp.Vol_137.arsc"));
    seeds.extend(corpus("arsc/apktool-shared-library-aapt2.arsc"));
    seeds.extend(arsc_of("malformed/compact-entry.apk"));
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut decoded = 0;
    // ARSC_MUTANTS raises the count for a longer local campaign.
    let rounds = std::env::var("ARSC_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000usize);
    for i in 0..rounds {
        let seed = &seeds[i % seeds.len()];
        let m = mutate(&mut rng, seed);
        if let Ok(t) = parse(&m) {
            decoded += 1;
            for id in [
                0x7f01_0000,
                0x7f01_0002,
                0x7f02_0007,
                0x7f07_005d,
                0x0001_0000,
            ] {
                let _ = (t.resolve_string(id), t.resolve_file(id), t.name_of(id));
                let _ = t.string_values(id);
            }
            assert!(t.anomalies.len() <= 65);
        }
    }
    assert!(
        decoded > rounds / 2,
        "only {decoded} of {rounds} mutants decoded"
    );
}

// ---- measurement tools (ignored) ----------------------------------------

/// Corpus measurement driven by scripts/arsc-corpus-check.sh: each line of
/// the `ARSC_CHECK` file is `apk, extracted arsc, label id (hex or -), aapt
/// label, aapt --values dump`.
#[test]
#[ignore = "run through scripts/arsc-corpus-check.sh"]
fn arsc_label_check() {
    let list = std::env::var("ARSC_CHECK").expect("ARSC_CHECK names the list");
    let list = std::fs::read_to_string(list).expect("list");
    let (mut total, mut parsed, mut with_ref, mut agree) = (0, 0, 0, 0);
    let (mut values, mut values_ok) = (0usize, 0usize);
    for line in list.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let [apk, arsc, reference, label, dump] = f[..] else {
            continue;
        };
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
        let (n, ok) = compare_dump(&t, &std::fs::read_to_string(dump).unwrap_or_default(), apk);
        values += n;
        values_ok += ok;
        let Ok(id) = u32::from_str_radix(reference, 16) else {
            continue;
        };
        with_ref += 1;
        let ours = t.resolve_string(id);
        if ours.as_deref() == Some(label) {
            agree += 1;
        } else {
            eprintln!(
                "DIFF {apk}: 0x{id:08x} ours {ours:?} aapt {label:?} all {:?}",
                t.string_values(id)
            );
        }
    }
    eprintln!(
        "{total} tables, {parsed} parsed, {with_ref} label references, {agree} agree with aapt"
    );
    eprintln!("{values} aapt resource values, {values_ok} found with the same name, type and data");
}

/// Checks each `resource 0xID pkg:type/name: t=0xTT d=0xDDDDDDDD` line of an
/// aapt --values dump against the table. Returns (lines, matches).
fn compare_dump(t: &ResourceTable, dump: &str, apk: &str) -> (usize, usize) {
    let (mut n, mut ok, mut shown) = (0, 0, 0);
    for line in dump.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("resource 0x") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(id), Some(name), Some(ty), Some(d)) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            continue;
        };
        let (Some(ty), Some(d)) = (ty.strip_prefix("t=0x"), d.strip_prefix("d=0x")) else {
            continue;
        };
        let (Ok(id), Ok(ty), Ok(d)) = (
            u32::from_str_radix(id, 16),
            u8::from_str_radix(ty, 16),
            u32::from_str_radix(d, 16),
        ) else {
            continue;
        };
        let name = name.trim_end_matches(':');
        let name = name.split_once(':').map_or(name, |(_, n)| n);
        n += 1;
        let same_name = t.name_of(id).as_deref() == Some(name);
        let same_value = t
            .candidates(id)
            .any(|(_, e)| e.value.is_some_and(|v| v.data_type == ty && v.data == d));
        if same_name && same_value {
            ok += 1;
        } else if shown < 3 {
            shown += 1;
            eprintln!(
                "VALUE {apk}: 0x{id:08x} {name} t={ty:#x} d={d:#x} ours {:?}",
                t.name_of(id)
            );
        }
    }
    if ok != n {
        eprintln!("VALUES {apk}: {ok} of {n} aapt values match");
    }
    (n, ok)
}

/// Prints what the decoder sees in one table: `ARSC_PROBE=file ARSC_IDS=7f010000,…`.
#[test]
#[ignore = "manual probe"]
fn probe() {
    let path = std::env::var("ARSC_PROBE").expect("ARSC_PROBE names a file");
    let t = table(&std::fs::read(path).expect("probe file"));
    eprintln!("packages {:?} libraries {:?}", t.packages(), t.libraries());
    eprintln!("anomalies {:#?}", t.anomalies);
    let ids = std::env::var("ARSC_IDS").unwrap_or_default();
    for id in ids.split(',').filter(|s| !s.is_empty()) {
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
