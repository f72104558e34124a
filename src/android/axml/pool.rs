//! The string pool chunk (ResStringPool), decoded lazily by index.
//!
//! Counts and offsets in the header are hints: every string is located and
//! bounds-checked when it is first asked for, and cached afterwards so a
//! string referenced many times is decoded once.

use super::{Anomalies, le_u16, le_u32};

/// Longest string we materialise, in UTF-16 units or UTF-8 bytes.
pub(super) const MAX_STRING_UNITS: usize = 256 * 1024;

const UTF8_FLAG: u32 = 0x100;

/// Why a string index could not be turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StrError {
    /// The document has no (usable) string pool.
    NoPool,
    /// The index has no offset slot in the pool.
    OutOfRange,
    /// The slot points outside the string data.
    BadOffset,
}

/// A string pool over the bytes of its chunk.
pub(super) struct StringPool<'a> {
    chunk: &'a [u8],
    utf8: bool,
    /// Declared `stringCount`, clamped to the room for offsets.
    count: usize,
    /// Offset slots that exist before the string data (≥ `count` when the
    /// declared count was tampered downwards).
    slots: usize,
    offsets_at: usize,
    strings_at: usize,
    strings_end: usize,
    cache: Vec<Option<Result<Box<str>, StrError>>>,
}

/// The number of strings to read (the declared count clamped to the
/// `room` for offsets) and the offset slots that exist before the string
/// data, noting a count tampered either way.
fn declared_slots(
    declared_count: usize,
    style_count: usize,
    room: usize,
    header_start_ok: bool,
    anomalies: &mut Anomalies,
) -> (usize, usize) {
    let count = if declared_count > room {
        anomalies.add("pool-count", || {
            format!("string pool declares {declared_count} strings but has room for {room} offsets")
        });
        room
    } else {
        declared_count
    };
    // Spare slots between the declared strings and the style offsets:
    // a stringCount tampered downwards leaves real strings there.
    let slots = if header_start_ok && room >= count + style_count {
        room - style_count
    } else {
        count
    };
    // Alignment padding gives one spare slot; only flag a real gap.
    if slots > count + 1 {
        anomalies.add("pool-count-low", || {
            format!(
                "string pool declares {count} strings but has {slots} offset slots (stringCount tampered?)"
            )
        });
    }
    (count, slots)
}

impl<'a> StringPool<'a> {
    /// An empty pool: every lookup fails with [`StrError::NoPool`].
    pub(super) fn empty() -> StringPool<'static> {
        StringPool {
            chunk: &[],
            utf8: false,
            count: 0,
            slots: 0,
            offsets_at: 0,
            strings_at: 0,
            strings_end: 0,
            cache: Vec::new(),
        }
    }

    /// Whether this pool came from a real chunk.
    pub(super) fn is_present(&self) -> bool {
        !self.chunk.is_empty()
    }

    /// Reads the pool header of `chunk` (the whole chunk, header included,
    /// already clamped to the file), noting anything odd in `anomalies`.
    pub(super) fn parse(chunk: &'a [u8], header_size: usize, anomalies: &mut Anomalies) -> Self {
        let field = |at: usize| le_u32(chunk, at).unwrap_or(0);
        let declared_count = field(8) as usize;
        let style_count = field(12) as usize;
        let flags = field(16);
        let strings_start = field(20) as usize;
        let styles_start = field(24) as usize;
        let len = chunk.len();

        let offsets_at = if (28..=len).contains(&header_size) {
            header_size
        } else {
            anomalies.add("pool-header", || {
                format!("string pool header size {header_size} is not 28; using 28")
            });
            28.min(len)
        };

        // Where the string data starts: trust the header when it is sane.
        let strings_at = if strings_start >= offsets_at && strings_start <= len {
            strings_start
        } else {
            let computed = declared_count
                .saturating_add(style_count)
                .saturating_mul(4)
                .saturating_add(offsets_at)
                .min(len);
            anomalies.add("pool-strings-start", || {
                format!(
                    "string pool stringsStart {strings_start:#x} lies outside the chunk; assuming {computed:#x}"
                )
            });
            computed
        };
        let strings_end = if style_count > 0 && styles_start > strings_at && styles_start <= len {
            styles_start
        } else {
            len
        };

        // Offset slots that physically exist before the string data.
        let header_start_ok = strings_start >= offsets_at && strings_start <= len;
        let room = if header_start_ok {
            (strings_at - offsets_at) / 4
        } else {
            len.saturating_sub(offsets_at) / 4
        };
        let (count, slots) = declared_slots(
            declared_count,
            style_count,
            room,
            header_start_ok,
            anomalies,
        );

        StringPool {
            chunk,
            utf8: flags & UTF8_FLAG != 0,
            count,
            slots,
            offsets_at,
            strings_at,
            strings_end,
            cache: Vec::new(),
        }
    }

    /// Declared (clamped) number of strings.
    pub(super) fn count(&self) -> usize {
        self.count
    }

    /// The string at `index`, decoded on first use.
    pub(super) fn get(&mut self, index: u32, anomalies: &mut Anomalies) -> Result<&str, StrError> {
        if !self.is_present() {
            return Err(StrError::NoPool);
        }
        let i = index as usize;
        if i >= self.slots {
            return Err(StrError::OutOfRange);
        }
        if self.cache.is_empty() {
            // Bounded by the chunk size / 4.
            self.cache = vec![None; self.slots];
        }
        let needs_decode = matches!(self.cache.get(i), Some(None));
        if needs_decode {
            if i >= self.count {
                anomalies.add("pool-beyond-count", || {
                    format!(
                        "string index {i} is beyond the declared stringCount {} but has an offset slot",
                        self.count
                    )
                });
            }
            let decoded = self.decode(i, anomalies);
            if let Some(slot) = self.cache.get_mut(i) {
                *slot = Some(decoded);
            }
        }
        match self.cache.get(i) {
            Some(Some(Ok(s))) => Ok(s),
            Some(Some(Err(e))) => Err(*e),
            _ => Err(StrError::OutOfRange),
        }
    }

    fn decode(&self, i: usize, anomalies: &mut Anomalies) -> Result<Box<str>, StrError> {
        let slot_at = self.offsets_at + i * 4;
        let offset = le_u32(self.chunk, slot_at).ok_or(StrError::OutOfRange)? as usize;
        let start = self
            .strings_at
            .checked_add(offset)
            .ok_or(StrError::BadOffset)?;
        if start >= self.strings_end {
            return Err(StrError::BadOffset);
        }
        let data = self
            .chunk
            .get(start..self.strings_end)
            .ok_or(StrError::BadOffset)?;
        if self.utf8 {
            decode_utf8(data, i, anomalies)
        } else {
            decode_utf16(data, i, anomalies)
        }
    }
}

/// aapt's UTF-8 length prefix: one byte, or two when the high bit is set.
fn utf8_len(data: &[u8], at: usize) -> Option<(usize, usize)> {
    let first = *data.get(at)? as usize;
    if first & 0x80 == 0 {
        Some((first, 1))
    } else {
        let second = *data.get(at + 1)? as usize;
        Some((((first & 0x7f) << 8) | second, 2))
    }
}

fn decode_utf8(data: &[u8], i: usize, anomalies: &mut Anomalies) -> Result<Box<str>, StrError> {
    let (_utf16_len, a) = utf8_len(data, 0).ok_or(StrError::BadOffset)?;
    let (byte_len, b) = utf8_len(data, a).ok_or(StrError::BadOffset)?;
    let body = data.get(a + b..).ok_or(StrError::BadOffset)?;
    let mut take = byte_len;
    if take > body.len() {
        anomalies.add("string-overrun", || {
            format!(
                "string {i} claims {byte_len} bytes but only {} remain in the pool",
                body.len()
            )
        });
        take = body.len();
    } else if body.get(take) != Some(&0) {
        anomalies.add("string-unterminated", || {
            format!("string {i} is not NUL-terminated")
        });
    }
    if take > MAX_STRING_UNITS {
        anomalies.add("string-long", || {
            format!("string {i} is {take} bytes long; truncated to {MAX_STRING_UNITS}")
        });
        take = MAX_STRING_UNITS;
    }
    let bytes = body.get(..take).unwrap_or_default();
    if std::str::from_utf8(bytes).is_err() {
        anomalies.add("string-encoding", || {
            format!("string {i} is not valid UTF-8")
        });
    }
    Ok(checked(String::from_utf8_lossy(bytes).into(), i, anomalies))
}

/// Notes control characters (other than tab and newlines) in string `i`.
fn checked(s: Box<str>, i: usize, anomalies: &mut Anomalies) -> Box<str> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        anomalies.add("string-control", || {
            format!("string {i} contains control characters")
        });
    }
    s
}

fn decode_utf16(data: &[u8], i: usize, anomalies: &mut Anomalies) -> Result<Box<str>, StrError> {
    let first = le_u16(data, 0).ok_or(StrError::BadOffset)? as usize;
    let (units, prefix) = if first & 0x8000 == 0 {
        (first, 2)
    } else {
        let second = le_u16(data, 2).ok_or(StrError::BadOffset)? as usize;
        (((first & 0x7fff) << 16) | second, 4)
    };
    let body = data.get(prefix..).unwrap_or_default();
    let available = body.len() / 2;
    let mut take = units;
    if take > available {
        anomalies.add("string-overrun", || {
            format!(
                "string {i} claims {units} UTF-16 units but only {available} remain in the pool"
            )
        });
        take = available;
    } else if le_u16(body, take * 2) != Some(0) {
        anomalies.add("string-unterminated", || {
            format!("string {i} is not NUL-terminated")
        });
    }
    if take > MAX_STRING_UNITS {
        anomalies.add("string-long", || {
            format!("string {i} is {take} UTF-16 units long; truncated to {MAX_STRING_UNITS}")
        });
        take = MAX_STRING_UNITS;
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .take(take)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    if char::decode_utf16(units.iter().copied()).any(|c| c.is_err()) {
        anomalies.add("string-encoding", || {
            format!("string {i} holds unpaired UTF-16 surrogates")
        });
    }
    Ok(checked(
        String::from_utf16_lossy(&units).into(),
        i,
        anomalies,
    ))
}
