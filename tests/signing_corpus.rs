//! Signing certificates of every corpus APK against apksigner's
//! (tests/golden/apksigner-certs.tsv, written by scripts/signing-golden).
//! Skips when /work/shared is absent.

use std::collections::BTreeSet;

use telltale::android::signing::{
    CertInfo, SigningFacts, is_v1_signature_block, signing_block_certificates, v1_facts,
    v1_signature_files,
};
use telltale::container::zip::{Archive, Limits};

const GOLDEN: &str = include_str!("golden/apksigner-certs.tsv");

/// APKs where the openssl column is known not to be a fair oracle for the
/// v1 certificates, and why.
const OPENSSL_V1_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "malformed/apksig-v1-only-with-rsa-1024-cert-not-der.apk",
        "openssl re-encodes the BER certificate to DER before printing; apksigner \
         hashes the stored bytes, as we do (and agrees with us)",
    ),
    (
        "malformed/apksig-mismatched-compression-method.apk",
        "unzip cannot extract the entry",
    ),
    (
        "malformed/apksig-weird-compression-method.apk",
        "unzip cannot extract the entry",
    ),
    (
        "malformed/apksig-v1v2v3-with-rsa-2048-lineage-3-signers-invalid-zip.apk",
        "unzip cannot read the archive",
    ),
];

/// The central directory offset, all entry names, and the bytes of the v1
/// signature block files, read with the container's ZIP reader.
type Scan = (u64, Vec<String>, Vec<(String, Vec<u8>)>);

fn zip_scan(apk: &[u8]) -> Option<Scan> {
    let archive = Archive::parse(apk).ok()?;
    let limits = Limits {
        max_entry_size: 1 << 20,
    };
    let names: Vec<String> = archive.entries().iter().map(|e| e.name.clone()).collect();
    let blocks = archive
        .entries()
        .iter()
        .filter(|e| is_v1_signature_block(&e.name))
        .filter_map(|e| Some((e.name.clone(), archive.read(e, &limits).ok()?)))
        .collect();
    Some((archive.cd_offset(), names, blocks))
}

/// All signing facts of one APK (v1 files that have a .SF, plus the
/// signing block), and the digests of every certificate in every v1
/// signature block file, paired or not.
fn facts_of(apk: &[u8]) -> (SigningFacts, BTreeSet<String>) {
    let mut all = SigningFacts::default();
    let Some((cd, names, v1)) = zip_scan(apk) else {
        return (all, BTreeSet::new());
    };
    let v1_all = v1
        .iter()
        .flat_map(|(n, b)| v1_facts(b, n).certificates)
        .map(|c| c.sha256)
        .collect();
    let (paired, warnings) = v1_signature_files(names.iter().map(String::as_str));
    all.warnings.extend(warnings);
    for (name, bytes) in v1.iter().filter(|(n, _)| paired.contains(&n.as_str())) {
        let f = v1_facts(bytes, name);
        all.certificates.extend(f.certificates);
        all.warnings.extend(f.warnings);
    }
    let block = signing_block_certificates(apk, cd);
    all.certificates.extend(block.certificates);
    all.warnings.extend(block.warnings);
    (all, v1_all)
}

/// The signer certificates apksigner 0.9 would print: those of the highest
/// scheme it knows (v3, else v2, else v1).
fn apksigner_view(certs: &[CertInfo]) -> BTreeSet<String> {
    for scheme in ["v3", "v2", "v1"] {
        let set: BTreeSet<String> = certs
            .iter()
            .filter(|c| c.scheme == scheme && c.signer)
            .map(|c| c.sha256.clone())
            .collect();
        if !set.is_empty() {
            return set;
        }
    }
    BTreeSet::new()
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn agrees_with_apksigner() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
    if !std::path::Path::new(corpus).is_dir() {
        eprintln!("skipping: {corpus} not available");
        return;
    }
    let (mut same, mut contained, mut differ, mut no_oracle, mut no_oracle_found) = (0, 0, 0, 0, 0);
    let (mut v1_same, mut v1_excused) = (0, 0);
    let mut report = Vec::new();
    let mut mismatches = Vec::new();
    for line in GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("path\t"))
    {
        let mut cols = line.split('\t');
        let (Some(rel), Some(want), Some(status), Some(openssl)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            panic!("bad golden line {line:?}");
        };
        let Ok(apk) = std::fs::read(format!("{corpus}/{rel}")) else {
            eprintln!("missing {rel}");
            continue;
        };
        let (facts, v1_all) = facts_of(&apk);
        if !facts.warnings.is_empty() {
            report.push(format!("warnings {rel}: {:?}", facts.warnings));
        }
        let openssl: BTreeSet<String> = openssl
            .split(',')
            .filter(|s| *s != "-")
            .map(str::to_string)
            .collect();
        if openssl == v1_all {
            v1_same += 1;
        } else if let Some((_, why)) = OPENSSL_V1_EXCEPTIONS.iter().find(|(p, _)| *p == rel) {
            v1_excused += 1;
            report.push(format!("v1 differs from openssl (expected: {why}): {rel}"));
        } else {
            mismatches.push(format!(
                "{rel}: v1 certificates: openssl {openssl:?}, ours {v1_all:?}"
            ));
        }
        let ours = apksigner_view(&facts.certificates);
        let all: BTreeSet<String> = facts
            .certificates
            .iter()
            .map(|c| c.sha256.clone())
            .collect();
        if want == "-" {
            no_oracle += 1;
            if !all.is_empty() {
                no_oracle_found += 1;
            }
            report.push(format!(
                "no oracle ({status}): {rel}: we found {} cert(s), warnings {:?}",
                all.len(),
                facts.warnings
            ));
            continue;
        }
        let want: BTreeSet<String> = want.split(',').map(str::to_string).collect();
        if ours == want {
            same += 1;
        } else {
            if want.is_subset(&all) {
                contained += 1;
            } else {
                differ += 1;
            }
            mismatches.push(format!(
                "{rel}: apksigner {want:?}, ours {ours:?}, all {all:?}, warnings {:?}",
                facts.warnings
            ));
        }
    }
    for r in &report {
        eprintln!("{r}");
    }
    for m in &mismatches {
        eprintln!("MISMATCH {m}");
    }
    eprintln!(
        "apksigner agreement: {same} same, {contained} contained only, {differ} differ; \
         {no_oracle} without oracle ({no_oracle_found} of them with certificates found); \
         v1 certificates same as openssl for {v1_same} APKs ({v1_excused} known differences)"
    );
    assert!(same > 50 && v1_same > 100, "too few APKs compared");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
