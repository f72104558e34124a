//! Renders a decoded document as indented XML text (quick-xml writer).
//!
//! quick-xml escapes markup characters but neither removes characters that
//! XML 1.0 forbids nor checks names, so both are sanitised here: the output
//! always re-parses as well-formed, namespace-correct XML.

use std::collections::HashSet;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{ANDROID_NS, AxmlDocument, Element, Value};
use crate::android::res_value::{DIMENSION_UNITS, complex_to_float};

/// Deepest nesting rendered; deeper children are elided (the decoder never
/// builds deeper trees than this).
const MAX_RENDER_DEPTH: usize = 1024;

/// Renders the document as indented XML text; `resolve` turns resource ids
/// into `@type/name` text where it can (a leading `@` is optional).
pub fn to_xml(doc: &AxmlDocument, resolve: &dyn Fn(u32) -> Option<String>) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    emit(
        &mut writer,
        Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)),
    );
    if let Some(root) = &doc.root {
        let prefixes = Prefixes::collect(root);
        let ctx = Ctx {
            prefixes: &prefixes,
            resolve,
        };
        ctx.element(&mut writer, root, 0);
    }
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes one event to an in-memory buffer (which cannot fail).
fn emit(writer: &mut Writer<Vec<u8>>, event: Event<'_>) {
    if writer.write_event(event).is_err() {
        // Writing into a Vec<u8> does not fail; nothing to recover.
    }
}

/// Namespace URI → prefix, in order of first use.
struct Prefixes {
    list: Vec<(String, String)>,
}

impl Prefixes {
    fn collect(root: &Element) -> Prefixes {
        let mut list: Vec<(String, String)> = Vec::new();
        let mut generated = 0usize;
        let mut add = |uri: &str| {
            if uri.is_empty() || list.iter().any(|(u, _)| u == uri) {
                return;
            }
            let prefix = match uri {
                ANDROID_NS => "android".to_owned(),
                "http://schemas.android.com/tools" => "tools".to_owned(),
                "http://schemas.android.com/apk/res-auto" => "app".to_owned(),
                _ => {
                    generated += 1;
                    format!("ns{generated}")
                }
            };
            list.push((uri.to_owned(), prefix));
        };
        for e in root.descendants() {
            if let Some(ns) = &e.namespace {
                add(ns);
            }
            for a in &e.attributes {
                if let Some(ns) = &a.namespace {
                    add(ns);
                }
            }
        }
        Prefixes { list }
    }

    fn qualify(&self, namespace: Option<&str>, local: &str) -> String {
        let local = xml_name(local);
        match namespace.and_then(|ns| self.list.iter().find(|(u, _)| u == ns)) {
            Some((_, prefix)) => format!("{prefix}:{local}"),
            None => local,
        }
    }
}

struct Ctx<'r> {
    prefixes: &'r Prefixes,
    resolve: &'r dyn Fn(u32) -> Option<String>,
}

impl Ctx<'_> {
    fn element(&self, writer: &mut Writer<Vec<u8>>, element: &Element, depth: usize) {
        let name = self
            .prefixes
            .qualify(element.namespace.as_deref(), &element.name);
        let mut start = BytesStart::new(name.clone());
        let mut used: HashSet<String> = HashSet::new();
        if depth == 0 {
            for (uri, prefix) in &self.prefixes.list {
                let key = format!("xmlns:{prefix}");
                start.push_attribute((key.as_str(), xml_text(uri).as_str()));
                used.insert(key);
            }
        }
        for a in &element.attributes {
            let mut key = self.prefixes.qualify(a.namespace.as_deref(), &a.name);
            if key == "xmlns" {
                key = "_xmlns".to_owned();
            }
            if used.contains(&key) {
                let base = key.clone();
                let mut n = 2usize;
                while used.contains(&key) {
                    key = format!("{base}_{n}");
                    n += 1;
                }
            }
            let value = xml_text(&render_value(&a.value, self.resolve));
            start.push_attribute((key.as_str(), value.as_str()));
            used.insert(key);
        }
        let text = element
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if (element.children.is_empty() && text.is_none()) || depth >= MAX_RENDER_DEPTH {
            emit(writer, Event::Empty(start));
        } else {
            emit(writer, Event::Start(start));
            if let Some(text) = text {
                emit(writer, Event::Text(BytesText::new(&xml_text(text))));
            }
            for child in &element.children {
                self.element(writer, child, depth + 1);
            }
            emit(writer, Event::End(BytesEnd::new(name)));
        }
    }
}

/// Text of a value the way aapt/apktool show it: references as `@type/name`
/// (via `resolve`, else `@0x7f010001`), theme attributes as `?…`, booleans
/// `true`/`false`, integers in decimal, colours `#aarrggbb`, dimensions like
/// `16.0dip`.
pub fn render_value(value: &Value, resolve: &dyn Fn(u32) -> Option<String>) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Reference(0) => "@null".to_owned(),
        Value::Reference(id) => match resolve(*id) {
            Some(r) if r.starts_with('@') => r,
            Some(r) => format!("@{r}"),
            None => format!("@{id:#010x}"),
        },
        Value::AttributeRef(id) => match resolve(*id) {
            Some(r) => format!("?{}", r.trim_start_matches(['@', '?'])),
            None => format!("?{id:#010x}"),
        },
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Hex(h) => format!("{h:#010x}"),
        Value::Float(f) => format!("{f:?}"),
        Value::Dimension(d) => {
            let unit = DIMENSION_UNITS
                .get((d & 0xf) as usize)
                .copied()
                .unwrap_or("");
            format!("{:?}{unit}", complex_to_float(*d))
        }
        Value::Fraction(d) => {
            let unit = match d & 0xf {
                0 => "%",
                1 => "%p",
                _ => "",
            };
            format!("{:?}{unit}", complex_to_float(*d) * 100.0)
        }
        Value::Color(c) => format!("#{c:08x}"),
        Value::Null => String::new(),
        Value::Other { data, .. } => format!("{data:#010x}"),
    }
}

/// Whether `c` is allowed in XML 1.0 text.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` without the characters XML 1.0 forbids (quick-xml escapes the rest).
fn xml_text(s: &str) -> String {
    s.chars().filter(|&c| is_xml_char(c)).collect()
}

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// A valid XML local name (NCName) for `s`: invalid characters become `_`,
/// an invalid first character gets a `_` in front, and an empty name is `_`.
fn xml_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_name_start(c) => out.push(c),
        Some(c) if is_name_char(c) => {
            out.push('_');
            out.push(c);
        }
        _ => out.push('_'),
    }
    out.extend(chars.map(|c| if is_name_char(c) { c } else { '_' }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised() {
        assert_eq!(xml_name("name"), "name");
        assert_eq!(xml_name(""), "_");
        assert_eq!(xml_name("1abc"), "_1abc");
        assert_eq!(xml_name("android:name"), "android_name");
        assert_eq!(xml_name(" >\n</manifest>"), "_____manifest_");
        assert_eq!(xml_name("\u{0}x"), "_x");
    }

    #[test]
    fn values_render_like_aapt() {
        let none = |_: u32| None;
        let some = |_: u32| Some("string/app_name".to_owned());
        assert_eq!(
            render_value(&Value::Reference(0x7f01_0001), &none),
            "@0x7f010001"
        );
        assert_eq!(
            render_value(&Value::Reference(0x7f01_0001), &some),
            "@string/app_name"
        );
        assert_eq!(render_value(&Value::Bool(true), &none), "true");
        assert_eq!(render_value(&Value::Int(-3), &none), "-3");
        assert_eq!(render_value(&Value::Color(0xff00_ff00), &none), "#ff00ff00");
        // 16dip: mantissa 16 << 8, radix 23p0, unit dip.
        assert_eq!(
            render_value(&Value::Dimension((16 << 8) | 1), &none),
            "16.0dip"
        );
        // 50%: 0.5 with radix 0p23.
        assert_eq!(
            render_value(&Value::Fraction((0x40_0000 << 8) | (3 << 4)), &none),
            "50.0%"
        );
        assert_eq!(xml_text("a\u{1}b\u{FFFF}c\td"), "abc\td");
    }
}
