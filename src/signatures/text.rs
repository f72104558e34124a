//! The strings of the parsed signature files as the compiled maps keep
//! them: borrowed from the embedded bytes (which live as long as the
//! program), or owned when a `--knowledge` folder was parsed at run time.

use std::borrow::Cow;

/// A key of the compiled maps: borrowed from the embedded signature bytes
/// (they live as long as the program), or owned when loaded from text.
pub(crate) type Key = Cow<'static, str>;

/// A string of the parsed signature files ([`super::raw`] is generic over it):
/// `String` from text, `&'static str` from the embedded bytes. The compiled
/// maps borrow the latter and copy the former.
pub trait Text:
    AsRef<str> + std::ops::Deref<Target = str> + Ord + std::fmt::Debug + std::fmt::Display
{
    /// The bytes `start..end` of the string as a map key.
    fn part(&self, start: usize, end: usize) -> Key;
    /// The whole string as a map key.
    fn key(&self) -> Key {
        self.part(0, self.as_ref().len())
    }
    /// The string, owned.
    fn into_string(self) -> String;
}

impl Text for String {
    fn part(&self, start: usize, end: usize) -> Key {
        Cow::Owned(self.get(start..end).unwrap_or_default().to_owned())
    }
    fn into_string(self) -> String {
        self
    }
}

impl Text for &'static str {
    fn part(&self, start: usize, end: usize) -> Key {
        Cow::Borrowed(self.get(start..end).unwrap_or_default())
    }
    fn into_string(self) -> String {
        self.to_owned()
    }
}
