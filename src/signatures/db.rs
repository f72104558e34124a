//! Loading, validating and compiling the signature database
//! (`data/signatures/`, described in its `README.md`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};

use super::Map;
use super::raw::{self, Parsed, RawOwner, RawSchema, RawSdk, RawValidation};
use super::text::{Key, Text};
use super::trie::DottedTrie;
use crate::glob::Glob;
use crate::report::model::Owner;

type Set<K> = HashSet<K, foldhash::fast::RandomState>;

/// A compiled SDK record.
#[derive(Debug, Clone)]
pub(crate) struct SdkEntry {
    pub id: Key,
    pub name: Key,
    pub categories: Vec<Key>,
    pub tracker: bool,
    pub owner: usize,
    pub website: Option<Key>,
    pub distinctive_classes: Vec<Key>,
}

/// A compiled owner record.
#[derive(Debug, Clone)]
pub(crate) struct OwnerEntry {
    pub name: Key,
    pub country: Option<Key>,
    pub state_owned: Option<bool>,
    pub parent: Option<usize>,
}

/// Exact names plus `*` patterns, each mapping to an SDK index.
#[derive(Debug, Default)]
pub(crate) struct NameSet {
    exact: Map<Key, usize>,
    globs: Vec<(Glob, usize)>,
}

impl NameSet {
    fn insert<S: Text>(&mut self, pattern: &S, sdk: usize) -> Option<usize> {
        if Glob::is_glob(pattern.as_ref()) {
            self.globs.push((Glob::new(pattern.as_ref()), sdk));
            None
        } else {
            first_wins(&mut self.exact, pattern, sdk)
        }
    }

    /// Exact match first, then the glob with the most literal characters.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.exact.get(name) {
            return Some(i);
        }
        self.globs
            .iter()
            .filter(|(g, _)| g.matches(name))
            .max_by_key(|(g, i)| (g.literal_len(), std::cmp::Reverse(*i)))
            .map(|(_, i)| *i)
    }

    fn len(&self) -> usize {
        self.exact.len() + self.globs.len()
    }
}

/// The signature database, compiled into lookup structures.
#[derive(Debug, Default)]
pub struct Database {
    version: String,
    pub(crate) sdks: Vec<SdkEntry>,
    pub(crate) owners: Vec<OwnerEntry>,
    sdk_by_id: Map<Key, usize>,
    owner_keys: Map<Key, usize>,
    pub(crate) packages: DottedTrie,
    pub(crate) bundle_ids: DottedTrie,
    pub(crate) components: NameSet,
    pub(crate) meta_data: NameSet,
    pub(crate) native_libs: NameSet,
    pub(crate) frameworks: Map<Key, usize>,
    pub(crate) objc_prefixes: Map<Key, usize>,
    objc_max_len: usize,
    sdk_domains: Map<Key, usize>,
    owner_domains: Map<Key, usize>,
    pub(crate) distinctive: Map<Key, usize>,
    errors: Vec<String>,
    /// Whether compiling checks each rule (see [`Database::compile_trusted`]).
    validate: bool,
}

/// Most distinctive class names one SDK may list.
const MAX_DISTINCTIVE_CLASSES: usize = 64;

/// Maximum walk up an owner's parent chain (guards against cycles).
const MAX_PARENT_DEPTH: usize = 16;

impl Database {
    /// Parses, validates and compiles database files. `files` are
    /// `(path relative to data/signatures, contents)` in the fixed hashing
    /// order: `VERSION`, `schema.toml`, `owners.toml`, then `sdks/*.toml`.
    /// Returns the database and every validation problem found (an empty list
    /// means the data is clean); rules that fail validation are skipped.
    pub fn load(files: &[(&str, &str)]) -> Database {
        Database::compile(raw::parse(files))
    }

    /// Validates and compiles parsed database files (see [`raw::parse`]).
    pub fn compile(parsed: Parsed) -> Database {
        Database::compile_with(parsed, true)
    }

    /// Compiles the built-in files parsed by `build.rs` without checking
    /// each rule: the same files are validated by the tests (loaded as text
    /// with [`Database::load`]), and their embedded form drops what only the
    /// checks read (sources, notes; see [`raw::strip_for_embedding`]). For
    /// valid data the lookup structures are the same as [`Database::compile`]'s.
    pub fn compile_trusted(parsed: Parsed<&'static str>) -> Database {
        Database::compile_with(parsed, false)
    }

    fn compile_with<S: Text>(parsed: Parsed<S>, validate: bool) -> Database {
        let mut db = Database {
            validate,
            ..Database::default()
        };
        db.reserve(&parsed);
        db.version = parsed.version.into_string();
        db.errors = parsed.errors.into_iter().map(Text::into_string).collect();
        db.compile_owners(&parsed.owners);
        let rules = PrefixRules::new(&parsed.schema.validation, validate);
        for (path, sdk) in parsed.sdks {
            db.compile_sdk(path.as_ref(), sdk, &parsed.schema, &rules);
        }
        db.objc_max_len = db.objc_prefixes.keys().map(|k| k.len()).max().unwrap_or(0);
        db
    }

    /// Room in every map for the rules `parsed` lists (growing them one
    /// rehash at a time costs more than the inserts).
    fn reserve<S: Text>(&mut self, parsed: &Parsed<S>) {
        let count = |rules: fn(&RawSdk<S>) -> usize| -> usize {
            parsed.sdks.iter().map(|(_, s)| rules(s)).sum()
        };
        self.sdks.reserve(parsed.sdks.len());
        self.sdk_by_id.reserve(parsed.sdks.len());
        self.owners.reserve(parsed.owners.len());
        self.owner_keys.reserve(parsed.owners.len());
        self.owner_domains
            .reserve(parsed.owners.values().map(|o| o.domains.len()).sum());
        self.packages.reserve(count(|s| s.packages.len()));
        self.bundle_ids.reserve(count(|s| s.ios_bundle_ids.len()));
        self.components.exact.reserve(count(|s| s.components.len()));
        self.meta_data.exact.reserve(count(|s| s.meta_data.len()));
        self.native_libs
            .exact
            .reserve(count(|s| s.native_libs.len()));
        self.frameworks.reserve(count(|s| s.ios_frameworks.len()));
        self.objc_prefixes.reserve(count(|s| s.objc_prefixes.len()));
        self.sdk_domains.reserve(count(|s| s.domains.len()));
        self.distinctive
            .reserve(count(|s| s.distinctive_classes.len()));
    }

    fn compile_owners<S: Text>(&mut self, raw: &BTreeMap<S, RawOwner<S>>) {
        let keys: Map<&str, usize> = raw
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_ref(), i))
            .collect();
        for (key, o) in raw {
            if !self.validate {
                self.owners.push(OwnerEntry {
                    name: o.name.key(),
                    country: o.country.as_ref().map(Text::key),
                    state_owned: o.state_owned,
                    parent: o
                        .parent
                        .as_ref()
                        .and_then(|p| keys.get(p.as_ref()).copied()),
                });
                let idx = self.owners.len().saturating_sub(1);
                for d in &o.domains {
                    first_wins(&mut self.owner_domains, d, idx);
                }
                continue;
            }
            if o.name.as_ref().trim().is_empty() {
                self.errors.push(format!("owner {key}: empty name"));
            }
            if o.sources.is_empty() {
                self.errors.push(format!("owner {key}: no sources"));
            }
            if let Some(c) = o.country.as_ref().map(|c| c.as_ref())
                && (c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                self.errors.push(format!(
                    "owner {key}: country {c:?} is not ISO 3166 alpha-2"
                ));
            }
            let parent = match &o.parent {
                Some(p) => match keys.get(p.as_ref()) {
                    Some(&i) => Some(i),
                    None => {
                        self.errors
                            .push(format!("owner {key}: unknown parent {p:?}"));
                        None
                    }
                },
                None => None,
            };
            let idx = self.owners.len();
            self.owners.push(OwnerEntry {
                name: o.name.key(),
                country: o.country.as_ref().map(Text::key),
                state_owned: o.state_owned,
                parent,
            });
            for d in &o.domains {
                if let Err(e) = check_domain(d.as_ref()) {
                    self.errors.push(format!("owner {key}: domain {d:?}: {e}"));
                } else if first_wins(&mut self.owner_domains, d, idx).is_some() {
                    self.errors
                        .push(format!("owner {key}: domain {d:?} listed by two owners"));
                }
            }
        }
        // Parent chains must end (no cycles).
        for (i, key) in raw.keys().enumerate().filter(|_| self.validate) {
            let mut cur = self.owners.get(i).and_then(|o| o.parent);
            let mut steps = 0;
            while let Some(p) = cur {
                steps += 1;
                if steps > MAX_PARENT_DEPTH {
                    self.errors.push(format!("owner {key}: parent chain loops"));
                    break;
                }
                cur = self.owners.get(p).and_then(|o| o.parent);
            }
        }
        self.owner_keys
            .extend(raw.keys().enumerate().map(|(i, k)| (k.key(), i)));
    }

    fn compile_sdk<S: Text>(
        &mut self,
        path: &str,
        s: RawSdk<S>,
        schema: &RawSchema<S>,
        rules: &PrefixRules,
    ) {
        let mut problems = if self.validate {
            sdk_field_problems(&s, schema)
        } else {
            Vec::new()
        };
        let owner = self.owner_keys.get(s.owner.as_ref()).copied();
        if owner.is_none() {
            problems.push(format!("unknown owner {:?}", s.owner));
        }
        let rule_count = s.packages.len()
            + s.components.len()
            + s.meta_data.len()
            + s.native_libs.len()
            + s.ios_frameworks.len()
            + s.ios_bundle_ids.len()
            + s.objc_prefixes.len()
            + s.domains.len();
        if rule_count == 0 && self.validate {
            problems.push("no rules".into());
        }
        if self.sdk_by_id.contains_key(s.id.as_ref()) {
            problems.push("duplicate id".into());
        }
        let Some(owner) = owner.filter(|_| !self.sdk_by_id.contains_key(s.id.as_ref())) else {
            for p in problems {
                self.errors
                    .push(format!("{path}: sdk {}: {p}", s.id.as_ref()));
            }
            return;
        };
        let idx = self.sdks.len();
        self.index_android_rules(&s, idx, rules, &mut problems);
        self.index_ios_rules(&s, idx, rules, &mut problems);
        self.index_domains_and_classes(&s, idx, &mut problems);
        for p in problems {
            self.errors
                .push(format!("{path}: sdk {}: {p}", s.id.as_ref()));
        }
        self.sdk_by_id.insert(s.id.key(), idx);
        let keys = |v: &[S]| v.iter().map(Text::key).collect();
        self.sdks.push(SdkEntry {
            id: s.id.key(),
            name: s.name.key(),
            categories: keys(&s.categories),
            tracker: s.tracker.unwrap_or(false),
            owner,
            website: s.website.as_ref().map(Text::key),
            distinctive_classes: keys(&s.distinctive_classes),
        });
    }

    /// Indexes the SDK's Android rules (packages, components, meta-data
    /// keys, native libraries) under `idx`; each bad or taken rule is a problem.
    fn index_android_rules<S: Text>(
        &mut self,
        s: &RawSdk<S>,
        idx: usize,
        rules: &PrefixRules,
        problems: &mut Vec<String>,
    ) {
        for p in &s.packages {
            match rules.check(p) {
                Err(e) => problems.push(format!("package {p:?}: {e}")),
                Ok(()) => {
                    if let Some(old) = self.packages.insert(p, idx)
                        && old != idx
                    {
                        problems.push(format!("package {p:?} already belongs to {}", self.id(old)));
                    }
                }
            }
        }
        for c in &s.components {
            if let Err(e) = checked(self.validate, || check_class_like(c)) {
                problems.push(format!("component {c:?}: {e}"));
            } else if let Some(old) = self.components.insert(c, idx)
                && old != idx
            {
                problems.push(format!(
                    "component {c:?} already belongs to {}",
                    self.id(old)
                ));
            }
        }
        for m in &s.meta_data {
            if m.trim().len() < 4 {
                problems.push(format!("meta-data key {m:?} is too short"));
            } else if let Some(old) = self.meta_data.insert(m, idx)
                && old != idx
            {
                problems.push(format!(
                    "meta-data key {m:?} already belongs to {}",
                    self.id(old)
                ));
            }
        }
        for n in &s.native_libs {
            if !n.starts_with("lib") || !n.ends_with(".so") || n.contains('/') || n.len() < 7 {
                problems.push(format!("native lib {n:?} must look like lib<name>.so"));
            } else if let Some(old) = self.native_libs.insert(n, idx)
                && old != idx
            {
                problems.push(format!(
                    "native lib {n:?} already belongs to {}",
                    self.id(old)
                ));
            }
        }
    }

    /// Indexes the SDK's iOS rules (frameworks, bundle ids, Objective-C
    /// prefixes) under `idx`.
    fn index_ios_rules<S: Text>(
        &mut self,
        s: &RawSdk<S>,
        idx: usize,
        rules: &PrefixRules,
        problems: &mut Vec<String>,
    ) {
        for f in &s.ios_frameworks {
            if f.len() < 3 || f.contains('/') || f.contains('.') {
                problems.push(format!("framework {f:?}: give the bare name, ≥ 3 chars"));
            } else if let Some(old) = first_wins(&mut self.frameworks, f, idx)
                && old != idx
            {
                problems.push(format!(
                    "framework {f:?} already belongs to {}",
                    self.id(old)
                ));
            }
        }
        for b in &s.ios_bundle_ids {
            match rules.check(b) {
                Err(e) => problems.push(format!("bundle id {b:?}: {e}")),
                Ok(()) => {
                    if let Some(old) = self.bundle_ids.insert(b, idx)
                        && old != idx
                    {
                        problems.push(format!(
                            "bundle id {b:?} already belongs to {}",
                            self.id(old)
                        ));
                    }
                }
            }
        }
        for o in &s.objc_prefixes {
            if o.len() < 3 || !o.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                problems.push(format!("objc prefix {o:?}: ≥ 3 alphanumeric chars"));
            } else if let Some(old) = first_wins(&mut self.objc_prefixes, o, idx)
                && old != idx
            {
                problems.push(format!(
                    "objc prefix {o:?} already belongs to {}",
                    self.id(old)
                ));
            }
        }
    }

    /// Indexes the SDK's domains and distinctive classes under `idx`.
    fn index_domains_and_classes<S: Text>(
        &mut self,
        s: &RawSdk<S>,
        idx: usize,
        problems: &mut Vec<String>,
    ) {
        for d in &s.domains {
            if let Err(e) = checked(self.validate, || check_domain(d)) {
                problems.push(format!("domain {d:?}: {e}"));
            } else if let Some(old) = first_wins(&mut self.sdk_domains, d, idx)
                && old != idx
            {
                problems.push(format!("domain {d:?} already belongs to {}", self.id(old)));
            }
        }
        if !s.distinctive_classes.is_empty() && s.packages.is_empty() {
            problems.push("distinctive_classes need packages".into());
        }
        if s.distinctive_classes.len() > MAX_DISTINCTIVE_CLASSES {
            problems.push(format!(
                "more than {MAX_DISTINCTIVE_CLASSES} distinctive_classes"
            ));
        }
        for c in &s.distinctive_classes {
            if let Err(e) = checked(self.validate, || check_distinctive_class(c)) {
                problems.push(format!("distinctive class {c:?}: {e}"));
            } else if let Some(old) = first_wins(&mut self.distinctive, c, idx)
                && old != idx
            {
                problems.push(format!(
                    "distinctive class {c:?} already belongs to {}",
                    self.id(old)
                ));
            }
        }
    }

    fn id(&self, idx: usize) -> &str {
        self.sdks.get(idx).map_or("?", |s| s.id.as_ref())
    }

    /// Database version (`data/signatures/VERSION`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of SDKs.
    pub fn sdk_count(&self) -> usize {
        self.sdks.len()
    }

    /// Number of owners (organisations).
    pub fn owner_count(&self) -> usize {
        self.owners.len()
    }

    /// Validation problems found while loading (empty for clean data).
    pub fn load_errors(&self) -> &[String] {
        &self.errors
    }

    /// All SDK ids, in database order.
    pub fn sdk_ids(&self) -> impl Iterator<Item = &str> {
        self.sdks.iter().map(|s| s.id.as_ref())
    }

    /// The ids of the SDKs flagged `tracker = true`.
    pub fn tracker_ids(&self) -> std::collections::BTreeSet<String> {
        self.sdks
            .iter()
            .filter(|s| s.tracker)
            .map(|s| s.id.to_string())
            .collect()
    }

    /// Whether the SDK `id` is a tracker (`tracker = true` in the data).
    pub fn is_tracker(&self, id: &str) -> Option<bool> {
        Some(self.sdks.get(self.sdk_index(id)?)?.tracker)
    }

    /// Categories of the SDK `id`.
    pub fn categories(&self, id: &str) -> Option<&[Cow<'static, str>]> {
        Some(self.sdks.get(self.sdk_index(id)?)?.categories.as_slice())
    }

    /// Distinctive class names of the SDK `id`, relative to its package
    /// prefixes (empty when none are listed or the id is unknown).
    pub fn distinctive_classes(&self, id: &str) -> &[Cow<'static, str>] {
        self.sdk_index(id)
            .and_then(|i| self.sdks.get(i))
            .map_or(&[], |s| s.distinctive_classes.as_slice())
    }

    pub(crate) fn sdk_index(&self, id: &str) -> Option<usize> {
        self.sdk_by_id.get(id).copied()
    }

    /// SDK whose package prefix is the longest one matching `dotted_class`
    /// at a segment boundary. Accepts `Lcom/x/Y;` descriptors too; inner
    /// classes (`A$B`) match through their outer class.
    pub fn sdk_for_class(&self, dotted_class: &str) -> Option<&str> {
        self.class_match(dotted_class)
            .and_then(|(i, _)| self.sdks.get(i))
            .map(|s| s.id.as_ref())
    }

    /// `(sdk index, matched prefix)` for a class name.
    pub(crate) fn class_match(&self, class: &str) -> Option<(usize, String)> {
        let name = normalize_class(class);
        let (idx, len) = self.packages.longest(&name)?;
        Some((idx, name.get(..len).unwrap_or(&name).to_owned()))
    }

    /// SDK owning a native library, by file name or entry path
    /// (`lib/arm64-v8a/libBugly.so`).
    pub fn sdk_for_native_lib(&self, path_or_name: &str) -> Option<&str> {
        let name = path_or_name.rsplit('/').next().unwrap_or(path_or_name);
        self.native_libs
            .lookup(name)
            .and_then(|i| self.sdks.get(i))
            .map(|s| s.id.as_ref())
    }

    /// SDK owning an iOS framework or resource bundle, by name
    /// (`FBSDKCoreKit`, `FBSDKCoreKit.framework`, `TYRZResource.bundle`).
    pub fn sdk_for_framework(&self, name: &str) -> Option<&str> {
        self.frameworks
            .get(framework_base(name))
            .and_then(|&i| self.sdks.get(i))
            .map(|s| s.id.as_ref())
    }

    /// SDK whose Objective-C class prefix starts `class` (followed by an
    /// upper-case letter, digit or `_`, or the end), longest prefix first.
    pub(crate) fn objc_match<'a>(&self, class: &'a str) -> Option<(usize, &'a str)> {
        let max = self.objc_max_len.min(class.len());
        for len in (3..=max).rev() {
            let Some(prefix) = class.get(..len) else {
                continue;
            };
            let Some(&idx) = self.objc_prefixes.get(prefix) else {
                continue;
            };
            let next = class.as_bytes().get(len);
            if next.is_none_or(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_') {
                return Some((idx, prefix));
            }
        }
        None
    }

    /// Owner (and SDK, when an SDK lists the domain) of a host name: the
    /// longest listed domain that equals `host` or is a dot-suffix of it.
    /// On equal length an SDK domain wins over an owner-only domain.
    pub fn owner_for_host(&self, host: &str) -> Option<(Option<&str>, Owner)> {
        let (sdk, owner) = self.host_match(host)?;
        Some((
            sdk.and_then(|i| self.sdks.get(i)).map(|s| s.id.as_ref()),
            self.owner_model(owner)?,
        ))
    }

    /// Whether a domain rule ties `host` to an SDK (the hosts that are SDK
    /// evidence).
    pub fn is_sdk_host(&self, host: &str) -> bool {
        matches!(self.host_match(host), Some((Some(_), _)))
    }

    /// `(sdk index, owner index)` for a host.
    pub(crate) fn host_match(&self, host: &str) -> Option<(Option<usize>, usize)> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let mut rest = host.as_str();
        loop {
            if let Some(&i) = self.sdk_domains.get(rest) {
                let owner = self.sdks.get(i)?.owner;
                return Some((Some(i), owner));
            }
            if let Some(&o) = self.owner_domains.get(rest) {
                return Some((None, o));
            }
            match rest.find('.') {
                Some(dot) => rest = rest.get(dot + 1..)?,
                None => return None,
            }
        }
    }

    /// Owner of an SDK, for the report.
    pub fn owner_of_sdk(&self, sdk_id: &str) -> Option<Owner> {
        let s = self.sdks.get(self.sdk_index(sdk_id)?)?;
        self.owner_model(s.owner)
    }

    pub(crate) fn owner_model(&self, idx: usize) -> Option<Owner> {
        let o = self.owners.get(idx)?;
        Some(Owner {
            name: o.name.to_string(),
            country: o.country.as_ref().map(|c| c.to_string()),
            state_owned: o.state_owned,
            parent: o
                .parent
                .and_then(|p| self.owners.get(p))
                .map(|p| p.name.to_string()),
        })
    }

    /// Sizes of the compiled matchers, for diagnostics and tests.
    pub fn rule_counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("packages", self.packages.len()),
            ("components", self.components.len()),
            ("meta_data", self.meta_data.len()),
            ("native_libs", self.native_libs.len()),
            ("ios_frameworks", self.frameworks.len()),
            ("ios_bundle_ids", self.bundle_ids.len()),
            ("objc_prefixes", self.objc_prefixes.len()),
            ("domains", self.sdk_domains.len() + self.owner_domains.len()),
        ])
    }
}

/// Problems with an SDK's own fields: id, name, categories, tracker flag
/// against the schema's `[tracker]` rules, and source.
fn sdk_field_problems<S: Text>(s: &RawSdk<S>, schema: &RawSchema<S>) -> Vec<String> {
    let categories = &schema.categories;
    let mut problems: Vec<String> = Vec::new();
    let mut err = |m: String| problems.push(m);
    if s.id.is_empty()
        || !s
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        err("id must be non-empty [a-z0-9-]".into());
    }
    if s.name.trim().is_empty() {
        err("empty name".into());
    }
    if s.categories.is_empty() {
        err("no categories".into());
    }
    for c in &s.categories {
        if !categories.contains_key(c) {
            err(format!("unknown category {c:?}"));
        }
    }
    match s.tracker {
        None => err("no tracker flag (tracker = true/false)".into()),
        Some(true) => {
            if !s
                .categories
                .iter()
                .any(|c| schema.tracker.allowed_for.contains(c))
            {
                err("tracker = true without a tracking category ([tracker] allowed_for)".into());
            }
        }
        Some(false) => {
            if let Some(c) = s
                .categories
                .iter()
                .find(|c| schema.tracker.required_for.contains(c))
            {
                err(format!("category {c:?} requires tracker = true"));
            }
        }
    }
    if s.source.is_empty() {
        err("no source".into());
    }
    problems
}

/// Inserts `key` → `value` unless present; returns the value already there.
fn first_wins<S: Text>(map: &mut Map<Key, usize>, key: &S, value: usize) -> Option<usize> {
    match map.get(key.as_ref()) {
        Some(&old) => Some(old),
        None => {
            map.insert(key.key(), value);
            None
        }
    }
}

/// SHA-256 over the files in the given (fixed) order: for each file, its
/// relative path, a NUL byte, its contents, a NUL byte.
pub fn hash_files(files: &[(&str, &str)]) -> String {
    let mut h = Sha256::new();
    for (path, text) in files {
        h.update(path.as_bytes());
        h.update([0u8]);
        h.update(text.as_bytes());
        h.update([0u8]);
    }
    crate::util::hex(&h.finalize())
}

/// `Lcom/x/Y;` → `com.x.Y`; drops inner-class suffixes (`A$B` → `A`).
/// Borrows when the name is already a dotted outer-class name.
pub(crate) fn normalize_class(class: &str) -> std::borrow::Cow<'_, str> {
    let c = class.trim();
    let c = match c.strip_prefix('L').and_then(|x| x.strip_suffix(';')) {
        Some(inner) if inner.contains('/') => inner,
        _ => c,
    };
    let c = c.split('$').next().unwrap_or(c);
    if c.contains('/') {
        std::borrow::Cow::Owned(c.replace('/', "."))
    } else {
        std::borrow::Cow::Borrowed(c)
    }
}

/// `FBSDKCoreKit.framework` → `FBSDKCoreKit`; also `.xcframework`, `.bundle`.
pub(crate) fn framework_base(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    for ext in [".xcframework", ".framework", ".bundle"] {
        if let Some(b) = base.strip_suffix(ext) {
            return b;
        }
    }
    base
}

fn check_class_like(name: &str) -> Result<(), String> {
    let segs: Vec<&str> = name.split('.').collect();
    if segs.len() < 3 {
        return Err("needs at least three segments".into());
    }
    if segs.iter().any(|s| s.is_empty()) {
        return Err("empty segment".into());
    }
    Ok(())
}

/// A distinctive class is a relative dotted class name whose last segment
/// reads as a real name: ≥ 6 characters, starting upper-case
/// (`AuthnHelper`, `SMSSDK`; never an R8 name like `a` or `AB`).
fn check_distinctive_class(c: &str) -> Result<(), &'static str> {
    let segs: Vec<&str> = c.split('.').collect();
    if segs.iter().any(|s| {
        s.is_empty()
            || !s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    }) {
        return Err("segments must be identifiers");
    }
    let last = segs.last().copied().unwrap_or("");
    let outer = last.split('$').next().unwrap_or(last);
    if outer.len() < 6 || !outer.starts_with(|ch: char| ch.is_ascii_uppercase()) {
        return Err("class name must be ≥ 6 chars and start upper-case (not an obfuscated name)");
    }
    if ["BuildConfig", "Manifest"].contains(&outer) {
        return Err("generated classes are not distinctive");
    }
    Ok(())
}

fn check_domain(d: &str) -> Result<(), &'static str> {
    if d.len() < 4 || !d.contains('.') {
        return Err("needs at least one dot");
    }
    if d.starts_with('.') || d.ends_with('.') || d.contains("..") {
        return Err("empty label");
    }
    if !d
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err("only lower-case host names (no scheme, path or wildcard)");
    }
    Ok(())
}

/// A check's result, or `Ok` without running it when compiling trusted data.
fn checked<E>(validate: bool, check: impl FnOnce() -> Result<(), E>) -> Result<(), E> {
    if validate { check() } else { Ok(()) }
}

/// The strings as an owned set.
fn owned<S: Text>(v: &[S]) -> Set<String> {
    v.iter().map(|s| s.as_ref().to_owned()).collect()
}

/// The package-prefix rule (see `data/signatures/README.md`).
struct PrefixRules {
    /// `false` for trusted data: every prefix passes.
    validate: bool,
    too_broad: Set<String>,
    generic: Set<String>,
    roots: Set<String>,
}

impl PrefixRules {
    fn new<S: Text>(v: &RawValidation<S>, validate: bool) -> PrefixRules {
        if !validate {
            return PrefixRules {
                validate,
                too_broad: Set::default(),
                generic: Set::default(),
                roots: Set::default(),
            };
        }
        PrefixRules {
            validate,
            too_broad: owned(&v.too_broad_prefixes),
            generic: owned(&v.generic_segments),
            roots: owned(&v.namespace_roots),
        }
    }

    /// A prefix is made of identifier segments; a single segment must be a
    /// distinctive library root of ≥ 4 characters that is neither a namespace
    /// root nor a generic word (`okhttp3` yes, `com` or `sdk` no); it must not
    /// be one of the shared namespaces (`com.google`, `com.tencent` …); and when
    /// it has exactly two segments under a namespace root (`com`, `org`, `cn`
    /// …) the second must be ≥ 3 characters and not a generic word (`sdk`,
    /// `app`, `android` …).
    fn check(&self, p: &str) -> Result<(), String> {
        if !self.validate {
            return Ok(());
        }
        let segs: Vec<&str> = p.split('.').collect();
        for s in &segs {
            if s.is_empty()
                || !s
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '-')
            {
                return Err(format!("bad segment {s:?}"));
            }
        }
        if let [only] = segs.as_slice() {
            // A lone segment is allowed only for distinctive library roots
            // (okhttp3, retrofit2, butterknife), never for a namespace root.
            if only.chars().count() < 4
                || self.roots.contains(*only)
                || self.generic.contains(*only)
            {
                return Err("single segment must be a distinctive name of ≥ 4 characters".into());
            }
        }
        if self.too_broad.contains(p) {
            return Err("shared namespace, too broad".into());
        }
        if let [first, second] = segs.as_slice()
            && self.roots.contains(*first)
        {
            if second.chars().count() < 3 {
                return Err("second segment shorter than 3 characters".into());
            }
            if self.generic.contains(*second) {
                return Err("generic second segment".into());
            }
        }
        Ok(())
    }
}
