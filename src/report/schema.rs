//! The JSON Schema of the report, derived from the model's types (schemars)
//! for the serialized form: every key the model always writes is required,
//! and no other key is allowed. Committed as `docs/report.schema.json`; a
//! test fails when the model changes without it.

use crate::report::model::Report;
use schemars::generate::SchemaSettings;

/// The `$id` the committed schema carries (its path in the repository).
pub const SCHEMA_ID: &str = "docs/report.schema.json";

/// The report's JSON Schema (draft 2020-12), pretty-printed with a final
/// newline, byte-identical for the same model.
pub fn json_schema() -> String {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<Report>();
    schema.insert("$id".into(), SCHEMA_ID.into());
    schema.insert(
        "description".into(),
        "A telltale report (`telltale inspect --format json`); the contract is docs/report.md."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_requires_the_always_present_keys() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        let required = schema["required"].as_array().unwrap();
        for key in ["schema_version", "sdks", "parts", "packed_code", "ios"] {
            assert!(required.iter().any(|k| k == key), "{key}");
        }
        assert_eq!(schema["additionalProperties"], false);
        let sdk = &schema["$defs"]["Sdk"];
        assert!(
            sdk["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "tracker")
        );
    }
}
