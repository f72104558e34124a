//! Decoding JNI native-method symbol names (`Java_com_foo_Bar_method`).
//!
//! The JNI specification ("Resolving Native Method Names") builds the name
//! from `Java_`, the mangled fully-qualified class name, `_`, the mangled
//! method name and, for overloaded methods, `__` and the mangled argument
//! signature. Mangling: `/` becomes `_`, and `_1` stands for `_`, `_2` for
//! `;`, `_3` for `[`, `_0xxxx` for the UTF-16 unit `xxxx` (hex). Since Java
//! identifiers never start with a digit, a `_` followed by `0`–`3` is always
//! an escape.

/// A decoded JNI symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JniMethod {
    /// Dotted class name (`com.foo.Bar`, inner classes as `Outer$Inner`).
    pub class: String,
    pub method: String,
    /// Mangled argument signature, decoded (`Ljava/lang/String;I`), when overloaded.
    pub signature: Option<String>,
}

/// Decodes `Java_…` into class, method and signature; `None` when the name
/// does not follow the scheme.
pub fn decode(symbol: &str) -> Option<JniMethod> {
    let body = symbol.strip_prefix("Java_")?;
    let mut segments: Vec<String> = vec![String::new()];
    let mut signature: Option<String> = None;
    let mut units: Vec<u16> = Vec::new();
    let b = body.as_bytes();
    let mut i = 0;
    // Decode into UTF-16 units per segment so `_0xxxx` pairs combine.
    let flush = |units: &mut Vec<u16>, seg: &mut String| {
        seg.push_str(&String::from_utf16_lossy(units));
        units.clear();
    };
    while let Some(&c) = b.get(i) {
        if c == b'_' {
            match b.get(i + 1) {
                Some(b'1') => {
                    units.push(u16::from(b'_'));
                    i += 2;
                }
                Some(b'2') => {
                    units.push(u16::from(b';'));
                    i += 2;
                }
                Some(b'3') => {
                    units.push(u16::from(b'['));
                    i += 2;
                }
                Some(b'0') => {
                    let hex = body.get(i + 2..i + 6)?;
                    units.push(u16::from_str_radix(hex, 16).ok()?);
                    i += 6;
                }
                Some(b'_') if signature.is_none() => {
                    // `__`: the argument signature follows.
                    let seg = segments.last_mut()?;
                    flush(&mut units, seg);
                    let sig = decode_signature(body.get(i + 2..)?)?;
                    signature = Some(sig);
                    break;
                }
                _ => {
                    let seg = segments.last_mut()?;
                    flush(&mut units, seg);
                    segments.push(String::new());
                    i += 1;
                }
            }
        } else if c.is_ascii_alphanumeric() {
            units.push(u16::from(c));
            i += 1;
        } else {
            return None;
        }
    }
    if let Some(seg) = segments.last_mut() {
        flush(&mut units, seg);
    }
    if segments.len() < 2 || segments.iter().any(String::is_empty) {
        return None;
    }
    let method = segments.pop()?;
    Some(JniMethod {
        class: segments.join("."),
        method,
        signature,
    })
}

/// Decodes a mangled argument signature (`_` stands for `/` here).
fn decode_signature(s: &str) -> Option<String> {
    let mut units: Vec<u16> = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'_' {
            let (unit, step) = match b.get(i + 1) {
                Some(b'1') => (u16::from(b'_'), 2),
                Some(b'2') => (u16::from(b';'), 2),
                Some(b'3') => (u16::from(b'['), 2),
                Some(b'0') => (u16::from_str_radix(s.get(i + 2..i + 6)?, 16).ok()?, 6),
                _ => (u16::from(b'/'), 1),
            };
            units.push(unit);
            i += step;
        } else if c.is_ascii_alphanumeric() {
            units.push(u16::from(c));
            i += 1;
        } else {
            return None;
        }
    }
    Some(String::from_utf16_lossy(&units))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> Option<String> {
        decode(s).map(|m| m.class)
    }

    #[test]
    fn plain() {
        let m = decode("Java_com_cmic_sso_sdk_auth_AuthnHelper_nativeInit").unwrap();
        assert_eq!(m.class, "com.cmic.sso.sdk.auth.AuthnHelper");
        assert_eq!(m.method, "nativeInit");
        assert_eq!(m.signature, None);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            decode("Java_com_foo_1bar_My_1Class_do_1it").map(|m| (m.class, m.method)),
            Some(("com.foo_bar.My_Class".into(), "do_it".into()))
        );
        assert_eq!(
            class("Java_com_foo_Outer_00024Inner_run").as_deref(),
            Some("com.foo.Outer$Inner")
        );
        assert_eq!(
            class("Java_com_foo_Caf_000e9_run").as_deref(),
            Some("com.foo.Café")
        );
    }

    #[test]
    fn overloaded() {
        let m = decode("Java_pkg_Cls_f__ILjava_lang_String_2_3B").unwrap();
        assert_eq!(m.class, "pkg.Cls");
        assert_eq!(m.method, "f");
        assert_eq!(m.signature.as_deref(), Some("ILjava/lang/String;[B"));
        let m = decode("Java_pkg_Cls_g__").unwrap();
        assert_eq!(m.signature.as_deref(), Some(""));
    }

    #[test]
    fn default_package() {
        assert_eq!(class("Java_Main_run").as_deref(), Some("Main"));
    }

    #[test]
    fn rejects() {
        assert_eq!(decode("Java_"), None);
        assert_eq!(decode("Java_onlyone"), None);
        assert_eq!(decode("Java_a__b_"), None);
        assert_eq!(decode("Java_a_b_0zz"), None);
        assert_eq!(decode("Java_a_b_0"), None);
        assert_eq!(decode("Java_a.b_c"), None);
        assert_eq!(decode("JNI_OnLoad"), None);
        assert_eq!(decode("Java_a__b"), None); // no method segment before `__`
    }
}
