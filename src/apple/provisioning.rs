//! `embedded.mobileprovision`: a CMS SignedData (often BER with indefinite
//! lengths and a chunked OCTET STRING) whose content is a plist. The payload
//! is reassembled with the bounded BER walker, never cut out of raw bytes.

use crate::apple::plist_read;
use crate::pkcs7::{CertInfo, ber, certificate_info};
use plist::{Dictionary, Value};

/// Deepest constructed OCTET STRING nesting followed.
const MAX_CHUNK_DEPTH: usize = 8;
/// Most developer certificates read.
const MAX_CERTS: usize = 256;

/// OID 1.2.840.113549.1.7.2 (signedData), contents octets.
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// What a provisioning profile says.
#[derive(Debug, Default, Clone)]
pub struct Profile {
    pub name: Option<String>,
    pub app_id_name: Option<String>,
    pub team_name: Option<String>,
    /// `TeamIdentifier[0]`.
    pub team_id: Option<String>,
    /// `ExpirationDate`, RFC 3339.
    pub expires: Option<String>,
    pub created: Option<String>,
    /// Length of `ProvisionedDevices` (0 for App Store and enterprise profiles).
    pub device_count: usize,
    pub provisions_all_devices: bool,
    /// `Entitlements`.
    pub entitlements: Dictionary,
    /// `DeveloperCertificates`, scheme `ios`.
    pub certificates: Vec<CertInfo>,
}

pub use crate::container::detect::is_cms;

/// Reads a profile; the warnings say what could not be read.
pub fn parse(bytes: &[u8]) -> Result<(Profile, Vec<String>), String> {
    let mut warnings = Vec::new();
    let dict: Dictionary = match signed_content(bytes) {
        Ok(payload) => {
            plist_read::dictionary(&payload).map_err(|e| format!("profile plist: {e}"))?
        }
        Err(cms_error) => match plist_read::dictionary(bytes) {
            // A bare plist: readable, but not a signed profile.
            Ok(d) => {
                warnings.push("profile is a plain plist, not signed (no CMS)".to_string());
                d
            }
            Err(_) => return Err(cms_error),
        },
    };
    let s = |k: &str| dict.get(k).and_then(Value::as_string).map(str::to_string);
    let date = |k: &str| {
        dict.get(k)
            .and_then(Value::as_date)
            .and_then(plist_read::rfc3339)
    };
    let mut p = Profile {
        name: s("Name"),
        app_id_name: s("AppIDName"),
        team_name: s("TeamName"),
        team_id: dict
            .get("TeamIdentifier")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_string)
            .map(str::to_string),
        expires: date("ExpirationDate"),
        created: date("CreationDate"),
        device_count: dict
            .get("ProvisionedDevices")
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
        provisions_all_devices: dict
            .get("ProvisionsAllDevices")
            .and_then(Value::as_boolean)
            .unwrap_or(false),
        entitlements: dict
            .get("Entitlements")
            .and_then(Value::as_dictionary)
            .cloned()
            .unwrap_or_default(),
        certificates: Vec::new(),
    };
    if let Some(certs) = dict.get("DeveloperCertificates").and_then(Value::as_array) {
        for (i, der) in certs.iter().take(MAX_CERTS).enumerate() {
            let Some(der) = der.as_data() else { continue };
            let (cert, warning) = certificate_info("ios", der);
            if let Some(w) = warning {
                warnings.push(format!("developer certificate {}: {w}", i + 1));
            }
            p.certificates.push(cert);
        }
    }
    Ok((p, warnings))
}

/// The encapsulated content of a CMS SignedData, chunks reassembled.
pub fn signed_content(cms: &[u8]) -> Result<Vec<u8>, String> {
    use ber::{CLASS_CONTEXT, CLASS_UNIVERSAL, TAG_SEQUENCE};
    let err = |e: String| format!("CMS: {e}");
    let (ci, _) = ber::read(cms).map_err(err)?;
    if !ci.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true) {
        return Err("CMS: not a SEQUENCE".into());
    }
    let parts = ber::children(&ci).map_err(err)?;
    if parts.first().map(|o| o.content) != Some(OID_SIGNED_DATA) {
        return Err("CMS: content type is not signedData".into());
    }
    let explicit = parts
        .get(1)
        .filter(|t| t.is(CLASS_CONTEXT, 0, true))
        .ok_or("CMS: no content")?;
    let inner = ber::children(explicit).map_err(err)?;
    let sd = inner
        .first()
        .filter(|t| t.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true))
        .ok_or("CMS: content is not SignedData")?;
    let fields = ber::children(sd).map_err(err)?;
    let encap = fields
        .get(2)
        .filter(|t| t.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true))
        .ok_or("CMS: no encapsulated content")?;
    let encap = ber::children(encap).map_err(err)?;
    let content = encap
        .get(1)
        .filter(|t| t.is(CLASS_CONTEXT, 0, true))
        .ok_or("CMS: detached signature (no content)")?;
    let octets = ber::children(content).map_err(err)?;
    let octets = octets.first().ok_or("CMS: empty content")?;
    let mut out = Vec::new();
    octet_string(octets, 0, &mut out)?;
    Ok(out)
}

/// Appends the bytes of a (possibly constructed, chunked) OCTET STRING.
fn octet_string(t: &ber::Tlv<'_>, depth: usize, out: &mut Vec<u8>) -> Result<(), String> {
    if t.class != ber::CLASS_UNIVERSAL || t.number != 4 {
        return Err("CMS: content is not an OCTET STRING".into());
    }
    if !t.constructed {
        out.extend_from_slice(t.content);
        return Ok(());
    }
    if depth >= MAX_CHUNK_DEPTH {
        return Err("CMS: OCTET STRING chunks nested too deep".into());
    }
    for chunk in ber::children(t).map_err(|e| format!("CMS: {e}"))? {
        octet_string(&chunk, depth + 1, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_octet_string_is_reassembled() {
        // ContentInfo { signedData, [0] { SignedData { INTEGER 1, SET {},
        //   SEQUENCE { OID data, [0] { OCTET STRING (constructed, indefinite)
        //   { "ab", "cd" } } } } } }
        let mut cms = vec![0x30, 0x80, 0x06, 0x09];
        cms.extend_from_slice(OID_SIGNED_DATA);
        cms.extend_from_slice(&[0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x31, 0x00]);
        cms.extend_from_slice(&[0x30, 0x80, 0x06, 0x01, 0x01, 0xa0, 0x80, 0x24, 0x80]);
        cms.extend_from_slice(&[0x04, 0x02, b'a', b'b', 0x04, 0x02, b'c', b'd', 0, 0]);
        cms.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(is_cms(&cms));
        assert_eq!(signed_content(&cms).unwrap(), b"abcd");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse(b"").is_err());
        assert!(parse(b"\x30\x80").is_err());
        assert!(!is_cms(b"<?xml"));
    }
}
