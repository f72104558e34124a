//! A prefix trie over dotted names (`com.umeng.analytics`), matched at segment
//! boundaries: the prefix `com.facebook` matches `com.facebook` and
//! `com.facebook.login.LoginManager`, never `com.facebookfan.X`.

use super::text::{Key, Text};

/// Maps dotted prefixes to values; lookup returns the longest matching
/// prefix. Kept flat: one map from every stored prefix and every shorter
/// prefix of it (at segment boundaries) to its value, if one is stored
/// there. Walking a name's segment boundaries from the left, as long as
/// its prefix is in the map, is the walk down a trie of segments; the keys
/// borrow the embedded database, so building it allocates only the map.
#[derive(Debug, Default)]
pub struct DottedTrie {
    nodes: super::Map<Key, Option<usize>>,
    len: usize,
}

impl DottedTrie {
    /// Inserts `prefix` → `value` unless the prefix is already present; then
    /// the first value is kept and returned (the caller reports a duplicate).
    pub fn insert<S: Text>(&mut self, prefix: &S, value: usize) -> Option<usize> {
        // The shorter prefixes first, as the walk down a trie would make them.
        for dot in dots(prefix) {
            if !self.nodes.contains_key(&prefix[..dot]) {
                self.nodes.insert(prefix.part(0, dot), None);
            }
        }
        match self.nodes.get_mut(&prefix[..]) {
            Some(Some(old)) => return Some(*old),
            Some(slot) => *slot = Some(value),
            None => {
                self.nodes.insert(prefix.key(), Some(value));
            }
        }
        self.len += 1;
        None
    }

    /// Room for `n` more prefixes and their shorter prefixes.
    pub fn reserve(&mut self, n: usize) {
        self.nodes.reserve(n.saturating_mul(2));
    }

    /// Number of prefixes stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Longest stored prefix of `name` at a segment boundary: `(value, byte
    /// length of the matched prefix in name)`. O(number of segments).
    pub fn longest(&self, name: &str) -> Option<(usize, usize)> {
        let mut best = None;
        for end in dots(name).chain(std::iter::once(name.len())) {
            match self.nodes.get(&name[..end]) {
                Some(value) => {
                    if let Some(v) = *value {
                        best = Some((v, end));
                    }
                }
                None => break,
            }
        }
        best
    }
}

/// The byte offsets of the dots in `name`.
fn dots(name: &str) -> impl Iterator<Item = usize> + '_ {
    name.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'.').then_some(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_and_longest() {
        let mut t = DottedTrie::default();
        assert_eq!(t.insert(&"com.facebook", 1), None);
        t.insert(&"com.google.firebase", 2);
        t.insert(&"com.google.firebase.crashlytics", 3);
        assert_eq!(t.len(), 3);
        assert_eq!(t.longest("com.facebook.login.X"), Some((1, 12)));
        assert_eq!(t.longest("com.facebook"), Some((1, 12)));
        assert_eq!(t.longest("com.facebookfan.X"), None);
        assert_eq!(
            t.longest("com.google.firebase.crashlytics.A"),
            Some((3, 31))
        );
        assert_eq!(t.longest("com.google.firebase.messaging.B"), Some((2, 19)));
        assert_eq!(t.longest("com.google"), None);
        assert_eq!(t.insert(&"com.facebook", 9), Some(1));
        assert_eq!(t.longest("com.facebook.X"), Some((1, 12)));
    }
}
