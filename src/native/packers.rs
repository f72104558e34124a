//! Known packers and protectors, named by the stub files they leave in a
//! package (`data/packers.toml`, the one packer table): the packers a
//! package names, and the loader stubs beside which high-entropy data counts
//! as packed code.

use crate::datafile::Doc;
use crate::report::model::{Evidence, Packer};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Evidence items kept per packer.
const MAX_EVIDENCE: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    packer: Vec<Entry>,
}

/// One packer of the table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub vendor: String,
    pub signals: Vec<Signal>,
}

/// One claim: a file or class pattern and where it comes from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// `lib`, `asset` or `class`.
    pub kind: String,
    pub pattern: String,
    pub source: String,
}

/// Parses and checks `data/packers.toml`: every packer named and with
/// signals, every signal of a known kind, with a pattern and a source, and
/// every `lib` pattern a `lib….so` file name.
pub fn parse_table<'a>(doc: impl Into<Doc<'a>>) -> Result<Vec<Entry>, String> {
    let table = doc.into().read::<File>()?;
    for p in &table.packer {
        if p.name.trim().is_empty() || p.vendor.trim().is_empty() || p.signals.is_empty() {
            return Err(format!(
                "packer {:?}: name, vendor and signals are required",
                p.name
            ));
        }
        for s in &p.signals {
            if !matches!(s.kind.as_str(), "lib" | "asset" | "class") {
                return Err(format!("{}: unknown signal kind {}", p.name, s.kind));
            }
            if s.pattern.is_empty() || s.source.trim().is_empty() {
                return Err(format!("{}: a signal without pattern or source", p.name));
            }
            if s.kind == "lib" && !(s.pattern.starts_with("lib") && s.pattern.ends_with(".so")) {
                return Err(format!(
                    "{}: lib pattern {} is not lib….so",
                    p.name, s.pattern
                ));
            }
        }
    }
    Ok(table.packer)
}

use crate::glob::matches as glob;

/// Whether `class` is `prefix` or lies under it (`.` or `$` boundary).
pub fn class_under(prefix: &str, class: &str) -> bool {
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

/// The packer whose loader stub the native library file `file` is (its
/// first `lib` signal matching), if any.
pub fn native_stub<'t>(table: &'t [Entry], file: &str) -> Option<&'t Entry> {
    table.iter().find(|p| {
        p.signals
            .iter()
            .any(|s| s.kind == "lib" && glob(&s.pattern, file))
    })
}

/// The `(packer, class pattern)` loader stubs among a DEX file's defined
/// `classes`, in table order.
pub fn class_stubs<'t>(table: &'t [Entry], classes: &[String]) -> Vec<(&'t Entry, &'t str)> {
    table
        .iter()
        .flat_map(|p| p.signals.iter().map(move |s| (p, s)))
        .filter(|(_, s)| s.kind == "class")
        .filter(|(_, s)| classes.iter().any(|c| class_under(&s.pattern, c)))
        .map(|(p, s)| (p, s.pattern.as_str()))
        .collect()
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
        // parse_table checks kinds, sources and lib patterns.
        assert!(
            table().len() >= 15,
            "packers.toml failed to parse or shrank"
        );
        for bad in [
            "[[packer]]\nname = \"X\"\nvendor = \"Y\"\nsignals = [{ kind = \"lib\", pattern = \"libx.so\", source = \" \" }]",
            "[[packer]]\nname = \"X\"\nvendor = \"Y\"\nsignals = [{ kind = \"lib\", pattern = \"x.so\", source = \"s\" }]",
            "[[packer]]\nname = \"X\"\nvendor = \"Y\"\nsignals = [{ kind = \"dex\", pattern = \"x\", source = \"s\" }]",
            "[[packer]]\nname = \"X\"\nvendor = \"Y\"\nsignals = []",
            "[[packer]]\nname = \"X\"\nvendor = \"Y\"\nlabel = \"Z\"\nsignals = []",
        ] {
            assert!(parse_table(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loader_stubs_are_lib_and_class_signals() {
        let t = table();
        assert_eq!(native_stub(&t, "libjiagu_a64.so").unwrap().name, "Jiagu");
        assert_eq!(native_stub(&t, "libkwscmm.so").unwrap().name, "Kiwisec");
        assert!(native_stub(&t, "libBugly.so").is_none());
        let classes = [
            "com.stub.StubApp".to_string(),
            "com.example.Main".to_string(),
        ];
        let found = class_stubs(&t, &classes);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0.name.as_str(), found[0].1),
            ("Jiagu", "com.stub.StubApp")
        );
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
