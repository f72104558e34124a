//! Words for codes (`data/report_labels.toml`): country names for ISO 3166-1
//! codes and plain-language descriptions of identifier categories, so a
//! reader who has never seen telltale need not look them up. The renderers
//! read the copy built into the binary; the knowledge loader validates it.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const EMBEDDED: &str = include_str!("../../data/report_labels.toml");

/// The parsed label tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// ISO 3166-1 alpha-2 code → English short name.
    pub countries: BTreeMap<String, String>,
    /// Identifier category → what the app learns, in plain words.
    pub identifier_categories: BTreeMap<String, String>,
}

/// Parses and checks the label file: codes are two capital letters,
/// categories lowercase with dashes, no value is empty.
pub fn parse(text: &str) -> Result<Labels, String> {
    let labels: Labels = toml::from_str(text).map_err(|e| e.to_string())?;
    for (code, name) in &labels.countries {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "countries: {code:?} is not an ISO 3166-1 alpha-2 code"
            ));
        }
        if name.trim().is_empty() {
            return Err(format!("countries: {code} has no name"));
        }
    }
    for (cat, text) in &labels.identifier_categories {
        if cat.is_empty() || !cat.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return Err(format!(
                "identifier_categories: {cat:?} is not a category id"
            ));
        }
        if text.trim().is_empty() {
            return Err(format!("identifier_categories: {cat} has no text"));
        }
    }
    Ok(labels)
}

fn embedded() -> &'static Labels {
    static LABELS: OnceLock<Labels> = OnceLock::new();
    // The knowledge loader refuses a broken copy, so this never falls back
    // in a released binary; codes then show as they are.
    LABELS.get_or_init(|| parse(EMBEDDED).unwrap_or_default())
}

/// The English name of an ISO 3166-1 alpha-2 country code (`CN` → `China`),
/// or the code itself when unknown.
pub fn country(code: &str) -> &str {
    embedded().countries.get(code).map_or(code, String::as_str)
}

/// What reading identifier category `category` tells the app, in plain
/// words (`None` when the category has no label).
pub fn identifier_category(category: &str) -> Option<&'static str> {
    embedded()
        .identifier_categories
        .get(category)
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_labels_parse_and_cover_the_catalogues() {
        let labels = parse(EMBEDDED).unwrap();
        assert_eq!(labels.countries.len(), 249);
        assert_eq!(country("CN"), "China");
        assert_eq!(country("KR"), "South Korea");
        assert_eq!(country("XX"), "XX");
        // Every identifier category the catalogues use has words.
        for file in [
            include_str!("../../data/identifier_apis.toml"),
            include_str!("../../data/apple_identifier_apis.toml"),
        ] {
            for line in file.lines() {
                if let Some(rest) = line.strip_prefix("category = \"") {
                    let cat = rest.trim_end_matches('"');
                    assert!(identifier_category(cat).is_some(), "{cat}");
                }
            }
        }
    }

    #[test]
    fn broken_labels_are_refused() {
        assert!(parse("[countries]\nChina = \"CN\"\n[identifier_categories]\n").is_err());
        assert!(parse("[countries]\nCN = \" \"\n[identifier_categories]\n").is_err());
        assert!(parse("[countries]\n[identifier_categories]\nX = \"y\"\n").is_err());
        assert!(parse("[countries]\n[identifier_categories]\n[other]\n").is_err());
    }
}
