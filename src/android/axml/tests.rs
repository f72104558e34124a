//! Tests of the AXML decoder: the real corpus, hand-built hostile buffers and
//! a deterministic mutation loop.

use super::*;
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");

fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(SHARED).join("corpus/axml");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

fn corpus_files() -> Vec<(String, Vec<u8>)> {
    let Some(dir) = corpus_dir() else {
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect()
}

fn corpus_file(name: &str) -> Option<Vec<u8>> {
    let path = std::path::Path::new(SHARED).join("corpus/axml").join(name);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipping: {} not found", path.display());
            None
        }
    }
}

fn count_elements(e: &Element) -> usize {
    e.descendants().len()
}

fn count_named(e: &Element, name: &str) -> usize {
    e.descendants().iter().filter(|d| d.name == name).count()
}

fn render_is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn no_resolve(_: u32) -> Option<String> {
    None
}

/// Re-reads `xml` with quick-xml (namespace-aware, attribute checks on) and
/// returns the number of elements, or the first error.
fn reparse(xml: &str) -> Result<usize, String> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut elements = 0usize;
    let mut depth = 0i64;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        let unbound = matches!(ns, ResolveResult::Unknown(_));
        let (start, opens) = match event {
            Event::Start(s) => (s, true),
            Event::Empty(s) => (s, false),
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Eof => break,
            Event::Text(t) => {
                if !t.xml_content(XmlVersion::Explicit1_0).trim().is_empty() {
                    return Err("unexpected text".into());
                }
                continue;
            }
            _ => continue,
        };
        if unbound {
            return Err(format!("unbound element prefix in {start:?}"));
        }
        elements += 1;
        if opens {
            depth += 1;
        }
        for attr in start.attributes() {
            let attr = attr.map_err(|e| e.to_string())?;
            let (ans, _) = reader.resolver().resolve_attribute(attr.key);
            if matches!(ans, ResolveResult::Unknown(_)) {
                return Err(format!("unbound attribute prefix {:?}", attr.key));
            }
            attr.normalized_value(XmlVersion::Explicit1_0)
                .map_err(|e| e.to_string())?;
        }
    }
    if let Some(bad) = xml.chars().find(|&c| !render_is_xml_char(c)) {
        return Err(format!("character {:#x} is not allowed in XML 1.0", bad as u32));
    }
    if depth != 0 {
        return Err(format!("unbalanced output (depth {depth})"));
    }
    Ok(elements)
}

#[test]
fn corpus_decodes_and_reparses() {
    let files = corpus_files();
    if files.is_empty() {
        return;
    }
    for (name, bytes) in &files {
        let doc = parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = doc
            .root
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no root"));
        let xml = to_xml(&doc, &no_resolve);
        let reparsed = reparse(&xml).unwrap_or_else(|e| panic!("{name}: output does not re-parse: {e}"));
        assert_eq!(reparsed, count_elements(root), "{name}: element count after re-parse");
        eprintln!(
            "{name}: root <{}> elements={} anomalies={:?}",
            root.name,
            count_elements(root),
            doc.anomalies
        );
    }
}

#[test]
fn zz_dump() {
    if let Ok(name) = std::env::var("AXML_DUMP") {
        let bytes = std::fs::read(&name).unwrap();
        let doc = parse(&bytes).unwrap();
        if std::env::var("AXML_TREE").is_ok() {
            fn walk(e: &Element, d: usize) {
                println!("{}E: {}", "  ".repeat(d), e.name);
                for a in &e.attributes {
                    let p = if a.namespace.as_deref() == Some(ANDROID_NS) { "android:" } else { "" };
                    let id = a.resource_id.map(|i| format!("({i:#010x})")).unwrap_or_default();
                    println!("{}A: {p}{}{id}", "  ".repeat(d + 1), a.name);
                }
                for c in &e.children { walk(c, d + 1); }
            }
            walk(doc.root.as_ref().unwrap(), 0);
        } else {
            println!("{}", to_xml(&doc, &no_resolve));
        }
        println!("{:#?}", doc.anomalies);
    }
}
