//! Mach-O executables and libraries (thin and fat) through goblin: every
//! slice's architecture, FairPlay encryption, linked libraries, Objective-C
//! and Swift class names, imported symbols, selectors, readable strings
//! (handed to the scanner) and the code signature.
//!
//! `MachO::exports()` is never called: it overflows the stack on a cyclic
//! export trie (shared/research/crates.md 2.5).

use super::codesign::{self, CodeSignature};
use goblin::mach::load_command::CommandVariant;
use goblin::mach::{Mach, MachO};
use std::collections::BTreeSet;

/// Most slices read from one fat file.
const MAX_SLICES: usize = 16;
/// Most symbols read from one slice's symbol table.
const MAX_SYMBOLS: usize = 2_000_000;
/// Most NUL-separated strings kept per section kind and slice.
const MAX_STRINGS: usize = 500_000;

/// Facts of one Mach-O file (all slices).
#[derive(Debug, Default, Clone)]
pub struct MachOFacts {
    /// One per architecture slice (one for a thin file).
    pub slices: Vec<SliceFacts>,
    /// Anomalies met while reading ("slice 2 (armv7): bad magic").
    pub warnings: Vec<String>,
}

/// Facts of one architecture slice.
#[derive(Debug, Default, Clone)]
pub struct SliceFacts {
    /// `arm64`, `armv7`, `x86_64`, … (or `cpu 0x…` when unknown).
    pub arch: String,
    /// Offset of the slice inside the file.
    pub file_offset: u64,
    /// `LC_ENCRYPTION_INFO(_64)` with a non-zero `cryptid`.
    pub encrypted: bool,
    /// Sections whose bytes lie in the encrypted range and were not read.
    pub unreadable_sections: Vec<String>,
    /// Linked libraries (`LC_LOAD_DYLIB` and variants), install names as stored.
    pub libs: Vec<String>,
    /// Objective-C class names (from `__objc_classname` and defined
    /// `_OBJC_CLASS_$_` symbols); Swift classes demangled to `Module.Name`.
    pub objc_classes: BTreeSet<String>,
    /// Undefined (imported) symbols, e.g. `_sysctlbyname`, `_OBJC_CLASS_$_UIDevice`.
    pub imports: BTreeSet<String>,
    /// Selectors from `__objc_methname`.
    pub selectors: BTreeSet<String>,
    /// Readable C strings (`__cstring`), for the checks that need a string.
    pub cstrings: BTreeSet<String>,
    /// String sections for the scanner: (offset from the start of the file,
    /// not the slice; length), in load-command order.
    pub string_sections: Vec<(u64, u64)>,
    /// What the code signature holds, when there is one.
    pub signature: Option<CodeSignature>,
}

impl MachOFacts {
    /// Architectures of every slice, in file order.
    pub fn archs(&self) -> Vec<String> {
        self.slices.iter().map(|s| s.arch.clone()).collect()
    }

    /// Whether any slice is encrypted.
    pub fn encrypted(&self) -> bool {
        self.slices.iter().any(|s| s.encrypted)
    }

    /// Linked libraries of all slices, sorted and de-duplicated.
    pub fn libs(&self) -> BTreeSet<String> {
        self.slices.iter().flat_map(|s| s.libs.clone()).collect()
    }

    /// Objective-C / Swift class names of all slices.
    pub fn objc_classes(&self) -> BTreeSet<String> {
        self.slices
            .iter()
            .flat_map(|s| s.objc_classes.iter().cloned())
            .collect()
    }

    /// Imported symbols of all slices.
    pub fn imports(&self) -> BTreeSet<String> {
        self.slices
            .iter()
            .flat_map(|s| s.imports.iter().cloned())
            .collect()
    }

    /// Selectors of all slices.
    pub fn selectors(&self) -> BTreeSet<String> {
        self.slices
            .iter()
            .flat_map(|s| s.selectors.iter().cloned())
            .collect()
    }

    /// Readable C strings of all slices.
    pub fn cstrings(&self) -> BTreeSet<String> {
        self.slices
            .iter()
            .flat_map(|s| s.cstrings.iter().cloned())
            .collect()
    }

    /// The first code signature found (slices share entitlements and team).
    pub fn signature(&self) -> Option<&CodeSignature> {
        self.slices.iter().find_map(|s| s.signature.as_ref())
    }
}

pub use crate::container::detect::is_macho;

/// Reads every slice of a Mach-O file. Never fails: problems become warnings.
pub fn analyse(bytes: &[u8]) -> MachOFacts {
    let mut facts = MachOFacts::default();
    match Mach::parse_lossy(bytes) {
        Ok(Mach::Binary(m)) => {
            if let Err(e) = MachO::parse(bytes, 0) {
                facts
                    .warnings
                    .push(format!("damaged Mach-O, read leniently: {e}"));
            }
            facts
                .slices
                .push(slice_facts(&m, bytes, 0, &mut facts.warnings));
        }
        Ok(Mach::Fat(fat)) => {
            if fat.narches > MAX_SLICES {
                facts.warnings.push(format!(
                    "fat header lists {} architectures; only the first {MAX_SLICES} are read",
                    fat.narches
                ));
            }
            for (i, arch) in fat.iter_arches().take(MAX_SLICES).enumerate() {
                let arch = match arch {
                    Ok(a) => a,
                    Err(e) => {
                        facts.warnings.push(format!("fat slice {}: {e}", i + 1));
                        continue;
                    }
                };
                let name = arch_name(arch.cputype, arch.cpusubtype);
                let start = arch.offset as usize;
                let Some(slice) = start
                    .checked_add(arch.size as usize)
                    .and_then(|end| bytes.get(start..end))
                else {
                    facts.warnings.push(format!(
                        "fat slice {} ({name}) lies outside the file",
                        i + 1
                    ));
                    continue;
                };
                match MachO::parse_lossy(slice, 0) {
                    Ok(m) => {
                        if let Err(e) = MachO::parse(slice, 0) {
                            facts.warnings.push(format!(
                                "fat slice {} ({name}) damaged, read leniently: {e}",
                                i + 1
                            ));
                        }
                        let mut s = slice_facts(&m, slice, start as u64, &mut facts.warnings);
                        if s.arch.starts_with("cpu ") {
                            s.arch = name;
                        }
                        facts.slices.push(s);
                    }
                    Err(e) => facts
                        .warnings
                        .push(format!("fat slice {} ({name}): {e}", i + 1)),
                }
            }
        }
        Err(e) => facts.warnings.push(format!("not a readable Mach-O: {e}")),
    }
    facts
}

/// Name of a CPU type/subtype pair, as `lipo` and `otool` print it.
pub fn arch_name(cputype: u32, cpusubtype: u32) -> String {
    let sub = cpusubtype & 0x00ff_ffff;
    let name = match (cputype, sub) {
        (7, _) => "i386",
        (0x0100_0007, 8) => "x86_64h",
        (0x0100_0007, _) => "x86_64",
        (12, 5) => "armv4t",
        (12, 6) => "armv6",
        (12, 7) => "armv5",
        (12, 9) => "armv7",
        (12, 10) => "armv7f",
        (12, 11) => "armv7s",
        (12, 12) => "armv7k",
        (12, 14) => "armv6m",
        (12, 15) => "armv7m",
        (12, 16) => "armv7em",
        (12, _) => "arm",
        (0x0100_000c, 2) => "arm64e",
        (0x0100_000c, _) => "arm64",
        (0x0200_000c, _) => "arm64_32",
        (18, _) => "ppc",
        (0x0100_0012, _) => "ppc64",
        _ => return format!("cpu 0x{cputype:x}/0x{cpusubtype:x}"),
    };
    name.to_string()
}

/// Checks the load-command region the way dyld would refuse it: sizes
/// below 8, misaligned, running past `sizeofcmds` or the file, and string
/// offsets of dylib commands outside their command.
pub fn check_load_commands(bytes: &[u8]) -> Vec<String> {
    let mut notes = Vec::new();
    let rd = |at: usize, le: bool| word(bytes, at, le);
    let (le, is64) = match rd(0, true) {
        Some(0xfeed_face) => (true, false),
        Some(0xfeed_facf) => (true, true),
        Some(0xcefa_edfe) => (false, false),
        Some(0xcffa_edfe) => (false, true),
        _ => return notes,
    };
    let (Some(ncmds), Some(sizeofcmds)) = (rd(16, le), rd(20, le)) else {
        notes.push("truncated Mach-O header".into());
        return notes;
    };
    let header = if is64 { 32usize } else { 28 };
    let end = header.saturating_add(sizeofcmds as usize);
    if end > bytes.len() {
        notes.push(format!(
            "load commands ({sizeofcmds} bytes) run past the end of the file"
        ));
    }
    let align = if is64 { 8 } else { 4 };
    let mut at = header;
    for i in 0..ncmds.min(100_000) {
        let (Some(cmd), Some(size)) = (rd(at, le), rd(at + 4, le)) else {
            notes.push(format!("load command {} is truncated", i + 1));
            break;
        };
        let size = size as usize;
        let what = format!("load command {} ({cmd:#x})", i + 1);
        if !check_command_size(&what, cmd, size, align, &mut notes) {
            break;
        }
        let next = at.saturating_add(size);
        if next > end {
            notes.push(format!("{what} runs past the load-command region"));
            break;
        }
        // LC_ID_DYLIB, LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB,
        // LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB, LC_RPATH, LC_ID_DYLINKER, LC_LOAD_DYLINKER.
        let cmd_base = cmd & !0x8000_0000;
        if matches!(
            cmd_base,
            0xc | 0xd | 0xe | 0xf | 0x18 | 0x1c | 0x1f | 0x20 | 0x23
        ) && let Some(off) = rd(at + 8, le)
            && (off as usize >= size || (off as usize) < 12)
        {
            notes.push(format!(
                "{what} names a string at offset {off}, outside its {size} bytes"
            ));
        }
        at = next;
    }
    notes
}

/// A 32-bit word of a Mach-O file in its byte order.
fn word(bytes: &[u8], at: usize, le: bool) -> Option<u32> {
    if le {
        crate::binread::le_u32(bytes, at)
    } else {
        crate::binread::be_u32(bytes, at)
    }
}

/// Notes a load command's size below 8 (then returns false: the walk
/// stops), not aligned, or below its structure's fixed size.
fn check_command_size(
    what: &str,
    cmd: u32,
    size: usize,
    align: usize,
    notes: &mut Vec<String>,
) -> bool {
    if size < 8 {
        notes.push(format!("{what} has cmdsize {size}, below 8"));
        return false;
    }
    if !size.is_multiple_of(align) {
        notes.push(format!(
            "{what} cmdsize {size} is not a multiple of {align}"
        ));
    }
    // Fixed sizes: LC_SEGMENT 56, LC_SEGMENT_64 72, LC_SYMTAB 24, LC_UUID 24.
    let min = match cmd {
        0x1 => 56,
        0x19 => 72,
        0x2 | 0x1b => 24,
        _ => 8,
    };
    if size < min {
        notes.push(format!(
            "{what} has cmdsize {size}, smaller than its structure ({min})"
        ));
    }
    true
}

fn slice_facts(m: &MachO<'_>, bytes: &[u8], base: u64, warnings: &mut Vec<String>) -> SliceFacts {
    let arch = arch_name(m.header.cputype, m.header.cpusubtype);
    warnings.extend(
        check_load_commands(bytes)
            .into_iter()
            .map(|n| format!("{arch}: {n}")),
    );
    let mut s = SliceFacts {
        arch: arch.clone(),
        file_offset: base,
        ..SliceFacts::default()
    };
    // self (executables) or the own install name (dylibs) comes first.
    let own = m.name;
    s.libs = m
        .libs
        .iter()
        .filter(|l| **l != "self" && Some(**l) != own)
        .map(|l| l.to_string())
        .collect();
    let mut crypt: Option<(u64, u64)> = None;
    for lc in &m.load_commands {
        match &lc.command {
            CommandVariant::EncryptionInfo32(e) if e.cryptid != 0 => {
                s.encrypted = true;
                crypt = Some((u64::from(e.cryptoff), u64::from(e.cryptsize)));
            }
            CommandVariant::EncryptionInfo64(e) if e.cryptid != 0 => {
                s.encrypted = true;
                crypt = Some((u64::from(e.cryptoff), u64::from(e.cryptsize)));
            }
            CommandVariant::CodeSignature(cs) => {
                let start = cs.dataoff as usize;
                match start
                    .checked_add(cs.datasize as usize)
                    .and_then(|end| bytes.get(start..end))
                {
                    Some(blob) => {
                        let (sig, notes) = codesign::parse(blob);
                        warnings.extend(notes.into_iter().map(|n| format!("{arch}: {n}")));
                        s.signature = Some(sig);
                    }
                    None => warnings.push(format!(
                        "{arch}: LC_CODE_SIGNATURE points outside the slice"
                    )),
                }
            }
            _ => {}
        }
    }
    read_symbols(m, &mut s, warnings);
    read_sections(m, bytes, base, crypt, &mut s, warnings);
    s
}

fn read_symbols(m: &MachO<'_>, s: &mut SliceFacts, warnings: &mut Vec<String>) {
    let mut errors = 0usize;
    for sym in m.symbols().take(MAX_SYMBOLS) {
        let Ok((name, nlist)) = sym else {
            errors += 1;
            if errors > 16 {
                break;
            }
            continue;
        };
        if nlist.is_stab() || name.is_empty() {
            continue;
        }
        if nlist.is_undefined() {
            s.imports.insert(name.to_string());
        } else if let Some(class) = name.strip_prefix("_OBJC_CLASS_$_") {
            s.objc_classes.insert(readable_class(class));
        }
    }
    if errors > 0 {
        warnings.push(format!("{}: unreadable symbol table entries", s.arch));
    }
}

fn read_sections(
    m: &MachO<'_>,
    bytes: &[u8],
    base: u64,
    crypt: Option<(u64, u64)>,
    s: &mut SliceFacts,
    warnings: &mut Vec<String>,
) {
    // (vmaddr, size, file offset) of every section, to resolve selector refs.
    let mut map: Vec<(u64, u64, u64)> = Vec::new();
    let mut selrefs: Option<(u64, u64)> = None;
    let mut text_base: Option<u64> = None;
    for seg in m.segments.iter() {
        if seg.name().is_ok_and(|n| n == "__TEXT") {
            text_base = Some(seg.vmaddr);
        }
        let sections = match seg.sections() {
            Ok(v) => v,
            Err(e) => {
                let name = seg.name().unwrap_or("?");
                warnings.push(format!("{}: segment {name}: {e}", s.arch));
                continue;
            }
        };
        for (sect, _) in sections {
            let (Ok(segname), Ok(sectname)) = (sect.segname(), sect.name()) else {
                continue;
            };
            map.push((sect.addr, sect.size, u64::from(sect.offset)));
            if sectname == "__objc_selrefs" {
                selrefs = Some((u64::from(sect.offset), sect.size));
            }
            let kind = match sectname {
                "__cstring" | "__objc_classname" | "__objc_methname" | "__ustring"
                | "__oslogstring" => sectname,
                _ => continue,
            };
            let start = u64::from(sect.offset);
            let Some(end) = start.checked_add(sect.size) else {
                continue;
            };
            if let Some((off, size)) = crypt
                && start < off.saturating_add(size)
                && end > off
            {
                s.unreadable_sections.push(format!("{segname},{sectname}"));
                continue;
            }
            let Some(data) = usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .and_then(|(a, b)| bytes.get(a..b))
            else {
                warnings.push(format!(
                    "{}: section {segname},{sectname} lies outside the slice",
                    s.arch
                ));
                continue;
            };
            match kind {
                "__objc_classname" => {
                    for name in c_strings(data) {
                        s.objc_classes.insert(readable_class(name));
                    }
                }
                "__objc_methname" => {
                    s.selectors.extend(c_strings(data).map(str::to_string));
                }
                "__cstring" => {
                    s.cstrings.extend(c_strings(data).map(str::to_string));
                    s.string_sections.push((base + start, end - start));
                }
                _ => s.string_sections.push((base + start, end - start)),
            }
        }
    }
    if let Some((off, size)) = selrefs {
        read_selrefs(bytes, off, size, &map, text_base.unwrap_or(0), crypt, s);
    }
}

/// Selector names through `__objc_selrefs` pointers (some linkers merge
/// `__objc_methname` into `__cstring`). A pointer is taken as a vmaddr, or
/// for chained fixups as the low 36 bits (vmaddr or offset from `__TEXT`).
fn read_selrefs(
    bytes: &[u8],
    off: u64,
    size: u64,
    map: &[(u64, u64, u64)],
    text_base: u64,
    crypt: Option<(u64, u64)>,
    s: &mut SliceFacts,
) {
    let Some(refs) = usize::try_from(off)
        .ok()
        .zip(usize::try_from(off.saturating_add(size)).ok())
        .and_then(|(a, b)| bytes.get(a..b))
    else {
        return;
    };
    let file_offset = |addr: u64| {
        map.iter()
            .find(|(a, sz, _)| addr >= *a && addr < a.saturating_add(*sz))
            .map(|(a, _, o)| o + (addr - a))
    };
    for chunk in refs.chunks_exact(8).take(MAX_STRINGS) {
        let Some(v) = crate::binread::le_u64(chunk, 0) else {
            continue;
        };
        let low = v & 0xf_ffff_ffff;
        let Some(at) = file_offset(v)
            .or_else(|| file_offset(low))
            .or_else(|| file_offset(text_base.saturating_add(low)))
        else {
            continue;
        };
        if let Some((c_off, c_size)) = crypt
            && at >= c_off
            && at < c_off.saturating_add(c_size)
        {
            continue;
        }
        let Some(rest) = usize::try_from(at).ok().and_then(|a| bytes.get(a..)) else {
            continue;
        };
        let end = rest.iter().take(1024).position(|b| *b == 0);
        if let Some(name) = end
            .and_then(|e| rest.get(..e))
            .and_then(|n| std::str::from_utf8(n).ok())
            .filter(|n| !n.is_empty())
        {
            s.selectors.insert(name.to_string());
        }
    }
}

/// The printable NUL-terminated strings of a string section (at most
/// [`MAX_STRINGS`]).
fn c_strings(data: &[u8]) -> impl Iterator<Item = &str> {
    data.split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .filter_map(|s| std::str::from_utf8(s).ok())
        .take(MAX_STRINGS)
}

/// `_TtC7AppName9ViewModel` → `AppName.ViewModel`; other names unchanged.
pub fn readable_class(name: &str) -> String {
    demangle_swift_class(name).unwrap_or_else(|| name.to_string())
}

fn demangle_swift_class(name: &str) -> Option<String> {
    let rest = name
        .strip_prefix("_TtC")
        .or_else(|| name.strip_prefix("_TtGC"))?;
    let mut parts = Vec::new();
    let mut rest = rest;
    while parts.len() < 2 {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        let len: usize = rest.get(..digits)?.parse().ok()?;
        let part = rest.get(digits..digits.checked_add(len)?)?;
        parts.push(part);
        rest = rest.get(digits + len..)?;
    }
    (parts.len() == 2).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swift_class_names_are_demangled() {
        assert_eq!(
            readable_class("_TtC7AppName9ViewModel"),
            "AppName.ViewModel"
        );
        assert_eq!(readable_class("FBSDKAppEvents"), "FBSDKAppEvents");
        assert_eq!(readable_class("_TtC9"), "_TtC9");
    }

    #[test]
    fn arch_names_match_lipo() {
        assert_eq!(arch_name(0x0100_000c, 0), "arm64");
        assert_eq!(arch_name(0x0100_000c, 0x8000_0002), "arm64e");
        assert_eq!(arch_name(12, 11), "armv7s");
        assert_eq!(arch_name(0x0100_0007, 3), "x86_64");
    }

    #[test]
    fn magic_detection() {
        assert!(is_macho(&[0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0]));
        assert!(is_macho(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]));
        // A Java class file: major version 52 in the second word.
        assert!(!is_macho(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]));
        assert!(!is_macho(b"PK\x03\x04xxxx"));
    }
}
