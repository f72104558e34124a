//! The code-signature SuperBlob at `LC_CODE_SIGNATURE`: signing identifier
//! and team id (CodeDirectory), entitlements (XML slot 5, DER slot 7) and the
//! certificates of the CMS signature blob. Big-endian throughout.

use crate::apple::plist_read;
use crate::pkcs7::{CertInfo, ber, v1_facts};

const SUPERBLOB: u32 = 0xfade_0cc0;
const CODE_DIRECTORY: u32 = 0xfade_0c02;
const ENTITLEMENTS_XML: u32 = 0xfade_7171;
const ENTITLEMENTS_DER: u32 = 0xfade_7172;
const CMS_WRAPPER: u32 = 0xfade_0b01;
/// Most index entries read from one SuperBlob.
const MAX_BLOBS: usize = 64;
/// Deepest DER entitlement nesting followed.
const MAX_DER_DEPTH: usize = 16;

/// What a code signature holds.
#[derive(Debug, Default, Clone)]
pub struct CodeSignature {
    /// Signing identifier (usually the bundle id).
    pub identifier: Option<String>,
    /// Team identifier (CodeDirectory version 0x20200 and later).
    pub team_id: Option<String>,
    /// Entitlements (XML blob, or the DER blob when there is no XML one).
    pub entitlements: Option<plist::Dictionary>,
    /// Certificates of the CMS signature (empty for ad-hoc signatures).
    pub certificates: Vec<CertInfo>,
}

use crate::binread::be_u32 as be32;

/// Parses a SuperBlob; the notes say what could not be read.
pub fn parse(blob: &[u8]) -> (CodeSignature, Vec<String>) {
    let mut sig = CodeSignature::default();
    let mut notes = Vec::new();
    if be32(blob, 0) != Some(SUPERBLOB) {
        notes.push("code signature: not a SuperBlob".into());
        return (sig, notes);
    }
    let count = be32(blob, 8).unwrap_or(0) as usize;
    if count > MAX_BLOBS {
        notes.push(format!(
            "code signature: {count} blobs; only {MAX_BLOBS} read"
        ));
    }
    for i in 0..count.min(MAX_BLOBS) {
        let at = 12 + i * 8;
        let (Some(kind), Some(offset)) = (be32(blob, at), be32(blob, at + 4)) else {
            notes.push("code signature: truncated index".into());
            break;
        };
        let offset = offset as usize;
        let Some(len) = be32(blob, offset + 4) else {
            notes.push(format!(
                "code signature: blob {kind:#x} outside the signature"
            ));
            continue;
        };
        let Some(inner) = offset
            .checked_add(len as usize)
            .and_then(|end| blob.get(offset..end))
        else {
            notes.push(format!("code signature: blob {kind:#x} truncated"));
            continue;
        };
        let payload = inner.get(8..).unwrap_or_default();
        match be32(inner, 0) {
            Some(CODE_DIRECTORY) if sig.identifier.is_none() => code_directory(inner, &mut sig),
            Some(ENTITLEMENTS_XML) => match plist_read::dictionary(payload) {
                Ok(d) => sig.entitlements = Some(d),
                Err(e) => notes.push(format!("code signature: entitlements: {e}")),
            },
            Some(ENTITLEMENTS_DER) if sig.entitlements.is_none() => match der_entitlements(payload)
            {
                Some(d) => sig.entitlements = Some(d),
                None => notes.push("code signature: unreadable DER entitlements".into()),
            },
            Some(CMS_WRAPPER) if !payload.is_empty() => {
                let facts = v1_facts(payload, "code signature CMS");
                sig.certificates = facts.certificates;
                notes.extend(facts.warnings);
            }
            _ => {}
        }
    }
    (sig, notes)
}

fn code_directory(cd: &[u8], sig: &mut CodeSignature) {
    let version = be32(cd, 8).unwrap_or(0);
    if let Some(off) = be32(cd, 20) {
        sig.identifier = c_string_at(cd, off as usize);
    }
    if version >= 0x20200
        && let Some(off) = be32(cd, 48)
        && off != 0
    {
        sig.team_id = c_string_at(cd, off as usize);
    }
}

fn c_string_at(b: &[u8], at: usize) -> Option<String> {
    let rest = b.get(at..)?;
    let end = rest.iter().position(|c| *c == 0)?;
    let s = std::str::from_utf8(rest.get(..end)?).ok()?;
    (!s.is_empty()).then(|| s.to_string())
}

/// DER entitlements: `[APPLICATION 16] { INTEGER version, [CONTEXT 16] dict }`,
/// a dict being a SET of SEQUENCE { UTF8String key, value }.
fn der_entitlements(payload: &[u8]) -> Option<plist::Dictionary> {
    let (top, _) = ber::read(payload).ok()?;
    let parts = ber::children(&top).ok()?;
    let dict = parts.get(1)?;
    match der_value(dict, 0)? {
        plist::Value::Dictionary(d) => Some(d),
        _ => None,
    }
}

fn der_value(t: &ber::Tlv<'_>, depth: usize) -> Option<plist::Value> {
    if depth > MAX_DER_DEPTH {
        return None;
    }
    Some(match (t.class, t.number, t.constructed) {
        (0, 1, false) => plist::Value::Boolean(t.content.first().is_some_and(|b| *b != 0)),
        (0, 2, false) => {
            let mut v: i64 = 0;
            for b in t.content.iter().take(8) {
                v = (v << 8) | i64::from(*b);
            }
            plist::Value::Integer(v.into())
        }
        (0, 12, false) | (0, 19, false) | (0, 22, false) => {
            plist::Value::String(String::from_utf8_lossy(t.content).into_owned())
        }
        (0, 16, true) => plist::Value::Array(
            ber::children(t)
                .ok()?
                .iter()
                .filter_map(|c| der_value(c, depth + 1))
                .collect(),
        ),
        (2, 16, true) | (0, 17, true) => {
            let mut d = plist::Dictionary::new();
            for pair in ber::children(t).ok()? {
                let kv = ber::children(&pair).ok()?;
                let (Some(k), Some(v)) = (kv.first(), kv.get(1)) else {
                    continue;
                };
                if let Some(v) = der_value(v, depth + 1) {
                    d.insert(String::from_utf8_lossy(k.content).into_owned(), v);
                }
            }
            plist::Value::Dictionary(d)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_note_not_a_panic() {
        let (sig, notes) = parse(b"\xfa\xde\x0c\xc0\x00\x00\x00\x20\xff\xff\xff\xff");
        assert!(sig.identifier.is_none());
        assert!(!notes.is_empty());
        let (_, notes) = parse(b"nope");
        assert_eq!(notes, vec!["code signature: not a SuperBlob".to_string()]);
    }
}
