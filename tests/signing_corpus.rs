//! Signing certificates of every corpus APK against apksigner's
//! (tests/golden/apksigner-certs.tsv, written by scripts/signing-golden).
//! Skips when /work/shared is absent.

use std::collections::BTreeSet;
use std::io::Read;

use telltale::android::signing::{
    CertInfo, SigningFacts, is_v1_signature_block, signing_block_certificates, v1_facts,
    v1_signature_files,
};

const GOLDEN: &str = include_str!("golden/apksigner-certs.tsv");

fn u16_at(d: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_le_bytes(
        d.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(d: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// Test-only, lenient ZIP reading (until the container's Archive lands):
/// the central directory offset, all entry names, and the bytes of the v1
/// signature block files.
type Scan = (u64, Vec<String>, Vec<(String, Vec<u8>)>);

fn zip_scan(apk: &[u8]) -> Option<Scan> {
    let eocd = (0..=apk.len().checked_sub(22)?)
        .rev()
        .find(|&i| apk.get(i..i + 4) == Some(b"PK\x05\x06"))?;
    let count = u16_at(apk, eocd + 10)?;
    let cd = u32_at(apk, eocd + 16)?;
    let mut out = Vec::new();
    let mut names = Vec::new();
    let mut p = cd;
    for _ in 0..count {
        if apk.get(p..p + 4) != Some(b"PK\x01\x02") {
            break;
        }
        let method = u16_at(apk, p + 10)?;
        let csize = u32_at(apk, p + 20)?;
        let (nlen, xlen, clen) = (
            u16_at(apk, p + 28)?,
            u16_at(apk, p + 30)?,
            u16_at(apk, p + 32)?,
        );
        let lho = u32_at(apk, p + 42)?;
        let name = String::from_utf8_lossy(apk.get(p + 46..p + 46 + nlen)?).into_owned();
        p += 46 + nlen + xlen + clen;
        names.push(name.clone());
        if !is_v1_signature_block(&name) {
            continue;
        }
        let Some(data_at) = (|| Some(lho + 30 + u16_at(apk, lho + 26)? + u16_at(apk, lho + 28)?))()
        else {
            continue;
        };
        let Some(raw) = apk.get(data_at..data_at + csize) else {
            continue;
        };
        let bytes = if method == 0 {
            raw.to_vec()
        } else {
            let mut v = Vec::new();
            if flate2::read::DeflateDecoder::new(raw)
                .take(1 << 20)
                .read_to_end(&mut v)
                .is_err()
            {
                continue;
            }
            v
        };
        out.push((name, bytes));
    }
    Some((cd as u64, names, out))
}

/// All signing facts of one APK: v1 files plus the signing block.
fn facts_of(apk: &[u8]) -> SigningFacts {
    let mut all = SigningFacts::default();
    let Some((cd, names, v1)) = zip_scan(apk) else {
        return all;
    };
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
    all
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
fn agrees_with_apksigner() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
    if !std::path::Path::new(corpus).is_dir() {
        eprintln!("skipping: {corpus} not available");
        return;
    }
    let (mut same, mut contained, mut differ, mut no_oracle, mut no_oracle_found) = (0, 0, 0, 0, 0);
    let mut report = Vec::new();
    let mut mismatches = Vec::new();
    for line in GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("path\t"))
    {
        let mut cols = line.split('\t');
        let (Some(rel), Some(want), Some(status)) = (cols.next(), cols.next(), cols.next()) else {
            panic!("bad golden line {line:?}");
        };
        let Ok(apk) = std::fs::read(format!("{corpus}/{rel}")) else {
            eprintln!("missing {rel}");
            continue;
        };
        let facts = facts_of(&apk);
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
         {no_oracle} without oracle ({no_oracle_found} of them with certificates found)"
    );
    assert!(same > 50, "too few APKs compared");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
