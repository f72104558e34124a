//! Split sets: `.apks` (bundletool, SAI), `.xapk` (with `manifest.json`),
//! `.apkm` (with `info.json`) and a directory of split APKs as apkeep writes
//! it. Every member APK is analysed as a part and merged into one report:
//! identity from the base, lists from all, entry paths prefixed with the
//! member (`split_config.arm64_v8a.apk!lib/arm64-v8a/libfoo.so`).

use crate::android::apk::{self, ApkPart, Merged};
use crate::android::entries::Tables;
use crate::container::Budget;
use crate::container::detect::Format;
use crate::container::zip::Archive;
use crate::options::Options;
use crate::report::model::{PackagePart, Report, Warning};
use std::path::Path;

/// Most member files a split set may have before the rest are ignored.
pub const MAX_MEMBERS: usize = 512;
/// Largest `manifest.json` / `info.json` read.
const MAX_JSON: u64 = 1 << 20;

/// What the set's own index file says (XAPK `manifest.json`, APKM `info.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetHints {
    /// Package name the index gives.
    pub package: Option<String>,
    /// Member path of the base APK, when the index names it.
    pub base: Option<String>,
    /// OBB expansion files the index lists.
    pub expansions: Vec<String>,
}

/// Members read so far, waiting to be merged.
#[derive(Debug, Default)]
struct SetParts {
    parts: Vec<(String, u64, ApkPart)>,
    listed: Vec<PackagePart>,
    /// Members telltale's own caps kept from being read.
    capped: Vec<String>,
}

impl SetParts {
    /// Analyses one member APK from its bytes.
    fn add_apk(
        &mut self,
        name: &str,
        bytes: &[u8],
        budget: &Budget,
        tables: Tables<'_>,
        options: &Options,
        report: &mut Report,
    ) {
        let archive = match Archive::parse(bytes) {
            Ok(a) => a,
            Err(e) => {
                report.warnings.push(Warning::new(
                    name,
                    format!("member APK does not open: {e}; left out"),
                ));
                return;
            }
        };
        let prefix = format!("{}{name}!", tables.hits_prefix());
        let mut part = apk::analyse_part(&archive, budget, tables.under(&prefix), options);
        for a in archive.anomalies() {
            part.report
                .warnings
                .push(Warning::new("", format!("zip: {a}")));
        }
        self.parts
            .push((name.to_string(), bytes.len() as u64, part));
    }

    /// Lists a member that is not analysed (OBB, DEX metadata).
    fn list(&mut self, name: &str, kind: &str, size: u64) {
        self.listed.push(PackagePart {
            path: name.to_string(),
            kind: kind.to_string(),
            split: None,
            size,
        });
    }

    /// Warns when the base part names a split, or when there is no base
    /// (then the set is refused unless members were skipped for size).
    fn note_base(&self, base: Option<usize>, report: &mut Report, merged: &mut Merged) {
        match base {
            Some(i) => {
                if let Some((name, _, p)) = self.parts.get(i)
                    && p.split.is_some()
                {
                    report.warnings.push(Warning::new(
                        name.as_str(),
                        "taken as the base although its manifest names a split",
                    ));
                }
            }
            None => {
                report.warnings.push(Warning::new(
                    "",
                    "split set without a readable base APK: app identity is taken from the first readable split, and the report shows only what the splits hold",
                ));
                if self.capped.is_empty() {
                    merged.refuse("the split set has no readable base APK");
                } else {
                    merged.unchecked.extend(self.capped.iter().cloned());
                }
            }
        }
    }

    /// Picks the base and merges every part into `report`; returns the entry
    /// facts for the findings stage.
    fn finish(self, hints: &SetHints, report: &mut Report) -> Merged {
        let base = pick_base(&self.parts, hints);
        let mut merged = Merged::default();
        self.note_base(base, report, &mut merged);
        let identity = base.or_else(|| self.parts.iter().position(|(_, _, p)| p.has_manifest));
        let base_package = identity
            .and_then(|i| self.parts.get(i))
            .and_then(|(_, _, p)| p.report.app.id.clone());
        let base_version = identity
            .and_then(|i| self.parts.get(i))
            .and_then(|(_, _, p)| p.report.app.version_code.clone());
        if let (Some(want), Some(got)) = (&hints.package, &base_package)
            && want != got
        {
            report.warnings.push(Warning::new(
                "",
                format!("the set's index names package {want}, the base APK is {got}"),
            ));
        }
        for (i, (name, size, part)) in self.parts.into_iter().enumerate() {
            let is_base = Some(i) == identity;
            let kind = if is_base && base.is_some() {
                "base"
            } else {
                "split"
            };
            if !is_base && part.has_manifest {
                let base_app = (base_package.as_ref(), base_version.as_ref());
                warn_if_other_app(&name, &part.report.app, base_app, report);
            }
            report.parts.push(PackagePart {
                path: name.clone(),
                kind: kind.into(),
                split: part.split.clone(),
                size,
            });
            merged.add(report, part, Some(&name), is_base);
        }
        report.parts.extend(self.listed);
        merged
    }
}

/// Warns when a split's manifest names another package or versionCode
/// than the base's (`base_app`: package, versionCode).
fn warn_if_other_app(
    name: &str,
    app: &crate::report::model::AppInfo,
    base_app: (Option<&String>, Option<&String>),
    report: &mut Report,
) {
    let (base_package, base_version) = base_app;
    if let (Some(pkg), Some(want)) = (&app.id, base_package)
        && pkg != want
    {
        report.warnings.push(Warning::new(
            name,
            format!("split belongs to package {pkg}, not {want}"),
        ));
    }
    if let (Some(vc), Some(want)) = (&app.version_code, base_version)
        && vc != want
    {
        report.warnings.push(Warning::new(
            name,
            format!("split has versionCode {vc}, the base {want}"),
        ));
    }
}

/// The base part: named by the index, a conventional base name whose
/// manifest names no split, or else the first member without `split=`.
fn pick_base(parts: &[(String, u64, ApkPart)], hints: &SetHints) -> Option<usize> {
    let file = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
    let named = |n: &str| {
        let f = file(n);
        hints
            .base
            .as_deref()
            .is_some_and(|b| b == n || file(b) == f)
            || f == "base.apk"
            || f == "base-master.apk"
            || hints
                .package
                .as_ref()
                .is_some_and(|p| f == format!("{p}.apk"))
    };
    let ok = |p: &ApkPart| p.has_manifest && p.split.is_none();
    parts
        .iter()
        .position(|(n, _, p)| named(n) && ok(p))
        .or_else(|| parts.iter().position(|(_, _, p)| ok(p)))
        .or_else(|| {
            parts
                .iter()
                .position(|(n, _, p)| named(n) && p.has_manifest)
        })
}

/// Reads the XAPK or APKM index file.
fn read_hints(
    archive: &Archive<'_>,
    format: Format,
    budget: &Budget,
    report: &mut Report,
) -> SetHints {
    let index = match format {
        Format::Xapk => "manifest.json",
        Format::Apkm => "info.json",
        _ => return SetHints::default(),
    };
    let Some(entry) = archive.find(index) else {
        return SetHints::default();
    };
    if entry.uncompressed_size > MAX_JSON {
        report
            .warnings
            .push(Warning::new(index, "index file too large; ignored"));
        return SetHints::default();
    }
    let bytes = match budget.read_entry(archive, entry) {
        Ok(r) => r.bytes,
        Err(e) => {
            report.warnings.push(Warning::new(index, e));
            return SetHints::default();
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) => hints_from_json(&v),
        Err(e) => {
            report
                .warnings
                .push(Warning::new(index, format!("not valid JSON: {e}")));
            SetHints::default()
        }
    }
}

/// Hints from a parsed `manifest.json` (XAPK) or `info.json` (APKM).
pub fn hints_from_json(v: &serde_json::Value) -> SetHints {
    let text = |key: &str| v.get(key).and_then(|x| x.as_str()).map(str::to_string);
    let base = v
        .get("split_apks")
        .and_then(|s| s.as_array())
        .and_then(|list| {
            list.iter()
                .find(|s| s.get("id").and_then(|i| i.as_str()) == Some("base"))
        })
        .and_then(|s| s.get("file").and_then(|f| f.as_str()))
        .map(str::to_string);
    let expansions = v
        .get("expansions")
        .and_then(|s| s.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|e| e.get("file").and_then(|f| f.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    SetHints {
        package: text("package_name").or_else(|| text("pname")),
        base,
        expansions,
    }
}

/// Analyses a split set archive (`.apks`, `.xapk`, `.apkm`) into `report`.
pub fn analyse_set(
    archive: &Archive<'_>,
    format: Format,
    budget: &Budget,
    tables: Tables<'_>,
    options: &Options,
    report: &mut Report,
) -> Option<Merged> {
    report.app.platform = Some("android".into());
    let hints = read_hints(archive, format, budget, report);
    let mut set = SetParts::default();
    let mut count = 0usize;
    for entry in crate::android::entries::first_of_each_name(archive) {
        let lower = entry.name.to_ascii_lowercase();
        if lower.ends_with(".obb") {
            set.list(&entry.name, "obb", entry.uncompressed_size);
            continue;
        }
        if lower.ends_with(".dm") {
            set.list(&entry.name, "dex-metadata", entry.uncompressed_size);
            continue;
        }
        if !lower.ends_with(".apk") || entry.is_dir() {
            continue;
        }
        count += 1;
        if count > MAX_MEMBERS {
            report.warnings.push(Warning::new(
                "",
                format!("more than {MAX_MEMBERS} member APKs; the rest are ignored"),
            ));
            break;
        }
        if entry.flags & 1 != 0 && format == Format::Apkm {
            report.warnings.push(Warning::new(
                entry.name.as_str(),
                "encrypted APKM member (APKMirror's protected variant): it cannot be read without APKMirror's key; left out",
            ));
            continue;
        }
        let bytes = match budget.read_entry(archive, entry) {
            Ok(r) => r.bytes,
            Err(e) => {
                if e.cap {
                    set.capped.push(entry.name.clone());
                }
                report.warnings.push(Warning::new(entry.name.as_str(), e));
                continue;
            }
        };
        if !bytes.starts_with(b"PK") {
            let why = if format == Format::Apkm {
                "member is not a ZIP: an encrypted APKM (APKMirror's protected variant) cannot be read without APKMirror's key; left out"
            } else {
                "member is not a ZIP; left out"
            };
            report.warnings.push(Warning::new(entry.name.as_str(), why));
            continue;
        }
        set.add_apk(&entry.name, &bytes, budget, tables, options, report);
    }
    for e in &hints.expansions {
        if archive.find(e).is_none() {
            report.warnings.push(Warning::new(
                e.as_str(),
                "OBB file listed in manifest.json is missing",
            ));
        }
    }
    if set.parts.is_empty() {
        report
            .warnings
            .push(Warning::new("", "split set holds no readable APK"));
        report.parts = set.listed;
        return None;
    }
    Some(set.finish(&hints, report))
}

/// A file of a split directory, classified by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirFile {
    Apk,
    Obb,
    DexMetadata,
    Other,
}

/// Classifies a file of an apkeep-style directory (`<id>.apk`,
/// `<id>.<split>.apk`, `<id>.dm`, `main|patch.<vc>.<id>.obb`).
pub fn dir_file_kind(name: &str) -> DirFile {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".apk") {
        DirFile::Apk
    } else if lower.ends_with(".obb") {
        DirFile::Obb
    } else if lower.ends_with(".dm") {
        DirFile::DexMetadata
    } else {
        DirFile::Other
    }
}

/// The files of a split directory, sorted by name, as (name, path, size).
pub fn dir_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf, u64)>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for e in rd.flatten().take(4 * MAX_MEMBERS) {
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy().to_string();
        files.push((name, e.path(), meta.len()));
    }
    files.sort();
    Ok(files)
}

/// Analyses a directory of split APKs into `report`. `files` comes from
/// [`dir_files`]; `read` maps one file to its bytes.
pub fn analyse_dir(
    files: &[(String, std::path::PathBuf, u64)],
    read: &dyn Fn(&Path) -> Result<Vec<u8>, String>,
    budget: &Budget,
    tables: Tables<'_>,
    options: &Options,
    report: &mut Report,
) -> Option<Merged> {
    report.app.platform = Some("android".into());
    let mut set = SetParts::default();
    let mut count = 0usize;
    let mut package_hint = None;
    for (name, path, size) in files {
        match dir_file_kind(name) {
            DirFile::Obb => set.list(name, "obb", *size),
            DirFile::DexMetadata => set.list(name, "dex-metadata", *size),
            DirFile::Other => {}
            DirFile::Apk => {
                count += 1;
                if count > MAX_MEMBERS {
                    report.warnings.push(Warning::new(
                        "",
                        format!("more than {MAX_MEMBERS} APKs; the rest are ignored"),
                    ));
                    break;
                }
                let bytes = match read(path) {
                    Ok(b) => b,
                    Err(e) => {
                        report.warnings.push(Warning::new(name.as_str(), e));
                        continue;
                    }
                };
                set.add_apk(name, &bytes, budget, tables, options, report);
            }
        }
    }
    // apkeep names the base `<id>.apk` and splits `<id>.<split>.apk`: the
    // shortest APK name that prefixes the others is the base's.
    let apks: Vec<&str> = files
        .iter()
        .map(|(n, _, _)| n.as_str())
        .filter(|n| dir_file_kind(n) == DirFile::Apk)
        .collect();
    if let Some(shortest) = apks.iter().min_by_key(|n| n.len())
        && let Some(stem) = shortest.strip_suffix(".apk")
        && apks.iter().all(|n| n.starts_with(stem))
    {
        package_hint = Some(stem.to_string());
    }
    if set.parts.is_empty() {
        report
            .warnings
            .push(Warning::new("", "directory holds no readable APK"));
        report.parts = set.listed;
        return None;
    }
    let hints = SetHints {
        package: package_hint,
        ..SetHints::default()
    };
    Some(set.finish(&hints, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_of_another_app_or_version_is_warned_about() {
        let base = (Some("org.app".to_string()), Some("7".to_string()));
        let base_app = (base.0.as_ref(), base.1.as_ref());
        let app = |id: &str, vc: &str| crate::report::model::AppInfo {
            id: Some(id.to_string()),
            version_code: Some(vc.to_string()),
            ..Default::default()
        };
        let mut report = Report::default();
        warn_if_other_app("config.en.apk", &app("org.app", "7"), base_app, &mut report);
        assert!(report.warnings.is_empty());
        warn_if_other_app("x.apk", &app("org.other", "8"), base_app, &mut report);
        let texts: Vec<String> = report.warnings.iter().map(|w| format!("{w:?}")).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].contains("split belongs to package org.other, not org.app"));
        assert!(texts[1].contains("split has versionCode 8, the base 7"));
    }

    #[test]
    fn xapk_manifest_names_base_and_obb() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"xapk_version":2,"package_name":"org.example","split_apks":[
                {"file":"config.arm64_v8a.apk","id":"config.arm64_v8a"},
                {"file":"org.example.apk","id":"base"}],
               "expansions":[{"file":"Android/obb/org.example/main.3.org.example.obb","install_location":"EXTERNAL_STORAGE"}]}"#,
        )
        .unwrap();
        let h = hints_from_json(&v);
        assert_eq!(h.package.as_deref(), Some("org.example"));
        assert_eq!(h.base.as_deref(), Some("org.example.apk"));
        assert_eq!(
            h.expansions,
            ["Android/obb/org.example/main.3.org.example.obb"]
        );
    }

    #[test]
    fn apkeep_names_are_classified() {
        assert_eq!(dir_file_kind("org.example.apk"), DirFile::Apk);
        assert_eq!(dir_file_kind("main.3.org.example.obb"), DirFile::Obb);
        assert_eq!(dir_file_kind("org.example.dm"), DirFile::DexMetadata);
        assert_eq!(dir_file_kind("notes.txt"), DirFile::Other);
    }
}
