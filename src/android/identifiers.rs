//! Device-identifier and fingerprinting APIs called from DEX code.
//!
//! The catalogue (`data/identifier_apis.toml`) lists DEX references (class
//! descriptor + method or field name). A class counts as a *caller* only when
//! one of its methods invokes the method (`invoke-*`) or reads the field
//! (`iget`/`sget`); a method id that merely sits in the tables does not count.
//! Entries with `requires_string` also need the same method to load that
//! string (`const-string "android_id"` next to `Settings.Secure.getString`).

use crate::datafile::Doc;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use super::dex::{CodeRef, Dex, RefKind, descriptor_to_java};
use crate::report::model::{CallerGroup, IdentifierApi, Location};

/// The place of code that is neither a listed SDK nor the app's namespace.
pub const OTHER: &str = "other";
/// The place of the app's own code.
pub const APP: &str = "app";

/// One catalogue entry: one DEX reference reported as one API.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    /// Name reported in `identifier_apis[].api`.
    pub api: String,
    /// Category, e.g. `hardware-id`.
    pub category: String,
    /// Why reading it matters for privacy (one sentence).
    pub reason: String,
    /// Class descriptor, e.g. `Landroid/telephony/TelephonyManager;`.
    pub class: String,
    /// Method name (every overload unless `proto` is set).
    pub method: Option<String>,
    /// Field name (for field reads).
    pub field: Option<String>,
    /// Proto descriptor restricting `method` to one overload.
    pub proto: Option<String>,
    /// A string the calling method must also load with `const-string`.
    pub requires_string: Option<String>,
    /// Where the reference was confirmed.
    pub source: String,
}

#[derive(Debug, Deserialize)]
struct CatalogueFile {
    api: Vec<ApiSpec>,
}

/// Parses and checks `data/identifier_apis.toml`.
pub fn parse_catalogue<'a>(doc: impl Into<Doc<'a>>) -> Result<Vec<ApiSpec>, String> {
    let file: CatalogueFile = doc.into().read()?;
    for spec in &file.api {
        if spec.method.is_some() == spec.field.is_some() {
            return Err(format!("{}: exactly one of method/field", spec.api));
        }
        if spec.reason.trim().is_empty() || spec.source.trim().is_empty() {
            return Err(format!("{}: empty reason or source", spec.api));
        }
        if spec.proto.is_some() && spec.method.is_none() {
            return Err(format!("{}: proto without method", spec.api));
        }
        if !(spec.class.starts_with('L') && spec.class.ends_with(';')) {
            return Err(format!("{}: class is not a descriptor", spec.api));
        }
        let clash = file
            .api
            .iter()
            .any(|o| o.api == spec.api && o.category != spec.category);
        if clash {
            return Err(format!("{}: one api name, two categories", spec.api));
        }
    }
    Ok(file.api)
}

/// One API called from one class of one DEX file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiHit {
    /// Index into the catalogue given to [`scan_dex`].
    pub spec: usize,
    /// Java name of the calling class (inner classes keep their `$`).
    pub caller: String,
    /// File offset (within the DEX) of the first matching instruction in that class.
    pub offset: u32,
}

/// Per-dex lookup tables: which method/field ids are catalogue references.
struct Targets<'s> {
    methods: HashMap<u32, Vec<usize>>,
    fields: HashMap<u32, Vec<usize>>,
    /// Per method id / field id, whether it is a key of `methods` / `fields`
    /// (the walk asks for every reference; most are neither).
    method_mask: Vec<bool>,
    field_mask: Vec<bool>,
    /// String index → the required strings it equals.
    strings: HashMap<u32, usize>,
    required: Vec<&'s str>,
}

fn targets<'s>(dex: &Dex, specs: &'s [ApiSpec]) -> Targets<'s> {
    // Names are compared with bounded reads: no more than the longest
    // catalogue name is read from any id, whatever the file claims.
    let longest = |f: &dyn Fn(&ApiSpec) -> Option<&str>| {
        specs.iter().filter_map(f).map(str::len).max().unwrap_or(0)
    };
    let member_len = longest(&|s| s.method.as_deref().or(s.field.as_deref()));
    let required_len = longest(&|s| s.requires_string.as_deref());
    let mut t = Targets {
        methods: HashMap::new(),
        fields: HashMap::new(),
        method_mask: Vec::new(),
        field_mask: Vec::new(),
        strings: HashMap::new(),
        required: Vec::new(),
    };
    let by_class = class_specs(specs);
    let Some(type_specs) = type_specs(dex, &by_class, longest(&|s| Some(s.class.as_str()))) else {
        return t;
    };
    let type_specs = |class_idx: u16| type_specs.get(usize::from(class_idx)).copied().flatten();
    for m in 0..dex.method_ids().count {
        let Some(id) = dex.method_id(m) else { break };
        let Some(list) = type_specs(id.class_idx) else {
            continue;
        };
        let Some(name) = dex.short_string_bytes(id.name_idx, member_len) else {
            continue;
        };
        for &i in list {
            let spec = &specs[i];
            if spec.method.as_deref().map(str::as_bytes) != Some(name) {
                continue;
            }
            if let Some(proto) = &spec.proto
                && dex.proto_descriptor(u32::from(id.proto_idx)).as_deref() != Some(proto)
            {
                continue;
            }
            t.methods.entry(m).or_default().push(i);
        }
    }
    for f in 0..dex.field_ids().count {
        let Some(id) = dex.field_id(f) else { break };
        let Some(list) = type_specs(id.class_idx) else {
            continue;
        };
        let Some(name) = dex.short_string_bytes(id.name_idx, member_len) else {
            continue;
        };
        for &i in list {
            if specs[i].field.as_deref().map(str::as_bytes) == Some(name) {
                t.fields.entry(f).or_default().push(i);
            }
        }
    }
    t.method_mask = id_mask(&t.methods);
    t.field_mask = id_mask(&t.fields);
    required_strings(dex, specs, required_len, &mut t);
    t
}

/// Class descriptor → indices of the specs on that class.
fn class_specs(specs: &[ApiSpec]) -> HashMap<&[u8], Vec<usize>> {
    let mut by_class: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, s) in specs.iter().enumerate() {
        by_class.entry(s.class.as_bytes()).or_default().push(i);
    }
    by_class
}

/// Type idx → specs of that class (method and field ids name their class by
/// a 16-bit type idx); `None` when no type of the file is a spec's class.
fn type_specs<'c>(
    dex: &Dex,
    by_class: &'c HashMap<&[u8], Vec<usize>>,
    class_len: usize,
) -> Option<Vec<Option<&'c Vec<usize>>>> {
    let types = dex.type_ids().count.min(u32::from(u16::MAX) + 1);
    let mut type_specs: Vec<Option<&Vec<usize>>> = vec![None; types as usize];
    let mut any_type = false;
    for t in 0..types {
        let desc = dex.type_descriptor_idx(t);
        let Some(desc) = desc.and_then(|s| dex.short_string_bytes(s, class_len)) else {
            continue;
        };
        if let Some(list) = by_class.get(desc) {
            type_specs[t as usize] = Some(list);
            any_type = true;
        }
    }
    any_type.then_some(type_specs)
}

/// `mask[id]` is set for every id in `keys`.
fn id_mask(keys: &HashMap<u32, Vec<usize>>) -> Vec<bool> {
    let mut mask = vec![false; keys.keys().max().map_or(0, |&m| m as usize + 1)];
    for &k in keys.keys() {
        mask[k as usize] = true;
    }
    mask
}

/// The strings the matched specs require, and the string ids equal to them.
fn required_strings<'s>(dex: &Dex, specs: &'s [ApiSpec], required_len: usize, t: &mut Targets<'s>) {
    let matched = t.methods.values().chain(t.fields.values()).flatten();
    let mut required: Vec<&'s str> = matched
        .filter_map(|&i| specs[i].requires_string.as_deref())
        .collect();
    required.sort_unstable();
    required.dedup();
    if !required.is_empty() {
        for s in 0..dex.string_ids().count {
            let Some(bytes) = dex.short_string_bytes(s, required_len) else {
                continue;
            };
            if let Some(r) = required.iter().position(|r| r.as_bytes() == bytes) {
                t.strings.insert(s, r);
            }
        }
    }
    t.required = required;
}

/// Longest caller class descriptor kept as is.
const MAX_CALLER_BYTES: usize = 4096;

/// Java name of type `class`, or `<type N>` when it cannot be read or is
/// absurdly long (bounded memory on hostile files).
fn caller_name(dex: &Dex, class: u32) -> String {
    dex.type_descriptor_idx(class)
        .and_then(|s| dex.short_string(s, MAX_CALLER_BYTES))
        .map(|d| descriptor_to_java(&d))
        .unwrap_or_else(|| format!("<type {class}>"))
}

/// Finds the catalogue APIs called from the code of one DEX file. Cheap when
/// the file references none of them (no code walk).
pub fn scan_dex(dex: &Dex, specs: &[ApiSpec]) -> Vec<ApiHit> {
    let Some(mut calls) = CallScan::new(dex, specs) else {
        return Vec::new();
    };
    dex.walk_code(|r| calls.visit(&r));
    calls.finish(dex)
}

/// [`scan_dex`] as a visitor, so one code walk can feed several scans:
/// [`CallScan::new`], then [`CallScan::visit`] for each reference of
/// [`Dex::walk_code`] in walk order, then [`CallScan::finish`].
pub struct CallScan<'s> {
    specs: &'s [ApiSpec],
    t: Targets<'s>,
    /// (spec, caller class type idx) → first offset.
    found: HashMap<(usize, u32), u32>,
    /// Code item of the method being walked; its candidates wait in
    /// `pending` until the method changes.
    current: Option<u32>,
    pending: Vec<(usize, u32, u32)>,
    seen_strings: Vec<bool>,
}

impl<'s> CallScan<'s> {
    /// `None` when `dex` references none of the catalogue's methods or fields
    /// (nothing to look for in its code).
    pub fn new(dex: &Dex, specs: &'s [ApiSpec]) -> Option<CallScan<'s>> {
        let t = targets(dex, specs);
        if t.methods.is_empty() && t.fields.is_empty() {
            return None;
        }
        let seen_strings = vec![false; t.required.len()];
        Some(CallScan {
            specs,
            t,
            found: HashMap::new(),
            current: None,
            pending: Vec::new(),
            seen_strings,
        })
    }

    fn flush(&mut self) {
        let (specs, t) = (self.specs, &self.t);
        for (spec, class, offset) in self.pending.drain(..) {
            let ok = match specs[spec].requires_string.as_deref() {
                None => true,
                Some(r) => t
                    .required
                    .iter()
                    .position(|x| *x == r)
                    .is_some_and(|k| self.seen_strings.get(k).copied().unwrap_or(false)),
            };
            if ok {
                let e = self.found.entry((spec, class)).or_insert(offset);
                *e = (*e).min(offset);
            }
        }
        self.seen_strings.iter_mut().for_each(|s| *s = false);
    }

    /// Takes one reference of the walk.
    pub fn visit(&mut self, r: &CodeRef) {
        if self.current != Some(r.code_off) {
            self.flush();
            self.current = Some(r.code_off);
        }
        let listed = |mask: &[bool]| mask.get(r.index as usize).copied().unwrap_or(false);
        let hits = match r.kind {
            RefKind::Invoke if listed(&self.t.method_mask) => self.t.methods.get(&r.index),
            RefKind::FieldGet if listed(&self.t.field_mask) => self.t.fields.get(&r.index),
            RefKind::Invoke | RefKind::FieldGet => None,
            RefKind::ConstString if self.t.strings.is_empty() => None,
            RefKind::ConstString => {
                if let Some(s) = self
                    .t
                    .strings
                    .get(&r.index)
                    .and_then(|&k| self.seen_strings.get_mut(k))
                {
                    *s = true;
                }
                None
            }
            RefKind::FieldPut | RefKind::Type => None,
        };
        for &spec in hits.into_iter().flatten() {
            self.pending.push((spec, r.class_idx, r.offset));
        }
    }

    /// The hits, sorted, once the walk is over.
    pub fn finish(mut self, dex: &Dex) -> Vec<ApiHit> {
        self.flush();
        let mut names: HashMap<u32, String> = HashMap::new();
        let mut out: Vec<ApiHit> = self
            .found
            .into_iter()
            .map(|((spec, class), offset)| {
                let caller = names
                    .entry(class)
                    .or_insert_with(|| caller_name(dex, class))
                    .clone();
                ApiHit {
                    spec,
                    caller,
                    offset,
                }
            })
            .collect();
        out.sort();
        out
    }
}

/// Merges the hits of several DEX entries into report records: one per API
/// name, with the sorted callers, the SDK of those callers, and one location
/// per DEX entry whose `offset` is the file offset (within that entry) of the
/// first matching instruction.
///
/// `place_of(caller)` says where a caller class lies: an SDK id, `app` or
/// `other`. The callers are grouped by place (`callers_by_sdk`), and `sdks`
/// lists every place but `other`.
pub fn collect<'h>(
    specs: &[ApiSpec],
    hits: impl IntoIterator<Item = (&'h str, &'h ApiHit)>,
    place_of: &dyn Fn(&str) -> String,
) -> Vec<IdentifierApi> {
    struct Acc {
        category: String,
        callers: BTreeSet<String>,
        locations: BTreeMap<String, u32>,
    }
    let mut by_api: BTreeMap<&str, Acc> = BTreeMap::new();
    for (path, hit) in hits {
        let Some(spec) = specs.get(hit.spec) else {
            continue;
        };
        let acc = by_api.entry(&spec.api).or_insert_with(|| Acc {
            category: spec.category.clone(),
            callers: BTreeSet::new(),
            locations: BTreeMap::new(),
        });
        acc.callers.insert(hit.caller.clone());
        let off = acc.locations.entry(path.to_string()).or_insert(hit.offset);
        *off = (*off).min(hit.offset);
    }
    let mut cache: HashMap<String, String> = HashMap::new();
    let mut out: Vec<IdentifierApi> = by_api
        .into_iter()
        .map(|(api, acc)| {
            let (sdks, callers_by_sdk) = place_callers(&acc.callers, place_of, &mut cache);
            IdentifierApi {
                api: api.to_string(),
                category: acc.category,
                callers: acc.callers.into_iter().collect(),
                sdks,
                callers_by_sdk,
                locations: dex_locations(acc.locations),
            }
        })
        .collect();
    out.sort();
    out
}

/// One location per DEX entry: its path and the offset of the first
/// instruction seen there.
pub fn dex_locations(first_seen: BTreeMap<String, u32>) -> Vec<Location> {
    first_seen
        .into_iter()
        .map(|(path, off)| Location {
            path,
            offset: Some(u64::from(off)),
            ..Location::default()
        })
        .collect()
}

/// Groups `callers` by place (`place_of`, memoised in `cache`): the places
/// but `other` (the `sdks` of a record) and the callers of each place.
pub fn place_callers(
    callers: &BTreeSet<String>,
    place_of: &dyn Fn(&str) -> String,
    cache: &mut HashMap<String, String>,
) -> (Vec<String>, Vec<CallerGroup>) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in callers {
        let place = cache
            .entry(c.clone())
            .or_insert_with(|| place_of(c))
            .clone();
        groups.entry(place).or_default().push(c.clone());
    }
    (
        groups.keys().filter(|p| *p != OTHER).cloned().collect(),
        groups
            .into_iter()
            .map(|(sdk, callers)| CallerGroup { sdk, callers })
            .collect(),
    )
}

#[cfg(test)]
mod tests;
