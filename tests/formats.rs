//! `--format sarif` validates against the official SARIF 2.1.0 schema and
//! locates findings with byte offsets; `--format csv` has one row per
//! finding; `--format html` is one self-contained page whose counts match
//! the JSON (the real-browser check is in tests/browser.rs).

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SAMPLES: [&str; 5] = [
    "samples/basic.apk",
    "samples/sdk-planted.apk",
    "samples/nested.apk",
    "samples/splits.xapk",
    "samples/ios/tracking-app.ipa",
];

fn run(format: &str, sample: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["inspect", "--format", format, sample])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run telltale");
    assert!(out.status.success(), "{format} {sample}");
    String::from_utf8(out.stdout).unwrap()
}

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The official file's `run.language` pattern is not a valid regex (an
    // unbalanced `]`), which the crate's check of the schema itself refuses;
    // telltale writes no `language`, so that one pattern is dropped here.
    for pointer in [
        "/definitions/run/properties/language",
        "/definitions/toolComponent/properties/language",
    ] {
        if let Some(language) = schema.pointer_mut(pointer).and_then(Value::as_object_mut) {
            language.remove("pattern");
        }
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = schema();
    for sample in SAMPLES {
        let log: Value = serde_json::from_str(&run("sarif", sample)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{sample}: {errors:#?}");
        assert_eq!(log["version"], "2.1.0");
    }
    // The schema is not a pushover: a result without a message fails it.
    let mut bad: Value = serde_json::from_str(&run("sarif", "samples/sdk-planted.apk")).unwrap();
    bad["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn sarif_results_carry_stable_rules_and_byte_offsets() {
    let log: Value = serde_json::from_str(&run("sarif", "samples/sdk-planted.apk")).unwrap();
    let json: Value = serde_json::from_str(&run("json", "samples/sdk-planted.apk")).unwrap();
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "TT001", "TT002", "TT003", "TT004", "TT005", "TT006", "TT007", "TT008"
        ]
    );
    let results = run["results"].as_array().unwrap();
    let of = |rule: &str| results.iter().filter(|r| r["ruleId"] == rule).count();
    assert_eq!(of("TT001"), json["sdks"].as_array().unwrap().len());
    assert_eq!(of("TT002"), json["endpoints"].as_array().unwrap().len());
    assert_eq!(
        of("TT003"),
        json["identifier_apis"].as_array().unwrap().len()
    );
    assert_eq!(of("TT004"), json["secrets"].as_array().unwrap().len());
    let cmcc = results
        .iter()
        .find(|r| r["properties"]["host"] == "www.cmpassport.com")
        .expect("the China Mobile endpoint");
    let region = &cmcc["locations"][0]["physicalLocation"]["region"];
    assert!(region["byteOffset"].as_u64().is_some(), "{cmcc}");
    assert_eq!(cmcc["properties"]["stateOwned"], true);
    assert_eq!(
        run["artifacts"][0]["hashes"]["sha-256"],
        json["input"]["sha256"]
    );
}

#[test]
fn csv_has_one_row_per_finding() {
    let csv = run("csv", "samples/sdk-planted.apk");
    let json: Value = serde_json::from_str(&run("json", "samples/sdk-planted.apk")).unwrap();
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("kind,id,name,owner,country,state_owned,sdk")
    );
    let rows: Vec<&str> = lines.collect();
    let count = |kind: &str| {
        rows.iter()
            .filter(|r| r.starts_with(&format!("{kind},")))
            .count()
    };
    assert_eq!(count("sdk"), json["sdks"].as_array().unwrap().len());
    assert_eq!(
        count("endpoint"),
        json["endpoints"].as_array().unwrap().len()
    );
    assert_eq!(
        count("identifier-read"),
        json["identifier_apis"].as_array().unwrap().len()
    );
    assert_eq!(count("secret"), json["secrets"].as_array().unwrap().len());
    assert_eq!(
        count("permission"),
        json["permissions"].as_array().unwrap().len()
    );
    let cm = rows
        .iter()
        .find(|r| r.starts_with("endpoint,www.cmpassport.com,"))
        .unwrap();
    assert!(cm.contains(",China Mobile,CN,true,cmic-sso,"), "{cm}");
    assert!(cm.contains(",classes.dex,"), "{cm}");
}

#[test]
fn html_is_self_contained_and_counts_match() {
    for sample in SAMPLES {
        let html = run("html", sample);
        let json: Value = serde_json::from_str(&run("json", sample)).unwrap();
        for banned in [
            "<script", "<link", "<img", "@import", "url(", "<iframe", "src=",
        ] {
            assert!(!html.contains(banned), "{sample}: {banned}");
        }
        common::html::assert_rows_match(&html, &json, sample);
    }
}

/// The bytes an `xxd` dump shows (its hex columns).
fn xxd_bytes(dump: &str) -> Vec<u8> {
    dump.lines()
        .filter_map(|l| l.split_once(": "))
        .flat_map(|(_, rest)| {
            let hex: String = rest
                .split("  ")
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A newcomer's path through the page: country names instead of codes, the
/// state-owned company flagged, what the code reads in words, and every SDK's
/// "check it yourself" command, run as shown, prints the string it promises.
#[test]
fn html_speaks_plainly_and_its_check_lines_hold() {
    let html = run("html", "samples/sdk-planted.apk");
    for want in [
        "State-owned companies",
        "China Mobile",
        "owned by State-owned Assets Supervision and Administration Commission (SASAC)",
        "title=\"CN\">China</span>",
        "title=\"US\">United States</span>",
        "The SIM card identity (IMSI, ICCID), tied to the subscriber",
        "Check it yourself",
    ] {
        assert!(html.contains(want), "missing {want:?}");
    }
    assert!(!html.contains("class=\"cc\">CN<"), "a bare country code");
    if !common::have("unzip") || !common::have("xxd") {
        eprintln!("skipping the check-line run: unzip or xxd missing (.ci/run installs them)");
        return;
    }
    let json: Value = serde_json::from_str(&run("json", "samples/sdk-planted.apk")).unwrap();
    let matched: Vec<&str> = json["sdks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| {
            s["evidence"]
                .as_array()?
                .iter()
                .find(|e| e["location"]["offset"].is_u64())
        })
        .map(|e| e["matched"].as_str().unwrap())
        .collect();
    let mut checked = 0;
    for line in html.split("<div class=\"check\">").skip(1) {
        let cmd = line
            .split("<code class=\"cmd\">$ ")
            .nth(1)
            .and_then(|c| c.split("</code>").next())
            .unwrap()
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&gt;", ">")
            .replace("&lt;", "<");
        let shows = line
            .split("<code class=\"shows\">")
            .nth(1)
            .and_then(|c| c.split("</code>").next())
            .unwrap();
        if !matched.contains(&shows) {
            continue; // endpoints and reads: their bytes are checked by verify
        }
        let out = Command::new("sh")
            .args(["-c", &cmd])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"))
            .output()
            .unwrap();
        let got = xxd_bytes(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(String::from_utf8_lossy(&got), shows, "{cmd}");
        checked += 1;
    }
    assert!(checked >= matched.len(), "{checked} check lines run");
}

#[test]
fn html_headline_counts_the_sdks_whose_code_ships_like_the_text() {
    for sample in ["samples/sdk-planted.apk", "samples/ios/tracking-app.ipa"] {
        let json: Value = serde_json::from_str(&run("json", sample)).unwrap();
        let sdks = json["sdks"].as_array().unwrap();
        let shipped: Vec<&Value> = sdks
            .iter()
            .filter(|s| !matches!(s["found"].as_str(), Some("declared" | "referenced")))
            .collect();
        let trackers = shipped.iter().filter(|s| s["tracker"] == true).count();
        let html = run("html", sample);
        let text = html.replace("<strong>", "").replace("</strong>", "");
        let sdk_word = if shipped.len() == 1 { "SDK" } else { "SDKs" };
        let tracker_word = if trackers == 1 { "tracker" } else { "trackers" };
        assert!(
            text.contains(&format!(
                "contains {} third-party {sdk_word} ({trackers} {tracker_word},",
                shipped.len()
            )),
            "{sample}: {} shipped, {trackers} trackers",
            shipped.len()
        );
    }
}
