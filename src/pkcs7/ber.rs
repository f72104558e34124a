//! A small, bounds-checked BER walker (definite and indefinite lengths),
//! enough to find the certificates inside a CMS SignedData.

/// Nesting deeper than this is refused (hostile input).
const MAX_DEPTH: usize = 64;

/// Tag classes as they appear in the two top bits of the identifier octet.
pub const CLASS_UNIVERSAL: u8 = 0;
pub const CLASS_CONTEXT: u8 = 2;

/// Universal tag numbers used here.
pub const TAG_OID: u32 = 6;
pub const TAG_SEQUENCE: u32 = 16;
pub const TAG_SET: u32 = 17;

/// One BER element.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// 0 universal, 1 application, 2 context-specific, 3 private.
    pub class: u8,
    pub constructed: bool,
    pub number: u32,
    /// The contents octets (for an indefinite length: everything between the
    /// header and the end-of-contents marker).
    pub content: &'a [u8],
    /// The whole element: header, contents and end-of-contents marker.
    pub raw: &'a [u8],
}

impl Tlv<'_> {
    /// Whether this element is `class`/`number` and constructed.
    pub fn is(&self, class: u8, number: u32, constructed: bool) -> bool {
        self.class == class && self.number == number && self.constructed == constructed
    }
}

/// Reads one element from the start of `data`; returns it and the rest.
pub fn read(data: &[u8]) -> Result<(Tlv<'_>, &[u8]), String> {
    read_at_depth(data, 0)
}

/// The child elements of a constructed element, in order.
pub fn children<'a>(tlv: &Tlv<'a>) -> Result<Vec<Tlv<'a>>, String> {
    if !tlv.constructed {
        return Err("primitive element has no children".into());
    }
    let mut out = Vec::new();
    let mut rest = tlv.content;
    while !rest.is_empty() {
        let (child, after) = read(rest)?;
        out.push(child);
        rest = after;
    }
    Ok(out)
}

fn read_at_depth(data: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), String> {
    if depth > MAX_DEPTH {
        return Err("BER nesting too deep".into());
    }
    let first = *data.first().ok_or("BER: truncated tag")?;
    let class = first >> 6;
    let constructed = first & 0x20 != 0;
    let (number, mut pos) = tag_number(data, first)?;
    let len_byte = *data.get(pos).ok_or("BER: truncated length")?;
    pos += 1;
    if len_byte == 0x80 {
        if !constructed {
            return Err("BER: indefinite length on a primitive element".into());
        }
        // Walk the children until the end-of-contents marker.
        let start = pos;
        loop {
            let rest = data.get(pos..).ok_or("BER: truncated indefinite element")?;
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let content = data.get(start..pos).ok_or("BER: bad bounds")?;
                let raw = data.get(..pos + 2).ok_or("BER: bad bounds")?;
                let after = data.get(pos + 2..).ok_or("BER: bad bounds")?;
                let tlv = Tlv {
                    class,
                    constructed,
                    number,
                    content,
                    raw,
                };
                return Ok((tlv, after));
            }
            if rest.is_empty() {
                return Err("BER: missing end-of-contents".into());
            }
            let (child, _) = read_at_depth(rest, depth + 1)?;
            pos += child.raw.len();
        }
    }
    let (len, pos) = definite_length(data, pos, len_byte)?;
    let end = pos
        .checked_add(len)
        .filter(|e| *e <= data.len())
        .ok_or_else(|| format!("BER: element of {len} bytes runs past its container"))?;
    let tlv = Tlv {
        class,
        constructed,
        number,
        content: data.get(pos..end).ok_or("BER: bad bounds")?,
        raw: data.get(..end).ok_or("BER: bad bounds")?,
    };
    Ok((tlv, data.get(end..).unwrap_or_default()))
}

/// The tag number of the element whose first byte is `first`, and where
/// its length starts (a high tag number takes at most four more bytes).
fn tag_number(data: &[u8], first: u8) -> Result<(u32, usize), String> {
    let mut pos = 1usize;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        number = 0;
        loop {
            let b = *data.get(pos).ok_or("BER: truncated tag number")?;
            pos += 1;
            if pos > 5 {
                return Err("BER: tag number too large".into());
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    Ok((number, pos))
}

/// A definite length whose first byte `len_byte` was read before `pos`,
/// and where the content starts.
fn definite_length(data: &[u8], pos: usize, len_byte: u8) -> Result<(usize, usize), String> {
    if len_byte & 0x80 == 0 {
        return Ok((usize::from(len_byte), pos));
    }
    let n = usize::from(len_byte & 0x7f);
    if n > 8 {
        return Err("BER: length field too long".into());
    }
    let bytes = data.get(pos..pos + n).ok_or("BER: truncated length")?;
    let mut v: u64 = 0;
    for b in bytes {
        v = (v << 8) | u64::from(*b);
    }
    let len = usize::try_from(v).map_err(|_| "BER: length too large".to_string())?;
    Ok((len, pos + n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_long_form() {
        let mut d = vec![0x30, 0x81, 0x03, 0x02, 0x01, 0x05, 0xAA];
        let (t, rest) = read(&d).unwrap();
        assert!(t.is(CLASS_UNIVERSAL, TAG_SEQUENCE, true));
        assert_eq!(t.content, &[0x02, 0x01, 0x05]);
        assert_eq!(rest, &[0xAA]);
        let kids = children(&t).unwrap();
        assert_eq!(kids.len(), 1);
        assert_eq!(kids[0].number, 2);
        d[2] = 0x05; // now runs past the end
        assert!(read(&d).is_err());
    }

    #[test]
    fn indefinite_nested() {
        // SEQUENCE(indef) { [0](indef) { INTEGER 5 } } + trailing byte
        let d = [
            0x30, 0x80, 0xA0, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01,
        ];
        let (t, rest) = read(&d).unwrap();
        assert_eq!(t.raw.len(), 11);
        assert_eq!(rest, &[0x01]);
        let kids = children(&t).unwrap();
        assert_eq!(kids.len(), 1);
        assert!(kids[0].is(CLASS_CONTEXT, 0, true));
        assert_eq!(children(&kids[0]).unwrap()[0].content, &[5]);
    }

    #[test]
    fn hostile() {
        assert!(read(&[]).is_err());
        assert!(read(&[0x30]).is_err());
        assert!(read(&[0x30, 0x80, 0x02, 0x01]).is_err()); // no EOC
        assert!(read(&[0x04, 0x80, 0x00, 0x00]).is_err()); // primitive indefinite
        assert!(read(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 200).flatten().collect();
        assert!(read(&deep).is_err());
        assert!(read(&[0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]).is_err());
    }
}
