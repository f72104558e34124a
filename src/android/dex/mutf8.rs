//! Modified UTF-8 (the DEX string encoding), decoded leniently.
//!
//! MUTF-8 differs from UTF-8 in two ways: NUL is written as the two bytes
//! `C0 80`, and characters outside the BMP are written as two three-byte
//! surrogates instead of one four-byte sequence. Anything malformed becomes
//! U+FFFD; decoding never fails.

use std::borrow::Cow;

/// Decodes MUTF-8 bytes (without the terminating NUL).
///
/// Bytes that are already valid UTF-8 are borrowed as they are: valid UTF-8
/// never contains `C0 80` nor encoded surrogates, so for such input both
/// encodings agree.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(decode_slow(bytes)),
    }
}

fn decode_slow(bytes: &[u8]) -> String {
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b0) = bytes.get(i) {
        let cont = |k: usize| bytes.get(i + k).copied().filter(|b| b & 0xC0 == 0x80);
        if b0 < 0x80 {
            units.push(u16::from(b0));
            i += 1;
        } else if b0 & 0xE0 == 0xC0 {
            match cont(1) {
                Some(b1) => {
                    units.push((u16::from(b0 & 0x1F) << 6) | u16::from(b1 & 0x3F));
                    i += 2;
                }
                None => {
                    units.push(0xFFFD);
                    i += 1;
                }
            }
        } else if b0 & 0xF0 == 0xE0 {
            match (cont(1), cont(2)) {
                (Some(b1), Some(b2)) => {
                    units.push(
                        (u16::from(b0 & 0x0F) << 12)
                            | (u16::from(b1 & 0x3F) << 6)
                            | u16::from(b2 & 0x3F),
                    );
                    i += 3;
                }
                _ => {
                    units.push(0xFFFD);
                    i += 1;
                }
            }
        } else if b0 & 0xF8 == 0xF0 {
            // Not MUTF-8, but some tools write standard four-byte UTF-8.
            match (cont(1), cont(2), cont(3)) {
                (Some(b1), Some(b2), Some(b3)) => {
                    let cp = (u32::from(b0 & 0x07) << 18)
                        | (u32::from(b1 & 0x3F) << 12)
                        | (u32::from(b2 & 0x3F) << 6)
                        | u32::from(b3 & 0x3F);
                    let mut buf = [0u16; 2];
                    match char::from_u32(cp) {
                        Some(c) => units.extend_from_slice(c.encode_utf16(&mut buf)),
                        None => units.push(0xFFFD),
                    }
                    i += 4;
                }
                _ => {
                    units.push(0xFFFD);
                    i += 1;
                }
            }
        } else {
            units.push(0xFFFD);
            i += 1;
        }
    }
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_borrowed() {
        assert!(matches!(decode(b"android_id"), Cow::Borrowed("android_id")));
    }

    #[test]
    fn encoded_nul_and_surrogate_pair() {
        // "a\0b" with NUL as C0 80.
        assert_eq!(decode(b"a\xC0\x80b"), "a\0b");
        // U+1F600 as the surrogates D83D DE00, each in three bytes.
        assert_eq!(decode(b"\xED\xA0\xBD\xED\xB8\x80"), "\u{1F600}");
    }

    #[test]
    fn malformed_becomes_replacement() {
        assert_eq!(decode(b"\xE4\xB8"), "\u{FFFD}\u{FFFD}");
        assert_eq!(decode(b"\xFFx"), "\u{FFFD}x");
        // A lone surrogate.
        assert_eq!(decode(b"\xED\xA0\xBD"), "\u{FFFD}");
    }

    #[test]
    fn non_ascii_bmp() {
        assert_eq!(decode("中国".as_bytes()), "中国");
    }
}
