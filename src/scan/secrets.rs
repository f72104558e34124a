//! Secrets in text: the shapes of `data/secret_patterns.toml`.
//!
//! Patterns with a literal prefix are compiled into one multi-pattern regex
//! (`regex_automata::meta::Regex`), so a text is searched once and each match
//! says which pattern it is. Patterns without one (key-like names, Firebase
//! URLs) list `keywords`: one aho-corasick pass finds those literals and the
//! pattern's regex runs only in a window around each (never twice over the
//! same bytes). Patterns are ASCII-only byte patterns
//! (Unicode off), so invalid UTF-8 and binary bytes simply end a match.
//!
//! Rules beyond the regex:
//! * a pattern with a group named `value` reports that group, others the whole match;
//! * `entropy_min`: the value's Shannon entropy (bits per byte) must reach it
//!   and the value must contain both a letter and a digit;
//! * a value containing a placeholder word (`placeholder_substrings`,
//!   case-insensitive: "your_", "xxxx", "example", …) is dropped;
//! * when a key-like-name pattern (`generic-secret`) matches a value that a
//!   specific pattern also matches exactly (an `AIza…` key assigned to
//!   `api_key`), the specific kind is reported.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::Hir;
use serde::Deserialize;

use super::{OffsetMap, SecretHit};
use crate::datafile::Doc;

#[derive(Debug, Deserialize)]
struct PatternFile {
    #[serde(default)]
    placeholder_substrings: Vec<String>,
    pattern: Vec<PatternDef>,
    #[serde(default)]
    key_names: KeyNames,
}

/// `[key_names]`: names of manifest meta-data, SDK XML attributes and config
/// keys whose value is a secret, or a public app identifier. Each entry is a
/// case-insensitive name with an optional `*` at the start and/or end
/// (`*AppSecret`, `Mob-AppSecret`, `*_APPKEY`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyNames {
    /// The value is a credential that must stay on a server.
    #[serde(default)]
    pub secret: Vec<String>,
    /// The value identifies the app to a service and ships in every copy.
    #[serde(default)]
    pub public: Vec<String>,
    /// Both lists lower-cased and split into core and wildcards, made on the
    /// first [`KeyNames::classify`] (it runs for every `=`/`:` of config text).
    #[serde(skip)]
    compiled: std::sync::OnceLock<CompiledNames>,
}

/// [`KeyNames`] ready to match.
#[derive(Debug, Clone)]
struct CompiledNames {
    secret: Vec<NamePattern>,
    public: Vec<NamePattern>,
    /// Bytes a matching (lower-cased) name can end with; `None` when some
    /// pattern ends with `*` (then any byte can).
    last_bytes: Option<[bool; 256]>,
}

impl CompiledNames {
    fn new(names: &KeyNames) -> CompiledNames {
        let secret: Vec<NamePattern> = names.secret.iter().map(|p| NamePattern::new(p)).collect();
        let public: Vec<NamePattern> = names.public.iter().map(|p| NamePattern::new(p)).collect();
        let mut last = [false; 256];
        let mut bounded = true;
        for p in secret.iter().chain(&public) {
            match p.core.last() {
                Some(&b) if !p.trail => last[usize::from(b)] = true,
                _ => bounded = false,
            }
        }
        CompiledNames {
            secret,
            public,
            last_bytes: bounded.then_some(last),
        }
    }
}

/// One key-name pattern, lower-cased: `*` at the start (`lead`) and/or end
/// (`trail`) around a literal `core`.
#[derive(Debug, Clone)]
struct NamePattern {
    core: Box<[u8]>,
    lead: bool,
    trail: bool,
}

impl NamePattern {
    fn new(p: &str) -> NamePattern {
        let p = p.to_ascii_lowercase();
        let (lead, trail) = (p.starts_with('*'), p.ends_with('*') && p.len() > 1);
        let core = p.trim_start_matches('*').trim_end_matches('*');
        NamePattern {
            core: core.as_bytes().into(),
            lead,
            trail,
        }
    }

    /// (core length, 2 − wildcards) when `name` (lower-cased) matches.
    fn score(&self, name: &[u8]) -> Option<(usize, usize)> {
        let core = &*self.core;
        let hit = match (self.lead, self.trail) {
            (false, false) => name == core,
            (true, false) => name.ends_with(core),
            (false, true) => name.starts_with(core),
            (true, true) => memchr::memmem::find(name, core).is_some(),
        };
        hit.then_some((
            core.len(),
            2 - usize::from(self.lead) - usize::from(self.trail),
        ))
    }
}

/// What a key name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNameClass {
    Secret,
    Public,
}

impl KeyNames {
    /// Parses and validates the `[key_names]` of `secret_patterns.toml`.
    pub fn parse<'a>(doc: impl Into<Doc<'a>>) -> Result<KeyNames, String> {
        let file: PatternFile = doc.into().read()?;
        file.key_names.check()?;
        Ok(file.key_names)
    }

    fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for n in self.secret.iter().chain(&self.public) {
            let core = n.trim_start_matches('*').trim_end_matches('*');
            if core.len() < 3
                || core.contains('*')
                || !core
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
            {
                return Err(format!(
                    "key name {n:?}: ≥ 3 of [A-Za-z0-9_.-], '*' only at the ends"
                ));
            }
            if !seen.insert(n.to_ascii_lowercase()) {
                return Err(format!("key name {n:?} listed twice"));
            }
        }
        Ok(())
    }

    /// Classifies a key name: the longest matching pattern (fewest wildcards
    /// on a tie) decides, so `Mob-AppSecret` (secret) beats `*AppKey`.
    pub fn classify(&self, name: &str) -> Option<KeyNameClass> {
        let compiled = self.compiled.get_or_init(|| CompiledNames::new(self));
        // Most names end with a byte no pattern ends with.
        if let Some(last) = &compiled.last_bytes {
            let end = name.as_bytes().last().map(u8::to_ascii_lowercase);
            if !end.is_some_and(|b| last[usize::from(b)]) {
                return None;
            }
        }
        // Names met in text are short: lower-case them on the stack.
        let mut small = [0u8; 64];
        let heap;
        let name: &[u8] = if name.len() <= small.len() {
            let buf = &mut small[..name.len()];
            buf.copy_from_slice(name.as_bytes());
            buf.make_ascii_lowercase();
            buf
        } else {
            heap = name.to_ascii_lowercase();
            heap.as_bytes()
        };
        let best = |list: &[NamePattern]| list.iter().filter_map(|p| p.score(name)).max();
        match (best(&compiled.secret), best(&compiled.public)) {
            (Some(s), Some(p)) if p > s => Some(KeyNameClass::Public),
            (Some(_), _) => Some(KeyNameClass::Secret),
            (None, Some(_)) => Some(KeyNameClass::Public),
            (None, None) => None,
        }
    }
}

/// One secret shape.
#[derive(Debug, Clone, Deserialize)]
pub struct PatternDef {
    /// Report kind (`aws-access-key-id`, …).
    pub kind: String,
    /// Rust regex over ASCII bytes.
    pub regex: String,
    /// Where the format is documented.
    pub source: String,
    /// Minimum Shannon entropy (bits per byte) of the value.
    pub entropy_min: Option<f64>,
    /// The match is a PEM `BEGIN` line: the value extends to its `END` line.
    #[serde(default)]
    pub pem_block: bool,
    /// Literals (ASCII case-insensitive) one of which every match contains; when
    /// given, the regex only runs in windows around them (for patterns without
    /// a literal prefix, which would slow the one-pass search down).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// How far before a keyword a match may start (bytes).
    #[serde(default)]
    pub before: usize,
}

/// How far after a keyword's start a windowed match may end (bytes).
const WINDOW_AFTER: usize = 512;

/// Longest PEM body followed from a `BEGIN` line to its `END` line.
pub const MAX_PEM: usize = 16 * 1024;

/// Bytes allowed between PEM `BEGIN` and `END` lines (base64, whitespace,
/// headers such as `Proc-Type: 4,ENCRYPTED`, escaped `\n`).
fn is_pem_body(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'+' | b'/' | b'=' | b'\r' | b'\n' | b'\t' | b' ' | b':' | b',' | b'-' | b'\\'
        )
}

/// Extends a PEM `BEGIN` match ending at `header_end` to the end of its `END`
/// line. The body runs to the next `-----`, which must open the `END` line, so
/// consecutive searches cover disjoint ranges and header spam stays linear.
fn pem_extent(text: &[u8], header_end: usize) -> Option<usize> {
    const END: &[u8] = b"-----END ";
    let window = text.get(header_end..)?;
    let window = window.get(..window.len().min(MAX_PEM + 64))?;
    let end_at = memchr::memmem::find(window, b"-----")?;
    if window.get(end_at..end_at + END.len())? != END
        || !window.get(..end_at)?.iter().all(|&b| is_pem_body(b))
    {
        return None;
    }
    // "-----END RSA PRIVATE KEY-----": the closing dashes within 40 bytes.
    let tail = window.get(end_at + END.len()..)?;
    let tail = tail.get(..tail.len().min(40))?;
    let close = memchr::memmem::find(tail, b"-----")?;
    let line = tail.get(..close)?;
    if !line.ends_with(b"PRIVATE KEY") && !line.ends_with(b"PRIVATE KEY BLOCK") {
        return None;
    }
    Some(header_end + end_at + END.len() + close + 5)
}

/// The compiled patterns. The direct pass and the keyword regex are built
/// up front (every scan needs them); the regex of all patterns (anchored
/// re-checks, `value` captures) and each windowed pattern's regex are built
/// on first use, since most inputs need few or none of them. Every pattern
/// was parsed when compiling, and [`Patterns::parse_checked`] builds the rest
/// up front, so a broken file given with `--knowledge` fails at load.
#[derive(Debug)]
pub struct Patterns {
    defs: Vec<PatternDef>,
    /// Each pattern as parsed (the lazily built regexes start from these).
    hirs: Vec<Hir>,
    placeholders: Vec<String>,
    /// All patterns, for anchored re-checks and `value` captures.
    all: OnceLock<Result<Regex, String>>,
    /// Patterns without keywords, searched over the whole text in one pass;
    /// `direct_ids[i]` is the index in `defs` of its pattern `i`.
    direct: Regex,
    direct_ids: Vec<usize>,
    /// Keyword literals of the windowed patterns, and which pattern each serves.
    keywords: Option<Keywords>,
    keyword_patterns: Vec<Vec<usize>>,
    /// One regex per windowed pattern (never built for direct ones).
    windowed: Vec<OnceLock<Result<Regex, String>>>,
    /// Capture-group index of `value` per pattern, if any.
    value_group: Vec<Option<usize>>,
    /// Shortest possible match; shorter texts are not searched.
    min_len: usize,
}

/// The keyword literals of the windowed patterns as aho-corasick automata:
/// ASCII case-insensitive and leftmost-first, so they match what a regex
/// alternation of the literals matches (pattern ids included). A contiguous
/// NFA is built up front (cheap); once the texts searched add up to
/// [`KEYWORD_DFA_AFTER`] bytes, a full DFA (several times the build, about
/// twice the search speed) is built and used from then on. Both find the same
/// matches, so which one searched a text does not show in a report.
#[derive(Debug)]
struct Keywords {
    literals: Vec<String>,
    nfa: AhoCorasick,
    dfa: OnceLock<Option<AhoCorasick>>,
    searched: AtomicUsize,
}

/// Bytes searched with the keyword NFA before the DFA is built (its extra
/// build time pays for itself over about this much text; measured on the
/// built-in keywords and a corpus DEX).
const KEYWORD_DFA_AFTER: usize = 512 * 1024;

impl Keywords {
    fn new(literals: Vec<String>) -> Result<Keywords, String> {
        let nfa = Keywords::build(&literals, AhoCorasickKind::ContiguousNFA)?;
        Ok(Keywords {
            literals,
            nfa,
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
        })
    }

    fn build(literals: &[String], kind: AhoCorasickKind) -> Result<AhoCorasick, String> {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(kind))
            .build(literals)
            .map_err(|e| e.to_string())
    }

    /// The automaton to search a text of `len` bytes with.
    fn for_text(&self, len: usize) -> &AhoCorasick {
        let before = self.searched.fetch_add(len, Ordering::Relaxed);
        if before.saturating_add(len) < KEYWORD_DFA_AFTER {
            return &self.nfa;
        }
        self.dfa
            .get_or_init(|| Keywords::build(&self.literals, AhoCorasickKind::DFA).ok())
            .as_ref()
            .unwrap_or(&self.nfa)
    }
}

/// Compiles `patterns` into one regex. `prefilter` asks the regex crate to
/// extract literal prefixes for a fast skip-ahead: worth it only for a search
/// over whole texts with literal-prefixed patterns (the direct pass). For the
/// anchored re-checks and the short windows, extraction costs more than it
/// saves.
/// `captures` asks for every capture group (the regex of all patterns);
/// the other regexes only report where a match is.
fn build(patterns: &[&Hir], prefilter: bool, captures: bool) -> Result<Regex, String> {
    let which = if captures {
        WhichCaptures::All
    } else {
        WhichCaptures::Implicit
    };
    Regex::builder()
        .configure(
            Regex::config()
                .auto_prefilter(prefilter)
                .which_captures(which),
        )
        .build_many_from_hir(patterns)
        .map_err(|e| e.to_string())
}

impl Patterns {
    /// Parses `data/secret_patterns.toml` and compiles what every scan needs;
    /// the other regexes are built on first use.
    pub fn parse<'a>(doc: impl Into<Doc<'a>>) -> Result<Patterns, String> {
        compile(doc.into()).map(|(patterns, _)| patterns)
    }

    /// [`Patterns::parse`], then builds every regex, so a pattern that
    /// parses but does not compile is an error now, not a silent gap later.
    pub fn parse_checked<'a>(doc: impl Into<Doc<'a>>) -> Result<Patterns, String> {
        Patterns::parse_with_names(doc, true).map(|(patterns, _)| patterns)
    }

    /// The patterns and the file's `[key_names]` from one parse of
    /// `data/secret_patterns.toml`; `checked` builds every regex now (see
    /// [`Patterns::parse_checked`]).
    pub fn parse_with_names<'a>(
        doc: impl Into<Doc<'a>>,
        checked: bool,
    ) -> Result<(Patterns, KeyNames), String> {
        let (patterns, names) = compile(doc.into())?;
        if checked {
            patterns.build_all()?;
        }
        Ok((patterns, names))
    }

    /// The secret shapes (for documentation and listings).
    pub fn defs(&self) -> &[PatternDef] {
        &self.defs
    }

    /// The regex of all patterns, built on first use.
    fn all(&self) -> Option<&Regex> {
        self.all
            .get_or_init(|| {
                let hirs: Vec<&Hir> = self.hirs.iter().collect();
                build(&hirs, false, true)
            })
            .as_ref()
            .ok()
    }

    /// The regex of windowed pattern `pid`, built on first use.
    fn windowed(&self, pid: usize) -> Option<&Regex> {
        let hir = self.hirs.get(pid)?;
        self.windowed
            .get(pid)?
            .get_or_init(|| build(&[hir], false, false))
            .as_ref()
            .ok()
    }

    /// Builds every regex now; the first failure is the error.
    fn build_all(&self) -> Result<(), String> {
        self.all().ok_or_else(|| self.first_error())?;
        for (pid, def) in self.defs.iter().enumerate() {
            if !def.keywords.is_empty() && self.windowed(pid).is_none() {
                return Err(self.first_error());
            }
        }
        Ok(())
    }

    fn first_error(&self) -> String {
        std::iter::once(&self.all)
            .chain(&self.windowed)
            .find_map(|cell| cell.get().and_then(|r| r.as_ref().err()).cloned())
            .unwrap_or_else(|| "a pattern does not compile".into())
    }
}

fn compile(doc: Doc<'_>) -> Result<(Patterns, KeyNames), String> {
    let file: PatternFile = doc.read()?;
    file.key_names.check()?;
    let defs = file.pattern;
    // Every pattern is parsed once, here (a syntax error fails the load); its
    // shortest match bounds the texts worth searching, and the index of its
    // `value` group is that group's position among the pattern's groups
    // (group 0 is the whole match), as the regex of all patterns numbers them.
    let config = syntax::Config::new().unicode(false).utf8(false);
    let mut hirs = Vec::with_capacity(defs.len());
    let mut value_group = Vec::with_capacity(defs.len());
    for def in &defs {
        let hir = syntax::parse_with(&def.regex, &config)
            .map_err(|e| format!("pattern {}: {e}", def.kind))?;
        value_group.push(value_group_index(&hir));
        hirs.push(hir);
    }
    let min_len = hirs
        .iter()
        .map(|h| h.properties().minimum_len().unwrap_or(0))
        .min()
        .unwrap_or(0);
    let direct_ids: Vec<usize> = (0..defs.len())
        .filter(|&i| defs[i].keywords.is_empty())
        .collect();
    let direct = build(
        &direct_ids.iter().map(|&i| &hirs[i]).collect::<Vec<_>>(),
        true,
        false,
    )?;
    let mut literals = Vec::new();
    let mut keyword_patterns: Vec<Vec<usize>> = Vec::new();
    let mut windowed = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        windowed.push(OnceLock::new());
        if def.keywords.is_empty() {
            continue;
        }
        for k in &def.keywords {
            let k = k.to_ascii_lowercase();
            match literals.iter().position(|l| *l == k) {
                Some(at) => keyword_patterns[at].push(i),
                None => {
                    literals.push(k);
                    keyword_patterns.push(vec![i]);
                }
            }
        }
    }
    let keywords = if literals.is_empty() {
        None
    } else {
        Some(Keywords::new(literals)?)
    };
    let patterns = Patterns {
        placeholders: file
            .placeholder_substrings
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        defs,
        hirs,
        all: OnceLock::new(),
        direct,
        direct_ids,
        keywords,
        keyword_patterns,
        windowed,
        value_group,
        min_len,
    };
    Ok((patterns, file.key_names))
}

/// The index of the capture group named `value` in `hir` (group 0 being the
/// whole match, others numbered by their opening parenthesis).
fn value_group_index(hir: &Hir) -> Option<usize> {
    use regex_syntax::hir::HirKind;
    fn walk(hir: &Hir) -> Option<usize> {
        match hir.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("value") => Some(c.index as usize),
            HirKind::Capture(c) => walk(&c.sub),
            HirKind::Repetition(r) => walk(&r.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(walk),
            _ => None,
        }
    }
    walk(hir)
}

/// Reusable per-scan state (capture slots, made on the first match that
/// needs them), so hits allocate only their value.
pub(crate) struct Scratch {
    caps: Option<Captures>,
    /// Per windowed pattern, the region still growing (see [`scan`]).
    regions: Vec<Option<(usize, usize)>>,
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch {
            caps: None,
            regions: Vec::new(),
        }
    }
}

/// Shannon entropy of `bytes` in bits per byte.
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn value_ok(c: &Patterns, def: &PatternDef, value: &[u8]) -> bool {
    if let Some(min) = def.entropy_min {
        let letters = value.iter().any(u8::is_ascii_alphabetic);
        let digits = value.iter().any(u8::is_ascii_digit);
        if !letters || !digits || entropy(value) < min {
            return false;
        }
    }
    !c.placeholders.iter().any(|p| {
        value
            .windows(p.len())
            .any(|w| w.eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// Secrets in one ASCII-compatible text (no UTF-16 runs), offsets from
/// `base_offset`: the secret half of [`super::scan_bytes`].
pub fn scan_secrets(patterns: &Patterns, text: &[u8], base_offset: u64) -> Vec<SecretHit> {
    let mut out = Vec::new();
    scan(
        patterns,
        text,
        OffsetMap {
            base: base_offset,
            stride: 1,
        },
        &mut Scratch::new(),
        &mut out,
    );
    out
}

/// Scans `text` for secrets, appending hits with offsets mapped by `map`.
pub(crate) fn scan(
    c: &Patterns,
    text: &[u8],
    map: OffsetMap,
    scratch: &mut Scratch,
    out: &mut Vec<SecretHit>,
) {
    let Scratch { caps, regions } = scratch;
    if text.len() < c.min_len {
        return;
    }
    let first = out.len();
    for m in c.direct.find_iter(text) {
        if let Some(&pid) = c.direct_ids.get(m.pattern().as_usize()) {
            report(c, text, pid, m.range(), caps, map, out);
        }
    }
    if let Some(keywords) = &c.keywords {
        // Per windowed pattern, the union of the windows around its keywords
        // seen so far; a region is searched once it can grow no more, so
        // every byte is searched at most once per pattern.
        regions.clear();
        regions.resize(c.defs.len(), None);
        for k in keywords.for_text(text.len()).find_iter(text) {
            let Some(pids) = c.keyword_patterns.get(k.pattern().as_usize()) else {
                continue;
            };
            for &pid in pids {
                let (Some(def), Some(region)) = (c.defs.get(pid), regions.get_mut(pid)) else {
                    continue;
                };
                let from = k.start().saturating_sub(def.before);
                let to = k.start().saturating_add(WINDOW_AFTER).min(text.len());
                *region = match *region {
                    Some((start, end)) if from <= end => Some((start, end.max(to))),
                    Some(done) => {
                        search_region(c, text, pid, done, caps, map, out);
                        Some((from, to))
                    }
                    None => Some((from, to)),
                };
            }
        }
        for (pid, region) in regions.iter().enumerate() {
            if let Some(region) = *region {
                search_region(c, text, pid, region, caps, map, out);
            }
        }
    }
    if let Some(new) = out.get_mut(first..) {
        new.sort_by_key(|h| h.offset);
    }
}

/// Fewest texts for which [`candidates`] makes its joined pass (measured
/// with callgrind on corpus DEX files: break-even is a few thousand strings).
pub(crate) const JOINED_MIN_TEXTS: usize = 4096;

/// Which of `texts` may hold a secret, from one pass over all of them: the
/// texts are joined by NUL bytes and searched once with the direct regex and
/// the keyword regex, and every text that a match overlaps is a candidate.
/// A text that [`scan`] alone finds a secret in is always one: the
/// patterns have no anchors and `\b` sees a NUL like the end of a text, so
/// a match in the text alone is a match in the joined buffer, and a
/// leftmost-first search over the buffer reports it or an earlier match
/// overlapping it. (A match across a NUL only adds a candidate.)
///
/// Below [`JOINED_MIN_TEXTS`] texts every text is a candidate: the joined
/// pass makes the lazy DFAs build states the per-text searches never reach,
/// which costs more than the per-call overhead it saves on a small table.
pub(crate) fn candidates(c: &Patterns, texts: &[&[u8]]) -> Vec<bool> {
    if texts.len() < JOINED_MIN_TEXTS {
        return vec![true; texts.len()];
    }
    let mut wanted = vec![false; texts.len()];
    let total: usize = texts.iter().map(|t| t.len() + 1).sum();
    let mut joined = Vec::with_capacity(total);
    let mut starts = Vec::with_capacity(texts.len());
    for t in texts {
        starts.push(joined.len());
        joined.extend_from_slice(t);
        joined.push(0);
    }
    let mut mark = |(start, end): (usize, usize)| {
        // The text holding the match's first byte, and every later text
        // starting before its end.
        let mut i = starts.partition_point(|&s| s <= start).saturating_sub(1);
        while let Some(w) = wanted.get_mut(i) {
            *w = true;
            i += 1;
            if starts.get(i).is_none_or(|&s| s >= end) {
                break;
            }
        }
    };
    for m in c.direct.find_iter(&joined) {
        mark((m.start(), m.end()));
    }
    if let Some(keywords) = &c.keywords {
        for m in keywords.for_text(joined.len()).find_iter(&joined) {
            mark((m.start(), m.end()));
        }
    }
    wanted
}

/// Runs windowed pattern `pid` over `text[start..end]`.
fn search_region(
    c: &Patterns,
    text: &[u8],
    pid: usize,
    (start, end): (usize, usize),
    caps: &mut Option<Captures>,
    map: OffsetMap,
    out: &mut Vec<SecretHit>,
) {
    let Some(regex) = c.windowed(pid) else {
        return;
    };
    super::count(end.saturating_sub(start));
    for m in regex.find_iter(Input::new(text).range(start..end)) {
        report(c, text, pid, m.range(), caps, map, out);
    }
}

/// Applies the value rules to a match of pattern `pid` and reports it.
fn report(
    c: &Patterns,
    text: &[u8],
    mut pid: usize,
    matched: std::ops::Range<usize>,
    caps: &mut Option<Captures>,
    map: OffsetMap,
    out: &mut Vec<SecretHit>,
) {
    let mut range = matched.clone();
    if c.defs.get(pid).is_some_and(|d| d.pem_block)
        && let Some(end) = pem_extent(text, range.end)
    {
        range.end = end;
    }
    if let Some(Some(group)) = c.value_group.get(pid) {
        let (Ok(id), Some(all)) = (regex_automata::PatternID::new(pid), c.all()) else {
            return;
        };
        let caps = caps.get_or_insert_with(|| all.create_captures());
        let input = Input::new(text)
            .range(matched)
            .anchored(Anchored::Pattern(id));
        all.search_captures(&input, caps);
        let Some(span) = caps.get_group(*group) else {
            return;
        };
        range = span.range();
        // A value that a direct pattern matches exactly is that pattern's hit
        // (reported by the direct pass), not a generic one.
        let input = Input::new(text)
            .range(range.clone())
            .anchored(Anchored::Yes);
        if let Some(specific) = all.search(&input)
            && specific.range() == range
            && c.direct_ids.contains(&specific.pattern().as_usize())
        {
            return;
        }
        if let Some(specific) = all.search(&input)
            && specific.range() == range
            && c.value_group.get(specific.pattern().as_usize()) == Some(&None)
        {
            pid = specific.pattern().as_usize();
        }
    }
    let (Some(def), Some(value)) = (c.defs.get(pid), text.get(range.clone())) else {
        return;
    };
    if !value_ok(c, def, value) {
        return;
    }
    out.push(SecretHit {
        kind: def.kind.clone(),
        value: String::from_utf8_lossy(value).into_owned(),
        offset: map.at(range.start),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange};

    /// A case-insensitive ASCII literal as the syntax `(?i)` gives it with
    /// Unicode off: each letter a class of its two cases, other bytes as is.
    fn keyword_hir(literal: &str) -> Hir {
        Hir::concat(
            literal
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphabetic() {
                        let (lo, up) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
                        Hir::class(Class::Bytes(ClassBytes::new([
                            ClassBytesRange::new(up, up),
                            ClassBytesRange::new(lo, lo),
                        ])))
                    } else {
                        Hir::literal([b])
                    }
                })
                .collect(),
        )
    }

    /// The keyword matcher (aho-corasick, ASCII case-insensitive,
    /// leftmost-first) finds what the multi-pattern regex of the same
    /// literals found, pattern ids included.
    #[test]
    fn keyword_automaton_matches_the_keyword_regex() {
        let c = Patterns::parse(include_str!("../../data/secret_patterns.toml")).expect("valid");
        let keywords = c.keywords.as_ref().expect("keywords");
        let dfa = Keywords::build(&keywords.literals, AhoCorasickKind::DFA).expect("builds");
        let mut literals: Vec<String> = Vec::new();
        for def in &c.defs {
            for k in &def.keywords {
                let k = k.to_ascii_lowercase();
                if !literals.contains(&k) {
                    literals.push(k);
                }
            }
        }
        let hirs: Vec<Hir> = literals.iter().map(|l| keyword_hir(l)).collect();
        let regex = build(&hirs.iter().collect::<Vec<_>>(), false, false).expect("builds");
        // Texts made of keyword pieces that overlap, nest and share prefixes.
        let pieces = [
            "api",
            "API",
            "_",
            "key",
            "Key",
            "-",
            ".",
            "secret",
            "SECRET",
            "token",
            "client",
            "app",
            "apikey",
            "appsecret",
            "x",
            "access",
            "password",
            "firebaseio",
            ".com",
            ".firebasedatabase.app",
            "server",
            "\0",
            "auth",
            "private",
            "master",
            " ",
            "=",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..24 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let want: Vec<(usize, usize, usize)> = regex
                .find_iter(text.as_bytes())
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            for automaton in [&keywords.nfa, &dfa] {
                let got: Vec<(usize, usize, usize)> = automaton
                    .find_iter(text.as_bytes())
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                    .collect();
                assert_eq!(got, want, "{text}");
            }
        }
    }

    fn found(text: &str) -> Vec<(String, String, u64)> {
        let mut out = Vec::new();
        let mut scratch = Scratch::new();
        scan(
            crate::knowledge::Knowledge::embedded()
                .unwrap()
                .scan
                .secrets(),
            text.as_bytes(),
            OffsetMap { base: 0, stride: 1 },
            &mut scratch,
            &mut out,
        );
        out.into_iter()
            .map(|h| (h.kind, h.value, h.offset))
            .collect()
    }

    fn kinds(text: &str) -> Vec<String> {
        found(text).into_iter().map(|h| h.0).collect()
    }

    #[test]
    fn patterns_compile() {
        let (c, _) = compile(include_str!("../../data/secret_patterns.toml").into()).unwrap();
        assert!(c.defs.len() >= 10);
        assert!(c.min_len >= 12, "min_len {}", c.min_len);
        assert!(c.defs.iter().all(|d| !d.source.is_empty()));
        c.build_all().unwrap();
        // The `value` group indices found in the syntax are the regex's own.
        let info = c.all().unwrap().group_info();
        for pid in 0..c.defs.len() {
            let id = regex_automata::PatternID::new(pid).unwrap();
            assert_eq!(c.value_group[pid], info.to_index(id, "value"), "{pid}");
        }
        assert!(c.value_group.iter().any(Option::is_some));
    }

    #[test]
    fn specific_shapes() {
        let text = "k=AKIAIOSFODNN7EXAMPL3 x AIzaSyD4x9Q2mN8vB3kL7pR1tW6yZ0aC5eF9hJk \
                    https://my-app-1234.firebaseio.com sk_live_4eC39HqLyjWDarjtT1zdp7dc \
                    xoxb-263541897012-9184726350123-Qm7TrV2pLx9WzK4nB8cY ghp_R7kLm2Qx9VbT4nW8pZc1Hy6Jd3Fs5Gt0Ae7U \
                    SK2f6a0c9e4b7d8135a9f0e2c4b6d8a1f3";
        assert_eq!(
            kinds(text),
            vec![
                "aws-access-key-id",
                "google-api-key",
                "firebase-database-url",
                "stripe-secret-key",
                "slack-token",
                "github-token",
                "twilio-api-key"
            ]
        );
        let first = &found(text)[0];
        assert_eq!((first.1.as_str(), first.2), ("AKIAIOSFODNN7EXAMPL3", 2));
    }

    #[test]
    fn private_keys() {
        let pem = "x\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA1c7+9z\\nabc=\\n-----END RSA PRIVATE KEY-----\"";
        let hits = found(pem);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, "private-key");
        assert!(hits[0].1.ends_with("-----END RSA PRIVATE KEY-----"));
        let header = found("-----BEGIN PRIVATE KEY-----\u{0}\u{0}");
        assert_eq!(header.len(), 1);
        assert_eq!(header[0].1, "-----BEGIN PRIVATE KEY-----");
        let real = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n";
        assert_eq!(found(real)[0].1, real.trim_end());
    }

    #[test]
    fn generic_assignments() {
        let hits = found(r#"{"client_secret": "q8Zr3Lx0Vb7Nw2Kp5Ty9Hs4D", "name": "x"}"#);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, "generic-secret");
        assert_eq!(hits[0].1, "q8Zr3Lx0Vb7Nw2Kp5Ty9Hs4D");
        assert_eq!(hits[0].2, 19);
        assert_eq!(
            kinds(r#"<string name="weibo_app_secret">9fQ2xL7vB1nK4mZ8cR3tY6wH</string>"#),
            vec!["generic-secret"]
        );
        // A Google key assigned to a key-like name is reported as what it is.
        assert_eq!(
            kinds("api_key=AIzaSyD4x9Q2mN8vB3kL7pR1tW6yZ0aC5eF9hJk"),
            vec!["google-api-key"]
        );
    }

    #[test]
    fn windowed_matches_are_not_cut() {
        // Many keywords, one real assignment far from the first keyword.
        let mut text = "key ".repeat(100);
        text.push_str(&" ".repeat(300));
        text.push_str(r#"secret_key="Zq81mXv7Lr2Tn5Wb0Kc4Pq9Sd3Fg7Hj1""#);
        let hits = found(&text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, "Zq81mXv7Lr2Tn5Wb0Kc4Pq9Sd3Fg7Hj1");
        for shift in 0..600 {
            let mut text = " ".repeat(shift);
            text.push_str("token ");
            text.push_str(&" ".repeat(500 - shift.min(500)));
            text.push_str(r#"api_key: "Zq81mXv7Lr2Tn5Wb0Kc4Pq9Sd3Fg7Hj1Zq81mXv7Lr2Tn5Wb0Kc4""#);
            let hits = found(&text);
            assert_eq!(hits.len(), 1, "shift {shift}");
            assert_eq!(hits[0].1.len(), 52, "shift {shift}");
        }
    }

    #[test]
    fn noise_is_not_secret() {
        for text in [
            r#""api_key": "YOUR_API_KEY_GOES_HERE_1234""#,
            r#"secret_key = "aaaaaaaaaaaaaaaaaaaa1""#,
            r#"access_token: "abcdefghijklmnopqrstuvwx""#,
            "AKIAXXXXXXXXXXXXXXXX",
            "AKIAIOSFODNN7EXAMPLE",
            "SK00000000000000000000000000000000",
            "-----BEGIN PUBLIC KEY-----",
            "com.google.android.gms.auth.api.signin.GoogleSignInOptions",
            "ACCESS_TOKEN_KEY_ACCESS_TOKEN_KEY",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn entropy_values() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }
}

#[cfg(test)]
mod key_name_tests {
    use super::{KeyNameClass, KeyNames};

    #[test]
    fn key_names_separate_secrets_from_public_app_keys() {
        let k = KeyNames::parse(include_str!("../../data/secret_patterns.toml")).expect("valid");
        for (name, want) in [
            ("Mob-AppSecret", Some(KeyNameClass::Secret)),
            ("AppSecret", Some(KeyNameClass::Secret)),
            ("ConsumerSecret", Some(KeyNameClass::Secret)),
            ("Secret", Some(KeyNameClass::Secret)),
            ("WEIBO_APP_SECRET", Some(KeyNameClass::Secret)),
            ("Mob-AppKey", Some(KeyNameClass::Public)),
            ("UMENG_APPKEY", Some(KeyNameClass::Public)),
            ("ConsumerKey", Some(KeyNameClass::Public)),
            ("com.google.android.geo.API_KEY", Some(KeyNameClass::Public)),
            ("UMENG_CHANNEL", Some(KeyNameClass::Public)),
            ("SortId", None),
            ("Enable", None),
        ] {
            assert_eq!(k.classify(name), want, "{name}");
        }
    }

    /// The classifier as first written (lower-cases every pattern per call),
    /// kept as the reference the compiled one must agree with.
    fn classify_reference(k: &KeyNames, name: &str) -> Option<KeyNameClass> {
        let name = name.to_ascii_lowercase();
        let score = |p: &String| -> Option<(usize, usize)> {
            let p = p.to_ascii_lowercase();
            let (lead, trail) = (p.starts_with('*'), p.ends_with('*') && p.len() > 1);
            let core = p.trim_start_matches('*').trim_end_matches('*');
            let hit = match (lead, trail) {
                (false, false) => name == core,
                (true, false) => name.ends_with(core),
                (false, true) => name.starts_with(core),
                (true, true) => name.contains(core),
            };
            hit.then_some((core.len(), 2 - usize::from(lead) - usize::from(trail)))
        };
        let best = |list: &[String]| list.iter().filter_map(score).max();
        match (best(&k.secret), best(&k.public)) {
            (Some(s), Some(p)) if p > s => Some(KeyNameClass::Public),
            (Some(_), _) => Some(KeyNameClass::Secret),
            (None, Some(_)) => Some(KeyNameClass::Public),
            (None, None) => None,
        }
    }

    #[test]
    fn compiled_key_names_agree_with_the_reference() {
        let built_in =
            KeyNames::parse(include_str!("../../data/secret_patterns.toml")).expect("valid");
        let starred = KeyNames::parse(
            "[[pattern]]\nkind = \"k\"\nregex = \"x\"\nsource = \"s\"\n[key_names]\n\
             secret = [\"Secret*\", \"*token*\", \"exact_name\"]\npublic = [\"*SecretId\", \"*Key\"]\n",
        )
        .expect("valid");
        let long = format!("{}AppSecret", "x".repeat(80));
        let names = [
            "Mob-AppSecret",
            "APPSECRET",
            "secretid",
            "SecretIdentity",
            "my_token_here",
            "TOKEN",
            "exact_name",
            "Exact_Name",
            "exact_names",
            "apikey",
            "x",
            "",
            "SortId",
            "com.google.android.geo.API_KEY",
            "UMENG_CHANNEL",
            "Mob-AppKey",
            "key",
            &long,
            "appsecretÄ",
            "ÄKey",
        ];
        for k in [&built_in, &starred] {
            for name in names {
                assert_eq!(k.classify(name), classify_reference(k, name), "{name}");
            }
        }
    }

    #[test]
    fn bad_key_names_are_rejected() {
        let file = |list: &str| {
            format!(
                "[[pattern]]\nkind = \"k\"\nregex = \"x\"\nsource = \"s\"\n[key_names]\nsecret = [{list}]\n"
            )
        };
        assert!(KeyNames::parse(&file("\"*AppSecret\"")).is_ok());
        for bad in [
            "\"*\"",
            "\"a*b\"",
            "\"ok\"",
            "\"App Secret\"",
            "\"X1x\", \"x1X\"",
        ] {
            assert!(KeyNames::parse(&file(bad)).is_err(), "{bad}");
        }
    }
}
