//! Runs the whole flow on one input path: open, detect the package kind,
//! hand it to the platform analyser, and finish the report (sorted, hashed).

use crate::container::detect::{self, Format};
use crate::container::zip::{Archive, Limits};
use crate::report::model::{InputInfo, Report, SCHEMA_VERSION, ToolInfo, Warning};
use crate::util::sha256_hex;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Limits and switches for one inspection.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest inflated size of one entry (default 256 MiB).
    pub max_entry_size: u64,
    /// Largest inflated size of all entries of one package together (default 2 GiB).
    pub max_total_size: u64,
    /// Print secrets in full instead of a preview.
    pub show_secrets: bool,
    /// How many levels of packages inside packages (APK/JAR/ZIP/DEX in
    /// assets, res/raw, lib) are opened (default 3; 0 opens none).
    pub max_nesting_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_entry_size: 256 << 20,
            max_total_size: 2 << 30,
            show_secrets: false,
            max_nesting_depth: 3,
        }
    }
}

/// Why an input could not be inspected at all.
#[derive(Debug)]
pub struct InspectError(pub String);

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InspectError {}

/// Shared inflate budget for one package (per-entry and total caps).
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    remaining: AtomicU64,
}

impl Budget {
    /// A budget for `options`.
    pub fn new(options: &Options) -> Self {
        Budget {
            limits: Limits {
                max_entry_size: options.max_entry_size,
            },
            remaining: AtomicU64::new(options.max_total_size),
        }
    }

    /// Reads one entry within the caps; `Err` carries the warning text.
    pub fn read(
        &self,
        archive: &Archive<'_>,
        name: &str,
    ) -> Result<crate::container::zip::EntryBytes, String> {
        let entry = archive
            .find(name)
            .ok_or_else(|| format!("{name} is missing"))?;
        self.read_entry(archive, entry)
    }

    /// Reads `entry` within the caps.
    pub fn read_entry(
        &self,
        archive: &Archive<'_>,
        entry: &crate::container::zip::Entry,
    ) -> Result<crate::container::zip::EntryBytes, String> {
        let left = self.remaining.load(Ordering::Relaxed);
        let limits = Limits {
            max_entry_size: self.limits.max_entry_size.min(left),
        };
        let got = archive
            .read_with_notes(entry, &limits)
            .map_err(|e| e.to_string())?;
        let used = got.bytes.len() as u64;
        let before = self.remaining.fetch_sub(used.min(left), Ordering::Relaxed);
        if used > before {
            return Err("package inflate budget exhausted; entry not read".into());
        }
        Ok(got)
    }
}

/// Inspects the package at `path`: a file, or a directory of split APKs
/// (as apkeep writes them).
pub fn inspect_path(path: &Path, options: &Options) -> Result<Report, InspectError> {
    let meta =
        std::fs::metadata(path).map_err(|e| InspectError(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        return inspect_dir(path, options);
    }
    let map = map_file(path).map_err(InspectError)?;
    let data: &[u8] = map.as_deref().unwrap_or(&[]);
    inspect_bytes(&path.display().to_string(), data, options)
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
fn inspect_dir(path: &Path, options: &Options) -> Result<Report, InspectError> {
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
    );
    report.input.format = "apk-dir".into();
    let budget = Budget::new(options);
    splits::analyse_dir(&files, &map_file, &budget, options, &mut report);
    finish(&mut report);
    Ok(report)
}

fn new_report(path: &str, sha256: &str, size: u64) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "telltale".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            signatures_version: Some(
                crate::signatures::Database::embedded()
                    .version()
                    .to_string(),
            ),
            signatures_sha256: Some(crate::signatures::Database::embedded().sha256().to_string()),
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

/// Inspects a package already in memory; `path` is only reported.
pub fn inspect_bytes(path: &str, data: &[u8], options: &Options) -> Result<Report, InspectError> {
    let mut report = new_report(path, &sha256_hex(data), data.len() as u64);
    if let Some(format) = detect::raw_format(data, path) {
        report.input.format = format.name().to_string();
        match format {
            Format::MachO => {
                crate::apple::analyse_macho_file(data, path, options.show_secrets, &mut report)
            }
            _ => crate::apple::analyse_profile_file(data, path, &mut report),
        }
        finish(&mut report);
        return Ok(report);
    }
    let archive = Archive::parse(data).map_err(|e| InspectError(format!("{path}: {e}")))?;
    let format = detect::format_of(&archive, path);
    report.input.format = format.name().to_string();
    for a in archive.anomalies() {
        report.warnings.push(Warning::new("", format!("zip: {a}")));
    }
    let budget = Budget::new(options);
    match format {
        Format::Apk => crate::android::apk::analyse(&archive, data, &budget, options, &mut report),
        Format::Aab => crate::android::aab::analyse(&archive, data, &budget, options, &mut report),
        Format::Apks | Format::Xapk | Format::Apkm => {
            crate::android::splits::analyse_set(&archive, format, &budget, options, &mut report)
        }
        Format::Ipa => crate::apple::ipa::analyse(&archive, data, &budget, options, &mut report),
        other => {
            report.warnings.push(Warning::new(
                "",
                format!(
                    "{} packages are not analysed yet; only the archive was read",
                    other.name()
                ),
            ));
        }
    }
    finish(&mut report);
    Ok(report)
}

/// Sorts and de-duplicates every list so output is deterministic.
fn finish(report: &mut Report) {
    report.permissions.sort();
    report.permissions.dedup();
    report.declared_permissions.sort();
    report.declared_permissions.dedup();
    report.components.sort();
    report.components.dedup();
    report.deep_links.sort();
    report.deep_links.dedup();
    report.queried_packages.sort();
    report.queried_packages.dedup();
    report.queried_intents.sort();
    report.queried_intents.dedup();
    report.queried_schemes.sort();
    report.queried_schemes.dedup();
    report.meta_data.sort();
    report.meta_data.dedup();
    report.sdks.sort();
    report.endpoints.sort();
    report.identifier_apis.sort();
    report.native_libraries.sort();
    report.frameworks.sort();
    report.binaries.sort();
    report.secrets.sort();
    report.packed_code.sort();
    report.packed_code.dedup();
    report.parts.sort();
    report.signing.sort();
    report.signing.dedup();
    report.security.cleartext_domains.sort();
    report.security.cleartext_domains.dedup();
    report.installable.reasons.sort();
    report.installable.reasons.dedup();
    report.warnings.sort();
    report.warnings.dedup();
}
