//! What the entry pass keeps of an entry for evidence, so it need not be
//! inflated and hashed a second time: its SHA-256, the bytes at each offset
//! a location may point at, and the answers SDK evidence will ask for
//! (DEX descriptor lookups, first places of hosts). The memos of one
//! inspection travel beside its report (`pipeline::Inspection`) from the
//! pass to `evidence::enrich`; they are never part of the report.
//!
//! A memo only answers what it was asked to keep; anything else is
//! "unknown", and the entry is then read again, so the report is the same
//! either way. Entries other than DEX files are small: those evidence will
//! ask about are kept whole ([`Kept::Whole`]), within [`WHOLE_MAX`] each.
//! All an inspection keeps, memos and whole entries, stays within
//! [`KEPT_BUDGET`], so memory does not grow with the number of entries
//! (a package of hundreds of DEX files keeps the first memos and reads the
//! others again).

use std::collections::HashMap;

/// How many bytes are kept from each offset (at least an excerpt's,
/// `report::bytes::WINDOW_LEN`).
pub const WINDOW_LEN: usize = 48;

/// The largest entry kept whole.
pub const WHOLE_MAX: usize = 2 << 20;

/// How many bytes one inspection keeps, memos and whole entries together
/// ([`Kept::kept_len`]), at most.
pub const KEPT_BUDGET: usize = 8 << 20;

/// What the pass kept of one entry.
#[derive(Debug, Clone)]
pub enum Kept {
    /// A DEX file's answers.
    Memo(EntryMemo),
    /// A small entry's bytes, as it would be read again.
    Whole(Box<[u8]>),
}

impl Kept {
    /// About how many bytes this holds (counted against [`KEPT_BUDGET`]).
    pub fn kept_len(&self) -> usize {
        match self {
            Kept::Memo(memo) => memo.kept_len(),
            Kept::Whole(bytes) => bytes.len(),
        }
    }
}

/// A descriptor lookup's answer: the string found and its data offset.
pub type Found = Option<(String, u64)>;

/// What the pass kept of one DEX file.
#[derive(Debug, Clone)]
pub struct EntryMemo {
    /// SHA-256 of the entry's bytes.
    pub digest: [u8; 32],
    /// Bytes from each kept offset on (at most [`WINDOW_LEN`]), by offset.
    windows: Vec<(u64, u8, [u8; WINDOW_LEN])>,
    /// Descriptor lookups (exact descriptors and `L…/` packages) and their
    /// answers.
    descriptors: HashMap<String, Found>,
    /// First place of each needle `(text, encoding)` asked, anywhere.
    needles: HashMap<(String, Option<&'static str>), Option<u64>>,
}

impl EntryMemo {
    /// The memo of `bytes` (whose SHA-256 is `digest`): the bytes at
    /// `places`, the descriptor answers and needle places, whose offsets
    /// get their bytes kept too.
    pub fn new(
        bytes: &[u8],
        digest: [u8; 32],
        mut places: Vec<u64>,
        descriptors: HashMap<String, Found>,
        needles: HashMap<(String, Option<&'static str>), Option<u64>>,
    ) -> EntryMemo {
        places.extend(descriptors.values().flatten().map(|(_, at)| *at));
        places.extend(needles.values().flatten());
        places.sort_unstable();
        places.dedup();
        let windows = places
            .into_iter()
            .filter_map(|at| {
                let slice = bytes.get(usize::try_from(at).ok()?..)?;
                let slice = slice.get(..WINDOW_LEN).unwrap_or(slice);
                let mut w = [0u8; WINDOW_LEN];
                w[..slice.len()].copy_from_slice(slice);
                Some((at, u8::try_from(slice.len()).ok()?, w))
            })
            .collect();
        EntryMemo {
            digest,
            windows,
            descriptors,
            needles,
        }
    }

    /// About how many bytes this memo holds: its windows, descriptor
    /// answers and needles with their keys.
    pub fn kept_len(&self) -> usize {
        use std::mem::size_of;
        let windows = self.windows.capacity() * size_of::<(u64, u8, [u8; WINDOW_LEN])>();
        let descriptors: usize = (self.descriptors.iter())
            .map(|(key, found)| {
                size_of::<(String, Found)>() + key.len() + found.as_ref().map_or(0, |f| f.0.len())
            })
            .sum();
        let needles: usize = (self.needles.keys())
            .map(|(text, _)| size_of::<((String, Option<&str>), Option<u64>)>() + text.len())
            .sum();
        size_of::<EntryMemo>() + windows + descriptors + needles
    }

    /// The bytes from `offset` on (at most [`WINDOW_LEN`]; empty at the
    /// end), if they were kept.
    pub fn window(&self, offset: u64) -> Option<&[u8]> {
        let i = self.windows.binary_search_by_key(&offset, |w| w.0).ok()?;
        let (_, len, bytes) = self.windows.get(i)?;
        bytes.get(..usize::from(*len))
    }

    /// The answer kept for the descriptor lookup `key`.
    pub fn descriptor(&self, key: &str) -> Option<&Found> {
        self.descriptors.get(key)
    }

    /// The first place kept for `text` in `encoding`.
    pub fn needle(&self, text: &str, encoding: Option<&'static str>) -> Option<Option<u64>> {
        self.needles.get(&(text.to_string(), encoding)).copied()
    }
}

/// The memos of one inspection, by entry path.
#[derive(Clone, Default)]
pub struct EntryMemos(HashMap<String, Kept>);

impl EntryMemos {
    /// Memos by path.
    pub fn new(memos: HashMap<String, Kept>) -> EntryMemos {
        EntryMemos(memos)
    }

    /// The memo of the DEX file `path`, if the pass kept one.
    pub fn get(&self, path: &str) -> Option<&EntryMemo> {
        match self.0.get(path)? {
            Kept::Memo(memo) => Some(memo),
            Kept::Whole(_) => None,
        }
    }

    /// The bytes of `path`, if the pass kept them whole.
    pub fn whole(&self, path: &str) -> Option<&[u8]> {
        match self.0.get(path)? {
            Kept::Whole(bytes) => Some(bytes),
            Kept::Memo(_) => None,
        }
    }

    /// How many entries have a memo.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no entry has a memo.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for EntryMemos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EntryMemos({})", self.0.len())
    }
}
