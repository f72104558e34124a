//! Helpers shared by the integration tests: the samples, the shared corpus
//! (skipped with a message when `../shared/corpus` is absent) and one call
//! that inspects a path with the default options.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use telltale::{Options, Report, inspect_path};

pub mod html;
pub mod postgres;
pub mod zip;

/// Inspects `path` with the default options; panics with the path on error.
pub fn inspect(path: &Path) -> Report {
    inspect_path(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Inspects `samples/<rel>`.
pub fn sample(rel: &str) -> Report {
    inspect(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(rel),
    )
}

/// `../shared/corpus/<rel>` when present; `None` (with a note) otherwise.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")).join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

/// Runs the `telltale` binary from the project folder: exit code, stdout,
/// stderr.
pub fn telltale(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run telltale");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether `tool` is on `PATH` (or an executable path) here.
pub fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}
