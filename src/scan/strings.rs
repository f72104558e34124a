//! UTF-16LE string runs in raw bytes.
//!
//! ASCII and UTF-8 text needs no extraction: the matchers run over the raw
//! bytes directly (every pattern is ASCII, so any byte outside the pattern's
//! alphabet ends a match). UTF-16LE text (Windows/.NET resources, Unity
//! assemblies, some string pools) hides ASCII characters between NUL bytes, so
//! runs of at least [`MIN_UTF16_UNITS`] code units in the printable ASCII range
//! (`0x20..=0x7e`, tab, CR, LF) are narrowed to one byte per character.
//!
//! Finding runs does not touch every byte: a run of at least
//! `MIN_UTF16_UNITS` units spans at least `2 * MIN_UTF16_UNITS` bytes, so
//! probing every `MIN_UTF16_UNITS`-th byte is enough to land inside each run;
//! a probe that lands inside one expands to its boundaries and the search
//! resumes after it. Every byte is therefore examined a bounded number of times.

use super::UTF16_WINDOW;

/// Shortest UTF-16LE run (code units) worth scanning; the shortest thing the
/// scanner reports (`a.bc`) is 4 characters, secrets are 16 or more.
pub const MIN_UTF16_UNITS: usize = 8;

/// Whether `b` is a character kept in a narrowed UTF-16 run.
#[inline]
fn is_text(b: u8) -> bool {
    matches!(b, 0x20..=0x7e | b'\t' | b'\n' | b'\r')
}

/// Whether the code unit starting at `i` is a narrowable ASCII character.
#[inline]
fn unit_at(bytes: &[u8], i: usize) -> bool {
    match (bytes.get(i), bytes.get(i.wrapping_add(1))) {
        (Some(&lo), Some(&0)) => is_text(lo),
        _ => false,
    }
}

/// Calls `f(start, text)` for every UTF-16LE run of at least
/// [`MIN_UTF16_UNITS`] ASCII code units in `bytes`: `start` is the byte offset
/// of the first code unit of the piece and `text` its narrowed characters (one
/// byte each). Runs longer than [`UTF16_WINDOW`] units are handed over in
/// consecutive pieces of that size. `buf` is reused between calls.
pub fn for_each_utf16_run(bytes: &[u8], buf: &mut Vec<u8>, mut f: impl FnMut(usize, &[u8])) {
    let step = MIN_UTF16_UNITS;
    let mut probe = 0usize;
    while probe.saturating_add(1) < bytes.len() {
        super::count(1);
        // A probe inside a run sits either on a character or on its NUL byte.
        let unit = if unit_at(bytes, probe) {
            Some(probe)
        } else if probe > 0 && unit_at(bytes, probe - 1) {
            Some(probe - 1)
        } else {
            None
        };
        let Some(unit) = unit else {
            probe += step;
            continue;
        };
        let mut start = unit;
        while start >= 2 && unit_at(bytes, start - 2) {
            start -= 2;
            super::count(1);
        }
        let mut end = unit + 2;
        while unit_at(bytes, end) {
            end += 2;
            super::count(1);
        }
        let units = (end - start) / 2;
        if units >= MIN_UTF16_UNITS {
            let mut piece = start;
            while piece < end {
                let piece_end = end.min(piece.saturating_add(UTF16_WINDOW * 2));
                buf.clear();
                buf.extend(
                    bytes
                        .get(piece..piece_end)
                        .unwrap_or_default()
                        .iter()
                        .step_by(2),
                );
                f(piece, buf);
                piece = piece_end;
            }
        }
        // Resume after the run; the next probe keeps the stride alignment-free.
        probe = end.max(probe + 1);
        probe = probe.saturating_add(step - 1) / step * step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn runs(bytes: &[u8]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for_each_utf16_run(bytes, &mut buf, |start, text| {
            out.push((start, String::from_utf8_lossy(text).into_owned()))
        });
        out
    }

    #[test]
    fn finds_runs_at_every_alignment() {
        for pad in 0..20 {
            let mut bytes = vec![0xffu8; pad];
            bytes.extend(utf16("https://api.example.net/x"));
            bytes.extend([0xff, 0xfe, 0x01]);
            bytes.extend(utf16("second run here"));
            bytes.extend([0xff; 5]);
            let found = runs(&bytes);
            assert_eq!(
                found,
                vec![
                    (pad, "https://api.example.net/x".to_string()),
                    (pad + 50 + 3, "second run here".to_string())
                ],
                "pad {pad}"
            );
        }
    }

    #[test]
    fn ignores_short_runs_and_ascii() {
        let mut bytes = utf16("short");
        bytes.extend(b"plain ascii text that is long enough");
        assert!(runs(&bytes).is_empty());
    }

    #[test]
    fn invalid_utf16_is_split_not_fatal() {
        // Lone surrogates and non-ASCII units end runs; nothing panics.
        let mut bytes = utf16("abcdefghij");
        bytes.extend([0x00, 0xd8, 0x00, 0xdc, 0x41]);
        bytes.extend(utf16("klmnopqrst"));
        let found = runs(&bytes);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].1, "klmnopqrst");
    }

    #[test]
    fn long_run_is_windowed() {
        let bytes = utf16(&"a".repeat(UTF16_WINDOW * 2 + 10));
        let found = runs(&bytes);
        assert_eq!(found.len(), 3);
        assert_eq!(found[1].0, UTF16_WINDOW * 2);
        assert_eq!(found[2].1.len(), 10);
    }
}
