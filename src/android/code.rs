//! Facts from one DEX file: its classes, the identifier APIs its code calls,
//! and which classes load each string (so an endpoint string can be tied to
//! the SDK whose code uses it).

use crate::android::dex::{Dex, RefKind, descriptor_to_java};
use crate::android::identifiers::{self, ApiHit};
use std::collections::HashMap;

/// What one DEX entry holds.
#[derive(Debug, Default)]
pub struct DexFacts {
    /// Java names of the classes it defines.
    pub classes: Vec<String>,
    /// Identifier/fingerprinting API call sites.
    pub api_hits: Vec<ApiHit>,
    /// `(string data offset, text)` of every string, for the scanner.
    pub strings: Vec<(u64, String)>,
    /// String data offset → Java names of the classes whose code loads it
    /// with `const-string`.
    pub string_users: HashMap<u64, Vec<String>>,
    /// Anomalies met while reading.
    pub warnings: Vec<String>,
}

/// Longest string kept for scanning (longer ones are cut; see README).
pub const MAX_SCANNED_STRING: usize = 64 * 1024;

/// Reads one DEX file.
pub fn analyse(bytes: &[u8]) -> Result<DexFacts, String> {
    let dex = Dex::parse(bytes).map_err(|e| format!("DEX: {e}"))?;
    let mut facts = DexFacts {
        classes: dex.class_names(),
        api_hits: identifiers::scan_dex(&dex),
        warnings: dex.warnings().to_vec(),
        ..DexFacts::default()
    };
    let mut users: HashMap<u32, Vec<u32>> = HashMap::new();
    let walk = dex.walk_code(|r| {
        if r.kind == RefKind::ConstString {
            let classes = users.entry(r.index).or_default();
            if classes.last() != Some(&r.class_idx) && classes.len() < 64 {
                classes.push(r.class_idx);
            }
        }
    });
    facts.warnings.extend(walk.warnings);
    for (idx, text) in dex.strings() {
        let Some(offset) = dex.string_data_offset(idx) else { continue };
        let offset = u64::from(offset);
        let mut text = text.into_owned();
        if text.len() > MAX_SCANNED_STRING {
            let mut cut = MAX_SCANNED_STRING;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        if let Some(class_idxs) = users.get(&idx) {
            let mut names: Vec<String> = class_idxs
                .iter()
                .filter_map(|&c| dex.type_name(c).map(|d| descriptor_to_java(&d)))
                .collect();
            names.sort();
            names.dedup();
            facts.string_users.insert(offset, names);
        }
        facts.strings.push((offset, text));
    }
    Ok(facts)
}
