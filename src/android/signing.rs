//! Signing certificates: v1 (JAR, CMS) and the APK Signing Block (v2/v3/v3.1).
//!
//! Only extraction: signatures and digests are not verified. Certificates
//! are identified by the SHA-256 of their encoded bytes exactly as stored
//! (the digest `apksigner --print-certs` shows).

mod block;

pub use crate::pkcs7::{CertInfo, SigningFacts, certificate_info, v1_certificates, v1_facts};
pub use block::{BLOCK_MAGIC, signing_block_certificates};

/// Whether an archive entry name is a v1 signature block file
/// (`META-INF/<name>.RSA|.DSA|.EC`, directly under META-INF; the extension
/// compared case-insensitively).
pub fn is_v1_signature_block(name: &str) -> bool {
    let Some(file) = name.strip_prefix("META-INF/") else {
        return false;
    };
    if file.contains('/') {
        return false;
    }
    let upper = file.to_ascii_uppercase();
    [".RSA", ".DSA", ".EC"]
        .iter()
        .any(|ext| upper.len() > ext.len() && upper.ends_with(ext))
}

/// Picks, from an archive's entry names, the v1 signature block files that
/// belong to a signature file (`META-INF/X.RSA` needs `META-INF/X.SF`, as
/// Android requires). Blocks without one are left out with a warning
/// ("partial JAR signature"), so their certificates are not reported as
/// signers.
pub fn v1_signature_files<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> (Vec<&'a str>, Vec<String>) {
    let names: Vec<&str> = names.into_iter().collect();
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for name in names.iter().copied().filter(|n| is_v1_signature_block(n)) {
        let base = name.rsplit_once('.').map_or(name, |(b, _)| b);
        let sf = format!("{base}.SF");
        if names.iter().any(|n| *n == sf) {
            if !files.contains(&name) {
                files.push(name);
            }
        } else {
            warnings.push(format!("partial JAR signature: {name} without {sf}"));
        }
    }
    (files, warnings)
}

#[cfg(test)]
mod tests;
