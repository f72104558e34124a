//! Facts from one DEX file: its classes, the identifier APIs its code calls,
//! and which classes load each string (so an endpoint string can be tied to
//! the SDK whose code uses it).

use crate::android::dex::{Dex, RefKind, descriptor_to_java};
use crate::android::identifiers::{self, ApiHit};
use crate::android::personal_data::{self, ReadHit};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// What one DEX entry holds.
#[derive(Debug, Default)]
pub struct DexFacts {
    /// Java names of the classes it defines (DEX files with the same
    /// classes can share one list, [`crate::scan::collect::Collector::share`]).
    pub classes: Arc<[String]>,
    /// Java names of classes its code refers to but it does not define.
    pub referenced: Arc<[String]>,
    /// Identifier/fingerprinting API call sites.
    pub api_hits: Vec<ApiHit>,
    /// Personal-data reads (content URIs loaded, catalogued fields/APIs).
    pub personal_hits: Vec<ReadHit>,
    /// Data offset of every string, ascending (to find which string a hit is in).
    pub string_offsets: Vec<u64>,
    /// String data offset → Java names of the classes whose code loads it
    /// with `const-string`.
    pub string_users: FastMap<u64, Vec<String>>,
    /// Anomalies met while reading.
    pub warnings: Vec<String>,
}

/// A hash map with a fast hash: its keys are offsets and indexes read from
/// the input, and it is never iterated into output.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The (data offset, text) pairs of a DEX string table.
pub type Strings<'s> = dyn Iterator<Item = (u64, &'s str)> + 's;
/// Where [`analyse`] hands the string table (the caller's scanner; it may
/// run on another thread than the caller's).
pub type StringSink<'f> = dyn for<'s> FnMut(&mut Strings<'s>) + Send + 'f;

/// Longest string kept for scanning (longer ones are cut; see README).
pub const MAX_SCANNED_STRING: usize = 64 * 1024;

/// Cuts a string to [`MAX_SCANNED_STRING`] bytes at a character boundary.
fn cap_length(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.len() <= MAX_SCANNED_STRING {
        return text;
    }
    let mut cut = MAX_SCANNED_STRING;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    Cow::Owned(text[..cut].to_string())
}

/// Reads one DEX file. Its string table (data offset, text) is handed once
/// to `on_strings` (the caller's scanner), so this reader never scans.
/// `apis` is the identifier-API catalogue and `personal` the personal-data
/// catalogue the code is searched for.
///
/// Three parts need nothing of each other and run side by side
/// ([`rayon::join`]): the code walk (API calls, string users), the string
/// table (read, then scanned by `on_strings`) and the class lists. So a
/// package whose work is one large DEX file uses a second core; none holds
/// more than the DEX bytes already in hand, and the result is the same
/// whichever runs first.
pub fn analyse(
    bytes: &[u8],
    apis: &[identifiers::ApiSpec],
    personal: &personal_data::Catalogue,
    on_strings: &mut StringSink<'_>,
) -> Result<DexFacts, String> {
    let dex = Dex::parse(bytes).map_err(|e| format!("DEX: {e}"))?;
    let ((walked, users), (strings, (classes, referenced))) = rayon::join(
        || {
            let mut walked = DexFacts::default();
            let users = walk_code(&dex, apis, personal, &mut walked);
            (walked, string_users(&dex, users))
        },
        || {
            rayon::join(
                || {
                    // Strings are borrowed from the DEX bytes (MUTF-8 that is
                    // valid UTF-8 needs no copy); only over-long ones are cut
                    // to a new string.
                    let strings: Vec<(u64, Cow<'_, str>)> = dex
                        .strings()
                        .map(|(offset, text)| (u64::from(offset), cap_length(text)))
                        .collect();
                    on_strings(&mut strings.iter().map(|(o, s)| (*o, s.as_ref())));
                    strings
                },
                || {
                    let classes: Arc<[String]> = dex.class_names().into();
                    let referenced = referenced_classes(&dex, &classes);
                    (classes, referenced)
                },
            )
        },
    );
    let whole_table = strings.len() as u64 == u64::from(dex.string_ids().count);
    let mut string_offsets: Vec<u64> = strings.iter().map(|(o, _)| *o).collect();
    drop(strings);
    string_offsets.sort_unstable();
    // Only strings the table yields are kept (a table cut short by its
    // bounds yields fewer than the code loads).
    let mut string_users = users;
    if !whole_table {
        string_users.retain(|offset, _| string_offsets.binary_search(offset).is_ok());
    }
    let mut warnings = dex.warnings().to_vec();
    warnings.extend(walked.warnings);
    Ok(DexFacts {
        classes,
        referenced,
        api_hits: walked.api_hits,
        personal_hits: walked.personal_hits,
        string_offsets,
        string_users,
        warnings,
    })
}

/// The Java names (sorted, once each) of the classes loading each string,
/// keyed by string data offset, from the classes loading each string index.
fn string_users(dex: &Dex, users: Vec<Vec<u32>>) -> FastMap<u64, Vec<String>> {
    // Key the users by string data offset, the key `strings()` yields (of
    // two indexes at one offset, the last counts).
    let users: FastMap<u64, Vec<u32>> = (0u32..)
        .zip(users)
        .filter(|(_, classes)| !classes.is_empty())
        .filter_map(|(idx, classes)| Some((u64::from(dex.string_data_offset(idx)?), classes)))
        .collect();
    // A class loads many strings: its name is made once.
    let mut java: FastMap<u32, Option<String>> = FastMap::default();
    users
        .into_iter()
        .map(|(offset, class_idxs)| {
            let mut names: Vec<String> = class_idxs
                .iter()
                .filter_map(|&c| {
                    java.entry(c)
                        .or_insert_with(|| dex.type_name(c).map(|d| descriptor_to_java(&d)))
                        .clone()
                })
                .collect();
            names.sort();
            names.dedup();
            (offset, names)
        })
        .collect()
}

/// Java names of the classes `dex` refers to but does not define, sorted.
fn referenced_classes(dex: &Dex, classes: &[String]) -> Arc<[String]> {
    let defined: std::collections::HashSet<&str> = classes.iter().map(String::as_str).collect();
    let mut referenced: Vec<String> = (0..dex.type_ids().count)
        .filter_map(|t| dex.type_name(t))
        .filter(|d| d.starts_with('L'))
        .map(|d| descriptor_to_java(&d))
        .filter(|c| !defined.contains(c.as_str()))
        .collect();
    referenced.sort();
    referenced.dedup();
    referenced.into()
}

/// One walk of the code feeds the identifier-API scan, the personal-data
/// field/method scan and the string users: fills `facts`' API and
/// personal-data hits and warnings, and returns, per string index, the
/// classes loading it.
fn walk_code(
    dex: &Dex,
    apis: &[identifiers::ApiSpec],
    personal: &personal_data::Catalogue,
    facts: &mut DexFacts,
) -> Vec<Vec<u32>> {
    let uris = personal_data::uri_strings(personal, dex);
    // (URI string, class) → first instruction loading it.
    let mut uri_loads: std::collections::BTreeMap<(u32, u32), u32> = Default::default();
    // String idx → classes loading it (an index past the table names no
    // string and is dropped by the caller anyway).
    let string_count = dex.string_ids().count as usize;
    let mut users: Vec<Vec<u32>> = vec![Vec::new(); string_count];
    let mut api_calls = identifiers::CallScan::new(dex, apis);
    let mut personal_calls = personal_data::call_scan(personal, dex);
    let walk = dex.walk_code(|r| {
        if let Some(scan) = &mut api_calls {
            scan.visit(&r);
        }
        if let Some(scan) = &mut personal_calls {
            scan.visit(&r);
        }
        if r.kind == RefKind::ConstString {
            if !uris.is_empty() && uris.contains_key(&r.index) {
                let first = uri_loads.entry((r.index, r.class_idx)).or_insert(r.offset);
                *first = (*first).min(r.offset);
            }
            if let Some(classes) = users.get_mut(r.index as usize)
                && classes.last() != Some(&r.class_idx)
                && classes.len() < 64
            {
                classes.push(r.class_idx);
            }
        }
    });
    facts.warnings.extend(walk.warnings);
    if let Some(scan) = api_calls {
        facts.api_hits = scan.finish(dex);
    }
    if let Some(scan) = personal_calls {
        facts.personal_hits = personal_data::read_hits(personal, scan.finish(dex));
    }
    facts
        .personal_hits
        .extend(personal_data::uri_hits(dex, &uris, &uri_loads));
    facts.personal_hits.sort();
    users
}

/// The classes that load the DEX string holding `offset`, from a DEX's
/// string offsets (ascending) and their users.
pub fn string_users_at<'a>(
    string_offsets: &[u64],
    string_users: &'a FastMap<u64, Vec<String>>,
    offset: u64,
) -> &'a [String] {
    // Strings are keyed by their data offset; a hit lies at or after it.
    let idx = string_offsets.partition_point(|o| *o <= offset);
    let Some(start) = idx.checked_sub(1).and_then(|i| string_offsets.get(i)) else {
        return &[];
    };
    string_users.get(start).map(Vec::as_slice).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::zip::{Archive, Limits};

    #[test]
    fn strings_carry_offsets_and_their_loading_classes() {
        let apk = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/sdk-planted.apk"
        ))
        .unwrap();
        let archive = Archive::parse(&apk).unwrap();
        let dex = archive
            .read(archive.find("classes.dex").unwrap(), &Limits::default())
            .unwrap();
        let mut found = crate::scan::EntryScan::default();
        let k = crate::knowledge::Knowledge::embedded().unwrap();
        let facts = analyse(&dex, &k.identifier_apis, &k.personal_data, &mut |s| {
            found = crate::scan::scan_strings(&k.scan, s)
        })
        .unwrap();
        let url = "https://www.cmpassport.com/unisdk/rs/getPrePhonescrip";
        let hit = found
            .endpoints
            .iter()
            .find(|h| h.url.as_deref() == Some(url))
            .expect("planted URL");
        let at = hit.offset as usize;
        assert_eq!(&dex[at..at + url.len()], url.as_bytes());
        assert!(facts.string_offsets.contains(&hit.offset));
        assert_eq!(
            facts.string_users[&hit.offset],
            ["com.cmic.sso.sdk.auth.AuthnHelper"]
        );
        assert!(facts.classes.iter().any(|c| c == "com.facebookfan.Fan"));
    }
}
