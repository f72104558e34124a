//! Where things are inside an IPA: the `Payload/*.app` root (also under an
//! extra top folder), its nested bundles (app extensions, Watch apps,
//! frameworks, resource bundles) and loose dylibs. `__MACOSX/` and `._*`
//! entries are ignored.

use crate::container::zip::Archive;
use std::collections::BTreeMap;

/// Kind of a bundle directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleKind {
    /// The main `.app` (or a nested Watch `.app`).
    App,
    /// `PlugIns/*.appex`.
    Extension,
    /// `*.framework`.
    Framework,
    /// `*.bundle` (resource bundle).
    Resources,
}

/// One bundle directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// Full path inside the IPA, with a trailing `/`.
    pub dir: String,
    pub kind: BundleKind,
    /// Directory name without its extension (`FBSDKCoreKit`).
    pub name: String,
    /// Whether this is the main app.
    pub main: bool,
}

/// The layout of one IPA.
#[derive(Debug, Default, Clone)]
pub struct Layout {
    /// Path of the main app directory (`Payload/X.app/`), if any.
    pub root: Option<String>,
    /// Every bundle under the root, the main app first.
    pub bundles: Vec<Bundle>,
    /// `*.dylib` files under the root.
    pub dylibs: Vec<String>,
    /// Files under the root (excluding ignored entries), sorted.
    pub files: Vec<String>,
    /// Anomalies ("2 apps under Payload/; the first is analysed").
    pub notes: Vec<String>,
}

/// Whether an entry is macOS metadata to skip (`__MACOSX/`, `._x`, `.DS_Store`).
pub fn ignored(name: &str) -> bool {
    name.split('/')
        .any(|c| c == "__MACOSX" || c.starts_with("._") || c == ".DS_Store")
}

/// The app root (`<anything>Payload/<X>.app/`) analysed: the shallowest
/// (an extra top folder is fine); a note when there are several.
fn main_app_root(names: &[&str], notes: &mut Vec<String>) -> Option<String> {
    let mut roots: BTreeMap<String, usize> = BTreeMap::new();
    for n in names {
        if let Some(root) = app_root(n) {
            *roots.entry(root.to_string()).or_default() += 1;
        }
    }
    let root = roots
        .keys()
        .min_by_key(|r| (r.matches('/').count(), (*r).clone()))
        .cloned();
    if roots.len() > 1 {
        notes.push(format!(
            "{} app bundles under Payload/; only {} is analysed",
            roots.len(),
            root.as_deref().unwrap_or("")
        ));
    }
    root
}

/// Every bundle directory on the way down from `root` to entry `name`
/// (`rel` past the root; a file's own name is not one), with its kind.
fn bundle_dirs(root: &str, name: &str, rel: &str) -> Vec<(String, BundleKind)> {
    let comps: Vec<&str> = rel.trim_end_matches('/').split('/').collect();
    let dir_comps = if name.ends_with('/') {
        comps.len()
    } else {
        comps.len().saturating_sub(1)
    };
    let mut out = Vec::new();
    let mut prefix = root.to_string();
    for comp in comps.iter().take(dir_comps) {
        prefix.push_str(comp);
        prefix.push('/');
        let kind = match comp.rsplit_once('.').map(|(_, e)| e) {
            Some("app") => BundleKind::App,
            Some("appex") => BundleKind::Extension,
            Some("framework") => BundleKind::Framework,
            Some("bundle") => BundleKind::Resources,
            _ => continue,
        };
        out.push((prefix.clone(), kind));
    }
    out
}

impl Layout {
    /// Works out the layout from the entry names.
    pub fn of(archive: &Archive<'_>) -> Layout {
        let names: Vec<&str> = archive
            .entries()
            .iter()
            .map(|e| e.name.as_str())
            .filter(|n| !ignored(n) && !n.contains('\\'))
            .collect();
        let mut layout = Layout::default();
        let root = main_app_root(&names, &mut layout.notes);
        let Some(root) = root else {
            layout
                .notes
                .push("no Payload/*.app bundle in this IPA".into());
            return layout;
        };
        let mut dirs: BTreeMap<String, BundleKind> = BTreeMap::new();
        for n in &names {
            let Some(rel) = n.strip_prefix(root.as_str()) else {
                continue;
            };
            if !n.ends_with('/') {
                layout.files.push((*n).to_string());
                if rel.ends_with(".dylib") {
                    layout.dylibs.push((*n).to_string());
                }
            }
            for (dir, kind) in bundle_dirs(&root, n, rel) {
                dirs.insert(dir, kind);
            }
        }
        layout.bundles.push(Bundle {
            name: dir_name(&root),
            dir: root.clone(),
            kind: BundleKind::App,
            main: true,
        });
        for (dir, kind) in dirs {
            layout.bundles.push(Bundle {
                name: dir_name(&dir),
                dir,
                kind,
                main: false,
            });
        }
        layout.files.sort();
        layout.files.dedup();
        layout.dylibs.sort();
        layout.dylibs.dedup();
        layout.root = Some(root);
        layout
    }

    /// The innermost bundle holding `path`.
    pub fn bundle_of(&self, path: &str) -> Option<&Bundle> {
        self.bundles
            .iter()
            .filter(|b| path.starts_with(b.dir.as_str()))
            .max_by_key(|b| b.dir.len())
    }
}

/// `a/Payload/X.app/` for an entry under it.
fn app_root(name: &str) -> Option<&str> {
    let mut pos = 0usize;
    let mut after_payload = false;
    for comp in name.split('/') {
        let end = pos + comp.len();
        if after_payload {
            if comp.ends_with(".app") && name.len() > end {
                return name.get(..end + 1);
            }
            after_payload = false;
        }
        if comp == "Payload" {
            after_payload = true;
        }
        pos = end + 1;
    }
    None
}

/// `Payload/My App.app/` → `My App`.
fn dir_name(dir: &str) -> String {
    let last = dir.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .map_or(last, |(base, _)| base)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_names() {
        assert_eq!(app_root("Payload/A.app/Info.plist"), Some("Payload/A.app/"));
        assert_eq!(
            app_root("top/Payload/A b.app/x"),
            Some("top/Payload/A b.app/")
        );
        assert_eq!(app_root("Payload/A.app"), None);
        assert_eq!(app_root("Other/A.app/x"), None);
        assert_eq!(dir_name("Payload/My App.app/"), "My App");
        assert!(ignored("__MACOSX/Payload/._A.app"));
        assert!(ignored("x/._Info.plist"));
        assert!(!ignored("Payload/A.app/Info.plist"));
    }
}
