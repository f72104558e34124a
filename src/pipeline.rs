//! The one flow, top to bottom: open the input → detect its kind → unpack and
//! analyse every entry (platform drivers, facts only) → findings (SDKs,
//! identifier APIs, endpoints, secrets; knowledge base as a parameter) →
//! normalise the report. Nothing below this module imports it.

use crate::android::apk::Merged;
use crate::apple::binary::BinaryFacts;
use crate::apple::ipa::IpaFacts;
use crate::container::detect::{self, Format};
use crate::container::zip::Archive;
use crate::findings;
use crate::knowledge::Knowledge;
use crate::options::Options;
use crate::report::model::{InputInfo, Report, SCHEMA_VERSION, ToolInfo, Warning};
use crate::util::sha256_hex;
use crate::{android, apple};
use std::fmt;
use std::path::Path;

/// Why an input could not be inspected at all.
#[derive(Debug)]
pub struct InspectError(pub String);

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InspectError {}

/// Inspects the package at `path`: a file, or a directory of split APKs
/// (as apkeep writes them), with the knowledge base `options` names.
pub fn inspect_path(path: &Path, options: &Options) -> Result<Report, InspectError> {
    with_knowledge(options, |k| inspect_path_with(path, options, k))
}

/// Inspects a package already in memory; `path` is only reported.
pub fn inspect_bytes(path: &str, data: &[u8], options: &Options) -> Result<Report, InspectError> {
    with_knowledge(options, |k| inspect_bytes_with(path, data, options, k))
}

/// Runs `f` with the knowledge base of `options`: the folder it names, or the
/// built-in copy.
fn with_knowledge<T>(
    options: &Options,
    f: impl FnOnce(&Knowledge) -> Result<T, InspectError>,
) -> Result<T, InspectError> {
    let err = |e: crate::knowledge::KnowledgeError| InspectError(e.to_string());
    match &options.knowledge_dir {
        Some(dir) => f(&Knowledge::from_dir(dir).map_err(err)?),
        None => f(Knowledge::embedded().map_err(err)?),
    }
}

/// [`inspect_path`] with an already loaded knowledge base.
pub fn inspect_path_with(
    path: &Path,
    options: &Options,
    knowledge: &Knowledge,
) -> Result<Report, InspectError> {
    let meta =
        std::fs::metadata(path).map_err(|e| InspectError(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        return inspect_dir(path, options, knowledge);
    }
    let map = map_file(path).map_err(InspectError)?;
    let data: &[u8] = map.as_deref().unwrap_or(&[]);
    inspect_bytes_with(&path.display().to_string(), data, options, knowledge)
}

/// Maps a file read-only (`None` for an empty file).
fn map_file(path: &Path) -> Result<Option<memmap2::Mmap>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let len = file
        .metadata()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    if len == 0 {
        return Ok(None);
    }
    // SAFETY: the map is read-only and lives for this call only; a file
    // shrunk underneath it by another process could fault, as documented.
    unsafe { memmap2::Mmap::map(&file) }
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Inspects a directory of split APKs. `input.sha256` is the SHA-256 of the
/// lines `name<TAB>sha256<LF>` of its files in name order; `input.size` is
/// their total size.
fn inspect_dir(
    path: &Path,
    options: &Options,
    knowledge: &Knowledge,
) -> Result<Report, InspectError> {
    use crate::android::splits::{self, DirFile};
    let files = splits::dir_files(path).map_err(InspectError)?;
    if !files
        .iter()
        .any(|(n, _, _)| splits::dir_file_kind(n) == DirFile::Apk)
    {
        return Err(InspectError(format!(
            "{}: is a directory without APK files",
            path.display()
        )));
    }
    let mut listing = String::new();
    let mut size = 0u64;
    for (name, file, len) in &files {
        if splits::dir_file_kind(name) == DirFile::Other {
            continue;
        }
        // OBB files can be gigabytes: listed by size, not hashed.
        let digest = if splits::dir_file_kind(name) == DirFile::Obb {
            format!("size:{len}")
        } else {
            let map = map_file(file).map_err(InspectError)?;
            sha256_hex(map.as_deref().unwrap_or(&[]))
        };
        listing.push_str(&format!("{name}\t{digest}\n"));
        size = size.saturating_add(*len);
    }
    let mut report = new_report(
        &path.display().to_string(),
        &sha256_hex(listing.as_bytes()),
        size,
        knowledge,
    );
    report.input.format = "apk-dir".into();
    let budget = options.budget();
    let facts = splits::analyse_dir(&files, &map_file, &budget, options, &mut report)
        .map_or(Facts::None, Facts::Android);
    find(facts, &mut report, knowledge, options.show_secrets);
    report.normalize();
    Ok(report)
}

fn new_report(path: &str, sha256: &str, size: u64, knowledge: &Knowledge) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "telltale".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            signatures_version: Some(knowledge.version().to_string()),
            signatures_sha256: Some(knowledge.sha256().to_string()),
        },
        input: InputInfo {
            path: path.to_string(),
            sha256: sha256.to_string(),
            size,
            format: String::new(),
        },
        ..Report::default()
    }
}

/// What the unpack stage hands to the findings stage.
enum Facts {
    /// An APK, split set or App Bundle: per-entry facts of all parts.
    Android(Merged),
    /// An IPA.
    Ios(Box<IpaFacts>),
    /// A bare Mach-O file.
    Binaries(Vec<BinaryFacts>),
    /// Nothing to match (a profile, an unreadable set, an unknown kind).
    None,
}

/// [`inspect_bytes`] with an already loaded knowledge base: open → detect →
/// unpack and analyse → findings → normalise.
pub fn inspect_bytes_with(
    path: &str,
    data: &[u8],
    options: &Options,
    knowledge: &Knowledge,
) -> Result<Report, InspectError> {
    let mut report = new_report(path, &sha256_hex(data), data.len() as u64, knowledge);
    let facts = match detect::raw_format(data, path) {
        Some(format) => {
            report.input.format = format.name().to_string();
            unpack_raw(format, data, path, &mut report)
        }
        None => {
            let archive = Archive::parse(data).map_err(|e| InspectError(format!("{path}: {e}")))?;
            let format = detect::format_of(&archive, path);
            report.input.format = format.name().to_string();
            for a in archive.anomalies() {
                report.warnings.push(Warning::new("", format!("zip: {a}")));
            }
            unpack(&archive, format, data, options, &mut report)
        }
    };
    find(facts, &mut report, knowledge, options.show_secrets);
    report.normalize();
    Ok(report)
}

/// Unpack stage for inputs that are not archives.
fn unpack_raw(format: Format, data: &[u8], path: &str, report: &mut Report) -> Facts {
    match format {
        Format::MachO => Facts::Binaries(apple::analyse_macho_file(data, path, report)),
        _ => {
            apple::analyse_profile_file(data, path, report);
            Facts::None
        }
    }
}

/// Unpack stage: the package kind's driver reads every entry into facts
/// (and the report's own facts: manifest, Info.plist, signing, …).
fn unpack(
    archive: &Archive<'_>,
    format: Format,
    data: &[u8],
    options: &Options,
    report: &mut Report,
) -> Facts {
    let budget = options.budget();
    match format {
        Format::Apk => Facts::Android(android::apk::analyse(
            archive, data, &budget, options, report,
        )),
        Format::Aab => Facts::Android(android::aab::analyse(
            archive, data, &budget, options, report,
        )),
        Format::Apks | Format::Xapk | Format::Apkm => {
            android::splits::analyse_set(archive, format, &budget, options, report)
                .map_or(Facts::None, Facts::Android)
        }
        Format::Ipa => apple::ipa::analyse(archive, &budget, report)
            .map_or(Facts::None, |f| Facts::Ios(Box::new(f))),
        other => {
            report.warnings.push(Warning::new(
                "",
                format!(
                    "{} packages are not analysed yet; only the archive was read",
                    other.name()
                ),
            ));
            Facts::None
        }
    }
}

/// Findings stage: facts + knowledge → SDKs, attributions, endpoints, secrets.
fn find(facts: Facts, report: &mut Report, knowledge: &Knowledge, show_secrets: bool) {
    match facts {
        Facts::Android(f) => findings::android::run(f, report, knowledge, show_secrets),
        Facts::Ios(f) => findings::ios::run(*f, report, knowledge, show_secrets),
        Facts::Binaries(b) => findings::ios::run_binaries(b, report, knowledge, show_secrets),
        Facts::None => {}
    }
}
