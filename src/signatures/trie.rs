//! A prefix trie over dotted names (`com.umeng.analytics`), matched at segment
//! boundaries: the prefix `com.facebook` matches `com.facebook` and
//! `com.facebook.login.LoginManager`, never `com.facebookfan.X`.

/// One trie node: children by segment, and the value of the prefix ending here.
#[derive(Debug, Default)]
struct Node {
    children: super::Map<super::text::Key, Node>,
    value: Option<usize>,
}

/// Maps dotted prefixes to values; lookup returns the longest matching prefix.
#[derive(Debug, Default)]
pub struct DottedTrie {
    root: Node,
    len: usize,
}

impl DottedTrie {
    /// Inserts `prefix` → `value` unless the prefix is already present; then
    /// the first value is kept and returned (the caller reports a duplicate).
    pub fn insert<S: super::text::Text>(&mut self, prefix: &S, value: usize) -> Option<usize> {
        let mut node = &mut self.root;
        let mut start = 0;
        for seg in prefix.as_ref().split('.') {
            let end = start + seg.len();
            // A segment already present is looked up without making a key.
            node = match node.children.contains_key(seg) {
                true => node.children.get_mut(seg).unwrap_or_else(|| unreachable!()),
                false => node.children.entry(prefix.part(start, end)).or_default(),
            };
            start = end + 1;
        }
        if let Some(old) = node.value {
            return Some(old);
        }
        node.value = Some(value);
        self.len += 1;
        None
    }

    /// Number of prefixes stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Longest stored prefix of `name` at a segment boundary: `(value, byte
    /// length of the matched prefix in name)`. O(number of segments).
    pub fn longest(&self, name: &str) -> Option<(usize, usize)> {
        let mut node = &self.root;
        let mut best = None;
        let mut consumed = 0usize;
        for (i, seg) in name.split('.').enumerate() {
            match node.children.get(seg) {
                Some(next) => {
                    node = next;
                    consumed += seg.len() + usize::from(i > 0);
                    if let Some(v) = node.value {
                        best = Some((v, consumed));
                    }
                }
                None => break,
            }
        }
        best
    }
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
