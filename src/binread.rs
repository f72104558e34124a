//! The one bounded byte reader: fixed-width integers (little and big endian) and
//! unsigned LEB128 read at an offset of a byte slice. Every read checks its bounds
//! and returns `None` instead of panicking; every parser (DEX, AXML, resources,
//! APK signing block, code signature, ELF) reads through these.

/// `N` bytes at `at`, if they are all inside `b`.
pub fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// Byte at `at`, if inside `b`.
pub fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

/// Little-endian u16 at `at`.
pub fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_le_bytes)
}

/// Little-endian u32 at `at`.
pub fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_le_bytes)
}

/// Little-endian u64 at `at`.
pub fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    array(b, at).map(u64::from_le_bytes)
}

/// Big-endian u16 at `at`.
pub fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    array(b, at).map(u16::from_be_bytes)
}

/// Big-endian u32 at `at`.
pub fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    array(b, at).map(u32::from_be_bytes)
}

/// Big-endian u64 at `at`.
pub fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    array(b, at).map(u64::from_be_bytes)
}

/// Unsigned LEB128 of at most `max_bytes` bytes at `*pos`, advancing `*pos` past
/// it. `None` when the data ends or no byte ends the number within `max_bytes`
/// (`max_bytes` ≤ 10; bits beyond 64 are dropped).
pub fn uleb128(b: &[u8], pos: &mut usize, max_bytes: usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..max_bytes.min(10) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_both_orders_and_out_of_bounds() {
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(le_u16(&b, 0), Some(0x0201));
        assert_eq!(be_u16(&b, 0), Some(0x0102));
        assert_eq!(le_u32(&b, 4), Some(0x0807_0605));
        assert_eq!(be_u32(&b, 4), Some(0x0506_0708));
        assert_eq!(le_u64(&b, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(be_u64(&b, 0), Some(0x0102_0304_0506_0708));
        assert_eq!(le_u32(&b, 5), None);
        assert_eq!(le_u16(&b, usize::MAX), None);
        assert_eq!(u8_at(&b, 8), None);
    }

    #[test]
    fn uleb128_reads_advances_and_bounds() {
        let mut pos = 0;
        assert_eq!(uleb128(&[0xe5, 0x8e, 0x26, 9], &mut pos, 5), Some(624_485));
        assert_eq!(pos, 3);
        let mut pos = 0;
        assert_eq!(uleb128(&[0x80; 6], &mut pos, 5), None);
        let mut pos = 0;
        assert_eq!(uleb128(&[0x80], &mut pos, 5), None);
        let mut pos = 0;
        let long = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(uleb128(&long, &mut pos, 10), Some(u64::MAX));
    }
}
