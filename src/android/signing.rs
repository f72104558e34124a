//! Signing certificates: v1 (JAR, CMS) and the APK Signing Block (v2/v3/v3.1).
//!
//! Only extraction: signatures and digests are not verified. Certificates
//! are identified by the SHA-256 of their encoded bytes exactly as stored
//! (the digest `apksigner --print-certs` shows).

mod ber;
mod block;
mod name;

use crate::util::sha256_hex;
use x509_parser::prelude::{FromDer, X509Certificate};

pub use block::{BLOCK_MAGIC, signing_block_certificates};

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// `v1`, `v2`, `v3` or `v3.1`.
    pub scheme: String,
    /// Subject DN, most specific first, like apksigner prints it
    /// (`CN=…, OU=…, O=…, L=…, ST=…, C=…`). Empty if the certificate could
    /// not be parsed.
    pub subject: String,
    /// Issuer DN, same format.
    pub issuer: String,
    /// SHA-256 of the DER certificate, lower-case hex.
    pub sha256: String,
    /// Subject country (C=), when present.
    pub country: Option<String>,
}

/// Certificates found and anomalies met.
#[derive(Debug, Clone, Default)]
pub struct SigningFacts {
    /// Every certificate of every signer, de-duplicated on (scheme, sha256),
    /// in the order met (a signer's own certificate comes first).
    pub certificates: Vec<CertInfo>,
    /// Short human-readable anomalies ("v2 block: signer 2 truncated").
    pub warnings: Vec<String>,
    /// IDs of the id-value pairs of the APK Signing Block, in order
    /// (empty when there is no block).
    pub block_ids: Vec<u32>,
}

impl SigningFacts {
    /// Adds a certificate unless the same (scheme, sha256) is already there.
    fn push_unique(&mut self, cert: CertInfo) {
        let dup = self
            .certificates
            .iter()
            .any(|c| c.scheme == cert.scheme && c.sha256 == cert.sha256);
        if !dup {
            self.certificates.push(cert);
        }
    }
}

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

/// Certificates of a v1 signature block file (`META-INF/*.RSA|DSA|EC`).
///
/// Errors when the bytes are not a CMS SignedData at all; certificates that
/// x509-parser cannot read are still returned with empty names (see
/// [`v1_facts`] for the warnings).
pub fn v1_certificates(cms: &[u8]) -> Result<Vec<CertInfo>, String> {
    let mut facts = SigningFacts::default();
    let certs = cms_certificates(cms)?;
    for (i, der) in certs.iter().enumerate() {
        let (cert, warning) = cert_info("v1", der);
        if let Some(w) = warning {
            facts.warnings.push(format!("v1: certificate {}: {w}", i + 1));
        }
        facts.push_unique(cert);
    }
    Ok(facts.certificates)
}

/// Like [`v1_certificates`], but never fails: structural problems and
/// unreadable certificates become warnings prefixed with `label` (e.g. the
/// entry name).
pub fn v1_facts(cms: &[u8], label: &str) -> SigningFacts {
    let mut facts = SigningFacts::default();
    match cms_certificates(cms) {
        Ok(certs) => {
            if certs.is_empty() {
                facts.warnings.push(format!("{label}: no certificates"));
            }
            for (i, der) in certs.iter().enumerate() {
                let (cert, warning) = cert_info("v1", der);
                if let Some(w) = warning {
                    facts
                        .warnings
                        .push(format!("{label}: certificate {}: {w}", i + 1));
                }
                facts.push_unique(cert);
            }
        }
        Err(e) => facts.warnings.push(format!("{label}: {e}")),
    }
    facts
}

/// OID 1.2.840.113549.1.7.2 (signedData), DER contents octets.
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// The encoded certificates of a CMS ContentInfo holding SignedData.
fn cms_certificates(cms: &[u8]) -> Result<Vec<&[u8]>, String> {
    use ber::{CLASS_CONTEXT, CLASS_UNIVERSAL, TAG_OID, TAG_SEQUENCE};
    let (content_info, _trailing) = ber::read(cms).map_err(|e| format!("CMS: {e}"))?;
    if !content_info.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true) {
        return Err("CMS: not a SEQUENCE".into());
    }
    let parts = ber::children(&content_info).map_err(|e| format!("CMS: {e}"))?;
    let oid = parts.first().ok_or("CMS: empty ContentInfo")?;
    if !(oid.class == CLASS_UNIVERSAL && oid.number == TAG_OID && !oid.constructed) {
        return Err("CMS: ContentInfo without content type".into());
    }
    if oid.content != OID_SIGNED_DATA {
        return Err("CMS: content type is not signedData".into());
    }
    let explicit = parts
        .get(1)
        .filter(|t| t.is(CLASS_CONTEXT, 0, true))
        .ok_or("CMS: ContentInfo without content")?;
    let inner = ber::children(explicit).map_err(|e| format!("CMS: {e}"))?;
    let signed_data = inner
        .first()
        .filter(|t| t.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true))
        .ok_or("CMS: content is not a SignedData SEQUENCE")?;
    let fields = ber::children(signed_data).map_err(|e| format!("CMS SignedData: {e}"))?;
    // version, digestAlgorithms, encapContentInfo, then [0] certificates.
    let Some(cert_set) = fields.iter().skip(3).find(|t| t.is(CLASS_CONTEXT, 0, true)) else {
        return Ok(Vec::new());
    };
    let choices = ber::children(cert_set).map_err(|e| format!("CMS certificates: {e}"))?;
    Ok(choices
        .iter()
        // Only plain Certificates; attribute certificates and others are tagged.
        .filter(|t| t.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true))
        .map(|t| t.raw)
        .collect())
}

/// Describes one encoded certificate; the warning says why it could not be
/// parsed (the digest is still given).
fn cert_info(scheme: &str, der: &[u8]) -> (CertInfo, Option<String>) {
    let sha256 = sha256_hex(der);
    match X509Certificate::from_der(der) {
        Ok((_, cert)) => {
            let info = CertInfo {
                scheme: scheme.to_string(),
                subject: name::format_dn(cert.subject()),
                issuer: name::format_dn(cert.issuer()),
                sha256,
                country: name::country(cert.subject()),
            };
            (info, None)
        }
        Err(e) => {
            let info = CertInfo {
                scheme: scheme.to_string(),
                subject: String::new(),
                issuer: String::new(),
                sha256,
                country: None,
            };
            (info, Some(format!("unparsable X.509 ({e})")))
        }
    }
}

#[cfg(test)]
mod tests;
