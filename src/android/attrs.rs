//! Table of `android:` framework attribute resource ids (0x0101xxxx).
//!
//! The data comes from `data/android_attrs.tsv`, generated from the public
//! framework resources by `scripts/gen-android-attrs`, sorted both ways by
//! `build.rs`. Android resolves manifest attributes by these ids, not by
//! their (easily forged) names.

use super::format_tables::{ATTRS_BY_ID, ATTRS_BY_NAME, name};

/// Name of the framework attribute with resource id `id` (e.g. 0x01010003 → "name").
pub fn name_of(id: u32) -> Option<&'static str> {
    ATTRS_BY_ID
        .binary_search_by_key(&id, |&(id, _, _)| id)
        .ok()
        .and_then(|i| ATTRS_BY_ID.get(i))
        .map(|&(_, start, end)| name(start, end))
}

/// Resource id of the framework attribute `name`.
pub fn id_of(wanted: &str) -> Option<u32> {
    ATTRS_BY_NAME
        .binary_search_by(|&(start, end, _)| name(start, end).cmp(wanted))
        .ok()
        .and_then(|i| ATTRS_BY_NAME.get(i))
        .map(|&(_, _, id)| id)
}

/// Whether `id` lies in the framework attribute range (package 0x01, type attr).
pub fn is_framework_attr(id: u32) -> bool {
    id >> 16 == 0x0101
}

/// Number of attributes in the table.
pub fn len() -> usize {
    ATTRS_BY_ID.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_manifest_attributes() {
        assert_eq!(name_of(0x0101_0003), Some("name"));
        assert_eq!(id_of("name"), Some(0x0101_0003));
        assert_eq!(id_of("label"), Some(0x0101_0001));
        assert_eq!(id_of("versionCode"), Some(0x0101_021b));
        assert_eq!(id_of("versionName"), Some(0x0101_021c));
        assert_eq!(id_of("minSdkVersion"), Some(0x0101_020c));
        assert_eq!(id_of("targetSdkVersion"), Some(0x0101_0270));
        assert_eq!(id_of("exported"), Some(0x0101_0010));
        assert_eq!(id_of("debuggable"), Some(0x0101_000f));
        assert_eq!(id_of("no-such-attribute"), None);
        assert_eq!(name_of(0x7f01_0001), None);
    }

    #[test]
    fn table_is_complete_and_consistent() {
        assert!(len() > 1400, "table has only {} rows", len());
        for &(id, start, end) in ATTRS_BY_ID {
            let name = name(start, end);
            assert!(is_framework_attr(id));
            assert_eq!(id_of(name), Some(id), "{name}");
            assert_eq!(name_of(id), Some(name));
        }
    }
}
