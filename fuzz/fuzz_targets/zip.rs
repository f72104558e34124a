//! ZIP container: central directory, Android's rules, every entry read under small caps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::container::Budget;
use telltale::container::zip::Archive;

fuzz_target!(|data: &[u8]| {
    let Ok(archive) = Archive::parse(data) else {
        return;
    };
    let _ = archive.anomalies();
    let _ = archive.refusals();
    let budget = Budget::new(1 << 20, 4 << 20);
    for e in archive.entries().iter().take(256) {
        if let Ok(got) = budget.read_entry(&archive, e) {
            assert!(got.bytes.len() <= 1 << 20);
        }
    }
});
