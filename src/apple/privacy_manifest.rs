//! `PrivacyInfo.xcprivacy` files and the checks of what they declare against
//! what the app contains: required-reason API use, and Apple's list of
//! commonly used SDKs that must ship a manifest.

use crate::apple::plist_read;
use crate::datafile::Doc;
use crate::report::model::{AccessedApiType, CollectedDataType};
use plist::{Dictionary, Value};
use serde::Deserialize;
use std::collections::BTreeSet;

/// Most items kept from any list of one manifest.
const MAX_ITEMS: usize = 10_000;

/// What one manifest declares.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ManifestFile {
    pub tracking: Option<bool>,
    pub tracking_domains: Vec<String>,
    /// Collected data types (path left empty; the caller sets it).
    pub collected: Vec<CollectedDataType>,
    /// Accessed API types (path left empty).
    pub accessed: Vec<AccessedApiType>,
}

/// Parses one `PrivacyInfo.xcprivacy` (binary or XML plist).
pub fn parse(bytes: &[u8]) -> Result<ManifestFile, String> {
    let d: Dictionary = plist_read::dictionary(bytes).map_err(|e| format!("plist: {e}"))?;
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .take(MAX_ITEMS)
                    .filter_map(Value::as_string)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut m = ManifestFile {
        tracking: d.get("NSPrivacyTracking").and_then(Value::as_boolean),
        tracking_domains: strings(d.get("NSPrivacyTrackingDomains")),
        ..ManifestFile::default()
    };
    let items = |key: &str| -> Vec<Dictionary> {
        d.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .take(MAX_ITEMS)
                    .filter_map(Value::as_dictionary)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    for t in items("NSPrivacyCollectedDataTypes") {
        let Some(kind) = t
            .get("NSPrivacyCollectedDataType")
            .and_then(Value::as_string)
        else {
            continue;
        };
        m.collected.push(CollectedDataType {
            data_type: kind.to_string(),
            linked: t
                .get("NSPrivacyCollectedDataTypeLinked")
                .and_then(Value::as_boolean)
                .unwrap_or(false),
            tracking: t
                .get("NSPrivacyCollectedDataTypeTracking")
                .and_then(Value::as_boolean)
                .unwrap_or(false),
            purposes: strings(t.get("NSPrivacyCollectedDataTypePurposes")),
            path: String::new(),
        });
    }
    for t in items("NSPrivacyAccessedAPITypes") {
        let Some(cat) = t.get("NSPrivacyAccessedAPIType").and_then(Value::as_string) else {
            continue;
        };
        m.accessed.push(AccessedApiType {
            category: cat.to_string(),
            reasons: strings(t.get("NSPrivacyAccessedAPITypeReasons")),
            path: String::new(),
        });
    }
    Ok(m)
}

/// One required-reason API category and what shows its use.
#[derive(Debug, Deserialize)]
pub struct ReasonCategory {
    pub category: String,
    pub reasons: Vec<String>,
    #[serde(default)]
    pub symbols: Vec<String>,
    #[serde(default)]
    pub selectors: Vec<String>,
    #[serde(default)]
    pub strings: Vec<String>,
    pub source: String,
}

#[derive(Deserialize)]
struct ReasonFile {
    category: Vec<ReasonCategory>,
}

/// Parses `data/apple_required_reason_apis.toml`.
pub fn parse_reason_categories<'a>(doc: impl Into<Doc<'a>>) -> Result<Vec<ReasonCategory>, String> {
    doc.into().read::<ReasonFile>().map(|f| f.category)
}

/// Parses `data/apple_privacy_sdks.toml`.
pub fn parse_privacy_sdks<'a>(doc: impl Into<Doc<'a>>) -> Result<BTreeSet<String>, String> {
    doc.into()
        .read::<SdkList>()
        .map(|l| l.names.into_iter().collect())
}

/// Required-reason categories a binary uses, each with the evidence found.
pub fn used_categories<'k>(
    categories: &'k [ReasonCategory],
    imports: &BTreeSet<String>,
    selectors: &BTreeSet<String>,
    strings: &BTreeSet<String>,
) -> Vec<(&'k str, Vec<String>)> {
    let mut out = Vec::new();
    for c in categories {
        let mut apis: Vec<String> = Vec::new();
        apis.extend(c.symbols.iter().filter(|s| imports.contains(*s)).cloned());
        apis.extend(
            c.selectors
                .iter()
                .filter(|s| selectors.contains(*s))
                .cloned(),
        );
        // Resource-key constants are imported symbols (`_NSURL…Key`) or strings.
        apis.extend(
            c.strings
                .iter()
                .filter(|s| strings.contains(*s) || imports.contains(&format!("_{s}")))
                .cloned(),
        );
        if !apis.is_empty() {
            out.push((c.category.as_str(), apis));
        }
    }
    out
}

#[derive(Deserialize)]
struct SdkList {
    names: Vec<String>,
}

#[derive(Deserialize)]
struct TrackingCategories {
    tracking_categories: Vec<String>,
}

/// Parses the `tracking_categories` of `data/apple_privacy_sdks.toml`: the
/// SDK categories whose hosts count as tracking domains.
pub fn parse_tracking_categories<'a>(doc: impl Into<Doc<'a>>) -> Result<BTreeSet<String>, String> {
    let list = doc.into().read::<TrackingCategories>()?;
    if list.tracking_categories.is_empty() {
        return Err("tracking_categories: empty".into());
    }
    Ok(list.tracking_categories.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_load() {
        let cats =
            parse_reason_categories(include_str!("../../data/apple_required_reason_apis.toml"))
                .unwrap();
        assert_eq!(cats.len(), 5);
        let names = parse_privacy_sdks(include_str!("../../data/apple_privacy_sdks.toml")).unwrap();
        assert_eq!(names.len(), 87);
        assert!(names.contains("FBSDKCoreKit"));
    }

    #[test]
    fn manifest_parses() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>NSPrivacyTracking</key><true/>
<key>NSPrivacyTrackingDomains</key><array><string>graph.facebook.com</string></array>
<key>NSPrivacyCollectedDataTypes</key><array><dict>
 <key>NSPrivacyCollectedDataType</key><string>NSPrivacyCollectedDataTypeDeviceID</string>
 <key>NSPrivacyCollectedDataTypeLinked</key><false/>
 <key>NSPrivacyCollectedDataTypeTracking</key><true/>
 <key>NSPrivacyCollectedDataTypePurposes</key><array><string>NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising</string></array>
</dict></array>
<key>NSPrivacyAccessedAPITypes</key><array><dict>
 <key>NSPrivacyAccessedAPIType</key><string>NSPrivacyAccessedAPICategoryUserDefaults</string>
 <key>NSPrivacyAccessedAPITypeReasons</key><array><string>CA92.1</string></array>
</dict></array>
</dict></plist>"#;
        let m = parse(xml).unwrap();
        assert_eq!(m.tracking, Some(true));
        assert_eq!(m.tracking_domains, vec!["graph.facebook.com".to_string()]);
        assert_eq!(m.collected.len(), 1);
        assert!(m.collected[0].tracking);
        assert_eq!(m.accessed[0].reasons, vec!["CA92.1".to_string()]);
    }

    #[test]
    fn usage_is_found_from_symbols_and_selectors() {
        let imports: BTreeSet<String> =
            ["_stat".to_string(), "_NSURLVolumeTotalCapacityKey".into()]
                .into_iter()
                .collect();
        let sels: BTreeSet<String> = ["systemUptime".to_string()].into_iter().collect();
        let cats =
            parse_reason_categories(include_str!("../../data/apple_required_reason_apis.toml"))
                .unwrap();
        let used = used_categories(&cats, &imports, &sels, &BTreeSet::new());
        let cats: Vec<&str> = used.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            cats,
            vec![
                "NSPrivacyAccessedAPICategoryFileTimestamp",
                "NSPrivacyAccessedAPICategorySystemBootTime",
                "NSPrivacyAccessedAPICategoryDiskSpace"
            ]
        );
    }
}
