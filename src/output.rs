//! Where a report goes: standard output (`-o -` or no `-o`), or a file written
//! through a temporary file in the same directory and a rename, never over
//! the input being inspected (nor any path that resolves to it).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where to write a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, replaced atomically.
    File(PathBuf),
}

impl Destination {
    /// The destination `-o` names (`None` or `-` mean standard output),
    /// refused when it is the input, resolves to it (symbolic link, `..`,
    /// hard link: same device and inode) or lies inside an input directory.
    pub fn for_input(output: Option<&Path>, input: &Path) -> Result<Destination, String> {
        let Some(out) = output else {
            return Ok(Destination::Stdout);
        };
        if out.as_os_str() == "-" {
            return Ok(Destination::Stdout);
        }
        if resolves_to_input(out, input) {
            return Err(format!(
                "{}: refusing to write the report over the input being inspected",
                out.display()
            ));
        }
        Ok(Destination::File(out.to_path_buf()))
    }

    /// The destination `-o` names when there is no input file to protect
    /// (`None` or `-` mean standard output).
    pub fn for_output(output: Option<&Path>) -> Result<Destination, String> {
        match output {
            Some(out) if out.as_os_str() != "-" => Ok(Destination::File(out.to_path_buf())),
            _ => Ok(Destination::Stdout),
        }
    }

    /// Writes `text`: to standard output (a closed pipe is not an error), or
    /// to a temporary file beside the target that is then renamed over it.
    pub fn write(&self, text: &str) -> Result<(), String> {
        match self {
            Destination::Stdout => {
                let mut out = std::io::stdout().lock();
                match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                    _ => Ok(()),
                }
            }
            Destination::File(path) => write_replacing(path, text.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display())),
        }
    }
}

/// Whether writing `out` would change the file or directory `input`.
fn resolves_to_input(out: &Path, input: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(input_meta) = std::fs::metadata(input) else {
        return false;
    };
    if let Ok(out_meta) = std::fs::metadata(out)
        && out_meta.dev() == input_meta.dev()
        && out_meta.ino() == input_meta.ino()
    {
        return true;
    }
    let (Some(out_abs), Ok(input_abs)) = (resolve(out), std::fs::canonicalize(input)) else {
        return false;
    };
    out_abs == input_abs || (input_meta.is_dir() && out_abs.starts_with(&input_abs))
}

/// `path` made absolute with its directory canonicalised (the file itself may
/// not exist yet).
fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// Writes `bytes` to a new temporary file in `path`'s directory, then renames
/// it over `path`; the temporary file is removed when anything fails.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".telltale-{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("telltale-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn dash_and_none_are_stdout() {
        let input = Path::new("Cargo.toml");
        assert_eq!(Destination::for_input(None, input), Ok(Destination::Stdout));
        assert_eq!(
            Destination::for_input(Some(Path::new("-")), input),
            Ok(Destination::Stdout)
        );
    }

    #[test]
    fn every_path_to_the_input_is_refused() {
        let dir = scratch("refuse");
        let input = dir.join("app.apk");
        std::fs::write(&input, b"PK").unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::os::unix::fs::symlink(&input, dir.join("link.apk")).unwrap();
        std::fs::hard_link(&input, dir.join("hard.apk")).unwrap();
        for out in [
            input.clone(),
            dir.join("sub/../app.apk"),
            dir.join("./app.apk"),
            dir.join("link.apk"),
            dir.join("hard.apk"),
        ] {
            assert!(
                Destination::for_input(Some(&out), &input).is_err(),
                "{} accepted",
                out.display()
            );
        }
        // Inside a split directory being inspected.
        assert!(Destination::for_input(Some(&dir.join("report.json")), &dir).is_err());
        let other = dir.join("report.json");
        assert_eq!(
            Destination::for_input(Some(&other), &input),
            Ok(Destination::File(other.clone()))
        );
        Destination::File(other.clone()).write("{}\n").unwrap();
        Destination::File(other.clone())
            .write("{\"a\":1}\n")
            .unwrap();
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "{\"a\":1}\n");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert_eq!(std::fs::read(&input).unwrap(), b"PK");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
