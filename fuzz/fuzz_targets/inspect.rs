//! The whole `inspect` on raw bytes (any format the detector accepts), small caps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::{Knowledge, Options};

fuzz_target!(|data: &[u8]| {
    let Ok(knowledge) = Knowledge::embedded() else {
        return;
    };
    let options = Options {
        max_entry_size: 4 << 20,
        max_total_size: 16 << 20,
        ..Options::default()
    };
    if let Ok(report) = telltale::pipeline::inspect_bytes_with("input", data, &options, knowledge) {
        let _ = telltale::report::json::render(&report);
        let _ = telltale::report::text::render(&report);
    }
});
