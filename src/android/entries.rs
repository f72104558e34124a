//! The per-entry pass over an APK: every entry is inflated once, in
//! parallel, and handed to the analyser for its kind (DEX, native library,
//! raw bytes for the string scanner).

use crate::android::code::{self, DexFacts};
use crate::container::zip::{Archive, Entry};
use crate::inspect::Budget;
use crate::native::{self, ElfInfo};
use crate::scan::{self, EntryScan};
use rayon::prelude::*;

/// What an entry is, as far as analysis goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A DEX file ART loads (`classes.dex`, `classes2.dex`, …).
    Dex,
    /// A native library under `lib/<abi>/`.
    NativeLib { abi: String },
    /// Bytes worth scanning for endpoints and secrets.
    Raw,
    /// Read elsewhere or not worth scanning.
    Skip,
}

/// Extensions whose bytes are compressed or media: scanning them finds only noise.
const OPAQUE: [&str; 20] = [
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".mp4", ".ogg", ".wav", ".ttf", ".otf",
    ".woff", ".woff2", ".zip", ".jar", ".apk", ".gz", ".9.png", ".mkv", ".webm",
];

/// Classifies an entry by its name.
pub fn kind_of(name: &str, loaded_dex: &[&str]) -> EntryKind {
    if loaded_dex.contains(&name) {
        return EntryKind::Dex;
    }
    if name.ends_with('/') || name == "AndroidManifest.xml" || name.starts_with("META-INF/") {
        return EntryKind::Skip;
    }
    if let Some(rest) = name.strip_prefix("lib/")
        && let Some((abi, file)) = rest.split_once('/')
        && file.ends_with(".so")
        && !file.contains('/')
    {
        return EntryKind::NativeLib {
            abi: abi.to_string(),
        };
    }
    // Compiled resources other than raw files are binary XML and images:
    // their strings are layout text and namespace URIs, not endpoints.
    if name.starts_with("res/") && !name.starts_with("res/raw/") {
        return EntryKind::Skip;
    }
    let lower = name.to_ascii_lowercase();
    if OPAQUE.iter().any(|ext| lower.ends_with(ext)) {
        return EntryKind::Skip;
    }
    EntryKind::Raw
}

/// What the pass learnt from one entry.
#[derive(Debug, Default)]
pub struct EntryOutcome {
    pub path: String,
    pub kind: Option<EntryKind>,
    pub dex: Option<DexFacts>,
    /// ELF facts, for native libraries and any other entry that is ELF.
    pub elf: Option<ElfInfo>,
    pub scan: EntryScan,
    pub warnings: Vec<String>,
    /// Why Android's reader would fail on this entry.
    pub android_fails: Option<String>,
}

/// Inflates and analyses every entry worth it, in parallel. Results come
/// back in central-directory order, whatever the thread count.
pub fn analyse_all(
    archive: &Archive<'_>,
    budget: &Budget,
    loaded_dex: &[&str],
) -> Vec<EntryOutcome> {
    let work: Vec<(&Entry, EntryKind)> = archive
        .entries()
        .iter()
        // Android reads the first of duplicate names; so does telltale.
        .filter(|e| archive.find(&e.name).is_some_and(|f| f.index == e.index))
        .map(|e| (e, kind_of(&e.name, loaded_dex)))
        // Skipped entries stay when their name is a packer's stub file
        // (`assets/classes0.jar`…): findings names the packer from paths.
        .filter(|(e, k)| *k != EntryKind::Skip || native::packers::is_signal_path(&e.name))
        .collect();
    work.par_iter()
        .map(|(entry, kind)| match kind {
            EntryKind::Skip => EntryOutcome {
                path: entry.name.clone(),
                kind: Some(EntryKind::Skip),
                ..EntryOutcome::default()
            },
            _ => analyse_one(archive, budget, entry, kind.clone()),
        })
        .collect()
}

fn analyse_one(
    archive: &Archive<'_>,
    budget: &Budget,
    entry: &Entry,
    kind: EntryKind,
) -> EntryOutcome {
    let mut out = EntryOutcome {
        path: entry.name.clone(),
        kind: Some(kind.clone()),
        ..EntryOutcome::default()
    };
    let read = match budget.read_entry(archive, entry) {
        Ok(r) => r,
        Err(e) => {
            out.warnings.push(e);
            return out;
        }
    };
    out.warnings
        .extend(read.notes.iter().map(|n| format!("zip: {n}")));
    out.android_fails = read.android_fails;
    let bytes = read.bytes;
    match kind {
        EntryKind::Dex => match code::analyse(&bytes) {
            Ok(facts) => {
                out.warnings
                    .extend(facts.warnings.iter().map(|w| format!("DEX: {w}")));
                out.scan = scan::scan_strings(facts.strings.iter().map(|(o, s)| (*o, s.as_str())));
                out.dex = Some(facts);
            }
            Err(e) => out.warnings.push(e),
        },
        EntryKind::NativeLib { .. } => {
            if !native::is_elf(&bytes) {
                out.warnings
                    .push("not an ELF file; scanned as raw bytes".into());
                out.scan = scan::scan_bytes(&bytes, 0);
            } else {
                analyse_elf(&bytes, &mut out);
            }
        }
        EntryKind::Raw if native::is_elf(&bytes) => analyse_elf(&bytes, &mut out),
        EntryKind::Raw => out.scan = scan::scan_bytes(&bytes, 0),
        EntryKind::Skip => {}
    }
    out
}

/// ELF facts plus the scanner over the string-bearing sections.
fn analyse_elf(bytes: &[u8], out: &mut EntryOutcome) {
    if let Some(info) = native::read_elf(bytes) {
        out.warnings
            .extend(info.warnings.iter().map(|w| format!("ELF: {w}")));
        out.elf = Some(info);
    }
    for (offset, piece) in scan::elf_string_sections(bytes) {
        let found = scan::scan_bytes(piece, offset);
        out.scan.endpoints.extend(found.endpoints);
        out.scan.secrets.extend(found.secrets);
    }
}
