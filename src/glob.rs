//! The one `*` wildcard matcher (`libjcore*.so`), for native library names,
//! asset paths, manifest components and meta-data keys (SDK signatures and the
//! packer table). No other metacharacters.

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
        parts_match(&self.parts, text)
    }
}

/// Whether `text` matches the whole `pattern`, without compiling it first.
pub fn matches(pattern: &str, text: &str) -> bool {
    parts_match(&pattern.split('*').collect::<Vec<_>>(), text)
}

/// `parts` are the pattern split at its `*`s.
fn parts_match<S: AsRef<str>>(parts: &[S], text: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    let Some(mut tail) = text.strip_prefix(first.as_ref()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for part in middle {
        let part = part.as_ref();
        match tail.find(part) {
            Some(i) => tail = tail.get(i + part.len()..).unwrap_or(""),
            None => return false,
        }
    }
    let last = last.as_ref();
    tail.len() >= last.len() && tail.ends_with(last)
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
        assert!(matches("*ijiami.ajm", "assets/ijiami.ajm"));
        assert!(!matches("libx.so", "liby.so"));
    }
}
