//! Hardening at the command line: `-o` never destroys the input, caps are
//! validated, the tool's own limits never blame the package, bare files are
//! inspected directly.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::telltale;

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("telltale-hardening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn output_over_the_input_is_refused_and_dash_is_stdout() {
    let dir = scratch("o");
    let input = dir.join("app.apk");
    let original = std::fs::read("samples/basic.apk").unwrap();
    std::fs::write(&input, &original).unwrap();
    std::os::unix::fs::symlink(&input, dir.join("alias.apk")).unwrap();
    for out in [
        input.clone(),
        dir.join("alias.apk"),
        dir.join(".").join("app.apk"),
    ] {
        let (code, stdout, err) = telltale(&["inspect", "-o", s(&out), s(&input)]);
        assert_ne!(code, 0, "{}", out.display());
        assert!(stdout.is_empty());
        assert!(err.contains("refusing"), "{err}");
        assert_eq!(std::fs::read(&input).unwrap(), original);
    }
    let (code, stdout, err) = telltale(&["inspect", "--format", "json", "-o", "-", s(&input)]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["app"]["id"], "org.telltale.sample.basic");
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("-").exists());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn zero_caps_are_rejected() {
    for flag in ["--max-entry-mib", "--max-total-mib"] {
        let (code, out, err) = telltale(&["inspect", flag, "0", "samples/basic.apk"]);
        assert_ne!(code, 0, "{flag} 0 accepted");
        assert!(out.is_empty());
        assert!(err.contains(flag), "{err}");
    }
}

/// A ZIP of `(name, uncompressed bytes, declared uncompressed size)`, every
/// entry deflated; the declared size may lie.
fn zip_with(entries: &[(&str, &[u8], Option<u32>)]) -> Vec<u8> {
    let mut zip = common::zip::ZipWriter::new(Vec::new(), flate2::Compression::default());
    for (name, data, declared) in entries {
        zip.add(name, data, *declared);
    }
    zip.finish()
}

fn warnings(r: &telltale::Report) -> Vec<String> {
    r.warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect()
}

#[test]
fn an_entry_inflating_past_its_declared_size_is_a_size_lie() {
    let big = vec![0u8; 8 << 20];
    let data = zip_with(&[
        ("AndroidManifest.xml", b"not xml", None),
        ("assets/bomb.bin", &big, Some(1024)),
    ]);
    let r = telltale::inspect_bytes("lie.apk", &data, &telltale::Options::default()).unwrap();
    let w = warnings(&r);
    assert!(
        w.iter()
            .any(|m| m.starts_with("assets/bomb.bin") && m.contains("size lie")),
        "{w:#?}"
    );
}

#[test]
fn caps_never_blame_the_package() {
    let data = std::fs::read("samples/basic.apk").unwrap();
    let plain = telltale::inspect_bytes("basic.apk", &data, &telltale::Options::default()).unwrap();
    assert_eq!(plain.installable.android_accepts, Some(true));
    assert_eq!(plain.installable.signed, Some(true));
    for (entry, total, flag) in [
        (1024, 2 << 30, "--max-entry-mib"),
        (256 << 20, 1024, "--max-total-mib"),
    ] {
        let options = telltale::Options {
            max_entry_size: entry,
            max_total_size: total,
            ..telltale::Options::default()
        };
        let r = telltale::inspect_bytes("basic.apk", &data, &options).unwrap();
        let w = warnings(&r);
        assert_eq!(r.installable.android_accepts, None, "{:?}", r.installable);
        assert!(r.installable.reasons.is_empty(), "{:?}", r.installable);
        assert_ne!(r.installable.signed, Some(false), "{w:#?}");
        assert!(!w.iter().any(|m| m.contains("unsigned")), "{w:#?}");
        assert!(
            w.iter().any(|m| m.starts_with("AndroidManifest.xml")
                && m.contains(flag)
                && m.contains("MiB")),
            "{w:#?}"
        );
    }
}

fn corpus(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("skipping {rel}: ../shared/corpus is absent");
        None
    }
}

fn inspect_json(path: &str) -> Value {
    let (code, out, err) = telltale(&["inspect", "--format", "json", path]);
    assert_eq!(code, 0, "{path}: {err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn bare_files_are_inspected_with_the_sections_that_apply() {
    let dex = inspect_json("samples/identifiers.dex");
    assert_eq!(dex["input"]["format"], "dex");
    assert_eq!(dex["app"]["platform"], "android");
    assert!(!dex["identifier_apis"].as_array().unwrap().is_empty());
    assert!(dex["installable"]["android_accepts"].is_null());
    assert!(dex["installable"]["signed"].is_null());

    let so = inspect_json("samples/native/libjni-arm64.so");
    assert_eq!(so["input"]["format"], "elf");
    let libs = so["native_libraries"].as_array().unwrap();
    assert_eq!(libs.len(), 1);
    assert_eq!(libs[0]["path"], "libjni-arm64.so");

    let (code, text, _) = telltale(&["inspect", "samples/identifiers.dex"]);
    assert_eq!(code, 0);
    assert!(!text.contains("unsigned"), "{text}");

    let checks: [(&str, &str, &str); 5] = [
        (
            "axml/androguard-AndroidManifest.xml",
            "axml",
            "org.t0t0.androguard.TC",
        ),
        ("arsc/a2dp.Vol_137.arsc", "arsc", "a2dp.Vol"),
        (
            "plist/helloworld-Info.bplist",
            "plist",
            "com.kthcorp.helloworld",
        ),
        (
            "plist/appinfo-apple-tv-basic.plist",
            "plist",
            "com.xtremeapp.Xplorer",
        ),
        ("dex/androguard-Test.dex", "dex", ""),
    ];
    for (rel, format, id) in checks {
        let Some(p) = corpus(rel) else { return };
        let r = inspect_json(s(&p));
        assert_eq!(r["input"]["format"], format, "{rel}");
        if !id.is_empty() {
            assert_eq!(r["app"]["id"], id, "{rel}");
        }
    }
    if let Some(p) = corpus("native/drozer-libWebViewContext-armeabi.so") {
        let r = inspect_json(s(&p));
        assert_eq!(r["native_libraries"][0]["arch"], "armeabi");
    }
    if let Some(p) = corpus("plist/helloworld-embedded.mobileprovision") {
        let r = inspect_json(s(&p));
        assert_eq!(r["provisioning"]["team_id"], "M8ZCXDJQW4");
    }
    if let Some(p) = corpus("macho/helloworld-armv7") {
        let r = inspect_json(s(&p));
        assert_eq!(r["input"]["format"], "macho");
    }
}

#[test]
fn xml_prints_a_bare_binary_xml_and_info_plists_without_decoder_internals() {
    let (code, xml, err) = telltale(&[
        "xml",
        "samples/ios/tracking-app.ipa",
        "Payload/Tracking App.app/Info.plist",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        xml.contains("<plist") && xml.contains("CFBundleIdentifier"),
        "{xml}"
    );
    // Not a compiled XML file: a plain message, no protobuf decoder text.
    let (code, _, err) = telltale(&[
        "xml",
        "samples/ios/tracking-app.ipa",
        "Payload/Tracking App.app/Tracking App",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("not a compiled XML file"), "{err}");
    for internal in ["wire type", "decode", "Protobuf", "buffer underflow"] {
        assert!(!err.contains(internal), "{err}");
    }
    if let Some(p) = corpus("axml/androguard-AndroidManifest.xml") {
        let (code, xml, err) = telltale(&["xml", s(&p)]);
        assert_eq!(code, 0, "{err}");
        assert!(xml.contains("package=\"org.t0t0.androguard.TC\""), "{xml}");
    }
    if let Some(p) = corpus("plist/helloworld-Info.bplist") {
        let (code, xml, err) = telltale(&["xml", s(&p)]);
        assert_eq!(code, 0, "{err}");
        assert!(
            xml.contains("<string>com.kthcorp.helloworld</string>"),
            "{xml}"
        );
    }
}

#[test]
fn an_empty_zip_says_so() {
    let dir = scratch("empty");
    let path = dir.join("empty.zip");
    let mut eocd = 0x0605_4b50u32.to_le_bytes().to_vec();
    eocd.extend_from_slice(&[0; 18]);
    std::fs::write(&path, &eocd).unwrap();
    let (code, out, err) = telltale(&["inspect", s(&path)]);
    assert_ne!(code, 0);
    assert!(out.is_empty());
    assert!(err.contains("empty ZIP archive"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Another process truncating the input while telltale reads it gives an
/// error or a warning, never a crash (a memory map would die of SIGBUS).
#[test]
fn truncating_the_input_during_a_run_never_crashes() {
    use std::os::unix::process::ExitStatusExt;
    let dir = scratch("truncate");
    let path = dir.join("big.apk");
    // 48 MiB of incompressible bytes in a few entries, so the run lasts.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = vec![0u8; 16 << 20];
    for b in noise.iter_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *b = state as u8;
    }
    let data = zip_with(&[
        ("assets/a.bin", &noise, None),
        ("assets/b.bin", &noise, None),
        ("assets/c.bin", &noise, None),
    ]);
    for delay_ms in [0u64, 50, 100, 150, 200, 300, 500] {
        std::fs::write(&path, &data).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_telltale"))
            .args(["inspect", "--format", "json", s(&path)])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(4096)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            None,
            "killed by a signal after {delay_ms} ms"
        );
        assert!(status.code().is_some());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn entries_skipped_by_the_total_cap_do_not_depend_on_the_thread_count() {
    let chunk = vec![7u8; 1 << 20];
    let names: Vec<String> = (0..24).map(|i| format!("assets/part{i:02}.bin")).collect();
    let mut entries: Vec<(&str, &[u8], Option<u32>)> = vec![("AndroidManifest.xml", b"x", None)];
    entries.extend(names.iter().map(|n| (n.as_str(), chunk.as_slice(), None)));
    let data = zip_with(&entries);
    let options = telltale::Options {
        max_total_size: 6 << 20,
        ..telltale::Options::default()
    };
    let json_at = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let r = telltale::inspect_bytes("parts.apk", &data, &options).unwrap();
            telltale::report::json::render(&r)
        })
    };
    let one = json_at(1);
    assert!(one.contains("--max-total-mib"), "the cap must bite: {one}");
    for threads in [2, 8] {
        for _ in 0..3 {
            assert_eq!(json_at(threads), one, "{threads} threads");
        }
    }
}
