//! ProGuard/R8 mapping files (`mapping.txt`, `--mapping FILE`): the class
//! renames they record, applied to the facts of DEX files so that SDK
//! matching, attribution and evidence see the original class names of an
//! obfuscated build. Only class lines (`original -> renamed:`) are read;
//! member lines (indented) and comments (`#`) are skipped: telltale's
//! findings name classes, and the framework APIs it looks for are never
//! renamed.

use super::code::DexFacts;
use std::collections::HashMap;

/// Longest mapping file read, in bytes (large apps' mappings reach a few
/// hundred MiB; the caller also caps it at the entry-size limit).
pub const MAX_MAPPING: u64 = 1 << 30;

/// Renamed class → original class, Java names (`a.b` → `com.umeng.analytics.MobclickAgent`).
#[derive(Debug, Default, Clone)]
pub struct Mapping {
    original: HashMap<String, String>,
}

impl Mapping {
    /// Parses the class lines of a ProGuard/R8 mapping. A class line that
    /// is not `name -> name:` is an error naming its line.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let mut original = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with([' ', '\t', '#']) {
                continue;
            }
            let parsed = line
                .strip_suffix(':')
                .and_then(|l| l.split_once(" -> "))
                .filter(|(a, b)| is_class_name(a) && is_class_name(b));
            let Some((from, to)) = parsed else {
                return Err(format!("line {}: not a class line `a.B -> c:`", n + 1));
            };
            if from != to {
                original.insert(to.to_string(), from.to_string());
            }
        }
        Ok(Mapping { original })
    }

    /// Number of renamed classes.
    pub fn len(&self) -> usize {
        self.original.len()
    }

    /// Whether no class is renamed.
    pub fn is_empty(&self) -> bool {
        self.original.is_empty()
    }

    /// The original name of `class`, or `class` itself when not renamed.
    pub fn original<'a>(&'a self, class: &'a str) -> &'a str {
        self.original.get(class).map_or(class, String::as_str)
    }

    /// Renames every class name in `dex` (defined, referenced, callers of
    /// identifier APIs and personal-data reads) back to its original. The
    /// users of DEX strings are left as found: the findings read them
    /// through [`Mapping::original`] (they are handed over during the entry
    /// pass, before the mapping is applied).
    pub fn apply(&self, dex: &mut DexFacts) {
        if self.original.is_empty() {
            return;
        }
        let fix = |c: &mut String| {
            if let Some(o) = self.original.get(c.as_str()) {
                c.clone_from(o);
            }
        };
        let fix_all = |list: &[String]| -> std::sync::Arc<[String]> {
            list.iter().map(|c| self.original(c).to_string()).collect()
        };
        dex.classes = fix_all(&dex.classes);
        dex.referenced = fix_all(&dex.referenced);
        dex.api_hits.iter_mut().for_each(|h| fix(&mut h.caller));
        dex.personal_hits
            .iter_mut()
            .for_each(|h| fix(&mut h.caller));
    }
}

/// A Java class name as mappings write it: identifier parts joined by `.`,
/// `$` for inner classes.
fn is_class_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_lines_only() {
        let m = Mapping::parse(
            "# compiler: R8\ncom.umeng.analytics.MobclickAgent -> d:\n    java.lang.String appKey -> a\n    1:2:void onEvent(android.content.Context,java.lang.String):10:11 -> a\ncom.example.Main -> com.example.Main:\ncom.a.Outer$Inner -> b$a:\n",
        )
        .unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.original("d"), "com.umeng.analytics.MobclickAgent");
        assert_eq!(m.original("b$a"), "com.a.Outer$Inner");
        assert_eq!(m.original("com.example.Main"), "com.example.Main");
        let mut dex = DexFacts {
            classes: vec!["d".to_string(), "x".to_string()].into(),
            ..DexFacts::default()
        };
        m.apply(&mut dex);
        assert_eq!(*dex.classes, ["com.umeng.analytics.MobclickAgent", "x"]);
        assert!(Mapping::parse("not a mapping\n").is_err());
        assert!(Mapping::parse("a -> b\n").is_err());
    }
}
