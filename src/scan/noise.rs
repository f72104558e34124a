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
//!   ([`scan_entry`]);
//! * `licence-or-notice` also for a text or HTML entry of any name whose
//!   opening text, outside comments, carries a licence phrase
//!   (`licence_markers`: `res/raw/gpl_30_full.txt` of an about screen,
//!   "Creative Commons Legal Code", "Mozilla Public License").
//!
//! In strings of code (the DEX string table, ELF and Mach-O string sections:
//! [`Context::sift_code_string`]), where the hit's whole string is known:
//!
//! * `message`: a link a sentence points a reader to: one of
//!   `pointer_phrases` ("see", "contact us at", "powered by", "fix:", "e.g.")
//!   ends at most [`POINTER_GAP`] bytes before the hit, as whole words
//!   ("This should never happen. Contact us at https://parse.com/help");
//!   a host the program names in a message without pointing at it ("Could
//!   not parse http://dl-xda.xposed.info/framework.json") stays;
//! * `path-or-suffix`: a bare host right after a `.` or a single `/` that
//!   opens the string: a hidden file name (`.mid.world.ro`), a domain suffix
//!   matched against hosts or cookie domains (`.doubleclick.net`) or a
//!   relative path (`/socket.io/1/`), never a host by itself;
//! * `identifier`: a bare `host/path` that is an identifier in a protocol,
//!   not an address (`identifier_urls`: Firebase messages' `from` values
//!   `google.com/iid`, `gcm.googleapis.com/refresh`).
//!
//! A host seen both as noise and elsewhere stays an endpoint with its other
//! locations.

use crate::datafile::Doc;
use serde::Deserialize;

use super::{EndpointHit, EntryScan};
use crate::glob::Glob;

#[derive(Debug, Default, Deserialize)]
struct ContextFile {
    #[serde(default)]
    doc_hosts: Vec<String>,
    #[serde(default)]
    doc_urls: Vec<String>,
    #[serde(default)]
    noise_paths: Vec<PathClass>,
    #[serde(default)]
    licence_markers: Vec<String>,
    #[serde(default)]
    pointer_phrases: Vec<String>,
    #[serde(default)]
    identifier_urls: Vec<String>,
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

/// The context lists of `data/endpoint_noise.toml` (`doc_hosts`, `doc_urls`,
/// `noise_paths`), compiled; part of the scanner's [`super::Rules`], so a
/// `--knowledge` folder's lists are the ones applied.
#[derive(Debug, Default)]
pub struct Context {
    doc_hosts: Vec<String>,
    doc_urls: Vec<Glob>,
    paths: Vec<(Glob, bool, &'static str)>,
    licence_markers: Vec<Vec<u8>>,
    pointer_phrases: Vec<Vec<u8>>,
    identifier_urls: Vec<Glob>,
}

impl Context {
    /// Parses and checks the context lists of `endpoint_noise.toml`.
    pub fn parse<'a>(doc: impl Into<Doc<'a>>) -> Result<Context, String> {
        let c: ContextFile = doc.into().read()?;
        let mut paths = Vec::new();
        for p in c.noise_paths {
            let Some(class) = PATH_CLASSES.iter().find(|k| **k == p.class) else {
                return Err(format!("noise_paths: unknown class {}", p.class));
            };
            if p.patterns.is_empty() || p.source.trim().is_empty() {
                return Err(format!("noise_paths {}: no patterns or no source", p.class));
            }
            for pat in p.patterns {
                let pat = pat.to_ascii_lowercase();
                paths.push((Glob::new(&pat), pat.contains('/'), *class));
            }
        }
        if c.licence_markers.iter().any(|m| m.trim().len() < 8) {
            return Err("licence_markers: phrases of at least 8 characters".into());
        }
        if c.pointer_phrases.iter().any(|m| m.trim().len() < 2) {
            return Err("pointer_phrases: phrases of at least 2 characters".into());
        }
        if c.doc_hosts.iter().any(|h| h.is_empty() || h.contains('/')) {
            return Err("doc_hosts: a host name, no path".into());
        }
        if c.doc_urls
            .iter()
            .chain(&c.identifier_urls)
            .any(|u| !u.contains('/') || u.contains("://"))
        {
            return Err("doc_urls, identifier_urls: host/path patterns without a scheme".into());
        }
        Ok(Context {
            doc_hosts: c
                .doc_hosts
                .into_iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            doc_urls: c
                .doc_urls
                .iter()
                .map(|u| Glob::new(&u.to_ascii_lowercase()))
                .collect(),
            paths,
            licence_markers: c
                .licence_markers
                .iter()
                .map(|m| m.to_ascii_lowercase().into_bytes())
                .collect(),
            pointer_phrases: c
                .pointer_phrases
                .iter()
                .map(|m| m.trim().to_ascii_lowercase().into_bytes())
                .collect(),
            identifier_urls: c
                .identifier_urls
                .iter()
                .map(|u| Glob::new(&u.to_ascii_lowercase()))
                .collect(),
        })
    }

    /// Whether `host` (seen inside `url`, if any) is a documentation host
    /// (`doc_hosts`, also as a parent domain) or the URL a page people read
    /// (`doc_urls`).
    fn is_documentation(&self, host: &str, url: Option<&str>) -> bool {
        let host = host.to_ascii_lowercase();
        if self.doc_hosts.iter().any(|d| {
            host == *d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        }) {
            return true;
        }
        let Some(url) = url else {
            return false;
        };
        // host/path without scheme, user info, port, query or fragment.
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let path_part = rest.find('/').map_or("", |i| &rest[i..]);
        let bare = format!("{host}{}", path_part.to_ascii_lowercase());
        self.doc_urls.iter().any(|g| g.matches(&bare))
    }

    /// The noise class of the hit at byte `at` of `string`, one whole
    /// string of code (a DEX string, a NUL-delimited string of a binary),
    /// if it is not an address there (see the module doc). Documentation
    /// hosts and pages are left to [`Context::classify`].
    pub fn code_string_class(
        &self,
        string: &[u8],
        at: usize,
        hit: &EndpointHit,
    ) -> Option<&'static str> {
        let at = at.min(string.len());
        // Counted as `documentation` where it is collected.
        if self.is_documentation(&hit.host, hit.url.as_deref()) {
            return None;
        }
        if hit.url.is_none() {
            let opens = |c: u8| at == 1 && string[0] == c;
            if opens(b'.') || (opens(b'/') && string.get(1) != Some(&b'/')) {
                return Some("path-or-suffix");
            }
            let end = string[at..]
                .iter()
                .position(|&b| !is_path_byte(b))
                .map_or(string.len(), |p| at + p);
            let token = String::from_utf8_lossy(&string[at..end]).to_ascii_lowercase();
            if token.contains('/') && self.identifier_urls.iter().any(|g| g.matches(&token)) {
                return Some("identifier");
            }
        }
        let before = &string[at.saturating_sub(POINTER_LOOKBACK)..at];
        let before = before.to_ascii_lowercase();
        let points = self.pointer_phrases.iter().any(|p| {
            (0..before.len()).rev().take(POINTER_GAP + 1).any(|end| {
                end >= p.len()
                    && before[end - p.len()..end] == p[..]
                    && (end == p.len() || !before[end - p.len() - 1].is_ascii_alphanumeric())
                    && before.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
            })
        });
        points.then_some("message")
    }

    /// Moves the hits of `found.endpoints[from..]`, all found in the one
    /// code string `string`, that are not addresses there
    /// ([`Context::code_string_class`]) to `found.noise`. `at` gives a
    /// hit's byte position in `string`, if known.
    pub fn sift_code_string(
        &self,
        string: &[u8],
        found: &mut Vec<EndpointHit>,
        from: usize,
        noise: &mut Vec<(String, EndpointHit)>,
        at: &dyn Fn(&EndpointHit) -> Option<usize>,
    ) {
        let mut i = from;
        while i < found.len() {
            let class = at(&found[i]).and_then(|p| self.code_string_class(string, p, &found[i]));
            match class {
                Some(class) => {
                    noise.push((class.to_string(), found.remove(i)));
                }
                None => i += 1,
            }
        }
    }

    /// Whether the opening [`LICENCE_WINDOW`] bytes of a text entry, outside
    /// comments, hold one of the `licence_markers` (ASCII case-insensitive).
    fn is_licence_text(&self, bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(LICENCE_WINDOW)];
        let ranges = comment_ranges(head);
        let mut text = Vec::with_capacity(head.len());
        let mut at = 0;
        for (start, end) in ranges {
            text.extend_from_slice(&head[at..start.max(at)]);
            at = end.max(at);
        }
        text.extend_from_slice(&head[at.min(head.len())..]);
        text.make_ascii_lowercase();
        // A run of white space inside a phrase ("Mozilla Public\r\nLicense")
        // counts as one space.
        text.dedup_by(|b, a| a.is_ascii_whitespace() && b.is_ascii_whitespace());
        for b in text.iter_mut() {
            if b.is_ascii_whitespace() {
                *b = b' ';
            }
        }
        self.licence_markers
            .iter()
            .any(|m| text.windows(m.len()).any(|w| w == m.as_slice()))
    }

    /// The noise class of `host` (seen inside `url`, if any) in the entry
    /// `path`, if it is noise there.
    pub fn classify(&self, path: &str, host: &str, url: Option<&str>) -> Option<&'static str> {
        if self.is_documentation(host, url) {
            return Some("documentation");
        }
        // The innermost entry of a nested path (`a.apk!LICENSE`).
        let inner = path.rsplit('!').next().unwrap_or(path).to_ascii_lowercase();
        let name = inner.rsplit('/').next().unwrap_or(&inner);
        self.paths
            .iter()
            .find(|(g, whole, _)| g.matches(if *whole { &inner } else { name }))
            .map(|(_, _, class)| *class)
    }
}

/// Most bytes between the end of a pointer phrase and the link it points
/// to ("You can use Bugly(http:\\bugly.qq.com)": 14).
pub const POINTER_GAP: usize = 16;

/// How far back [`Context::code_string_class`] looks for a pointer phrase.
const POINTER_LOOKBACK: usize = 64;

/// Bytes of a schemeless `host/path` token.
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'%')
}

/// How much of a text entry [`Context::is_licence_text`] reads, in bytes.
const LICENCE_WINDOW: usize = 4096;

/// Extensions of text an app may show as a licence page (and the empty
/// extension of `LICENSE`-like names).
const TEXT: &[&str] = &["txt", "html", "htm", "md", ""];

/// File extensions whose comments are scanned out ([`comment_ranges`]).
const COMMENTED: &[&str] = &["js", "mjs", "html", "htm", "css"];

/// Extensions of configuration text searched for named values ([`super::named`]).
const CONFIG: &[&str] = &["xml", "json", "properties", "plist", "cfg", "ini", "conf"];

/// [`super::scan_bytes`] of a whole entry named `path`; in JavaScript, HTML
/// and CSS text, hits inside comments go to `noise` (class `comment`) and
/// hits inside text for people (console output, error messages: class
/// `message`, [`in_message`]); in configuration text, values under classified
/// key names go to `named`.
pub fn scan_entry(rules: &super::Rules, path: &str, bytes: &[u8]) -> EntryScan {
    let mut found = super::scan_bytes(rules, bytes, 0);
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if CONFIG.contains(&ext.as_str()) {
        found.named = super::named::scan(rules.key_names(), bytes);
    }
    if !found.endpoints.is_empty()
        && TEXT.contains(&ext.as_str())
        && rules.context().is_licence_text(bytes)
    {
        for h in std::mem::take(&mut found.endpoints) {
            found.noise.push(("licence-or-notice".to_string(), h));
        }
        return found;
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
    for h in std::mem::take(&mut found.endpoints) {
        let class = if inside(&h) {
            "comment"
        } else if ext != "css" && in_message(bytes, h.offset as usize) {
            "message"
        } else {
            found.endpoints.push(h);
            continue;
        };
        found.noise.push((class.to_string(), h));
    }
    found
}

/// Calls whose string arguments are text for people, not addresses: console
/// output (library banners such as PixiJS's `console.log("%c PixiJS …
/// http://www.pixijs.com/")`) and error messages (`new Error("… visit
/// https://github.com/…/issues")`).
const MESSAGE_CALLS: &[&[u8]] = &[
    b"console.log(",
    b"console.info(",
    b"console.warn(",
    b"console.error(",
    b"console.debug(",
    b"Error(",
];

/// How far back [`in_message`] looks for the call, in bytes.
const MESSAGE_LOOKBACK: usize = 240;

/// Whether the hit at `at` lies in a string styled for the console (a `%c `
/// directive between its opening quote and the hit: PixiJS builds its banner
/// in an array for `console.log.apply`) or in the arguments of a
/// [`MESSAGE_CALLS`] call of the same statement: looking back at most [`MESSAGE_LOOKBACK`] bytes
/// and not past a `{`, `}` or line break (a `;` may be inside the message),
/// a message call opens and its parenthesis is not yet closed. Bounded work
/// per hit.
pub fn in_message(b: &[u8], at: usize) -> bool {
    let at = at.min(b.len());
    let from = at.saturating_sub(MESSAGE_LOOKBACK);
    let start = b[from..at]
        .iter()
        .rposition(|c| matches!(c, b'{' | b'}' | b'\n'))
        .map_or(from, |p| from + p + 1);
    let stmt = &b[start..at];
    // A string styled for the console (`%c` directives): a banner, even when
    // it is built into an array before `console.log.apply`.
    let literal = stmt
        .iter()
        .rposition(|c| matches!(c, b'"' | b'\''))
        .map_or(&stmt[..0], |q| &stmt[q..]);
    if literal.windows(3).any(|w| w == b"%c ") {
        return true;
    }
    MESSAGE_CALLS.iter().any(|call| {
        stmt.windows(call.len())
            .rposition(|w| w == *call)
            .is_some_and(|p| {
                // Still open: no `)` closes the call's own parenthesis.
                let mut depth = 0usize;
                stmt[p + call.len()..].iter().all(|c| match c {
                    b'(' => {
                        depth += 1;
                        true
                    }
                    b')' if depth == 0 => false,
                    b')' => {
                        depth -= 1;
                        true
                    }
                    _ => true,
                })
            })
    })
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
        let c = Context::parse(include_str!("../../data/endpoint_noise.toml")).unwrap();
        assert!(!c.doc_hosts.is_empty());
        assert!(!c.doc_urls.is_empty());
        assert!(!c.paths.is_empty());
    }

    #[test]
    fn documentation_hosts_and_noise_paths() {
        let c = Context::parse(include_str!("../../data/endpoint_noise.toml")).unwrap();
        let classify = |path: &str, host: &str| c.classify(path, host, None);
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
        assert_eq!(
            classify("runtime/root/google/protobuf/any.proto", "foo.bar.com"),
            Some("source-file")
        );
        assert_eq!(
            classify("assets/open_source.html", "ormlite.com"),
            Some("licence-or-notice")
        );
        // Code-hosting pages people read; downloads stay.
        let url = |u: &str| {
            let host = u.split('/').nth(2).unwrap().split(':').next().unwrap();
            c.classify("classes.dex", host, Some(u))
        };
        assert_eq!(
            url("https://github.com/square/okhttp/issues/2335"),
            Some("documentation")
        );
        assert_eq!(
            url("https://GitHub.com:443/a/b/blob/main/README.md?x=1"),
            Some("documentation")
        );
        assert_eq!(
            url("https://github.com/a/b/releases/download/v1/x.zip"),
            None
        );
        assert_eq!(url("https://github.com/login/oauth/authorize"), None);
    }

    #[test]
    fn strings_of_code() {
        let rules = &crate::knowledge::Knowledge::embedded().unwrap().scan;
        let scan = |strings: &[&str]| {
            let found = crate::scan::scan_strings(rules, strings.iter().map(|s| (100u64, *s)));
            let kept: Vec<String> = found.endpoints.iter().map(|h| h.host.clone()).collect();
            let noise: Vec<(String, String)> = found
                .noise
                .iter()
                .map(|(c, h)| (c.clone(), h.host.clone()))
                .collect();
            (kept, noise)
        };
        let pair = |c: &str, h: &str| (c.to_string(), h.to_string());
        // Links a sentence points a reader to.
        let (kept, noise) = scan(&[
            "This should never happen. Contact us at https://parse.com/help",
            "# You can use Bugly(http:\\\\bugly.qq.com) to get more Crash Detail!",
            "Missing google_app_id. Firebase Analytics disabled. See https://goo.gl/NAOOOI",
            "You must provide the Piwik Tracker URL! e.g. http://piwik.website.org/piwik.php",
            "… leaks a DecorContext. Fix: https://gist.github.com/jankovd/a210",
        ]);
        assert!(kept.is_empty(), "{kept:?}");
        assert_eq!(
            noise,
            [
                pair("message", "parse.com"),
                pair("message", "bugly.qq.com"),
                pair("message", "goo.gl"),
                pair("message", "piwik.website.org"),
                pair("message", "gist.github.com"),
            ]
        );
        // Messages naming a host the code uses, and plain addresses, stay;
        // "see" must be a whole word, and not too far from the link.
        let (kept, noise) = scan(&[
            "Could not parse http://dl-xda.xposed.info/framework.json",
            "Use the cached DNS tpns.qq.com -> ",
            "ping -c 1 -w 10 www.qq.com",
            "overseen https://api.real.com/v1",
            "see the notes of the release before calling https://api2.real.com/",
            "https://api.parse.com",
            "push.parse.com",
        ]);
        assert_eq!(
            kept,
            [
                "dl-xda.xposed.info",
                "tpns.qq.com",
                "www.qq.com",
                "api.real.com",
                "api2.real.com",
                "api.parse.com",
                "push.parse.com"
            ]
        );
        assert!(noise.is_empty(), "{noise:?}");
        // Paths, hidden file names and domain suffixes; protocol identifiers.
        let (kept, noise) = scan(&[
            "/socket.io/1/",
            ".mid.world.ro",
            ".doubleclick.net",
            "google.com/iid",
            "gcm.googleapis.com/refresh",
            "//pagead2.googlesyndication.com/pagead/gen_204",
            "gcm.googleapis.com/gcm/send",
            "pdm.io/",
        ]);
        assert_eq!(
            noise,
            [
                pair("path-or-suffix", "socket.io"),
                pair("path-or-suffix", "mid.world.ro"),
                pair("path-or-suffix", "doubleclick.net"),
                pair("identifier", "google.com"),
                pair("identifier", "gcm.googleapis.com"),
            ]
        );
        assert_eq!(
            kept,
            [
                "pagead2.googlesyndication.com",
                "gcm.googleapis.com",
                "pdm.io"
            ]
        );
        // Documentation hosts are left to `classify` (counted there).
        let (kept, _) = scan(&["see https://developer.android.com/x"]);
        assert_eq!(kept, ["developer.android.com"]);
        // The same rules in a binary's NUL-delimited strings.
        let elf = b"\0*** POWERED BY bugly.qq.com ***\0Failed: http://api.real.com/x\0";
        let found = crate::scan::scan_code_bytes(rules, elf, 1000);
        let kept: Vec<&str> = found.endpoints.iter().map(|h| h.host.as_str()).collect();
        assert_eq!(kept, ["api.real.com"]);
        assert_eq!(found.endpoints[0].offset, 1000 + 41);
        assert_eq!(found.noise[0].0, "message");
        assert_eq!(found.noise[0].1.host, "bugly.qq.com");
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
        let noise: Vec<&str> = found.noise.iter().map(|(_, h)| h.host.as_str()).collect();
        assert_eq!(noise, ["es5.github.io", "github.com", "www.codeandweb.com"]);
        // Console banners and error messages are text for people.
        let pixi = b"var e=[\"\\n %c %c PixiJS \"+v+\" %c  http://www.pixijs.com/  %c\",\"background: #ff66a5\"];";
        let at = pixi.windows(4).position(|w| w == b"http").unwrap();
        assert!(in_message(pixi, at));
        assert!(!in_message(b"var a=\"%c\",u=\"https://api.real.com\"", 17));
        let text = b"console.log(\"%c Pixi 5 - http://www.pixijs.com/ \",\"color:red\");var a=\"https://api.real.com/v1\";throw new Error(\"bad #\"+c+\"; visit https://docs.lib.org/e?x=\"+c);x(\"wss://push.real.com:8443/s\")";
        let found = scan_entry(rules, "assets/www/lib.min.js", text);
        let hosts: Vec<&str> = found.endpoints.iter().map(|h| h.host.as_str()).collect();
        assert_eq!(hosts, ["api.real.com", "push.real.com"]);
        let noise: Vec<(&str, &str)> = found
            .noise
            .iter()
            .map(|(c, h)| (c.as_str(), h.host.as_str()))
            .collect();
        assert_eq!(
            noise,
            [("message", "www.pixijs.com"), ("message", "docs.lib.org")]
        );
        // A licence text of any name: its hosts are notice, unless the licence
        // phrase is only in a comment (an app page opening with its licence).
        let gpl = b"<h3>GNU GENERAL PUBLIC LICENSE</h3> <a href=\"http://fsf.org/\">";
        let found = scan_entry(rules, "res/raw/gpl_30_full.txt", gpl);
        assert!(found.endpoints.is_empty());
        let noise: Vec<(&str, &str)> = found
            .noise
            .iter()
            .map(|(c, h)| (c.as_str(), h.host.as_str()))
            .collect();
        assert_eq!(noise, [("licence-or-notice", "fsf.org")]);
        let mpl = b"subject to the terms of the Mozilla Public\r\n  License, v. 1.1 at http://mozilla.org/MPL/1.1/.";
        assert!(
            scan_entry(rules, "res/raw/mpl_11_summary.txt", mpl)
                .endpoints
                .is_empty()
        );
        let page = b"<!-- Licensed under the Apache License, Version 2.0 --><script src=\"https://api.real.com/a.js\">";
        assert_eq!(
            scan_entry(rules, "assets/www/index.html", page)
                .endpoints
                .len(),
            1
        );
        let text = b"/* see https://es5.github.io/#x */\nvar u = 'https://api.real.com/x'; // https://github.com/a/b\n<!-- http://www.codeandweb.com -->\nfetch(\"http://cdn.real2.com\")";
        // The same text in a file that is not a script keeps every host.
        assert_eq!(
            scan_entry(rules, "assets/data.bin", text).endpoints.len(),
            5
        );
    }
}
