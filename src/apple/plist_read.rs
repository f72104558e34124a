//! Property lists read without the `plist` crate's serde path, which panics
//! on a date it cannot print (a binary plist date past the year 9999 — found
//! by fuzzing). Dates are printed here, and only when they fit RFC 3339.

use plist::{Date, Dictionary, Value};
use std::io::Cursor;
use std::time::{SystemTime, UNIX_EPOCH};

/// First second of the year 10000 and of the year 0, from the Unix epoch:
/// RFC 3339 years have four digits.
const YEAR_10000: i128 = 253_402_300_800;
const YEAR_0: i128 = -62_167_219_200;

/// Reads a property list (binary or XML) whose top level is a dictionary.
pub fn dictionary(bytes: &[u8]) -> Result<Dictionary, String> {
    Value::from_reader(Cursor::new(bytes))
        .map_err(|e| e.to_string())?
        .into_dictionary()
        .ok_or_else(|| "top level is not a dictionary".to_string())
}

/// A date as RFC 3339 text, or `None` when its year has more than four digits.
pub fn rfc3339(date: Date) -> Option<String> {
    let time = SystemTime::from(date);
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => {
            let d = before.duration();
            -i128::from(d.as_secs()) - i128::from(d.subsec_nanos() > 0)
        }
    };
    (YEAR_0..YEAR_10000)
        .contains(&seconds)
        .then(|| date.to_xml_format())
}

/// Replaces every date that cannot be printed with a string saying so, so the
/// value can be written as XML.
pub fn printable_dates(value: &mut Value) {
    match value {
        Value::Date(d) if rfc3339(*d).is_none() => {
            *value = Value::String("(date out of range)".to_string());
        }
        Value::Array(items) => items.iter_mut().for_each(printable_dates),
        Value::Dictionary(d) => d.values_mut().for_each(printable_dates),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn date_at(seconds: i64) -> Date {
        let time = if seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(seconds as u64)
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
        };
        Date::from(time)
    }

    #[test]
    fn dates_print_only_within_four_digit_years() {
        assert_eq!(rfc3339(date_at(0)).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert!(rfc3339(date_at(253_402_300_799)).is_some());
        assert_eq!(rfc3339(date_at(253_402_300_800)), None);
        assert_eq!(rfc3339(date_at(-62_167_219_201)), None);
        assert!(rfc3339(date_at(-62_167_219_200)).is_some());
    }

    #[test]
    fn unprintable_dates_are_replaced_so_xml_can_be_written() {
        let mut d = Dictionary::new();
        d.insert("ok".into(), Value::Date(date_at(0)));
        d.insert(
            "far".into(),
            Value::Array(vec![Value::Date(date_at(400_000_000_000))]),
        );
        let mut v = Value::Dictionary(d);
        printable_dates(&mut v);
        let mut out = Vec::new();
        v.to_writer_xml(&mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.contains("1970-01-01T00:00:00Z"), "{xml}");
        assert!(xml.contains("(date out of range)"), "{xml}");
    }

    #[test]
    fn a_non_dictionary_top_level_is_an_error() {
        let mut out = Vec::new();
        Value::Array(vec![]).to_writer_xml(&mut out).unwrap();
        assert!(dictionary(&out).is_err());
    }
}
