//! What an HTML report must hold for its JSON report, shared by the HTML
//! tests: `tests/formats.rs` checks the page as written, `tests/browser.rs`
//! the DOM headless Chromium builds from it.

use serde_json::Value;

/// How many times `needle` occurs in `hay`.
pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// The located findings of a JSON report (endpoint and identifier-read
/// locations, SDK evidence) with an offset and an excerpt: one evidence row
/// each in the HTML appendix.
pub fn located(json: &Value) -> usize {
    ["endpoints", "identifier_apis"]
        .iter()
        .flat_map(|k| json[*k].as_array().unwrap().iter())
        .flat_map(|f| f["locations"].as_array().unwrap().iter())
        .chain(
            json["sdks"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["evidence"].as_array().unwrap().iter())
                .map(|e| &e["location"]),
        )
        .filter(|l| l["offset"].is_u64() && l["excerpt"].is_object())
        .count()
}

/// Asserts that `html` has a row per SDK, a row per endpoint and an evidence
/// row per located finding of `json`; `what` names the page in messages.
pub fn assert_rows_match(html: &str, json: &Value, what: &str) {
    let sdks = json["sdks"].as_array().unwrap().len();
    let endpoints = json["endpoints"].as_array().unwrap().len();
    assert_eq!(count(html, "class=\"sdk-row"), sdks, "{what}: SDK rows");
    assert_eq!(
        count(html, "class=\"endpoint-row"),
        endpoints,
        "{what}: endpoint rows"
    );
    assert_eq!(
        count(html, "<tr class=\"ev\""),
        located(json),
        "{what}: evidence rows"
    );
}
