//! Android App Bundles (`.aab`): one module per top-level directory
//! (`base/`, feature modules, asset packs), each with a protobuf manifest
//! (`<module>/manifest/AndroidManifest.xml`), `dex/`, `lib/`, `assets/`,
//! `res/`, `root/` and `resources.pb`. Identity comes from `base`; the
//! lists and code facts of every module are merged.

use crate::android::aapt_proto;
use crate::android::apk::{self, ApkPart, Merged, Resolve};
use crate::android::entries::{self, EntryKind, Tables};
use crate::android::manifest;
use crate::container::Budget;
use crate::container::zip::{Archive, Entry};
use crate::options::Options;
use crate::report::model::{PackagePart, Report, Warning};
use crate::scan::file_kinds::FileKinds;

/// Top-level directories of a bundle that are not modules.
const NOT_MODULES: [&str; 2] = ["BUNDLE-METADATA", "META-INF"];

/// Module names of the bundle, `base` first, then in name order.
pub fn modules(archive: &Archive<'_>) -> Vec<String> {
    let mut found: Vec<String> = archive
        .entries()
        .iter()
        .filter_map(|e| {
            let (m, rest) = e.name.split_once('/')?;
            (rest == "manifest/AndroidManifest.xml" && !NOT_MODULES.contains(&m))
                .then(|| m.to_string())
        })
        .collect();
    found.sort_by(|a, b| (a != "base", a).cmp(&(b != "base", b)));
    found.dedup();
    found
}

/// How an entry of module `module` is analysed (`rest` is its path inside
/// the module).
fn kind_in_module(rest: &str, kinds: &FileKinds) -> EntryKind {
    if let Some(file) = rest.strip_prefix("dex/") {
        return if file.ends_with(".dex") && !file.contains('/') {
            EntryKind::Dex
        } else {
            EntryKind::Skip
        };
    }
    if rest.starts_with("manifest/") || rest.ends_with(".pb") && !rest.contains('/') {
        return EntryKind::Skip;
    }
    let inner = rest.strip_prefix("root/").unwrap_or(rest);
    entries::kind_of(inner, &[], kinds)
}

/// Analyses an App Bundle into `report`; returns the entry facts for the
/// findings stage.
pub fn analyse(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    options: &Options,
    report: &mut Report,
) -> Merged {
    report.app.platform = Some("android".into());
    let modules = modules(archive);
    if modules.first().map(String::as_str) != Some("base") {
        report.warnings.push(Warning::new(
            "base/manifest/AndroidManifest.xml",
            "bundle without a base module: app identity is taken from the first module",
        ));
    }
    let mut merged = Merged {
        is_bundle: true,
        ..Merged::default()
    };
    for (i, module) in modules.iter().enumerate() {
        let part = analyse_module(archive, budget, tables, options, module);
        report.parts.push(PackagePart {
            path: format!("{module}/"),
            kind: "module".into(),
            split: Some(module.clone()),
            size: archive
                .entries()
                .iter()
                .filter(|e| e.name.starts_with(&format!("{module}/")))
                .map(|e| e.uncompressed_size)
                .fold(0u64, u64::saturating_add),
        });
        merged.add(report, part, None, i == 0);
    }
    apk::read_signing(archive, budget, report);
    merged
}

/// One module as an [`ApkPart`]; its paths are already bundle paths.
fn analyse_module(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    options: &Options,
    module: &str,
) -> ApkPart {
    let mut part = ApkPart {
        split: (module != "base").then(|| module.to_string()),
        ..ApkPart::default()
    };
    let report = &mut part.report;
    let manifest_path = format!("{module}/manifest/AndroidManifest.xml");
    let table_path = format!("{module}/resources.pb");
    let table = archive.find(&table_path).and_then(|_| {
        let read = budget
            .read(archive, &table_path)
            .map_err(|e| report.warnings.push(Warning::new(&table_path, e)))
            .ok()?;
        aapt_proto::parse_table(&read.bytes)
            .map_err(|e| report.warnings.push(Warning::new(&table_path, e)))
            .ok()
    });
    let root = budget
        .read(archive, &manifest_path)
        .map_err(String::from)
        .and_then(|r| aapt_proto::parse_xml(&r.bytes));
    match root {
        Ok(root) => {
            let m = manifest::from_root(&root);
            part.has_manifest = true;
            let mut refusals = Vec::new();
            apk::fill_from_manifest(
                &m,
                table.as_ref().map(|t| t as &dyn Resolve),
                report,
                &mut refusals,
            );
            for w in &mut report.warnings {
                if w.path == "AndroidManifest.xml" {
                    w.path = manifest_path.clone();
                }
            }
            if module == "base" {
                let manifest = format!("{module}/manifest/AndroidManifest.xml");
                let prefix = format!("{module}/");
                apk::read_network_security_config(
                    archive,
                    budget,
                    &manifest,
                    &prefix,
                    &aapt_proto::parse_xml,
                    report,
                );
            }
        }
        Err(e) => report.warnings.push(Warning::new(&manifest_path, e)),
    }
    let prefix = format!("{module}/");
    let work: Vec<(&Entry, EntryKind)> = entries::first_of_each_name(archive)
        .filter_map(|e| {
            let rest = e.name.strip_prefix(&prefix)?;
            Some((e, kind_in_module(rest, tables.scan.file_kinds())))
        })
        .filter(|(_, k)| *k != EntryKind::Skip)
        .collect();
    part.outcomes = entries::analyse_work(archive, budget, tables, &work, apk::nesting(options));
    part
}

/// Reads the base module's network security config (protobuf XML).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_entries_are_classified() {
        let kinds = crate::knowledge::Knowledge::embedded()
            .unwrap()
            .scan
            .file_kinds();
        let kind_in_module = |rest| kind_in_module(rest, kinds);
        assert_eq!(kind_in_module("dex/classes.dex"), EntryKind::Dex);
        assert_eq!(kind_in_module("dex/classes2.dex"), EntryKind::Dex);
        assert_eq!(
            kind_in_module("manifest/AndroidManifest.xml"),
            EntryKind::Skip
        );
        assert_eq!(kind_in_module("resources.pb"), EntryKind::Skip);
        assert_eq!(
            kind_in_module("lib/arm64-v8a/libglide-webp.so"),
            EntryKind::NativeLib {
                abi: "arm64-v8a".into()
            }
        );
        assert_eq!(
            kind_in_module("root/OpenSourceAnnouncement.txt"),
            EntryKind::Raw
        );
        assert_eq!(kind_in_module("res/layout/main.xml"), EntryKind::Skip);
        assert_eq!(kind_in_module("res/raw/watchface.xml"), EntryKind::Raw);
    }
}
