//! Scanner tests over whole buffers: planted hits and noise, exact offsets,
//! real ELF, hostile input in linear work, and the real corpus when present.

use super::*;

/// The built-in rules (the knowledge base's).
fn rules() -> &'static Rules {
    &crate::knowledge::Knowledge::embedded().unwrap().scan
}

fn scan_bytes(bytes: &[u8], base_offset: u64) -> EntryScan {
    super::scan_bytes(rules(), bytes, base_offset)
}

fn scan_strings<'a>(strings: impl IntoIterator<Item = (u64, &'a str)>) -> EntryScan {
    super::scan_strings(rules(), strings)
}

fn scan_encoded_strings<'a>(
    strings: impl IntoIterator<Item = (u64, &'a str)>,
    encoding: StringEncoding,
) -> EntryScan {
    super::scan_encoded_strings(rules(), strings, encoding)
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Whether `text` is stored at `offset` in `bytes`, as ASCII or as UTF-16LE
/// (case-insensitive: hosts are reported in lower case).
fn stored_at(bytes: &[u8], offset: u64, text: &str) -> bool {
    let at = offset as usize;
    let ascii = bytes
        .get(at..at + text.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(text.as_bytes()));
    let wide = utf16(text);
    let wide_ok = bytes
        .get(at..at + wide.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(&wide));
    ascii || wide_ok
}

/// Every hit's offset points at its URL (or host) and every secret at its value.
fn assert_offsets(bytes: &[u8], scan: &EntryScan) {
    for hit in &scan.endpoints {
        let text = hit.url.as_deref().unwrap_or(&hit.host);
        assert!(
            stored_at(bytes, hit.offset, text),
            "{hit:?} not at its offset"
        );
        if hit.url.is_some() {
            assert!(text.to_ascii_lowercase().contains(&hit.host), "{hit:?}");
        }
    }
    for hit in &scan.secrets {
        assert!(
            stored_at(bytes, hit.offset, &hit.value),
            "{hit:?} not at its offset"
        );
    }
}

fn hosts(scan: &EntryScan) -> Vec<&str> {
    let mut v: Vec<&str> = scan.endpoints.iter().map(|h| h.host.as_str()).collect();
    v.sort();
    v.dedup();
    v
}

/// Planted buffer: binary filler, ASCII hits, UTF-16LE hits and noise.
fn planted() -> Vec<u8> {
    let mut b = vec![0u8, 1, 2, 0xff, 0x10];
    b.extend(b"\x00https://api.mixpanel.com/track/?data=\x00");
    b.extend([0x9c, 0x00, 0x41]);
    b.extend(utf16("Connect to wss://push.jiguang.cn:3000/s now"));
    b.extend(b"\x07com.tencent.mm\x00index.html\x00version 1.2.3.4\x00");
    b.extend(utf16("http://schemas.android.com/apk/res/android"));
    b.extend(b"\x00log.umeng.com\x00\xfe\xff");
    b.extend(utf16("key AKIAQYLPMN5HHHFPZAM2 end"));
    b.extend(b"{\"api_secret\":\"Zq81mXv7Lr2Tn5Wb0Kc4\"}");
    b.extend([0xd8u8, 0x00, 0xdc]); // unpaired surrogate halves
    b
}

#[test]
fn planted_ascii_and_utf16_hits_with_exact_offsets() {
    let bytes = planted();
    let scan = scan_bytes(&bytes, 0);
    assert_eq!(
        hosts(&scan),
        vec!["api.mixpanel.com", "log.umeng.com", "push.jiguang.cn"]
    );
    let kinds: Vec<&str> = scan.secrets.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, vec!["generic-secret", "aws-access-key-id"]);
    assert_offsets(&bytes, &scan);
    // The UTF-16 URL's offset is its first code unit.
    let wide = scan
        .endpoints
        .iter()
        .find(|h| h.host == "push.jiguang.cn")
        .unwrap();
    assert_eq!(wide.url.as_deref(), Some("wss://push.jiguang.cn:3000/s"));
    let at = wide.offset as usize;
    assert_eq!(&bytes[at..at + 12], &utf16("wss://")[..]);
}

#[test]
fn base_offset_is_added() {
    let bytes = planted();
    let a = scan_bytes(&bytes, 0);
    let b = scan_bytes(&bytes, 1000);
    assert_eq!(a.endpoints.len(), b.endpoints.len());
    for (x, y) in a.endpoints.iter().zip(&b.endpoints) {
        assert_eq!(x.offset + 1000, y.offset);
    }
}

#[test]
fn decoded_strings_offsets() {
    let strings = [
        (100u64, "https://api.mixpanel.com/engage"),
        (200, "com.mixpanel.android.mpmetrics"),
        (300, "接口 api.umeng.com"),
        (400, "AIzaSyD4x9Q2mN8vB3kL7pR1tW6yZ0aC5eF9hJk"),
    ];
    let scan = scan_strings(strings);
    let got: Vec<(&str, u64)> = scan
        .endpoints
        .iter()
        .map(|h| (h.host.as_str(), h.offset))
        .collect();
    // ASCII strings: exact; non-ASCII: pinned to the string's start.
    assert_eq!(got, vec![("api.mixpanel.com", 100), ("api.umeng.com", 300)]);
    assert_eq!(scan.secrets.len(), 1);
    assert_eq!(scan.secrets[0].offset, 400);
    let wide = scan_encoded_strings([(10u64, "via log.umeng.com")], StringEncoding::Utf16);
    assert_eq!(wide.endpoints[0].offset, 10 + 2 * 4);
}

#[test]
fn real_elf_sections() {
    let elf = include_bytes!("../../samples/native/libendpoints.so");
    let mut all = EntryScan::default();
    for (off, section) in crate::native::elf::string_sections(elf) {
        all.extend(scan_bytes(section, off));
    }
    assert_eq!(
        hosts(&all),
        vec![
            "119.29.29.29",
            "api.mixpanel.com",
            "broker.emqx.io",
            "log.umeng.com",
            "push.jiguang.cn"
        ]
    );
    assert_eq!(all.secrets.len(), 1);
    assert_eq!(all.secrets[0].kind, "aws-access-key-id");
    assert_offsets(elf, &all);
}

/// A deterministic xorshift byte stream.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// Scans `bytes` and returns (work counted by the scanner loops, hits).
fn work_of(bytes: &[u8]) -> (u64, EntryScan) {
    WORK.with(|w| w.set(0));
    let scan = scan_bytes(bytes, 0);
    (WORK.with(|w| w.get()), scan)
}

#[test]
fn hostile_input_is_linear_and_safe() {
    const MB: usize = 1 << 20;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", garbage(4 * MB, 0x9e3779b97f4a7c15)),
        ("dotted line", b"a.".repeat(5 * MB)),
        (
            "long token then dot",
            [vec![b'a'; 10 * MB], b".com".to_vec()].concat(),
        ),
        ("colons", b"1:".repeat(5 * MB)),
        ("hex colons", b"ab:cd::".repeat(MB)),
        ("url spam", b"a://".repeat(2 * MB)),
        ("bad url hosts", b"http://%s.x".repeat(MB)),
        (
            "long url",
            [b"https://api.mixpanel.com/".to_vec(), vec![b'a'; 10 * MB]].concat(),
        ),
        ("utf16 run", utf16(&"a.b".repeat(3 * MB))),
        ("utf16 halves", [0x00u8, 0x41].repeat(4 * MB)),
        ("invalid utf16", [0x00u8, 0xd8, 0x41, 0x00].repeat(2 * MB)),
        ("ipv4 spam", b"1.2.3.4.".repeat(MB)),
        ("keyword spam", b"api_key=".repeat(MB)),
        ("firebase spam", b"a.firebaseio.com ".repeat(MB / 2)),
    ];
    for (name, bytes) in cases {
        let (work, scan) = work_of(&bytes);
        assert!(
            work <= 4 * bytes.len() as u64,
            "{name}: {work} units for {} bytes",
            bytes.len()
        );
        assert!(scan.endpoints.len() <= bytes.len(), "{name}");
    }
    // The 10 MB line still yields its one URL, cut at MAX_URL.
    let (_, scan) = work_of(&[b"https://api.mixpanel.com/".to_vec(), vec![b'a'; 10 * MB]].concat());
    assert_eq!(scan.endpoints.len(), 1);
    assert_eq!(
        scan.endpoints[0].url.as_ref().map(String::len),
        Some(MAX_URL)
    );
}

#[test]
fn pem_header_spam_terminates() {
    let mut bytes = b"-----BEGIN PRIVATE KEY-----\n".repeat(20_000);
    bytes.extend(b"-----END PRIVATE KEY-----");
    let scan = scan_bytes(&bytes, 0);
    assert_eq!(scan.secrets.len(), 20_000);
    // Only the last header opens a block (the others run into the next header).
    assert!(scan.secrets.iter().all(|s| s.kind == "private-key"));
    let blocks = scan
        .secrets
        .iter()
        .filter(|s| s.value.ends_with("-----END PRIVATE KEY-----"))
        .count();
    assert_eq!(blocks, 1);
}

fn shared() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared/corpus not present");
        None
    }
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_native_library() {
    let Some(dir) = shared() else { return };
    let Ok(bytes) = std::fs::read(dir.join("native/drozer-libWebViewContext-armeabi.so")) else {
        eprintln!("skipping: drozer library not present");
        return;
    };
    let pieces = crate::native::elf::string_sections(&bytes);
    assert!(!pieces.is_empty());
    let mut all = EntryScan::default();
    for (off, section) in pieces {
        all.extend(scan_bytes(section, off));
    }
    assert_offsets(&bytes, &all);
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn corpus_dex_files_offsets_hold() {
    let Some(dir) = shared() else { return };
    let Ok(entries) = std::fs::read_dir(dir.join("dex")) else {
        return;
    };
    let mut files = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("dex") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let scan = scan_bytes(&bytes, 0);
        assert_offsets(&bytes, &scan);
        for hit in &scan.endpoints {
            // Precision spot checks: no Java package or file name survives.
            assert!(
                !hit.host.starts_with("com.google.") && !hit.host.ends_with(".java"),
                "{hit:?}"
            );
        }
        files += 1;
    }
    assert!(files > 0);
}

/// Manual spot check: `TELLTALE_SCAN_FILE=path cargo test --lib scan::tests::scan_file -- --ignored --nocapture`
/// prints the hosts and secret kinds found in that file's raw bytes.
#[test]
#[ignore = "manual corpus spot check"]
fn scan_file() {
    let Some(path) = std::env::var_os("TELLTALE_SCAN_FILE") else {
        eprintln!("set TELLTALE_SCAN_FILE");
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let mut scan = scan_bytes(&bytes, 0);
    if bytes.starts_with(b"\x7fELF") {
        scan = EntryScan::default();
        for (off, section) in crate::native::elf::string_sections(&bytes) {
            scan.extend(scan_bytes(section, off));
        }
    }
    assert_offsets(&bytes, &scan);
    let (eps, secrets) = aggregate(vec![("entry".into(), scan)], &|_| None, false);
    for e in &eps {
        println!(
            "HOST {} ({}) urls={} first={:?}",
            e.host,
            e.locations.len(),
            e.urls.len(),
            e.urls.first()
        );
    }
    for s in &secrets {
        println!("SECRET {} {} x{}", s.kind, s.preview, s.locations.len());
    }
}

#[test]
fn brand_tld_property_keys_are_not_bare_hosts() {
    let hosts = |t: &str| -> Vec<String> {
        scan_bytes(t.as_bytes(), 0)
            .endpoints
            .into_iter()
            .map(|h| h.host)
            .collect()
    };
    assert!(hosts(" build.target ").is_empty());
    assert!(hosts(" app.google ").is_empty());
    assert_eq!(hosts(" api.example-shop.de "), ["api.example-shop.de"]);
    // Inside a URL the scheme vouches for the host, whatever its TLD.
    assert_eq!(
        hosts(" https://get.example-brand.google/x "),
        ["get.example-brand.google"]
    );
}

/// The scan of each string on its own, as `scan_encoded_strings` did before
/// it picked the strings worth a secret scan in one pass.
fn per_string_reference(strings: &[(u64, &str)]) -> EntryScan {
    let mut out = EntryScan::default();
    let mut scratch = secrets::Scratch::new();
    for &(offset, text) in strings {
        let stride = if text.is_ascii() { 1 } else { 0 };
        let map = OffsetMap {
            base: offset,
            stride,
        };
        scan_text(rules(), text.as_bytes(), map, &mut scratch, &mut out);
    }
    out
}

#[test]
fn one_pass_string_scan_equals_the_per_string_scan() {
    // Secrets whole, cut across two strings, next to keywords, at the edges
    // and with word characters around them; NULs and newlines inside strings.
    let texts = [
        "AKIAQYLPMN5HHHFPZAM2",
        "AKIAQYLPMN",
        "5HHHFPZAM2",
        "xAKIAQYLPMN5HHHFPZAM2",
        "AKIAQYLPMN5HHHFPZAM2x",
        "api_secret",
        "=\"Zq81mXv7Lr2Tn5Wb0Kc4\"",
        "{\"api_secret\":\"Zq81mXv7Lr2Tn5Wb0Kc4\"}",
        "client_secret =\n Zq81mXv7Lr2Tn5Wb0Kc4",
        "a\0AIzaSyD4x9Q2mN8vB3kL7pR1tW6yZ0aC5eF9hJk\0b",
        "AIzaSyD4x9Q2mN8vB3kL7pR1tW6yZ0aC5eF9hJ",
        "k",
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
        "https://api.mixpanel.com/track/?data=",
        "token",
        "",
        "sk_live_0123456789abcdefghijklmnop",
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        "my-app.firebaseio.com",
        "secret_key: \"Zq81mXv7Lr2Tn5Wb0Kc4\" ÄÖ",
    ];
    // Every rotation, so each string meets different neighbours; the table
    // is repeated past the size where the joined pass starts.
    let copies = secrets::JOINED_MIN_TEXTS / texts.len() + 1;
    for rotate in 0..texts.len() {
        let mut strings: Vec<(u64, &str)> = Vec::new();
        let mut offset = 0u64;
        for i in 0..texts.len() * copies {
            let t = texts[(i + rotate) % texts.len()];
            strings.push((offset, t));
            offset += t.len() as u64 + 3;
        }
        let want = per_string_reference(&strings);
        assert!(!want.secrets.is_empty());
        assert_eq!(
            scan_strings(strings.iter().copied()),
            want,
            "rotation {rotate}"
        );
    }
}
