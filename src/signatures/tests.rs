//! Tests of the embedded database and the matcher.

use super::*;

#[test]
fn embedded_database_is_clean() {
    let db = Database::embedded();
    let errors = db.load_errors();
    assert!(errors.is_empty(), "{} problems:\n{}", errors.len(), errors.join("\n"));
    println!("sdks {} owners {} rules {:?}", db.sdk_count(), db.owner_count(), db.rule_counts());
}
