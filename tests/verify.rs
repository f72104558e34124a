//! `telltale verify` holds on the report of every sample and fails on a
//! report with one offset changed and on a package with one byte changed;
//! reports do not depend on the working directory, the path as typed or the
//! thread count.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLES: [&str; 7] = [
    "samples/basic.apk",
    "samples/sdk-planted.apk",
    "samples/nested.apk",
    "samples/splits.apks",
    "samples/splits.xapk",
    "samples/target31.apk",
    "samples/ios/tracking-app.ipa",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn telltale(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run telltale")
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("verify");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn report_of(sample: &str) -> String {
    let out = telltale(&["inspect", "--format", "json", sample], root());
    assert!(out.status.success(), "{sample}");
    String::from_utf8(out.stdout).unwrap()
}

/// Verifies `report` (written to a file of its own: tests run in parallel)
/// against `package`.
fn verify(report: &str, package: &Path) -> Output {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let file = tmp(&format!(
        "report-{}.json",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&file, report).unwrap();
    telltale(
        &["verify", file.to_str().unwrap(), package.to_str().unwrap()],
        root(),
    )
}

#[test]
fn verify_holds_on_every_sample_report() {
    for sample in SAMPLES {
        let out = verify(&report_of(sample), &root().join(sample));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{sample}:\n{text}");
        assert!(text.contains("0 failed"), "{sample}:\n{text}");
        assert!(
            text.starts_with("ok    package sha256"),
            "{sample}:\n{text}"
        );
    }
}

#[test]
fn verify_fails_on_one_changed_offset() {
    let report = report_of("samples/sdk-planted.apk");
    let changed = report.replacen("\"offset\": 2364,", "\"offset\": 2365,", 1);
    assert_ne!(
        report, changed,
        "the sample's report moved; pick another offset"
    );
    let out = verify(&changed, &root().join("samples/sdk-planted.apk"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("FAIL  endpoint api.mixpanel.com  classes.dex@2365: bytes"),
        "{text}"
    );
    assert!(text.contains("1 failed"), "{text}");
}

#[test]
fn verify_checks_sdk_evidence_at_its_offset() {
    let sample = root().join("samples/sdk-planted.apk");
    let report = report_of("samples/sdk-planted.apk");
    let text = String::from_utf8_lossy(&verify(&report, &sample).stdout).into_owned();
    // The class descriptor's string_data item in the DEX, the component name
    // in the manifest's UTF-16 string pool, the JNI symbol in the library.
    for want in [
        "ok    sdk umeng-analytics code  classes.dex@",
        "matched \"Lcom/umeng/analytics/MobclickAgent;\"",
        "matched \"com.cmic.sso.sdk.activity.LoginAuthActivity\"",
        "matched \"Java_com_cmic_sso_sdk_auth_AuthnHelper_\"",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // A report claiming another class at the same bytes fails on the match
    // alone (offset, hash and excerpt untouched).
    let changed = report.replacen(
        "\"matched\": \"Lcom/umeng/analytics/MobclickAgent;\"",
        "\"matched\": \"Lcom/umeng/analytics/UMConfigure;\"",
        1,
    );
    assert_ne!(report, changed);
    let out = verify(&changed, &sample);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("FAIL  sdk umeng-analytics code  classes.dex@")
            && text.contains("matched: report \"Lcom/umeng/analytics/UMConfigure;\""),
        "{text}"
    );
    assert!(text.contains("1 failed"), "{text}");
}

#[test]
fn verify_fails_on_one_changed_byte() {
    let sample = root().join("samples/sdk-planted.apk");
    let report = report_of("samples/sdk-planted.apk");
    let mut bytes = std::fs::read(&sample).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    let changed = tmp("sdk-planted.apk");
    std::fs::write(&changed, &bytes).unwrap();
    let out = verify(&report, &changed);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(text.starts_with("FAIL  package sha256"), "{text}");
}

#[test]
fn reports_do_not_depend_on_directory_path_or_threads() {
    let plain = report_of("samples/sdk-planted.apk");
    let abs = root().join("samples/sdk-planted.apk");
    let elsewhere = telltale(
        &["inspect", "--format", "json", abs.to_str().unwrap()],
        Path::new(env!("CARGO_TARGET_TMPDIR")),
    );
    assert_eq!(plain.as_bytes(), &elsewhere.stdout[..]);
    let inside = telltale(
        &["inspect", "--format", "json", "./sdk-planted.apk"],
        &root().join("samples"),
    );
    assert_eq!(plain.as_bytes(), &inside.stdout[..]);
    let one_thread = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["inspect", "--format", "json", "samples/sdk-planted.apk"])
        .current_dir(root())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert_eq!(plain.as_bytes(), &one_thread.stdout[..]);
    assert!(plain.contains("\"input_name\": \"sdk-planted.apk\""));
    assert!(plain.contains("\"analysed_at\": null"));
}

#[test]
fn time_only_when_asked() {
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["inspect", "--format", "json", "samples/basic.apk"])
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1764374400")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"analysed_at\": \"2025-11-29T00:00:00Z\""),
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["inspect", "--timestamp", "samples/basic.apk"])
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(clock)"), "{text}");
}
