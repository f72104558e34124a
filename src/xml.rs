//! `telltale xml`: any compiled XML entry of a package as readable XML —
//! binary XML (APK) or aapt2's protobuf XML (App Bundle), also inside nested
//! packages (`member.apk!AndroidManifest.xml`); property lists (an IPA's
//! Info.plist, binary or XML) print as XML plists; a bare binary XML file or
//! property list prints whole. Errors never show a decoder's internals.

use crate::android::axml::{self, AxmlDocument};
use crate::android::{aapt_proto, resources};
use crate::container::detect::is_plist;
use crate::container::zip::{Archive, Limits};
use std::path::Path;

/// The manifest of an App Bundle's base module.
const AAB_MANIFEST: &str = "base/manifest/AndroidManifest.xml";

/// Decodes `entry` of the package at `path` to XML text, resolving resource
/// references through the package's resources.arsc when it has one. `entry`
/// may name an entry inside a nested package with `!` (`split.apk!res/xml/a.xml`).
pub fn entry_as_xml(path: &Path, entry: &str) -> Result<String, String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // A bare file: a compiled XML file or a property list, printed whole.
    if !data.starts_with(b"PK") {
        if data.starts_with(&[0x03, 0x00, 0x08, 0x00]) {
            let doc = decode(&data).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(render(&doc, &|_| None));
        }
        if is_plist(&data) {
            return plist_as_xml(&data).map_err(|e| format!("{}: {e}", path.display()));
        }
    }
    let limits = Limits::default();
    let mut container = data;
    let mut parts: Vec<&str> = entry.split('!').collect();
    let last = parts.pop().unwrap_or(entry);
    for outer in parts {
        let archive = Archive::parse(&container).map_err(|e| format!("{outer}: {e}"))?;
        let found = archive
            .find(outer)
            .ok_or_else(|| format!("no entry {outer}"))?;
        container = archive
            .read(found, &limits)
            .map_err(|e| format!("{outer}: {e}"))?;
    }
    let archive = Archive::parse(&container).map_err(|e| format!("{}: {e}", path.display()))?;
    let wanted = match archive.find(last) {
        Some(found) => found,
        // An App Bundle keeps its manifest in the base module.
        None if last == "AndroidManifest.xml" => archive
            .find(AAB_MANIFEST)
            .ok_or_else(|| format!("{}: no entry {last}", path.display()))?,
        None => return Err(format!("{}: no entry {last}", path.display())),
    };
    let bytes = archive
        .read(wanted, &limits)
        .map_err(|e| format!("{entry}: {e}"))?;
    if is_plist(&bytes) {
        return plist_as_xml(&bytes).map_err(|e| format!("{entry}: {e}"));
    }
    let doc = decode(&bytes).map_err(|e| format!("{entry}: {e}"))?;
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
    Ok(render(&doc, &resolve))
}

/// The document as XML text, anomalies as comments at the end.
fn render(doc: &AxmlDocument, resolve: &dyn Fn(u32) -> Option<String>) -> String {
    let mut text = axml::to_xml(doc, resolve);
    for a in &doc.anomalies {
        text.push_str(&format!("<!-- anomaly: {} -->\n", a.replace("--", "- -")));
    }
    text
}

/// A property list (binary or XML) as XML plist text.
fn plist_as_xml(bytes: &[u8]) -> Result<String, String> {
    let mut value = plist::Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|_| "not a readable property list".to_string())?;
    crate::apple::plist_read::printable_dates(&mut value);
    let mut out = Vec::new();
    value
        .to_writer_xml(&mut out)
        .map_err(|_| "property list could not be written as XML".to_string())?;
    out.push(b'\n');
    String::from_utf8(out).map_err(|_| "property list is not valid UTF-8".to_string())
}

/// Binary XML when it looks like it (chunk type 0x0003, or any AXML that
/// decodes), else aapt2's protobuf XML.
fn decode(bytes: &[u8]) -> Result<AxmlDocument, String> {
    let binary = axml::parse(bytes);
    if bytes.starts_with(&[0x03, 0x00]) {
        return binary.map_err(|e| e.to_string());
    }
    match aapt_proto::parse_xml(bytes) {
        Ok(root) => Ok(AxmlDocument {
            root: Some(root),
            anomalies: Vec::new(),
        }),
        Err(_) => binary.map_err(|_| {
            "not a compiled XML file (neither Android binary XML nor aapt2 protobuf XML) nor a property list"
                .to_string()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    #[test]
    fn nested_entries_are_reachable_with_bang_paths() {
        let xml = entry_as_xml(
            &sample("samples/splits.apks"),
            "base.apk!AndroidManifest.xml",
        )
        .unwrap();
        assert!(xml.contains("package=\"org.telltale.splits\""), "{xml}");
    }

    #[test]
    #[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
    fn bundle_manifest_is_protobuf_xml() {
        let aab =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/aab/appinfo-android.aab");
        if !aab.is_file() {
            eprintln!("skipping: ../shared/corpus/aab is absent");
            return;
        }
        let xml = entry_as_xml(&aab, "AndroidManifest.xml").unwrap();
        assert!(xml.contains("package=\"com.icyleaf.appinfodemo\""), "{xml}");
        assert!(xml.contains("android.permission.ACCESS_NETWORK_STATE"));
    }
}
