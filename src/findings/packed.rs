//! Signs of packed or encrypted code: DEX files carried as data that do not
//! parse, and high-entropy data files next to a known packer's loader stub.

use crate::android::entries::{EntryKind, EntryOutcome};
use crate::native::packers;
use crate::report::model::PackedCode;

/// Entropy (bits per byte) above which a large data file counts as
/// encrypted or compressed.
pub const HIGH_ENTROPY: f64 = 7.9;

/// One loader stub: where it was seen and whose packer it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stub {
    pub path: String,
    pub packer: String,
}

/// Known packer stubs (`table`, from `packer-stubs.tsv`) among the native
/// libraries and DEX classes.
pub fn stubs(outcomes: &[EntryOutcome], table: &[packers::Stub]) -> Vec<Stub> {
    let table: Vec<(&str, &str, &str)> = table
        .iter()
        .map(|s| (s.kind.as_str(), s.pattern.as_str(), s.packer.as_str()))
        .collect();
    let mut found = Vec::new();
    for out in outcomes {
        match &out.kind {
            Some(EntryKind::NativeLib { .. }) => {
                let file = out.path.rsplit('/').next().unwrap_or(&out.path);
                for (kind, pattern, packer) in &table {
                    if *kind == "lib" && file.starts_with(pattern) {
                        found.push(Stub {
                            path: out.path.clone(),
                            packer: (*packer).to_string(),
                        });
                    }
                }
            }
            Some(EntryKind::Dex) => {
                let Some(dex) = &out.dex else { continue };
                for (kind, pattern, packer) in &table {
                    if *kind == "class" && dex.classes.iter().any(|c| c == pattern) {
                        found.push(Stub {
                            path: format!("{}:{pattern}", out.path),
                            packer: (*packer).to_string(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Entries that look like packed or encrypted code (`stub_table`: the
/// knowledge base's packer stubs).
pub fn detect(outcomes: &[EntryOutcome], stub_table: &[packers::Stub]) -> Vec<PackedCode> {
    let mut packed: Vec<PackedCode> = outcomes
        .iter()
        .filter_map(|o| {
            Some(PackedCode {
                path: o.path.clone(),
                reason: o.packed.clone()?,
            })
        })
        .collect();
    let stubs = stubs(outcomes, stub_table);
    if let Some(stub) = stubs.first() {
        for o in outcomes {
            if let Some(e) = o.entropy.filter(|e| *e > HIGH_ENTROPY) {
                packed.push(PackedCode {
                    path: o.path.clone(),
                    reason: format!(
                        "high-entropy data ({e:.2} bits/byte) next to the {} loader stub {}",
                        stub.packer, stub.path
                    ),
                });
            }
        }
    }
    packed.sort();
    packed.dedup();
    packed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::android::entries::entropy;

    fn outcome(path: &str, kind: EntryKind) -> EntryOutcome {
        EntryOutcome {
            path: path.into(),
            kind: Some(kind),
            ..EntryOutcome::default()
        }
    }

    fn built_in() -> Vec<packers::Stub> {
        packers::parse_stubs(include_str!("../../data/packer-stubs.tsv")).unwrap()
    }

    #[test]
    fn high_entropy_asset_counts_only_next_to_a_stub() {
        // A xorshift stream is close to 8 bits/byte.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: Vec<u8> = (0..70_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let mut asset = outcome("assets/blob.bin", EntryKind::Raw);
        asset.entropy = Some(entropy(&noise));
        assert!(asset.entropy.unwrap() > HIGH_ENTROPY);
        let alone = vec![asset];
        assert!(detect(&alone, &built_in()).is_empty());
        let mut with_stub = alone;
        with_stub.push(outcome(
            "lib/arm64-v8a/libjiagu_a64.so",
            EntryKind::NativeLib {
                abi: "arm64-v8a".into(),
            },
        ));
        let found = detect(&with_stub, &built_in());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "assets/blob.bin");
        assert!(
            found[0].reason.contains("Qihoo 360 Jiagu"),
            "{}",
            found[0].reason
        );
    }

    #[test]
    fn unparsable_dex_is_reported() {
        let mut o = outcome("assets/payload.dex", EntryKind::Dex);
        o.packed = Some("DEX file that does not parse (DEX: truncated)".into());
        assert_eq!(detect(&[o], &built_in())[0].path, "assets/payload.dex");
        assert!(entropy(&[7u8; 100]) < 0.001);
    }
}
