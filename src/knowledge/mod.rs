//! The knowledge base: every file under `data/`, loaded by one loader,
//! validated (an unknown, missing or broken file is an error, never an empty
//! table), versioned (`data/signatures/VERSION`) and hashed (one SHA-256 over
//! all files, reported as the database hash `tool.signatures_sha256`).
//!
//! The copy built into the binary is [`Knowledge::embedded`]; `--knowledge
//! DIR` loads a folder laid out like `data/` with [`Knowledge::from_dir`], so
//! users update knowledge without rebuilding. The pipeline hands the loaded
//! base to the analysis and findings stages as a parameter.

mod files;
pub mod ip_owner;
pub use crate::android::personal_data_catalogue as personal_data;

use crate::android::entries::Tables;
use crate::android::identifiers::{self, ApiSpec};
use crate::apple::identifiers::{self as apple_ids, AppleApi};
use crate::apple::privacy_manifest::{self, ReasonCategory};
use crate::datafile::Doc;
use crate::native::packers;
use crate::scan::{self, endpoints, secrets};
use crate::signatures::{self, Database, hash_files};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

pub use files::EMBEDDED;

/// Why a knowledge base could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KnowledgeError {
    /// A file the loader does not know (a typo or a stale file).
    #[error("knowledge: unknown file {0} (not one the loader reads)")]
    Unknown(String),
    /// A file the loader needs is absent.
    #[error("knowledge: {0} is missing")]
    Missing(String),
    /// A file that does not parse or breaks a rule.
    #[error("knowledge: {file}: {message}")]
    Invalid { file: String, message: String },
    /// A format table (`files::FORMAT_TABLES`) differs in the folder.
    #[error(
        "knowledge: {0} is a format table (how telltale reads packages, not knowledge about apps); it is compiled in, so a --knowledge folder must hold it unchanged; rebuild to change it"
    )]
    FormatTable(String),
    /// The folder could not be read.
    #[error("knowledge: {0}")]
    Io(String),
}

/// One Info.plist key that names an SDK (`data/apple_plist_sdk_keys.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct PlistSdkKey {
    pub key: String,
    pub sdk: String,
    pub source: String,
}

/// Everything the tool knows, compiled once.
#[derive(Debug)]
pub struct Knowledge {
    version: String,
    sha256: String,
    /// SDK rules and owners (`data/signatures/`), compiled into matchers.
    pub signatures: Database,
    /// Android identifier and personal-data APIs (`identifier_apis.toml`).
    pub identifier_apis: Vec<ApiSpec>,
    /// Apple identifier APIs (`apple_identifier_apis.toml`).
    pub apple_identifier_apis: Vec<AppleApi>,
    /// Apple required-reason API categories (`apple_required_reason_apis.toml`).
    pub apple_reason_categories: Vec<ReasonCategory>,
    /// Apple's commonly used SDKs list (`apple_privacy_sdks.toml`).
    pub apple_privacy_sdks: BTreeSet<String>,
    /// SDK categories whose hosts count as tracking domains in the
    /// privacy-manifest check (`tracking_categories` of `apple_privacy_sdks.toml`).
    pub apple_tracking_categories: BTreeSet<String>,
    /// Info.plist keys naming SDKs (`apple_plist_sdk_keys.toml`).
    pub apple_plist_sdk_keys: Vec<PlistSdkKey>,
    /// Packers and protectors, with their loader stubs (`packers.toml`).
    pub packers: Vec<packers::Entry>,
    /// The scanner's secret shapes and endpoint noise lists
    /// (`secret_patterns.toml`, `endpoint_noise.toml`).
    pub scan: scan::Rules,
    /// Personal-data reads: SMS, contacts, call log … (`personal_data_apis.toml`),
    /// compiled for DEX and Mach-O matching.
    pub personal_data: crate::android::personal_data::Catalogue,
}

static EMBEDDED_KB: OnceLock<Result<Knowledge, KnowledgeError>> = OnceLock::new();

impl Knowledge {
    /// The knowledge base built into the binary, compiled on first use.
    pub fn embedded() -> Result<&'static Knowledge, KnowledgeError> {
        EMBEDDED_KB
            .get_or_init(|| Knowledge::assemble(EMBEDDED, Source::Precompiled))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads every file under `dir` (laid out like `data/`).
    pub fn from_dir(dir: &Path) -> Result<Knowledge, KnowledgeError> {
        let mut paths = Vec::new();
        files::walk(dir, dir, &mut paths).map_err(KnowledgeError::Io)?;
        let mut owned: Vec<(String, String)> = Vec::new();
        for (rel, path) in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| KnowledgeError::Io(format!("{}: {e}", path.display())))?;
            owned.push((rel, text));
        }
        let borrowed: Vec<(&str, &str)> = owned
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let knowledge = Knowledge::load(&borrowed)?;
        let unchanged = |name: &str| {
            let given = borrowed.iter().find(|(p, _)| *p == name).map(|(_, t)| *t);
            let built_in = EMBEDDED.iter().find(|(p, _)| *p == name).map(|(_, t)| *t);
            given == built_in
        };
        if let Some(name) = files::FORMAT_TABLES.iter().find(|n| !unchanged(n)) {
            return Err(KnowledgeError::FormatTable((*name).to_string()));
        }
        Ok(knowledge)
    }

    /// Loads a knowledge base from `(path relative to data/, text)` pairs.
    pub fn load(input: &[(&str, &str)]) -> Result<Knowledge, KnowledgeError> {
        Knowledge::assemble(input, Source::Text)
    }

    /// Loads `input`; with [`Source::Precompiled`] (the built-in files only)
    /// the signature database and the hash come from `build.rs`.
    fn assemble(input: &[(&str, &str)], source: Source) -> Result<Knowledge, KnowledgeError> {
        let texts = Texts::new(input, source)?;
        // The built-in tables are checked by the tests (they load the same
        // texts as `Source::Text`).
        if source == Source::Text {
            for (path, text) in &texts.sorted {
                files::check_tsv(path, text).map_err(|m| invalid(path, m))?;
            }
        }
        // The signature database and the secret patterns (regex compilation)
        // are the two large costs of start-up; they run side by side while a
        // second core is free, the secret side also parsing the tables the
        // per-entry pass reads (errors keep their order below).
        let (signatures, entry_side) = rayon::join(
            || match source {
                Source::Text => load_signatures(&texts.sorted),
                Source::Precompiled => precompiled_signatures(),
            },
            || EntrySide::parse(&texts, source),
        );
        let signatures = signatures?;
        let identifier_apis = entry_side.identifier_apis?;
        let apple = AppleTables::parse(&texts)?;
        let packers = entry_side.packers?;
        let personal_data =
            crate::android::personal_data::Catalogue::new(entry_side.personal_data_apis?);
        let noise = entry_side.noise?;
        let context = entry_side.context?;
        let (secret_patterns, key_names) = entry_side.secret_patterns?;
        // A folder's labels are checked here (the HTML renderer applies them
        // for that render); the built-in copy is checked by the tests.
        let labels = texts.get("report_labels.toml")?;
        if source == Source::Text {
            crate::report::labels::parse(labels).map_err(|m| invalid("report_labels.toml", m))?;
        }
        let file_kinds = entry_side.file_kinds?;
        let scan = scan::Rules::new(secret_patterns, key_names, noise, context, file_kinds);
        Ok(Knowledge {
            version: signatures.version().to_string(),
            sha256: match source {
                Source::Text => hash_files(&texts.sorted),
                Source::Precompiled => EMBEDDED_SHA256.to_string(),
            },
            signatures,
            identifier_apis,
            apple_identifier_apis: apple.identifier_apis,
            apple_reason_categories: apple.reason_categories,
            apple_privacy_sdks: apple.privacy_sdks,
            apple_tracking_categories: apple.tracking_categories,
            apple_plist_sdk_keys: apple.plist_sdk_keys,
            packers,
            scan,
            personal_data,
        })
    }

    /// What the per-entry pass reads: scanner rules, identifier APIs, packers.
    pub fn entry_tables(&self) -> Tables<'_> {
        Tables {
            scan: &self.scan,
            identifier_apis: &self.identifier_apis,
            personal_data: &self.personal_data,
            packers: &self.packers,
            signatures: &self.signatures,
            hits: None,
        }
    }

    /// The version and hash of the built-in knowledge, without loading it
    /// (both are fixed at build time; `--version` prints them).
    pub fn embedded_identity() -> (&'static str, &'static str) {
        let version = EMBEDDED
            .iter()
            .find(|(p, _)| *p == "signatures/VERSION")
            .map_or("", |(_, t)| t.trim());
        (version, EMBEDDED_SHA256)
    }

    /// The knowledge version (`signatures/VERSION`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// SHA-256 (hex) over every file, in path order: `path NUL text NUL`.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// The files of a knowledge base, sorted by path, every one known.
struct Texts<'a> {
    sorted: Vec<(&'a str, &'a str)>,
    /// The built-in files: the tables are read from their JSON form.
    precompiled: bool,
}

impl<'a> Texts<'a> {
    fn new(input: &[(&'a str, &'a str)], source: Source) -> Result<Texts<'a>, KnowledgeError> {
        let mut sorted = input.to_vec();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        if let Some((path, _)) = sorted.iter().find(|(p, _)| !files::is_known(p)) {
            return Err(KnowledgeError::Unknown((*path).to_string()));
        }
        Ok(Texts {
            sorted,
            precompiled: source == Source::Precompiled,
        })
    }

    /// The table `name`: its JSON form for the built-in files (see
    /// `build.rs`), else its TOML text.
    fn doc(&self, name: &str) -> Result<Doc<'a>, KnowledgeError> {
        if self.precompiled
            && let Some((_, json)) = EMBEDDED_JSON.iter().find(|(p, _)| *p == name)
        {
            return Ok(Doc::Json(json));
        }
        self.get(name).map(Doc::Toml)
    }

    /// The text of the file `name`, or why it is missing.
    fn get(&self, name: &str) -> Result<&'a str, KnowledgeError> {
        self.sorted
            .iter()
            .find(|(p, _)| *p == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| KnowledgeError::Missing(name.to_string()))
    }

    /// The file `name` read by `parse`; a parse error names the file.
    fn parse<T>(
        &self,
        name: &str,
        parse: impl FnOnce(Doc<'a>) -> Result<T, String>,
    ) -> Result<T, KnowledgeError> {
        parse(self.doc(name)?).map_err(|m| invalid(name, m))
    }
}

/// A knowledge file that does not parse.
fn invalid(file: &str, message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        file: file.to_string(),
        message,
    }
}

/// The tables the per-entry pass reads, parsed beside the signature
/// database (each result kept, so errors are reported in a fixed order).
struct EntrySide {
    secret_patterns: Result<(secrets::Patterns, secrets::KeyNames), KnowledgeError>,
    identifier_apis: Result<Vec<ApiSpec>, KnowledgeError>,
    packers: Result<Vec<packers::Entry>, KnowledgeError>,
    personal_data_apis: Result<Vec<personal_data::PersonalDataApi>, KnowledgeError>,
    noise: Result<endpoints::Noise, KnowledgeError>,
    context: Result<scan::noise::Context, KnowledgeError>,
    file_kinds: Result<scan::file_kinds::FileKinds, KnowledgeError>,
}

impl EntrySide {
    fn parse(texts: &Texts<'_>, source: Source) -> EntrySide {
        // Built-in patterns are checked by the tests, so the regexes a scan
        // may not need are built on first use; a folder's are all built
        // now, so a broken one fails here.
        let strict = source == Source::Text;
        EntrySide {
            secret_patterns: texts.parse("secret_patterns.toml", |t| {
                secrets::Patterns::parse_with_names(t, strict)
            }),
            identifier_apis: texts.parse("identifier_apis.toml", identifiers::parse_catalogue),
            packers: texts.parse("packers.toml", packers::parse_table),
            personal_data_apis: texts
                .parse("personal_data_apis.toml", personal_data::parse_catalogue),
            noise: texts.parse("endpoint_noise.toml", endpoints::Noise::parse),
            context: texts.parse("endpoint_noise.toml", scan::noise::Context::parse),
            file_kinds: texts.parse("file_kinds.toml", scan::file_kinds::FileKinds::parse),
        }
    }
}

/// The iOS tables: identifier APIs, required-reason categories, privacy
/// manifest SDKs and Info.plist SDK keys.
struct AppleTables {
    identifier_apis: Vec<AppleApi>,
    reason_categories: Vec<ReasonCategory>,
    privacy_sdks: BTreeSet<String>,
    tracking_categories: BTreeSet<String>,
    plist_sdk_keys: Vec<PlistSdkKey>,
}

impl AppleTables {
    fn parse(texts: &Texts<'_>) -> Result<AppleTables, KnowledgeError> {
        Ok(AppleTables {
            identifier_apis: texts
                .parse("apple_identifier_apis.toml", apple_ids::parse_catalogue)?,
            reason_categories: texts.parse(
                "apple_required_reason_apis.toml",
                privacy_manifest::parse_reason_categories,
            )?,
            privacy_sdks: texts.parse(
                "apple_privacy_sdks.toml",
                privacy_manifest::parse_privacy_sdks,
            )?,
            tracking_categories: texts.parse(
                "apple_privacy_sdks.toml",
                privacy_manifest::parse_tracking_categories,
            )?,
            plist_sdk_keys: texts.parse("apple_plist_sdk_keys.toml", parse_plist_keys)?,
        })
    }
}

/// Where the signature database and the hash come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Parsed and hashed from the given texts.
    Text,
    /// The built-in files, parsed and hashed by `build.rs`.
    Precompiled,
}

/// The knowledge hash of the built-in files (see [`Knowledge::sha256`]),
/// computed by `build.rs`.
const EMBEDDED_SHA256: &str = include_str!(concat!(env!("OUT_DIR"), "/knowledge_sha256.txt"));

// `EMBEDDED_JSON`: the built-in TOML tables as JSON, made by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/knowledge_json.rs"));

/// Compiles the signature files parsed at build time; any load error fails.
fn precompiled_signatures() -> Result<Database, KnowledgeError> {
    let parsed = signatures::precompiled().map_err(|message| KnowledgeError::Invalid {
        file: "signatures/".into(),
        message,
    })?;
    checked(Database::compile_trusted(parsed))
}

/// Compiles `signatures/*` into the SDK database; any load error fails.
fn load_signatures(sorted: &[(&str, &str)]) -> Result<Database, KnowledgeError> {
    let mut sig: Vec<(&str, &str)> = sorted
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("signatures/")?, *t)))
        .filter(|(p, _)| *p != "README.md")
        .collect();
    // The database's own order: VERSION, schema, owners, then sdks/ by name.
    sig.sort_by_key(|(p, _)| (signatures::raw::signature_rank(p), p.to_string()));
    checked(Database::load(&sig))
}

/// The database, or its first validation problem.
fn checked(db: Database) -> Result<Database, KnowledgeError> {
    if let Some(first) = db.load_errors().first() {
        return Err(KnowledgeError::Invalid {
            file: "signatures/".into(),
            message: first.clone(),
        });
    }
    Ok(db)
}

fn parse_plist_keys(doc: Doc<'_>) -> Result<Vec<PlistSdkKey>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct KeyFile {
        key: Vec<PlistSdkKey>,
    }
    doc.read::<KeyFile>().map(|f| f.key)
}

#[cfg(test)]
mod tests;
