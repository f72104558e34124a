//! Peak memory of `inspect` stays bounded by the largest entry, not the
//! package (issue 15): the input is read by range from the file, each
//! entry's hits are folded as the entry pass completes it, and the findings
//! are capped. A package of text entries full of distinct URLs
//! and key-like values (the shape that made reports and memory grow with
//! the package) is written to a temporary folder, inspected by a child
//! process, and the child's peak resident set (`ru_maxrss`, the kernel's
//! VmHWM, file-backed pages of the binary included) is checked against
//! 64 MiB + 2 × the largest entry. Release builds only: a debug build
//! allocates differently and is too slow.

mod common;
use std::path::PathBuf;
use std::process::Command;

/// Uncompressed size of each text entry, and how many there are.
const ENTRY: usize = 3 << 20;
const ENTRIES: usize = 16;

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("telltale-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Deterministic text: URLs on many hosts, key-like assignments, filler.
fn text(seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(ENTRY + 128);
    while out.len() < ENTRY {
        let r = next();
        let line = match r % 4 {
            0 => format!(
                "https://api{}.example-{}.com/v1/{:x} ",
                r % 50,
                (r >> 8) % 3000,
                r >> 32
            ),
            1 => format!("cdn-{}.tracker{}.net ", r % 100, (r >> 8) % 500),
            2 => format!("api_key = \"{:016x}{:016x}\" ", r, next()),
            _ => format!("lorem{} ipsum dolor sit amet ", r % 1000),
        };
        out.extend_from_slice(line.as_bytes());
    }
    out.truncate(ENTRY);
    out
}

/// Writes a ZIP of deflated entries to `path`, one entry at a time.
fn write_zip(path: &std::path::Path, entries: impl Iterator<Item = (String, Vec<u8>)>) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut zip = common::zip::ZipWriter::new(file, flate2::Compression::fast());
    for (name, data) in entries {
        zip.add(&name, &data, None);
    }
    zip.finish();
}

/// Peak resident set of the children waited for so far, in bytes.
fn children_max_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes the struct it is given.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    (usage.ru_maxrss as u64) * 1024
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "release builds only (cargo test --release)"
)]
fn peak_memory_is_bounded_by_the_largest_entry_not_the_package() {
    let dir = scratch();
    let apk = dir.join("big.apk");
    write_zip(
        &apk,
        (0..ENTRIES).map(|i| (format!("assets/t-{i}.txt"), text(i as u64 * 7919 + 1))),
    );
    let size = std::fs::metadata(&apk).unwrap().len();
    for threads in ["1", "2"] {
        let before = children_max_rss();
        let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
            .args(["inspect", "--format", "json", apk.to_str().unwrap()])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // The findings were capped, and counted in full.
        let endpoints = report["endpoints"].as_array().unwrap().len();
        let total = report["endpoints_total"].as_u64().unwrap();
        assert_eq!(endpoints, 1000, "{}", report["warnings"]);
        assert!(total > 10_000, "{total} hosts");
        assert!(report["secrets_total"].as_u64().unwrap() > 10_000);
        let peak = children_max_rss();
        // The target: 64 MiB + 2 x the largest entry (70 MiB here).
        let bound = (64u64 << 20) + 2 * ENTRY as u64;
        eprintln!(
            "{threads} thread(s): package {} MiB, {} MiB inflated, peak RSS {} MiB (bound {} MiB)",
            size >> 20,
            (ENTRY * ENTRIES) >> 20,
            peak >> 20,
            bound >> 20
        );
        // ru_maxrss is the largest child so far: a rise over the previous
        // run is this run's peak; no rise means this run peaked lower.
        assert!(
            peak <= bound || peak == before,
            "peak RSS {} MiB over the bound of {} MiB with {threads} thread(s)",
            peak >> 20,
            bound >> 20
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
