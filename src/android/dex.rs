//! DEX reader: header, string/type/proto/field/method ids, class defs, and a
//! walk over code items that reports which methods invoke which method ids,
//! touch which field ids and load which strings.
//!
//! Hostile input is normal input. The header's counts and offsets are checked
//! against the bytes before anything is read; a table that does not fit is
//! cut to what does (with a warning) so truncated files still give partial
//! results. Nothing is allocated in proportion to a header count: accessors
//! read the tables lazily from the borrowed bytes.

mod code;
mod mutf8;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

pub use code::{CodeRef, CodeWalk, RefKind};

/// Size of the fixed DEX header.
pub const HEADER_SIZE: usize = 0x70;
const ENDIAN_CONSTANT: u32 = 0x1234_5678;
const REVERSE_ENDIAN_CONSTANT: u32 = 0x7856_3412;
const NO_INDEX: u32 = 0xFFFF_FFFF;
/// Longest string one lookup returns (longer ones are cut). Java and Kotlin
/// constant strings are at most 65,535 bytes.
pub const MAX_STRING_BYTES: usize = 256 * 1024;
/// Longest proto descriptor [`Dex::proto_descriptor`] builds.
pub const MAX_DESCRIPTOR_BYTES: usize = 64 * 1024;

/// Why a DEX file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DexError {
    /// Fewer bytes than the fixed header.
    #[error("dex: {0} bytes, too short for a header")]
    TooShort(usize),
    /// The first bytes are not `dex\n` + three digits + NUL.
    #[error("dex: bad magic")]
    BadMagic,
    /// Big-endian DEX files are not used on Android (ART rejects them).
    #[error("dex: big-endian files are not supported")]
    BigEndian,
}

/// One id table of the header: where it starts and how many items it has
/// (after cutting it to what fits in the file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Table {
    /// File offset of the first item.
    pub off: u32,
    /// Number of items that fit in the file.
    pub count: u32,
}

/// A raw `method_id_item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodId {
    /// Type index of the defining class.
    pub class_idx: u16,
    /// Proto index.
    pub proto_idx: u16,
    /// String index of the name.
    pub name_idx: u32,
}

/// A raw `field_id_item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldId {
    /// Type index of the defining class.
    pub class_idx: u16,
    /// Type index of the field's type.
    pub type_idx: u16,
    /// String index of the name.
    pub name_idx: u32,
}

/// A method reference with its names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodRef<'a> {
    /// Class descriptor, e.g. `Landroid/telephony/TelephonyManager;`.
    pub class: Cow<'a, str>,
    /// Method name, e.g. `getDeviceId`.
    pub name: Cow<'a, str>,
    /// Proto descriptor, e.g. `(I)Ljava/lang/String;`.
    pub proto: String,
}

/// A field reference with its names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef<'a> {
    /// Class descriptor, e.g. `Landroid/os/Build;`.
    pub class: Cow<'a, str>,
    /// Field name, e.g. `SERIAL`.
    pub name: Cow<'a, str>,
    /// Type descriptor, e.g. `Ljava/lang/String;`.
    pub type_: Cow<'a, str>,
}

/// A raw `class_def_item` (the fields this reader uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassDef {
    /// Type index of the class.
    pub class_idx: u32,
    /// Access flags.
    pub access_flags: u32,
    /// Type index of the superclass, or `u32::MAX` for none.
    pub superclass_idx: u32,
    /// File offset of the class_data_item, 0 for none.
    pub class_data_off: u32,
}

/// A parsed DEX file borrowing its bytes.
#[derive(Debug, Clone)]
pub struct Dex<'a> {
    data: &'a [u8],
    version: u32,
    string_ids: Table,
    type_ids: Table,
    proto_ids: Table,
    field_ids: Table,
    method_ids: Table,
    class_defs: Table,
    warnings: Vec<String>,
}

use crate::binread::{le_u16 as u16_at, le_u32 as u32_at};

/// DEX's unsigned LEB128: at most five bytes, kept to 32 bits.
fn uleb128(data: &[u8], pos: &mut usize) -> Option<u32> {
    crate::binread::uleb128(data, pos, 5).map(|v| v as u32)
}

/// The DEX type descriptor of a Java class name.
pub fn descriptor(class: &str) -> String {
    format!("L{};", class.replace('.', "/"))
}

/// What a package's descriptors start with (`a.b` → `La/b/`).
pub fn package_descriptor(prefix: &str) -> String {
    format!("L{}/", prefix.replace('.', "/"))
}

/// Descriptor lookups: key (descriptor, or `L…/` package) → (the string
/// found, its data offset).
pub type Answers = HashMap<String, (String, u64)>;

/// The DEX string table as `descriptor → offset`, for the descriptors asked
/// (`exact`), and the smallest descriptor under each package asked
/// (`under`, each ending with `/`).
pub fn lookup_descriptors(dex: &Dex<'_>, exact: &[&str], under: &[&str]) -> Answers {
    let mut found = Answers::new();
    let exact: HashSet<&str> = exact.iter().copied().collect();
    let under: HashSet<&str> = under.iter().copied().collect();
    let mut budget = dex.data().len().saturating_mul(2) + 65536;
    for i in 0..dex.string_ids().count {
        let (Some(off), Some(b)) = (dex.string_data_offset(i), dex.string_bytes(i)) else {
            continue;
        };
        budget = match budget.checked_sub(b.len() + 1) {
            Some(left) => left,
            None => break,
        };
        // Everything asked is a descriptor, `L…;`.
        if b.first() != Some(&b'L') || b.last() != Some(&b';') {
            continue;
        }
        let Ok(s) = std::str::from_utf8(b) else {
            continue;
        };
        if exact.contains(s) {
            found
                .entry(s.to_string())
                .or_insert((s.to_string(), u64::from(off)));
        }
        if under.is_empty() {
            continue;
        }
        // Every package asked ends with `/`: try each prefix of `s` that does.
        for (j, _) in s.match_indices('/') {
            let Some(p) = s.get(..=j).filter(|p| under.contains(p)) else {
                continue;
            };
            // Sorted string tables make the first hit the smallest; keep the
            // smallest either way.
            let e = found
                .entry(p.to_string())
                .or_insert((s.to_string(), u64::from(off)));
            if s < e.0.as_str() {
                *e = (s.to_string(), u64::from(off));
            }
        }
    }
    found
}

/// `Lcom/foo/Bar$1;` → `com.foo.Bar$1`. Other descriptors (arrays,
/// primitives) are returned unchanged.
pub fn descriptor_to_java(desc: &str) -> String {
    match desc.strip_prefix('L').and_then(|d| d.strip_suffix(';')) {
        Some(inner) => inner.replace('/', "."),
        None => desc.to_string(),
    }
}

/// The dex entries of an APK in the order ART loads them: `classes.dex`,
/// then `classes2.dex`, `classes3.dex`, … up to the first missing number.
/// Returns `(loaded, not_loaded)`; `not_loaded` lists other root-level
/// `classes*.dex` names that ART would not load (a gap in the numbering or
/// an odd name such as `classes1.dex`).
pub fn apk_dex_entries<'n>(names: &[&'n str]) -> (Vec<&'n str>, Vec<&'n str>) {
    let numbered = |name: &str| -> Option<u32> {
        let mid = name.strip_prefix("classes")?.strip_suffix(".dex")?;
        if mid.is_empty() {
            return Some(1);
        }
        if mid.starts_with('0') || !mid.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        mid.parse().ok().filter(|n| *n >= 2)
    };
    let mut loaded = Vec::new();
    let mut n = 1u32;
    loop {
        let want = if n == 1 {
            "classes.dex".to_string()
        } else {
            format!("classes{n}.dex")
        };
        match names.iter().find(|x| **x == want) {
            Some(found) => loaded.push(*found),
            None => break,
        }
        n += 1;
    }
    let mut not_loaded: Vec<&str> = names
        .iter()
        .copied()
        .filter(|x| {
            x.starts_with("classes")
                && x.ends_with(".dex")
                && !x.contains('/')
                && !loaded.contains(x)
        })
        .collect();
    not_loaded.sort_by_key(|x| (numbered(x).unwrap_or(u32::MAX), x.to_string()));
    not_loaded.dedup();
    (loaded, not_loaded)
}

impl<'a> Dex<'a> {
    /// Parses the header and checks every id table against the file size.
    ///
    /// Only a missing header, a bad magic or a big-endian tag are errors;
    /// other anomalies (unknown version, wrong `file_size`, tables that run
    /// past the end) become [`Dex::warnings`] and the tables are cut to fit.
    pub fn parse(data: &'a [u8]) -> Result<Dex<'a>, DexError> {
        if data.len() < HEADER_SIZE {
            return Err(DexError::TooShort(data.len()));
        }
        let magic = data.get(0..8).ok_or(DexError::TooShort(data.len()))?;
        if &magic[0..4] != b"dex\n" || magic[7] != 0 || !magic[4..7].iter().all(u8::is_ascii_digit)
        {
            return Err(DexError::BadMagic);
        }
        let version = u32::from(magic[4] - b'0') * 100
            + u32::from(magic[5] - b'0') * 10
            + u32::from(magic[6] - b'0');
        let mut warnings = Vec::new();
        if !(35..=41).contains(&version) {
            warnings.push(format!("dex: unknown version {version:03}"));
        }
        let hdr = |off: usize| u32_at(data, off).unwrap_or(0);
        match hdr(40) {
            ENDIAN_CONSTANT => {}
            REVERSE_ENDIAN_CONSTANT => return Err(DexError::BigEndian),
            other => warnings.push(format!("dex: unexpected endian tag {other:#010x}")),
        }
        let file_size = hdr(32);
        if file_size as usize != data.len() {
            warnings.push(format!(
                "dex: header file_size {file_size} differs from the {} bytes present",
                data.len()
            ));
        }
        let header_size = hdr(36);
        if header_size as usize != HEADER_SIZE && !(version >= 41 && header_size == 0x78) {
            warnings.push(format!("dex: unusual header_size {header_size:#x}"));
        }
        if version >= 41 && header_size == 0x78 {
            warnings.push("dex: version 041 container; only the first dex in it is read".into());
        }
        let mut table = |name: &str, size_off: usize, item: usize| -> Table {
            let count = hdr(size_off);
            let off = hdr(size_off + 4);
            if count == 0 {
                return Table { off, count: 0 };
            }
            let fits = (data.len().saturating_sub(off as usize) / item) as u32;
            if off as usize >= data.len() || fits == 0 {
                warnings.push(format!(
                    "dex: {name} table at {off:#x} ({count} items) lies outside the file"
                ));
                return Table { off, count: 0 };
            }
            if count > fits {
                warnings.push(format!(
                    "dex: {name} table claims {count} items, only {fits} fit in the file"
                ));
                return Table { off, count: fits };
            }
            Table { off, count }
        };
        let string_ids = table("string_ids", 56, 4);
        let type_ids = table("type_ids", 64, 4);
        let proto_ids = table("proto_ids", 72, 12);
        let field_ids = table("field_ids", 80, 8);
        let method_ids = table("method_ids", 88, 8);
        let class_defs = table("class_defs", 96, 32);
        Ok(Dex {
            data,
            version,
            string_ids,
            type_ids,
            proto_ids,
            field_ids,
            method_ids,
            class_defs,
            warnings,
        })
    }

    /// The bytes this reader was built over.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The format version from the magic, e.g. 35 or 39.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Anomalies found while parsing the header, one sentence each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The string_ids table (count cut to what fits).
    pub fn string_ids(&self) -> Table {
        self.string_ids
    }
    /// The type_ids table.
    pub fn type_ids(&self) -> Table {
        self.type_ids
    }
    /// The proto_ids table.
    pub fn proto_ids(&self) -> Table {
        self.proto_ids
    }
    /// The field_ids table.
    pub fn field_ids(&self) -> Table {
        self.field_ids
    }
    /// The method_ids table.
    pub fn method_ids(&self) -> Table {
        self.method_ids
    }
    /// The class_defs table.
    pub fn class_defs(&self) -> Table {
        self.class_defs
    }

    fn item(&self, table: Table, idx: u32, size: usize) -> Option<usize> {
        if idx >= table.count {
            return None;
        }
        Some(table.off as usize + idx as usize * size)
    }

    /// Byte offset in the file of the first character of string `idx`
    /// (just past its ULEB128 length), so `dd skip=OFFSET` shows the text.
    pub fn string_data_offset(&self, idx: u32) -> Option<u32> {
        self.string_head(idx).map(|(start, _)| start as u32)
    }

    /// Start of the data of string `idx` and its declared UTF-16 length.
    fn string_head(&self, idx: u32) -> Option<(usize, usize)> {
        let at = self.item(self.string_ids, idx, 4)?;
        let mut pos = u32_at(self.data, at)? as usize;
        let utf16_len = uleb128(self.data, &mut pos)? as usize;
        (pos < self.data.len()).then_some((pos, utf16_len))
    }

    /// The bytes of string `idx` up to its NUL, reading at most `limit`
    /// bytes and at most three bytes per declared UTF-16 unit (the MUTF-8
    /// maximum). The flag says whether the NUL was found within those bounds.
    fn string_span(&self, idx: u32, limit: usize) -> Option<(&'a [u8], bool)> {
        let (start, utf16_len) = self.string_head(idx)?;
        let max = limit.min(utf16_len.saturating_mul(3));
        let window = self.data.get(start..)?;
        let window = window.get(..window.len().min(max.saturating_add(1)))?;
        match memchr::memchr(0, window) {
            Some(end) => Some((window.get(..end)?, true)),
            None => Some((window.get(..window.len().min(max))?, false)),
        }
    }

    /// Raw MUTF-8 bytes of string `idx`, up to its NUL. A string whose NUL
    /// is missing, or that is longer than [`MAX_STRING_BYTES`], is cut there,
    /// so one lookup never scans more than that.
    pub fn string_bytes(&self, idx: u32) -> Option<&'a [u8]> {
        self.string_span(idx, MAX_STRING_BYTES).map(|(b, _)| b)
    }

    /// Raw bytes of string `idx` only if the whole string is at most `max`
    /// bytes long (costs at most `max + 1` bytes of reading): a cheap way to
    /// compare ids against short known names.
    pub fn short_string_bytes(&self, idx: u32, max: usize) -> Option<&'a [u8]> {
        match self.string_span(idx, max)? {
            (b, true) => Some(b),
            (_, false) => None,
        }
    }

    /// String `idx` decoded, only if it is at most `max` bytes long.
    pub fn short_string(&self, idx: u32, max: usize) -> Option<Cow<'a, str>> {
        self.short_string_bytes(idx, max).map(mutf8::decode)
    }

    /// String `idx`, decoded leniently from MUTF-8 (see [`Dex::string_bytes`]).
    pub fn string(&self, idx: u32) -> Option<Cow<'a, str>> {
        self.string_bytes(idx).map(mutf8::decode)
    }

    /// Every readable string with the file offset of its data, in string_ids
    /// order. In a well-formed file the strings do not overlap, so reading
    /// them all costs about the file size; a hostile file whose string ids
    /// overlap is read only until twice the file size has been scanned.
    pub fn strings(&self) -> impl Iterator<Item = (u32, Cow<'a, str>)> + '_ {
        let mut budget = self.bulk_budget();
        (0..self.string_ids.count)
            .map_while(move |i| {
                let Some(off) = self.string_data_offset(i) else {
                    return Some(None);
                };
                let bytes = self.string_bytes(i)?;
                budget = budget.checked_sub(bytes.len() + 1)?;
                Some(Some((off, mutf8::decode(bytes))))
            })
            .flatten()
    }

    /// How many string bytes a bulk iterator may read.
    fn bulk_budget(&self) -> usize {
        self.data.len().saturating_mul(2) + 65536
    }

    /// String index of the descriptor of type `idx`.
    pub fn type_descriptor_idx(&self, idx: u32) -> Option<u32> {
        u32_at(self.data, self.item(self.type_ids, idx, 4)?)
    }

    /// Descriptor of type `idx`, e.g. `Ljava/lang/String;`.
    pub fn type_name(&self, idx: u32) -> Option<Cow<'a, str>> {
        self.string(self.type_descriptor_idx(idx)?)
    }

    /// Proto `idx` as a descriptor, e.g. `(ILjava/lang/String;)V`; `None`
    /// when unreadable or longer than [`MAX_DESCRIPTOR_BYTES`].
    pub fn proto_descriptor(&self, idx: u32) -> Option<String> {
        let at = self.item(self.proto_ids, idx, 12)?;
        let ret = u32_at(self.data, at + 4)?;
        let params_off = u32_at(self.data, at + 8)? as usize;
        let mut out = String::from("(");
        if params_off != 0 {
            let n = u32_at(self.data, params_off)? as usize;
            // Each parameter is two bytes; bound the count by the file.
            if n > self.data.len().saturating_sub(params_off + 4) / 2 {
                return None;
            }
            for i in 0..n {
                let t = u16_at(self.data, params_off + 4 + 2 * i)?;
                out.push_str(&self.type_name(u32::from(t))?);
                if out.len() > MAX_DESCRIPTOR_BYTES {
                    return None;
                }
            }
        }
        out.push(')');
        out.push_str(&self.type_name(ret)?);
        (out.len() <= MAX_DESCRIPTOR_BYTES).then_some(out)
    }

    /// Raw method id `idx`.
    pub fn method_id(&self, idx: u32) -> Option<MethodId> {
        let at = self.item(self.method_ids, idx, 8)?;
        Some(MethodId {
            class_idx: u16_at(self.data, at)?,
            proto_idx: u16_at(self.data, at + 2)?,
            name_idx: u32_at(self.data, at + 4)?,
        })
    }

    /// Method id `idx` with class, name and proto resolved.
    pub fn method_ref(&self, idx: u32) -> Option<MethodRef<'a>> {
        let m = self.method_id(idx)?;
        Some(MethodRef {
            class: self.type_name(u32::from(m.class_idx))?,
            name: self.string(m.name_idx)?,
            proto: self.proto_descriptor(u32::from(m.proto_idx))?,
        })
    }

    /// Raw field id `idx`.
    pub fn field_id(&self, idx: u32) -> Option<FieldId> {
        let at = self.item(self.field_ids, idx, 8)?;
        Some(FieldId {
            class_idx: u16_at(self.data, at)?,
            type_idx: u16_at(self.data, at + 2)?,
            name_idx: u32_at(self.data, at + 4)?,
        })
    }

    /// Field id `idx` with class, name and type resolved.
    pub fn field_ref(&self, idx: u32) -> Option<FieldRef<'a>> {
        let f = self.field_id(idx)?;
        Some(FieldRef {
            class: self.type_name(u32::from(f.class_idx))?,
            name: self.string(f.name_idx)?,
            type_: self.type_name(u32::from(f.type_idx))?,
        })
    }

    /// Raw class def `idx`.
    pub fn class_def(&self, idx: u32) -> Option<ClassDef> {
        let at = self.item(self.class_defs, idx, 32)?;
        Some(ClassDef {
            class_idx: u32_at(self.data, at)?,
            access_flags: u32_at(self.data, at + 4)?,
            superclass_idx: u32_at(self.data, at + 8)?,
            class_data_off: u32_at(self.data, at + 24)?,
        })
    }

    /// Descriptors of the defined classes, in class_defs order (a hostile
    /// file is read only until twice its size in names has been scanned).
    pub fn class_descriptors(&self) -> impl Iterator<Item = Cow<'a, str>> + '_ {
        let mut budget = self.bulk_budget();
        (0..self.class_defs.count)
            .map_while(move |i| {
                let Some(name) = self.class_def(i).and_then(|c| self.type_name(c.class_idx)) else {
                    return Some(None);
                };
                budget = budget.checked_sub(name.len() + 1)?;
                Some(Some(name))
            })
            .flatten()
    }

    /// Java names of the defined classes (`com.cmic.sso.sdk.auth.AuthnHelper`,
    /// inner classes keep their `$`), in class_defs order.
    pub fn class_names(&self) -> Vec<String> {
        self.class_descriptors()
            .map(|d| descriptor_to_java(&d))
            .collect()
    }

    /// Superclass descriptor of class def `idx`, if it has one.
    pub fn superclass(&self, idx: u32) -> Option<Cow<'a, str>> {
        let c = self.class_def(idx)?;
        if c.superclass_idx == NO_INDEX {
            return None;
        }
        self.type_name(c.superclass_idx)
    }
}

#[cfg(test)]
mod tests;
