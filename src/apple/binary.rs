//! One Mach-O binary of a package read for the findings stage: its facts
//! (from [`super::macho`]) and the scanner's hits in its string sections.

use super::macho::{self, MachOFacts};
use crate::scan::{self, EntryScan};

/// One Mach-O read from the package, with where it lives.
pub struct BinaryFacts {
    /// Path inside the IPA (or the file path for a bare Mach-O).
    pub path: String,
    /// Folder of the (non-main) bundle holding it.
    pub bundle: Option<String>,
    /// SDK of the framework holding it, set by the findings stage.
    pub sdk: Option<String>,
    pub facts: MachOFacts,
    /// Endpoints and secrets in the string sections of every slice; offsets
    /// from the start of the file.
    pub scan: EntryScan,
}

/// Reads the Mach-O `bytes` found at `path` and scans its string sections
/// with `rules`.
pub fn read(
    rules: &scan::Rules,
    path: String,
    bundle: Option<String>,
    bytes: &[u8],
) -> BinaryFacts {
    let facts = macho::analyse(bytes);
    let mut found = EntryScan::default();
    for s in &facts.slices {
        for &(offset, len) in &s.string_sections {
            let piece = usize::try_from(offset)
                .ok()
                .zip(usize::try_from(offset.saturating_add(len)).ok())
                .and_then(|(a, b)| bytes.get(a..b));
            if let Some(piece) = piece {
                found.extend(scan::scan_code_bytes(rules, piece, offset));
            }
        }
    }
    BinaryFacts {
        path,
        bundle,
        sdk: None,
        facts,
        scan: found,
    }
}
