//! Evidence a second examiner can check: resolves a report's entry path
//! (nested packages joined with `!`) inside an opened package to its bytes,
//! hashes the entry, cuts a bounded hex+ASCII excerpt at an offset, and
//! writes the shell line that shows the same bytes by hand. Used to enrich a
//! report ([`enrich`]) and by `telltale verify`.

use crate::container::zip::{Archive, Limits};
use crate::report::model::{Excerpt, Location, Report};
use crate::util::{hex, sha256_hex};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many bytes an excerpt shows, from the offset on.
pub const EXCERPT_LEN: usize = 48;

/// A package opened for evidence: one file's bytes, or a directory of split
/// APKs whose first path component names a file.
#[derive(Debug)]
pub enum Package {
    /// The bytes of a package file, with its file name.
    File { name: String, data: Vec<u8> },
    /// A directory of split APKs.
    Dir(PathBuf),
}

impl Package {
    /// Opens the package at `path` (a file, or a directory of split APKs).
    pub fn open(path: &Path) -> Result<Package, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            return Ok(Package::Dir(path.to_path_buf()));
        }
        let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Package::File {
            name: file_name(path),
            data,
        })
    }

    /// The decompressed bytes of `entry` (`a.apk!classes.dex` for nested
    /// packages). A raw (non-ZIP) input resolves its own file name, or an
    /// empty path, to the whole file.
    pub fn entry(&self, entry: &str, limits: &Limits) -> Result<Vec<u8>, String> {
        let mut parts = entry.split('!');
        let first = parts.next().unwrap_or_default();
        let mut current = match self {
            Package::File { name, data } => {
                if Archive::parse(data).is_err() && (first.is_empty() || first == name) {
                    data.clone()
                } else {
                    read_member(data, first, limits)?
                }
            }
            Package::Dir(dir) => {
                if first.contains('/') || first.contains('\\') || first.starts_with('.') {
                    return Err(format!("{first}: not a file of the directory"));
                }
                let file = dir.join(first);
                let len = std::fs::metadata(&file)
                    .map_err(|e| format!("{first}: {e}"))?
                    .len();
                if len > limits.max_entry_size {
                    return Err(format!("{first}: larger than the entry limit"));
                }
                std::fs::read(&file).map_err(|e| format!("{first}: {e}"))?
            }
        };
        for part in parts {
            current = read_member(&current, part, limits)?;
        }
        Ok(current)
    }
}

/// The file name of `path` as a report shows it (never the path as typed).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn read_member(container: &[u8], name: &str, limits: &Limits) -> Result<Vec<u8>, String> {
    if name.is_empty() || name.ends_with('/') {
        return Err(format!("{name}: names a folder, not an entry"));
    }
    let archive = Archive::parse(container).map_err(|e| format!("{name}: {e}"))?;
    let entry = archive
        .find(name)
        .ok_or_else(|| format!("{name}: no such entry"))?;
    archive
        .read(entry, limits)
        .map_err(|e| format!("{name}: {e}"))
}

/// The excerpt of `bytes` at `offset` (`None` past the end).
pub fn excerpt(bytes: &[u8], offset: u64) -> Option<Excerpt> {
    let start = usize::try_from(offset).ok()?;
    if start >= bytes.len() {
        return None;
    }
    let end = bytes.len().min(start.saturating_add(EXCERPT_LEN));
    let slice = &bytes[start..end];
    Some(Excerpt {
        length: slice.len() as u64,
        hex: hex(slice),
        ascii: ascii(slice),
    })
}

/// Bytes as ASCII, `.` for anything not printable.
pub fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

/// Groups hex digits in pairs for reading (`68747470` → `68 74 74 70`).
pub fn spaced_hex(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() * 3 / 2);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The shell line that prints `count` bytes of `entry` at `offset` of the
/// package `package` (a file name, or a directory for split directories).
pub fn check_command(package: &str, is_dir: bool, entry: &str, offset: u64, count: u64) -> String {
    let dd = format!("dd bs=1 skip={offset} count={count} 2>/dev/null | od -A d -t x1z");
    let parts: Vec<&str> = entry.split('!').collect();
    let mut steps = Vec::new();
    let (mut source, rest) = if is_dir {
        (
            format!("{}/{}", package.trim_end_matches('/'), parts[0]),
            &parts[1..],
        )
    } else {
        (package.to_string(), &parts[..])
    };
    if rest.is_empty() || (rest.len() == 1 && (rest[0].is_empty() || rest[0] == package)) {
        return format!("cat {} | {dd}", quote(&source));
    }
    for (i, part) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            steps.push(format!(
                "unzip -p {} {} | {dd}",
                quote(&source),
                quote(part)
            ));
        } else {
            let tmp = format!("part{}.zip", i + 1);
            steps.push(format!(
                "unzip -p {} {} > {tmp}",
                quote(&source),
                quote(part)
            ));
            source = tmp;
        }
    }
    steps.join(" && ")
}

/// Every location of the report that can carry evidence, mutably.
pub fn locations_mut(report: &mut Report) -> Vec<&mut Location> {
    let mut out: Vec<&mut Location> = Vec::new();
    for e in &mut report.endpoints {
        out.extend(e.locations.iter_mut());
    }
    for i in &mut report.identifier_apis {
        out.extend(i.locations.iter_mut());
    }
    for s in &mut report.secrets {
        out.extend(s.locations.iter_mut());
    }
    out
}

/// Adds each location's entry hash and excerpt, reading each entry once.
/// Entries that cannot be read again (folders, members over the limits)
/// are left as they are: the report already says where they were seen.
pub fn enrich(report: &mut Report, package: &Package, limits: &Limits) {
    let mut by_path: BTreeMap<String, Vec<&mut Location>> = BTreeMap::new();
    for loc in locations_mut(report) {
        by_path.entry(loc.path.clone()).or_default().push(loc);
    }
    for (path, locs) in by_path {
        let Ok(bytes) = package.entry(&path, limits) else {
            continue;
        };
        let digest = sha256_hex(&bytes);
        for loc in locs {
            loc.entry_sha256 = Some(digest.clone());
            loc.excerpt = loc.offset.and_then(|o| excerpt(&bytes, o));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_and_printable() {
        let bytes = b"\x00\x01https://example.com/a-long-path-that-goes-on-and-on-and-on";
        let e = excerpt(bytes, 2).unwrap();
        assert_eq!(e.length, EXCERPT_LEN as u64);
        assert!(e.ascii.starts_with("https://example.com"));
        assert_eq!(&e.hex[..4], "6874");
        let tail = excerpt(bytes, bytes.len() as u64 - 2).unwrap();
        assert_eq!(tail.length, 2);
        assert!(excerpt(bytes, bytes.len() as u64).is_none());
        assert_eq!(ascii(b"a\x00\xffb"), "a..b");
        assert_eq!(spaced_hex("68747470"), "68 74 74 70");
    }

    #[test]
    fn check_commands_follow_nesting() {
        assert_eq!(
            check_command("app.apk", false, "classes.dex", 10, 48),
            "unzip -p 'app.apk' 'classes.dex' | dd bs=1 skip=10 count=48 2>/dev/null | od -A d -t x1z"
        );
        let nested = check_command("app.apk", false, "assets/p.apk!classes.dex", 1, 4);
        assert!(
            nested.starts_with("unzip -p 'app.apk' 'assets/p.apk' > part1.zip && unzip -p 'part1.zip' 'classes.dex' |"),
            "{nested}"
        );
        let dir = check_command("splits", true, "base.apk!classes.dex", 1, 4);
        assert!(
            dir.starts_with("unzip -p 'splits/base.apk' 'classes.dex'"),
            "{dir}"
        );
        assert!(check_command("x'y", false, "x'y", 0, 1).starts_with("cat 'x'\\''y' |"));
    }

    #[test]
    fn nested_entries_resolve() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/nested.apk");
        let pkg = Package::open(&p).unwrap();
        let dex = pkg
            .entry("assets/plugin.apk!classes.dex", &Limits::default())
            .unwrap();
        assert!(dex.starts_with(b"dex\n"));
        assert!(pkg.entry("assets/", &Limits::default()).is_err());
        assert!(pkg.entry("nope", &Limits::default()).is_err());
    }
}
