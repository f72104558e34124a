//! aapt2 protobuf resource table (App Bundle resources.pb).
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::android::aapt_proto;

fuzz_target!(|data: &[u8]| {
    let _ = aapt_proto::parse_table(data);
});
