//! BER/CMS: v1 signature blocks, provisioning profiles, the APK Signing Block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale::android::signing;
use telltale::apple::provisioning;
use telltale::pkcs7;

fuzz_target!(|data: &[u8]| {
    let _ = pkcs7::v1_facts(data, "META-INF/CERT.RSA");
    let _ = provisioning::parse(data);
    let _ = provisioning::signed_content(data);
    // The signing block ends where a central directory would start.
    let _ = signing::signing_block_certificates(data, data.len() as u64);
});
