//! Endpoints in text: URLs, bare host names, IPv4 and IPv6 literals.
//!
//! One pass: `memchr2` jumps to every `.` and `:`; a `:` followed by `//`
//! starts a URL, another `:` between hex digits may be an IPv6 literal, and a
//! `.` is expanded to the host-like token around it. Each token is expanded
//! once (the scan resumes after it), so the work is linear in the input.
//!
//! # Precision rules
//!
//! A **URL** (`scheme://[userinfo@]host[:port][/path…]`) is kept when:
//! * the scheme is letters, digits, `+ - .` (at most 32), and not one whose
//!   authority is not a network host (`non_network_schemes` in
//!   `data/endpoint_noise.toml`: file, content, android.resource, intent, …);
//! * the host is an IPv4 literal (four decimal octets 0–255), a bracketed IPv6
//!   literal, or a DNS name (labels of letters, digits and `-`, 1–63 bytes,
//!   at most 253 in all, case-insensitive) whose suffix is in the public suffix
//!   list and that has a registrable domain below that suffix;
//! * the host is not loopback/unspecified (127.0.0.0/8, 0.0.0.0, `::1`, `::`),
//!   not reserved or an example name (`reserved_domains`: example.com/.net/.org,
//!   `.example`, `.test`, `.invalid`, `localhost`, `.local`, also as parent
//!   domains), and not an XML namespace/schema host (`namespace_hosts`:
//!   schemas.android.com, w3.org, ns.adobe.com, xmlpull.org, purl.org, …);
//! * the URL does not start with a document-identifier/licence prefix
//!   (`url_prefixes`: www.apple.com/DTDs/, www.apache.org/licenses/, …).
//!
//! A **bare host** (no scheme) passes all the host rules above and also:
//! * it is written in lower case and has no `_` (code identifiers are mixed case);
//! * it is not glued to code or binary: the byte before is not `_ $ @` (`@` =
//!   e-mail address) and the byte after is not `_ $ ( @`, and neither is a
//!   non-ASCII byte (binary noise such as `\xb4.gy.gy\xb4`); a token right
//!   after `%` (`%s.umeng.com`) loses its first label;
//! * no label is a single character and the first label is not a code receiver
//!   (`code_receivers`: this, window, props, e, t, …);
//! * it is not an item of a comma-separated list of Java package names (the
//!   item next to it starts with `com.`, `org.`, `android.`…: lists of apps an
//!   SDK looks for, "smskb.com,com.tigerknows,…");
//! * it is not the subject of a sentence: a two-label token followed by a
//!   space and a verb such as `will`, `must`, `is` ("user.org will be cast to
//!   String" in an error message) is a field name;
//! * the last label is not a file extension (`file_extensions`: html, js, png,
//!   so, dex, xml, json, md, py, …) nor an identifier-like TLD
//!   (`identifier_tlds`: id, name, top, host, app, info, …);
//! * the last label is a two-letter country code or a long-standing generic
//!   TLD (`bare_host_generic_tlds`: com, net, org, …); brand and newer TLDs
//!   (`build.target`) count only inside URLs;
//! * it is not a Java package: the first label is not a package root
//!   (`package_roots`: java, android, kotlin, com, org, net, cn, …) unless the
//!   last label is a common host TLD (`common_host_tlds`: com, net, org, cn, …),
//!   so `cn.bing.com` is a host and `com.tencent.mm` a package; the labels of
//!   `never_first_labels` (java, javax, android, androidx, kotlin, dalvik, sun,
//!   and Android system-property prefixes ro, persist, sys, …) never start a host.
//!
//! A **bare IPv4** literal is four decimal octets 0–255 without leading zeros,
//! not touching another digit, dot, letter, `-` or `_`, and:
//! * not loopback, 0.x, multicast or reserved (224.0.0.0 and up), not `x.0.0.0`;
//! * not version- or OID-like: when its first two octets are both single digits
//!   (1.2.3.4, 2.5.29.17, 4.0.0.1) it is dropped unless listed in `known_ipv4`
//!   (8.8.8.8, 1.1.1.1, …); a preceding `v`/`V` also marks a version.
//!
//! A **bare IPv6** literal parses as an IPv6 address, contains at least two
//! `:`, is not glued to identifier characters, and is a global unicast address
//! (2000::/3) outside the documentation prefix 2001:db8::/32.
//!
//! Not supported: internationalised (non-ASCII) host names, IPv4-mapped IPv6
//! literals outside brackets, hosts split across string concatenations.

use crate::datafile::Doc;
use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::Deserialize;

use super::{EndpointHit, MAX_TOKEN, MAX_URL, OffsetMap};

/// The noise lists of `data/endpoint_noise.toml`.
#[derive(Debug, Deserialize)]
struct NoiseFile {
    namespace_hosts: Vec<String>,
    url_prefixes: Vec<String>,
    reserved_domains: Vec<String>,
    file_extensions: Vec<String>,
    identifier_tlds: Vec<String>,
    never_first_labels: Vec<String>,
    package_roots: Vec<String>,
    common_host_tlds: Vec<String>,
    bare_host_generic_tlds: Vec<String>,
    code_receivers: Vec<String>,
    known_ipv4: Vec<String>,
    non_network_schemes: Vec<String>,
    stray_byte_schemes: Vec<String>,
}

/// The noise lists as sets (from the knowledge base).
#[derive(Debug)]
pub struct Noise {
    namespace_hosts: HashSet<String>,
    url_prefixes: Vec<String>,
    reserved_domains: HashSet<String>,
    file_extensions: HashSet<String>,
    identifier_tlds: HashSet<String>,
    never_first_labels: HashSet<String>,
    package_roots: HashSet<String>,
    common_host_tlds: HashSet<String>,
    bare_host_generic_tlds: HashSet<String>,
    code_receivers: HashSet<String>,
    known_ipv4: HashSet<String>,
    non_network_schemes: HashSet<String>,
    /// Schemes often preceded by a stray byte in binary data (a DEX length
    /// prefix): `ahttps://` is read as `https://`. In file order.
    stray_byte_schemes: Vec<String>,
}

impl Noise {
    /// Parses `data/endpoint_noise.toml` into the lists the scanner checks.
    pub fn parse<'a>(doc: impl Into<Doc<'a>>) -> Result<Noise, String> {
        let file: NoiseFile = doc.into().read()?;
        let set = |v: Vec<String>| v.into_iter().map(|s| s.to_ascii_lowercase()).collect();
        Ok(Noise {
            namespace_hosts: set(file.namespace_hosts),
            url_prefixes: file
                .url_prefixes
                .into_iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            reserved_domains: set(file.reserved_domains),
            file_extensions: set(file.file_extensions),
            identifier_tlds: set(file.identifier_tlds),
            never_first_labels: set(file.never_first_labels),
            package_roots: set(file.package_roots),
            common_host_tlds: set(file.common_host_tlds),
            bare_host_generic_tlds: set(file.bare_host_generic_tlds),
            code_receivers: set(file.code_receivers),
            known_ipv4: set(file.known_ipv4),
            non_network_schemes: set(file.non_network_schemes),
            stray_byte_schemes: file
                .stray_byte_schemes
                .into_iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
        })
    }
}

/// Registrable domain via the public suffix list (None for IPs / invalid suffixes).
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    if host.parse::<Ipv4Addr>().is_ok() || host.parse::<Ipv6Addr>().is_ok() {
        return None;
    }
    let lower = host.to_ascii_lowercase();
    let domain = psl::domain(lower.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_owned)
}

#[inline]
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'
}

#[inline]
fn is_hex_or_colon(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':'
}

#[inline]
fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'
}

/// Bytes that may appear inside a URL (RFC 3986 characters, minus the ones
/// that usually delimit a URL in code and text: quotes, `<>`, `{}`, `|`, `\`, `^`, `` ` ``).
#[inline]
fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b':'
                | b'/'
                | b'?'
                | b'#'
                | b'['
                | b']'
                | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'%'
        )
}

/// Endpoints in one ASCII-compatible text (no UTF-16 runs), offsets from
/// `base_offset`: the endpoint half of [`super::scan_bytes`].
pub fn scan_endpoints(noise: &Noise, text: &[u8], base_offset: u64) -> Vec<EndpointHit> {
    let mut out = Vec::new();
    scan(
        noise,
        text,
        OffsetMap {
            base: base_offset,
            stride: 1,
        },
        &mut out,
    );
    out
}

/// Scans `text` for endpoints, appending hits with offsets mapped by `map`.
pub(crate) fn scan(noise: &Noise, text: &[u8], map: OffsetMap, out: &mut Vec<EndpointHit>) {
    let mut consumed = 0usize;
    let mut pos = 0usize;
    while let Some(rel) = text
        .get(pos..)
        .and_then(|rest| memchr::memchr2(b'.', b':', rest))
    {
        let at = pos + rel;
        pos = at + 1;
        super::count(1);
        if at < consumed {
            continue;
        }
        if text.get(at) == Some(&b':') {
            let skip = if text.get(at + 1..at + 3) == Some(b"//") {
                Some(url_at(noise, text, at, map, out))
            } else {
                ipv6_at(text, at, consumed, map, out)
            };
            if let Some(end) = skip {
                consumed = consumed.max(end);
                pos = pos.max(end);
            }
            continue;
        }
        // A dot: expand to the whole host-like token.
        let mut start = at;
        let floor = consumed.max(at.saturating_sub(MAX_TOKEN + 1));
        while start > floor && text.get(start - 1).copied().is_some_and(is_host_byte) {
            start -= 1;
            super::count(1);
        }
        let left_capped = start == floor
            && floor > consumed
            && text
                .get(start.wrapping_sub(1))
                .copied()
                .is_some_and(is_host_byte);
        let mut end = at + 1;
        while text.get(end).copied().is_some_and(is_host_byte) {
            end += 1;
            super::count(1);
        }
        consumed = end;
        pos = pos.max(end);
        if left_capped || end - start > MAX_TOKEN {
            continue;
        }
        bare_token(noise, text, start, end, map, out);
    }
}

/// Handles a host-like token `text[start..end]` outside any URL.
fn bare_token(
    noise: &Noise,
    text: &[u8],
    start: usize,
    end: usize,
    map: OffsetMap,
    out: &mut Vec<EndpointHit>,
) {
    let before = start.checked_sub(1).and_then(|i| text.get(i)).copied();
    let after = text.get(end).copied();
    if matches!(before, Some(b'_' | b'$' | b'@' | 0x80..))
        || matches!(after, Some(b'_' | b'$' | b'(' | b'@' | 0x80..))
    {
        return;
    }
    let Some(token) = text.get(start..end) else {
        return;
    };
    // Trim dots at either end (".example.com" in a cookie domain, "host." at a sentence end).
    let lead = token.iter().take_while(|&&b| b == b'.').count();
    let trail = token.iter().rev().take_while(|&&b| b == b'.').count();
    if lead + trail >= token.len() {
        return;
    }
    let mut host_start = start + lead;
    let mut host = &token[lead..token.len() - trail];
    if before == Some(b'%') && lead == 0 {
        // "%s.umeng.com": the first label is the rest of a format specifier.
        let Some(dot) = host.iter().position(|&b| b == b'.') else {
            return;
        };
        host = &host[dot + 1..];
        host_start += dot + 1;
    }
    if host.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.')
            || matches!(after, Some(b'-'))
            || lead > 0
            || trail > 0
        {
            return;
        }
        if bare_ipv4_ok(noise, host) {
            push(out, host, None, map.at(host_start));
        }
        return;
    }
    if bare_host_ok(noise, host)
        && !is_prose_subject(host, text.get(end..).unwrap_or_default())
        && !in_package_list(noise, text, start, end)
    {
        push(out, host, None, map.at(host_start));
    }
}

/// Whether the token `text[start..end]` is an item of a comma-separated list
/// of Java package names: the item right after its `,` (or right before it)
/// starts with a label of `never_first_labels` and a dot (`com.`, `org.`,
/// `android.`). Such lists (apps an SDK looks for: "smskb.com,com.tigerknows,
/// com.letv.android…", "flipboard.cn,com.google.android.street,…") hold package
/// names whose labels happen to end in a TLD.
fn in_package_list(noise: &Noise, text: &[u8], start: usize, end: usize) -> bool {
    let is_pkg_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_');
    let is_package = |item: &[u8]| {
        let item = std::str::from_utf8(item).unwrap_or_default();
        item.split_once('.').is_some_and(|(first, rest)| {
            !rest.is_empty() && noise.never_first_labels.contains(first)
        })
    };
    let next = text.get(end..).and_then(|r| r.strip_prefix(b","));
    let next_item = next.map(|r| {
        let r = r.trim_ascii_start();
        &r[..r.iter().take_while(|b| is_pkg_byte(b)).count()]
    });
    let prev_item = text
        .get(..start)
        .map(<[u8]>::trim_ascii_end)
        .and_then(|r| r.strip_suffix(b","))
        .map(|r| {
            let r = r.trim_ascii_end();
            &r[r.len() - r.iter().rev().take_while(|b| is_pkg_byte(b)).count()..]
        });
    next_item.is_some_and(is_package) || prev_item.is_some_and(is_package)
}

/// Verbs that, after a two-label token and a space, show it is the subject
/// of a sentence about a field or variable ("user.org will be cast to
/// String", "config.id must not be null"), not a host.
const PROSE_VERBS: &[&[u8]] = &[
    b"will", b"must", b"is", b"was", b"cannot", b"can", b"should", b"has", b"does", b"may",
];

/// Whether the two-label bare token `host` is followed, in `rest`, by a
/// space and one of [`PROSE_VERBS`] as a whole word.
fn is_prose_subject(host: &[u8], rest: &[u8]) -> bool {
    if host.iter().filter(|&&b| b == b'.').count() != 1 || rest.first() != Some(&b' ') {
        return false;
    }
    let word_len = rest[1..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let word = &rest[1..1 + word_len];
    PROSE_VERBS.contains(&word)
}

fn push(out: &mut Vec<EndpointHit>, host: &[u8], url: Option<&[u8]>, offset: u64) {
    let host = String::from_utf8_lossy(host).to_ascii_lowercase();
    let url = url.map(|u| String::from_utf8_lossy(u).into_owned());
    out.push(EndpointHit { host, url, offset });
}

/// Splits a host into labels, checking the DNS shape (1–63 bytes of letters,
/// digits and inner `-` per label, at most 253 bytes, at least two labels).
fn dns_shape_ok(host: &[u8]) -> bool {
    if host.len() > 253 || host.is_empty() {
        return false;
    }
    let mut labels = 0;
    for label in host.split(|&b| b == b'.') {
        labels += 1;
        if label.is_empty()
            || label.len() > 63
            || label.first() == Some(&b'-')
            || label.last() == Some(&b'-')
            || !label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
    }
    labels >= 2
}

/// Host rules shared by URL and bare hosts; `host` must be lower case.
fn dns_host_ok(noise: &Noise, host: &str) -> bool {
    if !dns_shape_ok(host.as_bytes()) {
        return false;
    }
    // The top-level label cannot be all digits (that is a version or an IP).
    if host
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let Some(domain) = psl::domain(host.as_bytes()) else {
        return false;
    };
    if !domain.suffix().is_known() {
        return false;
    }
    !in_domain_set(host, &noise.reserved_domains) && !in_domain_set(host, &noise.namespace_hosts)
}

/// Whether `host` or one of its parent domains is in `set`.
fn in_domain_set(host: &str, set: &HashSet<String>) -> bool {
    let mut rest = host;
    loop {
        if set.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) => rest = parent,
            None => return false,
        }
    }
}

/// The extra rules for a host seen without a scheme.
fn bare_host_ok(noise: &Noise, host: &[u8]) -> bool {
    if host.iter().any(|&b| b.is_ascii_uppercase() || b == b'_') {
        return false;
    }
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    if !dns_host_ok(noise, host) {
        return false;
    }
    let first = host.split('.').next().unwrap_or_default();
    let last = host.rsplit('.').next().unwrap_or_default();
    if host.split('.').any(|label| label.len() == 1)
        || noise.code_receivers.contains(first)
        || noise.file_extensions.contains(last)
        || noise.identifier_tlds.contains(last)
        || noise.never_first_labels.contains(first)
        || !(last.len() == 2 || noise.bare_host_generic_tlds.contains(last))
    {
        return false;
    }
    // A package root first is a Java package unless the host ends like a host.
    !noise.package_roots.contains(first) || noise.common_host_tlds.contains(last)
}

fn parse_ipv4(text: &[u8]) -> Option<Ipv4Addr> {
    let s = std::str::from_utf8(text).ok()?;
    // Ipv4Addr's parser already refuses leading zeros and values over 255.
    s.parse().ok()
}

/// Addresses that are never endpoints wherever they appear.
fn ipv4_is_noise(ip: Ipv4Addr) -> bool {
    let [a, ..] = ip.octets();
    ip.is_loopback() || ip.is_unspecified() || a == 0 || a >= 224
}

fn bare_ipv4_ok(noise: &Noise, text: &[u8]) -> bool {
    let Some(ip) = parse_ipv4(text) else {
        return false;
    };
    let [a, b, c, d] = ip.octets();
    if ipv4_is_noise(ip) || (b == 0 && c == 0 && d == 0) {
        return false;
    }
    if a < 10 && b < 10 {
        return noise.known_ipv4.contains(&ip.to_string());
    }
    true
}

fn ipv6_noise(ip: Ipv6Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

/// A `:` not followed by `//`: an IPv6 literal around it? Returns how far the
/// scan may skip (the end of the hex-and-colon run it looked at), if anywhere.
fn ipv6_at(
    text: &[u8],
    at: usize,
    consumed: usize,
    map: OffsetMap,
    out: &mut Vec<EndpointHit>,
) -> Option<usize> {
    const MAX_V6: usize = 39;
    // Cheap filter: hex or ':' on both sides.
    let prev = text.get(at.checked_sub(1)?).copied()?;
    let next = text.get(at + 1).copied()?;
    if !is_hex_or_colon(prev) || !is_hex_or_colon(next) {
        return None;
    }
    let floor = consumed.max(at.saturating_sub(MAX_V6));
    let mut start = at;
    while start > floor && text.get(start - 1).copied().is_some_and(is_hex_or_colon) {
        start -= 1;
        super::count(1);
    }
    let mut end = at + 1;
    while text.get(end).copied().is_some_and(is_hex_or_colon) {
        end += 1;
        super::count(1);
    }
    let glued =
        |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    if end - start > MAX_V6
        || glued(start.checked_sub(1).and_then(|i| text.get(i)).copied())
        || glued(text.get(end).copied())
    {
        return Some(end);
    }
    let literal = text.get(start..end)?;
    if literal.iter().filter(|&&b| b == b':').count() < 2 {
        return Some(end);
    }
    let Some(ip) = std::str::from_utf8(literal)
        .ok()
        .and_then(|s| s.parse::<Ipv6Addr>().ok())
    else {
        return Some(end);
    };
    let [s0, s1, ..] = ip.segments();
    let global = (0x2000..=0x3fff).contains(&s0) && !(s0 == 0x2001 && s1 == 0x0db8);
    if global {
        out.push(EndpointHit {
            host: ip.to_string(),
            url: None,
            offset: map.at(start),
        });
    }
    Some(end)
}

/// Bytes allowed in a URL authority (userinfo, host, port, IPv6 brackets).
#[inline]
fn is_authority_byte(b: u8) -> bool {
    is_url_byte(b) && !matches!(b, b'/' | b'?' | b'#')
}

/// A `://` at `colon`: parses the URL around it. Returns how far the scan may
/// skip: the end of the URL when it was valid or noise, the end of the
/// authority otherwise (so no byte is read twice by this function).
fn url_at(
    noise: &Noise,
    text: &[u8],
    colon: usize,
    map: OffsetMap,
    out: &mut Vec<EndpointHit>,
) -> usize {
    let body = colon + 3;
    // Authority first: cheap to reject, bounded.
    let auth_end = authority_end(text, body);
    let skip = auth_end;
    if auth_end - body > MAX_AUTHORITY {
        return skip;
    }
    let Some((s, non_network)) = scheme_start(noise, text, colon) else {
        return skip;
    };
    let Some(authority) = text.get(body..auth_end) else {
        return skip;
    };
    let host_part = match authority.iter().rposition(|&b| b == b'@') {
        Some(i) => authority.get(i + 1..).unwrap_or_default(),
        None => authority,
    };
    let host = if host_part.first() == Some(&b'[') {
        bracketed_host(text, host_part, auth_end, non_network)
    } else {
        named_host(noise, text, host_part, auth_end, non_network, map, out)
    };
    let host = match host {
        Ok(host) => host,
        Err(resume) => return resume,
    };
    let end = url_end(text, auth_end);
    let (Some(url_body), Some(url)) = (text.get(body..end), text.get(s..end.min(s + MAX_URL)))
    else {
        return end;
    };
    if !url_is_noise(noise, url_body) {
        push(out, host, Some(url), map.at(s));
    }
    end
}

/// Where the authority that starts at `body` ends; past `MAX_AUTHORITY`
/// bytes it stops one byte over, and the caller rejects it.
#[inline]
fn authority_end(text: &[u8], body: usize) -> usize {
    let mut auth_end = body;
    while auth_end - body <= MAX_AUTHORITY
        && text.get(auth_end).copied().is_some_and(is_authority_byte)
    {
        auth_end += 1;
        super::count(1);
    }
    auth_end
}

/// Longest authority considered (userinfo + host + port).
const MAX_AUTHORITY: usize = 512;

/// The scheme before the `:` at `colon`: where it starts, and whether it is
/// a non-network scheme. Up to 32 scheme bytes, starting with a letter; a
/// stray byte before a common scheme is left out.
#[inline]
fn scheme_start(noise: &Noise, text: &[u8], colon: usize) -> Option<(usize, bool)> {
    let mut s = colon;
    while s > 0 && colon - s < 32 && text.get(s - 1).copied().is_some_and(is_scheme_byte) {
        s -= 1;
    }
    while s < colon && !text.get(s).is_some_and(u8::is_ascii_alphabetic) {
        s += 1;
    }
    let scheme = text.get(s..colon).filter(|v| !v.is_empty())?;
    let mut scheme_buf = [0u8; 32];
    let scheme_lc = scheme_buf.get_mut(..scheme.len())?;
    scheme_lc.copy_from_slice(scheme);
    scheme_lc.make_ascii_lowercase();
    let mut scheme_lc = std::str::from_utf8(scheme_lc).ok()?;
    if let Some(known) = noise
        .stray_byte_schemes
        .iter()
        .find(|k| scheme_lc.len() == k.len() + 1 && scheme_lc.ends_with(k.as_str()))
    {
        s += 1;
        scheme_lc = known;
    }
    Some((s, noise.non_network_schemes.contains(scheme_lc)))
}

/// An `[IPv6]` host: the address bytes, or `Err(where the scan resumes)`
/// when it is not one or is noise.
#[inline]
fn bracketed_host<'a>(
    text: &[u8],
    host_part: &'a [u8],
    auth_end: usize,
    non_network: bool,
) -> Result<&'a [u8], usize> {
    let Some(close) = host_part.iter().position(|&b| b == b']') else {
        return Err(auth_end);
    };
    let inner = host_part.get(1..close).unwrap_or_default();
    let Some(ip) = std::str::from_utf8(inner)
        .ok()
        .and_then(|v| v.parse::<Ipv6Addr>().ok())
    else {
        return Err(auth_end);
    };
    if non_network || ipv6_noise(ip) {
        return Err(url_end(text, auth_end));
    }
    Ok(inner)
}

/// A DNS name or IPv4 host (before any `:port`): the host bytes, or
/// `Err(where the scan resumes)` when it is not one or is noise. A name
/// that does not validate may still hold a template host, pushed here.
#[inline]
fn named_host<'a>(
    noise: &Noise,
    text: &[u8],
    host_part: &'a [u8],
    auth_end: usize,
    non_network: bool,
    map: OffsetMap,
    out: &mut Vec<EndpointHit>,
) -> Result<&'a [u8], usize> {
    let host_at = auth_end - host_part.len();
    let host_len = host_part
        .iter()
        .position(|&b| b == b':')
        .unwrap_or(host_part.len());
    let raw = host_part.get(..host_len).unwrap_or_default();
    let host = raw.strip_suffix(b".").unwrap_or(raw);
    if host.is_empty() || host.len() > MAX_TOKEN {
        return Err(auth_end);
    }
    let mut buf = [0u8; MAX_TOKEN];
    let Some(lc) = buf.get_mut(..host.len()) else {
        return Err(auth_end);
    };
    lc.copy_from_slice(host);
    lc.make_ascii_lowercase();
    let Ok(lc) = std::str::from_utf8(lc) else {
        return Err(auth_end);
    };
    if non_network {
        return Err(url_end(text, auth_end));
    }
    if lc.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        match lc.parse::<Ipv4Addr>() {
            Ok(ip) if !ipv4_is_noise(ip) => {}
            Ok(_) => return Err(url_end(text, auth_end)),
            Err(_) => return Err(auth_end),
        }
    } else if !dns_host_ok(noise, lc) {
        template_host(noise, text, host_at, host, map, out);
        return Err(if dns_shape_ok(lc.as_bytes()) {
            url_end(text, auth_end)
        } else {
            auth_end
        });
    }
    Ok(host)
}

/// A URL host that did not validate may be a template (`%s.umeng.com`,
/// `{region}.amazonaws.com`): the part after the last placeholder's dot is
/// tried as a bare host.
fn template_host(
    noise: &Noise,
    text: &[u8],
    host_at: usize,
    host: &[u8],
    map: OffsetMap,
    out: &mut Vec<EndpointHit>,
) {
    let Some(mark) = host
        .iter()
        .rposition(|&b| matches!(b, b'%' | b'{' | b'}' | b'$'))
    else {
        return;
    };
    let Some(dot) = host
        .get(mark..)
        .and_then(|t| t.iter().position(|&b| b == b'.'))
    else {
        return;
    };
    let from = mark + dot + 1;
    let rest = host.get(from..).unwrap_or_default();
    if !rest.is_empty() && text.get(host_at + from..).is_some() && bare_host_ok(noise, rest) {
        push(out, rest, None, map.at(host_at + from));
    }
}

/// End of the URL whose authority ends at `from`: URL bytes, then trailing
/// punctuation trimmed.
fn url_end(text: &[u8], from: usize) -> usize {
    let mut end = from;
    while text.get(end).copied().is_some_and(is_url_byte) {
        end += 1;
        super::count(1);
    }
    while end > from
        && matches!(
            text.get(end - 1),
            Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b'*' | b'(')
        )
    {
        end -= 1;
    }
    end
}

/// Whether the URL body (after `scheme://`) starts with a noise prefix.
fn url_is_noise(noise: &Noise, body: &[u8]) -> bool {
    noise.url_prefixes.iter().any(|p| {
        body.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise() -> Noise {
        Noise::parse(include_str!("../../data/endpoint_noise.toml")).unwrap()
    }

    fn hosts(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(
            &noise(),
            text.as_bytes(),
            OffsetMap { base: 0, stride: 1 },
            &mut out,
        );
        out.into_iter().map(|h| h.host).collect()
    }

    #[test]
    fn a_stray_byte_before_a_common_scheme_is_left_out() {
        let mut out = Vec::new();
        let text = b"ahttps://api.mixpanel.com/track xgopher://b.example-cdn.net/";
        scan(&noise(), text, OffsetMap { base: 0, stride: 1 }, &mut out);
        let urls: Vec<_> = out.iter().filter_map(|h| h.url.as_deref()).collect();
        assert_eq!(
            urls,
            [
                "https://api.mixpanel.com/track",
                "xgopher://b.example-cdn.net/"
            ]
        );
        assert_eq!(out[0].offset, 1);
    }

    #[test]
    fn noise_file_loads() {
        let noise = noise();
        assert!(noise.namespace_hosts.contains("schemas.android.com"));
        assert!(noise.file_extensions.contains("html"));
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(
            registrable_domain("api.mixpanel.com").as_deref(),
            Some("mixpanel.com")
        );
        assert_eq!(
            registrable_domain("A.B.Example.CO.UK").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            registrable_domain("x.y.appspot.com").as_deref(),
            Some("y.appspot.com")
        );
        assert_eq!(registrable_domain("8.8.8.8"), None);
        assert_eq!(registrable_domain("2001:4860::8888"), None);
        assert_eq!(registrable_domain("foo.notatld"), None);
        assert_eq!(registrable_domain("co.uk"), None);
    }

    #[test]
    fn urls_with_any_host_scheme() {
        assert_eq!(
            hosts(
                "a https://api.mixpanel.com/track?x=1 b wss://push.example-cdn.net:443/ws \"mqtt://broker.emqx.io\" ftp://[2400:3200::1]/f"
            ),
            vec![
                "api.mixpanel.com",
                "push.example-cdn.net",
                "broker.emqx.io",
                "2400:3200::1"
            ]
        );
        assert_eq!(
            hosts("HTTP://User:pw@WWW.CMPassport.COM:8080/x"),
            vec!["www.cmpassport.com"]
        );
        assert_eq!(
            hosts("http://114.114.114.114/d?dn="),
            vec!["114.114.114.114"]
        );
    }

    #[test]
    fn namespace_and_reserved_urls_are_noise() {
        assert!(hosts("xmlns:android=\"http://schemas.android.com/apk/res/android\"").is_empty());
        assert!(hosts("http://www.w3.org/2000/svg http://ns.adobe.com/xap/1.0/ http://xmlpull.org/v1/doc/features.html").is_empty());
        assert!(
            hosts("http://purl.org/dc/elements/1.1/ http://schemas.xmlsoap.org/soap/envelope/")
                .is_empty()
        );
        assert!(
            hosts("https://example.com/x http://localhost:8080 http://127.0.0.1/ http://foo.test/")
                .is_empty()
        );
        assert!(hosts("http://www.apache.org/licenses/LICENSE-2.0").is_empty());
        assert!(
            hosts("content://com.example.provider/x file://sdcard/a.txt intent://scan/#Intent")
                .is_empty()
        );
        assert!(hosts("myapp://open fb12345://authorize http://%s/path").is_empty());
    }

    #[test]
    fn bare_hosts() {
        assert_eq!(
            hosts("\u{1}api.mixpanel.com\u{0}"),
            vec!["api.mixpanel.com"]
        );
        assert_eq!(hosts("\"cn.bing.com\""), vec!["cn.bing.com"]);
        assert_eq!(hosts("api.baidu.com is up"), vec!["api.baidu.com"]);
        assert_eq!(hosts("user.org willow"), vec!["user.org"]);
        assert_eq!(
            hosts("api.xx.com,cdn.yy.com"),
            vec!["api.xx.com", "cdn.yy.com"]
        );
        assert_eq!(hosts("host=%s.umeng.com"), vec!["umeng.com"]);
        assert_eq!(hosts("domain=.weibo.cn;"), vec!["weibo.cn"]);
        assert_eq!(
            hosts("ip 119.29.29.29 and 8.8.8.8"),
            vec!["119.29.29.29", "8.8.8.8"]
        );
        assert_eq!(
            hosts("dns 2001:4860:4860::8888;"),
            vec!["2001:4860:4860::8888"]
        );
    }

    #[test]
    fn bare_noise() {
        let noise = [
            "com.google.android.gms",
            "com.tencent.mm",
            "com.facebook.ads",
            "android.app",
            "java.net",
            "kotlin.io",
            "index.html",
            "libfoo.so",
            "classes.dex",
            "config.json",
            "README.md",
            "1.2.3.4",
            "v10.20.30.40",
            "2.5.29.17",
            "1.2.840.113549",
            "this.props.name",
            "e.target.id",
            "window.location.host",
            "android.net.Uri",
            "ro.secure",
            "\u{b4}.gy.gy\u{b5}",
            "support@company.com",
            "foo_bar.com",
            "obj.com(",
            "Foo.Bar.com",
            "schemas.android.com",
            "www.w3.org",
            "example.com",
            "std::string",
            "a::b",
            "12:34:56",
            "dead::beef",
            "2001:db8::1",
            "::1",
            "1.2.3.4-beta",
            "user.org will be cast",
            "config.id must not be null",
            "smskb.com,com.tigerknows,com.letv.android",
            "com.anzogame.lol, vz.com",
        ];
        for n in noise {
            assert!(hosts(&format!(" {n} ")).is_empty(), "{n} -> {:?}", hosts(n));
        }
    }
}
