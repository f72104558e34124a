//! ResTable_config: the part needed to recognise the default configuration
//! and to pick a locale, plus a short qualifier string for display.

use super::bytes::{u16_at, u32_at};

/// The configuration a type chunk applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// True when every field after `size` is zero (the default configuration).
    pub is_default: bool,
    /// Language code (`en`, `fil`), empty when unset.
    pub language: String,
    /// Region code (`US`, `419`), empty when unset.
    pub region: String,
    /// Screen density in dpi (0 = any).
    pub density: u16,
    /// Minimum SDK version qualifier (0 = any).
    pub sdk_version: u16,
    /// True when fields other than locale, density and SDK version are set.
    pub has_other: bool,
}

impl Config {
    /// Reads a ResTable_config starting at `b[0]`, bounded by its declared
    /// size and by `b`. Returns the config and whether it was truncated.
    pub(super) fn parse(b: &[u8]) -> (Config, bool) {
        let declared = u32_at(b, 0).unwrap_or(0) as usize;
        let end = declared.min(b.len());
        let truncated = declared > b.len() || declared < 4;
        let body = b.get(4..end).unwrap_or(&[]);
        let field = |off: usize| b.get(off..off + 2).filter(|_| off + 2 <= end);
        let language = field(8).map(|l| unpack(l, b'a')).unwrap_or_default();
        let region = field(10).map(|r| unpack(r, b'0')).unwrap_or_default();
        let u16f = |off: usize| {
            if off + 2 <= end {
                u16_at(b, off).unwrap_or(0)
            } else {
                0
            }
        };
        let density = u16f(14);
        let sdk_version = u16f(24);
        // A locale script (bytes 36..40) counts as "other", so such configs
        // are not taken for plain "en".
        let locale_density_sdk = |i: usize| matches!(i + 4, 8..=11 | 14 | 15 | 24 | 25);
        let has_other = body
            .iter()
            .enumerate()
            .any(|(i, &v)| v != 0 && !locale_density_sdk(i));
        let config = Config {
            is_default: body.iter().all(|&v| v == 0),
            language,
            region,
            density,
            sdk_version,
            has_other,
        };
        (config, truncated)
    }

    /// Qualifier text in the style of resource directories: `default`,
    /// `en-rUS`, `hdpi-v21`, with `+other` when other fields are set.
    pub fn qualifier(&self) -> String {
        if self.is_default {
            return "default".into();
        }
        let mut parts = Vec::new();
        if !self.language.is_empty() {
            parts.push(self.language.clone());
        }
        if !self.region.is_empty() {
            parts.push(format!("r{}", self.region));
        }
        match self.density {
            0 => {}
            120 => parts.push("ldpi".into()),
            160 => parts.push("mdpi".into()),
            213 => parts.push("tvdpi".into()),
            240 => parts.push("hdpi".into()),
            320 => parts.push("xhdpi".into()),
            480 => parts.push("xxhdpi".into()),
            640 => parts.push("xxxhdpi".into()),
            0xfffe => parts.push("anydpi".into()),
            0xffff => parts.push("nodpi".into()),
            d => parts.push(format!("{d}dpi")),
        }
        if self.sdk_version != 0 {
            parts.push(format!("v{}", self.sdk_version));
        }
        if self.has_other {
            parts.push("+other".into());
        }
        parts.join("-")
    }
}

/// Decodes a two-byte language or region field, including the packed
/// three-letter form (high bit of the first byte set).
fn unpack(two: &[u8], base: u8) -> String {
    let (a, b) = match two {
        [a, b] => (*a, *b),
        _ => return String::new(),
    };
    if a == 0 && b == 0 {
        return String::new();
    }
    if a & 0x80 != 0 {
        let first = b & 0x1f;
        let second = ((b & 0xe0) >> 5) | ((a & 0x03) << 3);
        let third = (a & 0x7c) >> 2;
        return [first, second, third]
            .iter()
            .map(|&c| char::from(base.wrapping_add(c)))
            .collect();
    }
    [a, b]
        .iter()
        .filter(|&&c| c != 0)
        .map(|&c| {
            if c.is_ascii_graphic() {
                char::from(c)
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(fill: &[(usize, u8)]) -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[0] = 64;
        for &(i, v) in fill {
            b[i] = v;
        }
        b
    }

    #[test]
    fn default_and_locale_configs() {
        let (c, t) = Config::parse(&config(&[]));
        assert!(c.is_default && !t);
        assert_eq!(c.qualifier(), "default");
        let (c, _) = Config::parse(&config(&[(8, b'e'), (9, b'n'), (10, b'U'), (11, b'S')]));
        assert_eq!((c.language.as_str(), c.region.as_str()), ("en", "US"));
        assert_eq!(c.qualifier(), "en-rUS");
        let (c, _) = Config::parse(&config(&[(14, 240), (24, 21)]));
        assert_eq!(c.qualifier(), "hdpi-v21");
        let (c, _) = Config::parse(&config(&[(29, 0x20)]));
        assert_eq!(c.qualifier(), "+other");
    }

    #[test]
    fn packed_three_letter_language() {
        // "fil" packed: f=5, i=8, l=11 → first=5, second=8, third=11.
        let second = 8u8;
        let b1 = 5 | ((second & 0x07) << 5);
        let b0 = 0x80 | (11 << 2) | (second >> 3);
        assert_eq!(unpack(&[b0, b1], b'a'), "fil");
    }

    #[test]
    fn short_or_truncated_config() {
        let (c, t) = Config::parse(&[8, 0, 0, 0, 0, 0, 0, 0]);
        assert!(c.is_default && !t);
        let (_, t) = Config::parse(&[200, 0, 0, 0]);
        assert!(t);
    }
}
