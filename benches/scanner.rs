//! Scanner throughput against a plain memchr pass over the same bytes.
//!
//! Input: about 8 MiB of real files from `../shared/corpus` (DEX, resource
//! tables, native libraries, Mach-O) when that folder exists, else generated
//! text with URLs, hosts, package names and binary filler.
//! Run: `cargo bench --bench scanner -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TARGET: usize = 8 << 20;

fn corpus_bytes() -> Option<Vec<u8>> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    let mut out = Vec::with_capacity(TARGET);
    for dir in ["dex", "arsc", "native", "macho", "axml", "plist"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if out.len() >= TARGET {
                break;
            }
            if let Ok(bytes) = std::fs::read(&path) {
                let room = TARGET - out.len();
                out.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
        }
    }
    (out.len() >= TARGET / 2).then_some(out)
}

fn generated_bytes() -> Vec<u8> {
    let pieces: [&[u8]; 6] = [
        b"https://api.mixpanel.com/track?data=",
        b"\x00com.google.android.gms.ads.identifier\x00",
        b"\x01\x02\x03\xff\xfe",
        b"log.umeng.com",
        b"{\"version\":\"1.2.3.4\",\"file\":\"index.html\"}",
        b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ",
    ];
    let mut out = Vec::with_capacity(TARGET);
    let mut i = 0usize;
    while out.len() < TARGET {
        out.extend_from_slice(pieces[i % pieces.len()]);
        i = i.wrapping_mul(31).wrapping_add(7);
    }
    out
}

fn bench(c: &mut Criterion) {
    let (source, bytes) = match corpus_bytes() {
        Some(b) => ("corpus", b),
        None => ("generated", generated_bytes()),
    };
    let rules = &telltale::Knowledge::embedded()
        .expect("built-in knowledge")
        .scan;
    let mut group = c.benchmark_group(format!("scan_{source}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("memchr_dots", |b| {
        b.iter(|| memchr::memchr_iter(b'.', black_box(&bytes)).count())
    });
    group.bench_function("memchr_positions", |b| {
        b.iter(|| memchr::memchr2_iter(b'.', b':', black_box(&bytes)).fold(0usize, |a, p| a ^ p))
    });
    group.bench_function("endpoints_only", |b| {
        b.iter(|| {
            telltale::scan::endpoints::scan_endpoints(rules.noise(), black_box(&bytes), 0).len()
        })
    });
    group.bench_function("secrets_only", |b| {
        b.iter(|| {
            telltale::scan::secrets::scan_secrets(rules.secrets(), black_box(&bytes), 0).len()
        })
    });
    group.bench_function("utf16_runs_only", |b| {
        let mut buf = Vec::new();
        b.iter(|| {
            let mut n = 0usize;
            telltale::scan::strings::for_each_utf16_run(black_box(&bytes), &mut buf, |_, t| {
                n += t.len()
            });
            n
        })
    });
    group.bench_function("scan_bytes", |b| {
        b.iter(|| {
            let scan = telltale::scan::scan_bytes(rules, black_box(&bytes), 0);
            scan.endpoints.len() + scan.secrets.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
