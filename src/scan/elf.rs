//! String-bearing sections of ELF files (native libraries), for [`super::scan_bytes`].

use goblin::container::Ctx;
use goblin::elf::Elf;
use goblin::elf::section_header::{SHT_NOBITS, SectionHeader};

/// Section names whose bytes hold string literals and initialised data.
const STRING_SECTIONS: &[&str] = &[".rodata", ".data", ".data.rel.ro", ".data.rel.ro.local"];

/// Whether a section name is one of [`STRING_SECTIONS`] or a `.rodata.*` split section.
fn wanted(name: &[u8]) -> bool {
    STRING_SECTIONS.iter().any(|s| s.as_bytes() == name) || name.starts_with(b".rodata.")
}

/// ELF: the string-bearing sections (`.rodata`, `.rodata.*`, `.data`,
/// `.data.rel.ro`, `.data.rel.ro.local`) with their file offsets, for
/// [`super::scan_bytes`] with the offset as `base_offset`.
///
/// Permissive: only the ELF header and section headers are read (no dynamic
/// section, symbols or relocations), sections that do not fit in the file are
/// skipped, and `.dynstr`/`.strtab` (symbol names) are left out on purpose.
/// When the file is ELF but has no usable section headers (stripped or packed
/// libraries), the whole file is returned as one piece at offset 0. Not ELF:
/// empty.
pub fn elf_string_sections(bytes: &[u8]) -> Vec<(u64, &[u8])> {
    let Ok(header) = Elf::parse_header(bytes) else {
        return Vec::new();
    };
    let sections = section_pieces(bytes, &header);
    if sections.is_empty() {
        vec![(0, bytes)]
    } else {
        sections
    }
}

fn section_pieces<'a>(bytes: &'a [u8], header: &goblin::elf::Header) -> Vec<(u64, &'a [u8])> {
    let Ok(container) = header.container() else {
        return Vec::new();
    };
    let Ok(endian) = header.endianness() else {
        return Vec::new();
    };
    let ctx = Ctx::new(container, endian);
    let entsize = SectionHeader::size(ctx);
    let count = usize::from(header.e_shnum);
    let Ok(shoff) = usize::try_from(header.e_shoff) else {
        return Vec::new();
    };
    // Bound the table against the file before goblin allocates it.
    let fits = count
        .checked_mul(entsize)
        .and_then(|len| shoff.checked_add(len))
        .is_some_and(|end| end <= bytes.len());
    if count == 0 || !fits {
        return Vec::new();
    }
    let Ok(headers) = SectionHeader::parse(bytes, shoff, count, ctx) else {
        return Vec::new();
    };
    let Some(names) = headers
        .get(usize::from(header.e_shstrndx))
        .and_then(|sh| body(bytes, sh))
    else {
        return Vec::new();
    };
    headers
        .iter()
        .filter(|sh| sh.sh_type != SHT_NOBITS)
        .filter(|sh| {
            let name = names.get(sh.sh_name..).unwrap_or_default();
            let name = name.split(|&b| b == 0).next().unwrap_or_default();
            wanted(name)
        })
        .filter_map(|sh| Some((sh.sh_offset, body(bytes, sh)?)))
        .collect()
}

/// The bytes of a section, when they lie inside the file.
fn body<'a>(bytes: &'a [u8], sh: &SectionHeader) -> Option<&'a [u8]> {
    let start = usize::try_from(sh.sh_offset).ok()?;
    let len = usize::try_from(sh.sh_size).ok()?;
    bytes.get(start..start.checked_add(len)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_elf_is_empty() {
        assert!(elf_string_sections(b"not an elf file at all, just text").is_empty());
        assert!(elf_string_sections(b"").is_empty());
    }

    #[test]
    fn truncated_section_table_falls_back_to_whole_file() {
        let mut elf = include_bytes!("../../samples/native/libendpoints.so").to_vec();
        elf.truncate(elf.len() / 2);
        let pieces = elf_string_sections(&elf);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].0, 0);
    }

    #[test]
    fn sample_library_sections() {
        let elf = include_bytes!("../../samples/native/libendpoints.so");
        let pieces = elf_string_sections(elf);
        assert!(!pieces.is_empty());
        let rodata = pieces
            .iter()
            .find(|(_, b)| memchr::memmem::find(b, b"api.mixpanel.com").is_some())
            .expect("a piece holds the planted host");
        let off = rodata.0 as usize;
        assert_eq!(&elf[off..off + rodata.1.len()], rodata.1);
    }
}
