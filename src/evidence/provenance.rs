//! Provenance of a report: the input's name, size and hash (and each split
//! member's), the tool version and source commit, the knowledge base's version
//! and hash, the options used and — only when asked — the analysis time. Also
//! the one entry point that makes a report a second examiner can file:
//! inspect, name the input by file name only, add evidence, stamp.

use crate::container::zip::Limits;
use crate::evidence::{self, Package};
use crate::options::Options;
use crate::pipeline::{self, InspectError, Inspection, inspect_path_with_memos};
use crate::report::memo::EntryMemos;
use crate::report::model::{MemberDigest, Provenance, Report};
use crate::util::sha256_hex;
use std::collections::BTreeMap;
use std::path::Path;

/// Source commit the binary was built from (see build.rs).
pub const SOURCE_COMMIT: &str = env!("TELLTALE_SOURCE_COMMIT");

/// When the analysis happened, if the report is to say so at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// No time in the report (the default: reports stay deterministic).
    #[default]
    Unstated,
    /// Seconds since the Unix epoch, read from the system clock (`--timestamp`).
    Now(u64),
    /// Seconds since the Unix epoch from `SOURCE_DATE_EPOCH`.
    SourceDateEpoch(u64),
}

impl Clock {
    /// The clock the command line asks for: `SOURCE_DATE_EPOCH` (when set
    /// and numeric) wins, then `--timestamp`, else no time.
    pub fn from_env(timestamp: bool) -> Clock {
        if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            return Clock::SourceDateEpoch(secs);
        }
        if timestamp {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            return Clock::Now(secs);
        }
        Clock::Unstated
    }
}

/// Inspects `path` and returns the report as filed: input named by its file
/// name, every location with its entry hash and excerpt, and provenance.
pub fn inspect_for_filing(
    path: &Path,
    options: &Options,
    clock: Clock,
) -> Result<Report, InspectError> {
    let Inspection { mut report, memos } =
        pipeline::with_knowledge(options, |k| inspect_path_with_memos(path, options, k))?;
    pipeline::ip_owners(&mut report, options)?;
    file_report(&mut report, &memos, path, options, clock);
    Ok(report)
}

/// Turns a fresh report of `path` into the report as filed (see
/// [`inspect_for_filing`]), with the `memos` its inspection kept; the batch
/// worker calls it after its own inspection.
pub fn file_report(
    report: &mut Report,
    memos: &EntryMemos,
    path: &Path,
    options: &Options,
    clock: Clock,
) {
    let limits = Limits {
        max_entry_size: options.max_entry_size,
    };
    report.input.path = evidence::file_name(path);
    match Package::open(path) {
        Ok(package) => {
            evidence::enrich(report, memos, &package, &limits);
            stamp(report, Some(&package), options, clock, &limits);
        }
        Err(_) => stamp(report, None, options, clock, &limits),
    }
}

/// Fills `report.provenance`.
pub fn stamp(
    report: &mut Report,
    package: Option<&Package>,
    options: &Options,
    clock: Clock,
    limits: &Limits,
) {
    let mut members = Vec::new();
    if let Some(package) = package {
        let reader = package.reader();
        for part in &report.parts {
            // OBB files can be gigabytes and App Bundle modules are folders:
            // listed in `parts` by size only.
            if part.kind == "obb" || part.path.ends_with('/') {
                continue;
            }
            if let Ok(bytes) = reader.entry(&part.path, limits) {
                members.push(MemberDigest {
                    name: part.path.clone(),
                    size: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                });
            }
        }
    }
    members.sort();
    let (analysed_at, time_source) = match clock {
        Clock::Unstated => (None, None),
        Clock::Now(s) => (Some(rfc3339(s)), Some("clock".to_string())),
        Clock::SourceDateEpoch(s) => (Some(rfc3339(s)), Some("SOURCE_DATE_EPOCH".to_string())),
    };
    report.provenance = Some(Provenance {
        input_name: report.input.path.clone(),
        input_size: report.input.size,
        input_sha256: report.input.sha256.clone(),
        members,
        tool_name: report.tool.name.clone(),
        tool_version: report.tool.version.clone(),
        source_commit: SOURCE_COMMIT.to_string(),
        knowledge_version: report.tool.signatures_version.clone(),
        knowledge_sha256: report.tool.signatures_sha256.clone(),
        options: options_map(options),
        analysed_at,
        time_source,
    });
}

/// The options that change what a report says, by name.
pub fn options_map(options: &Options) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "max_entry_size".to_string(),
        options.max_entry_size.to_string(),
    );
    m.insert(
        "max_total_size".to_string(),
        options.max_total_size.to_string(),
    );
    m.insert(
        "max_nesting_depth".to_string(),
        options.max_nesting_depth.to_string(),
    );
    m.insert("show_secrets".to_string(), options.show_secrets.to_string());
    // The folder's name only: the report must not depend on where it lies.
    let knowledge = match &options.knowledge_dir {
        Some(dir) => format!("folder {}", evidence::file_name(dir)),
        None => "built-in".to_string(),
    };
    m.insert("knowledge".to_string(), knowledge);
    if let Some(mapping) = &options.mapping {
        m.insert("mapping".to_string(), evidence::file_name(mapping));
    }
    m
}

/// Seconds since the Unix epoch as an RFC 3339 UTC time
/// (`1970-01-01T00:00:00Z`), by the civil-from-days algorithm.
pub fn rfc3339(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn filed_report_names_the_file_and_enriches_locations() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sdk-planted.apk");
        let r = inspect_for_filing(&p, &Options::default(), Clock::Unstated).unwrap();
        assert_eq!(r.input.path, "sdk-planted.apk");
        let prov = r.provenance.as_ref().unwrap();
        assert_eq!(prov.input_sha256, r.input.sha256);
        assert!(prov.analysed_at.is_none());
        assert!(!r.endpoints.is_empty());
        for e in &r.endpoints {
            for l in &e.locations {
                assert!(l.entry_sha256.is_some(), "{l:?}");
                assert!(l.excerpt.is_some(), "{l:?}");
            }
        }
        let t = inspect_for_filing(&p, &Options::default(), Clock::SourceDateEpoch(0)).unwrap();
        let prov = t.provenance.unwrap();
        assert_eq!(prov.analysed_at.as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(prov.time_source.as_deref(), Some("SOURCE_DATE_EPOCH"));
    }

    #[test]
    fn memos_change_what_is_read_again_not_the_report() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sdk-planted.apk");
        let (o, k) = (Options::default(), crate::Knowledge::embedded().unwrap());
        let Inspection { report, memos } = inspect_path_with_memos(&p, &o, k).unwrap();
        assert!(memos.get("classes.dex").is_some(), "{memos:?}");
        assert_eq!(report, pipeline::inspect_path_with(&p, &o, k).unwrap());
        let package = Package::open(&p).unwrap();
        let (mut kept, mut all) = (report.clone(), report);
        let limits = Limits::default();
        let read = evidence::enrich(&mut kept, &memos, &package, &limits);
        let read_all = evidence::enrich(&mut all, &EntryMemos::default(), &package, &limits);
        assert_eq!(kept, all);
        assert!(read.entries() < read_all.entries(), "{read:?} {read_all:?}");
    }

    #[test]
    fn split_set_members_are_hashed() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/splits.apks");
        let r = inspect_for_filing(&p, &Options::default(), Clock::Unstated).unwrap();
        let prov = r.provenance.unwrap();
        assert!(prov.members.len() >= 2, "{:?}", prov.members);
        assert!(prov.members.iter().all(|m| m.sha256.len() == 64));
    }
}
