//! A permissive, bounded reader for ELF shared libraries: ABI, SONAME,
//! DT_NEEDED and exported JNI symbols, and the string-bearing sections the
//! scanner reads ([`string_sections`]). The one ELF reader of the crate.
//!
//! goblin parses the ELF header and the program and section header tables,
//! always with counts first clamped to what the file holds; the dynamic
//! section, symbol tables and ARM build attributes are walked here with
//! bounds checks on every read. Section headers are preferred; when they are
//! missing or cut off (stripped or truncated files) the dynamic segment is
//! found through the program headers and its addresses are mapped to file
//! offsets through the `PT_LOAD` segments. A truncated file yields whatever
//! could be read, plus a warning saying what was lost.

use goblin::container::{Container, Ctx, Endian};
use goblin::elf::dynamic::{
    DT_HASH, DT_NEEDED, DT_SONAME, DT_STRSZ, DT_STRTAB, DT_SYMENT, DT_SYMTAB,
};
use goblin::elf::header::{EM_386, EM_AARCH64, EM_ARM, EM_MIPS, EM_RISCV, EM_X86_64, Header};
use goblin::elf::header::{ET_DYN, ET_EXEC, ET_REL};
use goblin::elf::program_header::{PT_DYNAMIC, PT_INTERP, PT_LOAD, ProgramHeader};
use goblin::elf::section_header::{SHT_DYNAMIC, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB, SectionHeader};

use super::jni;
use crate::binread;

/// `SHT_ARM_ATTRIBUTES`: the `.ARM.attributes` build-attributes section.
const SHT_ARM_ATTRIBUTES: u32 = 0x7000_0003;
/// `Tag_CPU_arch` value of ARMv7 in the ARM EABI build attributes.
const ARM_ARCH_V7: u64 = 10;
/// Most DT_NEEDED entries kept.
const MAX_NEEDED: usize = 1024;
/// Most JNI symbols kept.
const MAX_JNI: usize = 20_000;
/// Longest symbol or library name read.
const MAX_NAME: usize = 4096;

/// What one ELF file says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfInfo {
    /// `e_machine`, when the header could be read that far.
    pub machine: Option<u16>,
    /// ELFCLASS64 rather than ELFCLASS32.
    pub is_64: bool,
    /// `shared-library`, `executable` (also PIE), `object` or `other`, from
    /// `e_type` and `PT_INTERP`; `None` when the header is cut off.
    pub kind: Option<&'static str>,
    /// Android ABI name derived from the header (`arm64-v8a`, `armeabi-v7a`, …).
    pub abi: Option<&'static str>,
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries, in file order.
    pub needed: Vec<String>,
    /// Defined dynamic symbols named `Java_…` (JNI exports), sorted, unique.
    pub jni_symbols: Vec<String>,
    /// Java classes (dotted) served by `jni_symbols`, sorted, unique.
    pub jni_classes: Vec<String>,
    /// Whether `JNI_OnLoad` is exported (natives may be registered by code).
    /// Java classes the library names in its strings (`com/x/Y`), the
    /// classes it most likely serves when it registers natives itself.
    pub class_refs: Vec<String>,
    pub jni_onload: bool,
    /// What could not be read, in short human words.
    pub warnings: Vec<String>,
}

/// Whether `bytes` start with the ELF magic.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// Reads what it can of an ELF file. `None` when `bytes` are not ELF.
pub fn read(bytes: &[u8]) -> Option<ElfInfo> {
    if !is_elf(bytes) {
        return None;
    }
    let mut info = ElfInfo::default();
    let (is_64, little) = match class_and_encoding(bytes) {
        Ok(both) => both,
        Err(warning) => {
            info.warnings.push(warning);
            return Some(info);
        }
    };
    info.is_64 = is_64;
    let r = Reader {
        bytes,
        little,
        is_64,
    };
    info.machine = r.u16(18);
    let Ok(header) = goblin::elf::Elf::parse_header(bytes) else {
        info.warnings
            .push("ELF header cut off; only the machine type was read".into());
        info.abi = info.machine.and_then(|m| abi_of(m, is_64, None));
        return Some(info);
    };
    let ctx = Ctx::new(
        if is_64 {
            Container::Big
        } else {
            Container::Little
        },
        if little { Endian::Little } else { Endian::Big },
    );
    let sections = section_headers(bytes, &header, ctx, &mut info.warnings);
    let arm_arch = if header.e_machine == EM_ARM {
        sections
            .iter()
            .find(|s| s.sh_type == SHT_ARM_ATTRIBUTES)
            .and_then(|s| section_bytes(bytes, s))
            .and_then(|b| arm_cpu_arch(b, little))
    } else {
        None
    };
    info.abi = abi_of(header.e_machine, is_64, arm_arch);

    let segments = program_headers(bytes, &header, ctx, &mut info.warnings);
    let interp = segments.iter().any(|p| p.p_type == PT_INTERP);
    let dynamic = match dynamic_from_sections(&r, &sections) {
        Some(d) => Some(d),
        None => dynamic_from_segments(&r, &segments, &mut info.warnings),
    };
    let symbols = symbols_from_sections(&r, &sections).or_else(|| {
        let d = dynamic.as_ref()?;
        d.symbols
    });
    read_dynamic_names(&r, dynamic.as_ref(), header.e_type, &mut info);
    if let Some(syms) = symbols {
        read_jni_symbols(&r, &syms, &mut info);
    }
    // PIE executables are ET_DYN too; they name an interpreter and carry no
    // SONAME (old NDK libraries name /system/bin/linker but keep a SONAME).
    info.kind = Some(match header.e_type {
        ET_EXEC => "executable",
        ET_DYN if interp && info.soname.is_none() => "executable",
        ET_DYN => "shared-library",
        ET_REL => "object",
        _ => "other",
    });
    Some(info)
}

/// Whether the file is 64-bit and little-endian (`e_ident` class and data
/// encoding), or the warning that nothing can be read.
fn class_and_encoding(bytes: &[u8]) -> Result<(bool, bool), String> {
    let is_64 = match bytes.get(4) {
        Some(1) => false,
        Some(2) => true,
        other => return Err(format!("unknown ELF class {other:?}; nothing read")),
    };
    let little = match bytes.get(5) {
        Some(1) => true,
        Some(2) => false,
        other => return Err(format!("unknown ELF data encoding {other:?}; nothing read")),
    };
    Ok((is_64, little))
}

/// DT_NEEDED and DT_SONAME from the dynamic section, with a warning when it
/// is cut off, or missing from a shared library (`e_type`).
fn read_dynamic_names(r: &Reader<'_>, dynamic: Option<&Dynamic>, e_type: u16, info: &mut ElfInfo) {
    if let Some(d) = dynamic {
        let strings = d.strings;
        for &(tag, val) in &d.entries {
            let name = || strings.and_then(|s| r.cstr_in(s, val));
            if tag == DT_NEEDED && info.needed.len() < MAX_NEEDED {
                match name() {
                    Some(n) => info.needed.push(n),
                    None => info
                        .warnings
                        .push("a DT_NEEDED name lies outside the file".into()),
                }
            } else if tag == DT_SONAME && info.soname.is_none() {
                info.soname = name();
            }
        }
        if d.truncated {
            info.warnings
                .push("dynamic section cut off; later entries lost".into());
        }
    } else if e_type == ET_DYN {
        info.warnings
            .push("shared library without a readable dynamic section (cut off?)".into());
    }
}

/// Section names whose bytes hold string literals and initialised data.
const STRING_SECTIONS: &[&str] = &[".rodata", ".data", ".data.rel.ro", ".data.rel.ro.local"];

/// Whether a section name is one of [`STRING_SECTIONS`] or a `.rodata.*` split section.
fn wanted_for_strings(name: &[u8]) -> bool {
    STRING_SECTIONS.iter().any(|s| s.as_bytes() == name) || name.starts_with(b".rodata.")
}

/// ELF: the string-bearing sections (`.rodata`, `.rodata.*`, `.data`,
/// `.data.rel.ro`, `.data.rel.ro.local`) with their file offsets, for
/// [`crate::scan::scan_bytes`] with the offset as `base_offset`.
///
/// Only the ELF header and the section header table are read (no dynamic
/// section, symbols or relocations), sections that do not lie wholly in the
/// file are skipped, and `.dynstr`/`.strtab` (symbol names) are left out on
/// purpose. When the file is ELF but has no usable section headers (stripped,
/// packed, or a table cut off), the whole file is returned as one piece at
/// offset 0. Not ELF: empty.
pub fn string_sections(bytes: &[u8]) -> Vec<(u64, &[u8])> {
    let Ok(header) = goblin::elf::Elf::parse_header(bytes) else {
        return Vec::new();
    };
    let sections = string_section_pieces(bytes, &header);
    if sections.is_empty() {
        vec![(0, bytes)]
    } else {
        sections
    }
}

fn string_section_pieces<'a>(bytes: &'a [u8], header: &Header) -> Vec<(u64, &'a [u8])> {
    let (Ok(container), Ok(endian)) = (header.container(), header.endianness()) else {
        return Vec::new();
    };
    let mut cut = Vec::new();
    let headers = section_headers(bytes, header, Ctx::new(container, endian), &mut cut);
    // A table cut off is not trusted here: the whole file is scanned instead.
    if !cut.is_empty() {
        return Vec::new();
    }
    let Some(names) = headers
        .get(usize::from(header.e_shstrndx))
        .and_then(|sh| whole_section(bytes, sh))
    else {
        return Vec::new();
    };
    headers
        .iter()
        .filter(|sh| sh.sh_type != SHT_NOBITS)
        .filter(|sh| {
            let name = names.get(sh.sh_name..).unwrap_or_default();
            let name = name.split(|&b| b == 0).next().unwrap_or_default();
            wanted_for_strings(name)
        })
        .filter_map(|sh| Some((sh.sh_offset, whole_section(bytes, sh)?)))
        .collect()
}

/// The bytes of a section, when all of them lie inside the file.
fn whole_section<'a>(bytes: &'a [u8], sh: &SectionHeader) -> Option<&'a [u8]> {
    let start = usize::try_from(sh.sh_offset).ok()?;
    let len = usize::try_from(sh.sh_size).ok()?;
    bytes.get(start..start.checked_add(len)?)
}

/// Android ABI for an ELF machine type, class and (ARM) `Tag_CPU_arch`.
/// 32-bit ARM without build attributes is taken as `armeabi-v7a`, the only
/// 32-bit ARM ABI current NDKs build.
pub fn abi_of(machine: u16, is_64: bool, arm_arch: Option<u64>) -> Option<&'static str> {
    Some(match machine {
        EM_AARCH64 => "arm64-v8a",
        EM_ARM => match arm_arch {
            Some(a) if a < ARM_ARCH_V7 => "armeabi",
            _ => "armeabi-v7a",
        },
        EM_386 => "x86",
        EM_X86_64 => "x86_64",
        EM_MIPS if is_64 => "mips64",
        EM_MIPS => "mips",
        EM_RISCV if is_64 => "riscv64",
        _ => return None,
    })
}

/// The instruction-set family of an ABI name, for comparing a library's
/// header with its folder (`armeabi` and `armeabi-v7a` are one family).
pub fn abi_family(abi: &str) -> &str {
    match abi {
        "armeabi" | "armeabi-v7a" => "arm",
        other => other,
    }
}

/// Bounded, endian-aware reads.
struct Reader<'a> {
    bytes: &'a [u8],
    little: bool,
    is_64: bool,
}

impl Reader<'_> {
    fn array<const N: usize>(&self, off: u64) -> Option<[u8; N]> {
        binread::array(self.bytes, usize::try_from(off).ok()?)
    }
    fn u16(&self, off: u64) -> Option<u16> {
        let a = self.array::<2>(off)?;
        Some(if self.little {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    }
    fn u32(&self, off: u64) -> Option<u32> {
        let a = self.array::<4>(off)?;
        Some(if self.little {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn u64(&self, off: u64) -> Option<u64> {
        let a = self.array::<8>(off)?;
        Some(if self.little {
            u64::from_le_bytes(a)
        } else {
            u64::from_be_bytes(a)
        })
    }
    /// An address-sized word.
    fn word(&self, off: u64) -> Option<u64> {
        if self.is_64 {
            self.u64(off)
        } else {
            self.u32(off).map(u64::from)
        }
    }
    fn word_size(&self) -> u64 {
        if self.is_64 { 8 } else { 4 }
    }
    /// A NUL-terminated UTF-8 (lossy) string at `index` inside the string
    /// table `(offset, size)`; a size of 0 means "up to the end of the file".
    fn cstr_in(&self, (table, size): (u64, u64), index: u64) -> Option<String> {
        if size != 0 && index >= size {
            return None;
        }
        let start = usize::try_from(table.checked_add(index)?).ok()?;
        let end = if size == 0 {
            self.bytes.len()
        } else {
            usize::try_from(table.saturating_add(size))
                .unwrap_or(usize::MAX)
                .min(self.bytes.len())
        };
        let rest = self.bytes.get(start..end)?;
        let rest = rest.get(..rest.len().min(MAX_NAME)).unwrap_or(rest);
        let len = memchr::memchr(0, rest)?;
        Some(String::from_utf8_lossy(rest.get(..len)?).into_owned())
    }
}

/// Where a header table starts and how many of its `declared` entries of
/// `entsize` bytes fit in the file; a cut-off table becomes a warning.
fn clamped_table(
    bytes: &[u8],
    offset: u64,
    declared: usize,
    entsize: usize,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<(usize, usize)> {
    let off = usize::try_from(offset).ok()?;
    if off == 0 || declared == 0 {
        return None;
    }
    let fit = bytes.len().saturating_sub(off) / entsize.max(1);
    let count = declared.min(fit);
    if count < declared {
        warnings.push(format!(
            "{what} table cut off: {count} of {declared} entries in the file"
        ));
    }
    (count > 0).then_some((off, count))
}

/// Section headers, the count clamped to what the file holds.
fn section_headers(
    bytes: &[u8],
    header: &Header,
    ctx: Ctx,
    warnings: &mut Vec<String>,
) -> Vec<SectionHeader> {
    let entsize = SectionHeader::size(ctx);
    clamped_table(
        bytes,
        header.e_shoff,
        usize::from(header.e_shnum),
        entsize,
        "section header",
        warnings,
    )
    .and_then(|(off, count)| SectionHeader::parse(bytes, off, count, ctx).ok())
    .unwrap_or_default()
}

/// Program headers, the count clamped to what the file holds.
fn program_headers(
    bytes: &[u8],
    header: &Header,
    ctx: Ctx,
    warnings: &mut Vec<String>,
) -> Vec<ProgramHeader> {
    let entsize = ProgramHeader::size(ctx);
    clamped_table(
        bytes,
        header.e_phoff,
        usize::from(header.e_phnum),
        entsize,
        "program header",
        warnings,
    )
    .and_then(|(off, count)| ProgramHeader::parse(bytes, off, count, ctx).ok())
    .unwrap_or_default()
}

/// The bytes of a section that lie inside the file (possibly fewer than declared).
fn section_bytes<'a>(bytes: &'a [u8], sh: &SectionHeader) -> Option<&'a [u8]> {
    if sh.sh_type == SHT_NOBITS {
        return None;
    }
    let start = usize::try_from(sh.sh_offset).ok()?;
    let end = usize::try_from(sh.sh_offset.saturating_add(sh.sh_size))
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    bytes.get(start..end)
}

/// A symbol table: file offset, entry count, entry size, string table.
#[derive(Debug, Clone, Copy)]
struct SymTable {
    offset: u64,
    count: u64,
    entsize: u64,
    strings: (u64, u64),
}

/// The dynamic entries read, with the string table they refer to.
#[derive(Debug, Default)]
struct Dynamic {
    entries: Vec<(u64, u64)>,
    /// `(file offset, size)` of the dynamic string table; size 0 = unknown.
    strings: Option<(u64, u64)>,
    symbols: Option<SymTable>,
    truncated: bool,
}

/// Reads `(tag, value)` pairs from `offset`, at most `size` bytes, stopping
/// at `DT_NULL`.
fn dyn_entries(r: &Reader<'_>, offset: u64, size: u64) -> (Vec<(u64, u64)>, bool) {
    let ws = r.word_size();
    let entsize = ws * 2;
    let available = (r.bytes.len() as u64).saturating_sub(offset);
    let declared = size / entsize;
    let count = declared.min(available / entsize);
    let mut out = Vec::new();
    for i in 0..count {
        let at = offset + i * entsize;
        let (Some(tag), Some(val)) = (r.word(at), r.word(at + ws)) else {
            return (out, true);
        };
        if tag == 0 {
            return (out, false);
        }
        out.push((tag, val));
    }
    (out, count < declared)
}

fn dynamic_from_sections(r: &Reader<'_>, sections: &[SectionHeader]) -> Option<Dynamic> {
    let dynsec = sections.iter().find(|s| s.sh_type == SHT_DYNAMIC)?;
    let strsec = sections.get(usize::try_from(dynsec.sh_link).ok()?)?;
    let (entries, truncated) = dyn_entries(r, dynsec.sh_offset, dynsec.sh_size);
    Some(Dynamic {
        entries,
        strings: Some((strsec.sh_offset, strsec.sh_size)),
        symbols: None,
        truncated,
    })
}

fn symbols_from_sections(r: &Reader<'_>, sections: &[SectionHeader]) -> Option<SymTable> {
    let sym = sections
        .iter()
        .find(|s| s.sh_type == SHT_DYNSYM)
        .or_else(|| sections.iter().find(|s| s.sh_type == SHT_SYMTAB))?;
    let strsec = sections.get(usize::try_from(sym.sh_link).ok()?)?;
    let entsize = sym_size(r);
    Some(SymTable {
        offset: sym.sh_offset,
        count: sym.sh_size / entsize,
        entsize,
        strings: (strsec.sh_offset, strsec.sh_size),
    })
}

fn sym_size(r: &Reader<'_>) -> u64 {
    if r.is_64 { 24 } else { 16 }
}

/// File offset of a virtual address, through the `PT_LOAD` segments.
fn file_offset(segments: &[ProgramHeader], addr: u64) -> Option<u64> {
    segments
        .iter()
        .filter(|p| p.p_type == PT_LOAD)
        .find(|p| addr >= p.p_vaddr && addr - p.p_vaddr < p.p_filesz)
        .and_then(|p| p.p_offset.checked_add(addr - p.p_vaddr))
}

fn dynamic_from_segments(
    r: &Reader<'_>,
    segments: &[ProgramHeader],
    warnings: &mut Vec<String>,
) -> Option<Dynamic> {
    let seg = segments.iter().find(|p| p.p_type == PT_DYNAMIC)?;
    let (entries, truncated) = dyn_entries(r, seg.p_offset, seg.p_filesz);
    let value = |tag: u64| entries.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v);
    let strings = value(DT_STRTAB)
        .and_then(|a| file_offset(segments, a))
        .map(|off| (off, value(DT_STRSZ).unwrap_or(0)));
    if strings.is_none() {
        warnings.push("dynamic string table not found through the segments".into());
    }
    let entsize = value(DT_SYMENT)
        .filter(|&e| e == sym_size(r))
        .unwrap_or_else(|| sym_size(r));
    let symbols = value(DT_SYMTAB)
        .and_then(|a| file_offset(segments, a))
        .and_then(|offset| {
            let strings = strings?;
            // DT_HASH's nchain is the symbol count; otherwise the table is
            // taken to end where the string table starts (the usual layout).
            let count = value(DT_HASH)
                .and_then(|a| file_offset(segments, a))
                .and_then(|h| r.u32(h + 4))
                .map(u64::from)
                .or_else(|| strings.0.checked_sub(offset).map(|gap| gap / entsize))?;
            Some(SymTable {
                offset,
                count,
                entsize,
                strings,
            })
        });
    Some(Dynamic {
        entries,
        strings,
        symbols,
        truncated,
    })
}

/// Collects defined `Java_*` symbols and `JNI_OnLoad`.
fn read_jni_symbols(r: &Reader<'_>, t: &SymTable, info: &mut ElfInfo) {
    let available = (r.bytes.len() as u64).saturating_sub(t.offset) / t.entsize.max(1);
    let count = t.count.min(available);
    if count < t.count {
        info.warnings.push(format!(
            "symbol table cut off: {count} of {} symbols in the file",
            t.count
        ));
    }
    let mut symbols = Vec::new();
    for i in 0..count {
        let at = t.offset + i * t.entsize;
        let shndx_at = if r.is_64 { at + 6 } else { at + 14 };
        let (Some(name), Some(shndx)) = (r.u32(at), r.u16(shndx_at)) else {
            break;
        };
        if shndx == 0 {
            continue; // undefined: imported, not exported
        }
        let Some(name) = r.cstr_in(t.strings, u64::from(name)) else {
            continue;
        };
        if name == "JNI_OnLoad" {
            info.jni_onload = true;
        } else if name.starts_with("Java_") && symbols.len() < MAX_JNI {
            symbols.push(name);
        }
    }
    symbols.sort();
    symbols.dedup();
    let mut classes: Vec<String> = symbols
        .iter()
        .filter_map(|s| jni::decode(s))
        .map(|m| m.class)
        .collect();
    classes.sort();
    classes.dedup();
    info.jni_symbols = symbols;
    info.jni_classes = classes;
}

/// `Tag_CPU_arch` from an `.ARM.attributes` section (ARM IHI 0045, build
/// attributes): format `A`, then subsections `<u32 len><vendor NUL><data>`;
/// in the `aeabi` subsection, tag 1 (file scope) holds `<tag><value>` pairs
/// where tags 4, 5 and 67, and odd tags above 32, are NUL-terminated strings,
/// tag 32 is a ULEB128 followed by a string, and all others are ULEB128.
fn arm_cpu_arch(section: &[u8], little: bool) -> Option<u64> {
    let mut rest = section.strip_prefix(b"A")?;
    while rest.len() >= 4 {
        let len = if little {
            binread::le_u32(rest, 0)?
        } else {
            binread::be_u32(rest, 0)?
        } as usize;
        let sub = rest.get(4..len.min(rest.len()))?;
        rest = rest.get(len.max(4)..).unwrap_or_default();
        let nul = memchr::memchr(0, sub)?;
        if sub.get(..nul)? != b"aeabi" {
            continue;
        }
        let mut data = sub.get(nul + 1..)?;
        // File-scope attributes: tag 1, u32 size, then pairs.
        if data.first() != Some(&1) {
            return None;
        }
        data = data.get(5..)?;
        while !data.is_empty() {
            let tag = uleb(&mut data)?;
            match tag {
                6 => return uleb(&mut data),
                4 | 5 | 67 => skip_cstr(&mut data)?,
                32 => {
                    uleb(&mut data)?;
                    skip_cstr(&mut data)?;
                }
                t if t > 32 && t % 2 == 1 => skip_cstr(&mut data)?,
                _ => {
                    uleb(&mut data)?;
                }
            }
        }
    }
    None
}

fn uleb(data: &mut &[u8]) -> Option<u64> {
    let mut pos = 0;
    let value = binread::uleb128(data, &mut pos, 10)?;
    *data = data.get(pos..)?;
    Some(value)
}

fn skip_cstr(data: &mut &[u8]) -> Option<()> {
    let nul = memchr::memchr(0, data)?;
    *data = data.get(nul + 1..)?;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINTS: &[u8] = include_bytes!("../../samples/native/libendpoints.so");
    const JNI_ARM64: &[u8] = include_bytes!("../../samples/native/libjni-arm64.so");
    const JNI_ARMV5: &[u8] = include_bytes!("../../samples/native/libjni-armv5.so");

    fn shared(rel: &str) -> Option<Vec<u8>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/").to_string() + rel;
        match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(_) => {
                eprintln!("skipping: {path} not available");
                None
            }
        }
    }

    #[test]
    fn not_elf() {
        assert_eq!(read(b"PK\x03\x04 not an elf"), None);
        assert_eq!(read(b""), None);
    }

    #[test]
    fn sample_library_without_dynamic_names() {
        let info = read(ENDPOINTS).expect("ELF");
        assert_eq!(info.warnings, Vec::<String>::new());
        assert_eq!(info.abi, Some("arm64-v8a"));
        assert_eq!(info.soname, None);
        assert!(info.needed.is_empty());
        assert!(info.jni_symbols.is_empty());
    }

    fn check_jni_fixture(info: &ElfInfo, abi: &str) {
        assert_eq!(info.warnings, Vec::<String>::new());
        assert_eq!(info.abi, Some(abi));
        assert_eq!(info.kind, Some("shared-library"));
        assert_eq!(info.soname.as_deref(), Some("libjni.so"));
        assert_eq!(info.needed, ["libstub.so"]);
        assert!(info.jni_onload);
        assert_eq!(info.jni_symbols.len(), 4);
        assert_eq!(
            info.jni_classes,
            [
                "com.example.jni.Outer$Inner",
                "com.example.jni.Plain",
                "com.example.jni_x.My_Class"
            ]
        );
    }

    #[test]
    fn jni_fixtures() {
        check_jni_fixture(&read(JNI_ARM64).expect("ELF"), "arm64-v8a");
        check_jni_fixture(&read(JNI_ARMV5).expect("ELF"), "armeabi");
    }

    #[test]
    fn drozer_armeabi_library() {
        let Some(b) = shared("corpus/native/drozer-libWebViewContext-armeabi.so") else {
            return;
        };
        let info = read(&b).expect("ELF");
        assert_eq!(info.machine, Some(EM_ARM));
        assert_eq!(info.abi, Some("armeabi"), "{info:?}");
        assert_eq!(info.soname.as_deref(), Some("libWebViewContext.so"));
        assert_eq!(
            info.needed,
            [
                "liblog.so",
                "libstdc++.so",
                "libm.so",
                "libc.so",
                "libdl.so"
            ]
        );
        assert!(info.jni_onload);
        assert!(info.jni_classes.is_empty());
        assert_eq!(info.warnings, Vec::<String>::new());
    }

    #[test]
    fn abi_table() {
        assert_eq!(abi_of(EM_AARCH64, true, None), Some("arm64-v8a"));
        assert_eq!(abi_of(EM_ARM, false, None), Some("armeabi-v7a"));
        assert_eq!(abi_of(EM_ARM, false, Some(4)), Some("armeabi"));
        assert_eq!(abi_of(EM_ARM, false, Some(10)), Some("armeabi-v7a"));
        assert_eq!(abi_of(EM_MIPS, true, None), Some("mips64"));
        assert_eq!(abi_of(EM_MIPS, false, None), Some("mips"));
        assert_eq!(abi_of(EM_386, false, None), Some("x86"));
        assert_eq!(abi_of(EM_X86_64, true, None), Some("x86_64"));
        assert_eq!(abi_of(EM_RISCV, true, None), Some("riscv64"));
        assert_eq!(abi_of(0x1234, true, None), None);
        assert_eq!(abi_family("armeabi"), abi_family("armeabi-v7a"));
        assert_ne!(abi_family("x86"), abi_family("x86_64"));
    }

    /// Every prefix of a real library reads without panicking, and what is
    /// read from a prefix never contradicts the full read.
    #[test]
    fn every_truncation() {
        for lib in [ENDPOINTS, JNI_ARM64, JNI_ARMV5] {
            every_truncation_of(lib);
        }
    }

    fn every_truncation_of(lib: &[u8]) {
        let full = read(lib).expect("ELF");
        for len in 0..=lib.len() {
            let Some(part) = read(&lib[..len]) else {
                assert!(len < 4);
                continue;
            };
            // Cut-off ARM build attributes leave the armeabi-v7a default.
            if let (Some(abi), Some(full_abi)) = (part.abi, full.abi) {
                assert_eq!(abi_family(abi), abi_family(full_abi), "at {len}");
            }
            for n in &part.needed {
                assert!(full.needed.contains(n), "at {len}: {n}");
            }
            for c in &part.jni_classes {
                assert!(full.jni_classes.contains(c), "at {len}: {c}");
            }
            if part.soname.is_some() {
                assert_eq!(part.soname, full.soname, "at {len}");
            }
            if len < lib.len() && part != full {
                assert!(!part.warnings.is_empty(), "at {len}: lost data silently");
            }
        }
    }

    /// Keeps the dynamic segment when the section headers are cut off.
    #[test]
    fn truncated_keeps_dynamic_through_segments() {
        for lib in [JNI_ARM64, JNI_ARMV5] {
            keeps_dynamic(lib);
        }
    }

    fn keeps_dynamic(lib: &[u8]) {
        let full = read(lib).expect("ELF");
        // Section headers live at the end; the dynamic segment before them.
        let shoff = goblin::elf::Elf::parse_header(lib).expect("header").e_shoff as usize;
        let part = read(&lib[..shoff]).expect("ELF");
        assert_eq!(part.needed, full.needed);
        assert_eq!(part.soname, full.soname);
        assert_eq!(part.jni_classes, full.jni_classes);
    }

    #[test]
    fn mutations_do_not_panic() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..3000 {
            let src = [ENDPOINTS, JNI_ARM64, JNI_ARMV5][i % 3];
            let mut b = src.to_vec();
            for _ in 0..(next() % 16 + 1) {
                let at = (next() % b.len() as u64) as usize;
                // Favour the headers, where counts and offsets live.
                let at = if next() % 2 == 0 { at % 128 } else { at };
                if let Some(x) = b.get_mut(at) {
                    *x = next() as u8;
                }
            }
            let _ = read(&b);
        }
    }

    #[test]
    fn string_sections_of_non_elf_are_empty() {
        assert!(string_sections(b"not an elf file at all, just text").is_empty());
        assert!(string_sections(b"").is_empty());
    }

    #[test]
    fn truncated_section_table_gives_the_whole_file_for_strings() {
        let mut elf = include_bytes!("../../samples/native/libendpoints.so").to_vec();
        elf.truncate(elf.len() / 2);
        let pieces = string_sections(&elf);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].0, 0);
    }

    #[test]
    fn sample_library_string_sections() {
        let elf = include_bytes!("../../samples/native/libendpoints.so");
        let pieces = string_sections(elf);
        assert!(!pieces.is_empty());
        let rodata = pieces
            .iter()
            .find(|(_, b)| memchr::memmem::find(b, b"api.mixpanel.com").is_some())
            .expect("a piece holds the planted host");
        let off = rodata.0 as usize;
        assert_eq!(&elf[off..off + rodata.1.len()], rodata.1);
    }
}
