//! One knowledge table as its parser receives it: TOML text (a `--knowledge`
//! folder, the tests) or the JSON that `build.rs` transcoded a built-in TOML
//! file into, so a run of the built-in knowledge parses no TOML. Both
//! deserialize into the same types and go through the same checks (each
//! table's own `parse` function), so the two differ only in speed.

use serde::de::DeserializeOwned;

/// A knowledge file's contents, in the form it is stored in.
#[derive(Debug, Clone, Copy)]
pub enum Doc<'a> {
    /// TOML as written in `data/`.
    Toml(&'a str),
    /// The same document as JSON (made by `build.rs` for the built-in files).
    Json(&'a str),
}

impl Doc<'_> {
    /// Deserializes the document; the message says why it does not parse.
    pub fn read<T: DeserializeOwned>(self) -> Result<T, String> {
        match self {
            Doc::Toml(text) => toml::from_str(text).map_err(|e| e.to_string()),
            Doc::Json(text) => serde_json::from_str(text).map_err(|e| e.to_string()),
        }
    }
}

impl<'a> From<&'a str> for Doc<'a> {
    fn from(text: &'a str) -> Doc<'a> {
        Doc::Toml(text)
    }
}

impl<'a> From<&'a String> for Doc<'a> {
    fn from(text: &'a String) -> Doc<'a> {
        Doc::Toml(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Row {
        name: String,
        weight: f64,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct File {
        row: Vec<Row>,
    }

    #[test]
    fn toml_and_json_read_alike() {
        let toml = "[[row]]\nname = \"a\\tb\"\nweight = 3.25\ntags = [\"x\"]\n[[row]]\nname = 'c'\nweight = 1e-3\n";
        let json =
            r#"{"row":[{"name":"a\tb","weight":3.25,"tags":["x"]},{"name":"c","weight":0.001}]}"#;
        let a: File = Doc::from(toml).read().unwrap();
        let b: File = Doc::Json(json).read().unwrap();
        assert_eq!(a, b);
        assert!(
            Doc::Json(r#"{"row":[{"name":"a","weight":1,"extra":1}]}"#)
                .read::<File>()
                .is_err()
        );
    }
}
