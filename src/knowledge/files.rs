//! The list of knowledge files built into the binary, which files the loader
//! knows, the shape checks of the TSV tables, and reading a folder.

use std::path::{Path, PathBuf};

/// Every file under `data/`, by path relative to `data/`, in path order. A
/// test checks this list against the folder so a new file cannot be forgotten.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "android_attrs.tsv",
        include_str!("../../data/android_attrs.tsv"),
    ),
    (
        "apk-signing-block-ids.tsv",
        include_str!("../../data/apk-signing-block-ids.tsv"),
    ),
    (
        "apple_identifier_apis.toml",
        include_str!("../../data/apple_identifier_apis.toml"),
    ),
    (
        "apple_plist_sdk_keys.toml",
        include_str!("../../data/apple_plist_sdk_keys.toml"),
    ),
    (
        "apple_privacy_sdks.toml",
        include_str!("../../data/apple_privacy_sdks.toml"),
    ),
    (
        "apple_required_reason_apis.toml",
        include_str!("../../data/apple_required_reason_apis.toml"),
    ),
    (
        "endpoint_noise.toml",
        include_str!("../../data/endpoint_noise.toml"),
    ),
    (
        "identifier_apis.toml",
        include_str!("../../data/identifier_apis.toml"),
    ),
    ("packers.toml", include_str!("../../data/packers.toml")),
    (
        "permissions-extra.tsv",
        include_str!("../../data/permissions-extra.tsv"),
    ),
    (
        "permissions.tsv",
        include_str!("../../data/permissions.tsv"),
    ),
    (
        "personal_data_apis.toml",
        include_str!("../../data/personal_data_apis.toml"),
    ),
    (
        "report_labels.toml",
        include_str!("../../data/report_labels.toml"),
    ),
    (
        "secret_patterns.toml",
        include_str!("../../data/secret_patterns.toml"),
    ),
    (
        "signatures/README.md",
        include_str!("../../data/signatures/README.md"),
    ),
    (
        "signatures/VERSION",
        include_str!("../../data/signatures/VERSION"),
    ),
    (
        "signatures/owners-libchecker.toml",
        include_str!("../../data/signatures/owners-libchecker.toml"),
    ),
    (
        "signatures/owners.toml",
        include_str!("../../data/signatures/owners.toml"),
    ),
    (
        "signatures/schema.toml",
        include_str!("../../data/signatures/schema.toml"),
    ),
    (
        "signatures/sdks/cn-analytics-push-ads.toml",
        include_str!("../../data/signatures/sdks/cn-analytics-push-ads.toml"),
    ),
    (
        "signatures/sdks/cn-identity.toml",
        include_str!("../../data/signatures/sdks/cn-identity.toml"),
    ),
    (
        "signatures/sdks/global.toml",
        include_str!("../../data/signatures/sdks/global.toml"),
    ),
    (
        "signatures/sdks/libchecker.toml",
        include_str!("../../data/signatures/sdks/libchecker.toml"),
    ),
    (
        "x500-keywords.tsv",
        include_str!("../../data/x500-keywords.tsv"),
    ),
];

/// Format tables: facts of the file formats telltale reads (AOSP attribute
/// ids and permission protection levels, APK signing block ids, X.500
/// attribute keywords), not knowledge about apps. They change with Android
/// and the standards, together with the parsers that use them, so they stay
/// compiled in (the parsers keep no knowledge-base parameter; see the
/// module map in the README). They are hashed with the rest, and a folder
/// given with `--knowledge` must hold them unchanged.
pub const FORMAT_TABLES: &[&str] = &[
    "android_attrs.tsv",
    "apk-signing-block-ids.tsv",
    "permissions-extra.tsv",
    "permissions.tsv",
    "x500-keywords.tsv",
];

/// Tab-separated tables and their column count.
const TSV_COLUMNS: &[(&str, usize)] = &[
    ("android_attrs.tsv", 2),
    ("apk-signing-block-ids.tsv", 3),
    ("permissions-extra.tsv", 3),
    ("permissions.tsv", 3),
    ("x500-keywords.tsv", 2),
];

/// Single files the loader reads (besides `signatures/sdks/*.toml`).
const KNOWN: &[&str] = &[
    "apple_identifier_apis.toml",
    "apple_plist_sdk_keys.toml",
    "apple_privacy_sdks.toml",
    "apple_required_reason_apis.toml",
    "endpoint_noise.toml",
    "identifier_apis.toml",
    "packers.toml",
    "personal_data_apis.toml",
    "report_labels.toml",
    "secret_patterns.toml",
    "signatures/README.md",
    "signatures/VERSION",
    "signatures/owners-libchecker.toml",
    "signatures/owners.toml",
    "signatures/schema.toml",
];

/// The folder under `data/` with downloaded IP tables, skipped by [`walk`].
pub const IP_DIR: &str = "ip";

/// Whether the loader reads `path`.
pub fn is_known(path: &str) -> bool {
    KNOWN.contains(&path)
        || TSV_COLUMNS.iter().any(|(p, _)| *p == path)
        || path
            .strip_prefix("signatures/sdks/")
            .is_some_and(|n| n.ends_with(".toml") && !n.contains('/'))
}

/// Checks that every non-comment line of a known TSV table has its columns.
pub fn check_tsv(path: &str, text: &str) -> Result<(), String> {
    let Some((_, columns)) = TSV_COLUMNS.iter().find(|(p, _)| *p == path) else {
        return Ok(());
    };
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let got = line.split('\t').count();
        if got != *columns {
            return Err(format!(
                "line {}: {got} tab-separated fields, expected {columns}",
                n + 1
            ));
        }
    }
    Ok(())
}

/// Collects `(path relative to root, file path)` of every file under `dir`.
pub fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        if path.is_dir() {
            // `ip/` holds the optional downloaded IP tables
            // (scripts/fetch-ip-data), loaded on their own by `ip_owner`.
            if dir == root && entry.file_name() == IP_DIR {
                continue;
            }
            walk(root, &path, out)?;
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push((rel.join("/"), path));
    }
    Ok(())
}
