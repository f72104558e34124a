//! Which package entries the per-entry pass reads, by file name
//! (`data/file_kinds.toml`): the extensions Android entries skip as opaque,
//! the ones read as nested packages, and the iOS resource files scanned.

use crate::datafile::Doc;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    android: AndroidFile,
    ios: IosFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AndroidFile {
    opaque: Vec<String>,
    nested: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IosFile {
    scanned: Vec<String>,
}

/// The extension lists (lower case, with their dot).
#[derive(Debug)]
pub struct FileKinds {
    android_opaque: Vec<String>,
    android_nested: Vec<String>,
    ios_scanned: Vec<String>,
}

impl FileKinds {
    /// Parses `data/file_kinds.toml`; every extension is a `.` followed by
    /// lower-case name characters.
    pub fn parse<'a>(doc: impl Into<Doc<'a>>) -> Result<FileKinds, String> {
        let file: File = doc.into().read()?;
        let lists = [
            &file.android.opaque,
            &file.android.nested,
            &file.ios.scanned,
        ];
        if let Some(bad) = lists
            .iter()
            .flat_map(|l| l.iter())
            .find(|e| !is_extension(e))
        {
            return Err(format!(
                "{bad:?} is not a lower-case extension with its dot"
            ));
        }
        Ok(FileKinds {
            android_opaque: file.android.opaque,
            android_nested: file.android.nested,
            ios_scanned: file.ios.scanned,
        })
    }

    /// Whether an Android entry named `lower` (lower-cased) is compressed or
    /// media, not worth scanning.
    pub fn is_opaque(&self, lower: &str) -> bool {
        ends_with_any(&self.android_opaque, lower)
    }

    /// Whether an Android entry named `lower` (lower-cased) is a package or
    /// code carried as data.
    pub fn is_nested(&self, lower: &str) -> bool {
        ends_with_any(&self.android_nested, lower)
    }

    /// Whether an iOS resource file named `lower` (lower-cased) is scanned.
    pub fn is_scanned_ios_resource(&self, lower: &str) -> bool {
        ends_with_any(&self.ios_scanned, lower)
    }
}

fn ends_with_any(extensions: &[String], lower: &str) -> bool {
    extensions.iter().any(|ext| lower.ends_with(ext.as_str()))
}

fn is_extension(ext: &str) -> bool {
    ext.len() > 1
        && ext.starts_with('.')
        && ext[1..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> FileKinds {
        FileKinds::parse(include_str!("../../data/file_kinds.toml")).unwrap()
    }

    #[test]
    fn the_lists_read_by_suffix() {
        let k = built_in();
        assert!(k.is_opaque("res/drawable/a.9.png"));
        assert!(!k.is_opaque("assets/config.json"));
        assert!(k.is_nested("assets/plugin.apk"));
        assert!(k.is_scanned_ios_resource("payload/a.app/config.plist"));
        assert!(!k.is_scanned_ios_resource("payload/a.app/plist"));
    }

    #[test]
    fn a_bad_extension_is_an_error() {
        let text = "[android]\nopaque = [\"png\"]\nnested = []\n[ios]\nscanned = []\n";
        assert!(FileKinds::parse(text).is_err());
        let text = "[android]\nopaque = []\nnested = []\n[ios]\nscanned = [\".PLIST\"]\n";
        assert!(FileKinds::parse(text).is_err());
    }
}
