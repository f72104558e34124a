//! The signature database and its compiled matchers.
//!
//! The database is data, not code: `data/signatures/` (see its `README.md`)
//! holds the SDK rules (`sdks/*.toml`), the organisations behind them
//! (`owners.toml`), the category list and prefix-validation rules
//! (`schema.toml`) and a `VERSION`. The knowledge base ([`crate::knowledge`])
//! loads the files and compiles them ([`Database::load`]) into a
//! segment trie (packages, bundle ids), hash maps (components, meta-data,
//! libraries, frameworks, Objective-C prefixes, domains) and a few `*` globs.

mod db;
mod matcher;
pub mod raw;
mod text;
mod trie;

use std::collections::HashMap;
#[cfg(test)]
use std::sync::OnceLock;

/// The database's hash maps: keys are names from the data, looked up once
/// per class, host or library of every input, so a fast hash (foldhash)
/// instead of SipHash; nothing iterates them in an order that shows.
pub(crate) type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

pub(crate) use db::normalize_class;
pub use db::{Database, hash_files};
pub use matcher::{AppFacts, MAX_EVIDENCE_PER_KIND, example_key, match_sdks};
pub(crate) use matcher::{app_namespace_sdks, code_owner, in_app_namespace, under};
pub use text::Text;

/// The database files in hashing order: `VERSION`, `schema.toml`,
/// `owners.toml`, then `sdks/*.toml` sorted by name. A test checks this list
/// against the directory so a new file cannot be forgotten.
#[cfg(test)]
pub const FILES: &[(&str, &str)] = &[
    ("VERSION", include_str!("../../data/signatures/VERSION")),
    (
        "schema.toml",
        include_str!("../../data/signatures/schema.toml"),
    ),
    (
        "owners.toml",
        include_str!("../../data/signatures/owners.toml"),
    ),
    (
        "owners-libchecker.toml",
        include_str!("../../data/signatures/owners-libchecker.toml"),
    ),
    (
        "sdks/cn-analytics-push-ads.toml",
        include_str!("../../data/signatures/sdks/cn-analytics-push-ads.toml"),
    ),
    (
        "sdks/cn-identity.toml",
        include_str!("../../data/signatures/sdks/cn-identity.toml"),
    ),
    (
        "sdks/global.toml",
        include_str!("../../data/signatures/sdks/global.toml"),
    ),
    (
        "sdks/libchecker.toml",
        include_str!("../../data/signatures/sdks/libchecker.toml"),
    ),
];

/// The built-in signature files as parsed by `build.rs` (postcard bytes of
/// [`raw::Parsed`], maintainers' notes dropped).
const PRECOMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/signatures.postcard"));

/// The built-in signature files, parsed at build time; the strings borrow
/// the embedded bytes.
pub fn precompiled() -> Result<raw::Parsed<&'static str>, String> {
    postcard::from_bytes(PRECOMPILED).map_err(|e| format!("built-in signatures: {e}"))
}

#[cfg(test)]
static EMBEDDED: OnceLock<Database> = OnceLock::new();

#[cfg(test)]
impl Database {
    /// The database built into the binary, compiled on first use.
    pub fn embedded() -> &'static Database {
        EMBEDDED.get_or_init(|| Database::load(FILES))
    }
}

#[cfg(test)]
mod tests;
