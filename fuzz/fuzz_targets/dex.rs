//! DEX reader: parse, resolve every table, walk all code, run identifier detection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::android::dex::{Dex, RefKind};
use telltale::android::identifiers;

fuzz_target!(|data: &[u8]| {
    let Ok(dex) = Dex::parse(data) else { return };
    let _ = dex.class_names();
    let _ = dex.strings().count();
    for i in 0..dex.method_ids().count.min(4096) {
        let _ = dex.method_ref(i);
    }
    for i in 0..dex.field_ids().count.min(4096) {
        let _ = dex.field_ref(i);
    }
    let walk = dex.walk_code(|r| match r.kind {
        RefKind::Invoke => drop(dex.method_ref(r.index)),
        RefKind::FieldGet | RefKind::FieldPut => drop(dex.field_ref(r.index)),
        RefKind::ConstString => drop(dex.string(r.index)),
        RefKind::Type => drop(dex.type_name(r.index)),
    });
    assert!(walk.insn_units <= 2 * data.len() as u64 + 4096);
    if let Ok(k) = telltale::Knowledge::embedded() {
        let _ = identifiers::scan_dex(&dex, &k.identifier_apis);
    }
});
