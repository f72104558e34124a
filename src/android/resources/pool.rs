//! ResStringPool: UTF-8 or UTF-16 strings, decoded on demand so that a hostile
//! pool (many offsets to one huge string) costs nothing until a string is used.

use super::bytes::{Anomalies, Chunk, u8_at, u16_at, u32_at};

/// RES_STRING_POOL_TYPE.
pub(super) const STRING_POOL_TYPE: u16 = 0x0001;
const UTF8_FLAG: u32 = 0x100;
/// A string longer than this is cut (a label or path is never near it).
const MAX_STRING_CHARS: usize = 1 << 16;

/// A string pool kept as its own bytes plus the offset table.
#[derive(Debug, Clone, Default)]
pub(super) struct StringPool {
    data: Vec<u8>,
    offsets: Vec<u32>,
    strings_start: usize,
    utf8: bool,
}

impl StringPool {
    /// Reads a pool chunk; problems become anomalies and a smaller pool.
    pub(super) fn parse(chunk: Chunk<'_>, what: &str, anomalies: &mut Anomalies) -> StringPool {
        let b = chunk.data;
        if chunk.kind != STRING_POOL_TYPE || chunk.header_size < 28 {
            anomalies.push(format!(
                "{what}: expected a string pool, found chunk 0x{:04x} with header size {}",
                chunk.kind, chunk.header_size
            ));
            return StringPool::default();
        }
        let count = u32_at(b, 8).unwrap_or(0) as usize;
        let flags = u32_at(b, 16).unwrap_or(0);
        let strings_start = u32_at(b, 20).unwrap_or(0) as usize;
        let room = (b.len() - chunk.header_size) / 4;
        let count = if count > room {
            anomalies.push(format!(
                "{what}: string count {count} exceeds the chunk (room for {room})"
            ));
            room
        } else {
            count
        };
        let mut offsets = Vec::with_capacity(count);
        for i in 0..count {
            offsets.push(u32_at(b, chunk.header_size + i * 4).unwrap_or(u32::MAX));
        }
        if count > 0 && (strings_start > b.len() || strings_start < chunk.header_size + count * 4) {
            anomalies.push(format!(
                "{what}: strings start {strings_start} is outside the chunk or overlaps the offset table"
            ));
        }
        StringPool {
            data: b.to_vec(),
            offsets,
            strings_start,
            utf8: flags & UTF8_FLAG != 0,
        }
    }

    /// Number of strings.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.offsets.len()
    }

    /// String `i`, or `None` when the index or its bytes are out of range.
    pub(super) fn get(&self, i: usize) -> Option<String> {
        let rel = *self.offsets.get(i)? as usize;
        let off = self.strings_start.checked_add(rel)?;
        if off >= self.data.len() {
            return None;
        }
        if self.utf8 {
            decode_utf8(&self.data, off)
        } else {
            decode_utf16(&self.data, off)
        }
    }
}

/// One UTF-8 length: one byte, or two when the high bit is set.
fn utf8_len(b: &[u8], off: usize) -> Option<(usize, usize)> {
    let first = u8_at(b, off)?;
    if first & 0x80 != 0 {
        let second = u8_at(b, off + 1)?;
        Some((
            (usize::from(first & 0x7f) << 8) | usize::from(second),
            off + 2,
        ))
    } else {
        Some((usize::from(first), off + 1))
    }
}

fn decode_utf8(b: &[u8], off: usize) -> Option<String> {
    let (_chars, off) = utf8_len(b, off)?;
    let (bytes, off) = utf8_len(b, off)?;
    let end = off.saturating_add(bytes).min(b.len());
    let raw = b.get(off..end)?;
    let s = String::from_utf8_lossy(raw);
    Some(s.chars().take(MAX_STRING_CHARS).collect())
}

fn decode_utf16(b: &[u8], off: usize) -> Option<String> {
    let first = usize::from(u16_at(b, off)?);
    let (len, mut p) = if first & 0x8000 != 0 {
        let second = usize::from(u16_at(b, off + 2)?);
        (((first & 0x7fff) << 16) | second, off + 4)
    } else {
        (first, off + 2)
    };
    let avail = b.len().saturating_sub(p) / 2;
    let len = len.min(avail).min(MAX_STRING_CHARS);
    let mut units = Vec::with_capacity(len);
    for _ in 0..len {
        units.push(u16_at(b, p)?);
        p += 2;
    }
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::bytes::read_chunk;
    use super::*;

    /// Builds a pool chunk from already-encoded string bodies.
    fn pool(utf8: bool, bodies: &[Vec<u8>]) -> Vec<u8> {
        let header = 28usize;
        let start = header + 4 * bodies.len();
        let mut offs = Vec::new();
        let mut data = Vec::new();
        for body in bodies {
            offs.push(data.len() as u32);
            data.extend_from_slice(body);
        }
        let size = start + data.len();
        let mut out = Vec::new();
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&(header as u16).to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
        out.extend_from_slice(&(bodies.len() as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(if utf8 { UTF8_FLAG } else { 0 }).to_le_bytes());
        out.extend_from_slice(&(start as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        for o in offs {
            out.extend_from_slice(&o.to_le_bytes());
        }
        out.extend_from_slice(&data);
        out
    }

    fn parsed(bytes: &[u8]) -> (StringPool, Vec<String>) {
        let mut a = Anomalies::default();
        let c = read_chunk(bytes, 0, "t", &mut a).expect("chunk");
        let p = StringPool::parse(c, "t", &mut a);
        (p, a.finish())
    }

    #[test]
    fn utf8_and_utf16_strings_decode() {
        let b = pool(true, &[vec![2, 3, 0xc3, 0xa9, b'x', 0], vec![0, 0, 0]]);
        let (p, a) = parsed(&b);
        assert!(a.is_empty(), "{a:?}");
        assert_eq!(p.get(0).as_deref(), Some("éx"));
        assert_eq!(p.get(1).as_deref(), Some(""));
        assert_eq!(p.get(2), None);

        let b = pool(false, &[vec![2, 0, b'h', 0, b'i', 0, 0, 0]]);
        let (p, _) = parsed(&b);
        assert_eq!(p.get(0).as_deref(), Some("hi"));
    }

    #[test]
    fn lengths_past_the_end_are_clamped() {
        // UTF-16 length 0x7fff_ffff with two chars of data.
        let b = pool(false, &[vec![0xff, 0xff, 0xff, 0xff, b'a', 0, b'b', 0]]);
        let (p, _) = parsed(&b);
        assert_eq!(p.get(0).as_deref(), Some("ab"));
        // String count far beyond the chunk.
        let mut b = pool(true, &[vec![1, 1, b'z', 0]]);
        b[8..12].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        let (p, a) = parsed(&b);
        assert!(p.len() <= 2);
        assert!(!a.is_empty());
    }
}
