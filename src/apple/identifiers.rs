//! Identifier and fingerprinting APIs in a Mach-O, from imported symbols,
//! selectors and readable strings (`data/apple_identifier_apis.toml`).

use super::macho::MachOFacts;
use crate::datafile::Doc;
use serde::Deserialize;

/// One catalogued iOS API.
#[derive(Debug, Deserialize)]
pub struct AppleApi {
    pub api: String,
    pub category: String,
    /// Why reading it matters for privacy (one sentence).
    pub reason: String,
    #[serde(default)]
    pub symbols: Vec<String>,
    #[serde(default)]
    pub selectors: Vec<String>,
    pub requires_string: Option<String>,
    pub source: String,
}

#[derive(Deserialize)]
struct ApiFile {
    api: Vec<AppleApi>,
}

/// Parses `data/apple_identifier_apis.toml`.
pub fn parse_catalogue<'a>(doc: impl Into<Doc<'a>>) -> Result<Vec<AppleApi>, String> {
    let apis = doc.into().read::<ApiFile>().map(|f| f.api)?;
    if let Some(a) = apis
        .iter()
        .find(|a| a.reason.trim().is_empty() || a.source.trim().is_empty())
    {
        return Err(format!("{}: empty reason or source", a.api));
    }
    Ok(apis)
}

/// The catalogued APIs a binary uses. A `requires_string` condition is
/// checked against the C strings of the unencrypted slices; when every slice
/// is encrypted it cannot be checked and the API is reported on its symbol.
pub fn detect<'k>(catalogue: &'k [AppleApi], m: &MachOFacts) -> Vec<&'k AppleApi> {
    let imports = m.imports();
    let selectors = m.selectors();
    let cstrings: std::collections::BTreeSet<&String> = m
        .slices
        .iter()
        .filter(|s| !s.encrypted)
        .flat_map(|s| s.cstrings.iter())
        .collect();
    let strings_readable = m.slices.iter().any(|s| !s.encrypted);
    catalogue
        .iter()
        .filter(|a| {
            let used = a.symbols.iter().any(|s| imports.contains(s))
                || a.selectors.iter().any(|s| selectors.contains(s));
            used && match &a.requires_string {
                Some(s) if strings_readable => cstrings.contains(s),
                _ => true,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_loads() {
        let catalogue =
            parse_catalogue(include_str!("../../data/apple_identifier_apis.toml")).unwrap();
        assert!(catalogue.len() >= 10);
        assert!(catalogue.iter().all(|a| !a.source.is_empty()));
    }
}
