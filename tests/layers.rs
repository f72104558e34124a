//! Keeps the house's shape: reads the `crate::…` and `super::…` paths of every
//! file under src/ (unit-test code after `#[cfg(test)]` left out) and fails on
//! an import circle between files, an import that runs up the layers below,
//! or a parser importing the scanner, the knowledge base, the findings stage
//! or the SDK matcher; and fails on a function over 80 lines (counted from
//! its `fn` line to its closing brace, as rustfmt lays it out), data tables
//! aside.
//!
//! Layers, top to bottom (a file may import its own layer or lower ones):
//! commands over whole packages (batch, diff, verify, evidence); pipeline; findings; knowledge; drivers (per-package unpacking and the
//! per-entry pass); signatures (SDK matcher); scan; parsers (android, apple,
//! native formats); options; container, pkcs7, report, util (the ground).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Drivers: they unpack a package kind and run the per-entry pass.
const DRIVERS: &[&str] = &[
    "android::aab",
    "android::apk",
    "android::bare",
    "android::entries",
    "android::splits",
    "apple",
    "apple::binary",
    "apple::ipa",
    "xml",
];

/// What a parser may never import.
const NOT_FOR_PARSERS: &[&str] = &["scan", "knowledge", "findings", "signatures", "pipeline"];

fn layer(module: &str) -> u8 {
    let top = module.split("::").next().unwrap_or(module);
    if DRIVERS.contains(&module) {
        return 60;
    }
    match top {
        "lib" => 100,
        // Commands over whole packages and reports, above the one flow.
        "batch" | "diff" | "verify" | "evidence" => 95,
        "pipeline" => 90,
        "findings" => 80,
        "knowledge" => 70,
        "signatures" => 50,
        "scan" => 40,
        "android" | "apple" | "native" => 30,
        "options" => 20,
        _ => 10, // container, pkcs7, report, util
    }
}

fn is_parser(module: &str) -> bool {
    layer(module) == 30
}

/// `src/a/b.rs` → `a::b`; `src/a/mod.rs` → `a`; `src/lib.rs` → `lib`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // `foo/tests/` folders and `tests.rs` files hold unit tests only.
            if path.file_name().is_some_and(|n| n != "tests") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && path
                .file_name()
                .is_some_and(|n| n != "tests.rs" && n != "main.rs")
        {
            out.push(path);
        }
    }
}

/// The module paths a file's code names: `crate::a::b::c` → `a::b::c`,
/// `super::x` resolved against the file's module.
fn references(module: &str, is_mod_file: bool, text: &str) -> Vec<String> {
    let code = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = Vec::new();
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let parent: Vec<&str> = {
        let mut p: Vec<&str> = module.split("::").collect();
        if !is_mod_file {
            p.pop();
        }
        p
    };
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.clone())] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut full: Vec<String> = base.iter().map(|s| s.to_string()).collect();
            full.extend(
                path.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            out.push(full.join("::"));
        }
    }
    out
}

/// The longest known module that `path` starts with.
fn resolve<'a>(path: &str, modules: &'a BTreeSet<String>) -> Option<&'a String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find_map(|p| modules.get(&p))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        let is_mod_file = file.file_name().is_some_and(|n| n == "mod.rs");
        let text = std::fs::read_to_string(file).unwrap();
        let to = edges.entry(module.clone()).or_default();
        for r in references(&module, is_mod_file, &text) {
            if let Some(target) = resolve(&r, &modules)
                && *target != module
                // A module's own folder file (`a` for `a::b`) only hands names on.
                && !module.starts_with(&format!("{target}::"))
            {
                to.insert(target.clone());
            }
        }
    }
    edges
}

#[test]
fn no_upward_imports_and_parsers_stay_parsers() {
    let mut problems = Vec::new();
    for (from, tos) in graph() {
        for to in tos {
            if layer(&to) > layer(&from) {
                problems.push(format!("{from} imports {to}, a higher layer"));
            }
            let top = to.split("::").next().unwrap_or(&to);
            if is_parser(&from) && NOT_FOR_PARSERS.contains(&top) {
                problems.push(format!("parser {from} imports {to}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_import_circles() {
    let edges = graph();
    // Tarjan-free check: a file reaching itself through its imports.
    let mut circles = Vec::new();
    for start in edges.keys() {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&str> = edges[start].iter().map(String::as_str).collect();
        while let Some(m) = stack.pop() {
            if m == start {
                circles.push(start.clone());
                break;
            }
            if seen.insert(m) {
                stack.extend(edges.get(m).into_iter().flatten().map(String::as_str));
            }
        }
    }
    assert!(circles.is_empty(), "files in an import circle: {circles:?}");
}

#[test]
fn the_reader_sees_imports() {
    let edges = graph();
    assert!(edges["pipeline"].contains("findings"));
    assert!(edges["findings::ios"].contains("knowledge"));
}

/// The longest a function may be, in lines, `fn` line and closing brace included.
const MAX_FUNCTION_LINES: usize = 80;

/// Functions allowed to be longer: data tables only (`file:function`).
const LONG_DATA_TABLES: &[&str] = &[];

/// The name of the function a line starts, if it starts one.
fn function_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    for word in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
        "extern \"C\" ",
    ] {
        rest = rest.strip_prefix(word).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

/// `(file:function, lines)` of every function body in `text`, test code left out.
fn function_lengths(file: &str, text: &str) -> Vec<(String, usize)> {
    let code = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = function_name(lines[i]) else {
            i += 1;
            continue;
        };
        let indent = lines[i].len() - lines[i].trim_start().len();
        // The signature ends at a line ending in `{` (a body), `;` (a
        // declaration) or `}` (a one-line body).
        let Some(open) = (i..lines.len()).find(|&j| {
            let t = lines[j].trim_end();
            t.ends_with('{') || t.ends_with(';') || t.ends_with('}')
        }) else {
            break;
        };
        if !lines[open].trim_end().ends_with('{') {
            i = open + 1;
            continue;
        }
        let close = format!("{}}}", " ".repeat(indent));
        let end = (open + 1..lines.len())
            .find(|&j| lines[j] == close)
            .unwrap_or(lines.len() - 1);
        out.push((format!("{file}:{name}"), end - i + 1));
        // Nested functions are counted inside their parent.
        i = end + 1;
    }
    out
}

#[test]
fn no_function_over_80_lines() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.push(src.join("main.rs"));
    let mut long = Vec::new();
    for file in &files {
        let rel = format!("src/{}", file.strip_prefix(&src).unwrap().to_string_lossy());
        let text = std::fs::read_to_string(file).unwrap();
        for (name, n) in function_lengths(&rel, &text) {
            if n > MAX_FUNCTION_LINES && !LONG_DATA_TABLES.contains(&name.as_str()) {
                long.push(format!("{name}: {n} lines"));
            }
        }
    }
    long.sort();
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them, or list a data table):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_length_count_sees_a_long_function() {
    let body = "    let x = 1;\n".repeat(100);
    let text = format!(
        "fn short() {{ 1 }}\n\nfn long() {{\n{body}}}\n\nimpl A {{\n    fn f(&self);\n}}\n"
    );
    let found = function_lengths("a.rs", &text);
    assert_eq!(found, vec![("a.rs:long".to_string(), 102)]);
}
