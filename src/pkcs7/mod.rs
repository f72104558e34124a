//! PKCS#7 / CMS SignedData shared by APK v1 signatures, iOS code signatures
//! and provisioning profiles: a bounded BER walker ([`ber`]), the
//! certificates of a SignedData and their names the way apksigner prints
//! them. Only extraction: signatures and digests are not verified.
//! Certificates are identified by the SHA-256 of their encoded bytes exactly
//! as stored.

pub mod ber;
mod name;

use crate::util::sha256_hex;
use x509_parser::prelude::{FromDer, ParsedExtension, X509Certificate, X509Name};

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
    /// Whether this is a signer's own certificate (the first of a v2/v3
    /// signer; for v1 the one a SignerInfo names) rather than a chain
    /// certificate.
    pub signer: bool,
}

impl CertInfo {
    /// The report's view of this certificate, listed under `scheme`.
    pub fn to_report(&self, scheme: &str) -> crate::report::model::SigningCert {
        crate::report::model::SigningCert {
            scheme: scheme.to_string(),
            subject: self.subject.clone(),
            issuer: self.issuer.clone(),
            sha256: self.sha256.clone(),
            country: self.country.clone(),
        }
    }
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
    pub(crate) fn push_unique(&mut self, cert: CertInfo) {
        let existing = self
            .certificates
            .iter_mut()
            .find(|c| c.scheme == cert.scheme && c.sha256 == cert.sha256);
        match existing {
            Some(c) => c.signer |= cert.signer,
            None => self.certificates.push(cert),
        }
    }
}

/// Certificates of a v1 signature block file (`META-INF/*.RSA|DSA|EC`).
///
/// Errors when the bytes are not a CMS SignedData at all; certificates that
/// x509-parser cannot read are still returned with empty names (see
/// [`v1_facts`] for the warnings).
pub fn v1_certificates(cms: &[u8]) -> Result<Vec<CertInfo>, String> {
    let cms = parse_cms(cms)?;
    Ok(v1_from_parsed(&cms, "v1").certificates)
}

/// Like [`v1_certificates`], but never fails: structural problems and
/// unreadable certificates become warnings prefixed with `label` (e.g. the
/// entry name).
pub fn v1_facts(cms: &[u8], label: &str) -> SigningFacts {
    match parse_cms(cms) {
        Ok(cms) => v1_from_parsed(&cms, label),
        Err(e) => SigningFacts {
            warnings: vec![format!("{label}: {e}")],
            ..SigningFacts::default()
        },
    }
}

fn v1_from_parsed(cms: &Cms<'_>, label: &str) -> SigningFacts {
    let mut facts = SigningFacts::default();
    if cms.certificates.is_empty() {
        facts.warnings.push(format!("{label}: no certificates"));
    }
    for (i, der) in cms.certificates.iter().enumerate() {
        let (mut cert, warning) = cert_info("v1", der);
        if let Some(w) = warning {
            facts
                .warnings
                .push(format!("{label}: certificate {}: {w}", i + 1));
        }
        cert.signer = cms.signers.iter().any(|sid| sid.names(der));
        facts.push_unique(cert);
    }
    if !cms.certificates.is_empty() && !facts.certificates.iter().any(|c| c.signer) {
        facts
            .warnings
            .push(format!("{label}: no certificate matches a SignerInfo"));
    }
    facts
}

/// What CMS SignedData holds that we use.
struct Cms<'a> {
    /// Encoded certificates, as stored.
    certificates: Vec<&'a [u8]>,
    /// Who signed, per SignerInfo.
    signers: Vec<SignerId<'a>>,
}

/// A SignerInfo's signer identifier.
enum SignerId<'a> {
    /// Issuer Name (whole encoding) and serial number (contents octets).
    IssuerSerial(&'a [u8], &'a [u8]),
    /// Subject key identifier (contents octets).
    KeyId(&'a [u8]),
}

impl SignerId<'_> {
    /// Whether this identifier names the encoded certificate `der`.
    fn names(&self, der: &[u8]) -> bool {
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            return false;
        };
        match self {
            SignerId::IssuerSerial(issuer, serial) => {
                strip_zeros(cert.raw_serial()) == strip_zeros(serial)
                    && (cert.issuer().as_raw() == *issuer
                        || X509Name::from_der(issuer).is_ok_and(|(_, name)| {
                            name::canonical(&name) == name::canonical(cert.issuer())
                        }))
            }
            SignerId::KeyId(id) => cert.extensions().iter().any(|ext| {
                matches!(ext.parsed_extension(),
                    ParsedExtension::SubjectKeyIdentifier(k) if k.0 == *id)
            }),
        }
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|x| **x == 0).count();
    b.get(n..).unwrap_or_default()
}

/// OID 1.2.840.113549.1.7.2 (signedData), DER contents octets.
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// The certificates and signer identifiers of a CMS ContentInfo holding
/// SignedData.
fn parse_cms(cms: &[u8]) -> Result<Cms<'_>, String> {
    use ber::{CLASS_CONTEXT, CLASS_UNIVERSAL, TAG_OID, TAG_SEQUENCE, TAG_SET};
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
    // version, digestAlgorithms, encapContentInfo, [0] certificates,
    // [1] crls, signerInfos.
    let rest = fields.get(3..).unwrap_or_default();
    let mut certificates = Vec::new();
    if let Some(cert_set) = rest.iter().find(|t| t.is(CLASS_CONTEXT, 0, true)) {
        let choices = ber::children(cert_set).map_err(|e| format!("CMS certificates: {e}"))?;
        // Only plain Certificates; attribute certificates and others are tagged.
        certificates = choices
            .iter()
            .filter(|t| t.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true))
            .map(|t| t.raw)
            .collect();
    }
    let mut signers = Vec::new();
    if let Some(infos) = rest
        .iter()
        .rev()
        .find(|t| t.is(CLASS_UNIVERSAL, TAG_SET, true))
    {
        for info in ber::children(infos).unwrap_or_default() {
            let parts = if info.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true) {
                ber::children(&info).unwrap_or_default()
            } else {
                Vec::new()
            };
            match parts.get(1) {
                Some(sid) if sid.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true) => {
                    let ids = ber::children(sid).unwrap_or_default();
                    if let (Some(issuer), Some(serial)) = (ids.first(), ids.get(1)) {
                        signers.push(SignerId::IssuerSerial(issuer.raw, serial.content));
                    }
                }
                Some(sid) if sid.class == CLASS_CONTEXT && sid.number == 0 => {
                    signers.push(SignerId::KeyId(sid.content));
                }
                _ => {}
            }
        }
    }
    Ok(Cms {
        certificates,
        signers,
    })
}

/// Describes one DER certificate under `scheme` (used for iOS provisioning
/// profiles); the warning says why it could not be parsed.
pub fn certificate_info(scheme: &str, der: &[u8]) -> (CertInfo, Option<String>) {
    cert_info(scheme, der)
}

/// Describes one encoded certificate; the warning says why it could not be
/// parsed (the digest is still given).
pub(crate) fn cert_info(scheme: &str, der: &[u8]) -> (CertInfo, Option<String>) {
    let sha256 = sha256_hex(der);
    match X509Certificate::from_der(der) {
        Ok((_, cert)) => {
            let info = CertInfo {
                scheme: scheme.to_string(),
                subject: name::format_dn(cert.subject()),
                issuer: name::format_dn(cert.issuer()),
                sha256,
                country: name::country(cert.subject()),
                signer: false,
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
                signer: false,
            };
            (info, Some(format!("unparsable X.509 ({e})")))
        }
    }
}
