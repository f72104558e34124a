//! Tests on real APKs of the shared corpus (skipped when it is absent).

use super::*;
use crate::container::zip::{Archive, Limits};

fn corpus(rel: &str) -> Option<Vec<u8>> {
    let path = format!("{}/../shared/corpus/{rel}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipping: {path} not available");
            None
        }
    }
}

/// (cd_offset, [(name, bytes)] of the v1 signature block files).
fn v1_blocks(apk: &[u8]) -> (u64, Vec<(String, Vec<u8>)>) {
    let archive = Archive::parse(apk).expect("zip");
    let blocks = archive
        .entries()
        .iter()
        .filter(|e| is_v1_signature_block(&e.name))
        .map(|e| {
            let bytes = archive.read(e, &Limits::default()).expect("entry");
            (e.name.clone(), bytes)
        })
        .collect();
    (archive.cd_offset(), blocks)
}

#[test]
fn signature_block_names() {
    assert!(is_v1_signature_block("META-INF/CERT.RSA"));
    assert!(is_v1_signature_block("META-INF/ANDROIDD.DSA"));
    assert!(is_v1_signature_block("META-INF/x.ec"));
    assert!(!is_v1_signature_block("META-INF/.RSA"));
    assert!(!is_v1_signature_block("META-INF/sub/CERT.RSA"));
    assert!(!is_v1_signature_block("CERT.RSA"));
    assert!(!is_v1_signature_block("META-INF/CERT.SF"));
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn v1_and_v2_two_signers() {
    let Some(apk) = corpus("signing/apksig-two-signers.apk") else {
        return;
    };
    let (cd, blocks) = v1_blocks(&apk);
    let v1: Vec<CertInfo> = blocks
        .iter()
        .flat_map(|(_, b)| v1_certificates(b).unwrap())
        .collect();
    let mut sha: Vec<&str> = v1.iter().map(|c| c.sha256.as_str()).collect();
    sha.sort();
    // apksigner verify --print-certs
    assert_eq!(
        sha,
        [
            "6a8b96e278e58f62cfe3584022cec1d0527fcb85a9e5d2e1694eb0405be5b599",
            "fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8"
        ]
    );
    let facts = signing_block_certificates(&apk, cd);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    let v2: Vec<(&str, &str, &str)> = facts
        .certificates
        .iter()
        .map(|c| (c.scheme.as_str(), c.subject.as_str(), &c.sha256[..8]))
        .collect();
    assert_eq!(
        v2,
        [
            ("v2", "CN=rsa-2048", "fb5dbd3c"),
            ("v2", "CN=ec-p256", "6a8b96e2")
        ]
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn v3_and_v1_dsa_ec() {
    if let Some(apk) = corpus("signing/apksig-golden-aligned-v1v2v3-out.apk") {
        let (cd, _) = v1_blocks(&apk);
        let facts = signing_block_certificates(&apk, cd);
        let schemes: Vec<&str> = facts
            .certificates
            .iter()
            .map(|c| c.scheme.as_str())
            .collect();
        assert!(
            schemes.contains(&"v2") && schemes.contains(&"v3"),
            "{schemes:?}"
        );
    }
    for (rel, want) in [
        (
            "signing/apksig-v1-only-with-dsa-sha256-2.16.840.1.101.3.4.3.2-2048.apk",
            "CN=dsa-2048",
        ),
        (
            "signing/apksig-v1-only-with-ecdsa-sha256-1.2.840.10045.4.3.2-p256.apk",
            "CN=ec-p256",
        ),
    ] {
        let Some(apk) = corpus(rel) else { return };
        let (cd, blocks) = v1_blocks(&apk);
        assert_eq!(blocks.len(), 1, "{rel}");
        let certs = v1_certificates(&blocks[0].1).unwrap();
        assert_eq!(certs.len(), 1, "{rel}");
        assert_eq!(certs[0].subject, want);
        assert_eq!(certs[0].scheme, "v1");
        assert!(signing_block_certificates(&apk, cd).certificates.is_empty());
    }
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn subject_with_country() {
    let Some(apk) = corpus("apk/com.politedroid_4.apk") else {
        return;
    };
    let (_, blocks) = v1_blocks(&apk);
    let certs = v1_certificates(&blocks[0].1).unwrap();
    let c = &certs[0];
    assert!(c.subject.starts_with("CN="), "{}", c.subject);
    // C= printed last, and extracted as the country.
    if let Some(country) = &c.country {
        assert!(
            c.subject.ends_with(&format!("C={country}")),
            "{}",
            c.subject
        );
    }
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn v1_hostile_truncations() {
    let Some(apk) = corpus("signing/apksig-two-signers.apk") else {
        return;
    };
    let (_, blocks) = v1_blocks(&apk);
    let cms = &blocks[0].1;
    for cut in 0..cms.len() {
        let _ = v1_certificates(&cms[..cut]);
        let _ = v1_facts(&cms[..cut], "t");
    }
    let mut flipped = cms.clone();
    for i in 0..flipped.len().min(400) {
        flipped[i] ^= 0xff;
        let _ = v1_certificates(&flipped);
        flipped[i] ^= 0xff;
    }
    assert!(v1_certificates(b"").is_err());
    assert!(!v1_facts(b"\x30\x03\x02\x01\x00", "x").warnings.is_empty());
}

#[test]
fn partial_v1_signatures_left_out() {
    let names = [
        "META-INF/MANIFEST.MF",
        "META-INF/A.SF",
        "META-INF/A.RSA",
        "META-INF/CERT.RSA",
        "classes.dex",
    ];
    let (files, warnings) = v1_signature_files(names);
    assert_eq!(files, ["META-INF/A.RSA"]);
    assert_eq!(
        warnings,
        ["partial JAR signature: META-INF/CERT.RSA without META-INF/CERT.SF"]
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn chain_certificates_are_not_signers() {
    let Some(apk) = corpus("signing/CertChain.apk") else {
        return;
    };
    let (cd, blocks) = v1_blocks(&apk);
    let mut certs: Vec<CertInfo> = blocks
        .iter()
        .flat_map(|(_, b)| v1_certificates(b).unwrap())
        .collect();
    certs.extend(signing_block_certificates(&apk, cd).certificates);
    assert!(certs.len() >= 3, "{certs:#?}");
    // Per scheme: exactly one signer certificate, the rest are its chain.
    for scheme in ["v1", "v2", "v3"] {
        let of: Vec<&CertInfo> = certs.iter().filter(|c| c.scheme == scheme).collect();
        if !of.is_empty() {
            assert_eq!(
                of.iter().filter(|c| c.signer).count(),
                1,
                "{scheme} {of:#?}"
            );
        }
    }
    assert!(certs.iter().any(|c| !c.signer), "{certs:#?}");
}
