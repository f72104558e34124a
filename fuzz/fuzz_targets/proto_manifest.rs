//! aapt2 protobuf XML (App Bundle manifests and XML resources).
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::android::{aapt_proto, manifest};

fuzz_target!(|data: &[u8]| {
    let Ok(root) = aapt_proto::parse_xml(data) else {
        return;
    };
    let _ = manifest::from_root(&root);
});
