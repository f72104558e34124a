//! The manifest model, built from a decoded binary XML tree. It keeps what
//! the manifest says; decisions that need more context (labels through
//! resources, implied `exported`) are made when the report is built.

use crate::android::axml::{Element, Value};

/// Everything telltale reads from AndroidManifest.xml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    pub package: Option<String>,
    pub version_code: Option<Value>,
    pub version_name: Option<Value>,
    pub min_sdk: Option<Value>,
    pub target_sdk: Option<Value>,
    pub label: Option<Value>,
    pub uses_permissions: Vec<UsesPermission>,
    pub declared_permissions: Vec<(String, Option<Value>)>,
    pub components: Vec<ComponentDecl>,
    pub queried_packages: Vec<String>,
    pub queried_intents: Vec<IntentFilter>,
    /// `(parent, name, value)`; parent is `application` or a component name.
    pub meta_data: Vec<(String, String, Option<Value>)>,
    pub debuggable: Option<bool>,
    pub allow_backup: Option<bool>,
    pub uses_cleartext_traffic: Option<bool>,
    pub network_security_config: Option<Value>,
}

/// A `uses-permission` or `uses-permission-sdk-23`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsesPermission {
    pub name: String,
    pub sdk23: bool,
    pub max_sdk: Option<u32>,
}

/// An activity, activity-alias, service, receiver or provider.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentDecl {
    pub kind: String,
    /// Fully qualified class name (relative names resolved).
    pub name: String,
    pub exported: Option<bool>,
    pub permission: Option<String>,
    pub target_activity: Option<String>,
    pub intent_filters: Vec<IntentFilter>,
}

/// One `<intent-filter>` (or `<intent>` under `<queries>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntentFilter {
    pub actions: Vec<String>,
    pub categories: Vec<String>,
    pub data: Vec<DataSpec>,
    pub auto_verify: bool,
}

/// One `<data>` element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataSpec {
    pub scheme: Option<String>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub path: Option<String>,
    pub mime_type: Option<String>,
}

const COMPONENT_KINDS: [&str; 5] = [
    "activity",
    "activity-alias",
    "service",
    "receiver",
    "provider",
];

/// Text of a value that should be a string (raw strings, and typed values
/// some builders leave, such as ints for `versionName`).
pub fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Hex(h) => Some(h.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn attr_text(el: &Element, name: &str) -> Option<String> {
    el.android_attr(name).and_then(value_text)
}

fn attr_bool(el: &Element, name: &str) -> Option<bool> {
    el.android_attr(name).and_then(Value::as_bool)
}

/// Resolves a component class name the way PackageParser does: `.Foo` and
/// `Foo` (no dot) are relative to the package.
pub fn qualify(package: Option<&str>, name: &str) -> String {
    let name = name.trim();
    match package {
        Some(pkg) if name.starts_with('.') => format!("{pkg}{name}"),
        Some(pkg) if !name.contains('.') && !name.is_empty() => format!("{pkg}.{name}"),
        _ => name.to_string(),
    }
}

/// Builds the manifest model from the root `<manifest>` element.
pub fn from_root(root: &Element) -> Manifest {
    let mut m = Manifest {
        package: root
            .attributes
            .iter()
            .find(|a| a.name == "package" && a.resource_id.is_none())
            .and_then(|a| value_text(&a.value)),
        version_code: root.android_attr("versionCode").cloned(),
        version_name: root.android_attr("versionName").cloned(),
        ..Manifest::default()
    };
    let package = m.package.clone();
    for child in &root.children {
        match child.name.as_str() {
            "uses-sdk" => {
                m.min_sdk = m
                    .min_sdk
                    .take()
                    .or_else(|| child.android_attr("minSdkVersion").cloned());
                m.target_sdk = m
                    .target_sdk
                    .take()
                    .or_else(|| child.android_attr("targetSdkVersion").cloned());
            }
            "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                if let Some(name) = attr_text(child, "name") {
                    m.uses_permissions.push(UsesPermission {
                        name,
                        sdk23: child.name != "uses-permission",
                        max_sdk: attr_text(child, "maxSdkVersion").and_then(|s| s.parse().ok()),
                    });
                }
            }
            "permission" => {
                if let Some(name) = attr_text(child, "name") {
                    m.declared_permissions
                        .push((name, child.android_attr("protectionLevel").cloned()));
                }
            }
            "queries" => read_queries(child, &mut m),
            "application" => read_application(child, package.as_deref(), &mut m),
            _ => {}
        }
    }
    m
}

fn read_queries(queries: &Element, m: &mut Manifest) {
    for q in &queries.children {
        match q.name.as_str() {
            "package" => m.queried_packages.extend(attr_text(q, "name")),
            "intent" => m.queried_intents.push(read_filter(q)),
            "provider" => m
                .queried_packages
                .extend(attr_text(q, "authorities").map(|a| format!("provider:{a}"))),
            _ => {}
        }
    }
}

fn read_application(app: &Element, package: Option<&str>, m: &mut Manifest) {
    m.label = app.android_attr("label").cloned();
    m.debuggable = attr_bool(app, "debuggable");
    m.allow_backup = attr_bool(app, "allowBackup");
    m.uses_cleartext_traffic = attr_bool(app, "usesCleartextTraffic");
    m.network_security_config = app.android_attr("networkSecurityConfig").cloned();
    for child in &app.children {
        if child.name == "meta-data" {
            push_meta(child, "application", &mut m.meta_data);
            continue;
        }
        if !COMPONENT_KINDS.contains(&child.name.as_str()) {
            continue;
        }
        let Some(raw_name) = attr_text(child, "name") else {
            continue;
        };
        let name = qualify(package, &raw_name);
        let mut component = ComponentDecl {
            kind: child.name.clone(),
            name: name.clone(),
            exported: attr_bool(child, "exported"),
            permission: attr_text(child, "permission"),
            target_activity: attr_text(child, "targetActivity").map(|t| qualify(package, &t)),
            intent_filters: Vec::new(),
        };
        for sub in &child.children {
            match sub.name.as_str() {
                "intent-filter" => component.intent_filters.push(read_filter(sub)),
                "meta-data" => push_meta(sub, &name, &mut m.meta_data),
                _ => {}
            }
        }
        m.components.push(component);
    }
}

fn push_meta(el: &Element, parent: &str, out: &mut Vec<(String, String, Option<Value>)>) {
    if let Some(name) = attr_text(el, "name") {
        let value = el
            .android_attr("value")
            .or_else(|| el.android_attr("resource"))
            .cloned();
        out.push((parent.to_string(), name, value));
    }
}

fn read_filter(filter: &Element) -> IntentFilter {
    let mut f = IntentFilter {
        auto_verify: attr_bool(filter, "autoVerify").unwrap_or(false),
        ..IntentFilter::default()
    };
    for c in &filter.children {
        match c.name.as_str() {
            "action" => f.actions.extend(attr_text(c, "name")),
            "category" => f.categories.extend(attr_text(c, "name")),
            "data" => f.data.push(DataSpec {
                scheme: attr_text(c, "scheme"),
                host: attr_text(c, "host"),
                port: attr_text(c, "port"),
                path: attr_text(c, "path")
                    .or_else(|| attr_text(c, "pathPrefix").map(|p| format!("{p}*")))
                    .or_else(|| attr_text(c, "pathPattern"))
                    .or_else(|| attr_text(c, "pathAdvancedPattern"))
                    .or_else(|| attr_text(c, "pathSuffix").map(|p| format!("*{p}"))),
                mime_type: attr_text(c, "mimeType"),
            }),
            _ => {}
        }
    }
    f
}

impl IntentFilter {
    /// Whether a browser can open this filter's URLs (VIEW + BROWSABLE).
    pub fn is_browsable_view(&self) -> bool {
        self.actions
            .iter()
            .any(|a| a == "android.intent.action.VIEW")
            && self
                .categories
                .iter()
                .any(|c| c == "android.intent.category.BROWSABLE")
    }

    /// The URLs the filter matches: Android combines every scheme, host and
    /// path of all `<data>` elements in one filter.
    pub fn urls(&self) -> Vec<(String, Option<String>, Option<String>)> {
        let schemes: Vec<&String> = self.data.iter().filter_map(|d| d.scheme.as_ref()).collect();
        let hosts: Vec<Option<&String>> = {
            let h: Vec<Option<&String>> = self
                .data
                .iter()
                .filter_map(|d| d.host.as_ref())
                .map(Some)
                .collect();
            if h.is_empty() { vec![None] } else { h }
        };
        let paths: Vec<Option<&String>> = {
            let p: Vec<Option<&String>> = self
                .data
                .iter()
                .filter_map(|d| d.path.as_ref())
                .map(Some)
                .collect();
            if p.is_empty() { vec![None] } else { p }
        };
        let mut out = Vec::new();
        for s in &schemes {
            for h in &hosts {
                for p in &paths {
                    out.push(((*s).clone(), h.cloned(), p.cloned()));
                }
            }
        }
        out
    }
}

/// Resource lookups the manifest needs (resources.arsc or an AAB's
/// resources.pb).
pub trait Resolve {
    /// String value of `id` in the default configuration.
    fn string(&self, id: u32) -> Option<String>;
    /// File path of `id`.
    fn file(&self, id: u32) -> Option<String>;
    /// `type/name` of `id`.
    fn name(&self, id: u32) -> Option<String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifies_relative_names() {
        assert_eq!(qualify(Some("com.a"), ".Main"), "com.a.Main");
        assert_eq!(qualify(Some("com.a"), "Main"), "com.a.Main");
        assert_eq!(qualify(Some("com.a"), "org.b.Main"), "org.b.Main");
        assert_eq!(qualify(None, ".Main"), ".Main");
    }

    #[test]
    fn filter_urls_combine_data_elements() {
        let f = IntentFilter {
            actions: vec!["android.intent.action.VIEW".into()],
            categories: vec!["android.intent.category.BROWSABLE".into()],
            data: vec![
                DataSpec {
                    scheme: Some("https".into()),
                    ..Default::default()
                },
                DataSpec {
                    scheme: Some("http".into()),
                    host: Some("a.example".into()),
                    ..Default::default()
                },
            ],
            auto_verify: true,
        };
        assert!(f.is_browsable_view());
        assert_eq!(f.urls().len(), 2);
        assert_eq!(
            f.urls()[0],
            ("https".into(), Some("a.example".into()), None)
        );
    }
}
