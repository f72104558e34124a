//! Tests of the AXML decoder: the real corpus, hand-built hostile buffers and
//! a deterministic mutation loop.

use super::*;
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");

fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(SHARED).join("corpus/axml");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

fn corpus_files() -> Vec<(String, Vec<u8>)> {
    let Some(dir) = corpus_dir() else {
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect()
}

fn corpus_file(name: &str) -> Option<Vec<u8>> {
    let path = std::path::Path::new(SHARED).join("corpus/axml").join(name);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipping: {} not found", path.display());
            None
        }
    }
}

fn count_elements(e: &Element) -> usize {
    e.descendants().len()
}

fn count_named(e: &Element, name: &str) -> usize {
    e.descendants().iter().filter(|d| d.name == name).count()
}

fn render_is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn no_resolve(_: u32) -> Option<String> {
    None
}

/// Re-reads `xml` with quick-xml (namespace-aware, attribute checks on) and
/// returns the number of elements, or the first error.
fn reparse(xml: &str) -> Result<usize, String> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut elements = 0usize;
    let mut depth = 0i64;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        let unbound = matches!(ns, ResolveResult::Unknown(_));
        let (start, opens) = match event {
            Event::Start(s) => (s, true),
            Event::Empty(s) => (s, false),
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Eof => break,
            Event::Text(t) => {
                // Text nodes (CDATA chunks) must decode as XML 1.0 text.
                t.xml_content(XmlVersion::Explicit1_0);
                continue;
            }
            _ => continue,
        };
        if unbound {
            return Err(format!("unbound element prefix in {start:?}"));
        }
        elements += 1;
        if opens {
            depth += 1;
        }
        for attr in start.attributes() {
            let attr = attr.map_err(|e| e.to_string())?;
            let (ans, _) = reader.resolver().resolve_attribute(attr.key);
            if matches!(ans, ResolveResult::Unknown(_)) {
                return Err(format!("unbound attribute prefix {:?}", attr.key));
            }
            attr.normalized_value(XmlVersion::Explicit1_0)
                .map_err(|e| e.to_string())?;
        }
    }
    if let Some(bad) = xml.chars().find(|&c| !render_is_xml_char(c)) {
        return Err(format!(
            "character {:#x} is not allowed in XML 1.0",
            bad as u32
        ));
    }
    if depth != 0 {
        return Err(format!("unbalanced output (depth {depth})"));
    }
    Ok(elements)
}

#[test]
fn corpus_decodes_and_reparses() {
    let files = corpus_files();
    if files.is_empty() {
        return;
    }
    for (name, bytes) in &files {
        let doc = parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = doc
            .root
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no root"));
        let xml = to_xml(&doc, &no_resolve);
        let reparsed =
            reparse(&xml).unwrap_or_else(|e| panic!("{name}: output does not re-parse: {e}"));
        assert_eq!(
            reparsed,
            count_elements(root),
            "{name}: element count after re-parse"
        );
        eprintln!(
            "{name}: root <{}> elements={} anomalies={:?}",
            root.name,
            count_elements(root),
            doc.anomalies
        );
    }
}

#[test]
fn matches_aapt_xmltree_on_real_manifests() {
    // Counts from `aapt dump xmltree <apk> AndroidManifest.xml` on the APKs
    // these manifests were extracted from (corpus/apk-trackers; the files are
    // byte-identical), and the package from `aapt dump badging`.
    let cases = [
        (
            "upyun-loginDemo-AndroidManifest.xml",
            26,
            54,
            "com.upyun.verification",
        ),
        (
            "AndroidProject-umeng-bugly-AndroidManifest.xml",
            57,
            154,
            "com.hjq.demo",
        ),
    ];
    for (name, elements, attributes, package) in cases {
        let Some(bytes) = corpus_file(name) else {
            return;
        };
        let doc = parse(&bytes).expect(name);
        let root = doc.root.as_ref().expect(name);
        assert_eq!(root.name, "manifest");
        assert_eq!(count_elements(root), elements, "{name}");
        let attrs: usize = root.descendants().iter().map(|e| e.attributes.len()).sum();
        assert_eq!(attrs, attributes, "{name}");
        assert_eq!(
            root.plain_attr("package").and_then(Value::as_str),
            Some(package),
            "{name}"
        );
        assert!(doc.anomalies.is_empty(), "{name}: {:?}", doc.anomalies);
        assert!(count_named(root, "uses-permission") > 0);
    }
}

#[test]
fn hostile_corpus_files_are_recovered() {
    // Liapp: attribute names are random strings; the resource ids name them.
    if let Some(bytes) = corpus_file("androguard-AndroidManifestLiapp.xml") {
        let doc = parse(&bytes).unwrap();
        let root = doc.root.as_ref().unwrap();
        let app = root
            .children_named("application")
            .next()
            .expect("application");
        assert!(app.android_attr("name").is_some() || app.android_attr("label").is_some());
        assert!(doc.anomalies.iter().any(|a| a.contains("named by its id")));
        let activities = root
            .descendants()
            .into_iter()
            .filter(|e| e.name == "activity")
            .filter(|e| e.android_attr("name").and_then(Value::as_str).is_some())
            .count();
        assert!(activities > 0);
    }
    // Attribute names emptied; only the resource map identifies them.
    if let Some(bytes) = corpus_file("androguard-AndroidManifest_NamespaceInAttributeName.xml") {
        let doc = parse(&bytes).unwrap();
        let root = doc.root.as_ref().unwrap();
        assert!(root.android_attr("versionName").is_some());
        let perms = count_named(root, "uses-permission");
        let named = root
            .children_named("uses-permission")
            .filter(|e| e.android_attr("name").and_then(Value::as_str).is_some())
            .count();
        assert_eq!(perms, named);
    }
    // First chunk type zeroed: decoded as usual, flagged.
    if let Some(bytes) = corpus_file("androguard-AndroidManifest_WrongChunkStart.xml") {
        let doc = parse(&bytes).unwrap();
        assert_eq!(doc.root.as_ref().unwrap().name, "manifest");
        assert!(doc.anomalies.iter().any(|a| a.contains("first chunk type")));
    }
    // Declared size bogus, strings unterminated.
    if let Some(bytes) = corpus_file("androguard-AndroidManifestWrongFilesize.xml") {
        let doc = parse(&bytes).unwrap();
        assert_eq!(count_elements(doc.root.as_ref().unwrap()), 64);
        assert!(doc.anomalies.iter().any(|a| a.contains("declared size")));
    }
    // A CDATA chunk inserted without fixing the declared size.
    if let Some(bytes) = corpus_file("apkinspector-AndroidManifest_CDATA.xml") {
        let doc = parse(&bytes).unwrap();
        assert_eq!(count_elements(doc.root.as_ref().unwrap()), 7);
        assert!(!doc.anomalies.iter().any(|a| a.contains("never closed")));
    }
}

// ---------------------------------------------------------------------------
// A small AXML builder for hand-made hostile documents.

fn u16le(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn chunk(kind: u16, header_size: u16, header_rest: &[u8], body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    u16le(&mut v, kind);
    u16le(&mut v, header_size);
    u32le(&mut v, (8 + header_rest.len() + body.len()) as u32);
    v.extend_from_slice(header_rest);
    v.extend_from_slice(body);
    v
}

fn pool(strings: &[&str], utf8: bool, declared_count: Option<u32>) -> Vec<u8> {
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for s in strings {
        u32le(&mut offsets, data.len() as u32);
        if utf8 {
            data.push(s.encode_utf16().count() as u8);
            data.push(s.len() as u8);
            data.extend_from_slice(s.as_bytes());
            data.push(0);
        } else {
            let units: Vec<u16> = s.encode_utf16().collect();
            u16le(&mut data, units.len() as u16);
            for u in units {
                u16le(&mut data, u);
            }
            u16le(&mut data, 0);
        }
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let mut header = Vec::new();
    u32le(&mut header, declared_count.unwrap_or(strings.len() as u32));
    u32le(&mut header, 0);
    u32le(&mut header, if utf8 { 0x100 } else { 0 });
    u32le(&mut header, (28 + offsets.len()) as u32);
    u32le(&mut header, 0);
    offsets.extend_from_slice(&data);
    chunk(0x0001, 28, &header, &offsets)
}

fn resmap(ids: &[u32]) -> Vec<u8> {
    let mut body = Vec::new();
    for id in ids {
        u32le(&mut body, *id);
    }
    chunk(0x0180, 8, &[], &body)
}

fn node(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut rest = Vec::new();
    u32le(&mut rest, 1); // line
    u32le(&mut rest, NO_INDEX); // comment
    chunk(kind, 16, &rest, body)
}

fn ns_node(kind: u16, prefix: u32, uri: u32) -> Vec<u8> {
    let mut body = Vec::new();
    u32le(&mut body, prefix);
    u32le(&mut body, uri);
    node(kind, &body)
}

/// (ns, name, raw, type, data)
type Attr = (u32, u32, u32, u8, u32);

fn start_el_with(name: u32, attrs: &[Attr], attr_start: u16, attr_size: u16) -> Vec<u8> {
    let mut body = Vec::new();
    u32le(&mut body, NO_INDEX);
    u32le(&mut body, name);
    u16le(&mut body, attr_start);
    u16le(&mut body, attr_size);
    u16le(&mut body, attrs.len() as u16);
    u16le(&mut body, 0);
    u16le(&mut body, 0);
    u16le(&mut body, 0);
    body.resize(attr_start as usize, 0xAA);
    for &(ns, n, raw, t, data) in attrs {
        let at = body.len();
        u32le(&mut body, ns);
        u32le(&mut body, n);
        u32le(&mut body, raw);
        u16le(&mut body, 8);
        body.push(0);
        body.push(t);
        u32le(&mut body, data);
        body.resize(at + attr_size as usize, 0xBB);
    }
    node(0x0102, &body)
}

fn start_el(name: u32, attrs: &[Attr]) -> Vec<u8> {
    start_el_with(name, attrs, 20, 20)
}

fn end_el(name: u32) -> Vec<u8> {
    let mut body = Vec::new();
    u32le(&mut body, NO_INDEX);
    u32le(&mut body, name);
    node(0x0103, &body)
}

fn document(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    chunk(0x0003, 8, &[], &body)
}

// String indices used by the sample documents.
const S_NAME: u32 = 0;
const S_VCODE: u32 = 1;
const S_ANDROID: u32 = 2;
const S_URI: u32 = 3;
const S_PACKAGE: u32 = 4;
const S_MANIFEST: u32 = 5;
const S_PKG: u32 = 6;
const S_PERM: u32 = 7;
const S_INTERNET: u32 = 8;
const S_EMPTY: u32 = 9;
const S_EVIL: u32 = 10;

const STRINGS: [&str; 11] = [
    "name",
    "versionCode",
    "android",
    ANDROID_NS,
    "package",
    "manifest",
    "com.example.app",
    "uses-permission",
    "android.permission.INTERNET",
    "",
    "http://evil.example/ns",
];

fn sample_chunks(utf8: bool) -> Vec<Vec<u8>> {
    vec![
        pool(&STRINGS, utf8, None),
        resmap(&[0x0101_0003, 0x0101_021b]),
        ns_node(0x0100, S_ANDROID, S_URI),
        start_el(
            S_MANIFEST,
            &[
                (S_URI, S_VCODE, NO_INDEX, TYPE_INT_DEC, 7),
                (NO_INDEX, S_PACKAGE, S_PKG, TYPE_STRING, S_PKG),
            ],
        ),
        start_el(
            S_PERM,
            &[(S_URI, S_NAME, S_INTERNET, TYPE_STRING, S_INTERNET)],
        ),
        end_el(S_PERM),
        end_el(S_MANIFEST),
        ns_node(0x0101, S_ANDROID, S_URI),
    ]
}

fn check_sample(doc: &AxmlDocument) {
    let root = doc.root.as_ref().expect("root");
    assert_eq!(root.name, "manifest");
    assert_eq!(root.android_attr("versionCode"), Some(&Value::Int(7)));
    assert_eq!(
        root.plain_attr("package").and_then(Value::as_str),
        Some("com.example.app")
    );
    let perm = root.children.first().expect("uses-permission");
    assert_eq!(
        perm.android_attr("name").and_then(Value::as_str),
        Some("android.permission.INTERNET")
    );
    let xml = to_xml(doc, &no_resolve);
    assert_eq!(reparse(&xml), Ok(2), "{xml}");
}

#[test]
fn clean_documents_in_both_encodings() {
    for utf8 in [false, true] {
        let doc = parse(&document(&sample_chunks(utf8))).unwrap();
        check_sample(&doc);
        assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);
        let xml = to_xml(&doc, &no_resolve);
        assert!(xml.contains(r#"xmlns:android="http://schemas.android.com/apk/res/android""#));
        assert!(xml.contains(r#"android:versionCode="7""#), "{xml}");
        assert!(xml.contains(r#"<uses-permission android:name="android.permission.INTERNET"/>"#));
    }
}

fn has(doc: &AxmlDocument, needle: &str) -> bool {
    doc.anomalies.iter().any(|a| a.contains(needle))
}

#[test]
fn wrong_first_chunk_type_and_sizes() {
    let mut bytes = document(&sample_chunks(false));
    bytes[0] = 0;
    let doc = parse(&bytes).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "first chunk type"));

    // Declared size larger than the data.
    let mut bytes = document(&sample_chunks(false));
    bytes[4..8].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    let doc = parse(&bytes).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "declared size"));

    // Declared size smaller than the data: appended junk is ignored.
    let mut bytes = document(&sample_chunks(false));
    bytes.extend_from_slice(&[0x41; 100]);
    let doc = parse(&bytes).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "declared size"));
}

#[test]
fn tampered_string_count() {
    // Far too many strings declared.
    let mut chunks = sample_chunks(false);
    chunks[0] = pool(&STRINGS, false, Some(0x4000_0000));
    let doc = parse(&document(&chunks)).unwrap();
    check_sample(&doc);
    assert!(
        has(&doc, "declares 1073741824 strings"),
        "{:?}",
        doc.anomalies
    );

    // Too few declared: the real strings are still found by their slots.
    chunks[0] = pool(&STRINGS, true, Some(2));
    let doc = parse(&document(&chunks)).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "stringCount"), "{:?}", doc.anomalies);
}

#[test]
fn odd_attribute_layout_is_honoured() {
    let mut chunks = sample_chunks(false);
    chunks[3] = start_el_with(
        S_MANIFEST,
        &[
            (S_URI, S_VCODE, NO_INDEX, TYPE_INT_DEC, 7),
            (NO_INDEX, S_PACKAGE, S_PKG, TYPE_STRING, S_PKG),
        ],
        28,
        24,
    );
    let doc = parse(&document(&chunks)).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "attributeSize 24"));
    assert!(has(&doc, "attributeStart 28"));

    // A count far beyond what the chunk holds.
    let mut bytes = start_el(S_MANIFEST, &[(S_URI, S_VCODE, NO_INDEX, TYPE_INT_DEC, 7)]);
    bytes[16 + 12..16 + 14].copy_from_slice(&0xffffu16.to_le_bytes());
    chunks[3] = bytes;
    let doc = parse(&document(&chunks)).unwrap();
    assert!(has(&doc, "only 1 fit"), "{:?}", doc.anomalies);
    assert_eq!(doc.root.unwrap().attributes.len(), 1);
}

#[test]
fn fake_names_and_masking_namespaces_resolve_by_id() {
    let mut chunks = sample_chunks(false);
    // Decoy: an android-namespace "name" without resource id (Android ignores
    // it), then the real one with an empty name string in a foreign namespace.
    chunks[1] = resmap(&[0x0101_0003, 0x0101_021b, 0, 0, 0, 0, 0, 0, 0, 0x0101_0003]);
    chunks[4] = start_el(
        S_PERM,
        &[
            (S_URI, S_PACKAGE, S_PKG, TYPE_STRING, S_PKG),
            (S_EVIL, S_EMPTY, S_INTERNET, TYPE_STRING, S_INTERNET),
        ],
    );
    // Make the decoy look like android:name: reuse the "name" string, but
    // through an index that has no resource id (S_PACKAGE has none).
    let doc = parse(&document(&chunks)).unwrap();
    let perm = doc.root.as_ref().unwrap().children.first().unwrap();
    assert_eq!(
        perm.android_attr("name").and_then(Value::as_str),
        Some("android.permission.INTERNET")
    );
    let real = perm.attributes.get(1).unwrap();
    assert_eq!(real.name, "name");
    assert_eq!(real.namespace.as_deref(), Some(ANDROID_NS));
    assert!(has(&doc, "named by its id"));
    assert!(has(&doc, "not the android namespace"));
    assert!(reparse(&to_xml(&doc, &no_resolve)).is_ok());
}

#[test]
fn junk_unknown_chunks_and_zero_size_end_namespace() {
    let mut chunks = sample_chunks(false);
    chunks.insert(
        5,
        vec![
            0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44,
        ],
    );
    chunks.insert(4, chunk(0x7777, 8, &[], &[1, 2, 3, 4, 5, 6, 7, 8]));
    let last = chunks.len() - 1;
    chunks[last] = {
        let mut v = ns_node(0x0101, S_ANDROID, S_URI);
        v[2..8].fill(0); // header size 0, size 0
        v
    };
    let doc = parse(&document(&chunks)).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "unknown chunk type 0x7777"));
    assert!(has(&doc, "skipped 11 bytes"), "{:?}", doc.anomalies);
    assert!(has(&doc, "natural size 24"), "{:?}", doc.anomalies);
}

#[test]
fn invalid_string_indices_become_placeholders() {
    let mut chunks = sample_chunks(false);
    chunks[4] = start_el(
        S_PERM,
        &[
            (S_URI, S_NAME, 999, TYPE_STRING, 0x7fff_ffff),
            (0x1234_5678, 0xdead_beef, NO_INDEX, TYPE_STRING, 12345),
        ],
    );
    chunks[5] = end_el(S_PERM);
    let doc = parse(&document(&chunks)).unwrap();
    let perm = doc.root.as_ref().unwrap().children.first().unwrap();
    assert_eq!(perm.attributes.len(), 2);
    assert!(perm.attributes.iter().all(|a| match &a.value {
        Value::String(s) => s.starts_with("#invalid-string-"),
        _ => false,
    }));
    assert!(has(&doc, "outside the pool"));
    assert!(reparse(&to_xml(&doc, &no_resolve)).is_ok());

    // No string pool at all.
    let doc = parse(&document(&sample_chunks(false)[1..])).unwrap();
    assert!(has(&doc, "no string pool"));
    assert!(reparse(&to_xml(&doc, &no_resolve)).is_ok());
}

#[test]
fn overlong_strings_and_illegal_characters() {
    let evil = [
        "<a> & \"b\" \u{1}\u{0}\u{FFFF}\u{1b}[31m",
        " >\n  </manifest>\n  android:name",
    ];
    let strings: Vec<&str> = STRINGS.iter().copied().chain(evil).collect();
    let mut chunks = sample_chunks(false);
    chunks[0] = pool(&strings, false, None);
    chunks[4] = start_el(
        S_PERM,
        &[
            (S_URI, S_NAME, 11, TYPE_STRING, 11),
            (NO_INDEX, 12, 11, TYPE_STRING, 11),
            (NO_INDEX, 12, 11, TYPE_STRING, 11),
            (NO_INDEX, 11, 12, TYPE_STRING, 12),
        ],
    );
    let doc = parse(&document(&chunks)).unwrap();
    let xml = to_xml(&doc, &no_resolve);
    assert_eq!(reparse(&xml), Ok(2), "{xml}");

    // A string whose length prefix claims 2^31 - 1 units.
    let mut bytes = document(&chunks);
    let first_string = 8 + 28 + 4 * strings.len();
    bytes[first_string..first_string + 4].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    let doc = parse(&bytes).unwrap();
    assert!(has(&doc, "only"), "{:?}", doc.anomalies);
    assert!(reparse(&to_xml(&doc, &no_resolve)).is_ok());
}

#[test]
fn deep_nesting_and_unbalanced_elements() {
    let mut chunks = vec![pool(&STRINGS, false, None)];
    for _ in 0..10_000 {
        chunks.push(start_el(S_MANIFEST, &[]));
    }
    for _ in 0..10 {
        chunks.push(end_el(S_MANIFEST));
    }
    chunks.push(end_el(S_PERM));
    let doc = parse(&document(&chunks)).unwrap();
    assert!(has(&doc, "nested deeper"));
    assert!(has(&doc, "never closed"));
    let root = doc.root.as_ref().unwrap();
    assert_eq!(count_elements(root), 10_000);
    assert!(reparse(&to_xml(&doc, &no_resolve)).is_ok());

    // End elements with nothing open, and a second root.
    let mut chunks = sample_chunks(false);
    chunks.insert(3, end_el(S_PERM));
    chunks.push(start_el(S_PERM, &[]));
    chunks.push(end_el(S_PERM));
    let doc = parse(&document(&chunks)).unwrap();
    check_sample(&doc);
    assert!(has(&doc, "closes nothing"));
    assert!(has(&doc, "additional root"));
}

#[test]
fn truncations_never_panic() {
    let bytes = document(&sample_chunks(false));
    for len in 0..bytes.len() {
        let cut = &bytes[..len];
        if let Ok(doc) = parse(cut) {
            let _ = reparse(&to_xml(&doc, &no_resolve)).map_err(|e| panic!("len {len}: {e}"));
        }
    }
    assert!(parse(&[]).is_err());
    assert!(parse(b"PK\x03\x04 not binary xml at all").is_err());
}

/// Deterministic xorshift64.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn mutated_real_manifest_never_panics() {
    let Some(original) = corpus_file("androguard-AndroidManifest.xml") else {
        return;
    };
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let mut decoded = 0;
    for i in 0..2000 {
        let mut bytes = original.clone();
        let edits = 1 + rng.next() % 8;
        for _ in 0..edits {
            let at = (rng.next() % bytes.len() as u64) as usize;
            match rng.next() % 4 {
                0 => bytes[at] = rng.next() as u8,
                1 => bytes[at] ^= 1 << (rng.next() % 8),
                2 => bytes[at] = [0x00, 0xff, 0x7f, 0x80][(rng.next() % 4) as usize],
                _ => bytes.truncate(at.max(1)),
            }
        }
        if let Ok(doc) = parse(&bytes) {
            decoded += 1;
            if let Err(e) = reparse(&to_xml(&doc, &no_resolve)) {
                panic!("mutant {i}: output does not re-parse: {e}");
            }
        }
    }
    assert!(decoded > 1000, "only {decoded} of 2000 mutants decoded");
}

#[test]
fn agrees_with_aapt_badging_on_corpus_apks() {
    use crate::container::zip::{Archive, Limits};
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/aapt-badging.tsv");
    let Ok(table) = std::fs::read_to_string(golden) else {
        eprintln!("skipping: {golden} not found");
        return;
    };
    if corpus_dir().is_none() {
        return;
    }
    let (mut checked, mut mismatches) = (0usize, Vec::new());
    for row in table.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let [path, _, manifest, aapt, package, version_code, ..] = cols.as_slice() else {
            continue;
        };
        if *manifest != "ok" {
            continue;
        }
        // aapt could not badge these: only require a panic-free decode.
        let strict = *aapt == "ok" && !package.is_empty();
        let Ok(apk) = std::fs::read(std::path::Path::new(SHARED).join("corpus").join(path)) else {
            continue;
        };
        let Ok(archive) = Archive::parse(&apk) else {
            mismatches.push(format!("{path}: zip not readable"));
            continue;
        };
        let Some(bytes) = archive
            .find("AndroidManifest.xml")
            .and_then(|e| archive.read(e, &Limits::default()).ok())
        else {
            mismatches.push(format!("{path}: manifest not readable"));
            continue;
        };
        if !strict {
            let result = parse(&bytes);
            let summary = match &result {
                Ok(doc) => format!(
                    "{} elements, anomalies {:?}",
                    doc.root.as_ref().map_or(0, count_elements),
                    doc.anomalies
                ),
                Err(e) => e.to_string(),
            };
            eprintln!("{path} (aapt: {aapt}): {summary}");
            continue;
        }
        checked += 1;
        let doc = match parse(&bytes) {
            Ok(doc) => doc,
            Err(e) => {
                mismatches.push(format!("{path}: {e}"));
                continue;
            }
        };
        let Some(root) = doc.root.as_ref() else {
            mismatches.push(format!("{path}: no root"));
            continue;
        };
        let ours = root
            .plain_attr("package")
            .and_then(Value::as_str)
            .unwrap_or("");
        if ours != *package {
            mismatches.push(format!("{path}: package {ours:?} != aapt {package:?}"));
        }
        let code = root.android_attr("versionCode").and_then(Value::as_i64);
        if !version_code.is_empty() && code.map(|c| c.to_string()).as_deref() != Some(*version_code)
        {
            mismatches.push(format!(
                "{path}: versionCode {code:?} != aapt {version_code}"
            ));
        }
        if let Err(e) = reparse(&to_xml(&doc, &no_resolve)) {
            mismatches.push(format!("{path}: XML output does not re-parse: {e}"));
        }
    }
    eprintln!("compared {checked} APK manifests with aapt badging");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(checked >= 100, "only {checked} manifests compared");
}
