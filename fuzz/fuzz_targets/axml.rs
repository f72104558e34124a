//! Android binary XML: parse, render as XML, read as a manifest and a network security config.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::android::{axml, manifest, netsec};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = axml::parse(data) else { return };
    let _ = axml::to_xml(&doc, &|id| Some(format!("0x{id:08x}")));
    if let Some(root) = &doc.root {
        let _ = manifest::from_root(root);
        let _ = netsec::from_root(root);
    }
});
