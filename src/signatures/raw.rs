//! The signature files as written (`data/signatures/`), parsed but not yet
//! validated or compiled. Shared with `build.rs`, which parses the built-in
//! files once at build time and embeds them in a compact binary form
//! (postcard), so a run starts without parsing TOML; `--knowledge DIR`
//! parses the folder's files at run time with the same [`parse`]. This file
//! must not use anything from the crate (the build script includes it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One SDK as written in `data/signatures/sdks/*.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSdk {
    pub id: String,
    pub name: String,
    pub categories: Vec<String>,
    /// Whether the SDK collects data about users or devices for analytics,
    /// advertising, attribution, profiling or fingerprinting (see README).
    /// Required; `Option` only so a missing flag is reported, not a parse error.
    #[serde(default)]
    pub tracker: Option<bool>,
    pub owner: String,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default)]
    pub meta_data: Vec<String>,
    #[serde(default)]
    pub native_libs: Vec<String>,
    #[serde(default)]
    pub ios_frameworks: Vec<String>,
    #[serde(default)]
    pub ios_bundle_ids: Vec<String>,
    #[serde(default)]
    pub objc_prefixes: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    /// Class names relative to one of `packages` (`AuthnHelper`,
    /// `auth.AuthnHelper`) that identify the SDK even when its package
    /// prefix was renamed (matched by `matcher`: a package subtree holding
    /// enough of them is the SDK, repackaged).
    #[serde(default)]
    pub distinctive_classes: Vec<String>,
    #[serde(default)]
    pub source: Vec<String>,
    /// Free-text remarks for maintainers; not used at run time.
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSdkFile {
    #[serde(default)]
    pub sdk: Vec<RawSdk>,
}

/// One organisation as written in `data/signatures/owners.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOwner {
    pub name: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub state_owned: Option<bool>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Free-text remarks for maintainers; not used at run time.
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOwnersFile {
    #[serde(default)]
    pub owner: BTreeMap<String, RawOwner>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawValidation {
    #[serde(default)]
    pub too_broad_prefixes: Vec<String>,
    #[serde(default)]
    pub generic_segments: Vec<String>,
    #[serde(default)]
    pub namespace_roots: Vec<String>,
}

/// `[tracker]` in `schema.toml`: which categories make an SDK a tracker.
#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackerRules {
    /// An SDK with one of these categories must have `tracker = true`.
    #[serde(default)]
    pub required_for: Vec<String>,
    /// `tracker = true` needs at least one of these categories.
    #[serde(default)]
    pub allowed_for: Vec<String>,
}

#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchema {
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
    #[serde(default)]
    pub tracker: RawTrackerRules,
    #[serde(default)]
    pub validation: RawValidation,
}

/// The parsed signature files: what [`parse`] read, and what it could not.
#[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
pub struct Parsed {
    /// `VERSION`, trimmed.
    pub version: String,
    pub schema: RawSchema,
    /// Owners by key, from `owners.toml` and `owners-*.toml`.
    pub owners: BTreeMap<String, RawOwner>,
    /// SDKs with the file they came from, in file order.
    pub sdks: Vec<(String, RawSdk)>,
    /// Files that do not parse, owners defined twice, an empty `VERSION`.
    pub errors: Vec<String>,
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
