//! The HTML report in a real browser: headless Chromium, networking off
//! (every host resolves to nothing, the proxy is a dead port), opens the
//! report of samples/sdk-planted.apk and of a real tracker APK from the
//! corpus; the rendered DOM must show as many SDKs, endpoints and evidence
//! rows as the JSON report, every evidence row an offset and an excerpt; the
//! network log must hold no request at all; a screenshot and a printed A4 PDF
//! (page count read back with pdftoppm) are left under `target/browser/`.
//! Skips with a message when chromium (or pdftoppm) is not installed.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn out_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is target/tmp: artifacts go beside it.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new(env!("CARGO_TARGET_TMPDIR")))
        .join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn found(cmd: &str) -> Option<String> {
    [cmd, &format!("/usr/bin/{cmd}")]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser"].into_iter().find_map(found)
}

fn telltale(format: &str, package: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["inspect", "--format", format, "-o"])
        .arg(out)
        .arg(package)
        .status()
        .expect("run telltale");
    assert!(status.success(), "{}", package.display());
}

/// Runs headless chromium with the network off on `html` with `extra` args.
fn browse(chromium: &str, html: &Path, profile: &Path, extra: &[String]) -> std::process::Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium")
}

/// Hosts Chromium itself contacts in the background (updates, time, accounts).
fn browser_own(host: &str) -> bool {
    host == "~notfound"
        || ["google.com", "googleapis.com", "gstatic.com", "gvt1.com"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Checks one package; returns (sdks, endpoints, evidence rows, pdf pages).
fn check(chromium: &str, package: &Path, name: &str) -> (usize, usize, usize, usize) {
    let dir = out_dir();
    let html = dir.join(format!("{name}.html"));
    let json_path = dir.join(format!("{name}.json"));
    telltale("html", package, &html);
    telltale("json", package, &json_path);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let profile = dir.join(format!("profile-{name}"));
    let netlog = dir.join(format!("{name}.netlog.json"));

    let dom = browse(
        chromium,
        &html,
        &profile,
        &[
            "--dump-dom".into(),
            format!("--log-net-log={}", netlog.display()),
        ],
    );
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(
        dom.contains("Who reads what and sends where"),
        "{name}: no DOM:\n{dom:.500}"
    );

    let sdks = json["sdks"].as_array().unwrap().len();
    let endpoints = json["endpoints"].as_array().unwrap().len();
    let located = common::html::located(&json);
    common::html::assert_rows_match(&dom, &json, name);
    let rows: Vec<&str> = dom.split("<tr class=\"ev\"").skip(1).collect();
    for (i, row) in rows.iter().enumerate() {
        let row = row.split("</tr>").next().unwrap_or_default();
        let offset = row
            .split("class=\"offset\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap_or_default();
        assert!(
            !offset.is_empty() && offset.bytes().all(|b| b.is_ascii_digit()),
            "{name}: evidence row {} has no offset: {row}",
            i + 1
        );
        assert!(
            row.contains("class=\"ascii\">") && row.contains("class=\"hex\">"),
            "{name}: evidence row {} has no excerpt: {row}",
            i + 1
        );
        assert!(
            row.contains("dd bs=1 skip="),
            "{name}: evidence row {} has no check line",
            i + 1
        );
    }
    // Nothing loads from anywhere: no resource elements in the DOM…
    for banned in ["<script", "<img", "<link", "<iframe", "<object", "<embed"] {
        assert!(!dom.contains(banned), "{name}: {banned} in the DOM");
    }
    // …and the network log holds no request of the page: only Chromium's own
    // background services (which the dead proxy stops anyway) may appear.
    if let Ok(log) = std::fs::read_to_string(&netlog) {
        let foreign: Vec<&str> = log
            .match_indices("://")
            .filter_map(|(i, _)| {
                let scheme_start = log[..i].rfind('"')? + 1;
                let scheme = &log[scheme_start..i];
                if !["http", "https", "ws", "wss"].contains(&scheme) {
                    return None;
                }
                let rest = &log[i + 3..];
                let end = rest
                    .find(['/', '"', ' ', ':', '?', '\\'])
                    .unwrap_or(rest.len());
                Some(&rest[..end])
            })
            .filter(|host| !browser_own(host))
            .collect();
        assert!(
            foreign.is_empty(),
            "{name}: the page made requests: {foreign:?}"
        );
    }

    let png = dir.join(format!("{name}.png"));
    let pdf = dir.join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&png);
    let _ = std::fs::remove_file(&pdf);
    browse(
        chromium,
        &html,
        &profile,
        &[
            "--window-size=1280,2400".into(),
            format!("--screenshot={}", png.display()),
        ],
    );
    assert!(png.is_file(), "{name}: no screenshot");
    browse(
        chromium,
        &html,
        &profile,
        &[format!("--print-to-pdf={}", pdf.display())],
    );
    assert!(pdf.is_file(), "{name}: no PDF");

    let pages = match found("pdftoppm") {
        Some(pdftoppm) => {
            let prefix = dir.join(format!("{name}-page"));
            for old in std::fs::read_dir(&dir).unwrap().flatten() {
                if old
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{name}-page"))
                {
                    let _ = std::fs::remove_file(old.path());
                }
            }
            let ok = Command::new(pdftoppm)
                .args(["-png", "-r", "40"])
                .arg(&pdf)
                .arg(&prefix)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "{name}: pdftoppm failed");
            std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("{name}-page"))
                })
                .count()
        }
        None => {
            eprintln!("pdftoppm absent: PDF page count not checked");
            1
        }
    };
    assert!((1..=80).contains(&pages), "{name}: {pages} pages");
    eprintln!(
        "{name}: {sdks} SDKs, {endpoints} endpoints, {located} evidence rows, {pages} A4 pages; {}",
        dir.display()
    );
    (sdks, endpoints, located, pages)
}

#[test]
fn html_report_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipping: chromium is not installed (apt-get install -y chromium poppler-utils)"
        );
        return;
    };
    let (sdks, endpoints, rows, _) = check(
        &chromium,
        &root().join("samples/sdk-planted.apk"),
        "sdk-planted",
    );
    assert!(sdks >= 3 && endpoints >= 3 && rows >= 5);
    let tracker = root().join("../shared/corpus/apk-trackers/upyun-loginDemo.apk");
    if tracker.is_file() {
        let (sdks, _, rows, _) = check(&chromium, &tracker, "upyun-loginDemo");
        assert!(sdks >= 5 && rows >= 20);
    } else {
        eprintln!("skipping the corpus APK: ../shared/corpus is absent");
    }
}
