//! Table of `android:` framework attribute resource ids (0x0101xxxx).
//!
//! The data comes from `data/android_attrs.tsv`, generated from the public
//! framework resources by `scripts/gen-android-attrs`. Android resolves
//! manifest attributes by these ids, not by their (easily forged) names.

use std::sync::OnceLock;

const TABLE_TSV: &str = include_str!("../../data/android_attrs.tsv");

/// Both directions of the table, built once.
struct Table {
    /// Sorted by id.
    by_id: Vec<(u32, &'static str)>,
    /// Sorted by name.
    by_name: Vec<(&'static str, u32)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut by_id: Vec<(u32, &'static str)> = TABLE_TSV
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let (id, name) = line.split_once('\t')?;
                let id = u32::from_str_radix(id.trim().trim_start_matches("0x"), 16).ok()?;
                Some((id, name.trim()))
            })
            .collect();
        by_id.sort_unstable();
        by_id.dedup_by_key(|(id, _)| *id);
        let mut by_name: Vec<(&'static str, u32)> =
            by_id.iter().map(|&(id, name)| (name, id)).collect();
        by_name.sort_unstable();
        Table { by_id, by_name }
    })
}

/// Name of the framework attribute with resource id `id` (e.g. 0x01010003 → "name").
pub fn name_of(id: u32) -> Option<&'static str> {
    let by_id = &table().by_id;
    by_id
        .binary_search_by_key(&id, |&(id, _)| id)
        .ok()
        .and_then(|i| by_id.get(i))
        .map(|&(_, name)| name)
}

/// Resource id of the framework attribute `name`.
pub fn id_of(name: &str) -> Option<u32> {
    let by_name = &table().by_name;
    by_name
        .binary_search_by_key(&name, |&(name, _)| name)
        .ok()
        .and_then(|i| by_name.get(i))
        .map(|&(_, id)| id)
}

/// Whether `id` lies in the framework attribute range (package 0x01, type attr).
pub fn is_framework_attr(id: u32) -> bool {
    id >> 16 == 0x0101
}

/// Number of attributes in the table.
pub fn len() -> usize {
    table().by_id.len()
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
        for &(id, name) in &table().by_id {
            assert!(is_framework_attr(id));
            assert_eq!(id_of(name), Some(id), "{name}");
            assert_eq!(name_of(id), Some(name));
        }
    }
}
