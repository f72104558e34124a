//! A ZIP reader that follows Android's own rules (AOSP libziparchive and the
//! framework's asset reader) instead of the ZIP specification's:
//!
//! - the central directory (CD) is authoritative; the local header (LFH) is
//!   only used to find where an entry's data starts;
//! - the LFH compression method and the encryption flag are not trusted;
//! - a CD method other than stored (0) or deflate (8) is read as stored, the
//!   way the framework's asset path does.
//!
//! Where a tampered archive would make Android refuse the package, the
//! reason is recorded ([`Archive::refusals`]); where the bytes can still be
//! recovered (junk prepended, garbage LFH fields, "deflate" over stored data),
//! they are, and every anomaly is recorded ([`Archive::anomalies`]).
//! Nothing is written to disk and every size is checked before allocating.
//! The bytes come from a [`Source`]: a buffer, or a file read by range, so
//! that a package on disk is never held in memory whole (only its central
//! directory, and each entry's bytes while it is read).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::os::unix::fs::FileExt;

const EOCD_SIG: u32 = 0x0605_4b50;
const CD_SIG: u32 = 0x0201_4b50;
const LFH_SIG: u32 = 0x0403_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const EOCD_LEN: usize = 22;
const CD_LEN: usize = 46;
const LFH_LEN: usize = 30;
const MAX_COMMENT: usize = 65_535;
/// Most CD records read from one archive; real APKs have a few thousand.
const MAX_ENTRIES: usize = 1_000_000;

/// How far an entry may inflate past its declared size before it is stopped
/// and reported as a size lie (Android's reader fails on any difference).
pub const SIZE_SLACK: u64 = 64 << 10;

/// Compression method "stored".
pub const METHOD_STORED: u16 = 0;
/// Compression method "deflate".
pub const METHOD_DEFLATE: u16 = 8;

/// Why an archive or entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipError(pub String);

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "zip: {}", self.0)
    }
}

impl std::error::Error for ZipError {}

fn err<T>(message: impl Into<String>) -> Result<T, ZipError> {
    Err(ZipError(message.into()))
}

const STORED_UNDER_DEFLATE: &str = "central directory says deflate but the data is stored";

/// An entry's bytes with the anomalies met while reading them.
#[derive(Debug, Clone)]
pub struct EntryBytes {
    pub bytes: Vec<u8>,
    pub notes: Vec<String>,
    /// Set when Android's reader would fail on this entry, with why.
    pub android_fails: Option<String>,
}

impl EntryBytes {
    fn new(bytes: Vec<u8>, notes: Vec<String>, recovered: bool) -> Self {
        let android_fails = recovered
            .then(|| "libziparchive cannot read this entry (telltale recovered it)".to_string());
        EntryBytes {
            bytes,
            notes,
            android_fails,
        }
    }
}

/// How to turn an entry's raw bytes into its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoding {
    Stored,
    Deflate,
}

impl Decoding {
    /// Whether Android itself would not decode the entry this way.
    fn is_recovery(self, entry: &Entry) -> bool {
        match self {
            Decoding::Deflate => entry.method != METHOD_DEFLATE,
            Decoding::Stored => entry.method == METHOD_DEFLATE,
        }
    }
}

/// Decodings to try, Android's own first.
fn decodings(entry: &Entry) -> Vec<Decoding> {
    let sizes_equal = entry.compressed_size == entry.uncompressed_size;
    match entry.method {
        METHOD_DEFLATE if sizes_equal => vec![Decoding::Deflate, Decoding::Stored],
        METHOD_DEFLATE => vec![Decoding::Deflate],
        METHOD_STORED => vec![Decoding::Stored],
        // Android's asset path reads unknown methods as stored.
        _ if sizes_equal => vec![Decoding::Stored, Decoding::Deflate],
        _ => vec![Decoding::Stored, Decoding::Deflate],
    }
}

fn decode(
    raw: Span<'_>,
    entry: &Entry,
    how: Decoding,
    limits: &Limits,
    notes: &mut Vec<String>,
) -> Result<Vec<u8>, ZipError> {
    match how {
        Decoding::Stored => {
            if entry.method == METHOD_DEFLATE {
                notes.push(format!("{STORED_UNDER_DEFLATE}; read as stored"));
            } else if entry.method != METHOD_STORED {
                notes.push(format!(
                    "unknown compression method {:#06x}; read as stored, as Android's asset reader does",
                    entry.method
                ));
            }
            stored(raw, entry, limits)
        }
        Decoding::Deflate => {
            if entry.method != METHOD_DEFLATE {
                notes.push(format!(
                    "unknown compression method {:#06x}; the data inflates as deflate",
                    entry.method
                ));
            }
            inflate_declared(raw, entry.uncompressed_size, limits.max_entry_size)
        }
    }
}

/// Where an archive's bytes are read from: a buffer already in memory, or
/// a file read by range (`pread`), so that a package on disk is never held
/// whole: only the central directory, the local headers and the entry being
/// read are. Another process shortening the file during the run makes reads
/// fall short, which are errors like any truncated archive (a memory map
/// would be killed by SIGBUS instead).
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// Bytes in memory.
    Bytes(&'a [u8]),
    /// A file of `len` bytes (its size when opened).
    File { file: &'a std::fs::File, len: u64 },
}

impl<'a> Source<'a> {
    /// The size of the input.
    pub fn len(&self) -> u64 {
        match self {
            Source::Bytes(d) => d.len() as u64,
            Source::File { len, .. } => *len,
        }
    }

    /// Whether the input is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `len` bytes at `start`, or `None` when they lie past the end
    /// (or the file was shortened since it was opened). Callers bound `len`
    /// by the input's size before asking.
    pub fn get(&self, start: u64, len: usize) -> Option<Cow<'a, [u8]>> {
        let end = start.checked_add(len as u64)?;
        if end > self.len() {
            return None;
        }
        match *self {
            Source::Bytes(d) => d
                .get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
                .map(Cow::Borrowed),
            Source::File { file, .. } => {
                let mut buf = vec![0u8; len];
                file.read_exact_at(&mut buf, start).ok()?;
                Some(Cow::Owned(buf))
            }
        }
    }

    fn u32_at(&self, at: u64) -> Option<u32> {
        self.get(at, 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64_at(&self, at: u64) -> Option<u64> {
        self.get(at, 8).and_then(|b| u64_at(&b, 0))
    }
}

/// A range of a [`Source`] (an entry's raw data), already checked to lie
/// inside the input.
#[derive(Debug, Clone, Copy)]
struct Span<'a> {
    source: Source<'a>,
    start: u64,
    len: u64,
}

impl<'a> Span<'a> {
    /// A reader over the range. A file shortened during the run ends the
    /// read early (a truncated stream), never a fault.
    fn reader(&self) -> SpanReader<'a> {
        match self.source {
            Source::Bytes(d) => {
                let start = usize::try_from(self.start).unwrap_or(d.len()).min(d.len());
                let end = start
                    .saturating_add(usize::try_from(self.len).unwrap_or(usize::MAX))
                    .min(d.len());
                SpanReader::Bytes(&d[start..end])
            }
            Source::File { file, .. } => SpanReader::File {
                file,
                pos: self.start,
                end: self.start.saturating_add(self.len),
            },
        }
    }

    /// The first `take` bytes of the range, as an owned buffer.
    fn head(&self, take: u64) -> Option<Vec<u8>> {
        let take = usize::try_from(take.min(self.len)).ok()?;
        self.source.get(self.start, take).map(Cow::into_owned)
    }
}

enum SpanReader<'a> {
    Bytes(&'a [u8]),
    File {
        file: &'a std::fs::File,
        pos: u64,
        end: u64,
    },
}

impl Read for SpanReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            SpanReader::Bytes(d) => d.read(buf),
            SpanReader::File { file, pos, end } => {
                let want = usize::try_from(end.saturating_sub(*pos))
                    .unwrap_or(usize::MAX)
                    .min(buf.len());
                if want == 0 {
                    return Ok(0);
                }
                let n = file.read_at(&mut buf[..want], *pos)?;
                *pos += n as u64;
                Ok(n)
            }
        }
    }
}

/// Size limits applied when inflating.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest inflated size of one entry.
    pub max_entry_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entry_size: 256 << 20,
        }
    }
}

/// One central-directory record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Name as stored (lossy UTF-8).
    pub name: String,
    /// Compression method from the CD.
    pub method: u16,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub crc32: u32,
    /// Offset of the local header as declared (before any junk shift).
    pub local_header_offset: u64,
    /// General-purpose flags from the CD.
    pub flags: u16,
    /// Position of this record in the CD (0-based).
    pub index: usize,
    /// Where the entry's data starts, when it could be found.
    data_offset: Option<u64>,
    /// A second candidate data offset (from the CD's extra length), tried
    /// when the LFH-based one does not yield the CD's CRC.
    alt_data_offset: Option<u64>,
    /// Extra-field length in the CD record.
    cd_extra_len: u16,
    /// Whether Android's reader would find this entry (within the EOCD count).
    pub seen_by_android: bool,
    /// Whether the data overlaps another entry's data (zip bomb / decoy).
    pub overlaps: bool,
}

impl Entry {
    /// Whether the name is a directory.
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
}

/// A parsed archive over a [`Source`].
#[derive(Debug)]
pub struct Archive<'a> {
    source: Source<'a>,
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    cd_offset: u64,
    anomalies: Vec<String>,
    refusals: Vec<String>,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

/// The end-of-central-directory facts.
struct Eocd {
    offset: u64,
    entry_count: u64,
    cd_size: u64,
    cd_offset: u64,
}

impl<'a> Archive<'a> {
    /// Reads the central directory of `data`.
    pub fn parse(data: &'a [u8]) -> Result<Archive<'a>, ZipError> {
        Archive::open(Source::Bytes(data))
    }

    /// Reads the central directory of `source`.
    pub fn open(source: Source<'a>) -> Result<Archive<'a>, ZipError> {
        let mut notes = Notes::default();
        let eocd = find_eocd(&source, &mut notes.anomalies, &mut notes.refusals)?;
        let (cd_start, shift) = cd_start(&source, &eocd, &mut notes)?;
        if cd_start.saturating_add(eocd.cd_size) > eocd.offset {
            notes
                .anomalies
                .push("central directory overruns the end-of-central-directory record".into());
        }
        let mut entries = read_cd(&source, cd_start, &eocd, &mut notes.anomalies)?;
        if entries.is_empty() && eocd.entry_count > 0 {
            return err("no readable central directory record");
        }
        check_count(&mut entries, eocd.entry_count, &mut notes);
        let mut archive = Archive {
            source,
            entries,
            by_name: HashMap::new(),
            cd_offset: cd_start,
            anomalies: notes.anomalies,
            refusals: notes.refusals,
        };
        archive.check_names();
        archive.locate_data(shift);
        archive.check_overlaps();
        Ok(archive)
    }

    /// All CD records, in CD order (duplicates included).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry Android would use for `name` (the first CD record with it).
    pub fn find(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).and_then(|&i| self.entries.get(i))
    }

    /// Where the central directory starts in the file (after any junk shift).
    pub fn cd_offset(&self) -> u64 {
        self.cd_offset
    }

    /// The `len` bytes of the archive file at `start` (for structures
    /// outside entries, such as the APK Signing Block), or `None` when they
    /// lie past its end.
    pub fn bytes(&self, start: u64, len: usize) -> Option<Cow<'a, [u8]>> {
        self.source.get(start, len)
    }

    /// Anomalies met while reading the structure.
    pub fn anomalies(&self) -> &[String] {
        &self.anomalies
    }

    /// Reasons Android's package reader would refuse this archive.
    pub fn refusals(&self) -> &[String] {
        &self.refusals
    }

    /// Inflates one entry the way Android would, recovering what it can.
    /// Returns the bytes and the anomalies met while reading them.
    pub fn read_with_notes(&self, entry: &Entry, limits: &Limits) -> Result<EntryBytes, ZipError> {
        if entry.overlaps {
            return err("entry data overlaps another entry (zip bomb or decoy); not inflated");
        }
        if entry.uncompressed_size > limits.max_entry_size && entry.method == METHOD_DEFLATE {
            return err(format!(
                "entry declares {}, over the {} cap; not inflated",
                mib(entry.uncompressed_size),
                mib(limits.max_entry_size)
            ));
        }
        let mut offsets = Vec::with_capacity(2);
        offsets.extend(entry.data_offset);
        if let Some(alt) = entry.alt_data_offset
            && Some(alt) != entry.data_offset
        {
            offsets.push(alt);
        }
        if offsets.is_empty() {
            return err("entry data could not be located");
        }
        // Android's reading first (declared method at the local header's
        // offset), then the recoveries; the first whose CRC matches wins.
        let mut first: Option<Result<EntryBytes, ZipError>> = None;
        for (i, &offset) in offsets.iter().enumerate() {
            let raw = self.raw_at(entry, offset)?;
            for how in decodings(entry) {
                let mut notes = Vec::new();
                if i > 0 {
                    notes.push("data found where the central directory's header lengths put it, not the local header's".into());
                }
                let got = decode(raw, entry, how, limits, &mut notes);
                match got {
                    Ok(bytes) if crc32(&bytes) == entry.crc32 => {
                        return Ok(EntryBytes::new(
                            bytes,
                            notes,
                            i > 0 || how.is_recovery(entry),
                        ));
                    }
                    Ok(bytes)
                        if first.as_ref().is_none_or(|f| f.is_err()) && !how.is_recovery(entry) =>
                    {
                        notes.push(format!(
                            "CRC-32 mismatch (central directory says {:08x})",
                            entry.crc32
                        ));
                        first = Some(Ok(EntryBytes::new(bytes, notes, i > 0)));
                    }
                    Err(e) if first.is_none() => first = Some(Err(e)),
                    _ => {}
                }
            }
        }
        first.unwrap_or_else(|| err("entry data could not be decoded"))
    }

    /// Inflates one entry; anomalies met on the way are dropped.
    pub fn read(&self, entry: &Entry, limits: &Limits) -> Result<Vec<u8>, ZipError> {
        self.read_with_notes(entry, limits).map(|r| r.bytes)
    }

    fn raw_at(&self, entry: &Entry, offset: u64) -> Result<Span<'a>, ZipError> {
        let start = usize::try_from(offset).map_err(|_| ZipError("offset too large".into()))?;
        let len = usize::try_from(entry.compressed_size)
            .map_err(|_| ZipError("size too large".into()))?;
        match start
            .checked_add(len)
            .filter(|&e| e as u64 <= self.source.len())
        {
            Some(_) => Ok(Span {
                source: self.source,
                start: offset,
                len: entry.compressed_size,
            }),
            None => err(format!(
                "entry data ({len} bytes at {start}) runs past the end of the file"
            )),
        }
    }

    fn check_names(&mut self) {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut dups = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !seen.insert(e.name.as_str()) {
                dups.push(e.name.clone());
            } else {
                self.by_name.insert(e.name.clone(), i);
            }
        }
        dups.sort();
        dups.dedup();
        for name in dups {
            let msg = format!(
                "duplicate entry name {name:?} (Master Key style); Android refuses such archives"
            );
            self.anomalies.push(msg);
            self.refusals
                .push(format!("libziparchive: duplicate entry {name:?}"));
        }
    }

    /// Finds each entry's data start through its local header, noting every
    /// way the local header disagrees with the CD.
    fn locate_data(&mut self, shift: u64) {
        let source = self.source;
        let cd_offset = self.cd_offset;
        let mut notes = Notes::default();
        let mut method_mismatch = 0usize;
        let mut encrypted_flag = 0usize;
        for e in &mut self.entries {
            let Some(lfh) = e.local_header_offset.checked_add(shift) else {
                continue;
            };
            if lfh >= cd_offset || lfh.saturating_add(LFH_LEN as u64) > source.len() {
                notes.refused(
                    format!(
                        "{}: local header offset {lfh} is outside the entry data area",
                        e.name
                    ),
                    format!("libziparchive: bad local header offset for {:?}", e.name),
                );
                continue;
            }
            if e.flags & 1 != 0 {
                encrypted_flag += 1;
            }
            let header = LocalHeader::check(source, lfh, e, &mut notes);
            if header.method != e.method {
                method_mismatch += 1;
            }
            header.set_data_offsets(e, lfh, cd_offset, &mut notes);
        }
        if method_mismatch > 0 {
            notes.anomalies.push(format!(
                "{method_mismatch} local header(s) name another compression method than the central directory (ignored, as Android does)"
            ));
        }
        if encrypted_flag > 0 {
            notes.anomalies.push(format!(
                "{encrypted_flag} entr(y/ies) carry the encryption flag; Android ignores it and so does telltale"
            ));
        }
        for e in &self.entries {
            if e.method != METHOD_STORED && e.method != METHOD_DEFLATE {
                notes.refused(
                    format!(
                        "{}: unknown compression method {:#06x} (Android's asset reader treats it as stored)",
                        e.name, e.method
                    ),
                    format!(
                        "libziparchive: unsupported compression method {:#06x} for {:?}",
                        e.method, e.name
                    ),
                );
            }
        }
        self.anomalies.extend(notes.anomalies);
        self.refusals.extend(notes.refusals);
    }

    fn check_overlaps(&mut self) {
        let mut spans: Vec<(u64, u64, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                e.data_offset
                    .map(|s| (s, s.saturating_add(e.compressed_size), i))
            })
            .filter(|(s, end, _)| end > s)
            .collect();
        spans.sort_unstable();
        let mut overlapping = HashSet::new();
        let mut reach: Option<(u64, usize)> = None;
        for &(start, end, i) in &spans {
            if let Some((r_end, r_i)) = reach
                && start < r_end
            {
                overlapping.insert(i);
                overlapping.insert(r_i);
            }
            if reach.is_none_or(|(r_end, _)| end > r_end) {
                reach = Some((end, i));
            }
        }
        if !overlapping.is_empty() {
            self.anomalies.push(format!(
                "{} entries share data with other entries (overlapping zip bomb or decoy); they are not inflated",
                overlapping.len()
            ));
            for i in overlapping {
                if let Some(e) = self.entries.get_mut(i) {
                    e.overlaps = true;
                }
            }
        }
    }
}

/// Anomalies and Android's refusals met while reading the directory.
#[derive(Default)]
struct Notes {
    anomalies: Vec<String>,
    refusals: Vec<String>,
}

impl Notes {
    /// Notes an anomaly Android refuses the archive for.
    fn refused(&mut self, anomaly: String, refusal: String) {
        self.anomalies.push(anomaly);
        self.refusals.push(refusal);
    }
}

/// Where the CD really starts, and by how much the entries' offsets are
/// shifted. Android trusts the declared offset; junk prepended without
/// fixing offsets moves everything by the shift.
fn cd_start(source: &Source<'_>, eocd: &Eocd, notes: &mut Notes) -> Result<(u64, u64), ZipError> {
    let declared = eocd.cd_offset;
    if source.u32_at(declared) == Some(CD_SIG) && declared <= eocd.offset {
        return Ok((declared, 0));
    }
    match eocd.offset.checked_sub(eocd.cd_size) {
        Some(c) if source.u32_at(c) == Some(CD_SIG) && c > declared => {
            let shift = c - declared;
            let msg = format!(
                "central directory found {shift} bytes after its declared offset (data prepended without fixing offsets)"
            );
            notes.refused(msg.clone(), format!("libziparchive: {msg}"));
            Ok((c, shift))
        }
        _ if eocd.entry_count == 0 && eocd.cd_size == 0 => Ok((eocd.offset, 0)),
        _ => err("central directory not found at its declared offset"),
    }
}

/// The records between the CD start and the end record, read at once.
fn read_cd(
    source: &Source<'_>,
    cd_start: u64,
    eocd: &Eocd,
    anomalies: &mut Vec<String>,
) -> Result<Vec<Entry>, ZipError> {
    // Positions below are relative to `cd_start`.
    let cd_len = usize::try_from(eocd.offset - cd_start)
        .map_err(|_| ZipError("central directory too large".into()))?;
    let cd = source
        .get(cd_start, cd_len)
        .ok_or_else(|| ZipError("central directory could not be read".into()))?;
    let mut entries = Vec::new();
    let mut pos = 0usize;
    let cd_end = cd.len();
    while pos + CD_LEN <= cd_end && u32_at(&cd, pos) == Some(CD_SIG) {
        if entries.len() >= MAX_ENTRIES {
            anomalies.push(format!(
                "more than {MAX_ENTRIES} entries; the rest are ignored"
            ));
            break;
        }
        match read_cd_record(&cd, pos, cd_end, entries.len(), anomalies) {
            Some((entry, next)) => {
                entries.push(entry);
                pos = next;
            }
            None => {
                anomalies.push(format!(
                    "central directory record {} is truncated",
                    entries.len()
                ));
                break;
            }
        }
    }
    Ok(entries)
}

/// Compares the records read with the end record's count; records past it
/// are not seen by Android.
fn check_count(entries: &mut [Entry], declared_count: u64, notes: &mut Notes) {
    if (entries.len() as u64) < declared_count {
        let msg = format!(
            "end record declares {declared_count} entries, the central directory holds {}",
            entries.len()
        );
        notes.refused(msg.clone(), format!("libziparchive: {msg}"));
    } else if (entries.len() as u64) > declared_count {
        notes.anomalies.push(format!(
            "end record declares {declared_count} entries but the central directory holds {}: Android sees only the first {declared_count}",
            entries.len()
        ));
        for e in entries.iter_mut().skip(declared_count as usize) {
            e.seen_by_android = false;
        }
    }
}

/// The local-header fields used to find an entry's data.
struct LocalHeader {
    method: u16,
    name_len: u64,
    extra_len: u64,
}

impl LocalHeader {
    /// Reads the local header at `lfh` (its fixed part fits in the input),
    /// noting where it disagrees with the CD record `e`.
    fn check(source: Source<'_>, lfh: u64, e: &Entry, notes: &mut Notes) -> LocalHeader {
        // A file shortened since it was opened reads as zeros here and
        // fails later, when the entry is read.
        let header = source.get(lfh, LFH_LEN).unwrap_or_default();
        if u32_at(&header, 0) != Some(LFH_SIG) {
            notes.refused(
                format!("{}: local header signature is wrong", e.name),
                format!(
                    "libziparchive: invalid local header signature for {:?}",
                    e.name
                ),
            );
        }
        let lfh_flags = u16_at(&header, 6).unwrap_or(0);
        let lfh_crc = u32_at(&header, 14).unwrap_or(0);
        let lfh_csize = u32_at(&header, 18).unwrap_or(0);
        let lfh_usize = u32_at(&header, 22).unwrap_or(0);
        let local = LocalHeader {
            method: u16_at(&header, 8).unwrap_or(0),
            name_len: u16_at(&header, 26).unwrap_or(0) as u64,
            extra_len: u16_at(&header, 28).unwrap_or(0) as u64,
        };
        let lfh_name = source.get(lfh + LFH_LEN as u64, local.name_len as usize);
        if lfh_name.as_deref() != Some(e.name.as_bytes()) {
            notes.refused(
                format!(
                    "{}: local header name differs from the central directory's",
                    e.name
                ),
                format!("libziparchive: local header name mismatch for {:?}", e.name),
            );
        }
        let sizes_differ = lfh_flags & 8 == 0
            && e.compressed_size < 0xffff_ffff
            && (lfh_csize as u64 != e.compressed_size
                || lfh_usize as u64 != e.uncompressed_size
                || lfh_crc != e.crc32);
        if sizes_differ {
            notes.refused(
                format!(
                    "{}: local header sizes/CRC differ from the central directory's",
                    e.name
                ),
                format!(
                    "libziparchive: local header size/CRC mismatch for {:?}",
                    e.name
                ),
            );
        }
        local
    }

    /// Sets `e`'s data offset from this header's lengths (and a second
    /// candidate from the CD's own lengths), when the data fits before the CD.
    fn set_data_offsets(&self, e: &mut Entry, lfh: u64, cd_offset: u64, notes: &mut Notes) {
        let in_bounds = |off: u64| {
            off.checked_add(e.compressed_size)
                .is_some_and(|end| end <= cd_offset)
        };
        let lfh_data = lfh + LFH_LEN as u64 + self.name_len + self.extra_len;
        if in_bounds(lfh_data) {
            e.data_offset = Some(lfh_data);
        } else {
            notes.refused(
                format!(
                    "{}: local header lengths put the data past the central directory (garbage extra length {})",
                    e.name, self.extra_len
                ),
                format!("libziparchive: bad data offset for {:?}", e.name),
            );
        }
        // A second candidate: the CD's own name/extra lengths.
        let cd_data = lfh + LFH_LEN as u64 + e.name.len() as u64 + e_cd_extra(e);
        if in_bounds(cd_data) {
            e.alt_data_offset = Some(cd_data);
        }
    }
}

/// Extra-field length the CD record gave (kept in `alt_data_offset` math).
fn e_cd_extra(e: &Entry) -> u64 {
    e.cd_extra_len as u64
}

fn stored(raw: Span<'_>, entry: &Entry, limits: &Limits) -> Result<Vec<u8>, ZipError> {
    let take = raw.len.min(entry.uncompressed_size);
    if take > limits.max_entry_size {
        return err(format!(
            "stored entry of {} is over the {} cap; not read",
            mib(take),
            mib(limits.max_entry_size)
        ));
    }
    raw.head(take).ok_or_else(|| ZipError(SHORTENED.into()))
}

/// Why an entry's bytes could not be read though they lay inside the file
/// when it was opened.
const SHORTENED: &str = "entry data could not be read: the file is shorter than when it was opened (another process is writing it)";

/// Raw-deflate `raw` that declares `declared` bytes: stops past
/// `declared` + [`SIZE_SLACK`] (a size lie) or past `cap`.
fn inflate_declared(raw: Span<'_>, declared: u64, cap: u64) -> Result<Vec<u8>, ZipError> {
    let stop = declared.saturating_add(SIZE_SLACK).min(cap);
    match inflate_from(raw.reader(), raw.len, stop, Some(declared)) {
        Err(InflateError::PastCap) if stop >= declared => err(format!(
            "entry inflates past its declared size of {declared} bytes (a size lie, a sign of tampering; Android's reader fails on it); stopped at {stop} bytes, not read"
        )),
        Err(InflateError::PastCap) => err(format!(
            "entry inflates past the {} cap (zip bomb?); not read",
            mib(cap)
        )),
        Err(InflateError::Corrupt(e)) => err(format!("inflate failed: {e}")),
        Ok(out) => Ok(out),
    }
}

/// Why [`inflate`] stopped.
#[derive(Debug)]
pub enum InflateError {
    /// The output would have been longer than the cap.
    PastCap,
    /// The deflate stream is corrupt.
    Corrupt(std::io::Error),
}

/// Raw-deflate `raw`, refusing to produce more than `cap` bytes. Memory is
/// bounded by `cap` (plus one byte): the output buffer never grows past it.
pub fn inflate(raw: &[u8], cap: u64) -> Result<Vec<u8>, InflateError> {
    inflate_from(raw, raw.len() as u64, cap, None)
}

/// Compressed bytes read at a time.
const INFLATE_INPUT: usize = 256 << 10;

/// Deflate's largest expansion: one byte of input makes at most this many
/// bytes of output (a 258-byte match in under two bits), so no honest
/// declared size is above it.
const DEFLATE_MAX_RATIO: u64 = 1032;

/// [`inflate`] from a reader of `raw_len` compressed bytes; `declared`: the
/// size the archive says the output has. The output is inflated straight
/// into its buffer, sized up front to the declared size when the input
/// could make that much (so a 6 MB DEX is neither copied through a chunk
/// nor moved as its buffer grows), else grown by doubling; never past the
/// cap.
fn inflate_from(
    mut raw: impl Read,
    raw_len: u64,
    cap: u64,
    declared: Option<u64>,
) -> Result<Vec<u8>, InflateError> {
    use flate2::{Decompress, FlushDecompress, Status};
    let limit = usize::try_from(cap.saturating_add(1)).unwrap_or(usize::MAX);
    let hint = usize::try_from(raw_len).unwrap_or(usize::MAX);
    let first = match declared {
        // One byte over the declared size: room to see the stream end there.
        Some(d) => usize::try_from(d.min(raw_len.saturating_mul(DEFLATE_MAX_RATIO)))
            .unwrap_or(usize::MAX)
            .saturating_add(1),
        None => hint.saturating_mul(4).min(1 << 20),
    };
    let mut out = Vec::with_capacity(first.min(limit));
    let mut input = vec![0u8; INFLATE_INPUT.min(hint.max(1))];
    let (mut pos, mut end) = (0, 0);
    let mut decoder = Decompress::new(false);
    // The stream ends at its last block; a stream cut short is an error, as
    // is data that does not decode (the messages are flate2's reader's).
    loop {
        if pos == end {
            end = raw.read(&mut input).map_err(InflateError::Corrupt)?;
            pos = 0;
        }
        let eof = pos == end;
        if out.len() == out.capacity() {
            if out.len() >= limit {
                break;
            }
            // Grow by doubling, but never past the cap.
            let want = out.capacity().saturating_mul(2).max(64 << 10).min(limit);
            out.reserve_exact(want - out.len());
        }
        let (in_before, out_before) = (decoder.total_in(), out.len());
        let flush = if eof {
            FlushDecompress::Finish
        } else {
            FlushDecompress::None
        };
        let status = decoder.decompress_vec(&input[pos..end], &mut out, flush);
        pos += usize::try_from(decoder.total_in() - in_before).unwrap_or(usize::MAX);
        let produced = out.len() > out_before;
        match status {
            Ok(Status::StreamEnd) => break,
            Ok(Status::Ok | Status::BufError) if !produced && eof => {
                return Err(InflateError::Corrupt(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "incomplete deflate stream",
                )));
            }
            Ok(Status::Ok | Status::BufError) => {}
            Err(_) => {
                return Err(InflateError::Corrupt(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "corrupt deflate stream",
                )));
            }
        }
    }
    if out.len() as u64 > cap {
        return Err(InflateError::PastCap);
    }
    Ok(out)
}

/// `bytes` in MiB for messages (`0.5 MiB`, `256 MiB`).
pub fn mib(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    }
}

/// CRC-32 (IEEE) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

fn find_eocd(
    source: &Source<'_>,
    anomalies: &mut Vec<String>,
    refusals: &mut Vec<String>,
) -> Result<Eocd, ZipError> {
    let total = source.len();
    if total < EOCD_LEN as u64 {
        return err("file too small to be a ZIP archive");
    }
    // The end record lies in the last MAX_COMMENT + EOCD_LEN bytes.
    let tail_len = total.min((MAX_COMMENT + EOCD_LEN) as u64) as usize;
    let base = total - tail_len as u64;
    let tail = source
        .get(base, tail_len)
        .ok_or_else(|| ZipError("the end of the file could not be read".into()))?;
    let last = tail.len() - EOCD_LEN;
    // Android takes the signature nearest the end of the file.
    let mut found = None;
    let mut i = last;
    loop {
        if tail[i] == 0x50 && u32_at(&tail, i) == Some(EOCD_SIG) {
            found = Some(i);
            break;
        }
        if i == 0 {
            break;
        }
        i -= 1;
    }
    let Some(rel) = found else {
        return err("no end-of-central-directory record (not a ZIP archive)");
    };
    let offset = base + rel as u64;
    let comment_len = u16_at(&tail, rel + 20).unwrap_or(0) as u64;
    let expected_end = offset + EOCD_LEN as u64 + comment_len;
    if expected_end != total {
        let msg = if expected_end > total {
            format!("end record's comment length {comment_len} runs past the end of the file")
        } else {
            format!(
                "{} bytes after the end record's comment",
                total - expected_end
            )
        };
        anomalies.push(msg.clone());
        refusals.push(format!("libziparchive: {msg}"));
    }
    let mut eocd = Eocd {
        offset,
        entry_count: u16_at(&tail, rel + 10).unwrap_or(0) as u64,
        cd_size: u32_at(&tail, rel + 12).unwrap_or(0) as u64,
        cd_offset: u32_at(&tail, rel + 16).unwrap_or(0) as u64,
    };
    let this_disk_count = u16_at(&tail, rel + 8).unwrap_or(0) as u64;
    if this_disk_count != eocd.entry_count {
        anomalies.push("end record's per-disk and total entry counts differ".into());
    }
    // Zip64: the locator sits right before the EOCD.
    let saturated =
        eocd.entry_count == 0xffff || eocd.cd_size == 0xffff_ffff || eocd.cd_offset == 0xffff_ffff;
    if saturated
        && offset >= 20
        && source.u32_at(offset - 20) == Some(ZIP64_LOCATOR_SIG)
        && let Some(rec) = source.u64_at(offset - 20 + 8)
        && source.u32_at(rec) == Some(ZIP64_EOCD_SIG)
    {
        eocd.entry_count = source.u64_at(rec + 32).unwrap_or(eocd.entry_count);
        eocd.cd_size = source.u64_at(rec + 40).unwrap_or(eocd.cd_size);
        eocd.cd_offset = source.u64_at(rec + 48).unwrap_or(eocd.cd_offset);
        eocd.offset = rec;
    }
    Ok(eocd)
}

fn read_cd_record(
    data: &[u8],
    pos: usize,
    cd_end: usize,
    index: usize,
    anomalies: &mut Vec<String>,
) -> Option<(Entry, usize)> {
    let flags = u16_at(data, pos + 8)?;
    let method = u16_at(data, pos + 10)?;
    let crc32 = u32_at(data, pos + 16)?;
    let mut compressed_size = u32_at(data, pos + 20)? as u64;
    let mut uncompressed_size = u32_at(data, pos + 24)? as u64;
    let name_len = u16_at(data, pos + 28)? as usize;
    let extra_len = u16_at(data, pos + 30)? as usize;
    let comment_len = u16_at(data, pos + 32)? as usize;
    let mut local_header_offset = u32_at(data, pos + 42)? as u64;
    let name_start = pos + CD_LEN;
    let next = name_start + name_len + extra_len + comment_len;
    if next > cd_end {
        return None;
    }
    let name_bytes = data.get(name_start..name_start + name_len)?;
    if std::str::from_utf8(name_bytes).is_err() || name_bytes.contains(&0) {
        anomalies.push(format!(
            "entry {index}: name is not valid UTF-8 or contains NUL (Android rejects such names)"
        ));
    }
    let name = String::from_utf8_lossy(name_bytes).into_owned();
    // Zip64 extended information.
    let extra = data.get(name_start + name_len..name_start + name_len + extra_len)?;
    let mut p = 0;
    while p + 4 <= extra.len() {
        let id = u16_at(extra, p)?;
        let size = u16_at(extra, p + 2)? as usize;
        let body = extra.get(p + 4..p + 4 + size);
        if id == 0x0001
            && let Some(body) = body
        {
            let mut q = 0;
            if uncompressed_size == 0xffff_ffff {
                uncompressed_size = u64_at(body, q).unwrap_or(uncompressed_size);
                q += 8;
            }
            if compressed_size == 0xffff_ffff {
                compressed_size = u64_at(body, q).unwrap_or(compressed_size);
                q += 8;
            }
            if local_header_offset == 0xffff_ffff {
                local_header_offset = u64_at(body, q).unwrap_or(local_header_offset);
            }
        }
        p += 4 + size;
    }
    let entry = Entry {
        name,
        method,
        compressed_size,
        uncompressed_size,
        crc32,
        local_header_offset,
        flags,
        index,
        data_offset: None,
        alt_data_offset: None,
        cd_extra_len: extra_len as u16,
        seen_by_android: true,
        overlaps: false,
    };
    Some((entry, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn tricks_dir() -> Option<PathBuf> {
        let dir = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/tricks"
        ));
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!("skipping: ../shared/corpus/tricks is absent");
            None
        }
    }

    fn read_named(data: &[u8], name: &str) -> Result<Vec<u8>, ZipError> {
        read_noted(data, name).map(|(b, _, _)| b)
    }

    fn read_noted(data: &[u8], name: &str) -> Result<(Vec<u8>, Vec<String>, bool), ZipError> {
        let archive = Archive::parse(data)?;
        let entry = archive
            .find(name)
            .ok_or_else(|| ZipError(format!("{name} missing")))?;
        let r = archive.read_with_notes(entry, &Limits::default())?;
        Ok((r.bytes, r.notes, r.android_fails.is_some()))
    }

    #[test]
    fn every_trick_yields_the_clean_bytes_and_androids_verdict() {
        let Some(dir) = tricks_dir() else { return };
        let clean = std::fs::read(dir.join("00_clean.apk")).unwrap();
        let manifest = read_named(&clean, "AndroidManifest.xml").unwrap();
        let dex = read_named(&clean, "classes.dex").unwrap();
        assert_eq!(manifest.len(), 2180);
        assert_eq!(dex.len(), 12956);
        assert_eq!(&dex[..4], b"dex\n");
        let accepted = ["00_clean", "A_", "C_", "E_", "J_"];
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        assert_eq!(names.len(), 14);
        for path in names {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = std::fs::read(&path).unwrap();
            let archive = Archive::parse(&data).unwrap_or_else(|e| panic!("{file}: {e}"));
            let (m, notes, fails) =
                read_noted(&data, "AndroidManifest.xml").unwrap_or_else(|e| panic!("{file}: {e}"));
            let anomalies = archive.anomalies().len() + notes.len();
            assert_eq!(
                anomalies == 0,
                file.starts_with("00"),
                "{file}: anomalies {:?} {notes:?}",
                archive.anomalies()
            );
            let android_accepts = archive.refusals().is_empty() && !fails;
            let expected = accepted.iter().any(|p| file.starts_with(p));
            assert_eq!(
                android_accepts,
                expected,
                "{file}: refusals {:?}",
                archive.refusals()
            );
            assert_eq!(m, manifest, "{file}: manifest bytes differ");
            let d = read_named(&data, "classes.dex").unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(d, dex, "{file}: classes.dex bytes differ");
        }
    }

    #[test]
    #[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
    fn zip_bomb_is_refused_quickly() {
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/malformed/zipbomb-overlapping-zbsm.zip"
        ));
        let Ok(data) = std::fs::read(&path) else {
            eprintln!("skipping: zip bomb sample absent");
            return;
        };
        let archive = Archive::parse(&data).unwrap();
        let limits = Limits {
            max_entry_size: 64 << 20,
        };
        let mut total = 0u64;
        for e in archive.entries() {
            if let Ok(b) = archive.read(e, &limits) {
                total += b.len() as u64;
            }
        }
        assert!(total <= 64 << 20, "inflated {total} bytes");
        assert!(
            archive
                .anomalies()
                .iter()
                .any(|a| a.contains("overlapping"))
        );
    }

    #[test]
    fn garbage_and_truncation_never_panic() {
        assert!(Archive::parse(b"").is_err());
        assert!(Archive::parse(b"PK\x05\x06").is_err());
        let Some(dir) = tricks_dir() else { return };
        let clean = std::fs::read(dir.join("00_clean.apk")).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..3000 {
            let mut data = clean.clone();
            for _ in 0..4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state as usize) % data.len();
                data[at] = (state >> 32) as u8;
            }
            if round % 10 == 0 {
                data.truncate((state as usize) % data.len());
            }
            if let Ok(a) = Archive::parse(&data) {
                for e in a.entries() {
                    let _ = a.read(
                        e,
                        &Limits {
                            max_entry_size: 1 << 20,
                        },
                    );
                }
            }
        }
    }
}
