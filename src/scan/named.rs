//! Values under key names in configuration text: XML attributes
//! (`AppSecret="…"` in ShareSDK.xml), JSON members (`"client_secret": "…"`)
//! and properties lines (`app.secret=…`). The names are classified by the
//! `[key_names]` of `data/secret_patterns.toml` ([`super::secrets::KeyNames`]):
//! a value under a secret name is a secret whatever its entropy; a value
//! under a public name (an app key or id) is an app identifier, not a secret.

use super::secrets::{KeyNameClass, KeyNames};

/// One `name = value` pair found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedValue {
    pub name: String,
    pub value: String,
    /// Byte offset of the value's first byte in the entry (none for values
    /// read from a parsed document such as the binary manifest).
    pub offset: Option<u64>,
    pub class: NamedClass,
}

/// What the name says about the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedClass {
    Secret,
    Public,
}

/// Longest name and value considered.
const MAX_NAME: usize = 64;
const MAX_VALUE: usize = 256;
/// Shortest value reported (shorter ones are flags and sort ids).
const MIN_VALUE: usize = 6;
/// Most pairs kept per entry.
const MAX_PAIRS: usize = 1000;

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// A value read from a parsed document (manifest meta-data), classified by
/// its name; `None` when the name is not classified or the value is a
/// placeholder or reference.
pub fn classify_pair(names: &KeyNames, name: &str, value: &str) -> Option<NamedValue> {
    let class = match names.classify(name)? {
        KeyNameClass::Secret => NamedClass::Secret,
        KeyNameClass::Public => NamedClass::Public,
    };
    let value = value.trim();
    if value.len() < MIN_VALUE || value.len() > MAX_VALUE || placeholder(value) {
        return None;
    }
    Some(NamedValue {
        name: name.to_string(),
        value: value.to_string(),
        offset: None,
        class,
    })
}

/// Whether a value is a placeholder or a reference rather than a value.
fn placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    v.starts_with('@')
        || v.starts_with("${")
        || v.starts_with('$')
        || l.contains("your")
        || l.contains("xxxx")
        || l.contains("example")
        || l == "null"
        || l == "true"
        || l == "false"
        || l.starts_with("http")
}

/// Finds `name="value"`, `name='value'`, `"name": "value"` and
/// `name=value` (to the end of the line) pairs whose name the key-name lists
/// classify. Linear in the input: each `=`/`:` looks back at most
/// [`MAX_NAME`] bytes and forward at most [`MAX_VALUE`].
pub fn scan(names: &KeyNames, text: &[u8]) -> Vec<NamedValue> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() && out.len() < MAX_PAIRS {
        // The next `=` or `:` (everything between is skipped at memchr speed).
        let Some(at) = memchr::memchr2(b'=', b':', &text[i..]) else {
            break;
        };
        i += at;
        let Some((name, class)) = name_before(names, text, i) else {
            i += 1;
            continue;
        };
        let Some((vstart, vend)) = value_after(text, i) else {
            i += 1;
            continue;
        };
        let len = vend - vstart;
        if !(MIN_VALUE..=MAX_VALUE).contains(&len) {
            i = vend.max(i + 1);
            continue;
        }
        if let Ok(value) = std::str::from_utf8(&text[vstart..vend])
            && !placeholder(value)
            && !value.contains(char::is_whitespace)
        {
            out.push(NamedValue {
                name: name.to_string(),
                value: value.to_string(),
                offset: Some(vstart as u64),
                class: match class {
                    KeyNameClass::Secret => NamedClass::Secret,
                    KeyNameClass::Public => NamedClass::Public,
                },
            });
        }
        i = vend.max(i + 1);
    }
    out
}

/// The classified name before the `=`/`:` at `i`, optionally quoted,
/// optionally followed by spaces.
fn name_before<'t>(names: &KeyNames, text: &'t [u8], i: usize) -> Option<(&'t str, KeyNameClass)> {
    let mut end = i;
    while end > 0 && matches!(text[end - 1], b' ' | b'\t') && i - end < 4 {
        end -= 1;
    }
    if end > 0 && text[end - 1] == b'"' {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && end - start < MAX_NAME && is_name_byte(text[start - 1]) {
        start -= 1;
    }
    if start == end || end - start >= MAX_NAME {
        return None;
    }
    let name = std::str::from_utf8(&text[start..end]).ok()?;
    Some((name, names.classify(name)?))
}

/// Where the value after the `=`/`:` at `i` lies: quoted, or (for `=`) bare
/// to the end of the line.
fn value_after(text: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut v = i + 1;
    while v < text.len() && matches!(text[v], b' ' | b'\t') && v - i < 4 {
        v += 1;
    }
    match text.get(v) {
        Some(&q @ (b'"' | b'\'')) => {
            let s = v + 1;
            let e = text[s..text.len().min(s + MAX_VALUE + 1)]
                .iter()
                .position(|&c| c == q || c == b'\n')
                .map(|p| s + p)?;
            (text[e] == q).then_some((s, e))
        }
        Some(_) if text[i] == b'=' => {
            let s = v;
            let e = text[s..text.len().min(s + MAX_VALUE + 1)]
                .iter()
                .position(|&c| c == b'\n' || c == b'\r' || c == b' ' || c == b'<' || c == b'"')
                .map_or(text.len().min(s + MAX_VALUE + 1), |p| s + p);
            Some((s, e))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_xml_json_and_properties() {
        let names = crate::knowledge::Knowledge::embedded()
            .unwrap()
            .scan
            .key_names();
        let scan = |t: &[u8]| scan(names, t);
        let xml = br#"<SinaWeibo SortId="1" AppKey="474962333" AppSecret="26522c6ed236057fd4ff5005449f98e9" Enable="true" RedirectUrl="http://www.sharesdk.cn" />
<Douban ApiKey="031a96a3aa8b28af094fc3eaffa17a0d" Secret="2e675e730571b75d" />"#;
        let got: Vec<(String, String, NamedClass)> = scan(xml)
            .into_iter()
            .map(|n| (n.name, n.value, n.class))
            .collect();
        assert_eq!(
            got,
            [
                ("AppKey".into(), "474962333".into(), NamedClass::Public),
                (
                    "AppSecret".into(),
                    "26522c6ed236057fd4ff5005449f98e9".into(),
                    NamedClass::Secret
                ),
                (
                    "ApiKey".into(),
                    "031a96a3aa8b28af094fc3eaffa17a0d".into(),
                    NamedClass::Public
                ),
                (
                    "Secret".into(),
                    "2e675e730571b75d".into(),
                    NamedClass::Secret
                ),
            ]
        );
        let json = br#"{"client_secret": "s3cr3tValue99", "client_id":"abc123456"}"#;
        let got = scan(json);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].class, NamedClass::Secret);
        assert_eq!(
            &json[got[0].offset.unwrap() as usize..][..13],
            b"s3cr3tValue99"
        );
        let props = b"app.secret=Zq8xY2w9Lp\nother=1\nAppSecret=${SECRET}\n";
        let got = scan(props);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].value, "Zq8xY2w9Lp");
    }
}
