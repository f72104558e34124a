//! The signature files as written (`data/signatures/`), parsed but not yet
//! validated or compiled. Shared with `build.rs`, which parses the built-in
//! files once at build time and embeds them in a compact binary form
//! (postcard), so a run starts without parsing TOML; `--knowledge DIR`
//! parses the folder's files at run time with the same [`parse`]. This file
//! must not use anything from the crate (the build script includes it).
//!
//! The types are generic over their strings: `String` when parsed from
//! text, `&'static str` when decoded from the embedded bytes, which then
//! needs no allocation per string (the compiled maps borrow them too).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One SDK as written in `data/signatures/sdks/*.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSdk<S = String> {
    pub id: S,
    pub name: S,
    pub categories: Vec<S>,
    /// Whether the SDK collects data about users or devices for analytics,
    /// advertising, attribution, profiling or fingerprinting (see README).
    /// Required; `Option` only so a missing flag is reported, not a parse error.
    #[serde(default)]
    pub tracker: Option<bool>,
    pub owner: S,
    #[serde(default)]
    pub website: Option<S>,
    #[serde(default)]
    pub packages: Vec<S>,
    #[serde(default)]
    pub components: Vec<S>,
    #[serde(default)]
    pub meta_data: Vec<S>,
    #[serde(default)]
    pub native_libs: Vec<S>,
    #[serde(default)]
    pub ios_frameworks: Vec<S>,
    #[serde(default)]
    pub ios_bundle_ids: Vec<S>,
    #[serde(default)]
    pub objc_prefixes: Vec<S>,
    #[serde(default)]
    pub domains: Vec<S>,
    /// Class names relative to one of `packages` (`AuthnHelper`,
    /// `auth.AuthnHelper`) that identify the SDK even when its package
    /// prefix was renamed (matched by `matcher`: a package subtree holding
    /// enough of them is the SDK, repackaged).
    #[serde(default)]
    pub distinctive_classes: Vec<S>,
    #[serde(default)]
    pub source: Vec<S>,
    /// Free-text remarks for maintainers; not used at run time.
    #[serde(default)]
    pub notes: Option<S>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSdkFile<S = String> {
    #[serde(default)]
    pub sdk: Vec<RawSdk<S>>,
}

/// One organisation as written in `data/signatures/owners.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOwner<S = String> {
    pub name: S,
    #[serde(default)]
    pub country: Option<S>,
    #[serde(default)]
    pub state_owned: Option<bool>,
    #[serde(default)]
    pub parent: Option<S>,
    #[serde(default)]
    pub domains: Vec<S>,
    #[serde(default)]
    pub sources: Vec<S>,
    /// Free-text remarks for maintainers; not used at run time.
    #[serde(default)]
    pub notes: Option<S>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOwnersFile {
    #[serde(default)]
    pub owner: BTreeMap<String, RawOwner>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawValidation<S = String> {
    #[serde(default)]
    pub too_broad_prefixes: Vec<S>,
    #[serde(default)]
    pub generic_segments: Vec<S>,
    #[serde(default)]
    pub namespace_roots: Vec<S>,
}

/// `[tracker]` in `schema.toml`: which categories make an SDK a tracker.
#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackerRules<S = String> {
    /// An SDK with one of these categories must have `tracker = true`.
    #[serde(default)]
    pub required_for: Vec<S>,
    /// `tracker = true` needs at least one of these categories.
    #[serde(default)]
    pub allowed_for: Vec<S>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(
    deny_unknown_fields,
    bound(deserialize = "S: Deserialize<'de> + Ord + Default")
)]
pub struct RawSchema<S = String> {
    #[serde(default)]
    pub categories: BTreeMap<S, S>,
    #[serde(default)]
    pub tracker: RawTrackerRules<S>,
    #[serde(default)]
    pub validation: RawValidation<S>,
}

/// The parsed signature files: what [`parse`] read, and what it could not.
#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(bound(deserialize = "S: Deserialize<'de> + Ord + Default"))]
pub struct Parsed<S = String> {
    /// `VERSION`, trimmed.
    pub version: S,
    pub schema: RawSchema<S>,
    /// Owners by key, from `owners.toml` and `owners-*.toml`.
    #[serde(deserialize_with = "bulk_map")]
    pub owners: BTreeMap<S, RawOwner<S>>,
    /// SDKs with the file they came from, in file order.
    pub sdks: Vec<(S, RawSdk<S>)>,
    /// Files that do not parse, owners defined twice, an empty `VERSION`.
    pub errors: Vec<S>,
}

/// A map read as its pairs, then built in one go (the embedded form holds
/// it in key order, so this is much cheaper than one insert per key).
fn bulk_map<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    struct Pairs<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> serde::de::Visitor<'de> for Pairs<K, V> {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1 << 16));
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs.into_iter().collect())
        }
    }
    d.deserialize_map(Pairs(std::marker::PhantomData))
}

/// The database's file order (paths relative to `data/signatures/`):
/// VERSION, schema, owners, then SDKs by name. The build script and the
/// knowledge loader both sort with it, so both parse the files alike.
pub fn signature_rank(path: &str) -> u8 {
    match path {
        "VERSION" => 0,
        "schema.toml" => 1,
        "owners.toml" => 2,
        p if p.starts_with("owners") => 3,
        _ => 4,
    }
}

/// Parses database files: `(path relative to data/signatures, contents)` in
/// the database's order (`VERSION`, `schema.toml`, `owners.toml`, then
/// `sdks/*.toml`). A file that does not parse is recorded in `errors`.
pub fn parse(files: &[(&str, &str)]) -> Parsed {
    let mut out = Parsed::default();
    for (path, text) in files {
        if *path == "VERSION" {
            out.version = text.trim().to_owned();
        } else if *path == "schema.toml" {
            match toml::from_str::<RawSchema>(text) {
                Ok(s) => out.schema = s,
                Err(e) => out.errors.push(format!("{path}: {e}")),
            }
        } else if path.starts_with("owners") {
            match toml::from_str::<RawOwnersFile>(text) {
                Ok(o) => {
                    for (k, v) in o.owner {
                        if out.owners.insert(k.clone(), v).is_some() {
                            out.errors.push(format!("{path}: owner {k} defined twice"));
                        }
                    }
                }
                Err(e) => out.errors.push(format!("{path}: {e}")),
            }
        } else {
            match toml::from_str::<RawSdkFile>(text) {
                Ok(f) => out
                    .sdks
                    .extend(f.sdk.into_iter().map(|s| (path.to_string(), s))),
                Err(e) => out.errors.push(format!("{path}: {e}")),
            }
        }
    }
    if out.version.is_empty() {
        out.errors.push("VERSION is missing or empty".into());
    }
    out
}

/// Drops what only maintainers and the load checks read from the form
/// embedded in the binary: the free-text `notes` and the `source` lists
/// (the built-in files are checked as text by the tests, so the embedded
/// form is compiled without checks).
pub fn strip_for_embedding(parsed: &mut Parsed) {
    for o in parsed.owners.values_mut() {
        o.notes = None;
        o.sources = Vec::new();
    }
    for (_, s) in &mut parsed.sdks {
        s.notes = None;
        s.source = Vec::new();
    }
}
