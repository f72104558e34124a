//! Endpoint noise by context: hosts that pass the shape rules of
//! [`super::endpoints`] but that no program contacts, judged from where they
//! were seen. Each is dropped with a class, so a report can count them:
//!
//! * `documentation`: documentation, source-browser, issue-tracker and
//!   package-index hosts (`doc_hosts` in `data/endpoint_noise.toml`), as the
//!   whole host or a parent domain, seen anywhere (javadoc links, error
//!   messages, `gcc.gnu.org/bugs` in every libstdc++);
//! * `licence-or-notice`, `certificate`, `build-metadata`, `source-file`:
//!   the entry is a licence/README, a keystore or certificate, build
//!   metadata, or a source file shipped by mistake (`noise_paths`, matched on
//!   the file name, or the whole path when the pattern has a `/`);
//! * `comment`: a hit inside a comment of a JavaScript, HTML or CSS entry
//!   ([`scan_entry`]).
//!
//! A host seen both as noise and elsewhere stays an endpoint with its other
//! locations.

use std::sync::LazyLock;

use serde::Deserialize;

use super::{EndpointHit, EntryScan};
use crate::glob::Glob;

#[derive(Debug, Default, Deserialize)]
struct NoiseContext {
    doc_hosts: Vec<String>,
    noise_paths: Vec<PathClass>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PathClass {
    class: String,
    patterns: Vec<String>,
    source: String,
}

/// The classes a path rule may give.
const PATH_CLASSES: &[&str] = &[
    "licence-or-notice",
    "certificate",
    "build-metadata",
    "source-file",
];

struct Rules {
    doc_hosts: Vec<String>,
    paths: Vec<(Glob, bool, String)>,
}

/// Checks the context lists of `data/endpoint_noise.toml`.
pub fn check(text: &str) -> Result<(), String> {
    let c: NoiseContext = toml::from_str(text).map_err(|e| e.to_string())?;
    for p in &c.noise_paths {
        if !PATH_CLASSES.contains(&p.class.as_str()) {
            return Err(format!("noise_paths: unknown class {}", p.class));
        }
        if p.patterns.is_empty() || p.source.trim().is_empty() {
            return Err(format!("noise_paths {}: no patterns or no source", p.class));
        }
    }
    if c.doc_hosts.iter().any(|h| h.is_empty() || h.contains('/')) {
        return Err("doc_hosts: a host name, no path".into());
    }
    Ok(())
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    // Compiled in and checked by a unit test; unreadable lists drop nothing.
    let c: NoiseContext =
        toml::from_str(include_str!("../../data/endpoint_noise.toml")).unwrap_or_default();
    let mut paths = Vec::new();
    for p in c.noise_paths {
        for pat in p.patterns {
            let pat = pat.to_ascii_lowercase();
            paths.push((Glob::new(&pat), pat.contains('/'), p.class.clone()));
        }
    }
    Rules {
        doc_hosts: c
            .doc_hosts
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect(),
        paths,
    }
});

/// The noise class of `host` seen in the entry `path`, if it is noise there.
pub fn classify(path: &str, host: &str) -> Option<&'static str> {
    let r = &*RULES;
    let host = host.to_ascii_lowercase();
    if r.doc_hosts.iter().any(|d| {
        host == *d
            || host
                .strip_suffix(d.as_str())
                .is_some_and(|rest| rest.ends_with('.'))
    }) {
        return Some("documentation");
    }
    // The innermost entry of a nested path (`a.apk!LICENSE`).
    let inner = path.rsplit('!').next().unwrap_or(path).to_ascii_lowercase();
    let name = inner.rsplit('/').next().unwrap_or(&inner);
    r.paths
        .iter()
        .find(|(g, whole, _)| g.matches(if *whole { &inner } else { name }))
        .and_then(|(_, _, class)| PATH_CLASSES.iter().find(|c| **c == class).copied())
}

/// File extensions whose comments are scanned out ([`comment_ranges`]).
const COMMENTED: &[&str] = &["js", "mjs", "html", "htm", "css"];

/// Extensions of configuration text searched for named values ([`super::named`]).
const CONFIG: &[&str] = &["xml", "json", "properties", "plist", "cfg", "ini", "conf"];

/// [`super::scan_bytes`] of a whole entry named `path`; in JavaScript, HTML
/// and CSS text, hits inside comments go to `noise` (class `comment`); in
/// configuration text, values under classified key names go to `named`.
pub fn scan_entry(rules: &super::Rules, path: &str, bytes: &[u8]) -> EntryScan {
    let mut found = super::scan_bytes(rules, bytes, 0);
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if CONFIG.contains(&ext.as_str()) {
        found.named = super::named::scan(bytes);
    }
    if !COMMENTED.contains(&ext.as_str()) || found.endpoints.is_empty() {
        return found;
    }
    let ranges = comment_ranges(bytes);
    let inside = |h: &EndpointHit| {
        let i = ranges.partition_point(|(_, end)| *end <= h.offset as usize);
        ranges
            .get(i)
            .is_some_and(|(start, _)| *start <= h.offset as usize)
    };
    let (noise, kept): (Vec<EndpointHit>, Vec<EndpointHit>) =
        found.endpoints.into_iter().partition(inside);
    found.endpoints = kept;
    found
        .noise
        .extend(noise.into_iter().map(|h| ("comment".to_string(), h.host)));
    found
}

/// Byte ranges `[start, end)` of comments in JavaScript/HTML/CSS text,
/// ascending: `/* … */`, `<!-- … -->`, and `// …` to the end of the line
/// when the `//` starts a line or follows a space, `;`, `{`, `}` or `)` (so
/// `http://` is not a comment). String literals are not tracked: a `/*`
/// inside a string starts a comment, which can only hide hosts, never add
/// one. Linear in the input.
pub fn comment_ranges(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let find = |from: usize, pat: &[u8]| -> usize {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map_or(b.len(), |p| from + p + pat.len())
    };
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                let end = find(i + 2, b"*/");
                out.push((i, end));
                i = end;
            }
            (b'<', b'!') if b.get(i + 2..i + 4) == Some(b"--") => {
                let end = find(i + 4, b"-->");
                out.push((i, end));
                i = end;
            }
            (b'/', b'/')
                if i == 0
                    || matches!(
                        b[i - 1],
                        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'}' | b')'
                    ) =>
            {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                out.push((i, end));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_load() {
        check(include_str!("../../data/endpoint_noise.toml")).unwrap();
        assert!(!RULES.doc_hosts.is_empty());
        assert!(!RULES.paths.is_empty());
    }

    #[test]
    fn documentation_hosts_and_noise_paths() {
        assert_eq!(
            classify("classes.dex", "issuetracker.google.com"),
            Some("documentation")
        );
        assert_eq!(
            classify("lib/arm64-v8a/libx.so", "gcc.gnu.org"),
            Some("documentation")
        );
        assert_eq!(classify("classes.dex", "api.github.com"), None);
        assert_eq!(classify("classes.dex", "google.com"), None);
        assert_eq!(
            classify("okhttp3/internal/publicsuffix/NOTICE", "mozilla.org"),
            Some("licence-or-notice")
        );
        assert_eq!(
            classify("com/j256/ormlite/android/README.txt", "ormlite.com"),
            Some("licence-or-notice")
        );
        assert_eq!(
            classify("assets/ca.bks", "www.entrust.net"),
            Some("certificate")
        );
        assert_eq!(
            classify("base.apk!build-data.properties", "build.timestamp.as"),
            Some("build-metadata")
        );
        assert_eq!(
            classify(
                "javax/annotation/concurrent/GuardedBy.java",
                "www.somelib.org"
            ),
            Some("source-file")
        );
        assert_eq!(classify("assets/config.json", "api.example.cn"), None);
    }

    #[test]
    fn comments_of_scripts_and_pages() {
        let text = b"/* see https://es5.github.io/#x */\nvar u = 'https://api.real.com/x'; // https://github.com/a/b\n<!-- http://www.codeandweb.com -->\nfetch(\"http://cdn.real2.com\")";
        let r = comment_ranges(text);
        assert_eq!(r.len(), 3);
        let rules = &crate::knowledge::Knowledge::embedded().unwrap().scan;
        let found = scan_entry(rules, "assets/www/app.js", text);
        let hosts: Vec<&str> = found.endpoints.iter().map(|h| h.host.as_str()).collect();
        assert_eq!(hosts, ["api.real.com", "cdn.real2.com"]);
        let noise: Vec<&str> = found.noise.iter().map(|(_, h)| h.as_str()).collect();
        assert_eq!(noise, ["es5.github.io", "github.com", "www.codeandweb.com"]);
        // The same text in a file that is not a script keeps every host.
        assert_eq!(
            scan_entry(rules, "assets/data.bin", text).endpoints.len(),
            5
        );
    }
}
