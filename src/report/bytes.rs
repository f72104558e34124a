//! Bytes as evidence, for every renderer: a bounded hex+ASCII excerpt at an
//! offset, and the shell line that prints the same bytes from a package with
//! standard tools. Reading entries again is the job of the evidence module.

use crate::report::model::Excerpt;
use crate::util::hex;

/// How many bytes an excerpt shows, from the offset on.
pub const EXCERPT_LEN: usize = 48;

/// The excerpt of `bytes` at `offset` (`None` past the end).
pub fn excerpt(bytes: &[u8], offset: u64) -> Option<Excerpt> {
    let start = usize::try_from(offset).ok()?;
    if start >= bytes.len() {
        return None;
    }
    let end = bytes.len().min(start.saturating_add(EXCERPT_LEN));
    let slice = &bytes[start..end];
    Some(Excerpt {
        length: slice.len() as u64,
        hex: hex(slice),
        ascii: ascii(slice),
    })
}

/// `text` in `encoding` (`None` = UTF-8, `utf-16le`, `utf-16be`).
pub fn encode(text: &str, encoding: Option<&str>) -> Vec<u8> {
    match encoding {
        Some("utf-16le") => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Some("utf-16be") => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        _ => text.as_bytes().to_vec(),
    }
}

/// The first place of each of `texts` anywhere in `bytes` in UTF-8, then
/// UTF-16LE, then UTF-16BE, up to the first encoding it is there in:
/// `(text, encoding, offset)`, as a search for each in turn gives them.
/// Two scans at most: all texts as UTF-8, then those not found, as UTF-16.
/// Empty texts are left out.
pub fn first_places(
    bytes: &[u8],
    texts: &[String],
) -> Vec<(String, Option<&'static str>, Option<u64>)> {
    let utf8: Vec<(String, Option<&'static str>)> = texts
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| (t.clone(), None))
        .collect();
    let mut out = first_of_each(bytes, utf8);
    let utf16: Vec<(String, Option<&'static str>)> = out
        .iter()
        .filter(|(_, _, at)| at.is_none())
        .flat_map(|(t, _, _)| [(t.clone(), Some("utf-16le")), (t.clone(), Some("utf-16be"))])
        .collect();
    out.extend(first_of_each(bytes, utf16));
    out
}

/// The first place of each `(text, encoding)` (none empty) in `bytes`, in
/// one scan: each place where one of them starts is visited in order until
/// every one has been seen.
fn first_of_each(
    bytes: &[u8],
    needles: Vec<(String, Option<&'static str>)>,
) -> Vec<(String, Option<&'static str>, Option<u64>)> {
    let patterns: Vec<Vec<u8>> = needles.iter().map(|(t, e)| encode(t, *e)).collect();
    let mut first: Vec<Option<u64>> = vec![None; needles.len()];
    if !patterns.is_empty()
        && let Ok(ac) = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&patterns)
    {
        let mut left = patterns.len();
        let mut from = 0;
        while left > 0 && from < bytes.len() {
            let input = aho_corasick::Input::new(bytes).range(from..);
            let Some(m) = ac.find(input) else {
                break;
            };
            let at = m.start();
            let rest = bytes.get(at..).unwrap_or_default();
            for (slot, pat) in first.iter_mut().zip(&patterns) {
                if slot.is_none() && rest.starts_with(pat) {
                    *slot = Some(at as u64);
                    left -= 1;
                }
            }
            from = at + 1;
        }
    }
    needles
        .into_iter()
        .zip(first)
        .map(|((t, e), at)| (t, e, at))
        .collect()
}

/// Length in bytes of `text` stored in `encoding` (UTF-8 unless `utf-16le`
/// or `utf-16be`), as SDK evidence's `matched` is.
pub fn encoded_len(text: &str, encoding: Option<&str>) -> u64 {
    match encoding {
        Some("utf-16le" | "utf-16be") => 2 * text.encode_utf16().count() as u64,
        _ => text.len() as u64,
    }
}

/// Bytes as ASCII, `.` for anything not printable.
pub fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

/// Groups hex digits in pairs for reading (`68747470` → `68 74 74 70`).
pub fn spaced_hex(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() * 3 / 2);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The shell line that prints `count` bytes of `entry` at `offset` of the
/// package `package` (a file name, or a directory for split directories),
/// with `dd` and `od` (POSIX tools only).
pub fn check_command(package: &str, is_dir: bool, entry: &str, offset: u64, count: u64) -> String {
    let dd = format!("dd bs=1 skip={offset} count={count} 2>/dev/null | od -A d -t x1z");
    entry_pipe(package, is_dir, entry, &dd)
}

/// The same bytes as [`check_command`], shorter, with `xxd`.
pub fn xxd_command(package: &str, is_dir: bool, entry: &str, offset: u64, count: u64) -> String {
    entry_pipe(
        package,
        is_dir,
        entry,
        &format!("xxd -d -s {offset} -l {count}"),
    )
}

/// The shell line that prints the SHA-256 of `entry` (`sha256sum`).
pub fn hash_command(package: &str, is_dir: bool, entry: &str) -> String {
    entry_pipe(package, is_dir, entry, "sha256sum")
}

/// The shell line that writes `entry` of `package` to standard output and
/// pipes it into `tail` (nested packages are unpacked one level per step).
fn entry_pipe(package: &str, is_dir: bool, entry: &str, tail: &str) -> String {
    let parts: Vec<&str> = entry.split('!').collect();
    let mut steps = Vec::new();
    let (mut source, rest) = if is_dir {
        (
            format!("{}/{}", package.trim_end_matches('/'), parts[0]),
            &parts[1..],
        )
    } else {
        (package.to_string(), &parts[..])
    };
    if rest.is_empty() || (rest.len() == 1 && (rest[0].is_empty() || rest[0] == package)) {
        return format!("cat {} | {tail}", quote(&source));
    }
    for (i, part) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            steps.push(format!(
                "unzip -p {} {} | {tail}",
                quote(&source),
                quote(part)
            ));
        } else {
            let tmp = format!("part{}.zip", i + 1);
            steps.push(format!(
                "unzip -p {} {} > {tmp}",
                quote(&source),
                quote(part)
            ));
            source = tmp;
        }
    }
    steps.join(" && ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_and_printable() {
        let bytes = b"\x00\x01https://example.com/a-long-path-that-goes-on-and-on-and-on";
        let e = excerpt(bytes, 2).unwrap();
        assert_eq!(e.length, EXCERPT_LEN as u64);
        assert!(e.ascii.starts_with("https://example.com"));
        assert_eq!(&e.hex[..4], "6874");
        let tail = excerpt(bytes, bytes.len() as u64 - 2).unwrap();
        assert_eq!(tail.length, 2);
        assert!(excerpt(bytes, bytes.len() as u64).is_none());
        assert_eq!(ascii(b"a\x00\xffb"), "a..b");
        assert_eq!(spaced_hex("68747470"), "68 74 74 70");
    }

    #[test]
    fn check_commands_follow_nesting() {
        assert_eq!(
            check_command("app.apk", false, "classes.dex", 10, 48),
            "unzip -p 'app.apk' 'classes.dex' | dd bs=1 skip=10 count=48 2>/dev/null | od -A d -t x1z"
        );
        let nested = check_command("app.apk", false, "assets/p.apk!classes.dex", 1, 4);
        assert!(
            nested.starts_with("unzip -p 'app.apk' 'assets/p.apk' > part1.zip && unzip -p 'part1.zip' 'classes.dex' |"),
            "{nested}"
        );
        let dir = check_command("splits", true, "base.apk!classes.dex", 1, 4);
        assert!(
            dir.starts_with("unzip -p 'splits/base.apk' 'classes.dex'"),
            "{dir}"
        );
        assert!(check_command("x'y", false, "x'y", 0, 1).starts_with("cat 'x'\\''y' |"));
        assert_eq!(
            xxd_command("app.apk", false, "classes.dex", 1584, 35),
            "unzip -p 'app.apk' 'classes.dex' | xxd -d -s 1584 -l 35"
        );
        assert_eq!(
            hash_command("app.apk", false, "lib/x/a.so"),
            "unzip -p 'app.apk' 'lib/x/a.so' | sha256sum"
        );
    }
}
