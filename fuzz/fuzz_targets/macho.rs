//! Mach-O (thin and fat): slices, load commands, ObjC metadata, code signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::apple::{codesign, macho};

fuzz_target!(|data: &[u8]| {
    let facts = macho::analyse(data);
    let _ = facts.archs();
    let _ = facts.libs();
    let _ = facts.objc_classes();
    let _ = facts.imports();
    let _ = facts.selectors();
    let _ = facts.cstrings();
    let _ = macho::check_load_commands(data);
    let _ = codesign::parse(data);
});
