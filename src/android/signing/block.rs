//! The APK Signing Block: the id-value pairs stored just before the central
//! directory, and the certificates of its v2, v3 and v3.1 scheme blocks.

use std::sync::OnceLock;

use crate::pkcs7::{SigningFacts, cert_info};

/// The magic that ends the block, just before the central directory.
pub const BLOCK_MAGIC: &[u8; 16] = b"APK Sig Block 42";

/// No more certificates than this are reported from one block.
const MAX_CERTS: usize = 256;

/// How an id-value pair is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A signature scheme whose certificates we read.
    Scheme,
    /// Recognised, nothing to read.
    Known,
}

/// id → (kind, name), from data/apk-signing-block-ids.tsv.
fn known_ids() -> &'static [(u32, Kind, &'static str)] {
    static TABLE: OnceLock<Vec<(u32, Kind, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../../data/apk-signing-block-ids.tsv")
            .lines()
            .filter(|l| l.starts_with("0x"))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let id = u32::from_str_radix(f.next()?.trim_start_matches("0x"), 16).ok()?;
                let kind = match f.next()? {
                    "scheme" => Kind::Scheme,
                    _ => Kind::Known,
                };
                Some((id, kind, f.next()?))
            })
            .collect()
    })
}

/// Certificates of the APK Signing Block that ends where the central
/// directory starts (`cd_offset`), if there is one. No block means empty
/// facts without warnings (v1-only and unsigned APKs have none).
pub fn signing_block_certificates(file: &[u8], cd_offset: u64) -> SigningFacts {
    let mut facts = SigningFacts::default();
    let pairs = match locate(file, cd_offset) {
        Ok(Some(p)) => p,
        Ok(None) => return facts,
        Err(e) => {
            facts.warnings.push(format!("APK Signing Block: {e}"));
            return facts;
        }
    };
    let mut rest = pairs;
    let mut index = 0usize;
    while !rest.is_empty() {
        index += 1;
        let Some(len) = read_u64(rest, 0) else {
            facts
                .warnings
                .push(format!("APK Signing Block: pair {index} truncated"));
            break;
        };
        let body = rest.get(8..).unwrap_or_default();
        let len = match usize::try_from(len) {
            Ok(l) if (4..=body.len()).contains(&l) => l,
            _ => {
                facts.warnings.push(format!(
                    "APK Signing Block: pair {index} length {len} out of bounds"
                ));
                break;
            }
        };
        let (pair, after) = body.split_at(len);
        rest = after;
        let id = read_u32(pair, 0).unwrap_or_default();
        let value = pair.get(4..).unwrap_or_default();
        facts.block_ids.push(id);
        match known_ids().iter().find(|(k, _, _)| *k == id) {
            Some((_, Kind::Scheme, name)) => {
                if facts.block_ids.iter().filter(|i| **i == id).count() > 1 {
                    facts
                        .warnings
                        .push(format!("APK Signing Block: duplicate {name} block"));
                }
                read_scheme(name, value, &mut facts);
            }
            Some((_, Kind::Known, _)) => {}
            None => facts
                .warnings
                .push(format!("APK Signing Block: unknown block id {id:#010x}")),
        }
    }
    facts
}

/// Finds the block before `cd_offset`; returns the bytes of its id-value
/// pairs, `None` when there is no magic.
fn locate(file: &[u8], cd_offset: u64) -> Result<Option<&[u8]>, String> {
    let Ok(cd) = usize::try_from(cd_offset) else {
        return Ok(None);
    };
    if cd > file.len() || cd < 32 {
        return Ok(None);
    }
    if file.get(cd - 16..cd) != Some(&BLOCK_MAGIC[..]) {
        return Ok(None);
    }
    let footer_size = read_u64(file, cd - 24).ok_or("footer truncated")?;
    // The size counts everything after the leading size field.
    let size = usize::try_from(footer_size)
        .ok()
        .filter(|s| *s >= 24 && *s <= cd - 8)
        .ok_or_else(|| format!("size {footer_size} out of bounds"))?;
    let start = cd - 8 - size;
    let header_size = read_u64(file, start).ok_or("header truncated")?;
    if header_size != footer_size {
        return Err(format!(
            "size fields disagree (header {header_size}, footer {footer_size})"
        ));
    }
    Ok(file.get(start + 8..cd - 24))
}

/// Reads the signers of one scheme block (v2, v3 or v3.1).
fn read_scheme(scheme: &str, value: &[u8], facts: &mut SigningFacts) {
    let has_sdk = scheme != "v2";
    let Some((signers, _)) = prefixed(value) else {
        facts
            .warnings
            .push(format!("{scheme} block: signer list truncated"));
        return;
    };
    let mut rest = signers;
    let mut n = 0usize;
    while !rest.is_empty() {
        n += 1;
        let Some((signer, after)) = prefixed(rest) else {
            facts
                .warnings
                .push(format!("{scheme} block: signer {n} truncated"));
            return;
        };
        rest = after;
        if let Err(e) = read_signer(scheme, n, signer, has_sdk, facts) {
            facts
                .warnings
                .push(format!("{scheme} block: signer {n} {e}"));
        }
    }
    if n == 0 {
        facts.warnings.push(format!("{scheme} block: no signers"));
    }
}

/// Reads the certificates of one signer: signed data → digests, certificates.
fn read_signer(
    scheme: &str,
    n: usize,
    signer: &[u8],
    has_sdk: bool,
    facts: &mut SigningFacts,
) -> Result<(), String> {
    let (signed_data, after) = prefixed(signer).ok_or("signed data truncated")?;
    if has_sdk && after.len() < 8 {
        return Err("SDK range truncated".into());
    }
    let (_digests, rest) = prefixed(signed_data).ok_or("digests truncated")?;
    let (certs, after_certs) = prefixed(rest).ok_or("certificates truncated")?;
    if has_sdk {
        read_lineage(scheme, n, after_certs, facts);
    }
    let mut rest = certs;
    let mut i = 0usize;
    while !rest.is_empty() {
        i += 1;
        let (der, after) = prefixed(rest).ok_or(format!("certificate {i} truncated"))?;
        rest = after;
        if facts.certificates.len() >= MAX_CERTS {
            return Err(format!("more than {MAX_CERTS} certificates, rest ignored"));
        }
        let (mut cert, warning) = cert_info(scheme, der);
        cert.signer = i == 1;
        if let Some(w) = warning {
            facts
                .warnings
                .push(format!("{scheme} block: signer {n} certificate {i}: {w}"));
        }
        facts.push_unique(cert);
    }
    if i == 0 {
        return Err("has no certificates".into());
    }
    Ok(())
}

/// v3 "proof of rotation" attribute: the signing-certificate lineage.
const PROOF_OF_ROTATION: u32 = 0x3ba0_6f8c;

/// Reads the certificates of a v3/v3.1 signer's lineage (key rotation
/// history), from the additional attributes that follow min/max SDK in the
/// signed data. Each is reported with scheme `<scheme>-lineage`.
fn read_lineage(scheme: &str, n: usize, after_certs: &[u8], facts: &mut SigningFacts) {
    // min SDK (u32), max SDK (u32), then the additional attributes.
    let Some((attributes, _)) = after_certs.get(8..).and_then(prefixed) else {
        return;
    };
    let mut rest = attributes;
    while let Some((attribute, after)) = prefixed(rest) {
        rest = after;
        if read_u32(attribute, 0) != Some(PROOF_OF_ROTATION) {
            continue;
        }
        // u32 id, u32 version, then the length-prefixed nodes up to the end.
        let mut nodes = attribute.get(8..).unwrap_or_default();
        let mut level = 0usize;
        while let Some((node, after)) = prefixed(nodes) {
            nodes = after;
            level += 1;
            // Node: signed data = (length-prefixed certificate, u32 algorithm), then flags…
            let der = prefixed(node)
                .and_then(|(signed, _)| prefixed(signed))
                .map(|(der, _)| der);
            let Some(der) = der else {
                facts.warnings.push(format!(
                    "{scheme} block: signer {n} lineage node {level} truncated"
                ));
                return;
            };
            if facts.certificates.len() >= MAX_CERTS {
                return;
            }
            let (mut cert, warning) = cert_info(&format!("{scheme}-lineage"), der);
            cert.signer = true;
            if let Some(w) = warning {
                facts.warnings.push(format!(
                    "{scheme} block: signer {n} lineage node {level}: {w}"
                ));
            }
            facts.push_unique(cert);
        }
    }
}

/// Splits a u32-length-prefixed slice off the front of `data`.
fn prefixed(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = usize::try_from(read_u32(data, 0)?).ok()?;
    let body = data.get(4..)?;
    if len > body.len() {
        return None;
    }
    Some(body.split_at(len))
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

fn read_u64(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_le_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    /// A fake file: 10 junk bytes, a block with the given pairs, "CD".
    fn file_with(pairs: &[(u32, Vec<u8>)]) -> (Vec<u8>, u64) {
        let mut body = Vec::new();
        for (id, value) in pairs {
            body.extend_from_slice(&((value.len() + 4) as u64).to_le_bytes());
            body.extend_from_slice(&id.to_le_bytes());
            body.extend_from_slice(value);
        }
        let size = (body.len() + 24) as u64;
        let mut f = vec![0u8; 10];
        f.extend_from_slice(&size.to_le_bytes());
        f.extend_from_slice(&body);
        f.extend_from_slice(&size.to_le_bytes());
        f.extend_from_slice(BLOCK_MAGIC);
        let cd = f.len() as u64;
        f.extend_from_slice(b"PK\x01\x02");
        (f, cd)
    }

    fn v2_value(certs: &[&[u8]]) -> Vec<u8> {
        let mut cert_seq = Vec::new();
        for c in certs {
            cert_seq.extend(lp(c));
        }
        let mut signed = lp(&[]); // digests
        signed.extend(lp(&cert_seq));
        signed.extend(lp(&[])); // additional attributes
        let mut signer = lp(&signed);
        signer.extend(lp(&[])); // signatures
        signer.extend(lp(&[])); // public key
        lp(&lp(&signer))
    }

    #[test]
    fn no_block_no_warning() {
        let f = b"PK\x03\x04 just some bytes and no magic at all here....";
        let facts = signing_block_certificates(f, 20);
        assert!(facts.certificates.is_empty() && facts.warnings.is_empty());
        assert!(signing_block_certificates(f, u64::MAX).warnings.is_empty());
    }

    #[test]
    fn unparsable_cert_still_reported() {
        let (f, cd) = file_with(&[
            (0x7109871a, v2_value(&[b"not a cert"])),
            (0x42726577, vec![0; 8]),
        ]);
        let facts = signing_block_certificates(&f, cd);
        assert_eq!(facts.block_ids, vec![0x7109871a, 0x42726577]);
        assert_eq!(facts.certificates.len(), 1);
        assert_eq!(facts.certificates[0].scheme, "v2");
        assert_eq!(
            facts.certificates[0].sha256,
            crate::util::sha256_hex(b"not a cert")
        );
        assert_eq!(facts.warnings.len(), 1, "{:?}", facts.warnings);
        assert!(facts.warnings[0].contains("unparsable"));
    }

    #[test]
    fn hostile_sizes() {
        let (mut f, cd) = file_with(&[(0x7109871a, v2_value(&[b"x"]))]);
        // Footer size disagrees with header size.
        let at = cd as usize - 24;
        f[at] ^= 1;
        let facts = signing_block_certificates(&f, cd);
        assert!(facts.certificates.is_empty());
        assert!(
            facts.warnings[0].contains("out of bounds") || facts.warnings[0].contains("disagree")
        );
        // Huge footer size.
        f[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(signing_block_certificates(&f, cd).warnings[0].contains("out of bounds"));
        // Every truncation of a valid scheme value must be handled.
        let value = v2_value(&[b"abc", b"def"]);
        for cut in 0..value.len() {
            let (f, cd) = file_with(&[(0xf05368c0, value[..cut].to_vec())]);
            let facts = signing_block_certificates(&f, cd);
            assert!(!facts.warnings.is_empty(), "cut {cut}");
        }
    }

    #[test]
    fn unknown_id_is_warned() {
        let (f, cd) = file_with(&[(0x12345678, vec![1, 2, 3])]);
        let facts = signing_block_certificates(&f, cd);
        assert_eq!(
            facts.warnings,
            vec!["APK Signing Block: unknown block id 0x12345678"]
        );
    }
}
