//! Build script: records the source commit the binary is built from, for the
//! report's provenance (`unknown` outside a git checkout or without git), and
//! precompiles the built-in knowledge (`data/`): the signature database is
//! parsed here (a file that does not parse fails the build) and embedded as
//! postcard bytes, and the knowledge hash over every file is computed here,
//! so a run starts without parsing that TOML or hashing the data. Writes
//! `$OUT_DIR/signatures.postcard` and `$OUT_DIR/knowledge_sha256.txt`. It
//! also sets `cfg(telltale_no_corpus)` when `../shared/corpus` is absent, so
//! the tests that need it show as ignored ("needs ../shared/corpus") instead
//! of passing without checking anything. The format tables read on every
//! run (`android_attrs.tsv`, `permissions.tsv`) become sorted Rust arrays
//! in `$OUT_DIR/format_tables.rs`, and the other TOML tables become JSON
//! (`$OUT_DIR/knowledge_json.rs`), checked at run time by the same parsers
//! as a `--knowledge` folder's TOML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

#[allow(dead_code)]
#[path = "src/signatures/raw.rs"]
mod raw;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `(path relative to data/, text)` of every file under `data/` except the
/// downloaded IP tables in `data/ip/`, in path order (as the knowledge loader
/// sees them).
fn data_files(root: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                if dir == root && path.file_name().is_some_and(|n| n == "ip") {
                    continue;
                }
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), path));
            }
        }
    }
    let mut paths = Vec::new();
    walk(root, root, &mut paths);
    let mut files: Vec<(String, String)> = paths
        .into_iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (rel, text)
        })
        .collect();
    files.sort();
    files
}

fn precompile_knowledge() {
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}")));
    let data = Path::new("data");
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=src/signatures/raw.rs");
    let files = data_files(data);
    // The knowledge hash: `path NUL text NUL` over every file in path order
    // (as `signatures::hash_files`).
    let mut h = Sha256::new();
    for (path, text) in &files {
        h.update(path.as_bytes());
        h.update([0u8]);
        h.update(text.as_bytes());
        h.update([0u8]);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(out_dir.join("knowledge_sha256.txt"), hex)
        .unwrap_or_else(|e| panic!("knowledge_sha256.txt: {e}"));
    let mut sig: Vec<(&str, &str)> = files
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("signatures/")?, t.as_str())))
        .filter(|(p, _)| *p != "README.md")
        .collect();
    sig.sort_by_key(|(p, _)| (raw::signature_rank(p), p.to_string()));
    let mut parsed = raw::parse(&sig);
    if let Some(first) = parsed.errors.first() {
        panic!("data/signatures: {first}");
    }
    raw::strip_for_embedding(&mut parsed);
    let bytes = postcard::to_allocvec(&parsed).unwrap_or_else(|e| panic!("postcard: {e}"));
    std::fs::write(out_dir.join("signatures.postcard"), bytes)
        .unwrap_or_else(|e| panic!("signatures.postcard: {e}"));
    transcode_tables(&files, &out_dir);
}

/// The other TOML tables (`data/*.toml`) as JSON, which a run deserializes
/// into the same types several times faster than TOML; their checks stay
/// in each table's parser (`datafile::Doc`), which runs on either form.
/// Writes `$OUT_DIR/knowledge_json.rs`: `EMBEDDED_JSON`, `(path, JSON)` in
/// path order. A file that is not TOML fails the build.
fn transcode_tables(files: &[(String, String)], out_dir: &Path) {
    /// JSON has no datetime; no table uses one, and none may.
    fn no_datetime(path: &str, value: &toml::Value) {
        match value {
            toml::Value::Datetime(_) => panic!("data/{path}: datetimes are not supported"),
            toml::Value::Array(items) => items.iter().for_each(|v| no_datetime(path, v)),
            toml::Value::Table(t) => t.values().for_each(|v| no_datetime(path, v)),
            _ => {}
        }
    }
    let mut rows = String::new();
    for (path, text) in files {
        if path.contains('/') || !path.ends_with(".toml") {
            continue;
        }
        let table: toml::Table =
            toml::from_str(text).unwrap_or_else(|e| panic!("data/{path}: {e}"));
        let table = toml::Value::Table(table);
        no_datetime(path, &table);
        let json = serde_json::to_string(&table).unwrap_or_else(|e| panic!("{path}: {e}"));
        // Read back as a run reads it: every value, floats included, the same.
        let back: toml::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            back == table,
            "data/{path}: JSON does not read back the same"
        );
        rows.push_str(&format!("    ({path:?}, {json:?}),\n"));
    }
    let code = format!(
        "/// The built-in `data/*.toml` tables as JSON (made by build.rs).\n\
         pub const EMBEDDED_JSON: &[(&str, &str)] = &[\n{rows}];\n"
    );
    std::fs::write(out_dir.join("knowledge_json.rs"), code)
        .unwrap_or_else(|e| panic!("knowledge_json.rs: {e}"));
}

/// The format tables read on every run as sorted Rust arrays
/// (`$OUT_DIR/format_tables.rs`), so a run searches them without parsing
/// or sorting: `android_attrs.tsv` both ways (`src/android/attrs.rs`) and
/// `permissions.tsv` by name (`src/android/permissions.rs`).
fn format_tables() {
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}")));
    let read = |name: &str| {
        let path = Path::new("data").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    // android_attrs.tsv: `0xID<TAB>name`; sorted by id (one name per id, the
    // smallest), and the same pairs sorted by name.
    let attrs = read("android_attrs.tsv");
    let mut by_id: Vec<(u32, &str)> = attrs
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (id, name) = line.split_once('\t')?;
            let id = u32::from_str_radix(id.trim().trim_start_matches("0x"), 16).ok()?;
            Some((id, name.trim()))
        })
        .collect();
    by_id.sort_unstable();
    by_id.dedup_by_key(|(id, _)| *id);
    let mut by_name: Vec<(&str, u32)> = by_id.iter().map(|&(id, name)| (name, id)).collect();
    by_name.sort_unstable();
    // permissions.tsv: `name<TAB>protection<TAB>source`; a later line for
    // the same name wins; sorted by name.
    let permissions = read("permissions.tsv");
    let mut levels: BTreeMap<&str, &str> = BTreeMap::new();
    for line in permissions.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.split('\t');
        if let (Some(name), Some(level)) = (cols.next(), cols.next()) {
            levels.insert(name, level);
        }
    }
    // Names live in one text per table and the arrays hold byte ranges of
    // it, not `&str`s: an array of pointers would need a relocation per
    // entry, applied (and its pages touched) at every start of the binary.
    let mut names = String::new();
    let mut span = |text: &str| {
        let start = names.len();
        names.push_str(text);
        (start, names.len())
    };
    let mut id_rows = String::new();
    let mut spans: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (id, name) in &by_id {
        let (start, end) = *spans.entry(*name).or_insert_with(|| span(name));
        id_rows.push_str(&format!("    (0x{id:08x}, {start}, {end}),\n"));
    }
    let mut name_rows = String::new();
    for (name, id) in &by_name {
        let (start, end) = spans.get(name).copied().unwrap_or_else(|| panic!("{name}"));
        name_rows.push_str(&format!("    ({start}, {end}, 0x{id:08x}),\n"));
    }
    let mut level_rows = String::new();
    for (name, level) in &levels {
        let (ns, ne) = span(name);
        let (ls, le) = *spans.entry(*level).or_insert_with(|| span(level));
        level_rows.push_str(&format!("    ({ns}, {ne}, {ls}, {le}),\n"));
    }
    let code = format!(
        "/// The names of both tables, one after another.\n\
         pub static NAMES: &str = {names:?};\n\
         /// `android_attrs.tsv` sorted by id: (id, name start, name end in [`NAMES`]).\n\
         pub static ATTRS_BY_ID: &[(u32, u32, u32)] = &[\n{id_rows}];\n\
         /// `android_attrs.tsv` sorted by name: (name start, name end, id).\n\
         pub static ATTRS_BY_NAME: &[(u32, u32, u32)] = &[\n{name_rows}];\n\
         /// `permissions.tsv` sorted by name: (name start, end, protection level start, end).\n\
         pub static PERMISSION_LEVELS: &[(u32, u32, u32, u32)] = &[\n{level_rows}];\n"
    );
    std::fs::write(out_dir.join("format_tables.rs"), code)
        .unwrap_or_else(|e| panic!("format_tables.rs: {e}"));
}

fn main() {
    precompile_knowledge();
    format_tables();
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
