//! Offline IP owner and country: which autonomous system (number and
//! organisation) and which country an IPv4/IPv6 literal belongs to, from the
//! ip-location-db CSV tables that `scripts/fetch-ip-data` puts into
//! `data/ip/` (gitignored; CC0 country table, CC BY 4.0 ASN table).
//!
//! The tables are optional: [`IpOwnerDb::load_dir`] returns `Ok(None)` when
//! the folder is absent. Loading is bounded (file size, row count), every row
//! is validated (addresses of one family, start ≤ end; ranges are sorted and a
//! row overlapping an earlier range is dropped and counted) and the result carries the packages' version and a SHA-256
//! over the four files, for the report.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

/// The four tables, in hashing order.
pub const FILES: [&str; 4] = [
    "asn-ipv4.csv",
    "asn-ipv6.csv",
    "geo-whois-asn-country-ipv4.csv",
    "geo-whois-asn-country-ipv6.csv",
];

/// Largest table file read (the 2026 tables are 9–24 MiB).
const MAX_FILE_BYTES: u64 = 128 << 20;
/// Most rows per table (the 2026 tables have ≤ 420 000).
const MAX_ROWS: usize = 4_000_000;
/// Longest organisation name kept.
const MAX_ORG_LEN: usize = 256;

/// What the tables say about one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpOwner {
    /// Autonomous system number, when the address is routed.
    pub asn: Option<u32>,
    /// The AS organisation (`Cloudflare, Inc.`).
    pub org: Option<String>,
    /// ISO 3166-1 alpha-2 country of the range's registration.
    pub country: Option<String>,
}

/// Range tables for one address family: sorted, non-overlapping
/// `(start, end, value index)`.
#[derive(Debug, Default)]
struct Ranges<T> {
    rows: Vec<(T, T, u32)>,
}

impl<T: Ord + Copy> Ranges<T> {
    fn find(&self, ip: T) -> Option<u32> {
        let i = self.rows.partition_point(|(start, _, _)| *start <= ip);
        let (_, end, v) = self.rows.get(i.checked_sub(1)?)?;
        (ip <= *end).then_some(*v)
    }
}

/// The loaded tables.
#[derive(Debug, Default)]
pub struct IpOwnerDb {
    asn4: Ranges<u32>,
    asn6: Ranges<u128>,
    country4: Ranges<u32>,
    country6: Ranges<u128>,
    /// `(asn, organisation)` by value index of the ASN tables.
    asns: Vec<(u32, String)>,
    /// Country codes by value index of the country tables.
    countries: Vec<[u8; 2]>,
    version: String,
    sha256: String,
    /// Rows dropped because they overlap an earlier range.
    dropped: usize,
}

impl IpOwnerDb {
    /// Loads `dir` (normally `data/ip`); `Ok(None)` when it holds no tables.
    pub fn load_dir(dir: &Path) -> Result<Option<IpOwnerDb>, String> {
        if !dir.join(FILES[0]).is_file() {
            return Ok(None);
        }
        let mut texts = Vec::with_capacity(FILES.len());
        for name in FILES {
            let path = dir.join(name);
            let len = std::fs::metadata(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .len();
            if len > MAX_FILE_BYTES {
                return Err(format!(
                    "{}: larger than {MAX_FILE_BYTES} bytes",
                    path.display()
                ));
            }
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            texts.push(text);
        }
        let version = std::fs::read_to_string(dir.join("VERSION"))
            .map(|v| {
                v.lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .trim()
                    .to_owned()
            })
            .unwrap_or_default();
        let [a4, a6, c4, c6] = [&texts[0], &texts[1], &texts[2], &texts[3]];
        IpOwnerDb::from_tables(a4, a6, c4, c6, &version).map(Some)
    }

    /// Builds the database from the four CSV texts (order of [`FILES`]).
    pub fn from_tables(
        asn_v4: &str,
        asn_v6: &str,
        country_v4: &str,
        country_v6: &str,
        version: &str,
    ) -> Result<IpOwnerDb, String> {
        let mut db = IpOwnerDb {
            version: version.to_owned(),
            sha256: hash(&[asn_v4, asn_v6, country_v4, country_v6]),
            ..IpOwnerDb::default()
        };
        let mut asn_index: HashMap<(u32, String), u32> = HashMap::new();
        let mut country_index: HashMap<[u8; 2], u32> = HashMap::new();
        for (file, text, v6) in [(FILES[0], asn_v4, false), (FILES[1], asn_v6, true)] {
            for_rows(file, text, |line, fields| {
                let [start, end, asn, org] = fields else {
                    return Err(format!("{file}:{line}: expected 4 fields"));
                };
                let asn: u32 = asn
                    .parse()
                    .map_err(|_| format!("{file}:{line}: bad AS number {asn:?}"))?;
                let org: String = org.chars().take(MAX_ORG_LEN).collect();
                let next = u32::try_from(db.asns.len()).map_err(|e| e.to_string())?;
                let idx = *asn_index.entry((asn, org.clone())).or_insert_with(|| {
                    db.asns.push((asn, org));
                    next
                });
                push_range(&mut db.asn4, &mut db.asn6, v6, start, end, idx)
                    .map_err(|e| format!("{file}:{line}: {e}"))
            })?;
        }
        for (file, text, v6) in [(FILES[2], country_v4, false), (FILES[3], country_v6, true)] {
            for_rows(file, text, |line, fields| {
                let [start, end, cc] = fields else {
                    return Err(format!("{file}:{line}: expected 3 fields"));
                };
                let code: [u8; 2] = match cc.as_bytes() {
                    [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => [*a, *b],
                    _ => return Err(format!("{file}:{line}: bad country {cc:?}")),
                };
                let next = u32::try_from(db.countries.len()).map_err(|e| e.to_string())?;
                let idx = *country_index.entry(code).or_insert_with(|| {
                    db.countries.push(code);
                    next
                });
                push_range(&mut db.country4, &mut db.country6, v6, start, end, idx)
                    .map_err(|e| format!("{file}:{line}: {e}"))
            })?;
        }
        db.dropped = disjoint(&mut db.asn4.rows)
            + disjoint(&mut db.asn6.rows)
            + disjoint(&mut db.country4.rows)
            + disjoint(&mut db.country6.rows);
        Ok(db)
    }

    /// Owner and country of an IP literal (`1.0.0.1`, `2001:db8::1`, `[::1]`).
    /// `None` when the text is no IP address or no table knows it.
    pub fn lookup(&self, ip: &str) -> Option<IpOwner> {
        let ip: IpAddr = ip
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()?;
        let (asn, country) = match ip {
            IpAddr::V4(v4) => {
                let n = u32::from(v4);
                (self.asn4.find(n), self.country4.find(n))
            }
            IpAddr::V6(v6) => {
                if let Some(v4) = v6.to_ipv4_mapped() {
                    let n = u32::from(v4);
                    (self.asn4.find(n), self.country4.find(n))
                } else {
                    let n = u128::from(v6);
                    (self.asn6.find(n), self.country6.find(n))
                }
            }
        };
        let asn = asn.and_then(|i| self.asns.get(i as usize));
        let country = country
            .and_then(|i| self.countries.get(i as usize))
            .map(|c| String::from_utf8_lossy(c).into_owned());
        if asn.is_none() && country.is_none() {
            return None;
        }
        Some(IpOwner {
            asn: asn.map(|(n, _)| *n),
            org: asn.map(|(_, o)| o.clone()).filter(|o| !o.is_empty()),
            country,
        })
    }

    /// The packages' versions (`@ip-location-db/asn@2.3.…`), from `VERSION`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// SHA-256 (hex) over the four tables: `name NUL text NUL` each.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Rows dropped at load because they overlap an earlier range.
    pub fn dropped_rows(&self) -> usize {
        self.dropped
    }

    /// Number of ranges (ASN IPv4, ASN IPv6, country IPv4, country IPv6).
    pub fn range_counts(&self) -> [usize; 4] {
        [
            self.asn4.rows.len(),
            self.asn6.rows.len(),
            self.country4.rows.len(),
            self.country6.rows.len(),
        ]
    }
}

fn hash(texts: &[&str]) -> String {
    let mut h = Sha256::new();
    for (name, text) in FILES.iter().zip(texts) {
        h.update(name.as_bytes());
        h.update([0u8]);
        h.update(text.as_bytes());
        h.update([0u8]);
    }
    crate::util::hex(&h.finalize())
}

/// Calls `f(line number, fields)` for every non-empty line, bounded.
fn for_rows(
    file: &str,
    text: &str,
    mut f: impl FnMut(usize, &[&str]) -> Result<(), String>,
) -> Result<(), String> {
    let mut rows = 0usize;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        rows += 1;
        if rows > MAX_ROWS {
            return Err(format!("{file}: more than {MAX_ROWS} rows"));
        }
        let fields = split_csv(line).ok_or_else(|| format!("{file}:{}: bad quoting", i + 1))?;
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        f(i + 1, &refs)?;
    }
    Ok(())
}

/// Splits one CSV line (RFC 4180 quoting: `"LLC ""SPUTNIK"""`).
fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => quoted = true,
            (true, '"') => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                    if !matches!(chars.peek(), None | Some(',')) {
                        return None;
                    }
                }
            }
            (false, ',') => {
                out.push(std::mem::take(&mut cur));
                at_start = true;
                continue;
            }
            (_, c) => cur.push(c),
        }
        at_start = false;
    }
    if quoted {
        return None;
    }
    out.push(cur);
    Some(out)
}

fn push_range(
    v4: &mut Ranges<u32>,
    v6: &mut Ranges<u128>,
    want_v6: bool,
    start: &str,
    end: &str,
    idx: u32,
) -> Result<(), String> {
    let parse = |s: &str| {
        s.parse::<IpAddr>()
            .map_err(|_| format!("bad address {s:?}"))
    };
    match (parse(start)?, parse(end)?, want_v6) {
        (IpAddr::V4(a), IpAddr::V4(b), false) => {
            let (a, b) = (u32::from(a), u32::from(b));
            if a > b {
                return Err("start after end".into());
            }
            v4.rows.push((a, b, idx));
        }
        (IpAddr::V6(a), IpAddr::V6(b), true) => {
            let (a, b) = (u128::from(a), u128::from(b));
            if a > b {
                return Err("start after end".into());
            }
            v6.rows.push((a, b, idx));
        }
        _ => return Err("address family does not match the table".into()),
    }
    Ok(())
}

/// Sorts the ranges and drops every row that overlaps the range kept before
/// it (the published tables nest a few more-specific ranges inside larger
/// ones; the first, larger range wins, deterministically). Returns how many
/// rows were dropped.
fn disjoint<T: Ord + Copy>(rows: &mut Vec<(T, T, u32)>) -> usize {
    rows.sort_unstable();
    let before = rows.len();
    let mut last_end: Option<T> = None;
    rows.retain(|(start, end, _)| {
        if last_end.is_some_and(|e| *start <= e) {
            return false;
        }
        last_end = Some(*end);
        true
    });
    before - rows.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASN4: &str = include_str!("../../tests/fixtures/ip/asn-ipv4.csv");
    const ASN6: &str = include_str!("../../tests/fixtures/ip/asn-ipv6.csv");
    const CC4: &str = include_str!("../../tests/fixtures/ip/geo-whois-asn-country-ipv4.csv");
    const CC6: &str = include_str!("../../tests/fixtures/ip/geo-whois-asn-country-ipv6.csv");

    fn db() -> IpOwnerDb {
        IpOwnerDb::from_tables(ASN4, ASN6, CC4, CC6, "fixture").expect("fixture loads")
    }

    #[test]
    fn looks_up_owner_and_country() {
        let db = db();
        assert_eq!(
            db.lookup("1.0.0.1"),
            Some(IpOwner {
                asn: Some(13335),
                org: Some("Cloudflare, Inc.".into()),
                country: Some("AU".into())
            })
        );
        let sputnik = db.lookup("2.26.200.7").expect("quoted org");
        assert_eq!(sputnik.org.as_deref(), Some("LLC \"SPUTNIK\""));
        // Country only (no ASN row covers it).
        let cn = db.lookup("1.0.1.9").expect("country");
        assert_eq!((cn.asn, cn.country.as_deref()), (None, Some("CN")));
        let v6 = db.lookup("[2001:200::1]").expect("v6");
        assert_eq!(v6.asn, Some(2500));
        assert_eq!(v6.country.as_deref(), Some("JP"));
        // IPv4-mapped IPv6 uses the IPv4 tables.
        assert_eq!(db.lookup("::ffff:1.0.0.1").and_then(|o| o.asn), Some(13335));
        assert_eq!(db.lookup("9.9.9.9"), None);
        assert_eq!(db.lookup("example.com"), None);
        assert_eq!(db.range_counts(), [4, 2, 3, 2]);
        assert_eq!(db.version(), "fixture");
        assert_eq!(db.sha256().len(), 64);
    }

    #[test]
    fn bad_tables_are_errors() {
        for (a4, needle) in [
            ("1.0.0.0,1.0.0.255,x,Org\n", "bad AS number"),
            ("1.0.0.9,1.0.0.1,1,Org\n", "start after end"),
            ("1.0.0.0,::1,1,Org\n", "family"),
            ("1.0.0.0,1.0.0.255,1\n", "expected 4"),
            ("1.0.0.0,1.0.0.255,1,\"Org\n", "quoting"),
        ] {
            let e = IpOwnerDb::from_tables(a4, "", "", "", "").expect_err(a4);
            assert!(e.contains(needle), "{a4}: {e}");
        }
        let e = IpOwnerDb::from_tables("", "", "1.0.0.0,1.0.0.255,cn\n", "", "").expect_err("cc");
        assert!(e.contains("bad country"), "{e}");
        // Unsorted rows are sorted; a nested or overlapping row is dropped.
        let db = IpOwnerDb::from_tables(
            "1.0.1.0,1.0.1.255,2,B\n1.0.0.0,1.0.0.255,1,A\n1.0.0.9,1.0.0.9,3,C\n",
            "",
            "",
            "",
            "",
        )
        .expect("loads");
        assert_eq!(db.dropped_rows(), 1);
        assert_eq!(db.lookup("1.0.0.9").and_then(|o| o.asn), Some(1));
        assert_eq!(db.lookup("1.0.1.9").and_then(|o| o.asn), Some(2));
    }

    #[test]
    fn absent_folder_is_none() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("no-such-ip-dir");
        assert!(matches!(IpOwnerDb::load_dir(&dir), Ok(None)));
        let fixture =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ip");
        let db = IpOwnerDb::load_dir(&fixture)
            .expect("loads")
            .expect("present");
        assert_eq!(db.version(), "fixture@1");
        assert_eq!(db.sha256(), super::hash(&[ASN4, ASN6, CC4, CC6]));
    }

    #[test]
    fn fetched_tables_load_when_present() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/ip");
        let Some(db) = IpOwnerDb::load_dir(&dir).expect("data/ip loads") else {
            eprintln!("skipping: data/ip is absent (scripts/fetch-ip-data)");
            return;
        };
        eprintln!(
            "data/ip: {} ranges {:?}, {} overlapping rows dropped, sha256 {}",
            db.version(),
            db.range_counts(),
            db.dropped_rows(),
            db.sha256()
        );
        let one = db.lookup("1.1.1.1").expect("1.1.1.1");
        assert_eq!(one.asn, Some(13335), "{one:?}");
        assert!(db.range_counts().iter().all(|&n| n > 1000));
        assert!(db.version().contains("@ip-location-db/asn@"));
    }
}
