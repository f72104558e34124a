//! Build script: records the source commit the binary is built from, for the
//! report's provenance (`unknown` outside a git checkout or without git), and
//! sets `cfg(telltale_no_corpus)` when `../shared/corpus` is absent, so the
//! tests that need it show as ignored ("needs ../shared/corpus") instead of
//! passing without checking anything.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    let commit = std::env::var("TELLTALE_SOURCE_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=TELLTALE_SOURCE_COMMIT={commit}");
    println!("cargo:rerun-if-env-changed=TELLTALE_SOURCE_COMMIT");
    // Rebuild when HEAD moves (also in a git worktree, whose HEAD lives apart
    // from the shared refs).
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
    }
    if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
        for name in ["refs/heads", "packed-refs"] {
            let path = format!("{common}/{name}");
            if std::path::Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    corpus_cfg();
}

/// `cfg(telltale_no_corpus)` when the shared corpus is not beside the project
/// (or `TELLTALE_NO_CORPUS` is set, to see the suite as a fresh clone would).
/// Cargo reruns this only when HEAD, this file or the corpus manifest change:
/// after adding the corpus to a built tree, `touch build.rs`. (A missing
/// path in `rerun-if-changed` would rerun it, and rebuild the crate, on every
/// build.)
fn corpus_cfg() {
    println!("cargo::rustc-check-cfg=cfg(telltale_no_corpus)");
    println!("cargo:rerun-if-env-changed=TELLTALE_NO_CORPUS");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let corpus = std::path::Path::new(&manifest).join("../shared/corpus");
    let forced = std::env::var_os("TELLTALE_NO_CORPUS").is_some_and(|v| !v.is_empty());
    if corpus.is_dir() && !forced {
        let listing = corpus.join("MANIFEST.tsv");
        if listing.is_file() {
            println!("cargo:rerun-if-changed={}", listing.display());
        }
    } else {
        println!("cargo:rustc-cfg=telltale_no_corpus");
    }
}
