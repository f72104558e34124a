//! Chunk walking over resource tables and an anomaly collector with a cap
//! (integers are read through `crate::binread`).

pub(super) use crate::binread::{le_u16 as u16_at, le_u32 as u32_at, u8_at};

/// Most anomalies kept verbatim; the rest are only counted.
const MAX_ANOMALIES: usize = 64;

/// Collects anomaly sentences, keeping at most [`MAX_ANOMALIES`].
#[derive(Debug, Default)]
pub(super) struct Anomalies {
    list: Vec<String>,
    dropped: usize,
}

impl Anomalies {
    /// Records one anomaly sentence.
    pub(super) fn push(&mut self, s: String) {
        if self.list.len() < MAX_ANOMALIES {
            self.list.push(s);
        } else {
            self.dropped += 1;
        }
    }

    /// The kept sentences, plus a summary line for the dropped ones.
    pub(super) fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.list
                .push(format!("{} further anomalies not listed", self.dropped));
        }
        self.list
    }
}

/// A chunk (ResChunk_header and body), clamped to the bytes available.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chunk<'a> {
    /// Chunk type (RES_*_TYPE).
    pub kind: u16,
    /// Header size as declared (checked to be within the chunk).
    pub header_size: usize,
    /// The whole chunk, header included, clamped to the parent's bytes.
    pub data: &'a [u8],
    /// Offset of the chunk inside the parent region.
    pub offset: usize,
}

/// Reads the chunk starting at `off` inside `region`. Returns `None` (after
/// recording why) when no valid chunk can start there.
pub(super) fn read_chunk<'a>(
    region: &'a [u8],
    off: usize,
    what: &str,
    anomalies: &mut Anomalies,
) -> Option<Chunk<'a>> {
    let (Some(kind), Some(header_size), Some(size)) = (
        u16_at(region, off),
        u16_at(region, off + 2),
        u32_at(region, off + 4),
    ) else {
        anomalies.push(format!(
            "{what}: truncated chunk header at offset {off} ({} bytes left)",
            region.len().saturating_sub(off)
        ));
        return None;
    };
    let header_size = usize::from(header_size);
    let size = size as usize;
    if header_size < 8 || size < header_size {
        anomalies.push(format!(
            "{what}: chunk 0x{kind:04x} at offset {off} has header size {header_size} and size {size}"
        ));
        return None;
    }
    let left = region.len() - off;
    let size = if size > left {
        anomalies.push(format!(
            "{what}: chunk 0x{kind:04x} at offset {off} claims {size} bytes, only {left} left"
        ));
        left
    } else {
        size
    };
    if header_size > size {
        anomalies.push(format!(
            "{what}: chunk 0x{kind:04x} at offset {off} is truncated inside its header"
        ));
        return None;
    }
    Some(Chunk {
        kind,
        header_size,
        data: region.get(off..off + size)?,
        offset: off,
    })
}

/// Iterates the chunks of `region[start..]`, stopping at the first one that
/// cannot be read.
pub(super) fn for_each_chunk<'a>(
    region: &'a [u8],
    start: usize,
    what: &str,
    anomalies: &mut Anomalies,
    mut f: impl FnMut(Chunk<'a>, &mut Anomalies),
) {
    let mut off = start;
    while off < region.len() {
        if region.len() - off < 8 {
            // Trailing padding is common and harmless when it is zeros.
            if region.get(off..).is_some_and(|t| t.iter().any(|&b| b != 0)) {
                anomalies.push(format!(
                    "{what}: {} stray bytes after the last chunk",
                    region.len() - off
                ));
            }
            return;
        }
        let Some(chunk) = read_chunk(region, off, what, anomalies) else {
            return;
        };
        off += chunk.data.len();
        f(chunk, anomalies);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded() {
        let b = [1u8, 2, 3, 4, 5];
        assert_eq!(u16_at(&b, 0), Some(0x0201));
        assert_eq!(u32_at(&b, 1), Some(0x0504_0302));
        assert_eq!(u32_at(&b, 2), None);
        assert_eq!(u16_at(&b, usize::MAX), None);
        assert_eq!(u8_at(&b, 5), None);
    }

    #[test]
    fn anomalies_are_capped() {
        let mut a = Anomalies::default();
        for i in 0..100 {
            a.push(format!("a{i}"));
        }
        let v = a.finish();
        assert_eq!(v.len(), MAX_ANOMALIES + 1);
        assert_eq!(
            v.last().map(String::as_str),
            Some("36 further anomalies not listed")
        );
    }

    #[test]
    fn oversized_chunk_is_clamped() {
        // type 1, header 8, size 100 but only 12 bytes.
        let b = [1, 0, 8, 0, 100, 0, 0, 0, 0, 0, 0, 0];
        let mut a = Anomalies::default();
        let c = read_chunk(&b, 0, "t", &mut a).map(|c| c.data.len());
        assert_eq!(c, Some(12));
        assert_eq!(a.finish().len(), 1);
    }
}
