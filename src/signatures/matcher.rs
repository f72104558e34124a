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

use std::collections::{BTreeMap, BTreeSet};

use super::db::{Database, framework_base};
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
        let simple = class.rsplit(['.', '$']).next().unwrap_or(class);
        let key = (simple.chars().count() < 3, class.to_owned());
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
    non_network: bool,
}

impl Hits {
    fn item(&mut self, kind: &'static str, path: &str, detail: String) {
        self.raw += 1;
        if kind != "network" {
            self.non_network = true;
        }
        self.items
            .entry(kind)
            .or_default()
            .insert((path.to_owned(), detail));
    }

    fn code(&mut self, path: &str, prefix: &str, class: &str) {
        self.raw += 1;
        self.non_network = true;
        self.code
            .entry((path.to_owned(), prefix.to_owned()))
            .or_default()
            .add(class);
    }
}

/// Detects SDKs in `facts`. Result sorted by SDK id; evidence sorted by
/// kind, path and detail and capped per kind.
pub fn match_sdks(db: &Database, facts: &AppFacts) -> Vec<Sdk> {
    let mut hits: BTreeMap<usize, Hits> = BTreeMap::new();

    for (path, class) in &facts.classes {
        if let Some((i, prefix)) = db.class_match(class) {
            hits.entry(i).or_default().code(path, &prefix, class);
        }
    }
    // Classes referenced but not bundled count only for SDKs without code.
    let mut referenced: BTreeMap<usize, BTreeMap<(String, String), usize>> = BTreeMap::new();
    for (path, class) in &facts.referenced_classes {
        if let Some((i, prefix)) = db.class_match(class)
            && !hits.contains_key(&i)
        {
            *referenced
                .entry(i)
                .or_default()
                .entry((path.clone(), prefix))
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
    for (path, comp) in &facts.components {
        let name = comp.trim();
        let found = db
            .components
            .lookup(name)
            .or_else(|| db.class_match(name).map(|(i, _)| i));
        if let Some(i) = found {
            hits.entry(i)
                .or_default()
                .item("manifest", path, format!("component {name}"));
        }
    }
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
    for (path, host) in &facts.hosts {
        if let Some((Some(i), _)) = db.host_match(host) {
            hits.entry(i)
                .or_default()
                .item("network", path, host.trim().to_ascii_lowercase());
        }
    }

    let mut out: Vec<Sdk> = hits
        .into_iter()
        .filter(|(_, h)| h.non_network)
        .filter_map(|(i, h)| build_sdk(db, i, h))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn build_sdk(db: &Database, idx: usize, h: Hits) -> Option<Sdk> {
    let entry = db.sdks.get(idx)?;
    let mut evidence = Vec::new();
    let mut code: Vec<Evidence> = h
        .code
        .iter()
        .map(|((path, prefix), g)| Evidence {
            kind: "code".into(),
            path: path.clone(),
            detail: g.detail(prefix),
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
                }),
        );
    }
    evidence.sort();
    Some(Sdk {
        id: entry.id.clone(),
        name: entry.name.clone(),
        categories: entry.categories.clone(),
        owner: db.owner_model(entry.owner),
        website: entry.website.clone(),
        evidence,
        evidence_count: h.raw,
    })
}
