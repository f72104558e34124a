//! Personal-data reads in DEX code: the content-provider URIs a class loads
//! (`const-string "content://sms/inbox"`), and the `CONTENT_URI` fields and
//! APIs of `data/personal_data_apis.toml` it reads or calls. Like identifier
//! APIs, a class counts as a caller only when its code does it; the findings
//! stage places the callers ([`collect`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::dex::{Dex, descriptor_to_java};
use super::identifiers::{self, ApiSpec};
use super::personal_data_catalogue::{AccessMatch, PersonalDataApi};
use crate::report::model::PersonalDataRead;

/// The catalogue, compiled for DEX matching; the knowledge base owns one
/// (`Knowledge::personal_data`) and hands it down.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// Every entry (Android and iOS).
    pub entries: Vec<PersonalDataApi>,
    /// Field and method entries as identifier-style specs (`api` = entry id).
    specs: Vec<ApiSpec>,
    /// For each spec, its entry index.
    spec_entry: Vec<usize>,
    /// `(uri, entry index)`.
    uris: Vec<(String, usize)>,
}

impl Catalogue {
    /// Compiles parsed entries.
    pub fn new(entries: Vec<PersonalDataApi>) -> Catalogue {
        let mut specs = Vec::new();
        let mut spec_entry = Vec::new();
        let mut uris = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let (class, method, field) = match &e.matcher {
                AccessMatch::Uri(u) => {
                    uris.push((u.clone(), i));
                    continue;
                }
                AccessMatch::Field { class, field } => (class, None, Some(field.clone())),
                AccessMatch::Method { class, method } => (class, Some(method.clone()), None),
                AccessMatch::Symbol(_) => continue,
            };
            specs.push(ApiSpec {
                api: e.id.clone(),
                category: e.kind.clone(),
                reason: e.reason.clone(),
                class: class.clone(),
                method,
                field,
                proto: None,
                requires_string: None,
                source: e.source.clone(),
            });
            spec_entry.push(i);
        }
        Catalogue {
            entries,
            specs,
            spec_entry,
            uris,
        }
    }

    /// The catalogue entry a loaded string is evidence of: a catalogued URI
    /// itself or a longer one at a `/` boundary (`content://sms/inbox`).
    pub fn uri_entry(&self, s: &[u8]) -> Option<usize> {
        if !s.starts_with(b"content://") {
            return None;
        }
        self.uris
            .iter()
            .filter(|(u, _)| {
                s.strip_prefix(u.as_bytes())
                    .is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
            })
            .max_by_key(|(u, _)| u.len())
            .map(|(_, i)| *i)
    }

    /// How the evidence of a field/method entry is shown.
    fn shown(&self, entry: usize) -> String {
        match self.entries.get(entry).map(|e| &e.matcher) {
            Some(AccessMatch::Field { class, field }) => {
                format!("{}.{field}", descriptor_to_java(class))
            }
            Some(AccessMatch::Method { class, method }) => {
                format!("{}.{method}()", descriptor_to_java(class))
            }
            Some(AccessMatch::Uri(u)) => u.clone(),
            Some(AccessMatch::Symbol(s)) => s.clone(),
            None => String::new(),
        }
    }
}

/// One read by one class of one DEX file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadHit {
    /// Index into [`Catalogue::entries`].
    pub entry: usize,
    /// Java name of the class whose code does it.
    pub caller: String,
    /// File offset (within the DEX) of its first such instruction.
    pub offset: u32,
    /// What was seen: the URI loaded, or the field/method referenced.
    pub evidence: String,
}

/// The field/method reads of one DEX file, as an identifier-style scan for
/// the code walk of `android::code` (which also finds the URI loads, see
/// [`uri_hits`]); its hits go through [`read_hits`].
pub fn call_scan<'c>(cat: &'c Catalogue, dex: &Dex) -> Option<identifiers::CallScan<'c>> {
    identifiers::CallScan::new(dex, &cat.specs)
}

/// Turns the hits of [`call_scan`] into reads.
pub fn read_hits(cat: &Catalogue, hits: Vec<identifiers::ApiHit>) -> Vec<ReadHit> {
    hits.into_iter()
        .filter_map(|h| {
            let entry = *cat.spec_entry.get(h.spec)?;
            Some(ReadHit {
                entry,
                evidence: cat.shown(entry),
                caller: h.caller,
                offset: h.offset,
            })
        })
        .collect()
}

/// Longest string read to test for a catalogued URI.
const MAX_URI_BYTES: usize = 512;

/// String index → (entry, URI text) for every string of `dex` that is a
/// catalogued content URI.
pub fn uri_strings(cat: &Catalogue, dex: &Dex) -> HashMap<u32, (usize, String)> {
    let mut out = HashMap::new();
    for s in 0..dex.string_ids().count {
        let Some(bytes) = dex.short_string_bytes(s, MAX_URI_BYTES) else {
            continue;
        };
        if let Some(e) = cat.uri_entry(bytes) {
            out.insert(s, (e, String::from_utf8_lossy(bytes).into_owned()));
        }
    }
    out
}

/// Turns `(string idx, class type idx) → first offset` of URI loads into hits.
pub fn uri_hits(
    dex: &Dex,
    uris: &HashMap<u32, (usize, String)>,
    loads: &BTreeMap<(u32, u32), u32>,
) -> Vec<ReadHit> {
    let mut out: Vec<ReadHit> = loads
        .iter()
        .filter_map(|(&(string, class), &offset)| {
            let (entry, uri) = uris.get(&string)?;
            let caller = dex
                .type_name(class)
                .map(|d| descriptor_to_java(&d))
                .unwrap_or_else(|| format!("<type {class}>"));
            Some(ReadHit {
                entry: *entry,
                caller,
                offset,
                evidence: uri.clone(),
            })
        })
        .collect();
    out.sort();
    out
}

/// The iOS reads of one Mach-O: catalogued symbols it imports, as hits whose
/// caller is `binary` (offset 0: symbols have no single place).
pub fn symbol_hits(cat: &Catalogue, imports: &BTreeSet<String>, binary: &str) -> Vec<ReadHit> {
    cat.entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.matcher {
            AccessMatch::Symbol(s) if imports.contains(s) => Some(ReadHit {
                entry: i,
                caller: binary.to_string(),
                offset: 0,
                evidence: s.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Merges the hits of several DEX entries into one record per catalogue
/// entry; `place_of` places each caller as for identifier APIs.
pub fn collect<'h>(
    cat: &Catalogue,
    hits: impl IntoIterator<Item = (&'h str, &'h ReadHit)>,
    place_of: &dyn Fn(&str) -> String,
) -> Vec<PersonalDataRead> {
    #[derive(Default)]
    struct Acc {
        evidence: BTreeSet<String>,
        callers: BTreeSet<String>,
        locations: BTreeMap<String, u32>,
    }
    let mut by_entry: BTreeMap<usize, Acc> = BTreeMap::new();
    for (path, hit) in hits {
        let acc = by_entry.entry(hit.entry).or_default();
        acc.evidence.insert(hit.evidence.clone());
        acc.callers.insert(hit.caller.clone());
        let off = acc.locations.entry(path.to_string()).or_insert(hit.offset);
        *off = (*off).min(hit.offset);
    }
    let mut cache = HashMap::new();
    let mut out: Vec<PersonalDataRead> = by_entry
        .into_iter()
        .filter_map(|(entry, acc)| {
            let e = cat.entries.get(entry)?;
            let (sdks, callers_by_sdk) =
                identifiers::place_callers(&acc.callers, place_of, &mut cache);
            Some(PersonalDataRead {
                kind: e.kind.clone(),
                id: e.id.clone(),
                evidence: acc.evidence.into_iter().collect(),
                reason: e.reason.clone(),
                callers: acc.callers.into_iter().collect(),
                sdks,
                callers_by_sdk,
                locations: identifiers::dex_locations(acc.locations),
            })
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> &'static Catalogue {
        &crate::knowledge::Knowledge::embedded()
            .unwrap()
            .personal_data
    }

    #[test]
    fn uris_match_at_a_slash_and_prefer_the_longest_entry() {
        let cat = catalogue();
        let id = |s: &str| {
            cat.uri_entry(s.as_bytes())
                .map(|e| cat.entries[e].id.as_str())
        };
        assert_eq!(id("content://sms"), Some("sms-uri"));
        assert_eq!(id("content://sms/inbox"), Some("sms-uri"));
        assert_eq!(id("content://mms-sms/conversations"), Some("mms-sms-uri"));
        assert_eq!(id("content://smsx"), None);
        assert_eq!(
            id("content://com.android.contacts/data"),
            Some("contacts-uri")
        );
        assert_eq!(id("content://call_log/calls"), Some("call-log-uri"));
        assert_eq!(id("http://sms/"), None);
    }

    #[test]
    fn the_sample_reads_by_uri_field_and_method_with_callers_and_offsets() {
        let bytes: &[u8] = include_bytes!("../../samples/personal-data.dex");
        let facts = crate::android::code::analyse(bytes, &[], catalogue(), &mut |_| {}).unwrap();
        let cat = catalogue();
        let got: Vec<(&str, &str, &str, u8)> = facts
            .personal_hits
            .iter()
            .map(|h| {
                (
                    cat.entries[h.entry].id.as_str(),
                    h.caller.as_str(),
                    h.evidence.as_str(),
                    bytes[h.offset as usize],
                )
            })
            .collect();
        let sdk = "com.cmic.sso.sdk.auth.AuthnHelper";
        let app = "com.example.app.MainActivity";
        // Opcodes at the offsets: 0x1a const-string, 0x62 sget-object,
        // 0x6e invoke-virtual. `content://smsx` is not a read.
        let mut want = vec![
            ("sms-uri", sdk, "content://sms/inbox", 0x1a),
            (
                "contacts-content-uri",
                sdk,
                "android.provider.ContactsContract$Contacts.CONTENT_URI",
                0x62,
            ),
            (
                "accounts-get-accounts",
                sdk,
                "android.accounts.AccountManager.getAccounts()",
                0x6e,
            ),
            (
                "clipboard-primary-clip",
                app,
                "android.content.ClipboardManager.getPrimaryClip()",
                0x6e,
            ),
            ("call-log-uri", app, "content://call_log/calls", 0x1a),
        ];
        let mut got = got;
        got.sort();
        want.sort();
        assert_eq!(got, want);

        let place = |c: &str| {
            if c.starts_with("com.cmic.") {
                "cmic-sso".to_string()
            } else {
                "app".to_string()
            }
        };
        let reads = collect(
            catalogue(),
            facts.personal_hits.iter().map(|h| ("classes.dex", h)),
            &place,
        );
        let sms = reads.iter().find(|r| r.id == "sms-uri").unwrap();
        assert_eq!(sms.kind, "sms");
        assert_eq!(sms.sdks, ["cmic-sso"]);
        assert_eq!(sms.callers_by_sdk[0].callers, [sdk]);
        assert_eq!(sms.locations[0].path, "classes.dex");
    }

    #[test]
    fn ios_symbols_are_reads_of_the_importing_binary() {
        let imports: BTreeSet<String> = ["_OBJC_CLASS_$_CNContactStore", "_OBJC_CLASS_$_NSObject"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let hits = symbol_hits(catalogue(), &imports, "Payload/A.app/A");
        assert_eq!(hits.len(), 1);
        assert_eq!(catalogue().entries[hits[0].entry].kind, "contacts");
        assert_eq!(hits[0].caller, "Payload/A.app/A");
    }

    #[test]
    fn field_and_method_entries_become_specs() {
        let cat = catalogue();
        assert!(!cat.specs.is_empty());
        assert_eq!(cat.specs.len(), cat.spec_entry.len());
        let i = cat
            .entries
            .iter()
            .position(|e| e.id == "call-log-content-uri")
            .unwrap();
        assert_eq!(cat.shown(i), "android.provider.CallLog$Calls.CONTENT_URI");
    }
}
