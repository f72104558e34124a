//! Terminal injection (issue 13): packages whose strings carry escape
//! sequences (`samples/escapes.apk`, `samples/ios/escapes.ipa`, built by
//! `scripts/make-escape-samples`) must put no raw control character, DEL or
//! bidirectional control on the terminal; long values are cut in text and
//! kept exact in JSON.

use std::process::Command;

fn telltale(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run telltale");
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Drops the renderer's own SGR sequences (`ESC [ digits;… m`).
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' && it.peek() == Some(&'[') {
            let mut seq = String::new();
            for d in it.by_ref() {
                seq.push(d);
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            assert!(seq.ends_with('m'), "non-SGR sequence ESC{seq}");
            assert!(
                seq[1..seq.len() - 1]
                    .chars()
                    .all(|d| d.is_ascii_digit() || d == ';'),
                "odd SGR ESC{seq}"
            );
            continue;
        }
        out.push(c);
    }
    out
}

fn assert_clean(text: &str, what: &str) {
    let bad: Vec<String> = text
        .chars()
        .filter(|c| dangerous(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{what}: raw controls {bad:?}\n{text}");
}

#[test]
fn crafted_apk_prints_no_raw_control_character() {
    let text = telltale(&["inspect", "samples/escapes.apk"]);
    assert_clean(&text, "escapes.apk");
    // every payload location is shown, escaped
    for shown in [
        "name      Evil\\x1b]8;;https://evil.example/",
        "\\u{202e}LABEL\\x0d\\x0aFAKE REPORT LINE\\u{9b}31m",
        "version   \\x1b]0;pwned\\x07\\x1b[2J",
        "android.permission.X\\x1b[6n\\x08\\x08",
        "Main\\x1b[31mRED\\x00\\x7f",
        "https://x\\x1b[2J",
        "com.q\\x1b[1;1H\\u{2066}q\\u{202e}",
        "hidden://*  -> org.telltale.sample.escapes.Hidden  (unreachable: component not exported)",
    ] {
        assert!(text.contains(shown), "missing {shown:?} in\n{text}");
    }
    // no forged report line: the CR LF stayed inside the name line
    assert!(!text.lines().any(|l| l.starts_with("FAKE REPORT LINE")));
    let coloured = telltale(&["inspect", "--color", "always", "samples/escapes.apk"]);
    assert!(coloured.contains("\x1b["), "--color always gives colour");
    assert_clean(&strip_sgr(&coloured), "escapes.apk coloured");
}

#[test]
fn crafted_ipa_prints_no_raw_control_character_and_cuts_long_values() {
    let text = telltale(&["inspect", "--explain", "samples/ios/escapes.ipa"]);
    assert_clean(&text, "escapes.ipa");
    for shown in [
        "id        org.telltale.\\x1b]0;title\\x07id",
        "version   1.0\\x1b[6n (7\\x0d\\x0aFAKE LINE\\u{9b})",
        "evil\\x1b[31m://",
        "x\\u{2066}y://",
        "cleartext domains   ats\\x1b[2J.example.net",
        "…[+99600 chars]",
    ] {
        assert!(text.contains(shown), "missing {shown:?} in\n{text}");
    }
    assert!(
        text.len() < 10_000,
        "100,000-character value printed in full"
    );
}

#[test]
fn json_keeps_exact_values() {
    let json = telltale(&["inspect", "--format", "json", "samples/ios/escapes.ipa"]);
    assert!(!json.contains('\x1b'), "JSON escapes controls");
    let r: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(r["app"]["id"], "org.telltale.\x1b]0;title\x07id");
    let text = r["ios"]["usage_descriptions"][0]["text"].as_str().unwrap();
    assert_eq!(text.len(), 100_000);
}

#[test]
fn piped_output_has_no_colour_by_default() {
    let text = telltale(&["inspect", "samples/basic.apk"]);
    assert!(!text.contains('\x1b'));
}

#[test]
fn diff_and_verify_print_no_raw_control_character() {
    let diff = telltale(&["diff", "samples/basic.apk", "samples/escapes.apk"]);
    assert!(diff.contains("change"), "{diff}");
    assert_clean(&diff, "diff basic.apk escapes.apk");

    let json = telltale(&["inspect", "--format", "json", "samples/escapes.apk"]);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("escapes");
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("escapes-report.json");
    std::fs::write(&report, json).unwrap();
    let verify = telltale(&["verify", report.to_str().unwrap(), "samples/escapes.apk"]);
    assert!(verify.contains("checks"), "{verify}");
    assert_clean(&verify, "verify escapes.apk");
}
