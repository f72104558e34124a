//! Matching the facts gathered from one app against the compiled database.
//!
//! Evidence policy (documented in `data/signatures/README.md`):
//! - code (DEX classes, Objective-C classes) is collapsed to one item per
//!   (entry path, matched prefix), naming the class count and up to three
//!   example classes (readable names preferred, then alphabetical);
//! - every other kind gives one item per fact;
//! - each kind keeps at most [`MAX_EVIDENCE_PER_KIND`] items (sorted by path
//!   then detail); `Sdk::evidence_count` counts every raw fact matched;
//! - network hits alone do not make a detection (a host string can be a
//!   mere link; it is reported under endpoints): they are attached to SDKs
//!   detected by other evidence.
//!
//! How an SDK was found (`Sdk::found`), scored per SDK:
//! - `bundled`: its code ships (classes under its packages, Objective-C
//!   classes, native libraries, frameworks, embedded bundle ids). Generated
//!   classes (`R`, `R$…`, `BuildConfig`, `Manifest`) and exception, error and
//!   result types alone never count (resource and exception classes ship
//!   with other libraries); classes in the app's own namespace (under the
//!   app id, when the SDK's package is not deeper than it) count only when
//!   they include one of the SDK's distinctive classes;
//! - `repackaged`: a package subtree whose class names after the prefix
//!   match at least two (or all, when fewer are listed) of the SDK's
//!   `distinctive_classes`; every class under that prefix is the SDK's code;
//! - `declared`: manifest components (or Info.plist keys) only — meta-data alone is not enough;
//! - `referenced`: the app's code refers to its classes without bundling them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use super::db::{Database, framework_base, normalize_class};
use crate::report::model::{Evidence, Sdk};

/// Cap on evidence items per kind and SDK.
pub const MAX_EVIDENCE_PER_KIND: usize = 20;

/// Example classes named per collapsed code evidence item.
const CODE_EXAMPLES: usize = 3;

/// Facts gathered from one app; each item carries the entry path it was seen in.
#[derive(Debug, Default, Clone)]
pub struct AppFacts {
    /// `(entry path, dotted class)`, e.g. `("classes.dex", "com.umeng.analytics.MobclickAgent")`.
    pub classes: Vec<(String, String)>,
    /// `(entry path, dotted classes)` of DEX files: one list per entry, a
    /// list shared by the entries that define the same classes (a package
    /// can carry thousands of entries × classes). [`AppFacts::all_classes`]
    /// gives these and `classes` as pairs.
    pub dex_classes: Vec<(String, Arc<[String]>)>,
    /// `(entry path, component class)` from the manifest.
    pub components: Vec<(String, String)>,
    /// `(entry path, meta-data key)` from the manifest.
    pub meta_data_keys: Vec<(String, String)>,
    /// Entry paths of native libraries (`lib/arm64-v8a/libBugly.so`).
    pub native_libs: Vec<String>,
    /// `(path, framework or bundle name)` on iOS.
    pub frameworks: Vec<(String, String)>,
    /// `(Info.plist path, CFBundleIdentifier)` of embedded frameworks.
    pub bundle_ids: Vec<(String, String)>,
    /// `(binary path, Objective-C class name)`.
    pub objc_classes: Vec<(String, String)>,
    /// `(path, host name)` of endpoints found in the app.
    pub hosts: Vec<(String, String)>,
    /// `(entry path, dotted class)` of classes the code refers to but does
    /// not define (an SDK the app calls but does not bundle, or loads later).
    pub referenced_classes: Vec<(String, String)>,
    /// Referenced classes of DEX files, one (shared) list per entry, like
    /// `dex_classes`; [`AppFacts::all_referenced`] gives both as pairs.
    pub dex_referenced: Vec<(String, Arc<[String]>)>,
    /// The app's own package name (manifest package / bundle id): code under
    /// it is the app's, not an SDK's (see the module doc).
    pub app_id: Option<String>,
}

impl AppFacts {
    /// Every `(entry path, dotted class)` of `dex_classes` and `classes`.
    pub fn all_classes(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.dex_classes
            .iter()
            .flat_map(|(p, list)| list.iter().map(move |c| (p.as_str(), c.as_str())))
            .chain(self.classes.iter().map(|(p, c)| (p.as_str(), c.as_str())))
    }

    /// Every `(entry path, dotted class)` of `dex_referenced` and
    /// `referenced_classes`.
    pub fn all_referenced(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.dex_referenced
            .iter()
            .flat_map(|(p, list)| list.iter().map(move |c| (p.as_str(), c.as_str())))
            .chain(
                self.referenced_classes
                    .iter()
                    .map(|(p, c)| (p.as_str(), c.as_str())),
            )
    }
}

/// The key a group's example classes are ordered by: classes with short
/// (obfuscated-looking) simple names last, then by name.
pub fn example_key(class: &str) -> (bool, &str) {
    let simple = class.rsplit(['.', '$']).next().unwrap_or(class);
    (simple.chars().count() < 3, class)
}

/// Classes grouped under one matched prefix in one entry.
#[derive(Default)]
struct CodeGroup {
    count: usize,
    /// Best examples: (unreadable?, name); at most `CODE_EXAMPLES`.
    examples: BTreeSet<(bool, String)>,
}

impl CodeGroup {
    fn add(&mut self, class: &str) {
        self.count += 1;
        let (short, class) = example_key(class);
        let key = (short, class.to_owned());
        if self.examples.len() < CODE_EXAMPLES {
            self.examples.insert(key);
        } else if self.examples.last().is_some_and(|last| key < *last) {
            self.examples.insert(key);
            self.examples.pop_last();
        }
    }

    fn detail(&self, prefix: &str) -> String {
        let ex: Vec<&str> = self.examples.iter().map(|(_, n)| n.as_str()).collect();
        match (self.count, ex.as_slice()) {
            (1, [only]) => (*only).to_owned(),
            (n, _) => {
                let more = if n > ex.len() { ", …" } else { "" };
                format!("{prefix}.* ({n} classes, e.g. {}{more})", ex.join(", "))
            }
        }
    }
}

/// Everything matched for one SDK.
#[derive(Default)]
struct Hits {
    code: BTreeMap<(String, String), CodeGroup>,
    items: BTreeMap<&'static str, BTreeSet<(String, String)>>,
    raw: usize,
    /// Code classes that are not generated, exception, error or result types.
    substantive: usize,
    /// Evidence of shipped code other than classes (native libraries,
    /// frameworks, embedded bundle ids).
    shipped: bool,
    /// Prefixes the SDK's code was found repackaged under.
    repackaged: BTreeSet<String>,
    /// A manifest component of the SDK is declared (its class not shipped).
    /// Meta-data keys alone are configuration an app may set to switch an
    /// SDK off, so they never declare one.
    declared_component: bool,
}

impl Hits {
    fn item(&mut self, kind: &'static str, path: &str, detail: String) {
        self.raw += 1;
        if matches!(kind, "native" | "framework" | "plist" | "component") {
            self.shipped = true;
        }
        self.items
            .entry(kind)
            .or_default()
            .insert((path.to_owned(), detail));
    }

    fn code(&mut self, path: &str, prefix: &str, class: &str) {
        self.raw += 1;
        if !is_thin_class(class) {
            self.substantive += 1;
        }
        self.code
            .entry((path.to_owned(), prefix.to_owned()))
            .or_default()
            .add(class);
    }

    /// `bundled`, `repackaged`, `declared`, `referenced`, or `None` when the
    /// evidence does not show the SDK (network hits or thin code only).
    fn found(&self) -> Option<&'static str> {
        if !self.repackaged.is_empty() && self.substantive > 0 {
            Some("repackaged")
        } else if self.substantive > 0 || self.shipped {
            Some("bundled")
        } else if self.items.contains_key("code-reference") {
            Some("referenced")
        } else if self.declared_component || self.items.contains_key("declared") {
            Some("declared")
        } else {
            None
        }
    }
}

/// Generated classes (`R`, `R$id`, `BuildConfig`, `Manifest`) and
/// exception, error and result types: libraries ship these for one another,
/// so alone they never show an SDK. Accepts dotted names and `L…;`
/// descriptors, and Objective-C names (never thin).
pub(crate) fn is_thin_class(class: &str) -> bool {
    let c = class.trim().trim_end_matches(';');
    let simple = c.rsplit(['.', '/']).next().unwrap_or(c);
    let outer = simple.split('$').next().unwrap_or(simple);
    matches!(outer, "R" | "BuildConfig" | "Manifest")
        || ["Exception", "Error", "Result"]
            .iter()
            .any(|s| outer.ends_with(s))
}

/// Whether `class` lies in the app's own namespace as far as an SDK package
/// `sdk_prefix` goes: under the app id, and the SDK's package is not deeper
/// than the app id (a vendor's demo app `com.vendor.demo` is not the
/// vendor's `com.vendor` SDK; `com.vendor.sdk` inside app `com.vendor` is).
pub(crate) fn in_app_namespace(app_id: Option<&str>, class: &str, sdk_prefix: &str) -> bool {
    let Some(app) = app_id.map(str::trim).filter(|a| !a.is_empty()) else {
        return false;
    };
    under(class, app) && sdk_prefix.len() <= app.len()
}

/// `class` equals `prefix` or lies under it at a segment boundary.
pub(crate) fn under(class: &str, prefix: &str) -> bool {
    class
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Whether `class`, relative to the SDK package `prefix`, is one of SDK
/// `idx`'s distinctive classes.
fn is_distinctive(db: &Database, idx: usize, prefix: &str, class: &str) -> bool {
    let listed = db
        .sdks
        .get(idx)
        .map_or(&[][..], |s| &s.distinctive_classes[..]);
    normalize_class(class)
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('.'))
        .is_some_and(|rel| listed.iter().any(|d| d == rel))
}

/// SDKs whose classes in the app's own namespace count as theirs: those
/// classes include one of the SDK's distinctive classes (a library's own
/// test app, a vendor app that bundles its SDK under the app id).
pub(crate) fn app_namespace_sdks<'a>(
    db: &Database,
    app_id: Option<&str>,
    classes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for (_, class) in classes {
        if let Some((i, prefix)) = db.class_match(class)
            && in_app_namespace(app_id, &normalize_class(class), &prefix)
            && is_distinctive(db, i, &prefix, class)
        {
            out.insert(i);
        }
    }
    out
}

/// Most trailing segments of a class name tried against distinctive names.
const MAX_DISTINCTIVE_DEPTH: usize = 4;

/// Package subtrees that hold an SDK's distinctive classes under a prefix
/// that is not one of its packages: `(prefix, sdk index)`, longest prefix
/// first.
pub(crate) fn repackaged_prefixes<'a>(
    db: &Database,
    classes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, usize)> {
    let mut seen: BTreeMap<(String, usize), BTreeSet<String>> = BTreeMap::new();
    if db.distinctive.is_empty() {
        return Vec::new();
    }
    for (_, class) in classes {
        let name = normalize_class(class);
        let segs: Vec<&str> = name.split('.').collect();
        for k in 1..=MAX_DISTINCTIVE_DEPTH.min(segs.len().saturating_sub(1)) {
            let split = segs.len() - k;
            let suffix = segs[split..].join(".");
            if let Some(&i) = db.distinctive.get(suffix.as_str()) {
                seen.entry((segs[..split].join("."), i))
                    .or_default()
                    .insert(suffix);
            }
        }
    }
    let mut out: Vec<(String, usize)> = seen
        .into_iter()
        .filter(|((prefix, i), names)| {
            let listed = db.sdks.get(*i).map_or(0, |s| s.distinctive_classes.len());
            let own = db
                .class_match(&format!("{prefix}.X"))
                .is_some_and(|(j, p)| j == *i && p == *prefix);
            names.len() >= listed.clamp(1, 2) && !own
        })
        .map(|(k, _)| k)
        .collect();
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
    out
}

/// The SDK and matched prefix of a class: a repackaged prefix or a package
/// of the database, whichever is longer.
pub(crate) fn code_owner(
    db: &Database,
    repackaged: &[(String, usize)],
    class: &str,
) -> Option<(usize, String, bool)> {
    let name = normalize_class(class);
    let re = repackaged
        .iter()
        .find(|(p, _)| under(&name, p))
        .map(|(p, i)| (*i, p.clone(), true));
    let pkg = db.class_match(&name).map(|(i, p)| (i, p, false));
    match (re, pkg) {
        (Some(r), Some(p)) if p.1.len() > r.1.len() => Some(p),
        (Some(r), _) => Some(r),
        (None, p) => p,
    }
}

/// Detects SDKs in `facts`. Result sorted by SDK id; evidence sorted by
/// kind, path and detail and capped per kind.
pub fn match_sdks(db: &Database, facts: &AppFacts) -> Vec<Sdk> {
    let mut hits: BTreeMap<usize, Hits> = BTreeMap::new();
    bundled_class_hits(db, facts, &mut hits);
    referenced_class_hits(db, facts, &mut hits);
    component_hits(db, facts, &mut hits);
    meta_data_and_native_hits(db, facts, &mut hits);
    apple_hits(db, facts, &mut hits);
    host_hits(db, facts, &mut hits);
    let mut out: Vec<Sdk> = hits
        .into_iter()
        .filter_map(|(i, h)| {
            let found = h.found()?;
            build_sdk(db, i, h, found)
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Bundled classes under an SDK's packages (or a repackaged copy of them).
fn bundled_class_hits(db: &Database, facts: &AppFacts, hits: &mut BTreeMap<usize, Hits>) {
    let app_id = facts.app_id.as_deref();
    let repackaged = repackaged_prefixes(db, facts.all_classes());
    // Classes in the app's namespace, per SDK: counted only when one of them
    // is a distinctive class of that SDK.
    let mut app_ns: BTreeMap<usize, Vec<(&str, String, &str)>> = BTreeMap::new();
    for (path, class) in facts.all_classes() {
        let Some((i, prefix, re)) = code_owner(db, &repackaged, class) else {
            continue;
        };
        if re {
            let h = hits.entry(i).or_default();
            h.repackaged.insert(prefix.clone());
            h.code(path, &prefix, class);
        } else if in_app_namespace(app_id, &normalize_class(class), &prefix) {
            app_ns.entry(i).or_default().push((path, prefix, class));
        } else {
            hits.entry(i).or_default().code(path, &prefix, class);
        }
    }
    for (i, classes) in app_ns {
        if classes
            .iter()
            .any(|(_, prefix, class)| is_distinctive(db, i, prefix, class))
        {
            for (path, prefix, class) in classes {
                hits.entry(i).or_default().code(path, &prefix, class);
            }
        }
    }
}

/// Classes referenced but not bundled: evidence for SDKs without code.
fn referenced_class_hits(db: &Database, facts: &AppFacts, hits: &mut BTreeMap<usize, Hits>) {
    let mut referenced: BTreeMap<usize, BTreeMap<(String, String), usize>> = BTreeMap::new();
    for (path, class) in facts.all_referenced() {
        if let Some((i, prefix)) = db.class_match(class)
            && hits.get(&i).is_none_or(|h| h.substantive == 0)
        {
            *referenced
                .entry(i)
                .or_default()
                .entry((path.to_string(), prefix))
                .or_default() += 1;
        }
    }
    for (i, groups) in referenced {
        for ((path, prefix), n) in groups {
            hits.entry(i).or_default().item(
                "code-reference",
                &path,
                format!("{prefix}.* ({n} types referenced by the app's code, not bundled)"),
            );
        }
    }
}

/// A component whose class ships in the code is code evidence (R8 keeps
/// component names); the app's own components are not an SDK's.
fn component_hits(db: &Database, facts: &AppFacts, hits: &mut BTreeMap<usize, Hits>) {
    let app_id = facts.app_id.as_deref();
    // Inserted one by one: the set grows with the distinct classes, not
    // with the (entry, class) pairs.
    let mut defined: HashSet<&str> = HashSet::new();
    for (_, c) in facts.all_classes() {
        defined.insert(c);
    }
    for (path, comp) in &facts.components {
        let name = comp.trim();
        let found = match db.components.lookup(name) {
            Some(i) => Some((i, None)),
            None => db.class_match(name).map(|(i, p)| (i, Some(p))),
        };
        let Some((i, prefix)) = found else {
            continue;
        };
        if in_app_namespace(app_id, name, prefix.as_deref().unwrap_or(name)) {
            continue;
        }
        let h = hits.entry(i).or_default();
        if defined.contains(name) {
            h.item(
                "component",
                path,
                format!("component {name} (class bundled)"),
            );
        } else {
            h.item("manifest", path, format!("component {name}"));
            h.declared_component = true;
        }
    }
}

/// Manifest meta-data keys and native library file names.
fn meta_data_and_native_hits(db: &Database, facts: &AppFacts, hits: &mut BTreeMap<usize, Hits>) {
    for (path, key) in &facts.meta_data_keys {
        if let Some(i) = db.meta_data.lookup(key.trim()) {
            hits.entry(i)
                .or_default()
                .item("manifest", path, format!("meta-data {}", key.trim()));
        }
    }
    for path in &facts.native_libs {
        let name = path.rsplit('/').next().unwrap_or(path);
        if let Some(i) = db.native_libs.lookup(name) {
            hits.entry(i)
                .or_default()
                .item("native", path, name.to_owned());
        }
    }
}

/// iOS frameworks, bundle ids and Objective-C classes.
fn apple_hits(db: &Database, facts: &AppFacts, hits: &mut BTreeMap<usize, Hits>) {
    for (path, name) in &facts.frameworks {
        if let Some(&i) = db.frameworks.get(framework_base(name)) {
            hits.entry(i)
                .or_default()
                .item("framework", path, name.clone());
        }
    }
    for (path, id) in &facts.bundle_ids {
        if let Some((i, _)) = db.bundle_ids.longest(id.trim()) {
            hits.entry(i)
                .or_default()
                .item("plist", path, id.trim().to_owned());
        }
    }
    for (path, class) in &facts.objc_classes {
        if let Some((i, prefix)) = db.objc_match(class) {
            let prefix = prefix.to_owned();
            hits.entry(i).or_default().code(path, &prefix, class);
        }
    }
}

/// Hosts in the app: evidence only for an SDK already found otherwise.
fn host_hits(db: &Database, facts: &AppFacts, hits: &mut BTreeMap<usize, Hits>) {
    for (path, host) in &facts.hosts {
        if let Some((Some(i), _)) = db.host_match(host)
            && let Some(h) = hits.get_mut(&i)
        {
            h.item("network", path, host.trim().to_ascii_lowercase());
        }
    }
}

fn build_sdk(db: &Database, idx: usize, h: Hits, found: &str) -> Option<Sdk> {
    let entry = db.sdks.get(idx)?;
    let mut evidence = Vec::new();
    let mut code: Vec<Evidence> = h
        .code
        .iter()
        .map(|((path, prefix), g)| Evidence {
            kind: if h.repackaged.contains(prefix) {
                "repackaged-code".into()
            } else {
                "code".into()
            },
            path: path.clone(),
            detail: g.detail(prefix),
            ..Evidence::default()
        })
        .collect();
    code.truncate(MAX_EVIDENCE_PER_KIND);
    evidence.extend(code);
    for (kind, items) in &h.items {
        evidence.extend(
            items
                .iter()
                .take(MAX_EVIDENCE_PER_KIND)
                .map(|(path, detail)| Evidence {
                    kind: (*kind).into(),
                    path: path.clone(),
                    detail: detail.clone(),
                    ..Evidence::default()
                }),
        );
    }
    evidence.sort();
    Some(Sdk {
        id: entry.id.to_string(),
        name: entry.name.to_string(),
        categories: entry.categories.iter().map(|c| c.to_string()).collect(),
        owner: db.owner_model(entry.owner),
        website: entry.website.as_ref().map(|w| w.to_string()),
        tracker: entry.tracker,
        found: found.to_string(),
        repackaged_under: h.repackaged.into_iter().collect(),
        evidence,
        evidence_count: h.raw,
    })
}
