//! Which SDKs count as trackers: the categories listed in
//! `data/tracker_categories.toml` (Exodus Privacy's definition). Used by the
//! text report's "Trackers" headline and by `telltale stats`.

use std::collections::BTreeSet;

#[derive(serde::Deserialize)]
struct TrackerFile {
    categories: Vec<String>,
}

/// The tracker categories of the built-in knowledge base.
pub fn tracker_categories() -> BTreeSet<String> {
    toml::from_str::<TrackerFile>(include_str!("../../data/tracker_categories.toml"))
        .map(|f| f.categories.into_iter().collect())
        .unwrap_or_default()
}

/// Whether an SDK with these categories is a tracker.
pub fn is_tracker_by_category(categories: &[String], trackers: &BTreeSet<String>) -> bool {
    categories.iter().any(|c| trackers.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advertising_is_a_tracker_and_networking_is_not() {
        let t = tracker_categories();
        assert!(is_tracker_by_category(&["advertising".into()], &t));
        assert!(!is_tracker_by_category(&["networking".into()], &t));
    }
}
