//! `Info.plist` (binary or XML) → the facts an inspector reports: identity,
//! platform (iOS, tvOS, watchOS, visionOS, macOS), versions, usage descriptions, App Transport Security, URL schemes, queried
//! schemes, background modes, SKAdNetwork ids and SDK keys.

use crate::apple::plist_read;
use plist::{Dictionary, Value};

/// Most items kept from any one list in the plist.
const MAX_ITEMS: usize = 10_000;

/// What one `Info.plist` declares.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct InfoPlist {
    pub bundle_id: Option<String>,
    /// `CFBundleDisplayName`, else `CFBundleName`.
    pub name: Option<String>,
    pub executable: Option<String>,
    /// `CFBundleShortVersionString`.
    pub short_version: Option<String>,
    /// `CFBundleVersion`.
    pub version: Option<String>,
    pub minimum_os: Option<String>,
    /// The Apple platform the bundle is built for (`ios`, `tvos`,
    /// `watchos`, `visionos`, `macos`), from `DTPlatformName`, else
    /// `CFBundleSupportedPlatforms`, else `UIDeviceFamily` / `WKApplication`;
    /// `None` when the plist says nothing.
    pub platform: Option<&'static str>,
    /// `CFBundlePackageType` (`APPL`, `FMWK`, `BNDL`, `XPC!`).
    pub package_type: Option<String>,
    /// `NS*UsageDescription` keys with their text (includes
    /// `NSUserTrackingUsageDescription`).
    pub usage_descriptions: Vec<(String, String)>,
    /// `NSAppTransportSecurity.NSAllowsArbitraryLoads`.
    pub ats_arbitrary_loads: Option<bool>,
    /// Other ATS switches set to true (`NSAllowsArbitraryLoadsInWebContent`, …).
    pub ats_flags: Vec<String>,
    /// `NSExceptionDomains`: (domain, allows insecure HTTP loads).
    pub ats_exception_domains: Vec<(String, bool)>,
    /// `CFBundleURLTypes[].CFBundleURLSchemes`.
    pub url_schemes: Vec<String>,
    /// `LSApplicationQueriesSchemes`.
    pub queried_schemes: Vec<String>,
    /// `UIBackgroundModes`.
    pub background_modes: Vec<String>,
    /// `SKAdNetworkItems[].SKAdNetworkIdentifier`.
    pub skadnetwork_ids: Vec<String>,
    /// Top-level keys, for SDK-key matching.
    pub keys: Vec<String>,
    /// `NSExtension.NSExtensionPointIdentifier` for app extensions.
    pub extension_point: Option<String>,
}

/// Parses binary or XML plist bytes into [`InfoPlist`].
pub fn parse(bytes: &[u8]) -> Result<InfoPlist, String> {
    let dict: Dictionary = plist_read::dictionary(bytes).map_err(|e| format!("plist: {e}"))?;
    Ok(from_dict(&dict))
}

fn string(d: &Dictionary, key: &str) -> Option<String> {
    match d.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(r.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|v| v.as_string().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn truthy(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Boolean(b) => Some(*b),
        Value::String(s) => Some(matches!(
            s.to_ascii_lowercase().as_str(),
            "yes" | "true" | "1"
        )),
        Value::Integer(i) => Some(i.as_signed() != Some(0)),
        _ => None,
    }
}

/// A platform name as Xcode writes it (`DTPlatformName`,
/// `CFBundleSupportedPlatforms`: `iphoneos`, `AppleTVOS`, `WatchSimulator`,
/// `XROS`, `MacOSX`…) → the report's platform.
fn platform_of_name(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    let n = n
        .strip_suffix("simulator")
        .or_else(|| n.strip_suffix("os"))
        .unwrap_or(&n);
    match n {
        "iphone" | "iphoneos" => Some("ios"),
        "appletv" | "appletvos" => Some("tvos"),
        "watch" | "watchos" => Some("watchos"),
        "xr" | "xros" | "vision" | "visionos" => Some("visionos"),
        "mac" | "macosx" => Some("macos"),
        _ => None,
    }
}

/// The platform a bundle is for (see [`InfoPlist::platform`]).
fn platform(d: &Dictionary) -> Option<&'static str> {
    if let Some(p) = string(d, "DTPlatformName")
        .as_deref()
        .and_then(platform_of_name)
    {
        return Some(p);
    }
    if let Some(p) = strings(d.get("CFBundleSupportedPlatforms"))
        .iter()
        .find_map(|n| platform_of_name(n))
    {
        return Some(p);
    }
    // UIDeviceFamily: 1 iPhone, 2 iPad, 3 Apple TV, 4 Apple Watch, 7 Apple
    // Vision; an iPhone or iPad app may also run elsewhere, so 1 or 2 wins.
    let families: Vec<i64> = match d.get("UIDeviceFamily") {
        Some(Value::Array(a)) => a
            .iter()
            .take(16)
            .filter_map(|v| match v {
                Value::Integer(i) => i.as_signed(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .collect(),
        Some(Value::Integer(i)) => i.as_signed().into_iter().collect(),
        _ => Vec::new(),
    };
    if families.iter().any(|f| *f == 1 || *f == 2) {
        return Some("ios");
    }
    for (family, name) in [(3, "tvos"), (4, "watchos"), (7, "visionos")] {
        if families.contains(&family) {
            return Some(name);
        }
    }
    if truthy(d.get("WKApplication")) == Some(true) || truthy(d.get("WKWatchKitApp")) == Some(true)
    {
        return Some("watchos");
    }
    if d.contains_key("LSMinimumSystemVersion") && !d.contains_key("MinimumOSVersion") {
        return Some("macos");
    }
    None
}

/// Extracts the facts from a parsed plist dictionary.
pub fn from_dict(d: &Dictionary) -> InfoPlist {
    let mut p = InfoPlist {
        bundle_id: string(d, "CFBundleIdentifier"),
        name: string(d, "CFBundleDisplayName").or_else(|| string(d, "CFBundleName")),
        executable: string(d, "CFBundleExecutable"),
        short_version: string(d, "CFBundleShortVersionString"),
        version: string(d, "CFBundleVersion"),
        minimum_os: string(d, "MinimumOSVersion").or_else(|| string(d, "LSMinimumSystemVersion")),
        package_type: string(d, "CFBundlePackageType"),
        platform: platform(d),
        queried_schemes: strings(d.get("LSApplicationQueriesSchemes")),
        background_modes: strings(d.get("UIBackgroundModes")),
        keys: d.keys().take(MAX_ITEMS).cloned().collect(),
        ..InfoPlist::default()
    };
    for (k, v) in d.iter().take(MAX_ITEMS) {
        if k.starts_with("NS")
            && k.ends_with("UsageDescription")
            && let Some(text) = v.as_string()
        {
            p.usage_descriptions.push((k.clone(), text.to_string()));
        }
    }
    if let Some(ats) = d
        .get("NSAppTransportSecurity")
        .and_then(Value::as_dictionary)
    {
        p.ats_arbitrary_loads = truthy(ats.get("NSAllowsArbitraryLoads"));
        for flag in [
            "NSAllowsArbitraryLoadsInWebContent",
            "NSAllowsArbitraryLoadsForMedia",
            "NSAllowsLocalNetworking",
        ] {
            if truthy(ats.get(flag)) == Some(true) {
                p.ats_flags.push(flag.to_string());
            }
        }
        if let Some(domains) = ats.get("NSExceptionDomains").and_then(Value::as_dictionary) {
            for (domain, cfg) in domains.iter().take(MAX_ITEMS) {
                let insecure = cfg.as_dictionary().is_some_and(|c| {
                    truthy(c.get("NSExceptionAllowsInsecureHTTPLoads")) == Some(true)
                        || truthy(c.get("NSThirdPartyExceptionAllowsInsecureHTTPLoads"))
                            == Some(true)
                        || truthy(c.get("NSTemporaryExceptionAllowsInsecureHTTPLoads"))
                            == Some(true)
                });
                p.ats_exception_domains.push((domain.clone(), insecure));
            }
        }
    }
    if let Some(Value::Array(types)) = d.get("CFBundleURLTypes") {
        for t in types.iter().take(MAX_ITEMS) {
            if let Some(t) = t.as_dictionary() {
                p.url_schemes.extend(strings(t.get("CFBundleURLSchemes")));
            }
        }
    }
    if let Some(Value::Array(items)) = d.get("SKAdNetworkItems") {
        for item in items.iter().take(MAX_ITEMS) {
            if let Some(id) = item
                .as_dictionary()
                .and_then(|i| i.get("SKAdNetworkIdentifier"))
                .and_then(Value::as_string)
            {
                p.skadnetwork_ids.push(id.to_string());
            }
        }
    }
    p.extension_point = d
        .get("NSExtension")
        .and_then(Value::as_dictionary)
        .and_then(|e| e.get("NSExtensionPointIdentifier"))
        .and_then(Value::as_string)
        .map(str::to_string);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.x</string>
<key>CFBundleName</key><string>X</string>
<key>CFBundleShortVersionString</key><string>1.2</string>
<key>CFBundleVersion</key><string>7</string>
<key>MinimumOSVersion</key><string>15.0</string>
<key>NSCameraUsageDescription</key><string>Scan codes</string>
<key>NSAppTransportSecurity</key><dict>
  <key>NSAllowsArbitraryLoads</key><true/>
  <key>NSExceptionDomains</key><dict><key>plain.test</key><dict>
    <key>NSExceptionAllowsInsecureHTTPLoads</key><true/></dict></dict>
</dict>
<key>CFBundleURLTypes</key><array><dict><key>CFBundleURLSchemes</key><array><string>xapp</string></array></dict></array>
<key>LSApplicationQueriesSchemes</key><array><string>weixin</string><string>fb</string></array>
<key>SKAdNetworkItems</key><array><dict><key>SKAdNetworkIdentifier</key><string>cstr6suwn9.skadnetwork</string></dict></array>
</dict></plist>"#;

    /// A plist with the given keys (raw XML fragments).
    fn with(keys: &str) -> InfoPlist {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>\
             <key>CFBundleIdentifier</key><string>com.example.x</string>{keys}</dict></plist>"
        );
        parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn platform_from_dt_platform_name_supported_platforms_and_device_family() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "<key>DTPlatformName</key><string>appletvos</string>",
                Some("tvos"),
            ),
            (
                "<key>DTPlatformName</key><string>watchos</string>",
                Some("watchos"),
            ),
            (
                "<key>DTPlatformName</key><string>watchsimulator</string>",
                Some("watchos"),
            ),
            (
                "<key>DTPlatformName</key><string>xros</string>",
                Some("visionos"),
            ),
            (
                "<key>DTPlatformName</key><string>iphoneos</string>",
                Some("ios"),
            ),
            (
                "<key>DTPlatformName</key><string>macosx</string>",
                Some("macos"),
            ),
            (
                "<key>CFBundleSupportedPlatforms</key><array><string>AppleTVOS</string></array>",
                Some("tvos"),
            ),
            (
                "<key>CFBundleSupportedPlatforms</key><array><string>XRSimulator</string></array>",
                Some("visionos"),
            ),
            (
                "<key>UIDeviceFamily</key><array><integer>3</integer></array>",
                Some("tvos"),
            ),
            (
                "<key>UIDeviceFamily</key><array><integer>4</integer></array>",
                Some("watchos"),
            ),
            (
                "<key>UIDeviceFamily</key><array><integer>7</integer></array>",
                Some("visionos"),
            ),
            // An iPhone/iPad app that also runs on Vision Pro is an iOS app.
            (
                "<key>UIDeviceFamily</key><array><integer>1</integer><integer>2</integer><integer>7</integer></array>",
                Some("ios"),
            ),
            ("<key>WKApplication</key><true/>", Some("watchos")),
            // DTPlatformName wins over a device family that disagrees.
            (
                "<key>DTPlatformName</key><string>appletvos</string>\
                 <key>UIDeviceFamily</key><array><integer>1</integer></array>",
                Some("tvos"),
            ),
            ("<key>DTPlatformName</key><string>plan9</string>", None),
            ("", None),
        ];
        for (keys, want) in cases {
            assert_eq!(with(keys).platform, *want, "{keys}");
        }
    }

    #[test]
    fn xml_info_plist() {
        let p = parse(XML.as_bytes()).unwrap();
        assert_eq!(p.bundle_id.as_deref(), Some("com.example.x"));
        assert_eq!(p.name.as_deref(), Some("X"));
        assert_eq!(p.short_version.as_deref(), Some("1.2"));
        assert_eq!(p.version.as_deref(), Some("7"));
        assert_eq!(p.minimum_os.as_deref(), Some("15.0"));
        assert_eq!(
            p.usage_descriptions,
            vec![("NSCameraUsageDescription".into(), "Scan codes".into())]
        );
        assert_eq!(p.ats_arbitrary_loads, Some(true));
        assert_eq!(p.ats_exception_domains, vec![("plain.test".into(), true)]);
        assert_eq!(p.url_schemes, vec!["xapp".to_string()]);
        assert_eq!(p.queried_schemes, vec!["weixin".to_string(), "fb".into()]);
        assert_eq!(
            p.skadnetwork_ids,
            vec!["cstr6suwn9.skadnetwork".to_string()]
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse(b"bplist00\xff\xff").is_err());
        assert!(parse(b"").is_err());
    }
}
