//! Words for codes (`data/report_labels.toml`): country names for ISO 3166-1
//! codes and plain-language descriptions of identifier categories, so a
//! reader who has never seen telltale need not look them up. The renderers
//! read the copy built into the binary, or, inside [`scoped`], the copy of a
//! `--knowledge DIR` ([`from_dir`]); the knowledge loader validates both.

use serde::Deserialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

const EMBEDDED: &str = include_str!("../../data/report_labels.toml");

/// The parsed label tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// ISO 3166-1 alpha-2 code → English short name.
    pub countries: BTreeMap<String, String>,
    /// Identifier category → what the app learns, in plain words.
    pub identifier_categories: BTreeMap<String, String>,
}

/// Parses and checks the label file: codes are two capital letters,
/// categories lowercase with dashes, no value is empty.
pub fn parse(text: &str) -> Result<Labels, String> {
    let labels: Labels = toml::from_str(text).map_err(|e| e.to_string())?;
    for (code, name) in &labels.countries {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "countries: {code:?} is not an ISO 3166-1 alpha-2 code"
            ));
        }
        if name.trim().is_empty() {
            return Err(format!("countries: {code} has no name"));
        }
    }
    for (cat, text) in &labels.identifier_categories {
        if cat.is_empty() || !cat.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return Err(format!(
                "identifier_categories: {cat:?} is not a category id"
            ));
        }
        if text.trim().is_empty() {
            return Err(format!("identifier_categories: {cat} has no text"));
        }
    }
    Ok(labels)
}

fn embedded() -> &'static Labels {
    static LABELS: OnceLock<Labels> = OnceLock::new();
    // The knowledge loader refuses a broken copy, so this never falls back
    // in a released binary; codes then show as they are.
    LABELS.get_or_init(|| parse(EMBEDDED).unwrap_or_default())
}

thread_local! {
    /// The labels [`scoped`] puts in place of the built-in copy on this thread.
    static SCOPED: RefCell<Option<Rc<Labels>>> = const { RefCell::new(None) };
}

/// Restores the labels in place before a [`scoped`] call, also on unwind.
struct Restore(Option<Rc<Labels>>);

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0.take();
        SCOPED.with(|s| *s.borrow_mut() = previous);
    }
}

/// Runs `f` with `labels` in place of the built-in copy on this thread: the
/// renderers only get a [`crate::report::model::Report`], so a run with
/// `--knowledge DIR` renders inside this scope with DIR's labels.
pub fn scoped<T>(labels: Labels, f: impl FnOnce() -> T) -> T {
    let previous = SCOPED.with(|s| s.replace(Some(Rc::new(labels))));
    let _restore = Restore(previous);
    f()
}

/// The labels of a knowledge folder (`DIR/report_labels.toml`), checked.
pub fn from_dir(dir: &Path) -> Result<Labels, String> {
    let path = dir.join("report_labels.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Looks `f` up in the labels in place on this thread.
fn lookup<R>(f: impl FnOnce(&Labels) -> R) -> R {
    SCOPED.with(|s| match s.borrow().as_deref() {
        Some(labels) => f(labels),
        None => f(embedded()),
    })
}

/// The English name of an ISO 3166-1 alpha-2 country code (`CN` → `China`),
/// or the code itself when unknown.
pub fn country(code: &str) -> String {
    lookup(|l| l.countries.get(code).cloned()).unwrap_or_else(|| code.to_string())
}

/// What reading identifier category `category` tells the app, in plain
/// words (`None` when the category has no label).
pub fn identifier_category(category: &str) -> Option<String> {
    lookup(|l| l.identifier_categories.get(category).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_labels_parse_and_cover_the_catalogues() {
        let labels = parse(EMBEDDED).unwrap();
        assert_eq!(labels.countries.len(), 249);
        assert_eq!(country("CN"), "China");
        assert_eq!(country("KR"), "South Korea");
        assert_eq!(country("XX"), "XX");
        // Every identifier category the catalogues use has words.
        for file in [
            include_str!("../../data/identifier_apis.toml"),
            include_str!("../../data/apple_identifier_apis.toml"),
        ] {
            for line in file.lines() {
                if let Some(rest) = line.strip_prefix("category = \"") {
                    let cat = rest.trim_end_matches('"');
                    assert!(identifier_category(cat).is_some(), "{cat}");
                }
            }
        }
    }

    #[test]
    fn scoped_labels_replace_the_built_in_copy_on_this_thread_only() {
        let mut mine = parse(EMBEDDED).unwrap();
        mine.countries
            .insert("CN".into(), "People's Republic of China".into());
        let inner = scoped(mine, || {
            let other = std::thread::spawn(|| country("CN")).join().unwrap();
            (country("CN"), other)
        });
        assert_eq!(inner.0, "People's Republic of China");
        assert_eq!(inner.1, "China");
        assert_eq!(country("CN"), "China");
    }

    #[test]
    fn broken_labels_are_refused() {
        assert!(parse("[countries]\nChina = \"CN\"\n[identifier_categories]\n").is_err());
        assert!(parse("[countries]\nCN = \" \"\n[identifier_categories]\n").is_err());
        assert!(parse("[countries]\n[identifier_categories]\nX = \"y\"\n").is_err());
        assert!(parse("[countries]\n[identifier_categories]\n[other]\n").is_err());
    }
}
