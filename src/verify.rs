//! `telltale verify REPORT.json PACKAGE`: a second examiner's re-check of a
//! JSON report against the package it claims to describe, without trusting
//! the tool's analysis: the package hash (and each split member's), and for
//! every location the entry's hash, the bytes at the offset (the excerpt) and,
//! for endpoints, the host itself; for SDK evidence, the matched string
//! (a DEX descriptor, a symbol, a name) exactly at its offset. Reads the report as plain JSON, so reports
//! of other versions check too as far as they carry these fields.

use crate::container::zip::Limits;
use crate::evidence::{Package, ascii};
use crate::report::text::{clean, clean_max};
use crate::util::{hex, sha256_hex};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// How far after an offset an endpoint's host may end (DEX strings with
/// non-ASCII characters pin their hits to the start of the string).
const HOST_WINDOW: usize = 64 * 1024;

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    /// What was checked (`package sha256`, `endpoint api.example.com`).
    pub subject: String,
    /// Where and how it held or failed.
    pub detail: String,
}

/// All checks of one report.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub checks: Vec<Check>,
}

impl Outcome {
    /// Whether every check held (and there was at least one).
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    /// Number of failed checks.
    pub fn failures(&self) -> usize {
        self.checks.iter().filter(|c| !c.ok).count()
    }

    /// One line per check and a summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let mark = if c.ok { "ok  " } else { "FAIL" };
            out.push_str(&format!(
                "{mark}  {}  {}\n",
                clean(&c.subject),
                clean_max(&c.detail, 400)
            ));
        }
        out.push_str(&format!(
            "{} checks, {} failed: {}\n",
            self.checks.len(),
            self.failures(),
            if self.passed() {
                "the report holds for this package"
            } else {
                "the report does NOT hold for this package"
            }
        ));
        out
    }

    fn push(&mut self, ok: bool, subject: impl Into<String>, detail: impl Into<String>) {
        self.checks.push(Check {
            ok,
            subject: subject.into(),
            detail: detail.into(),
        });
    }
}

/// Checks the JSON report `report` against the package at `package`.
pub fn verify(report: &str, package: &Path, limits: &Limits) -> Result<Outcome, String> {
    let report: Value =
        serde_json::from_str(report).map_err(|e| format!("report is not JSON: {e}"))?;
    let pkg = Package::open(package)?;
    let mut out = Outcome::default();

    let claimed = report
        .pointer("/input/sha256")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let actual = package_sha256(&pkg)?;
    out.push(
        claimed == actual,
        "package sha256",
        if claimed == actual {
            actual
        } else {
            format!("report {claimed}, package {actual}")
        },
    );

    let reader = pkg.reader();
    let mut cache: HashMap<String, Result<Vec<u8>, String>> = HashMap::new();
    let mut entry = |path: &str| -> Result<Vec<u8>, String> {
        cache
            .entry(path.to_string())
            .or_insert_with(|| reader.entry(path, limits))
            .clone()
    };

    check_members(&mut out, &report, &mut entry);
    check_located_items(&mut out, &report, &mut entry);
    check_sdk_evidence(&mut out, &report, &mut entry);
    Ok(out)
}

/// Each provenance member's hash against the package's entry.
fn check_members(
    out: &mut Outcome,
    report: &Value,
    entry: &mut impl FnMut(&str) -> Result<Vec<u8>, String>,
) {
    if let Some(members) = report
        .pointer("/provenance/members")
        .and_then(Value::as_array)
    {
        for m in members {
            let name = str_of(m, "name");
            let claimed = str_of(m, "sha256");
            match entry(name) {
                Ok(bytes) => {
                    let got = sha256_hex(&bytes);
                    let ok = got == claimed;
                    out.push(
                        ok,
                        format!("member {name}"),
                        if ok {
                            format!("sha256 {got}")
                        } else {
                            format!("sha256: report {claimed}, package {got}")
                        },
                    );
                }
                Err(e) => out.push(false, format!("member {name}"), e),
            }
        }
    }
}

/// Each location of each endpoint, secret and identifier API.
fn check_located_items(
    out: &mut Outcome,
    report: &Value,
    entry: &mut impl FnMut(&str) -> Result<Vec<u8>, String>,
) {
    for (list, key, kind) in [
        ("endpoints", "host", "endpoint"),
        ("secrets", "kind", "secret"),
        ("identifier_apis", "api", "identifier api"),
    ] {
        let Some(items) = report.get(list).and_then(Value::as_array) else {
            continue;
        };
        for item in items {
            let label = format!("{kind} {}", str_of(item, key));
            let host = (kind == "endpoint").then(|| str_of(item, key).to_ascii_lowercase());
            let claim = match (&host, kind) {
                (Some(h), _) => Claim::Host(h),
                (None, "secret") => Claim::Sha256(str_of(item, "sha256")),
                _ => Claim::None,
            };
            for loc in item
                .get("locations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                check_location(out, &label, loc, claim, entry);
            }
        }
    }
}

/// Each SDK evidence item with a location: the entry's hash, and the
/// matched string's bytes (in its encoding) at the offset.
fn check_sdk_evidence(
    out: &mut Outcome,
    report: &Value,
    entry: &mut impl FnMut(&str) -> Result<Vec<u8>, String>,
) {
    let sdks = report.get("sdks").and_then(Value::as_array);
    for sdk in sdks.into_iter().flatten() {
        let evidence = sdk.get("evidence").and_then(Value::as_array);
        for ev in evidence.into_iter().flatten() {
            let Some(loc) = present(ev, "location") else {
                continue;
            };
            let label = format!("sdk {} {}", str_of(sdk, "id"), str_of(ev, "kind"));
            let matched = ev.get("matched").and_then(Value::as_str).map(|m| {
                let enc = ev.get("encoding").and_then(Value::as_str);
                (m.to_string(), crate::evidence::sdk::encode(m, enc))
            });
            let claim = match &matched {
                Some((text, bytes)) => Claim::Exact(text, bytes),
                None => Claim::None,
            };
            check_location(out, &label, loc, claim, entry);
        }
    }
}

/// What a location claims besides its entry hash and excerpt.
#[derive(Clone, Copy)]
enum Claim<'a> {
    None,
    /// An endpoint's host lies at (or shortly after) the offset.
    Host(&'a str),
    /// These bytes (the text shown) start exactly at the offset.
    Exact(&'a str, &'a [u8]),
    /// Bytes with this SHA-256 (a secret's value, never shown) start at the
    /// offset.
    Sha256(&'a str),
}

/// Longest secret value `verify` looks for at an offset.
const MAX_SECRET_LEN: usize = 4096;

/// The value of `key` unless it is absent or `null` (reports since issue 14
/// write every key, `null` when there is no value; older ones left some out).
fn present<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The package hash as `inspect` computes it: of the file, or for a directory
/// of split APKs of the lines `name<TAB>sha256<LF>` (`size:N` for OBB files).
fn package_sha256(pkg: &Package) -> Result<String, String> {
    use crate::android::splits::{self, DirFile};
    match pkg {
        Package::File { .. } => pkg.file_sha256().unwrap_or_else(|| Ok(String::new())),
        Package::Dir(dir) => {
            let mut listing = String::new();
            for (name, file, len) in splits::dir_files(dir)? {
                let digest = match splits::dir_file_kind(&name) {
                    DirFile::Other => continue,
                    DirFile::Obb => format!("size:{len}"),
                    _ => sha256_hex(&std::fs::read(&file).map_err(|e| format!("{name}: {e}"))?),
                };
                listing.push_str(&format!("{name}\t{digest}\n"));
            }
            Ok(sha256_hex(listing.as_bytes()))
        }
    }
}

fn check_location(
    out: &mut Outcome,
    label: &str,
    loc: &Value,
    claim: Claim<'_>,
    entry: &mut impl FnMut(&str) -> Result<Vec<u8>, String>,
) {
    let path = str_of(loc, "path");
    let offset = loc.get("offset").and_then(Value::as_u64);
    let at = match offset {
        Some(o) => format!("{path}@{o}"),
        None => path.to_string(),
    };
    let bytes = match entry(path) {
        Ok(b) => b,
        Err(e) => {
            // A folder or unreadable entry without an offset claims nothing
            // byte-wise; with an offset it must be there.
            if offset.is_some() || present(loc, "entry_sha256").is_some() {
                out.push(false, label, format!("{at}: {e}"));
            }
            return;
        }
    };
    let mut held = Vec::new();
    let mut failed = Vec::new();
    if let Some(claimed) = present(loc, "entry_sha256").and_then(Value::as_str) {
        let got = sha256_hex(&bytes);
        if got == claimed {
            held.push("entry sha256".to_string());
        } else {
            failed.push(format!("entry sha256: report {claimed}, package {got}"));
        }
    }
    if let Some(o) = offset {
        let start = usize::try_from(o).unwrap_or(usize::MAX);
        if start >= bytes.len() {
            failed.push(format!("offset past the entry's {} bytes", bytes.len()));
        } else {
            check_at(&bytes, start, loc, claim, &mut held, &mut failed);
        }
    }
    if held.is_empty() && failed.is_empty() {
        held.push("entry present".to_string());
    }
    if failed.is_empty() {
        out.push(true, label, format!("{at}: {}", held.join(", ")));
    } else {
        out.push(false, label, format!("{at}: {}", failed.join("; ")));
    }
}

/// What the location claims at `start` (inside `bytes`): its excerpt, and
/// the matched text, the secret's hash or the host of `claim`.
fn check_at(
    bytes: &[u8],
    start: usize,
    loc: &Value,
    claim: Claim<'_>,
    held: &mut Vec<String>,
    failed: &mut Vec<String>,
) {
    if let Some(x) = present(loc, "excerpt") {
        let want = str_of(x, "hex");
        let len = want.len() / 2;
        let end = bytes.len().min(start.saturating_add(len));
        let got = hex(&bytes[start..end]);
        if got == want {
            held.push(format!("{len} bytes \"{}\"", ascii(&bytes[start..end])));
        } else {
            failed.push(format!(
                "bytes: report \"{}\", package \"{}\"",
                str_of(x, "ascii"),
                ascii(&bytes[start..end])
            ));
        }
    }
    if let Claim::Exact(text, want) = claim {
        let end = bytes.len().min(start.saturating_add(want.len()));
        if &bytes[start..end] == want {
            held.push(format!("matched \"{text}\""));
        } else {
            failed.push(format!(
                "matched: report \"{text}\", package \"{}\"",
                ascii(&bytes[start..end])
            ));
        }
    }
    if let Claim::Sha256(want) = claim {
        let end = bytes.len().min(start.saturating_add(MAX_SECRET_LEN));
        let found = (start + 1..=end).find(|&e| sha256_hex(&bytes[start..e]) == want);
        match found {
            Some(e) => held.push(format!("value sha256 ({} bytes)", e - start)),
            None => failed.push("no value with the report's sha256 at the offset".into()),
        }
    }
    if let Claim::Host(h) = claim {
        let end = bytes.len().min(start.saturating_add(HOST_WINDOW));
        let window: Vec<u8> = bytes[start..end]
            .iter()
            .map(u8::to_ascii_lowercase)
            .collect();
        let utf16: Vec<u8> = h.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        if memchr::memmem::find(&window, h.as_bytes()).is_some()
            || memchr::memmem::find(&window, &utf16).is_some()
        {
            held.push("host".to_string());
        } else {
            failed.push(format!("host {h} not at the offset"));
        }
    }
}
