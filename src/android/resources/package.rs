//! RES_TABLE_PACKAGE_TYPE: type and key string pools, type chunks (dense,
//! OFFSET16 and SPARSE offset tables; full, complex and compact entries) and
//! the shared-library table.

use std::collections::HashMap;

use super::bytes::{Anomalies, Chunk, for_each_chunk, u8_at, u16_at, u32_at};
use super::config::Config;
use super::pool::{STRING_POOL_TYPE, StringPool};

const TYPE_TYPE: u16 = 0x0201;
const TYPE_SPEC_TYPE: u16 = 0x0202;
const LIBRARY_TYPE: u16 = 0x0203;
const OVERLAYABLE_TYPE: u16 = 0x0204;
const OVERLAYABLE_POLICY_TYPE: u16 = 0x0205;
const STAGED_ALIAS_TYPE: u16 = 0x0206;

const TYPE_FLAG_SPARSE: u8 = 0x01;
const TYPE_FLAG_OFFSET16: u8 = 0x02;
const ENTRY_FLAG_COMPLEX: u16 = 0x0001;
const ENTRY_FLAG_COMPACT: u16 = 0x0008;
/// Entry ids are 16-bit, so more entries than this cannot be addressed.
const MAX_ENTRIES: usize = 0x1_0000;

/// A Res_value: type and 32-bit data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawValue {
    pub data_type: u8,
    pub data: u32,
}

/// One entry of a type chunk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    /// Index into the package's key string pool.
    pub key: u32,
    /// The simple value; `None` for a complex (bag) entry.
    pub value: Option<RawValue>,
}

/// One type chunk: the entries of one type in one configuration.
#[derive(Debug, Clone)]
pub(super) struct TypeChunk {
    pub type_id: u8,
    pub config: Config,
    /// (entry index, entry), sorted by index.
    pub entries: Vec<(u16, Entry)>,
}

impl TypeChunk {
    /// The entry with index `idx`, if this configuration has one.
    pub(super) fn entry(&self, idx: u16) -> Option<&Entry> {
        let pos = self.entries.binary_search_by_key(&idx, |(i, _)| *i).ok()?;
        self.entries.get(pos).map(|(_, e)| e)
    }
}

/// A package: its id, name, names of types and keys, and type chunks.
#[derive(Debug, Clone, Default)]
pub(super) struct Package {
    pub id: u32,
    pub name: String,
    pub type_strings: StringPool,
    pub key_strings: StringPool,
    pub type_id_offset: u32,
    pub types: Vec<TypeChunk>,
    /// Type id → indices into `types`, in file order.
    pub by_type: HashMap<u8, Vec<usize>>,
    /// Shared libraries this package refers to: (package id, name).
    pub libraries: Vec<(u32, String)>,
}

impl Package {
    /// Name of type `type_id` (e.g. `string`).
    pub(super) fn type_name(&self, type_id: u8) -> Option<String> {
        let idx = u32::from(type_id)
            .checked_sub(1)?
            .checked_sub(self.type_id_offset)?;
        self.type_strings.get(idx as usize)
    }

    /// Type chunks of `type_id`, in file order.
    pub(super) fn chunks_of(&self, type_id: u8) -> impl Iterator<Item = &TypeChunk> {
        self.by_type
            .get(&type_id)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.types.get(i))
    }
}

/// Reads a UTF-16 name of at most `max_units` code units, ending at a NUL.
fn utf16_name(b: &[u8], off: usize, max_units: usize) -> String {
    let units: Vec<u16> = (0..max_units)
        .map_while(|i| u16_at(b, off + 2 * i))
        .take_while(|&u| u != 0)
        .collect();
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Parses one package chunk.
pub(super) fn parse_package(chunk: Chunk<'_>, anomalies: &mut Anomalies) -> Package {
    let b = chunk.data;
    let mut pkg = Package {
        id: u32_at(b, 8).unwrap_or(0),
        ..Package::default()
    };
    if chunk.header_size < 268 {
        anomalies.push(format!(
            "package at offset {}: header size {} is too small for a package header",
            chunk.offset, chunk.header_size
        ));
    }
    pkg.name = utf16_name(b, 12, 128.min(chunk.header_size.saturating_sub(12) / 2));
    let what = format!("package 0x{:02x} ({})", pkg.id, pkg.name);
    if pkg.id > 0xff {
        anomalies.push(format!("{what}: package id does not fit in 8 bits"));
    }
    let type_strings_off = u32_at(b, 268).filter(|_| chunk.header_size >= 272);
    let key_strings_off = u32_at(b, 276).filter(|_| chunk.header_size >= 280);
    if chunk.header_size >= 288 {
        pkg.type_id_offset = u32_at(b, 284).unwrap_or(0);
        if pkg.type_id_offset > 0xff {
            anomalies.push(format!(
                "{what}: type id offset {} out of range",
                pkg.type_id_offset
            ));
            pkg.type_id_offset = 0;
        }
    }

    // The pools are normally the first two child chunks and the header
    // offsets point at them; fall back to order when the offsets lie.
    let mut pools: Vec<(usize, StringPool)> = Vec::new();
    for_each_chunk(b, chunk.header_size, &what, anomalies, |c, an| {
        match c.kind {
            STRING_POOL_TYPE => {
                if pools.len() < 2 {
                    pools.push((c.offset, StringPool::parse(c, &what, an)));
                } else {
                    an.push(format!("{what}: extra string pool at offset {}", c.offset));
                }
            }
            TYPE_TYPE => {
                if let Some(t) = parse_type(c, &what, an) {
                    pkg.by_type
                        .entry(t.type_id)
                        .or_default()
                        .push(pkg.types.len());
                    pkg.types.push(t);
                }
            }
            TYPE_SPEC_TYPE => check_type_spec(c, &what, an),
            LIBRARY_TYPE => parse_library(c, &what, an, &mut pkg.libraries),
            OVERLAYABLE_TYPE | OVERLAYABLE_POLICY_TYPE | STAGED_ALIAS_TYPE => {}
            other => an.push(format!(
                "{what}: unknown chunk type 0x{other:04x} at offset {}",
                c.offset
            )),
        }
    });
    let (type_strings, key_strings) =
        type_and_key_pools(pools, type_strings_off, key_strings_off, &what, anomalies);
    pkg.type_strings = type_strings;
    pkg.key_strings = key_strings;
    pkg
}

/// The type and key string pools among a package's `pools` (offset, pool):
/// those its header's offsets point at, else the first two in order.
fn type_and_key_pools(
    mut pools: Vec<(usize, StringPool)>,
    type_strings_off: Option<u32>,
    key_strings_off: Option<u32>,
    what: &str,
    anomalies: &mut Anomalies,
) -> (StringPool, StringPool) {
    let declared = |off: Option<u32>| {
        let off = off? as usize;
        pools.iter().position(|(o, _)| *o == off)
    };
    let (ti, ki) = match (declared(type_strings_off), declared(key_strings_off)) {
        (Some(t), Some(k)) if t != k => (Some(t), Some(k)),
        _ => {
            if !pools.is_empty() {
                anomalies.push(format!(
                    "{what}: type/key string offsets ({:?}, {:?}) do not point at its string pools",
                    type_strings_off, key_strings_off
                ));
            }
            (
                (!pools.is_empty()).then_some(0),
                (pools.len() > 1).then_some(1),
            )
        }
    };
    let mut take = |i: Option<usize>| {
        i.and_then(|i| pools.get_mut(i))
            .map(|(_, p)| std::mem::take(p))
            .unwrap_or_default()
    };
    let pair = (take(ti), take(ki));
    if pools.len() < 2 {
        anomalies.push(format!("{what}: missing type or key string pool"));
    }
    pair
}

/// Checks a type spec chunk's bounds (its flags are not needed).
fn check_type_spec(c: Chunk<'_>, what: &str, anomalies: &mut Anomalies) {
    let id = u8_at(c.data, 8).unwrap_or(0);
    let count = u32_at(c.data, 12).unwrap_or(0) as usize;
    if id == 0 {
        anomalies.push(format!("{what}: type spec with type id 0"));
    }
    let room = c.data.len().saturating_sub(c.header_size) / 4;
    if count > room {
        anomalies.push(format!(
            "{what}: type spec {id} claims {count} entries, room for {room}"
        ));
    }
}

/// Reads the shared-library table: (package id, name) pairs.
fn parse_library(
    c: Chunk<'_>,
    what: &str,
    anomalies: &mut Anomalies,
    out: &mut Vec<(u32, String)>,
) {
    let count = u32_at(c.data, 8).unwrap_or(0) as usize;
    let room = c.data.len().saturating_sub(c.header_size) / 260;
    if count > room {
        anomalies.push(format!(
            "{what}: library table claims {count} entries, room for {room}"
        ));
    }
    for i in 0..count.min(room) {
        let off = c.header_size + i * 260;
        if let Some(id) = u32_at(c.data, off) {
            out.push((id, utf16_name(c.data, off + 4, 128)));
        }
    }
}

/// Parses one type chunk into its entries.
fn parse_type(c: Chunk<'_>, what: &str, anomalies: &mut Anomalies) -> Option<TypeChunk> {
    let b = c.data;
    let off = c.offset;
    let (Some(type_id), Some(flags), Some(count), Some(entries_start)) =
        (u8_at(b, 8), u8_at(b, 9), u32_at(b, 12), u32_at(b, 16))
    else {
        anomalies.push(format!("{what}: type chunk at offset {off} is truncated"));
        return None;
    };
    if type_id == 0 || c.header_size < 20 {
        anomalies.push(format!(
            "{what}: type chunk at offset {off} has type id {type_id}, header size {}",
            c.header_size
        ));
        return None;
    }
    let (config, truncated) = Config::parse(b.get(20..c.header_size).unwrap_or(&[]));
    if truncated {
        anomalies.push(format!(
            "{what}: type chunk at offset {off} has a config larger than its header"
        ));
    }
    let entries_start = entries_start as usize;
    if entries_start > b.len() || entries_start < c.header_size {
        anomalies.push(format!(
            "{what}: type chunk at offset {off} has entries start {entries_start} outside the chunk"
        ));
        return Some(TypeChunk {
            type_id,
            config,
            entries: Vec::new(),
        });
    }
    let table = OffsetTable::of(flags);
    let room = (entries_start - c.header_size) / table.width;
    let mut count = count as usize;
    if count > room {
        anomalies.push(format!(
            "{what}: type chunk at offset {off} claims {count} entries, offset table has room for {room}"
        ));
        count = room;
    }
    if count > MAX_ENTRIES {
        anomalies.push(format!(
            "{what}: type chunk at offset {off} has {count} entries, only {MAX_ENTRIES} addressable"
        ));
        count = MAX_ENTRIES;
    }
    let data = b.get(entries_start..).unwrap_or(&[]);
    let (mut entries, bad_offsets, bad_values) = table.read(b, c.header_size, count, data);
    if bad_offsets > 0 {
        anomalies.push(format!(
            "{what}: type {type_id} ({}) has {bad_offsets} entry offsets out of range",
            config.qualifier()
        ));
    }
    if bad_values > 0 {
        anomalies.push(format!(
            "{what}: type {type_id} ({}) has {bad_values} entries whose value is out of range",
            config.qualifier()
        ));
    }
    entries.sort_by_key(|(i, _)| *i);
    let before = entries.len();
    entries.dedup_by_key(|(i, _)| *i);
    if entries.len() != before {
        anomalies.push(format!(
            "{what}: type {type_id} ({}) lists {} entry indices twice",
            config.qualifier(),
            before - entries.len()
        ));
    }
    Some(TypeChunk {
        type_id,
        config,
        entries,
    })
}

/// How a type chunk's entry offsets are laid out (by its flags).
struct OffsetTable {
    /// (entry index, offset) pairs of u16s, offsets in 4-byte units.
    sparse: bool,
    /// u16 offsets in 4-byte units, 0xffff for no entry (else u32, bytes).
    offset16: bool,
    /// Bytes per table slot.
    width: usize,
}

impl OffsetTable {
    fn of(flags: u8) -> OffsetTable {
        let sparse = flags & TYPE_FLAG_SPARSE != 0;
        let offset16 = flags & TYPE_FLAG_OFFSET16 != 0;
        OffsetTable {
            sparse,
            offset16,
            width: if offset16 && !sparse { 2 } else { 4 },
        }
    }

    /// The `count` entries of the table at `table_at` in `b`, read from
    /// `data`: (index, entry) pairs, with how many had an offset and how
    /// many a value out of range.
    fn read(
        &self,
        b: &[u8],
        table_at: usize,
        count: usize,
        data: &[u8],
    ) -> (Vec<(u16, Entry)>, usize, usize) {
        let mut entries = Vec::new();
        let mut bad_offsets = 0usize;
        let mut bad_values = 0usize;
        for i in 0..count {
            let at = table_at + i * self.width;
            let (idx, rel) = if self.sparse {
                let (Some(idx), Some(o)) = (u16_at(b, at), u16_at(b, at + 2)) else {
                    break;
                };
                (idx, usize::from(o) * 4)
            } else if self.offset16 {
                match u16_at(b, at) {
                    Some(0xffff) => continue,
                    Some(o) => (i as u16, usize::from(o) * 4),
                    None => break,
                }
            } else {
                match u32_at(b, at) {
                    Some(0xffff_ffff) => continue,
                    Some(o) => (i as u16, o as usize),
                    None => break,
                }
            };
            match parse_entry(data, rel) {
                Ok(e) => entries.push((idx, e)),
                Err(EntryError::Offset) => bad_offsets += 1,
                Err(EntryError::Value) => bad_values += 1,
            }
        }
        (entries, bad_offsets, bad_values)
    }
}

enum EntryError {
    Offset,
    Value,
}

/// Parses the entry at `rel` in the entry data of a type chunk.
fn parse_entry(data: &[u8], rel: usize) -> Result<Entry, EntryError> {
    let (Some(size), Some(flags), Some(word)) = (
        u16_at(data, rel),
        u16_at(data, rel + 2),
        u32_at(data, rel + 4),
    ) else {
        return Err(EntryError::Offset);
    };
    if flags & ENTRY_FLAG_COMPACT != 0 {
        // Compact: key index in the first u16, type in the high byte of
        // the flags, data in the second word.
        return Ok(Entry {
            key: u32::from(size),
            value: Some(RawValue {
                data_type: (flags >> 8) as u8,
                data: word,
            }),
        });
    }
    if flags & ENTRY_FLAG_COMPLEX != 0 {
        // Bag: a parent and a map count follow; the maps are not needed.
        if usize::from(size) < 16 || u32_at(data, rel + 12).is_none() {
            return Err(EntryError::Value);
        }
        return Ok(Entry {
            key: word,
            value: None,
        });
    }
    let v = rel + usize::from(size);
    if size < 8 {
        return Err(EntryError::Value);
    }
    match (u8_at(data, v + 3), u32_at(data, v + 4)) {
        (Some(data_type), Some(d)) => Ok(Entry {
            key: word,
            value: Some(RawValue { data_type, data: d }),
        }),
        _ => Err(EntryError::Value),
    }
}
