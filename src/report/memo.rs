//! What the entry pass keeps of an entry for evidence, so it need not be
//! inflated and hashed a second time: its SHA-256, the bytes at each offset
//! a location may point at, and the answers SDK evidence will ask for
//! (DEX descriptor lookups, first places of hosts). The memos of one
//! inspection travel beside its report (`pipeline::Inspection`) from the
//! pass to `evidence::enrich`; they are never part of the report.
//!
//! A memo only answers what it was asked to keep; anything else is
//! "unknown", and the entry is then read again, so the report is the same
//! either way.

use std::collections::HashMap;

/// How many bytes are kept from each offset (at least an excerpt's,
/// `report::bytes::WINDOW_LEN`).
pub const WINDOW_LEN: usize = 48;

/// A descriptor lookup's answer: the string found and its data offset.
pub type Found = Option<(String, u64)>;

/// What the pass kept of one entry.
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
pub struct EntryMemos(HashMap<String, EntryMemo>);

impl EntryMemos {
    /// Memos by path.
    pub fn new(memos: HashMap<String, EntryMemo>) -> EntryMemos {
        EntryMemos(memos)
    }

    /// The memo of `path`, if the pass kept one.
    pub fn get(&self, path: &str) -> Option<&EntryMemo> {
        self.0.get(path)
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
