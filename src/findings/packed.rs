//! Signs of packed or encrypted code: DEX files carried as data that do not
//! parse, and high-entropy data files next to a known packer's loader stub
//! (`data/packers.toml`).

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

/// Known packer loader stubs (`table`: the knowledge base's packer table)
/// among the native libraries and DEX classes.
pub fn stubs(outcomes: &[EntryOutcome], table: &[packers::Entry]) -> Vec<Stub> {
    let mut found = Vec::new();
    for out in outcomes {
        match &out.kind {
            Some(EntryKind::NativeLib { .. }) => {
                let file = out.path.rsplit('/').next().unwrap_or(&out.path);
                if let Some(p) = packers::native_stub(table, file) {
                    found.push(Stub {
                        path: out.path.clone(),
                        packer: p.name.clone(),
                    });
                }
            }
            Some(EntryKind::Dex) => {
                let Some(dex) = &out.dex else { continue };
                for (p, pattern) in packers::class_stubs(table, &dex.classes) {
                    found.push(Stub {
                        path: format!("{}:{pattern}", out.path),
                        packer: p.name.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// Entries that look like packed or encrypted code (`table`: the knowledge
/// base's packer table, for the loader stubs).
pub fn detect(outcomes: &[EntryOutcome], table: &[packers::Entry]) -> Vec<PackedCode> {
    let mut packed: Vec<PackedCode> = outcomes
        .iter()
        .filter_map(|o| {
            Some(PackedCode {
                path: o.path.clone(),
                reason: o.packed.clone()?,
            })
        })
        .collect();
    let high_entropy = |o: &EntryOutcome| o.entropy.filter(|e| *e > HIGH_ENTROPY);
    // Stubs are looked for only when some data file is high-entropy.
    if outcomes.iter().any(|o| high_entropy(o).is_some())
        && let Some(stub) = stubs(outcomes, table).first()
    {
        for o in outcomes {
            if let Some(e) = high_entropy(o) {
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

    fn built_in() -> Vec<packers::Entry> {
        packers::parse_table(include_str!("../../data/packers.toml")).unwrap()
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
            found[0]
                .reason
                .contains("the Jiagu loader stub lib/arm64-v8a/libjiagu_a64.so"),
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
