//! `telltale diff OLD NEW`: what changed between two versions of an app —
//! SDKs, permissions, endpoints, identifier and personal-data reads,
//! components, deep links, signing certificates, secrets and the app's SDK
//! levels — as added, removed or changed, in text, JSON or HTML. Each side is
//! a package (inspected here) or a JSON report; both are compared as JSON, so
//! reports of other versions compare as far as they share fields.

use crate::evidence::provenance::{Clock, inspect_for_filing};
use crate::options::Options;
use crate::pipeline::InspectError;
use crate::report::text::{clean, clean_max};
use maud::{DOCTYPE, PreEscaped, html};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    fn mark(self) -> &'static str {
        match self {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "-",
            ChangeKind::Changed => "~",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `app`, `sdks`, `permissions`, `endpoints`, `identifier_apis`,
    /// `components`, `deep_links`, `signing`, `secrets`.
    pub section: String,
    pub change: ChangeKind,
    /// What changed (SDK id, permission, host, API, component…).
    pub key: String,
    /// A readable description (owner, country, state-owned, old → new).
    pub detail: String,
}

/// Identity of one side of a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Side {
    pub name: String,
    pub sha256: String,
    pub app_id: Option<String>,
    pub version_name: Option<String>,
    pub version_code: Option<String>,
}

/// The differences between two reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    pub changes: Vec<Change>,
}

/// Sections in the order they are shown, with their titles.
pub const SECTIONS: [(&str, &str); 9] = [
    ("app", "App"),
    ("sdks", "SDKs"),
    ("permissions", "Permissions"),
    ("endpoints", "Endpoints"),
    ("identifier_apis", "Identifier and personal-data reads"),
    ("components", "Components"),
    ("deep_links", "Deep links"),
    ("signing", "Signing certificates"),
    ("secrets", "Secrets"),
];

/// Reads one side: a JSON report when the file is one, else a package.
pub fn load(path: &Path, options: &Options) -> Result<Value, InspectError> {
    if path.is_file() {
        let head =
            std::fs::read(path).map_err(|e| InspectError(format!("{}: {e}", path.display())))?;
        if head.trim_ascii_start().starts_with(b"{") {
            return serde_json::from_slice(&head)
                .map_err(|e| InspectError(format!("{}: not a JSON report: {e}", path.display())));
        }
    }
    let report = inspect_for_filing(path, options, Clock::Unstated)?;
    serde_json::to_value(&report).map_err(|e| InspectError(e.to_string()))
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn owner_text(v: &Value) -> String {
    let Some(o) = v.get("owner").filter(|o| o.is_object()) else {
        return "owner unknown".into();
    };
    let mut t = s(o, "name").to_string();
    if let Some(c) = o.get("country").and_then(Value::as_str) {
        t.push_str(&format!(", {c}"));
    }
    if o.get("state_owned").and_then(Value::as_bool) == Some(true) {
        t.push_str(", state-owned");
    }
    t
}

fn side(v: &Value) -> Side {
    let app = v.get("app").cloned().unwrap_or(Value::Null);
    let text = |k: &str| app.get(k).and_then(Value::as_str).map(str::to_string);
    Side {
        name: s(v.get("input").unwrap_or(&Value::Null), "path").to_string(),
        sha256: s(v.get("input").unwrap_or(&Value::Null), "sha256").to_string(),
        app_id: text("id"),
        version_name: text("version_name"),
        version_code: text("version_code"),
    }
}

/// Items of a list keyed by `key`, each with the text shown and the part
/// that, when different, makes the item "changed".
/// An endpoint as a diff shows it: owner, the SDKs whose code holds it (schema
/// 2's `sdks`), and the network of an IP literal when the report has one
/// (`--ip-data`).
fn endpoint_text(x: &Value) -> String {
    let sdks: Vec<&str> = x
        .get("sdks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let sdks = if sdks.is_empty() {
        "no SDK".to_string()
    } else {
        sdks.join(", ")
    };
    let mut text = format!("{}; {sdks}", owner_text(x));
    if let Some(ip) = x.get("ip_owner").filter(|v| v.is_object()) {
        let asn = ip.get("asn").and_then(Value::as_u64);
        let org = s(ip, "org");
        let country = s(ip, "country");
        text.push_str("; network");
        if let Some(asn) = asn {
            text.push_str(&format!(" AS{asn}"));
        }
        if !org.is_empty() {
            text.push_str(&format!(" {org}"));
        }
        if !country.is_empty() {
            text.push_str(&format!(" ({country})"));
        }
    }
    text
}

fn keyed(
    v: &Value,
    list: &str,
    key: impl Fn(&Value) -> String,
    shown: impl Fn(&Value) -> String,
    compared: impl Fn(&Value) -> String,
) -> Items {
    v.get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|item| (key(item), (shown(item), compared(item))))
        .collect()
}

fn compare(out: &mut Vec<Change>, section: &str, old: Items, new: Items) {
    for (k, (shown, cmp)) in &new {
        match old.get(k) {
            None => out.push(Change {
                section: section.into(),
                change: ChangeKind::Added,
                key: k.clone(),
                detail: shown.clone(),
            }),
            Some((_, old_cmp)) if old_cmp != cmp => out.push(Change {
                section: section.into(),
                change: ChangeKind::Changed,
                key: k.clone(),
                detail: format!("{old_cmp} → {cmp}"),
            }),
            Some(_) => {}
        }
    }
    for (k, (shown, _)) in &old {
        if !new.contains_key(k) {
            out.push(Change {
                section: section.into(),
                change: ChangeKind::Removed,
                key: k.clone(),
                detail: shown.clone(),
            });
        }
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Compares two reports (as JSON values).
pub fn diff(old: &Value, new: &Value) -> Diff {
    let mut changes = app_changes(old, new);
    for (section, items) in KEYED_SECTIONS {
        compare(&mut changes, section, items(old), items(new));
    }
    let order = |sec: &str| SECTIONS.iter().position(|(k, _)| *k == sec).unwrap_or(99);
    changes.sort_by(|a, b| {
        (order(&a.section), a.change, &a.key).cmp(&(order(&b.section), b.change, &b.key))
    });
    Diff {
        old: side(old),
        new: side(new),
        changes,
    }
}

/// The app's id, versions and levels that differ.
fn app_changes(old: &Value, new: &Value) -> Vec<Change> {
    let app = |v: &Value, k: &str| {
        v.get("app")
            .and_then(|a| a.get(k))
            .filter(|x| !x.is_null())
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
    };
    let mut changes = Vec::new();
    for k in [
        "id",
        "version_name",
        "version_code",
        "min_sdk",
        "target_sdk",
        "min_os",
    ] {
        let (a, b) = (app(old, k), app(new, k));
        if a != b {
            changes.push(Change {
                section: "app".into(),
                change: ChangeKind::Changed,
                key: k.into(),
                detail: format!(
                    "{} → {}",
                    a.as_deref().unwrap_or("-"),
                    b.as_deref().unwrap_or("-")
                ),
            });
        }
    }
    changes
}

/// A section's items by key: (text shown, part compared).
type Items = BTreeMap<String, (String, String)>;

/// How a section's items are read from a report.
type ReadItems = fn(&Value) -> Items;

/// The list sections compared item by item, each with how its items are read.
const KEYED_SECTIONS: [(&str, ReadItems); 8] = [
    ("sdks", sdk_items),
    ("permissions", permission_items),
    ("endpoints", endpoint_items),
    ("identifier_apis", identifier_read_items),
    ("components", component_items),
    ("deep_links", deep_link_items),
    ("signing", certificate_items),
    ("secrets", secret_items),
];

fn sdk_items(v: &Value) -> Items {
    keyed(
        v,
        "sdks",
        |x| s(x, "id").to_string(),
        |x| format!("{} ({})", s(x, "name"), owner_text(x)),
        owner_text,
    )
}

fn permission_items(v: &Value) -> Items {
    keyed(
        v,
        "permissions",
        |x| s(x, "name").to_string(),
        |x| s(x, "protection").to_string(),
        |x| s(x, "protection").to_string(),
    )
}

fn endpoint_items(v: &Value) -> Items {
    keyed(
        v,
        "endpoints",
        |x| s(x, "host").to_string(),
        endpoint_text,
        endpoint_text,
    )
}

fn identifier_read_items(v: &Value) -> Items {
    keyed(
        v,
        "identifier_apis",
        |x| s(x, "api").to_string(),
        |x| {
            let sdk = x.get("sdk").and_then(Value::as_str).unwrap_or("no SDK");
            format!(
                "{}; {sdk}; called by {}",
                s(x, "category"),
                strings(x, "callers").join(", ")
            )
        },
        |x| {
            let sdk = x.get("sdk").and_then(Value::as_str).unwrap_or("no SDK");
            format!("{sdk}; callers: {}", strings(x, "callers").join(", "))
        },
    )
}

fn component_items(v: &Value) -> Items {
    keyed(
        v,
        "components",
        |x| format!("{} {}", s(x, "kind"), s(x, "name")),
        comp_state,
        comp_state,
    )
}

fn deep_link_items(v: &Value) -> Items {
    keyed(
        v,
        "deep_links",
        |x| {
            format!(
                "{}://{}{}",
                s(x, "scheme"),
                x.get("host").and_then(Value::as_str).unwrap_or("*"),
                s(x, "path")
            )
        },
        |x| format!("→ {}", s(x, "component")),
        |x| {
            format!(
                "{} {}",
                s(x, "component"),
                x.get("verified").and_then(Value::as_bool).unwrap_or(false)
            )
        },
    )
}

fn certificate_items(v: &Value) -> Items {
    keyed(
        v,
        "signing",
        |x| format!("{} {}", s(x, "scheme"), s(x, "sha256")),
        |x| s(x, "subject").to_string(),
        |x| s(x, "subject").to_string(),
    )
}

fn secret_items(v: &Value) -> Items {
    keyed(
        v,
        "secrets",
        |x| format!("{} {}", s(x, "kind"), s(x, "preview")),
        |x| format!("value sha256 {}", s(x, "sha256")),
        |x| s(x, "sha256").to_string(),
    )
}

fn comp_state(x: &Value) -> String {
    let exported = x.get("exported").and_then(Value::as_bool) == Some(true);
    let guard = x
        .get("permission")
        .and_then(Value::as_str)
        .map(|p| format!(", guarded by {p}"))
        .unwrap_or_default();
    format!(
        "{}{guard}",
        if exported { "exported" } else { "not exported" }
    )
}

impl Diff {
    /// Changes of one section.
    pub fn section(&self, key: &str) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.section == key).collect()
    }

    fn side_line(side: &Side) -> String {
        format!(
            "{}  {} {} ({})  sha256 {}",
            clean(&side.name),
            clean(side.app_id.as_deref().unwrap_or("-")),
            clean(side.version_name.as_deref().unwrap_or("-")),
            clean(side.version_code.as_deref().unwrap_or("-")),
            side.sha256
        )
    }

    /// A person's summary.
    pub fn render_text(&self) -> String {
        let mut o = String::new();
        o.push_str(&format!("old  {}\n", Self::side_line(&self.old)));
        o.push_str(&format!("new  {}\n", Self::side_line(&self.new)));
        for (key, title) in SECTIONS {
            let changes = self.section(key);
            if changes.is_empty() {
                continue;
            }
            let count = |k: ChangeKind| changes.iter().filter(|c| c.change == k).count();
            o.push_str(&format!(
                "\n{title}  (+{} -{} ~{})\n",
                count(ChangeKind::Added),
                count(ChangeKind::Removed),
                count(ChangeKind::Changed)
            ));
            for c in changes {
                o.push_str(&format!(
                    "  {} {}  {}\n",
                    c.change.mark(),
                    clean(&c.key),
                    clean_max(&c.detail, 400)
                ));
            }
        }
        o.push_str(&format!(
            "\n{} change{}\n",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" }
        ));
        o
    }

    /// The diff as JSON.
    pub fn render_json(&self) -> String {
        let mut out =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        out.push('\n');
        out
    }

    /// The diff as one self-contained HTML page.
    pub fn render_html(&self) -> String {
        let side = |label: &str, s: &Side| {
            html! {
                tr { th { (label) } td { span.path { (s.name) } " · " (s.app_id.as_deref().unwrap_or("-")) " "
                    (s.version_name.as_deref().unwrap_or("-")) " (" (s.version_code.as_deref().unwrap_or("-")) ")"
                    br; span.hash { "sha256 " (s.sha256) } } }
            }
        };
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    title { "telltale diff: " (self.old.name) " → " (self.new.name) }
                    style { (PreEscaped(include_str!("report/html.css"))) }
                }
                body { main {
                    p.kicker { "telltale diff" }
                    h1 { "What changed between two versions" }
                    table.prov { (side("Old", &self.old)) (side("New", &self.new)) }
                    p.summary { strong { (self.changes.len()) } " changes." }
                    @for (key, title) in SECTIONS {
                        @let changes = self.section(key);
                        @if !changes.is_empty() {
                            section {
                                h2 { (title) " (" (changes.len()) ")" }
                                table.list {
                                    thead { tr { th { "" } th { "What" } th { "Detail" } } }
                                    tbody { @for c in changes {
                                        tr class={ "change " (format!("{:?}", c.change).to_lowercase()) } {
                                            td { @match c.change {
                                                ChangeKind::Added => span.tag.tag-bad { "added" },
                                                ChangeKind::Removed => span.tag { "removed" },
                                                ChangeKind::Changed => span.tag.tag-read { "changed" },
                                            } }
                                            td { code { (c.key) } }
                                            td { (c.detail) }
                                        }
                                    } }
                                }
                            }
                        }
                    }
                } }
            }
        }
        .into_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn added_removed_changed() {
        let old = json!({
            "input": {"path": "a.apk", "sha256": "00"},
            "app": {"target_sdk": 30},
            "sdks": [{"id": "x", "name": "X", "owner": {"name": "O", "country": "US"}}],
            "permissions": [{"name": "p.A", "protection": "normal"}],
        });
        let new = json!({
            "input": {"path": "b.apk", "sha256": "11"},
            "app": {"target_sdk": 34},
            "sdks": [{"id": "cmic-sso", "name": "CM", "owner": {"name": "China Mobile", "country": "CN", "state_owned": true}}],
            "permissions": [{"name": "p.A", "protection": "dangerous"}],
        });
        let d = diff(&old, &new);
        let got: Vec<(String, ChangeKind, String)> = d
            .changes
            .iter()
            .map(|c| (c.section.clone(), c.change, c.key.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("app".into(), ChangeKind::Changed, "target_sdk".into()),
                ("sdks".into(), ChangeKind::Added, "cmic-sso".into()),
                ("sdks".into(), ChangeKind::Removed, "x".into()),
                ("permissions".into(), ChangeKind::Changed, "p.A".into()),
            ]
        );
        assert!(
            d.render_text()
                .contains("+ cmic-sso  CM (China Mobile, CN, state-owned)")
        );
        assert_eq!(d.changes[0].detail, "30 → 34");
    }
}
