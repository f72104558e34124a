//! Tells which kind of package an archive is, from what it holds.

use crate::container::zip::Archive;

/// Package kinds telltale knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Apk,
    Apks,
    Xapk,
    Apkm,
    Aab,
    Ipa,
    Zip,
}

impl Format {
    /// Name used in `input.format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Apk => "apk",
            Format::Apks => "apks",
            Format::Xapk => "xapk",
            Format::Apkm => "apkm",
            Format::Aab => "aab",
            Format::Ipa => "ipa",
            Format::Zip => "zip",
        }
    }
}

/// Decides the format from the entries (the file name only breaks ties).
pub fn format_of(archive: &Archive<'_>, path: &str) -> Format {
    let has = |name: &str| archive.find(name).is_some();
    let names = || archive.entries().iter().map(|e| e.name.as_str());
    let lower = path.to_ascii_lowercase();
    if has("AndroidManifest.xml") {
        return Format::Apk;
    }
    if has("base/manifest/AndroidManifest.xml") {
        return Format::Aab;
    }
    if names().any(|n| n.starts_with("Payload/") && n.contains(".app/")) {
        return Format::Ipa;
    }
    let apks = names().filter(|n| n.ends_with(".apk")).count();
    if apks > 0 {
        if has("manifest.json") {
            return Format::Xapk;
        }
        if has("info.json") || lower.ends_with(".apkm") {
            return Format::Apkm;
        }
        return Format::Apks;
    }
    if lower.ends_with(".apk") || names().any(|n| n.starts_with("classes") && n.ends_with(".dex")) {
        return Format::Apk;
    }
    Format::Zip
}
