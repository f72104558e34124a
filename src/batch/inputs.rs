//! What a batch works on: turns paths, `--list` files and `--chart` CSVs
//! into apps (one package file, or one folder that is a single app's split
//! set), each with its content hash and chart labels. Also owns the rule
//! that tells a split-set folder from a folder of unrelated apps, which
//! `telltale inspect DIR` uses to refuse the latter.

use crate::util::sha256_hex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest `--list` or `--chart` file read (bytes).
const MAX_LIST_BYTES: u64 = 64 << 20;
/// Most entries one folder may list before the rest are ignored.
const MAX_DIR_ENTRIES: usize = 1_000_000;

/// One app of a batch: where it is and what the chart says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInput {
    /// The package file, or the folder of one app's split APKs.
    pub path: PathBuf,
    /// Chart columns other than the path (`rank`, `store`, `country`, …), in
    /// column order, plus any the caller adds.
    pub labels: Vec<(String, String)>,
}

/// What a folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirClass {
    /// The APKs of one app (a split set, an apkeep layout): one app.
    OneApp,
    /// Several unrelated packages (or sub-folders): a batch, not one app.
    ManyApps { packages: usize },
    /// Nothing that looks like a package.
    Empty,
}

/// File name extensions of packages a folder of apps usually holds.
const PACKAGE_EXTENSIONS: &[&str] = &["apk", "apks", "xapk", "apkm", "aab", "ipa", "zip", "jar"];

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
}

/// Whether the APK file names of one folder (two or more) are one app's
/// split set: apkeep's `<id>.apk` + `<id>.<split>.apk`, or a base named
/// `base.apk` / `…base-master.apk` / `…-base.apk` whose siblings share its
/// prefix and are named as splits (`split_…`, `config.…`, `base-<split>`).
pub fn is_split_set(apk_names: &[&str]) -> bool {
    if apk_names.len() < 2 {
        return apk_names.len() == 1;
    }
    // apkeep: the shortest stem prefixes every other name, followed by '.'.
    if let Some(shortest) = apk_names.iter().map(|n| stem(n)).min_by_key(|s| s.len())
        && apk_names
            .iter()
            .filter(|n| stem(n) != shortest)
            .all(|n| n.starts_with(&format!("{shortest}.")))
        && apk_names.iter().filter(|n| stem(n) == shortest).count() == 1
    {
        return true;
    }
    // bundletool / SAI / split_config naming around one base.
    let bases: Vec<(&str, &str)> = apk_names
        .iter()
        .filter_map(|n| {
            let s = stem(n);
            let lower = s.to_ascii_lowercase();
            ["base-master", "base"]
                .iter()
                .find(|b| lower.ends_with(*b))
                .map(|b| (*n, &s[..s.len() - b.len()]))
        })
        .collect();
    let [(base, prefix)] = bases.as_slice() else {
        return false;
    };
    apk_names.iter().filter(|n| *n != base).all(|n| {
        let Some(rest) = n.strip_prefix(prefix) else {
            return false;
        };
        let rest = rest.to_ascii_lowercase();
        rest.starts_with("split")
            || rest.starts_with("config.")
            || rest.starts_with("base-")
            || rest.contains("config.")
    })
}

/// The regular, non-hidden files and the sub-folders of `dir`, sorted.
fn listing(dir: &Path) -> Result<(Vec<String>, Vec<String>), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for e in rd.flatten().take(MAX_DIR_ENTRIES) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // Follows symbolic links, as `inspect` does.
        match std::fs::metadata(e.path()) {
            Ok(m) if m.is_dir() => dirs.push(name),
            Ok(m) if m.is_file() => files.push(name),
            _ => {}
        }
    }
    files.sort();
    dirs.sort();
    Ok((files, dirs))
}

/// Classifies a folder for `telltale inspect DIR`: one app's split set, or
/// a folder of unrelated apps (which `inspect` refuses, pointing to `batch`).
pub fn classify_dir(dir: &Path) -> Result<DirClass, String> {
    let (files, dirs) = listing(dir)?;
    let apks: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|n| extension(n) == "apk")
        .collect();
    let others = files
        .iter()
        .filter(|n| {
            let e = extension(n);
            e != "apk" && PACKAGE_EXTENSIONS.contains(&e.as_str())
        })
        .count();
    if apks.is_empty() {
        let packages = others + dirs.len();
        return Ok(if packages == 0 {
            DirClass::Empty
        } else {
            DirClass::ManyApps { packages }
        });
    }
    if is_split_set(&apks) {
        Ok(DirClass::OneApp)
    } else {
        Ok(DirClass::ManyApps {
            packages: apks.len() + others,
        })
    }
}

/// Expands files and folders into apps: a file is one app; a folder is
/// walked recursively, where the APKs of one folder that form a split set
/// become one app (the folder) and every other file is its own app.
pub fn expand_paths(
    paths: &[PathBuf],
    labels: &[(String, String)],
) -> Result<Vec<AppInput>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, labels, &mut out, 0)?;
        } else {
            out.push(AppInput {
                path: p.clone(),
                labels: labels.to_vec(),
            });
        }
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    labels: &[(String, String)],
    out: &mut Vec<AppInput>,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 {
        return Err(format!("{}: folders nested too deep", dir.display()));
    }
    let (files, dirs) = listing(dir)?;
    let apks: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|n| extension(n) == "apk")
        .collect();
    let as_set = apks.len() >= 2 && is_split_set(&apks);
    if as_set {
        out.push(AppInput {
            path: dir.to_path_buf(),
            labels: labels.to_vec(),
        });
    }
    for f in &files {
        let e = extension(f);
        // The split APKs and their companions belong to the folder's app.
        if as_set && (e == "apk" || e == "obb" || e == "dm") {
            continue;
        }
        out.push(AppInput {
            path: dir.join(f),
            labels: labels.to_vec(),
        });
    }
    for d in &dirs {
        walk(&dir.join(d), labels, out, depth + 1)?;
    }
    Ok(())
}

fn read_bounded(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_LIST_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text)
}

/// Reads a `--list` file: one path a line; blank lines and `#` comments are
/// skipped; relative paths are relative to the list's folder.
pub fn read_list(path: &Path) -> Result<Vec<PathBuf>, String> {
    let text = read_bounded(path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| base.join(l))
        .collect())
}

/// Splits one CSV line (RFC 4180 quoting, no embedded line breaks).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields.into_iter().map(|f| f.trim().to_string()).collect()
}

/// Reads a `--chart` CSV: a header row with a `path` column (also `file`
/// or `apk`); every other column is kept as a label of that row's app
/// (empty cells are dropped). Relative paths are relative to the CSV's folder.
pub fn read_chart(path: &Path) -> Result<Vec<AppInput>, String> {
    let text = read_bounded(path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = csv_fields(
        lines
            .next()
            .ok_or_else(|| format!("{}: empty chart", path.display()))?,
    );
    let header: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
    let path_col = ["path", "file", "apk"]
        .iter()
        .find_map(|want| header.iter().position(|h| h == want))
        .ok_or_else(|| format!("{}: the chart has no `path` column", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut apps = Vec::new();
    for (i, line) in lines.enumerate() {
        let fields = csv_fields(line);
        let Some(p) = fields.get(path_col).filter(|p| !p.is_empty()) else {
            return Err(format!("{}: row {} has no path", path.display(), i + 2));
        };
        let labels = header
            .iter()
            .zip(&fields)
            .enumerate()
            .filter(|(c, (_, v))| *c != path_col && !v.is_empty())
            .map(|(_, (h, v))| (h.clone(), v.clone()))
            .collect();
        apps.push(AppInput {
            path: base.join(p),
            labels,
        });
    }
    Ok(apps)
}

/// The content hash that keys an app in the store: the SHA-256 of a package
/// file, or for a split-set folder the SHA-256 of the lines
/// `name<TAB>sha256<LF>` of its APK and `.dm` files (OBB files by size), as
/// `inspect` computes it.
pub fn content_sha256(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return file_sha256(path);
    }
    use crate::android::splits::{self, DirFile};
    let mut listing = String::new();
    for (name, file, len) in splits::dir_files(path)? {
        let digest = match splits::dir_file_kind(&name) {
            DirFile::Other => continue,
            DirFile::Obb => format!("size:{len}"),
            _ => file_sha256(&file)?,
        };
        listing.push_str(&format!("{name}\t{digest}\n"));
    }
    Ok(sha256_hex(listing.as_bytes()))
}

fn file_sha256(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Labels as a map (last value of a repeated name wins).
pub fn label_map(labels: &[(String, String)]) -> BTreeMap<String, String> {
    labels.iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sets_are_recognised() {
        assert!(is_split_set(&["org.ex.apk", "org.ex.config.arm64_v8a.apk"]));
        assert!(is_split_set(&["base.apk", "split_config.en.apk"]));
        assert!(is_split_set(&[
            "instant-split-base-master.apk",
            "instant-split-config.en.apk",
            "instant-split-config.xxxhdpi.apk"
        ]));
        assert!(is_split_set(&[
            "base-master.apk",
            "base-en.apk",
            "base-xxxhdpi.apk"
        ]));
        assert!(!is_split_set(&["com.a.apk", "com.b.apk"]));
        assert!(!is_split_set(&["base.apk", "other.apk"]));
        assert!(!is_split_set(&[
            "a-base.apk",
            "b-base.apk",
            "a-split_x.apk"
        ]));
    }

    #[test]
    fn chart_columns_become_labels() {
        let dir = std::env::temp_dir().join(format!("telltale-chart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("chart.csv");
        std::fs::write(
            &csv,
            "rank,store,country,app_id,path,note\n1,play,DE,com.a,a.apk,\"x, y\"\n2,play,DE,com.b,b.apk,\n",
        )
        .unwrap();
        let apps = read_chart(&csv).unwrap();
        assert_eq!(apps.len(), 2);
        assert_eq!(apps[0].path, dir.join("a.apk"));
        assert_eq!(
            apps[0].labels,
            [
                ("rank".into(), "1".into()),
                ("store".into(), "play".into()),
                ("country".into(), "DE".into()),
                ("app_id".into(), "com.a".into()),
                ("note".into(), "x, y".into()),
            ]
        );
        assert_eq!(apps[1].labels.len(), 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
