//! The one Res_value module, shared by binary XML (axml) and resource tables
//! (resources): the data-type codes, the complex (dimension/fraction) number
//! and the aapt-style text of scalar values.

/// Res_value data types.
pub const TYPE_NULL: u8 = 0x00;
pub const TYPE_REFERENCE: u8 = 0x01;
pub const TYPE_ATTRIBUTE: u8 = 0x02;
pub const TYPE_STRING: u8 = 0x03;
pub const TYPE_FLOAT: u8 = 0x04;
pub const TYPE_DIMENSION: u8 = 0x05;
pub const TYPE_FRACTION: u8 = 0x06;
pub const TYPE_DYNAMIC_REFERENCE: u8 = 0x07;
pub const TYPE_DYNAMIC_ATTRIBUTE: u8 = 0x08;
pub const TYPE_INT_DEC: u8 = 0x10;
pub const TYPE_INT_HEX: u8 = 0x11;
pub const TYPE_INT_BOOLEAN: u8 = 0x12;
pub const TYPE_FIRST_COLOR: u8 = 0x1c;
pub const TYPE_LAST_COLOR: u8 = 0x1f;
/// Units of a dimension, by its low four bits.
pub const DIMENSION_UNITS: [&str; 6] = ["px", "dip", "sp", "pt", "in", "mm"];
/// TYPE_NULL with this data means "explicitly empty".
const DATA_NULL_EMPTY: u32 = 1;

/// Text for a value that is neither a string nor a reference, in the style
/// of aapt (`true`, `12`, `0x0000000c`, `#ff00ff00`, `16.0dip`). `None` for
/// undefined values and for types that have no text form here.
pub fn render_scalar(data_type: u8, data: u32) -> Option<String> {
    Some(match data_type {
        TYPE_NULL if data == DATA_NULL_EMPTY => String::new(),
        TYPE_INT_DEC => (data as i32).to_string(),
        TYPE_INT_HEX => format!("0x{data:08x}"),
        TYPE_INT_BOOLEAN => (data != 0).to_string(),
        TYPE_FIRST_COLOR..=TYPE_LAST_COLOR => format!("#{data:08x}"),
        TYPE_FLOAT => format!("{:?}", f32::from_bits(data)),
        TYPE_DIMENSION => {
            let unit = DIMENSION_UNITS
                .get((data & 0xf) as usize)
                .copied()
                .unwrap_or("");
            format!("{:?}{unit}", complex_to_float(data))
        }
        TYPE_FRACTION => {
            let unit = if data & 0xf == 1 { "%p" } else { "%" };
            format!("{:?}{unit}", complex_to_float(data) * 100.0)
        }
        _ => return None,
    })
}

/// The number in a complex (dimension/fraction) value: a 24-bit signed
/// mantissa with one of four radix positions.
pub fn complex_to_float(data: u32) -> f32 {
    const RADIX: [f32; 4] = [1.0, 1.0 / 128.0, 1.0 / 32768.0, 1.0 / 8_388_608.0];
    let mantissa = ((data & 0xffff_ff00) as i32 >> 8) as f32;
    let radix = RADIX
        .get(((data >> 4) & 3) as usize)
        .copied()
        .unwrap_or(1.0);
    mantissa * radix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_render_as_text() {
        assert_eq!(
            render_scalar(TYPE_INT_BOOLEAN, 0xffff_ffff).as_deref(),
            Some("true")
        );
        assert_eq!(render_scalar(TYPE_INT_BOOLEAN, 0).as_deref(), Some("false"));
        assert_eq!(render_scalar(TYPE_INT_DEC, u32::MAX).as_deref(), Some("-1"));
        assert_eq!(
            render_scalar(TYPE_INT_HEX, 12).as_deref(),
            Some("0x0000000c")
        );
        assert_eq!(
            render_scalar(0x1d, 0xff00ff00).as_deref(),
            Some("#ff00ff00")
        );
        // 16dip: mantissa 16, radix 0, unit 1.
        assert_eq!(
            render_scalar(TYPE_DIMENSION, (16 << 8) | 1).as_deref(),
            Some("16.0dip")
        );
        assert_eq!(render_scalar(TYPE_NULL, 0), None);
        assert_eq!(render_scalar(TYPE_NULL, 1).as_deref(), Some(""));
        assert_eq!(render_scalar(0x02, 5), None);
    }
}
