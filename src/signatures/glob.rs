//! Minimal `*` wildcard patterns (`libjcore*.so`), for native library names,
//! manifest components and meta-data keys. No other metacharacters.

/// A pattern split at its `*`s.
#[derive(Debug, Clone)]
pub struct Glob {
    parts: Vec<String>,
}

impl Glob {
    /// Compiles `pattern`; `*` matches any run of characters (also empty).
    pub fn new(pattern: &str) -> Glob {
        Glob {
            parts: pattern.split('*').map(str::to_owned).collect(),
        }
    }

    /// Whether a string contains a wildcard and so needs a `Glob`.
    pub fn is_glob(pattern: &str) -> bool {
        pattern.contains('*')
    }

    /// Number of literal characters; used to prefer the most specific glob.
    pub fn literal_len(&self) -> usize {
        self.parts.iter().map(String::len).sum()
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.parts.split_first() {
            Some(x) => x,
            None => return text.is_empty(),
        };
        let Some(mut tail) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        let Some((last, middle)) = rest.split_last() else {
            return tail.is_empty();
        };
        for part in middle {
            match tail.find(part.as_str()) {
                Some(i) => tail = tail.get(i + part.len()..).unwrap_or(""),
                None => return false,
            }
        }
        tail.len() >= last.len() && tail.ends_with(last.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        let g = Glob::new("libjcore*.so");
        assert!(g.matches("libjcore228.so"));
        assert!(g.matches("libjcore.so"));
        assert!(!g.matches("libjcore228.so.bak"));
        assert!(!g.matches("xlibjcore.so"));
        let g = Glob::new("libsg*so-*.so");
        assert!(g.matches("libsgmainso-6.4.36.so"));
        assert!(!g.matches("libsgmain.so"));
        assert!(Glob::new("abc").matches("abc"));
        assert!(!Glob::new("abc").matches("abcd"));
        assert!(Glob::new("a*a").matches("aa"));
        assert!(!Glob::new("ab*ba").matches("aba"));
        assert_eq!(Glob::new("lib*.so").literal_len(), 6);
    }
}
