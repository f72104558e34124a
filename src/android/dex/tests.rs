use super::*;
use crate::util::sha256_hex;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
const GOLDEN: &str = include_str!("../../../tests/golden/dex-dexdump.tsv");

fn corpus_dex(name: &str) -> Option<Vec<u8>> {
    let path = format!("{SHARED}/corpus/dex/{name}");
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipping: {path} not present");
            None
        }
    }
}

fn joined_hash(lines: &[String]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    sha256_hex(s.as_bytes())
}

/// The references of a walk in the line format of scripts/dex-golden.
fn ref_lines(dex: &Dex) -> Vec<String> {
    let mut out = Vec::new();
    dex.walk_code(|r| {
        let kind = match r.kind {
            RefKind::Invoke => "invoke",
            RefKind::FieldGet => "fget",
            RefKind::FieldPut => "fput",
            RefKind::ConstString => "string",
            RefKind::Type => "type",
        };
        out.push(format!("{:08x} {kind} {}", r.offset, r.index));
    });
    out.sort();
    out
}

#[test]
fn agrees_with_dexdump_on_corpus() {
    let mut checked = 0;
    for line in GOLDEN.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, n_classes, classes_sha, n_refs, refs_sha] = cols[..] else {
            panic!("bad golden line {line}");
        };
        let Some(bytes) = corpus_dex(name) else {
            return;
        };
        let dex = Dex::parse(&bytes).unwrap();
        assert!(dex.warnings().is_empty(), "{name}: {:?}", dex.warnings());
        let classes: Vec<String> = dex.class_descriptors().map(|c| c.into_owned()).collect();
        assert_eq!(classes.len().to_string(), n_classes, "{name}: class count");
        assert_eq!(joined_hash(&classes), classes_sha, "{name}: class list");
        let refs = ref_lines(&dex);
        assert_eq!(refs.len().to_string(), n_refs, "{name}: ref count");
        assert_eq!(joined_hash(&refs), refs_sha, "{name}: refs");
        let walk = dex.walk_code(|_| {});
        assert!(walk.warnings.is_empty(), "{name}: {:?}", walk.warnings);
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} corpus files checked");
}

#[test]
fn resolves_refs_of_a_small_dex() {
    let Some(bytes) = corpus_dex("androguard-Test.dex") else {
        return;
    };
    let dex = Dex::parse(&bytes).unwrap();
    assert_eq!(dex.version(), 35);
    assert_eq!(dex.class_names(), ["Test"]);
    assert_eq!(dex.superclass(0).as_deref(), Some("Ljava/lang/Object;"));
    let (refs, walk) = dex.code_refs();
    assert_eq!(walk.code_items, 2);
    assert_eq!(refs.len(), 1);
    let call = refs[0];
    assert_eq!(call.kind, RefKind::Invoke);
    // dexdump -d: "000100: 7010 0200 0000 |0000: invoke-direct {v0}, Ljava/lang/Object;.<init>:()V"
    assert_eq!(call.offset, 0x100);
    let m = dex.method_ref(call.index).unwrap();
    assert_eq!(
        (&*m.class, &*m.name, &*m.proto),
        ("Ljava/lang/Object;", "<init>", "()V")
    );
    assert_eq!(dex.type_name(call.class_idx).as_deref(), Some("LTest;"));
    let caller = dex.method_ref(call.method_idx).unwrap();
    assert_eq!(&*caller.name, "<init>");
    let (off, _) = dex.strings().find(|(_, s)| s == "aTestMethod").unwrap();
    assert_eq!(&bytes[off as usize..off as usize + 11], b"aTestMethod");
}

#[test]
fn header_errors() {
    assert_eq!(
        Dex::parse(b"dex\n035\0").unwrap_err(),
        DexError::TooShort(8)
    );
    let mut b = vec![0u8; HEADER_SIZE];
    assert_eq!(Dex::parse(&b).unwrap_err(), DexError::BadMagic);
    b[..8].copy_from_slice(b"dex\n035\0");
    b[40..44].copy_from_slice(&REVERSE_ENDIAN_CONSTANT.to_le_bytes());
    assert_eq!(Dex::parse(&b).unwrap_err(), DexError::BigEndian);
    b[40..44].copy_from_slice(&ENDIAN_CONSTANT.to_le_bytes());
    b[36..40].copy_from_slice(&(HEADER_SIZE as u32).to_le_bytes());
    // An empty but well-formed header parses, with a file_size warning.
    let dex = Dex::parse(&b).unwrap();
    assert_eq!(dex.class_names(), Vec::<String>::new());
    assert_eq!(dex.warnings().len(), 1, "{:?}", dex.warnings());
}

#[test]
fn oversized_tables_are_cut_to_the_file() {
    let Some(mut bytes) = corpus_dex("androguard-classes.dex") else {
        return;
    };
    // string_ids_size = 0xFFFF_FFFF: the table is cut, nothing is allocated for it.
    bytes[56..60].copy_from_slice(&u32::MAX.to_le_bytes());
    let dex = Dex::parse(&bytes).unwrap();
    assert!(dex.string_ids().count < (bytes.len() / 4) as u32);
    assert!(dex.warnings().iter().any(|w| w.contains("string_ids")));
    // Class defs far outside the file.
    bytes[100..104].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
    let dex = Dex::parse(&bytes).unwrap();
    assert_eq!(dex.class_defs().count, 0);
    assert!(dex.class_names().is_empty());
}

#[test]
fn truncated_dex_gives_partial_results() {
    let Some(bytes) = corpus_dex("gtalksms-classes.dex") else {
        return;
    };
    let full = Dex::parse(&bytes).unwrap().class_names().len();
    for cut in [
        HEADER_SIZE,
        1000,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let dex = Dex::parse(&bytes[..cut]).unwrap();
        assert!(!dex.warnings().is_empty(), "cut {cut}");
        assert!(dex.class_names().len() <= full);
        let _ = dex.walk_code(|_| {});
    }
}

/// Deterministic xorshift mutations of real files: no panic, bounded work.
#[test]
fn mutants_never_panic() {
    let Some(big) = corpus_dex("androguard-classes.dex") else {
        return;
    };
    let Some(small) = corpus_dex("bundletool-classes.dex") else {
        return;
    };
    let sample: &[u8] = include_bytes!("../../../samples/identifiers.dex");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..3000u32 {
        let base: &[u8] = match round % 16 {
            0 => &big,
            1..=8 => &small,
            _ => sample,
        };
        let mut m = base.to_vec();
        let flips = 1 + next() % 8;
        for _ in 0..flips {
            let r = next();
            // Half the mutations hit the header, the rest anywhere.
            let pos = if r & 1 == 0 {
                (r >> 8) as usize % HEADER_SIZE
            } else {
                (r >> 8) as usize % m.len()
            };
            m[pos] = match r >> 4 & 3 {
                0 => 0xFF,
                1 => 0,
                _ => (r >> 32) as u8,
            };
        }
        if round % 7 == 0 {
            m.truncate((next() as usize) % m.len());
        }
        if let Ok(dex) = Dex::parse(&m) {
            let _ = dex.class_names();
            let _ = dex.strings().count();
            let mut resolved = 0u32;
            let walk = dex.walk_code(|r| {
                if resolved < 2000 {
                    resolved += 1;
                    match r.kind {
                        RefKind::Invoke => drop(dex.method_ref(r.index)),
                        RefKind::FieldGet | RefKind::FieldPut => drop(dex.field_ref(r.index)),
                        RefKind::ConstString => drop(dex.string(r.index)),
                        RefKind::Type => drop(dex.type_name(r.index)),
                    }
                }
            });
            assert!(walk.insn_units <= 2 * m.len() as u64 + 4096);
            let apis = &crate::knowledge::Knowledge::embedded()
                .unwrap()
                .identifier_apis;
            let _ = crate::android::identifiers::scan_dex(&dex, apis);
        }
    }
}

#[test]
fn dex_entries_in_art_order() {
    let names = [
        "classes3.dex",
        "classes.dex",
        "classes2.dex",
        "classes5.dex",
        "assets/classes.dex",
        "classes1.dex",
        "res/raw.dex",
    ];
    let (loaded, not_loaded) = apk_dex_entries(&names);
    assert_eq!(loaded, ["classes.dex", "classes2.dex", "classes3.dex"]);
    assert_eq!(not_loaded, ["classes5.dex", "classes1.dex"]);
}

#[test]
fn java_names() {
    assert_eq!(descriptor_to_java("Lcom/a/B$1;"), "com.a.B$1");
    assert_eq!(descriptor_to_java("[I"), "[I");
}

/// Prints, for each path in `$DEX_FILES` (space-separated), the line
/// scripts/dex-golden would write for it, to compare with dexdump on files
/// outside the committed corpus (e.g. dex files taken out of corpus APKs).
#[test]
#[ignore]
fn print_golden_lines() {
    let Ok(paths) = std::env::var("DEX_FILES") else {
        return;
    };
    for path in paths.split_whitespace() {
        let bytes = std::fs::read(path).unwrap();
        let dex = Dex::parse(&bytes).unwrap();
        let classes: Vec<String> = dex.class_descriptors().map(|c| c.into_owned()).collect();
        let refs = ref_lines(&dex);
        let name = path.rsplit('/').next().unwrap_or(path);
        println!(
            "{name}\t{}\t{}\t{}\t{}",
            classes.len(),
            joined_hash(&classes),
            refs.len(),
            joined_hash(&refs)
        );
    }
}

/// A hostile file whose 100,000 string ids all point at one long string
/// without a NUL: bulk reads stop after about twice the file size instead of
/// scanning 100,000 × 256 KiB.
#[test]
fn overlapping_strings_cost_stays_linear() {
    let n: u32 = 100_000;
    let ids_off = HEADER_SIZE as u32;
    let text_off = ids_off + n * 4 + n * 4 + n * 32;
    let mut b = vec![0u8; text_off as usize];
    b[..8].copy_from_slice(b"dex\n035\0");
    b[36..40].copy_from_slice(&(HEADER_SIZE as u32).to_le_bytes());
    b[40..44].copy_from_slice(&ENDIAN_CONSTANT.to_le_bytes());
    let set = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    set(&mut b, 56, n); // string_ids
    set(&mut b, 60, ids_off);
    set(&mut b, 64, n); // type_ids
    set(&mut b, 68, ids_off + n * 4);
    set(&mut b, 96, n); // class_defs
    set(&mut b, 100, ids_off + n * 8);
    for i in 0..n as usize {
        set(&mut b, ids_off as usize + 4 * i, text_off);
        set(&mut b, (ids_off + n * 4) as usize + 4 * i, 0);
        set(&mut b, (ids_off + n * 8) as usize + 32 * i, 0);
    }
    b.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]); // utf16 length 2^32-1
    b.resize(b.len() + 600_000, b'a');
    let len = b.len() as u32;
    set(&mut b, 32, len);
    let dex = Dex::parse(&b).unwrap();
    assert_eq!(dex.string_bytes(7).map(<[u8]>::len), Some(MAX_STRING_BYTES));
    assert_eq!(dex.short_string_bytes(7, 100), None);
    let strings = dex.strings().count();
    assert!(strings < 64, "{strings} strings read");
    let classes = dex.class_descriptors().count();
    assert!(classes < 64, "{classes} class names read");
}
