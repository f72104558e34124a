//! Java class names a native library names in its strings
//! (`com/tencent/bugly/crashreport/CrashReport` for `FindClass`): libraries
//! that register their methods from `JNI_OnLoad` export no `Java_…` symbols,
//! but still name the classes they serve.

use std::collections::BTreeSet;

/// Most class names kept per library.
pub const MAX_CLASSES: usize = 256;
/// Longest string considered a class name.
const MAX_LEN: usize = 256;

/// Java names (dotted) of the JNI class paths in `bytes`: NUL-terminated
/// runs shaped like `pkg/sub/Class` (at least three segments, lower-case
/// first segment, optional `L…;` descriptor form). Sorted, at most
/// [`MAX_CLASSES`].
pub fn class_refs(bytes: &[u8]) -> Vec<String> {
    let mut found = BTreeSet::new();
    for run in bytes.split(|b| *b == 0) {
        if found.len() >= MAX_CLASSES {
            break;
        }
        if run.len() < 5 || run.len() > MAX_LEN {
            continue;
        }
        let text = match run {
            [b'L', rest @ .., b';'] => rest,
            other => other,
        };
        if let Some(name) = as_class_path(text) {
            found.insert(name);
        }
    }
    found.into_iter().collect()
}

fn as_class_path(text: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(text).ok()?;
    let segments: Vec<&str> = s.split('/').collect();
    if segments.len() < 3 {
        return None;
    }
    let first = segments.first()?;
    if !first
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        || first.is_empty()
    {
        return None;
    }
    let ident = |seg: &&str| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
            && !seg.as_bytes()[0].is_ascii_digit()
    };
    if !segments.iter().all(ident) {
        return None;
    }
    Some(segments.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_jni_class_paths_and_skips_file_paths() {
        let bytes = b"\0com/tencent/bugly/crashreport/CrashReport\0/system/lib/libc.so\0\
Lcom/cmic/sso/sdk/auth/AuthnHelper;\0java/lang/String\0a/b\0not a/class/path\0\0";
        assert_eq!(
            class_refs(bytes),
            [
                "com.cmic.sso.sdk.auth.AuthnHelper",
                "com.tencent.bugly.crashreport.CrashReport",
                "java.lang.String"
            ]
        );
    }
}
