//! ELF shared objects: the header/section/dynamic reader and the string-section scan.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::native::elf;

fuzz_target!(|data: &[u8]| {
    let _ = elf::read(data);
    let _ = elf::string_sections(data);
});
