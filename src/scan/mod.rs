//! Strings, endpoints and secrets in raw bytes.
//!
//! The scanner takes any entry's bytes. [`scan_bytes`] looks at raw bytes
//! (assets, JavaScript, JSON, native-library sections, even DEX) in one pass:
//! ASCII/UTF-8 text is matched in place, UTF-16LE runs of ASCII characters are
//! narrowed into a reusable buffer and matched with the same rules.
//! [`scan_strings`] takes strings an analyzer already decoded (DEX string
//! table, resource and binary-XML string pools).
//!
//! * Endpoints ([`endpoints`]): URLs with a host-carrying scheme, bare
//!   hostnames, IPv4 and IPv6 literals, validated with the public suffix list
//!   and filtered by the precision rules documented in that module.
//! * Secrets ([`secrets`]): the shapes in `data/secret_patterns.toml`.
//! * Offsets: every hit carries the byte offset of the match in the entry. For
//!   a UTF-16LE run it is the offset of the match's first UTF-16 code unit, so
//!   the match is `bytes[offset..offset + 2 * len]` decoded as UTF-16LE.
//! * Bounds: no input is copied except UTF-16 runs (into one reused buffer);
//!   tokens longer than [`MAX_TOKEN`] bytes are skipped (never re-scanned), URLs
//!   are cut at [`MAX_URL`] bytes and UTF-16 runs are handled in windows of
//!   [`UTF16_WINDOW`] code units, so the work is linear in the input size.

pub mod aggregate;
pub mod collect;
pub mod endpoints;
pub mod file_kinds;
pub mod named;
pub mod noise;
pub mod secrets;
pub mod strings;

pub use aggregate::{
    Attribution, MAX_ENDPOINTS, MAX_LOCATIONS, MAX_SECRETS, MAX_URLS, aggregate, preview,
};
pub use endpoints::registrable_domain;

/// Longest host-like token (bytes) the endpoint scanner considers; longer
/// tokens are skipped as a whole (a DNS name is at most 253 characters).
pub const MAX_TOKEN: usize = 253;
/// Longest URL kept; longer URLs are cut at this length (the host is intact).
pub const MAX_URL: usize = 2048;
/// UTF-16LE runs longer than this many code units are scanned in consecutive
/// windows of this size (a match spanning a window edge can be missed).
pub const UTF16_WINDOW: usize = 64 * 1024;

/// A host (with its URL when one was seen) found in an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointHit {
    /// Lower-case host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// The full URL when the host was seen inside one (verbatim, cut at [`MAX_URL`]).
    pub url: Option<String>,
    /// Byte offset of the match start in the entry: the URL's first byte for a
    /// URL, the host's first byte for a bare host.
    pub offset: u64,
}

/// A secret found in an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHit {
    /// Pattern kind from `data/secret_patterns.toml` (`aws-access-key-id`, …).
    pub kind: String,
    /// The exact matched value.
    pub value: String,
    /// Byte offset of the value's first byte in the entry.
    pub offset: u64,
}

/// What the scanner matches with: the secret shapes and key names, the
/// endpoint noise lists and their context rules of the knowledge base
/// (`secret_patterns.toml`, `endpoint_noise.toml`), compiled. The knowledge
/// base owns one and the drivers hand it down.
#[derive(Debug)]
pub struct Rules {
    secrets: secrets::Patterns,
    key_names: secrets::KeyNames,
    noise: endpoints::Noise,
    context: noise::Context,
    file_kinds: file_kinds::FileKinds,
}

impl Rules {
    /// Rules from compiled secret patterns, key names, noise lists, noise
    /// context rules and the file kinds worth scanning.
    pub fn new(
        secrets: secrets::Patterns,
        key_names: secrets::KeyNames,
        noise: endpoints::Noise,
        context: noise::Context,
        file_kinds: file_kinds::FileKinds,
    ) -> Rules {
        Rules {
            secrets,
            key_names,
            noise,
            context,
            file_kinds,
        }
    }

    /// Which entries are worth reading, by file name ([`file_kinds`]).
    pub fn file_kinds(&self) -> &file_kinds::FileKinds {
        &self.file_kinds
    }

    /// The `[key_names]` that classify configuration values ([`named`]).
    pub fn key_names(&self) -> &secrets::KeyNames {
        &self.key_names
    }

    /// The context rules that drop hosts by where they were seen ([`noise`]).
    pub fn context(&self) -> &noise::Context {
        &self.context
    }

    /// The secret shapes.
    pub fn secrets(&self) -> &secrets::Patterns {
        &self.secrets
    }

    /// The endpoint noise lists.
    pub fn noise(&self) -> &endpoints::Noise {
        &self.noise
    }
}

/// Everything the scanner found in one entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryScan {
    pub endpoints: Vec<EndpointHit>,
    pub secrets: Vec<SecretHit>,
    /// Hits dropped as noise by their context, with their class ([`noise`]).
    pub noise: Vec<(String, EndpointHit)>,
    /// Values under classified key names in configuration text ([`named`]).
    pub named: Vec<named::NamedValue>,
}

impl EntryScan {
    /// Appends the hits of `other`.
    pub fn extend(&mut self, other: EntryScan) {
        self.endpoints.extend(other.endpoints);
        self.secrets.extend(other.secrets);
        self.noise.extend(other.noise);
        self.named.extend(other.named);
    }
}

/// How positions inside a scanned text map back to entry offsets:
/// `offset = base + stride * position`. A stride of 0 pins every hit to `base`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OffsetMap {
    pub base: u64,
    pub stride: u64,
}

impl OffsetMap {
    pub(crate) fn at(self, pos: usize) -> u64 {
        self.base
            .saturating_add(self.stride.saturating_mul(pos as u64))
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes examined by the scanner's own loops (tests assert linear work).
    pub(crate) static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts `n` units of scanner work (tests only; free otherwise).
#[inline(always)]
pub(crate) fn count(n: usize) {
    #[cfg(test)]
    WORK.with(|w| w.set(w.get() + n as u64));
    #[cfg(not(test))]
    let _ = n;
}

/// Runs every matcher over one ASCII-compatible text.
fn scan_text(
    rules: &Rules,
    text: &[u8],
    map: OffsetMap,
    scratch: &mut secrets::Scratch,
    out: &mut EntryScan,
) {
    endpoints::scan(&rules.noise, text, map, &mut out.endpoints);
    secrets::scan(&rules.secrets, text, map, scratch, &mut out.secrets);
}

/// Scans raw bytes (assets, .so sections, JS, JSON…): ASCII/UTF-8 runs and
/// UTF-16LE runs. `base_offset` is added to every offset (for a section inside
/// a file).
pub fn scan_bytes(rules: &Rules, bytes: &[u8], base_offset: u64) -> EntryScan {
    let mut out = EntryScan::default();
    let mut scratch = secrets::Scratch::new();
    scan_text(
        rules,
        bytes,
        OffsetMap {
            base: base_offset,
            stride: 1,
        },
        &mut scratch,
        &mut out,
    );
    let mut narrow = Vec::new();
    strings::for_each_utf16_run(bytes, &mut narrow, |start, text| {
        let map = OffsetMap {
            base: base_offset.saturating_add(start as u64),
            stride: 2,
        };
        scan_text(rules, text, map, &mut scratch, &mut out);
    });
    out
}

/// [`scan_bytes`] of the string sections of a compiled binary (ELF, Mach-O):
/// each endpoint hit is also judged within its NUL-delimited string by the
/// code-string rules ([`noise::Context::code_string_class`]).
pub fn scan_code_bytes(rules: &Rules, bytes: &[u8], base_offset: u64) -> EntryScan {
    let mut out = scan_bytes(rules, bytes, base_offset);
    let mut kept = Vec::with_capacity(out.endpoints.len());
    for hit in std::mem::take(&mut out.endpoints) {
        let class = binary_string(bytes, &hit, base_offset)
            .and_then(|(string, at)| rules.context.code_string_class(string, at, &hit));
        match class {
            Some(class) => out.noise.push((class.to_string(), hit)),
            None => kept.push(hit),
        }
    }
    out.endpoints = kept;
    out
}

/// Longest string of a binary [`binary_string`] delimits, either side of a hit.
const BINARY_STRING_REACH: usize = 512;

/// The printable run of `bytes` around `hit` (bounded by control bytes,
/// at most [`BINARY_STRING_REACH`] bytes either side) and the hit's
/// position in it, when the hit's text is there as single bytes (not for
/// UTF-16 runs).
fn binary_string<'b>(bytes: &'b [u8], hit: &EndpointHit, base: u64) -> Option<(&'b [u8], usize)> {
    let pos = usize::try_from(hit.offset.checked_sub(base)?).ok()?;
    let token = hit.url.as_deref().unwrap_or(&hit.host).as_bytes();
    let here = bytes.get(pos..pos.checked_add(token.len())?)?;
    if !here.eq_ignore_ascii_case(token) {
        return None;
    }
    let text = |b: &u8| *b >= 0x20;
    let start = bytes[pos.saturating_sub(BINARY_STRING_REACH)..pos]
        .iter()
        .rposition(|b| !text(b))
        .map_or(pos.saturating_sub(BINARY_STRING_REACH), |p| {
            pos.saturating_sub(BINARY_STRING_REACH) + p + 1
        });
    let end = bytes[pos..bytes.len().min(pos + BINARY_STRING_REACH)]
        .iter()
        .position(|b| !text(b))
        .map_or(bytes.len().min(pos + BINARY_STRING_REACH), |p| pos + p);
    Some((&bytes[start..end], pos - start))
}

/// A hit's byte position in the decoded `text` stored at `base` with
/// `stride` bytes per character (0: not known from the offset, found by
/// searching the text).
fn position_in(text: &[u8], hit: &EndpointHit, base: u64, stride: u64) -> Option<usize> {
    if let Some(pos) = hit.offset.checked_sub(base)?.checked_div(stride) {
        return usize::try_from(pos).ok();
    }
    let token = hit.url.as_deref().unwrap_or(&hit.host).as_bytes();
    text.windows(token.len().max(1))
        .position(|w| w.eq_ignore_ascii_case(token))
}

/// How the decoded strings given to [`scan_encoded_strings`] are stored in the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringEncoding {
    /// UTF-8 or MUTF-8 (DEX, UTF-8 string pools): one byte per ASCII character.
    Utf8,
    /// UTF-16 (UTF-16 string pools): two bytes per ASCII character.
    Utf16,
}

/// Scans already-decoded strings of code (the DEX string table) given as
/// (offset of the string data in the entry, text). Each string is whole, so
/// the code-string rules judge its hits ([`noise::Context::code_string_class`]:
/// links a sentence points to, paths and suffixes, protocol identifiers).
///
/// For an ASCII string the offset of a hit is the string-data offset plus the
/// byte position inside the string, i.e. exact. For a string with any
/// non-ASCII character (where MUTF-8 and UTF-8 byte positions can differ) the
/// offset is the string-data offset itself. Same as
/// `scan_encoded_strings(strings, StringEncoding::Utf8)`.
pub fn scan_strings<'a>(
    rules: &Rules,
    strings: impl IntoIterator<Item = (u64, &'a str)>,
) -> EntryScan {
    scan_encoded_strings(rules, strings, StringEncoding::Utf8)
}

/// [`scan_strings`] for strings stored in `encoding`: for ASCII strings in a
/// UTF-16 pool a hit's offset is the string-data offset plus twice the
/// character position; non-ASCII strings pin hits to the string-data offset.
pub fn scan_encoded_strings<'a>(
    rules: &Rules,
    strings: impl IntoIterator<Item = (u64, &'a str)>,
    encoding: StringEncoding,
) -> EntryScan {
    let mut out = EntryScan::default();
    let mut scratch = secrets::Scratch::new();
    let unit = match encoding {
        StringEncoding::Utf8 => 1,
        StringEncoding::Utf16 => 2,
    };
    let strings: Vec<(u64, &[u8])> = strings
        .into_iter()
        .map(|(offset, text)| (offset, text.as_bytes()))
        .collect();
    // One pass of the secret regexes over all strings picks the few that
    // need the per-string secret scan (instead of two searches per string).
    let texts: Vec<&[u8]> = strings.iter().map(|(_, t)| *t).collect();
    let may_hold_secret = secrets::candidates(&rules.secrets, &texts);
    for (&(offset, text), may_hold_secret) in strings.iter().zip(may_hold_secret) {
        let stride = if text.is_ascii() { unit } else { 0 };
        let map = OffsetMap {
            base: offset,
            stride,
        };
        let from = out.endpoints.len();
        endpoints::scan(&rules.noise, text, map, &mut out.endpoints);
        if out.endpoints.len() > from {
            let at = |h: &EndpointHit| position_in(text, h, offset, stride);
            rules
                .context
                .sift_code_string(text, &mut out.endpoints, from, &mut out.noise, &at);
        }
        if may_hold_secret {
            secrets::scan(&rules.secrets, text, map, &mut scratch, &mut out.secrets);
        }
    }
    out
}

#[cfg(test)]
mod tests;
