//! The format tables read on every run (`data/android_attrs.tsv`,
//! `data/permissions.tsv`) as sorted arrays made by `build.rs`, so a run
//! binary-searches them without parsing or sorting the TSV text. Names are
//! byte ranges of one text ([`NAMES`]), so the arrays need no relocations.

include!(concat!(env!("OUT_DIR"), "/format_tables.rs"));

/// The name at `start..end` of [`NAMES`] (empty if the range is not one).
pub fn name(start: u32, end: u32) -> &'static str {
    NAMES.get(start as usize..end as usize).unwrap_or("")
}
