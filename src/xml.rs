//! `telltale xml`: any binary XML entry of a package as readable XML.

use crate::android::{axml, resources};
use crate::container::zip::{Archive, Limits};
use std::path::Path;

/// Decodes `entry` of the package at `path` to XML text, resolving resource
/// references through the package's resources.arsc when it has one.
pub fn entry_as_xml(path: &Path, entry: &str) -> Result<String, String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let archive = Archive::parse(&data).map_err(|e| format!("{}: {e}", path.display()))?;
    let limits = Limits::default();
    let wanted = archive
        .find(entry)
        .ok_or_else(|| format!("{}: no entry {entry}", path.display()))?;
    let bytes = archive
        .read(wanted, &limits)
        .map_err(|e| format!("{entry}: {e}"))?;
    let doc = axml::parse(&bytes).map_err(|e| format!("{entry}: {e}"))?;
    let table = archive
        .find("resources.arsc")
        .and_then(|e| archive.read(e, &limits).ok())
        .and_then(|b| resources::parse(&b).ok());
    let resolve = |id: u32| {
        table
            .as_ref()
            .and_then(|t| t.name_of(id))
            .map(|n| format!("@{n}"))
    };
    let mut text = axml::to_xml(&doc, &resolve);
    for a in &doc.anomalies {
        text.push_str(&format!("<!-- anomaly: {} -->\n", a.replace("--", "- -")));
    }
    Ok(text)
}
