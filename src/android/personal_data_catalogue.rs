//! The personal-data catalogue (`data/personal_data_apis.toml`): the
//! content-provider URIs, `CONTENT_URI` fields, APIs and iOS symbols through
//! which code reads SMS, contacts, the call log, calendars, media, browser
//! history, accounts or the clipboard. This module owns its schema and
//! validation only (the knowledge base loads it as `knowledge::personal_data`);
//! [`super::personal_data`] finds the reads in code.

use crate::datafile::Doc;
use serde::Deserialize;
use std::collections::BTreeSet;

/// The kinds of personal data the catalogue knows.
pub const KINDS: &[&str] = &[
    "sms",
    "contacts",
    "call-log",
    "calendar",
    "media",
    "browser-history",
    "accounts",
    "clipboard",
];

/// How an access shows in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessMatch {
    /// A content-provider URI string (also matches longer URIs at a `/`).
    Uri(String),
    /// A static field read: class descriptor and field name.
    Field { class: String, field: String },
    /// A method call (every overload): class descriptor and method name.
    Method { class: String, method: String },
    /// An imported Mach-O symbol.
    Symbol(String),
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalDataApi {
    pub id: String,
    /// One of [`KINDS`].
    pub kind: String,
    pub matcher: AccessMatch,
    /// Why the read matters.
    pub reason: String,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccess {
    id: String,
    kind: String,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    symbol: Option<String>,
    reason: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    access: Vec<RawAccess>,
}

/// Most entries the file may hold (bounds the tables built from it).
const MAX_ENTRIES: usize = 2048;

/// Parses and validates the catalogue.
pub fn parse_catalogue<'a>(doc: impl Into<Doc<'a>>) -> Result<Vec<PersonalDataApi>, String> {
    let file: RawFile = doc.into().read()?;
    if file.access.len() > MAX_ENTRIES {
        return Err(format!("more than {MAX_ENTRIES} entries"));
    }
    let mut ids = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(file.access.len());
    for a in file.access {
        let id = a.id.clone();
        let bad = |m: &str| Err(format!("{id}: {m}"));
        if a.id.is_empty()
            || !a
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return bad("id must be non-empty [a-z0-9-]");
        }
        if !ids.insert(a.id.clone()) {
            return bad("duplicate id");
        }
        if !KINDS.contains(&a.kind.as_str()) {
            return bad("unknown kind");
        }
        if a.reason.trim().is_empty() || a.source.trim().is_empty() {
            return bad("empty reason or source");
        }
        let matcher = match (a.uri, a.class, a.field, a.method, a.symbol) {
            (Some(u), None, None, None, None) => {
                let rest = u.strip_prefix("content://").unwrap_or("");
                if rest.is_empty() || u.ends_with('/') || u.contains(char::is_whitespace) {
                    return bad("uri must be content://authority[/path] without a trailing /");
                }
                AccessMatch::Uri(u)
            }
            (None, Some(class), Some(field), None, None) => {
                check_descriptor(&class).map_err(|m| format!("{id}: {m}"))?;
                AccessMatch::Field { class, field }
            }
            (None, Some(class), None, Some(method), None) => {
                check_descriptor(&class).map_err(|m| format!("{id}: {m}"))?;
                AccessMatch::Method { class, method }
            }
            (None, None, None, None, Some(s)) => {
                if !s.starts_with('_') || s.len() < 4 {
                    return bad("symbol must be a Mach-O symbol name (leading _)");
                }
                AccessMatch::Symbol(s)
            }
            _ => return bad("give exactly one of uri, class+field, class+method, symbol"),
        };
        if !seen.insert(format!("{matcher:?}")) {
            return bad("the same evidence is listed twice");
        }
        out.push(PersonalDataApi {
            id: a.id,
            kind: a.kind,
            matcher,
            reason: a.reason,
            source: a.source,
        });
    }
    Ok(out)
}

fn check_descriptor(class: &str) -> Result<(), &'static str> {
    if class.len() > 2 && class.starts_with('L') && class.ends_with(';') && !class.contains('.') {
        Ok(())
    } else {
        Err("class must be a descriptor like Landroid/provider/CallLog$Calls;")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMBEDDED: &str = include_str!("../../data/personal_data_apis.toml");

    #[test]
    fn embedded_catalogue_is_valid_and_covers_every_kind() {
        let c = parse_catalogue(EMBEDDED).expect("valid");
        for kind in KINDS {
            assert!(c.iter().any(|a| a.kind == *kind), "no entry for {kind}");
        }
        let has = |m: AccessMatch| c.iter().any(|a| a.matcher == m);
        assert!(has(AccessMatch::Uri("content://sms".into())));
        assert!(has(AccessMatch::Field {
            class: "Landroid/provider/ContactsContract$Contacts;".into(),
            field: "CONTENT_URI".into()
        }));
        assert!(has(AccessMatch::Field {
            class: "Landroid/provider/CallLog$Calls;".into(),
            field: "CONTENT_URI".into()
        }));
    }

    #[test]
    fn bad_entries_are_rejected() {
        let one = |body: &str| {
            parse_catalogue(&format!(
                "[[access]]\nid = \"x\"\nkind = \"sms\"\nreason = \"r\"\nsource = \"s\"\n{body}"
            ))
        };
        assert!(one("uri = \"content://sms\"").is_ok());
        for (body, needle) in [
            ("uri = \"http://sms\"", "uri must be"),
            ("uri = \"content://sms/\"", "uri must be"),
            (
                "class = \"android.provider.X\"\nfield = \"F\"",
                "descriptor",
            ),
            ("class = \"LX;\"", "exactly one"),
            ("uri = \"content://a\"\nsymbol = \"_x\"", "exactly one"),
            ("symbol = \"CNContactStore\"", "symbol must be"),
            ("", "exactly one"),
        ] {
            let e = one(body).expect_err(body);
            assert!(e.contains(needle), "{body}: {e}");
        }
        let e = parse_catalogue(
            "[[access]]\nid = \"x\"\nkind = \"diary\"\nreason = \"r\"\nsource = \"s\"\nuri = \"content://a\"\n",
        )
        .expect_err("kind");
        assert!(e.contains("unknown kind"), "{e}");
        let dup = "[[access]]\nid = \"x\"\nkind = \"sms\"\nreason = \"r\"\nsource = \"s\"\nuri = \"content://a\"\n";
        let e = parse_catalogue(&format!("{dup}{}", dup.replace("\"x\"", "\"y\"")))
            .expect_err("dup evidence");
        assert!(e.contains("twice"), "{e}");
        assert!(
            parse_catalogue(&format!("{dup}{dup}"))
                .expect_err("dup id")
                .contains("duplicate id")
        );
    }
}
