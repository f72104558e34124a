//! Known packers and protectors, named by the stub files they leave in a
//! package (`data/packers.toml`).

use crate::report::model::{Evidence, Packer};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Evidence items kept per packer.
const MAX_EVIDENCE: usize = 20;

#[derive(Debug, Deserialize)]
struct File {
    packer: Vec<Entry>,
}

/// One packer of the table.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub name: String,
    pub vendor: String,
    pub signals: Vec<Signal>,
}

/// One claim: a file or class pattern and where it comes from.
#[derive(Debug, Deserialize)]
pub struct Signal {
    /// `lib`, `asset` or `class`.
    pub kind: String,
    pub pattern: String,
    pub source: String,
}

/// One loader stub of `data/packer-stubs.tsv`: a native library name prefix
/// (`lib`) or a DEX class (`class`) that a packer leaves beside its
/// encrypted payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stub {
    /// `lib` or `class`.
    pub kind: String,
    pub pattern: String,
    pub packer: String,
}

/// Parses `data/packer-stubs.tsv` (kind, pattern, packer; `#` comments).
pub fn parse_stubs(text: &str) -> Result<Vec<Stub>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [kind, pattern, packer] = f[..] else {
            return Err(format!("line {}: expected kind, pattern, packer", n + 1));
        };
        if !matches!(kind, "lib" | "class") {
            return Err(format!("line {}: kind {kind:?} is not lib or class", n + 1));
        }
        out.push(Stub {
            kind: kind.to_string(),
            pattern: pattern.to_string(),
            packer: packer.to_string(),
        });
    }
    Ok(out)
}

/// Parses `data/packers.toml`.
pub fn parse_table(text: &str) -> Result<Vec<Entry>, String> {
    let table = toml::from_str::<File>(text).map_err(|e| e.to_string())?;
    for p in &table.packer {
        if let Some(s) = p
            .signals
            .iter()
            .find(|s| !matches!(s.kind.as_str(), "lib" | "asset" | "class"))
        {
            return Err(format!("{}: unknown signal kind {}", p.name, s.kind));
        }
    }
    Ok(table.packer)
}

use crate::glob::matches as glob;

/// Whether `class` is `prefix` or lies under it (`.` or `$` boundary).
fn class_under(prefix: &str, class: &str) -> bool {
    class
        .strip_prefix(prefix)
        .is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('$'))
}

/// Whether an entry name could be a packer asset (so the per-entry pass
/// keeps it even when it would not otherwise analyse it).
pub fn is_signal_path(table: &[Entry], path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    table
        .iter()
        .flat_map(|p| &p.signals)
        .any(|s| match s.kind.as_str() {
            "lib" => glob(&s.pattern, name),
            "asset" => glob(&s.pattern, path),
            _ => false,
        })
}

/// Names the packers whose stubs appear among `paths` (entry paths) and
/// `classes` (`(where, dotted class)`; `where` is `AndroidManifest.xml` for
/// components). Sorted by name; evidence sorted and capped.
pub fn detect<'a>(
    table: &[Entry],
    paths: impl IntoIterator<Item = &'a str>,
    classes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Packer> {
    let mut found: BTreeMap<usize, Vec<Evidence>> = BTreeMap::new();
    add_path_hits(table, paths, &mut found);
    add_class_hits(table, classes, &mut found);
    let mut out: Vec<Packer> = found
        .into_iter()
        .filter_map(|(i, mut evidence)| {
            let p = table.get(i)?;
            evidence.sort();
            evidence.dedup();
            evidence.truncate(MAX_EVIDENCE);
            Some(Packer {
                name: p.name.clone(),
                vendor: p.vendor.clone(),
                evidence,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Evidence of native libraries and assets matching a packer's stubs,
/// by the packer's index in `table`.
fn add_path_hits<'a>(
    table: &[Entry],
    paths: impl IntoIterator<Item = &'a str>,
    found: &mut BTreeMap<usize, Vec<Evidence>>,
) {
    for path in paths {
        let name = path.rsplit('/').next().unwrap_or(path);
        for (i, p) in table.iter().enumerate() {
            for s in &p.signals {
                let (hit, kind) = match s.kind.as_str() {
                    "lib" => (name.ends_with(".so") && glob(&s.pattern, name), "native"),
                    "asset" => (glob(&s.pattern, path), "asset"),
                    _ => (false, ""),
                };
                if hit {
                    found.entry(i).or_default().push(Evidence {
                        kind: kind.into(),
                        path: path.to_string(),
                        detail: format!("{} ({})", s.pattern, s.source),
                        ..Evidence::default()
                    });
                }
            }
        }
    }
}

/// Evidence of classes under a packer's stub packages: one item per
/// (where, pattern), counting the classes and naming the first.
fn add_class_hits<'a>(
    table: &[Entry],
    classes: impl IntoIterator<Item = (&'a str, &'a str)>,
    found: &mut BTreeMap<usize, Vec<Evidence>>,
) {
    let mut class_hits: BTreeMap<(usize, String, String), (String, usize)> = BTreeMap::new();
    for (at, class) in classes {
        for (i, p) in table.iter().enumerate() {
            for s in p.signals.iter().filter(|s| s.kind == "class") {
                if class_under(&s.pattern, class) {
                    let e = class_hits
                        .entry((i, at.to_string(), s.pattern.clone()))
                        .or_insert_with(|| (class.to_string(), 0));
                    e.1 += 1;
                    if class < e.0.as_str() {
                        e.0 = class.to_string();
                    }
                }
            }
        }
    }
    for ((i, at, pattern), (example, n)) in class_hits {
        let kind = if at == "AndroidManifest.xml" {
            "manifest"
        } else {
            "code"
        };
        let source = table
            .get(i)
            .and_then(|p| p.signals.iter().find(|s| s.pattern == pattern))
            .map(|s| s.source.as_str())
            .unwrap_or_default();
        let detail = if n == 1 {
            format!("{example} ({source})")
        } else {
            format!("{pattern}.* ({n} classes, e.g. {example}) ({source})")
        };
        found.entry(i).or_default().push(Evidence {
            kind: kind.into(),
            path: at,
            detail,
            ..Evidence::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<Entry> {
        parse_table(include_str!("../../data/packers.toml")).unwrap()
    }

    #[test]
    fn table_is_well_formed() {
        let t = table();
        assert!(t.len() >= 15, "packers.toml failed to parse or shrank");
        for p in &t {
            assert!(!p.name.is_empty() && !p.vendor.is_empty());
            assert!(!p.signals.is_empty(), "{}", p.name);
            for s in &p.signals {
                assert!(
                    matches!(s.kind.as_str(), "lib" | "asset" | "class"),
                    "{}: kind {}",
                    p.name,
                    s.kind
                );
                assert!(!s.source.trim().is_empty(), "{}: {}", p.name, s.pattern);
                if s.kind == "lib" {
                    assert!(s.pattern.starts_with("lib") && s.pattern.ends_with(".so"));
                }
            }
        }
    }

    #[test]
    fn globbing() {
        assert!(glob("libjiagu*.so", "libjiagu.so"));
        assert!(glob("libjiagu*.so", "libjiagu_a64.so"));
        assert!(!glob("libjiagu*.so", "libjiagu.so.bak"));
        assert!(glob(
            "assets/ijm_lib/*",
            "assets/ijm_lib/armeabi/libexec.so"
        ));
        assert!(glob("*ijiami.ajm", "assets/ijiami.ajm"));
        assert!(!glob("libx.so", "liby.so"));
    }

    #[test]
    fn detects_stub_libraries_assets_and_classes() {
        let paths = [
            "lib/arm64-v8a/libjiagu_a64.so",
            "assets/libjiagu.so",
            "lib/armeabi-v7a/libshella-3.0.0.0.so",
            "assets/ijiami.dat",
            "lib/arm64-v8a/libBugly.so",
        ];
        let classes = [
            ("AndroidManifest.xml", "com.secneo.apkwrapper.CP"),
            ("classes.dex", "com.tencent.StubShell.TxAppEntry"),
            ("classes.dex", "com.tencent.StubShellX"),
        ];
        let found = detect(&table(), paths, classes);
        let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Ijiami", "Jiagu", "Legu", "SecNeo"]);
        let jiagu = &found[1];
        assert_eq!(jiagu.vendor, "Qihoo 360");
        assert_eq!(jiagu.evidence.len(), 2);
        assert!(jiagu.evidence.iter().all(|e| e.kind == "native"));
        let legu = &found[2];
        assert!(
            legu.evidence
                .iter()
                .any(|e| e.kind == "code"
                    && e.detail.starts_with("com.tencent.StubShell.TxAppEntry"))
        );
        assert_eq!(found[3].evidence[0].kind, "manifest");
    }

    #[test]
    fn plain_app_has_none() {
        let paths = [
            "lib/arm64-v8a/libBugly.so",
            "classes.dex",
            "assets/data.bin",
        ];
        let t = table();
        assert!(detect(&t, paths, [("classes.dex", "com.example.Main")]).is_empty());
        assert!(is_signal_path(&t, "assets/classes0.jar"));
        assert!(is_signal_path(&t, "lib/x86/libDexHelper-x86.so"));
        assert!(!is_signal_path(&t, "assets/fonts/a.ttf"));
    }
}
