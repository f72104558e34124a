//! Where an SDK's evidence lies in the bytes: for each evidence item of a
//! report's SDKs, the exact string that matched (`Evidence::matched`) and the
//! offset of its first byte in the decompressed entry, so a second examiner
//! can print it and `telltale verify` can compare it.
//!
//! What is looked for, per evidence kind (the detail texts are the ones
//! `signatures::matcher` and `findings` write):
//! - `code`, `repackaged-code`, `code-reference` in a DEX file: the class's
//!   type descriptor (`Lcom/x/Y;`) as a whole `string_data` item, looked up in
//!   the string table; the offset is the item's first character, just past
//!   its ULEB128 length. A collapsed item (`p.* (N classes, e.g. A, B)`)
//!   points at its first example; a reference group without examples at the
//!   first descriptor under the package. In other binaries (Mach-O): the
//!   class name as a C string (`__objc_classname`), whole if it can be.
//! - `native` `JNI exports for C`: the start of the first `Java_<mangled C>_`
//!   symbol name; `native` `libX.so`: the library name as a C string (its
//!   soname), when it is there.
//! - `manifest`/`component` (binary XML): the component or meta-data name as
//!   a whole string-pool string, UTF-16LE or UTF-8. A name the manifest
//!   stores relative (`.ui.Main`) is not found: the item keeps its entry and
//!   hash only.
//! - `framework`, `plist`, `network` and anything else: the name itself,
//!   first occurrence (UTF-8, then UTF-16LE, then UTF-16BE).
//!
//! The first occurrence wins, so the result is deterministic. Folders
//! (framework directories) carry no location.

use crate::android::dex::{Answers, Dex, descriptor, lookup_descriptors, package_descriptor};
pub use crate::report::bytes::encode;
use crate::report::bytes::excerpt;
use crate::report::memo::EntryMemo;
use crate::report::model::{Evidence, Excerpt, Location};

/// How a needle must sit in the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// Anywhere.
    Free,
    /// Preceded by a NUL (or the start) — the start of a C string.
    Start,
    /// A whole C string: NUL (or start) before, NUL after.
    CString,
    /// A whole string: followed by a NUL code unit.
    Terminated,
    /// NUL after, and no printable ASCII byte before (not the tail of a
    /// longer text such as a path).
    Token,
}

/// One way a string can be stored in an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    text: String,
    encoding: Option<&'static str>,
    bound: Bound,
}

impl Needle {
    fn new(text: String, encoding: Option<&'static str>, bound: Bound) -> Self {
        Needle {
            text,
            encoding,
            bound,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        encode(&self.text, self.encoding)
    }
}

/// What one evidence item is looked up as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A DEX type descriptor, exact.
    Descriptor(String),
    /// The first DEX type descriptor starting with this (`Lcom/x/`).
    DescriptorUnder(String),
    /// Byte strings, in preference order.
    Bytes(Vec<Needle>),
}

/// The first example class named by a code detail: `a.b.C` or
/// `a.b.* (N classes, e.g. a.b.C, a.b.D, …)`; `None` for groups without
/// examples.
fn example_class(detail: &str) -> Option<&str> {
    match detail.split_once(" (") {
        None => Some(detail.trim()).filter(|d| !d.is_empty() && !d.ends_with(".*")),
        Some((_, rest)) => rest
            .split_once("e.g. ")
            .map(|(_, ex)| ex.split([',', ')']).next().unwrap_or(ex).trim())
            .filter(|c| !c.is_empty()),
    }
}

/// The package of a collapsed detail (`a.b.* (…)` → `a.b`).
fn group_prefix(detail: &str) -> Option<&str> {
    detail.split_once(".* (").map(|(p, _)| p)
}

/// The JNI symbol prefix of `class`'s native methods (`Java_a_b_C_`).
fn jni_prefix(class: &str) -> String {
    let mut out = String::from("Java_");
    for u in class.encode_utf16() {
        match char::from_u32(u32::from(u)) {
            Some(c) if c.is_ascii_alphanumeric() => out.push(c),
            Some('.') | Some('/') => out.push('_'),
            Some('_') => out.push_str("_1"),
            Some(';') => out.push_str("_2"),
            Some('[') => out.push_str("_3"),
            _ => out.push_str(&format!("_0{u:04x}")),
        }
    }
    out.push('_');
    out
}

/// Plain text in every encoding an entry may hold it in.
fn any_encoding(text: &str, bound: Bound) -> Vec<Needle> {
    vec![
        Needle::new(text.to_string(), None, bound),
        Needle::new(text.to_string(), Some("utf-16le"), bound),
        Needle::new(text.to_string(), Some("utf-16be"), bound),
    ]
}

/// A name stored as a C string: a whole one first, else one that ends
/// there and follows no text (a section's first string may follow code).
fn c_string(text: &str) -> Vec<Needle> {
    vec![
        Needle::new(text.to_string(), None, Bound::CString),
        Needle::new(text.to_string(), None, Bound::Token),
    ]
}

fn target(e: &Evidence, is_dex: bool) -> Option<Target> {
    let d = e.detail.trim();
    match e.kind.as_str() {
        "code" | "repackaged-code" | "code-reference" => match (example_class(d), is_dex) {
            (Some(c), true) => Some(Target::Descriptor(descriptor(c))),
            (None, true) => group_prefix(d).map(|p| Target::DescriptorUnder(package_descriptor(p))),
            (Some(c), false) => Some(Target::Bytes(c_string(c))),
            (None, false) => None,
        },
        "native" => match d.strip_prefix("JNI exports for ") {
            Some(rest) => example_class(rest)
                .map(|c| Target::Bytes(vec![Needle::new(jni_prefix(c), None, Bound::Start)])),
            None => Some(Target::Bytes(c_string(d))),
        },
        "manifest" | "component" => {
            let name = d
                .strip_prefix("component ")
                .or_else(|| d.strip_prefix("meta-data "))
                .unwrap_or(d);
            let name = name.strip_suffix(" (class bundled)").unwrap_or(name).trim();
            Some(Target::Bytes(vec![
                Needle::new(name.to_string(), Some("utf-16le"), Bound::Terminated),
                Needle::new(name.to_string(), None, Bound::Terminated),
            ]))
        }
        _ => Some(Target::Bytes(any_encoding(d, Bound::Free))),
    }
}

/// Whether the needle at `at..at+len` sits as `bound` asks.
fn bounded(bytes: &[u8], at: usize, len: usize, bound: Bound, unit: usize) -> bool {
    let nul_before = at == 0 || bytes.get(at - 1) == Some(&0);
    let nul_after = || {
        bytes
            .get(at + len..at + len + unit)
            .is_some_and(|s| s.iter().all(|&b| b == 0))
    };
    match bound {
        Bound::Free => true,
        Bound::Start => nul_before,
        Bound::CString => nul_before && nul_after(),
        Bound::Terminated => nul_after(),
        Bound::Token => {
            let before = at.checked_sub(1).and_then(|i| bytes.get(i));
            !before.is_some_and(|b| (0x20..0x7f).contains(b)) && nul_after()
        }
    }
}

/// The first place `needle` lies in `bytes` as its bound asks.
fn find(bytes: &[u8], needle: &Needle) -> Option<u64> {
    let pat = needle.bytes();
    if pat.is_empty() {
        return None;
    }
    let unit = if needle.encoding.is_some() { 2 } else { 1 };
    memchr::memmem::find_iter(bytes, &pat)
        .find(|&at| bounded(bytes, at, pat.len(), needle.bound, unit))
        .map(|at| at as u64)
}

/// What [`locate`] reads an entry through: its bytes, or what the entry
/// pass kept of them ([`super::memo::EntryMemo`]). Each question returns
/// `None` when the source cannot answer it.
pub trait Source {
    /// Whether the entry is a DEX file that parses.
    fn is_dex(&self) -> bool;
    /// [`lookup_descriptors`].
    fn lookup(&self, exact: &[&str], under: &[&str]) -> Option<Answers>;
    /// The first place of `text` in `encoding`, anywhere.
    fn find_free(&self, text: &str, encoding: Option<&'static str>) -> Option<Option<u64>>;
    /// The first place of `needle`, bounded as it asks.
    fn find_bounded(&self, needle: &Needle) -> Option<Option<u64>>;
    /// The excerpt at `offset` (`None` inside: past the end).
    fn excerpt(&self, offset: u64) -> Option<Option<Excerpt>>;
}

/// An entry's bytes, with its DEX view when it is one.
pub struct Whole<'b> {
    pub bytes: &'b [u8],
    dex: Option<Dex<'b>>,
}

impl<'b> Whole<'b> {
    /// `bytes` as a [`Source`].
    pub fn new(bytes: &'b [u8]) -> Whole<'b> {
        let dex = bytes
            .starts_with(b"dex\n")
            .then(|| Dex::parse(bytes).ok())
            .flatten();
        Whole { bytes, dex }
    }
}

impl Source for Whole<'_> {
    fn is_dex(&self) -> bool {
        self.dex.is_some()
    }

    fn lookup(&self, exact: &[&str], under: &[&str]) -> Option<Answers> {
        Some(
            self.dex
                .as_ref()
                .map(|dex| lookup_descriptors(dex, exact, under))
                .unwrap_or_default(),
        )
    }

    fn find_free(&self, text: &str, encoding: Option<&'static str>) -> Option<Option<u64>> {
        Some(find(
            self.bytes,
            &Needle::new(text.to_string(), encoding, Bound::Free),
        ))
    }

    fn find_bounded(&self, needle: &Needle) -> Option<Option<u64>> {
        Some(find(self.bytes, needle))
    }

    fn excerpt(&self, offset: u64) -> Option<Option<Excerpt>> {
        Some(excerpt(self.bytes, offset))
    }
}

impl Source for EntryMemo {
    fn is_dex(&self) -> bool {
        // Memos are kept for DEX files that parse only.
        true
    }

    fn lookup(&self, exact: &[&str], under: &[&str]) -> Option<Answers> {
        let mut out = Answers::new();
        for key in exact.iter().chain(under) {
            if let Some(answer) = self.descriptor(key)? {
                out.insert((*key).to_string(), answer.clone());
            }
        }
        Some(out)
    }

    fn find_free(&self, text: &str, encoding: Option<&'static str>) -> Option<Option<u64>> {
        self.needle(text, encoding)
    }

    fn find_bounded(&self, _: &Needle) -> Option<Option<u64>> {
        None
    }

    fn excerpt(&self, offset: u64) -> Option<Option<Excerpt>> {
        self.window(offset).map(|w| excerpt(w, 0))
    }
}

/// What [`locate`] fills in one evidence item: the string matched, its
/// encoding and offset, and the excerpt there.
type Found = Option<(String, Option<&'static str>, u64, Option<Excerpt>)>;

/// Where each of `items` lies in `source`, or `None` if the source cannot
/// tell for one of them.
fn answers(items: &[&mut Evidence], source: &dyn Source) -> Option<Vec<Found>> {
    let is_dex = source.is_dex();
    let targets: Vec<Option<Target>> = items.iter().map(|e| target(e, is_dex)).collect();
    let mut exact: Vec<&str> = Vec::new();
    let mut under: Vec<&str> = Vec::new();
    for t in &targets {
        match t {
            Some(Target::Descriptor(d)) => exact.push(d),
            Some(Target::DescriptorUnder(d)) => under.push(d),
            _ => {}
        }
    }
    let table = if is_dex && !(exact.is_empty() && under.is_empty()) {
        source.lookup(&exact, &under)?
    } else {
        Answers::new()
    };
    let mut out = Vec::with_capacity(targets.len());
    for t in &targets {
        let hit = match t {
            Some(Target::Descriptor(d) | Target::DescriptorUnder(d)) => {
                table.get(d).map(|(s, off)| (s.clone(), None, *off))
            }
            Some(Target::Bytes(needles)) => {
                let mut hit = None;
                for n in needles {
                    let at = match n.bound {
                        Bound::Free => source.find_free(&n.text, n.encoding)?,
                        _ => source.find_bounded(n)?,
                    };
                    if let Some(off) = at {
                        hit = Some((n.text.clone(), n.encoding, off));
                        break;
                    }
                }
                hit
            }
            None => None,
        };
        out.push(match hit {
            Some((text, enc, off)) => Some((text, enc, off, source.excerpt(off)?)),
            None => None,
        });
    }
    Some(out)
}

/// Fills `matched`, `encoding` and `location` of every evidence item that
/// lies in the entry `path`, whose decompressed bytes are `bytes`.
pub fn locate(items: &mut [&mut Evidence], path: &str, bytes: &[u8], digest: &str) {
    // The whole bytes answer every question.
    let found = answers(items, &Whole::new(bytes)).unwrap_or_default();
    apply(items, found, path, digest);
}

/// [`locate`] through what the entry pass kept of the entry; `false` (and
/// nothing filled) when that is not enough.
pub fn locate_from(
    items: &mut [&mut Evidence],
    path: &str,
    source: &dyn Source,
    digest: &str,
) -> bool {
    match answers(items, source) {
        Some(found) => {
            apply(items, found, path, digest);
            true
        }
        None => false,
    }
}

fn apply(items: &mut [&mut Evidence], found: Vec<Found>, path: &str, digest: &str) {
    for (e, hit) in items.iter_mut().zip(found) {
        let (offset, excerpt) = match hit {
            Some((text, enc, off, excerpt)) => {
                e.matched = Some(text);
                e.encoding = enc.map(str::to_string);
                (Some(off), excerpt)
            }
            None => (None, None),
        };
        e.location = Some(Location {
            path: path.to_string(),
            offset,
            entry_sha256: Some(digest.to_string()),
            excerpt,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, detail: &str) -> Evidence {
        Evidence {
            kind: kind.into(),
            path: "x".into(),
            detail: detail.into(),
            ..Evidence::default()
        }
    }

    #[test]
    fn details_name_their_first_example() {
        assert_eq!(example_class("com.a.B"), Some("com.a.B"));
        assert_eq!(
            example_class("com.a.* (12 classes, e.g. com.a.B, com.a.C, …)"),
            Some("com.a.B")
        );
        assert_eq!(
            example_class("com.a.* (1 classes, e.g. com.a.B$1)"),
            Some("com.a.B$1")
        );
        assert_eq!(
            example_class("com.a.* (3 types referenced by the app's code, not bundled)"),
            None
        );
        assert_eq!(
            group_prefix("com.a.* (3 types referenced by the app's code, not bundled)"),
            Some("com.a")
        );
    }

    #[test]
    fn one_scan_finds_each_needle_first_as_memmem_does() {
        let texts: Vec<String> = [
            "x.com",
            "api.x.com",
            "pi.x",
            "b.io",
            "none.example",
            "u16.io",
            "",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let mut bytes = b"..api.x.com..x.com".to_vec();
        bytes.extend(encode("b.io", Some("utf-16be")));
        bytes.extend(encode("pi.x", Some("utf-16le")));
        bytes.extend(encode("u16.io", Some("utf-16be")));
        bytes.extend(b"pi.x b.io");
        let all = crate::report::bytes::first_places(&bytes, &texts);
        // UTF-8 for each but the empty one; UTF-16 for the two not found so.
        assert_eq!(all.len(), 6 + 2 * 2);
        for (text, encoding, at) in all {
            let n = Needle::new(text.clone(), encoding, Bound::Free);
            assert_eq!(at, find(&bytes, &n), "{text} {encoding:?}");
        }
    }

    #[test]
    fn jni_names_are_mangled() {
        assert_eq!(jni_prefix("com.a_b.C$D"), "Java_com_a_1b_C_00024D_");
    }

    #[test]
    fn c_strings_need_their_nuls() {
        let bytes = b"xlibfoo.so.1\0libfoo.so\0";
        let n = Needle::new("libfoo.so".into(), None, Bound::CString);
        assert_eq!(find(bytes, &n), Some(13));
        // After code (no NUL) but not after a path.
        let macho = b"@rpath/X.framework/X\0\xd6X\0";
        let n = Needle::new("X".into(), None, Bound::Token);
        assert_eq!(find(macho, &n), Some(22));
        let mut e = ev("native", "libfoo.so");
        locate(&mut [&mut e], "lib/x86/libfoo.so", bytes, "h");
        assert_eq!(e.matched.as_deref(), Some("libfoo.so"));
        let loc = e.location.unwrap();
        assert_eq!(loc.offset, Some(13));
        assert_eq!(loc.excerpt.unwrap().ascii, "libfoo.so.");
    }

    #[test]
    fn utf16_pool_strings_are_found_whole() {
        let mut bytes = vec![7, 0];
        bytes.extend(encode("com.a.ServiceX", Some("utf-16le")));
        bytes.extend([0, 0]);
        bytes.extend(encode("com.a.Service", Some("utf-16le")));
        bytes.extend([0, 0]);
        let mut e = ev("manifest", "component com.a.Service");
        locate(&mut [&mut e], "AndroidManifest.xml", &bytes, "h");
        assert_eq!(e.encoding.as_deref(), Some("utf-16le"));
        assert_eq!(e.location.unwrap().offset, Some(2 + 28 + 2));
    }

    #[test]
    fn missing_strings_keep_entry_and_hash() {
        let mut e = ev("manifest", "component .Relative");
        locate(&mut [&mut e], "AndroidManifest.xml", b"nothing", "abc");
        assert_eq!(e.matched, None);
        let loc = e.location.unwrap();
        assert_eq!(
            (loc.offset, loc.entry_sha256.as_deref()),
            (None, Some("abc"))
        );
    }

    #[test]
    fn dex_descriptors_point_at_their_string_data() {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sdk-planted.apk");
        let pkg = super::super::Package::open(&p).unwrap();
        let dex = pkg
            .entry("classes.dex", &crate::container::zip::Limits::default())
            .unwrap();
        let mut e = ev("code", "com.umeng.analytics.MobclickAgent");
        let mut r = ev(
            "code-reference",
            "com.umeng.* (1 types referenced by the app's code, not bundled)",
        );
        locate(&mut [&mut e, &mut r], "classes.dex", &dex, "h");
        let want = "Lcom/umeng/analytics/MobclickAgent;";
        assert_eq!(e.matched.as_deref(), Some(want));
        let off = e.location.unwrap().offset.unwrap() as usize;
        assert_eq!(&dex[off..off + want.len()], want.as_bytes());
        assert_eq!(
            dex[off - 1] as usize,
            want.len(),
            "ULEB128 length before it"
        );
        assert_eq!(r.matched.as_deref(), Some(want));
    }
}
