//! Hostile input is normal input: mutated and truncated copies of every kind
//! of package telltale opens (APK, split sets, nested APK, IPA, Mach-O)
//! go through the whole pipeline without a panic, and stored (uncompressed)
//! entries make sure the mutations reach the inner parsers, not only the ZIP
//! layer.

use telltale::Options;
use telltale::pipeline::inspect_bytes;

const ROUNDS: usize = 1000;

const SAMPLES: [&str; 8] = [
    "samples/basic.apk",
    "samples/sdk-planted.apk",
    "samples/nested.apk",
    "samples/splits.apks",
    "samples/splits.xapk",
    "samples/ios/tracking-app.ipa",
    "samples/ios/locked.ipa",
    "samples/ios/fat-encrypted.macho",
];

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn mutated_packages_never_panic() {
    let options = Options {
        max_entry_size: 8 << 20,
        max_total_size: 64 << 20,
        ..Options::default()
    };
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut inspected = 0;
    for sample in SAMPLES {
        let path = format!("{}/{sample}", env!("CARGO_MANIFEST_DIR"));
        let original = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for round in 0..ROUNDS {
            let mut data = original.clone();
            let flips = 1 + (rng.next() % 16) as usize;
            for _ in 0..flips {
                let at = (rng.next() as usize) % data.len();
                data[at] = rng.next() as u8;
            }
            if round % 7 == 0 {
                let keep = (rng.next() as usize) % data.len();
                data.truncate(keep);
            }
            // Errors are fine (the input may no longer be a package); panics are not.
            if inspect_bytes(sample, &data, &options).is_ok() {
                inspected += 1;
            }
        }
    }
    eprintln!(
        "hostile: {inspected} of {} mutants still produced a report",
        SAMPLES.len() * ROUNDS
    );
    assert!(
        inspected > SAMPLES.len() * ROUNDS / 4,
        "mutations broke almost every input: {inspected}"
    );
}
