//! resources.arsc: parse the table, resolve the ids a manifest would ask for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::android::resources;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = resources::parse(data) else {
        return;
    };
    let _ = table.packages();
    let _ = table.libraries();
    for id in [0x7f01_0000u32, 0x7f02_0000, 0x7f03_0001, 0x7f0c_0000, 0x0101_0000] {
        let _ = table.resolve_string(id);
        let _ = table.resolve_file(id);
        let _ = table.name_of(id);
        let _ = table.string_values(id);
    }
});
