//! Evidence a second examiner can check: resolves a report's entry path
//! (nested packages joined with `!`) inside an opened package to its bytes,
//! hashes the entry, cuts a bounded hex+ASCII excerpt at an offset, and
//! writes the shell line that shows the same bytes by hand. Used to enrich a
//! report ([`enrich`]) and by `telltale verify`.

pub mod provenance;
pub mod sdk;

use crate::container::zip::{Archive, Limits, Source, ZipError};
pub use crate::report::bytes::{EXCERPT_LEN, ascii, check_command, excerpt, spaced_hex};
use crate::report::memo::{EntryMemo, EntryMemos};
use crate::report::model::{Evidence, Location, Report};
use crate::util::sha256_hex;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A package opened for evidence: one file (read by range, never held
/// whole), or a directory of split APKs whose first path component names a
/// file.
#[derive(Debug)]
pub enum Package {
    /// A package file, with its file name and size when opened.
    File {
        name: String,
        file: std::fs::File,
        len: u64,
    },
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
        let at = |e: std::io::Error| format!("{}: {e}", path.display());
        let file = std::fs::File::open(path).map_err(at)?;
        let len = file.metadata().map_err(at)?.len();
        Ok(Package::File {
            name: file_name(path),
            file,
            len,
        })
    }

    /// SHA-256 of the package file as it is now (streamed), or `None` for
    /// a directory.
    pub fn file_sha256(&self) -> Option<Result<String, String>> {
        match self {
            Package::File { file, name, .. } => Some(
                crate::util::sha256_file(file)
                    .map(|(digest, _)| digest)
                    .map_err(|e| format!("{name}: {e}")),
            ),
            Package::Dir(_) => None,
        }
    }

    /// The decompressed bytes of `entry` (see [`Reader::entry`]). To read
    /// several entries, open a [`Package::reader`] once instead.
    pub fn entry(&self, entry: &str, limits: &Limits) -> Result<Vec<u8>, String> {
        self.reader().entry(entry, limits)
    }

    /// A reader of this package's entries: a package file's central
    /// directory is read once, however many entries are then read.
    pub fn reader(&self) -> Reader<'_> {
        let archive = match self {
            Package::File { file, len, .. } => {
                Some(Archive::open(Source::File { file, len: *len }))
            }
            Package::Dir(_) => None,
        };
        Reader {
            package: self,
            archive,
        }
    }
}

/// A [`Package`] with its central directory read ([`Package::reader`]).
#[derive(Debug)]
pub struct Reader<'p> {
    package: &'p Package,
    /// The package file's archive (or why it is not one); `None` for a
    /// directory.
    archive: Option<Result<Archive<'p>, ZipError>>,
}

impl Reader<'_> {
    /// The decompressed bytes of `entry` (`a.apk!classes.dex` for nested
    /// packages). A raw (non-ZIP) input resolves its own file name, or an
    /// empty path, to the whole file.
    pub fn entry(&self, entry: &str, limits: &Limits) -> Result<Vec<u8>, String> {
        let mut parts = entry.split('!');
        let first = parts.next().unwrap_or_default();
        let mut current = match (self.package, &self.archive) {
            (Package::File { name, file, .. }, Some(archive)) => {
                if archive.is_err() && (first.is_empty() || first == name) {
                    crate::util::read_file_at(file).map_err(|e| format!("{name}: {e}"))?
                } else {
                    member(archive.as_ref(), first, limits)?
                }
            }
            (Package::File { name, .. }, None) => {
                return Err(format!("{name}: not opened"));
            }
            (Package::Dir(dir), _) => {
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
    member(Archive::parse(container).as_ref(), name, limits)
}

/// The bytes of the entry `name` of an archive (or why not).
fn member(
    archive: Result<&Archive<'_>, &ZipError>,
    name: &str,
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    if name.is_empty() || name.ends_with('/') {
        return Err(format!("{name}: names a folder, not an entry"));
    }
    let archive = archive.map_err(|e| format!("{name}: {e}"))?;
    let entry = archive
        .find(name)
        .ok_or_else(|| format!("{name}: no such entry"))?;
    archive
        .read(entry, limits)
        .map_err(|e| format!("{name}: {e}"))
}

// A memo's window holds an excerpt.
const _: () = assert!(crate::report::memo::WINDOW_LEN >= EXCERPT_LEN);

/// Locations, SDK evidence and secret locations of one entry.
type Entry<'a> = (
    Vec<&'a mut Location>,
    Vec<&'a mut Evidence>,
    Vec<&'a mut Location>,
);

/// Adds each location's entry hash and excerpt (secrets: the hash only),
/// and locates each SDK evidence item in its entry ([`sdk::locate`]),
/// reading each entry once and the package's central directory once, or
/// not at all when its memo (what the entry pass kept of it, in `memos`)
/// answers everything. Entries that cannot be read again (folders, members
/// over the limits) are left as they are: the report already says where
/// they were seen. Returns what was read again.
pub fn enrich(
    report: &mut Report,
    memos: &EntryMemos,
    package: &Package,
    limits: &Limits,
) -> Rereads {
    let mut by_path: BTreeMap<String, Entry<'_>> = BTreeMap::new();
    let endpoints = report
        .endpoints
        .iter_mut()
        .flat_map(|e| e.locations.iter_mut());
    let reads = report
        .identifier_apis
        .iter_mut()
        .flat_map(|i| i.locations.iter_mut());
    for loc in endpoints.chain(reads) {
        by_path.entry(loc.path.clone()).or_default().0.push(loc);
    }
    for e in report.sdks.iter_mut().flat_map(|s| s.evidence.iter_mut()) {
        if !e.path.is_empty() && !e.path.ends_with('/') {
            by_path.entry(e.path.clone()).or_default().1.push(e);
        }
    }
    // A secret's bytes are its value: its locations get the entry hash but
    // no excerpt (`verify` checks the value's SHA-256 at the offset instead).
    for loc in report
        .secrets
        .iter_mut()
        .flat_map(|s| s.locations.iter_mut())
    {
        by_path.entry(loc.path.clone()).or_default().2.push(loc);
    }
    // Entries are independent: read (inflate) and hash them in parallel,
    // unless the entry pass kept what is needed of them.
    let by_path: Vec<(String, Entry<'_>)> = by_path.into_iter().collect();
    let reader = package.reader();
    by_path
        .into_par_iter()
        .map(|(path, (mut locs, mut evidence, mut secret_locs))| {
            if let Some(memo) = memos.get(&path)
                && from_memo(memo, &path, &mut locs, &mut evidence, &mut secret_locs)
            {
                return Rereads::default();
            }
            let Ok(bytes) = reader.entry(&path, limits) else {
                return Rereads::default();
            };
            let digest = sha256_hex(&bytes);
            for loc in locs {
                loc.entry_sha256 = Some(digest.clone());
                loc.excerpt = loc.offset.and_then(|o| excerpt(&bytes, o));
            }
            for loc in secret_locs {
                loc.entry_sha256 = Some(digest.clone());
            }
            sdk::locate(&mut evidence, &path, &bytes, &digest);
            Rereads(vec![(path, bytes.len() as u64)])
        })
        .reduce(Rereads::default, |mut a, b| {
            a.0.extend(b.0);
            a
        })
}

/// The entries [`enrich`] read again (no memo answered for them), with
/// their size once decompressed, in no particular order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rereads(pub Vec<(String, u64)>);

impl Rereads {
    /// How many entries were read again.
    pub fn entries(&self) -> usize {
        self.0.len()
    }

    /// How many bytes they hold.
    pub fn bytes(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// Enriches one entry's locations and evidence from what the entry pass
/// kept of it; `false`, with nothing changed, when that is not enough.
fn from_memo(
    memo: &EntryMemo,
    path: &str,
    locs: &mut [&mut Location],
    evidence: &mut [&mut Evidence],
    secret_locs: &mut [&mut Location],
) -> bool {
    let mut excerpts = Vec::with_capacity(locs.len());
    for loc in locs.iter() {
        match loc.offset {
            Some(o) => match memo.window(o) {
                Some(w) => excerpts.push(excerpt(w, 0)),
                None => return false,
            },
            None => excerpts.push(None),
        }
    }
    let digest = crate::util::hex(&memo.digest);
    if !sdk::locate_from(evidence, path, memo, &digest) {
        return false;
    }
    for (loc, excerpt) in locs.iter_mut().zip(excerpts) {
        loc.entry_sha256 = Some(digest.clone());
        loc.excerpt = excerpt;
    }
    for loc in secret_locs.iter_mut() {
        loc.entry_sha256 = Some(digest.clone());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

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
