//! Property lists (binary and XML): Info.plist and privacy manifests.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::apple::{info_plist, privacy_manifest};

fuzz_target!(|data: &[u8]| {
    let _ = info_plist::parse(data);
    let _ = privacy_manifest::parse(data);
});
