//! Distinguished names printed the way apksigner (Java's X500Name) prints
//! them: RDNs most specific first, joined by ", ", multi-valued RDNs joined
//! by " + ", values quoted when they hold special characters.

use std::collections::HashMap;
use std::sync::OnceLock;

use x509_parser::der_parser::asn1_rs::{Any, Tag};
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// OID (dotted) → keyword, from data/x500-keywords.tsv.
fn keywords() -> &'static HashMap<&'static str, &'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../data/x500-keywords.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("oid\t"))
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
}

/// The DN as apksigner prints it (`CN=…, OU=…, O=…, C=…`).
pub fn format_dn(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(format_attr).collect::<Vec<_>>().join(" + "))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

/// A form of the name for equality tests: string types ignored, case
/// folded, runs of white space collapsed (as Java compares names).
pub fn canonical(name: &X509Name<'_>) -> String {
    format_dn(name)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first C= value of a name.
pub fn country(name: &X509Name<'_>) -> Option<String> {
    name.iter_country()
        .next()
        .and_then(|a| value_string(a.attr_value()))
        .filter(|s| !s.is_empty())
}

fn format_attr(attr: &AttributeTypeAndValue<'_>) -> String {
    let oid = attr.attr_type().to_id_string();
    let key = keywords().get(oid.as_str()).copied().unwrap_or(&oid);
    match value_string(attr.attr_value()) {
        Some(v) => format!("{key}={}", quote(&v)),
        None => format!("{key}=#{}", crate::util::hex(attr.attr_value().data)),
    }
}

/// Quotes a value the RFC 1779 way when it needs it.
fn quote(v: &str) -> String {
    const SPECIAL: &[char] = &[',', '=', '\n', '+', '<', '>', '#', ';', '\\', '"'];
    let needs = v.contains(SPECIAL) || v.starts_with(' ') || v.ends_with(' ') || v.contains("  ");
    if !needs {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Decodes a string-typed attribute value; `None` for non-string types.
fn value_string(any: &Any<'_>) -> Option<String> {
    let data = any.data;
    match any.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString
        | Tag::GeneralString
        | Tag::GraphicString => Some(String::from_utf8_lossy(data).into_owned()),
        // Teletex and Videotex: read as Latin-1, as most encoders meant it.
        Tag::T61String | Tag::VideotexString => Some(data.iter().map(|b| char::from(*b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        Tag::UniversalString => Some(
            data.chunks_exact(4)
                .map(|c| {
                    char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                        .unwrap_or(char::REPLACEMENT_CHARACTER)
                })
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("Android Debug"), "Android Debug");
        assert_eq!(quote("Foo, Inc."), "\"Foo, Inc.\"");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(quote(" lead"), "\" lead\"");
    }

    #[test]
    fn keyword_table_loads() {
        assert_eq!(keywords().get("2.5.4.3"), Some(&"CN"));
        assert_eq!(keywords().get("2.5.4.8"), Some(&"ST"));
        assert!(keywords().len() >= 15);
    }
}
