//! The one flow, top to bottom: open the input → detect its kind → unpack and
//! analyse every entry (platform drivers, facts only) → findings (SDKs,
//! identifier APIs, endpoints, secrets; knowledge base as a parameter) →
//! normalise the report. Nothing below this module imports it.

use crate::android::apk::Merged;
use crate::apple::binary::BinaryFacts;
use crate::apple::ipa::IpaFacts;
use crate::container::detect::{self, Format};
use crate::container::zip::{Archive, Source};
use crate::findings;
use crate::knowledge::Knowledge;
use crate::options::Options;
use crate::report::memo::EntryMemos;
use crate::report::model::{
    InputInfo, IpDataInfo, IpOwnerInfo, Report, SCHEMA_VERSION, ToolInfo, Warning,
};
use crate::scan::collect::{self, Collector};
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

/// A report and, beside it, what the entry pass kept of entries for
/// evidence ([`EntryMemos`]), so the report can be filed
/// (`evidence::provenance`) without inflating those entries again.
#[derive(Debug, Default)]
pub struct Inspection {
    pub report: Report,
    pub memos: EntryMemos,
}

/// Whether the entry pass keeps memos for evidence: only worth their
/// cost when the report is to be filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Memos {
    Keep,
    Skip,
}

/// Inspects the package at `path`: a file, or a directory of split APKs
/// (as apkeep writes them), with the knowledge base `options` names.
pub fn inspect_path(path: &Path, options: &Options) -> Result<Report, InspectError> {
    let mut report = with_knowledge(options, |k| inspect_path_with(path, options, k))?;
    ip_owners(&mut report, options)?;
    Ok(report)
}

/// Inspects a package already in memory; `path` is only reported.
pub fn inspect_bytes(path: &str, data: &[u8], options: &Options) -> Result<Report, InspectError> {
    let mut report = with_knowledge(options, |k| inspect_bytes_with(path, data, options, k))?;
    ip_owners(&mut report, options)?;
    Ok(report)
}

/// With `--ip-data DIR`: the network (ASN, organisation) and country of every
/// IP-literal endpoint, and the tables' version and hash in `ip_data`. A
/// folder without tables is a warning; broken tables stop the run.
pub fn ip_owners(report: &mut Report, options: &Options) -> Result<(), InspectError> {
    if let Some(tables) = IpTables::load(options)? {
        tables.apply(report);
    }
    Ok(())
}

/// The IP owner tables of `--ip-data DIR`, loaded once and applied to many
/// reports (the batch worker loads them at start).
pub struct IpTables {
    dir: std::path::PathBuf,
    db: Option<crate::knowledge::ip_owner::IpOwnerDb>,
}

impl IpTables {
    /// The tables `options.ip_data_dir` names (`None` without the option);
    /// a folder without tables loads as empty, broken tables are an error.
    pub fn load(options: &Options) -> Result<Option<IpTables>, InspectError> {
        let Some(dir) = &options.ip_data_dir else {
            return Ok(None);
        };
        let db = crate::knowledge::ip_owner::IpOwnerDb::load_dir(dir)
            .map_err(|e| InspectError(format!("--ip-data: {e}")))?;
        Ok(Some(IpTables {
            dir: dir.clone(),
            db,
        }))
    }

    /// What a stored batch run is keyed by: the tables' SHA-256, or `none`
    /// for a folder without tables.
    pub fn key(&self) -> &str {
        self.db.as_ref().map_or("none", |db| db.sha256())
    }

    /// Gives `report`'s IP-literal endpoints their owner and names the
    /// tables (or warns that the folder holds none).
    pub fn apply(&self, report: &mut Report) {
        let Some(db) = &self.db else {
            report.warnings.push(Warning::new(
                "",
                format!(
                    "--ip-data {}: no IP owner tables there (scripts/fetch-ip-data)",
                    self.dir.display()
                ),
            ));
            report.normalize();
            return;
        };
        for e in &mut report.endpoints {
            if e.host.parse::<std::net::IpAddr>().is_ok() {
                e.ip_owner = db.lookup(&e.host).map(|o| IpOwnerInfo {
                    asn: o.asn,
                    org: o.org,
                    country: o.country,
                });
            }
        }
        report.ip_data = Some(IpDataInfo {
            version: db.version().to_string(),
            sha256: db.sha256().to_string(),
        });
    }
}

/// Runs `f` with the knowledge base of `options`: the folder it names, or the
/// built-in copy.
pub fn with_knowledge<T>(
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
    inspect_path_as(path, options, knowledge, Memos::Skip).map(|i| i.report)
}

/// [`inspect_path_with`], with the memos the report is filed with (see
/// [`Inspection`]; IP owners are not applied).
pub fn inspect_path_with_memos(
    path: &Path,
    options: &Options,
    knowledge: &Knowledge,
) -> Result<Inspection, InspectError> {
    inspect_path_as(path, options, knowledge, Memos::Keep)
}

fn inspect_path_as(
    path: &Path,
    options: &Options,
    knowledge: &Knowledge,
    memos: Memos,
) -> Result<Inspection, InspectError> {
    let meta =
        std::fs::metadata(path).map_err(|e| InspectError(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        return inspect_dir(path, options, knowledge);
    }
    let name = path.display().to_string();
    if let Some(inspection) = inspect_zip_file(path, &name, options, knowledge, memos)? {
        return Ok(inspection);
    }
    let (data, changed) = read_file(path).map_err(InspectError)?;
    let mut inspection = inspect_bytes_as(&name, &data, options, knowledge, memos)?;
    if let Some(why) = changed {
        inspection.report.warnings.push(Warning::new("", why));
        inspection.report.normalize();
    }
    Ok(inspection)
}

/// Inspects a ZIP package (APK, AAB, split set, IPA…) on disk without
/// holding it in memory: the central directory, then each entry's bytes
/// while it is read, are read by range from the file ([`Source::File`]), and
/// the whole-file hash streams beside the entry pass. `None` when the file
/// is not a ZIP archive with entries (bare files, empty archives and
/// archives with junk before the first entry take the in-memory path, which
/// reports them as before). Another process shortening the file during the
/// run only makes reads fall short (errors and a warning), never a fault.
fn inspect_zip_file(
    path: &Path,
    name: &str,
    options: &Options,
    knowledge: &Knowledge,
    memos: Memos,
) -> Result<Option<Inspection>, InspectError> {
    let at = |e: std::io::Error| InspectError(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(at)?;
    let len = file.metadata().map_err(at)?.len();
    let source = Source::File { file: &file, len };
    if source.get(0, 2).as_deref() != Some(b"PK") {
        return Ok(None);
    }
    let archive = match Archive::open(source) {
        Ok(a) if !a.entries().is_empty() => a,
        _ => return Ok(None),
    };
    let mut report = new_report(name, "", len, knowledge);
    let format = detect::format_of(&archive, name);
    report.input.format = format.name().to_string();
    for a in archive.anomalies() {
        report.warnings.push(Warning::new("", format!("zip: {a}")));
    }
    let (hashed, facts) = rayon::join(
        || crate::util::sha256_file(&file),
        || unpack(&archive, format, options, knowledge, memos, &mut report),
    );
    let (sha256, read) = hashed.map_err(at)?;
    report.input.sha256 = sha256;
    report.input.size = read;
    if read != len {
        report
            .warnings
            .push(Warning::new("", changed_size(len, read)));
    }
    let memos = find(facts, &mut report, knowledge, options)?;
    report.normalize();
    Ok(Some(Inspection { report, memos }))
}

fn changed_size(expected: u64, read: u64) -> String {
    format!(
        "the input changed size while it was read ({expected} bytes, then {read} read): another process is writing it"
    )
}

/// Reads a whole file into memory: a private copy, not a memory map. A map
/// faults (SIGBUS kills the process) when another process truncates the
/// file during the run; a copy only ever sees a shorter read, which is
/// reported (the second value) and then handled like any truncated file.
/// The measured cost is in README ("Reading the input").
pub fn read_file(path: &Path) -> Result<(Vec<u8>, Option<String>), String> {
    use std::io::Read;
    let at = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(at)?;
    let expected = file.metadata().map_err(at)?.len();
    let mut data = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.read_to_end(&mut data).map_err(at)?;
    let changed =
        (data.len() as u64 != expected).then(|| changed_size(expected, data.len() as u64));
    Ok((data, changed))
}

/// Inspects a directory of split APKs. `input.sha256` is the SHA-256 of the
/// lines `name<TAB>sha256<LF>` of its files in name order; `input.size` is
/// their total size.
fn inspect_dir(
    path: &Path,
    options: &Options,
    knowledge: &Knowledge,
) -> Result<Inspection, InspectError> {
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
            let (bytes, _) = read_file(file).map_err(InspectError)?;
            sha256_hex(&bytes)
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
    let facts = splits::analyse_dir(
        &files,
        &|p: &Path| read_file(p).map(|(bytes, _)| bytes),
        &budget,
        knowledge.entry_tables(),
        options,
        &mut report,
    )
    .map_or(Facts::None, |m| Facts::Android(Box::new(m)));
    let memos = find(facts, &mut report, knowledge, options)?;
    report.normalize();
    Ok(Inspection { report, memos })
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
    Android(Box<Merged>),
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
    inspect_bytes_as(path, data, options, knowledge, Memos::Skip).map(|i| i.report)
}

fn inspect_bytes_as(
    path: &str,
    data: &[u8],
    options: &Options,
    knowledge: &Knowledge,
    memos: Memos,
) -> Result<Inspection, InspectError> {
    let mut report = new_report(path, "", data.len() as u64, knowledge);
    // The whole-input hash runs beside the unpack stage (it reads every
    // byte once; nothing before the report needs it).
    let (sha256, facts) = rayon::join(
        || sha256_hex(data),
        || open_and_unpack(path, data, options, knowledge, memos, &mut report),
    );
    report.input.sha256 = sha256;
    let facts = facts?;
    let memos = find(facts, &mut report, knowledge, options)?;
    report.normalize();
    Ok(Inspection { report, memos })
}

/// Open → detect → unpack: the facts of `data` for the findings stage.
fn open_and_unpack(
    path: &str,
    data: &[u8],
    options: &Options,
    knowledge: &Knowledge,
    memos: Memos,
    report: &mut Report,
) -> Result<Facts, InspectError> {
    Ok(match detect::raw_format(data, path) {
        Some(format) => unpack_raw(format, data, path, options, knowledge, report),
        None => match Archive::parse(data) {
            Ok(archive) => {
                if archive.entries().is_empty() {
                    return Err(InspectError(format!(
                        "{path}: an empty ZIP archive (no entries): nothing to inspect"
                    )));
                }
                let format = detect::format_of(&archive, path);
                report.input.format = format.name().to_string();
                for a in archive.anomalies() {
                    report.warnings.push(Warning::new("", format!("zip: {a}")));
                }
                unpack(&archive, format, options, knowledge, memos, report)
            }
            // Not an archive: a bare file, when its magic says which.
            Err(e) => match detect::bare_format(data) {
                Some(format) => unpack_raw(format, data, path, options, knowledge, report),
                None => return Err(InspectError(format!("{path}: {e}"))),
            },
        },
    })
}

/// Unpack stage for inputs that are not archives: a Mach-O, a provisioning
/// profile, an Info.plist, or a bare DEX, ELF, binary XML or resources.arsc
/// file; the report gets the sections that apply.
fn unpack_raw(
    format: Format,
    data: &[u8],
    path: &str,
    options: &Options,
    knowledge: &Knowledge,
    report: &mut Report,
) -> Facts {
    use crate::android::bare::{self, Bare};
    report.input.format = format.name().to_string();
    let android = |kind: Bare, report: &mut Report| {
        Facts::Android(Box::new(bare::analyse(
            kind,
            data,
            path,
            &options.budget(),
            knowledge.entry_tables(),
            report,
        )))
    };
    match format {
        Format::MachO => Facts::Binaries(apple::analyse_macho_file(
            &knowledge.scan,
            data,
            path,
            report,
        )),
        Format::Dex => android(Bare::Dex, report),
        Format::Elf => android(Bare::Elf, report),
        Format::BinaryXml => android(Bare::BinaryXml, report),
        Format::ResourceTable => android(Bare::ResourceTable, report),
        Format::Plist => {
            apple::analyse_info_plist_file(data, path, report);
            Facts::None
        }
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
    options: &Options,
    knowledge: &Knowledge,
    memos: Memos,
    report: &mut Report,
) -> Facts {
    let budget = options.budget();
    let is_sdk_host = |h: &str| knowledge.signatures.is_sdk_host(h);
    let collector = Collector::new(collect::Rules {
        context: knowledge.scan.context(),
        is_sdk_host: &is_sdk_host,
    })
    .keeping_memos(memos == Memos::Keep);
    // Android drivers hand each entry's hits to `collector` as they go.
    let tables = knowledge.entry_tables().collecting(&collector);
    let merged = match format {
        Format::Apk => Some(android::apk::analyse(
            archive, &budget, tables, options, report,
        )),
        Format::Aab => Some(android::aab::analyse(
            archive, &budget, tables, options, report,
        )),
        Format::Apks | Format::Xapk | Format::Apkm => {
            android::splits::analyse_set(archive, format, &budget, tables, options, report)
        }
        Format::Ipa => {
            return apple::ipa::analyse(archive, &budget, &knowledge.scan, report)
                .map_or(Facts::None, |f| Facts::Ios(Box::new(f)));
        }
        other => {
            report.warnings.push(Warning::new(
                "",
                format!(
                    "{} packages are not analysed yet; only the archive was read",
                    other.name()
                ),
            ));
            None
        }
    };
    match merged {
        Some(mut m) => {
            m.hits = collector.into_collected();
            Facts::Android(Box::new(m))
        }
        None => Facts::None,
    }
}

/// Findings stage: facts + knowledge → SDKs, attributions, endpoints,
/// secrets. With `--mapping`, DEX class names are first read back to their
/// original names. Returns the memos the entry pass kept.
fn find(
    facts: Facts,
    report: &mut Report,
    knowledge: &Knowledge,
    options: &Options,
) -> Result<EntryMemos, InspectError> {
    let show_secrets = options.show_secrets;
    let mut memos = EntryMemos::default();
    match facts {
        Facts::Android(mut f) => {
            let mapping = load_mapping(options)?;
            if let Some(mapping) = &mapping {
                for dex in f.outcomes.iter_mut().filter_map(|o| o.dex.as_mut()) {
                    mapping.apply(dex);
                }
            }
            memos = f.hits.take_memos();
            findings::android::run(*f, report, knowledge, mapping.as_ref(), show_secrets)
        }
        Facts::Ios(f) => findings::ios::run(*f, report, knowledge, show_secrets),
        Facts::Binaries(b) => findings::ios::run_binaries(b, report, knowledge, show_secrets),
        Facts::None => {}
    }
    Ok(memos)
}

/// The mapping file of `--mapping`, parsed (at most the entry-size cap).
fn load_mapping(options: &Options) -> Result<Option<android::mapping::Mapping>, InspectError> {
    let Some(path) = &options.mapping else {
        return Ok(None);
    };
    let err = |e: String| InspectError(format!("--mapping {}: {e}", path.display()));
    let cap = options.max_entry_size.min(android::mapping::MAX_MAPPING);
    let len = std::fs::metadata(path)
        .map_err(|e| err(e.to_string()))?
        .len();
    if len > cap {
        return Err(err(format!("{len} bytes, more than the {cap}-byte limit")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    android::mapping::Mapping::parse(&text)
        .map(Some)
        .map_err(err)
}
