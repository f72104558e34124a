//! Signing certificates: v1 (JAR, CMS) and the APK Signing Block (v2/v3/v3.1).
//! CONTRACT STUB: replaced by the real reader. Signatures are not verified.

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// `v1`, `v2`, `v3` or `v3.1`.
    pub scheme: String,
    pub subject: String,
    pub issuer: String,
    /// SHA-256 of the DER certificate, lower-case hex.
    pub sha256: String,
    /// Subject country (C=), when present.
    pub country: Option<String>,
}

/// Certificates found and anomalies met.
#[derive(Debug, Clone, Default)]
pub struct SigningFacts {
    pub certificates: Vec<CertInfo>,
    pub warnings: Vec<String>,
}

/// Certificates of a v1 signature block file (`META-INF/*.RSA|DSA|EC`).
pub fn v1_certificates(_cms: &[u8]) -> Result<Vec<CertInfo>, String> {
    Err("v1 reader not built yet".into())
}

/// Certificates of the APK Signing Block that ends where the central
/// directory starts (`cd_offset`), if there is one.
pub fn signing_block_certificates(_file: &[u8], _cd_offset: u64) -> SigningFacts {
    SigningFacts::default()
}
