//! Tells which kind of package an input is: a ZIP archive from what it holds,
//! or a bare Mach-O file or provisioning profile from its first bytes.

use crate::binread::be_u32;
use crate::container::zip::Archive;
use crate::pkcs7::ber;

/// The CMS content type SignedData (1.2.840.113549.1.7.2), DER-encoded.
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Package kinds telltale knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Apk,
    Apks,
    Xapk,
    Apkm,
    Aab,
    Ipa,
    Zip,
    /// A bare Mach-O file (thin or fat).
    MachO,
    /// A bare provisioning profile (CMS SignedData around a plist).
    MobileProvision,
    /// A bare DEX file.
    Dex,
    /// A bare ELF file (a native library).
    Elf,
    /// A bare Android binary XML file (a compiled AndroidManifest.xml…).
    BinaryXml,
    /// A bare resources.arsc.
    ResourceTable,
    /// A bare property list (an Info.plist, binary or XML).
    Plist,
}

impl Format {
    /// Name used in `input.format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Apk => "apk",
            Format::Apks => "apks",
            Format::Xapk => "xapk",
            Format::Apkm => "apkm",
            Format::Aab => "aab",
            Format::Ipa => "ipa",
            Format::Zip => "zip",
            Format::MachO => "macho",
            Format::MobileProvision => "mobileprovision",
            Format::Dex => "dex",
            Format::Elf => "elf",
            Format::BinaryXml => "axml",
            Format::ResourceTable => "arsc",
            Format::Plist => "plist",
        }
    }
}

/// Decides the format from the entries (the file name only breaks ties).
pub fn format_of(archive: &Archive<'_>, path: &str) -> Format {
    let has = |name: &str| archive.find(name).is_some();
    let names = || archive.entries().iter().map(|e| e.name.as_str());
    let lower = path.to_ascii_lowercase();
    if has("AndroidManifest.xml") {
        return Format::Apk;
    }
    if has("base/manifest/AndroidManifest.xml") {
        return Format::Aab;
    }
    let payload = |n: &str| n.starts_with("Payload/") || n.contains("/Payload/");
    let macos_meta = |n: &str| n.starts_with("__MACOSX/");
    if names().any(|n| payload(n) && !macos_meta(n))
        && (names().any(|n| n.contains(".app/")) || lower.ends_with(".ipa"))
    {
        return Format::Ipa;
    }
    let apks = names().filter(|n| n.ends_with(".apk")).count();
    if apks > 0 {
        if has("manifest.json") {
            return Format::Xapk;
        }
        if has("info.json") || lower.ends_with(".apkm") {
            return Format::Apkm;
        }
        return Format::Apks;
    }
    if lower.ends_with(".apk") || names().any(|n| n.starts_with("classes") && n.ends_with(".dex")) {
        return Format::Apk;
    }
    Format::Zip
}

/// Recognises inputs that are not ZIP archives: a Mach-O file (by magic) or a
/// provisioning profile (CMS SignedData, or the `.mobileprovision` /
/// `.provisionprofile` extension). `None` means: try the ZIP reader (and
/// then [`bare_format`]).
pub fn raw_format(data: &[u8], path: &str) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    if is_macho(data) {
        return Some(Format::MachO);
    }
    if data.starts_with(b"PK") {
        return None;
    }
    if is_cms(data) || lower.ends_with(".mobileprovision") || lower.ends_with(".provisionprofile") {
        return Some(Format::MobileProvision);
    }
    if lower.ends_with(".macho") || lower.ends_with(".dylib") {
        return Some(Format::MachO);
    }
    None
}

/// Recognises a bare file that is not a ZIP archive, by magic: a DEX, ELF,
/// binary XML or resources.arsc file, or a property list. Asked only when
/// the ZIP reader fails, so a package with junk prepended (an ELF header, as
/// in some polyglots) still opens as the package it is.
pub fn bare_format(data: &[u8]) -> Option<Format> {
    // Binary XML: chunk type 0x0003, header size 8; resource table: chunk
    // type 0x0002, header size 12.
    if data.starts_with(b"dex\n") {
        Some(Format::Dex)
    } else if data.starts_with(b"\x7fELF") {
        Some(Format::Elf)
    } else if data.starts_with(&[0x03, 0x00, 0x08, 0x00]) {
        Some(Format::BinaryXml)
    } else if data.starts_with(&[0x02, 0x00, 0x0c, 0x00]) {
        Some(Format::ResourceTable)
    } else {
        is_plist(data).then_some(Format::Plist)
    }
}

/// Whether `data` is a property list: binary (`bplist00`) or XML with a
/// `<plist` element near the start.
pub fn is_plist(data: &[u8]) -> bool {
    if data.starts_with(b"bplist00") {
        return true;
    }
    let head = &data[..data.len().min(1024)];
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    text[start..].starts_with(b"<") && head.windows(6).any(|w| w == b"<plist")
}

/// Whether `bytes` start like a Mach-O file (thin, either byte order, or fat).
///
/// A fat header shares its magic with Java class files, whose second word is
/// the class version (45 and up); like file(1), a fat file is only recognised
/// with fewer than 20 architectures.
pub fn is_macho(bytes: &[u8]) -> bool {
    let (Some(magic_be), Some(n)) = (be_u32(bytes, 0), be_u32(bytes, 4)) else {
        return false;
    };
    match magic_be {
        0xfeedface | 0xfeedfacf | 0xcefaedfe | 0xcffaedfe => true,
        0xcafebabe | 0xcafebabf => (1..20).contains(&n),
        _ => false,
    }
}

/// Whether `bytes` look like a CMS ContentInfo of SignedData (a SEQUENCE
/// whose first child is the signedData OID).
pub fn is_cms(bytes: &[u8]) -> bool {
    let Ok((top, _)) = ber::read(bytes) else {
        return false;
    };
    top.is(ber::CLASS_UNIVERSAL, ber::TAG_SEQUENCE, true)
        && ber::read(top.content).is_ok_and(|(oid, _)| oid.content == OID_SIGNED_DATA)
}
