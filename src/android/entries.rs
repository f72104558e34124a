//! The per-entry pass over an APK: every entry is inflated once, in
//! parallel, and handed to the analyser for its kind (DEX, native library,
//! raw bytes for the string scanner).

use crate::android::code::{self, DexFacts};
use crate::android::dex;
use crate::android::identifiers::ApiSpec;
use crate::container::Budget;
use crate::container::budget::{Grant, ReadError};
use crate::container::zip::{Archive, Entry};
use crate::native::{self, ElfInfo, packers};
use crate::report::bytes::first_places;
use crate::report::memo::{EntryMemo, Kept, WHOLE_MAX};
use crate::scan::collect::Collector;
use crate::scan::file_kinds::FileKinds;
use crate::scan::{self, EntryScan};
use crate::signatures::{Database, example_key};
use crate::util::sha256;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The knowledge the per-entry pass reads, handed down from the knowledge
/// base: the scanner's rules, the identifier-API catalogue, the packer table.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'k> {
    pub scan: &'k scan::Rules,
    pub identifier_apis: &'k [ApiSpec],
    pub personal_data: &'k crate::android::personal_data::Catalogue,
    pub packers: &'k [packers::Entry],
    /// The SDK signatures (to keep what evidence will ask of DEX files).
    pub signatures: &'k Database,
    /// Where each entry's hits go as soon as it is analysed (its outcome's
    /// `scan` is then left empty); `None` leaves them in the outcome.
    pub hits: Option<HitsAt<'k>>,
}

/// A [`Collector`] and the prefix that makes this pass's entry paths
/// package paths (`member!` in a split set, `outer!` in a nested package).
#[derive(Debug, Clone, Copy)]
pub struct HitsAt<'k> {
    pub collector: &'k Collector<'k>,
    pub prefix: &'k str,
    /// How many packages deep the pass is (`!` in `prefix` that join names).
    pub depth: usize,
}

impl HitsAt<'_> {
    /// Whether `prefix + name` reads back as the same entry: no name on the
    /// way has a `!` of its own.
    fn plain(&self, name: &str) -> bool {
        self.prefix.matches('!').count() == self.depth && !name.contains('!')
    }
}

impl<'k> Tables<'k> {
    /// These tables, with every entry's hits handed to `collector`.
    pub fn collecting(self, collector: &'k Collector<'k>) -> Tables<'k> {
        Tables {
            hits: Some(HitsAt {
                collector,
                prefix: "",
                depth: 0,
            }),
            ..self
        }
    }

    /// The prefix entry paths get when handed over (see [`HitsAt`]).
    pub fn hits_prefix(&self) -> &'k str {
        self.hits.map_or("", |h| h.prefix)
    }

    /// These tables for the entries of a package inside this one, whose
    /// paths are `prefix` + entry name (`prefix` built from [`Tables::hits_prefix`]).
    pub fn under<'p>(self, prefix: &'p str) -> Tables<'p>
    where
        'k: 'p,
    {
        Tables {
            hits: self.hits.map(|h| HitsAt {
                collector: h.collector,
                prefix,
                depth: h.depth + 1,
            }),
            ..self
        }
    }
}

/// What an entry is, as far as analysis goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A DEX file ART loads (`classes.dex`, `classes2.dex`, …).
    Dex,
    /// A native library under `lib/<abi>/`.
    NativeLib { abi: String },
    /// Bytes worth scanning for endpoints and secrets.
    Raw,
    /// Read elsewhere or not worth scanning.
    Skip,
}

/// Classifies an entry by its name (`kinds`: the extension lists of
/// `data/file_kinds.toml`).
pub fn kind_of(name: &str, loaded_dex: &[&str], kinds: &FileKinds) -> EntryKind {
    if loaded_dex.contains(&name) {
        return EntryKind::Dex;
    }
    if name.ends_with('/') || name == "AndroidManifest.xml" || name.starts_with("META-INF/") {
        return EntryKind::Skip;
    }
    let lower = name.to_ascii_lowercase();
    // Packages and code shipped as data are read: their magic decides
    // whether they are opened as nested packages.
    if is_nestable(name) && kinds.is_nested(&lower) {
        return EntryKind::Raw;
    }
    if let Some(rest) = name.strip_prefix("lib/")
        && let Some((abi, file)) = rest.split_once('/')
        && file.ends_with(".so")
        && !file.contains('/')
    {
        return EntryKind::NativeLib {
            abi: abi.to_string(),
        };
    }
    // Compiled resources other than raw files are binary XML and images:
    // their strings are layout text and namespace URIs, not endpoints.
    if name.starts_with("res/") && !name.starts_with("res/raw/") {
        return EntryKind::Skip;
    }
    if kinds.is_opaque(&lower) {
        return EntryKind::Skip;
    }
    EntryKind::Raw
}

/// Whether `name` lies where apps keep loadable packages as data: `assets/`,
/// `res/raw/` or `lib/`, at the top or under one module directory (AAB).
pub fn is_nestable(name: &str) -> bool {
    let under =
        |n: &str| n.starts_with("assets/") || n.starts_with("res/raw/") || n.starts_with("lib/");
    under(name)
        || name
            .split_once('/')
            .is_some_and(|(_, rest)| under(rest) || rest.strip_prefix("root/").is_some_and(under))
}

/// What the pass learnt from one entry.
#[derive(Debug, Default)]
pub struct EntryOutcome {
    pub path: String,
    pub kind: Option<EntryKind>,
    pub dex: Option<DexFacts>,
    /// ELF facts, for native libraries and any other entry that is ELF.
    pub elf: Option<ElfInfo>,
    pub scan: EntryScan,
    pub warnings: Vec<String>,
    /// Why Android's reader would fail on this entry.
    pub android_fails: Option<String>,
    /// Why this entry looks like packed or encrypted code, when it does.
    pub packed: Option<String>,
    /// Shannon entropy in bits per byte, for large data files in nestable
    /// places (assets, raw resources, lib).
    pub entropy: Option<f64>,
}

/// How deep nested packages are opened, and how deep this pass is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nesting {
    /// Nested packages opened at most this many levels down (0: none).
    pub max_depth: usize,
    /// Level of the archive being read (0: the package itself).
    pub depth: usize,
}

impl Default for Nesting {
    fn default() -> Self {
        Nesting {
            max_depth: 3,
            depth: 0,
        }
    }
}

/// Smallest data file whose entropy is measured.
pub const ENTROPY_MIN_SIZE: usize = 64 * 1024;

/// Inflates and analyses every entry worth it, in parallel. Results come
/// back in central-directory order, whatever the thread count. Nested
/// packages are opened to the default depth.
pub fn analyse_all(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    loaded_dex: &[&str],
) -> Vec<EntryOutcome> {
    analyse_nested(archive, budget, tables, loaded_dex, Nesting::default())
}

/// [`analyse_all`] with an explicit nesting depth.
pub fn analyse_nested(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    loaded_dex: &[&str],
    nesting: Nesting,
) -> Vec<EntryOutcome> {
    let work: Vec<(&Entry, EntryKind)> = first_of_each_name(archive)
        .map(|e| (e, kind_of(&e.name, loaded_dex, tables.scan.file_kinds())))
        // Skipped entries stay when their name is a packer's stub file
        // (`assets/classes0.jar`…): findings names the packer from paths.
        .filter(|(e, k)| *k != EntryKind::Skip || packers::is_signal_path(tables.packers, &e.name))
        .collect();
    analyse_work(archive, budget, tables, &work, nesting)
}

/// Entries in central-directory order, duplicates of a name left out
/// (Android reads the first of duplicate names; so does telltale).
pub fn first_of_each_name<'x>(archive: &'x Archive<'_>) -> impl Iterator<Item = &'x Entry> + 'x {
    archive
        .entries()
        .iter()
        .filter(|e| archive.find(&e.name).is_some_and(|f| f.index == e.index))
}

/// Analyses the given entries (already classified) in parallel. Room in the
/// budget is granted one entry at a time in the given order before any is
/// read, and nested packages are opened after the pass, in order, so which
/// entries a cap skips never depends on thread timing.
///
/// Entries start largest first (by declared size): the large DEX file that
/// often makes most of a package's work starts at once, and the small
/// entries fill the other cores meanwhile and then help with its halves
/// ([`code::analyse`]). Each task takes the next entry in that order when it
/// starts, so a thread holds one entry at a time whichever task it runs.
pub fn analyse_work(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    work: &[(&Entry, EntryKind)],
    nesting: Nesting,
) -> Vec<EntryOutcome> {
    let grants: Vec<Mutex<Option<Result<Grant, ReadError>>>> = work
        .iter()
        .map(|(entry, kind)| Mutex::new((*kind != EntryKind::Skip).then(|| budget.grant(entry))))
        .collect();
    let mut order: Vec<usize> = (0..work.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(work[i].0.uncompressed_size));
    let next = AtomicUsize::new(0);
    let mut read: Vec<(usize, Analysed)> = (0..work.len())
        .into_par_iter()
        .with_max_len(1)
        .filter_map(|_| {
            let i = *order.get(next.fetch_add(1, Ordering::Relaxed))?;
            let (entry, kind) = work.get(i)?;
            let grant = grants
                .get(i)?
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let analysed = match grant {
                None => Analysed {
                    outcome: EntryOutcome {
                        path: entry.name.clone(),
                        kind: Some(EntryKind::Skip),
                        ..EntryOutcome::default()
                    },
                    nested: None,
                },
                Some(grant) => analyse_one(archive, budget, tables, entry, kind.clone(), grant),
            };
            Some((i, analysed))
        })
        .collect();
    read.sort_unstable_by_key(|(i, _)| *i);
    read.into_iter()
        .flat_map(|(_, a)| a.with_nested(budget, tables, nesting))
        .collect()
}

/// One entry's analysis, and the bytes of the package nested in it, when
/// it is one (opened once the pass is over).
struct Analysed {
    outcome: EntryOutcome,
    nested: Option<Vec<u8>>,
}

impl Analysed {
    /// The entry's outcome followed by those of its nested package.
    fn with_nested(
        self,
        budget: &Budget,
        tables: Tables<'_>,
        nesting: Nesting,
    ) -> Vec<EntryOutcome> {
        let mut outcome = self.outcome;
        let inner = match self.nested {
            Some(bytes) => open_nested(
                budget,
                tables,
                &outcome.path,
                &bytes,
                nesting,
                &mut outcome.warnings,
            ),
            None => Vec::new(),
        };
        std::iter::once(outcome).chain(inner).collect()
    }
}

fn analyse_one(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    entry: &Entry,
    kind: EntryKind,
    grant: Result<Grant, ReadError>,
) -> Analysed {
    let mut out = EntryOutcome {
        path: entry.name.clone(),
        kind: Some(kind.clone()),
        ..EntryOutcome::default()
    };
    let read = match grant.and_then(|g| budget.read_granted(archive, entry, g)) {
        Ok(r) => r,
        Err(e) => {
            out.warnings.push(e.into());
            return Analysed {
                outcome: out,
                nested: None,
            };
        }
    };
    out.warnings
        .extend(read.notes.iter().map(|n| format!("zip: {n}")));
    out.android_fails = read.android_fails;
    analyse_read(tables, out, read.bytes, kind)
}

/// Analyses a file that is not inside an archive (a bare DEX or ELF file)
/// as if it were the entry `name` of kind `kind`.
pub fn analyse_bytes(
    budget: &Budget,
    tables: Tables<'_>,
    name: &str,
    bytes: Vec<u8>,
    kind: EntryKind,
    nesting: Nesting,
) -> Vec<EntryOutcome> {
    let out = EntryOutcome {
        path: name.to_string(),
        kind: Some(kind.clone()),
        ..EntryOutcome::default()
    };
    analyse_read(tables, out, bytes, kind).with_nested(budget, tables, nesting)
}

/// The analysis of one entry's bytes once read; `out` carries its path and
/// the notes of reading it.
fn analyse_read(
    tables: Tables<'_>,
    mut out: EntryOutcome,
    bytes: Vec<u8>,
    kind: EntryKind,
) -> Analysed {
    let name = out.path.clone();
    let mut kind = kind;
    let mut dex_as_data = false;
    if kind != EntryKind::Dex && is_nestable(&name) {
        if bytes.starts_with(b"PK\x03\x04") {
            return Analysed {
                outcome: out,
                nested: Some(bytes),
            };
        }
        if bytes.starts_with(b"dex\n") {
            kind = EntryKind::Dex;
            out.kind = Some(EntryKind::Dex);
            dex_as_data = true;
        } else if looks_like_dex_name(&name) {
            out.packed = Some("named like a DEX file but has no DEX header (encrypted?)".into());
        } else if kind == EntryKind::Raw && bytes.len() >= ENTROPY_MIN_SIZE {
            out.entropy = Some(entropy(&bytes));
        }
    }
    let mut digest = None;
    match kind {
        EntryKind::Dex => digest = analyse_dex(tables, &mut out, &bytes, dex_as_data),
        EntryKind::NativeLib { .. } => {
            if !native::is_elf(&bytes) {
                out.warnings
                    .push("not an ELF file; scanned as raw bytes".into());
                out.scan = scan::scan_bytes(tables.scan, &bytes, 0);
            } else {
                analyse_elf(tables.scan, &bytes, &mut out);
            }
        }
        EntryKind::Raw if native::is_elf(&bytes) => analyse_elf(tables.scan, &bytes, &mut out),
        EntryKind::Raw => out.scan = scan::noise::scan_entry(tables.scan, &out.path, &bytes),
        EntryKind::Skip => {}
    }
    keep_memo(tables, &out, &bytes, digest);
    hand_over(tables, &mut out);
    Analysed {
        outcome: out,
        nested: None,
    }
}

/// Analyses the DEX file `bytes` into `out`; `dex_as_data`: it was found
/// where data lies, not loaded by name. Returns its SHA-256 when its memo
/// will be kept ([`keeps_memo`]): the hash is taken beside the analysis,
/// on another core when one is free.
fn analyse_dex(
    tables: Tables<'_>,
    out: &mut EntryOutcome,
    bytes: &[u8],
    dex_as_data: bool,
) -> Option<[u8; 32]> {
    let mut found = EntryScan::default();
    let (analysed, digest) = rayon::join(
        || {
            code::analyse(
                bytes,
                tables.identifier_apis,
                tables.personal_data,
                &mut |s| found = scan::scan_strings(tables.scan, s),
            )
        },
        || keeps_memo(tables, &out.path).then(|| sha256(bytes)),
    );
    match analysed {
        Ok(facts) => {
            if dex_as_data && facts.classes.is_empty() && !facts.warnings.is_empty() {
                out.packed = Some(format!(
                    "DEX file that does not parse: no class readable, {} header anomalies",
                    facts.warnings.len()
                ));
            }
            out.warnings
                .extend(facts.warnings.iter().map(|w| format!("DEX: {w}")));
            out.scan = found;
            out.dex = Some(facts);
        }
        Err(e) => {
            if dex_as_data {
                out.packed = Some(format!("DEX file that does not parse ({e})"));
            }
            out.warnings.push(e);
        }
    }
    digest
}

/// Keeps what evidence will ask of an entry, when hits are collected and
/// memos wanted: a DEX file's answers ([`EntryMemo`]), another entry's
/// bytes whole when small. Paths with a `!` in a name are left out: they may
/// resolve another way when read again. `digest`: the SHA-256 of `bytes`,
/// when already taken.
fn keep_memo(tables: Tables<'_>, out: &EntryOutcome, bytes: &[u8], digest: Option<[u8; 32]>) {
    match out.dex.as_ref() {
        Some(dex) => keep(tables, &out.path, || {
            dex_memo_of(tables, out, dex, bytes, digest).map(Kept::Memo)
        }),
        None if asked_whole(out, tables.signatures) => keep_whole(tables, &out.path, bytes),
        None => {}
    }
}

/// Keeps the entry `name`'s bytes whole for evidence (see [`keep_memo`]),
/// if they are small enough.
pub fn keep_whole(tables: Tables<'_>, name: &str, bytes: &[u8]) {
    if bytes.len() <= WHOLE_MAX {
        keep(tables, name, || Some(Kept::Whole(bytes.into())));
    }
}

/// Hands what `memo` keeps of the entry `name` to the collector, when
/// memos are wanted and the entry's path reads back as the same entry.
fn keep(tables: Tables<'_>, name: &str, memo: impl FnOnce() -> Option<Kept>) {
    let Some(hits) = tables.hits else {
        return;
    };
    if !keeps_memo(tables, name) {
        return;
    }
    if let Some(kept) = memo() {
        hits.collector.memo(&format!("{}{name}", hits.prefix), kept);
    }
}

/// Whether evidence will ask about the entry `out` (not a DEX file): it has
/// hits, or is a native library an SDK may be matched by.
fn asked_whole(out: &EntryOutcome, db: &Database) -> bool {
    let scan = &out.scan;
    let hits = !(scan.endpoints.is_empty() && scan.secrets.is_empty() && scan.noise.is_empty());
    hits || out.elf.as_ref().is_some_and(|elf| {
        !elf.jni_classes.is_empty()
            || !elf.class_refs.is_empty()
            || db.sdk_for_native_lib(&out.path).is_some()
    })
}

/// [`dex_memo`] of the DEX file `out` read into `dex`.
fn dex_memo_of(
    tables: Tables<'_>,
    out: &EntryOutcome,
    dex: &DexFacts,
    bytes: &[u8],
    digest: Option<[u8; 32]>,
) -> Option<EntryMemo> {
    let offsets = out
        .scan
        .endpoints
        .iter()
        .map(|h| h.offset)
        .chain(dex.api_hits.iter().map(|h| u64::from(h.offset)))
        .collect();
    // Evidence names the SDK hosts of every hit, noise ones included (as
    // `scan::collect` keeps them).
    let hosts = out
        .scan
        .endpoints
        .iter()
        .chain(out.scan.noise.iter().map(|(_, h)| h))
        .map(|h| h.host.as_str());
    // Secrets ask for the entry's hash only.
    let hashed = !out.scan.secrets.is_empty();
    dex_memo(
        bytes,
        digest,
        dex,
        offsets,
        hosts,
        hashed,
        tables.signatures,
    )
}

/// Whether [`keep_memo`] keeps a memo of the entry `name` (when evidence
/// asks something of it): memos are wanted and its path reads back as the
/// same entry.
fn keeps_memo(tables: Tables<'_>, name: &str) -> bool {
    tables
        .hits
        .is_some_and(|h| h.collector.wants_memos() && h.plain(name))
}

/// How many classes of each Java package under an SDK's package keep their
/// descriptor's place in a DEX file. The matcher names the first of a
/// group by [`example_key`]; the app's own classes leave a group by whole
/// packages (but for a class named like the app id), so two per package
/// hold the matcher's pick whichever packages are left out.
const EXAMPLES_PER_PACKAGE: usize = 2;

/// The memo of the DEX file `bytes` (already read into `facts`; `digest`:
/// its SHA-256 when already taken): `offsets` are the places locations may
/// point at, `hosts` the hosts of its hits.
/// Kept: the descriptors of the first classes of each package under an
/// SDK's package, the smallest descriptor under each SDK package the code
/// refers to, and the first place of each SDK host. `None` when evidence
/// will ask nothing of it: no offset, descriptor or SDK host, and its hash
/// not `hashed` (asked for).
fn dex_memo<'h>(
    bytes: &[u8],
    digest: Option<[u8; 32]>,
    facts: &DexFacts,
    offsets: Vec<u64>,
    hosts: impl Iterator<Item = &'h str>,
    hashed: bool,
    db: &Database,
) -> Option<EntryMemo> {
    let (exact, under) = asked_descriptors(facts, db);
    let hosts: BTreeSet<String> = hosts
        .filter(|h| db.is_sdk_host(h))
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if !hashed && offsets.is_empty() && exact.is_empty() && under.is_empty() && hosts.is_empty() {
        return None;
    }
    let dex = dex::Dex::parse(bytes).ok()?;
    let exact_refs: Vec<&str> = exact.iter().map(String::as_str).collect();
    let under_refs: Vec<&str> = under.iter().map(String::as_str).collect();
    let hosts: Vec<String> = hosts.into_iter().collect();
    // The descriptor lookup and the host search each read the whole DEX:
    // side by side.
    let (mut found, places) = rayon::join(
        || dex::lookup_descriptors(&dex, &exact_refs, &under_refs),
        || first_places(bytes, &hosts),
    );
    let descriptors = exact
        .into_iter()
        .chain(under)
        .map(|key| {
            let answer = found.remove(&key);
            (key, answer)
        })
        .collect();
    let needles = places
        .into_iter()
        .map(|(text, encoding, at)| ((text, encoding), at))
        .collect();
    let digest = digest.unwrap_or_else(|| sha256(bytes));
    Some(EntryMemo::new(bytes, digest, offsets, descriptors, needles))
}

/// The descriptors SDK evidence may ask of a DEX file: those of the first
/// classes (by [`example_key`]) of each Java package under each SDK
/// package, and the `L…/` of each SDK package its code refers to.
fn asked_descriptors(facts: &DexFacts, db: &Database) -> (Vec<String>, BTreeSet<String>) {
    let mut best: BTreeMap<(String, &str), BTreeSet<(bool, &str)>> = BTreeMap::new();
    for class in facts.classes.iter() {
        let Some((_, prefix)) = db.class_match(class) else {
            continue;
        };
        let package = class.rsplit_once('.').map_or("", |(p, _)| p);
        let set = best.entry((prefix, package)).or_default();
        let key = example_key(class);
        if set.len() < EXAMPLES_PER_PACKAGE {
            set.insert(key);
        } else if set.last().is_some_and(|last| key < *last) {
            set.insert(key);
            set.pop_last();
        }
    }
    let exact = best
        .values()
        .flatten()
        .map(|(_, c)| dex::descriptor(c))
        .collect();
    let under = facts
        .referenced
        .iter()
        .filter_map(|class| db.class_match(class))
        .map(|(_, prefix)| dex::package_descriptor(&prefix))
        .collect();
    (exact, under)
}

/// Hands the hits of `out` to the collector, if any, with the classes
/// loading each DEX string; the DEX's string maps, needed only for that,
/// are dropped, and its class lists are shared with equal ones.
fn hand_over(tables: Tables<'_>, out: &mut EntryOutcome) {
    let Some(hits) = tables.hits else {
        return;
    };
    let scan = std::mem::take(&mut out.scan);
    let (offsets, users) = match out.dex.as_mut() {
        Some(dex) => {
            dex.classes = hits.collector.share(std::mem::take(&mut dex.classes));
            dex.referenced = hits.collector.share(std::mem::take(&mut dex.referenced));
            (
                std::mem::take(&mut dex.string_offsets),
                std::mem::take(&mut dex.string_users),
            )
        }
        None => Default::default(),
    };
    if scan == EntryScan::default() {
        return;
    }
    let path = format!("{}{}", hits.prefix, out.path);
    let at = |offset: u64| -> Arc<[String]> {
        Arc::from(code::string_users_at(&offsets, &users, offset))
    };
    let users = out
        .dex
        .is_some()
        .then_some(&at as &dyn Fn(u64) -> Arc<[String]>);
    hits.collector.add(&path, scan, users);
}

/// Opens a ZIP (APK, JAR, ZIP) found inside the package and analyses its
/// entries one level deeper; their paths become `outer!inner`.
fn open_nested(
    budget: &Budget,
    tables: Tables<'_>,
    outer: &str,
    bytes: &[u8],
    nesting: Nesting,
    warnings: &mut Vec<String>,
) -> Vec<EntryOutcome> {
    if nesting.depth >= nesting.max_depth {
        warnings.push(format!(
            "nested package not opened: nesting depth limit ({}) reached",
            nesting.max_depth
        ));
        return Vec::new();
    }
    let inner = match Archive::parse(bytes) {
        Ok(a) => a,
        Err(e) => {
            warnings.push(format!("nested package does not open: {e}"));
            return Vec::new();
        }
    };
    warnings.extend(inner.anomalies().iter().map(|a| format!("nested zip: {a}")));
    let names: Vec<&str> = inner.entries().iter().map(|e| e.name.as_str()).collect();
    let (mut loaded, skipped) = dex::apk_dex_entries(&names);
    loaded.extend(skipped);
    let deeper = Nesting {
        depth: nesting.depth + 1,
        ..nesting
    };
    let prefix = format!("{}{outer}!", tables.hits_prefix());
    let mut outcomes = analyse_nested(&inner, budget, tables.under(&prefix), &loaded, deeper);
    for o in &mut outcomes {
        o.path = format!("{outer}!{}", o.path);
    }
    outcomes
}

fn looks_like_dex_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".dex") || lower.ends_with(".odex")
}

/// Shannon entropy of `bytes` in bits per byte.
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u64; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// ELF facts plus the scanner over the string-bearing sections.
fn analyse_elf(rules: &scan::Rules, bytes: &[u8], out: &mut EntryOutcome) {
    if let Some(info) = native::read_elf(bytes) {
        out.warnings
            .extend(info.warnings.iter().map(|w| format!("ELF: {w}")));
        out.elf = Some(info);
    }
    for (offset, piece) in native::elf::string_sections(bytes) {
        if let Some(info) = out.elf.as_mut()
            && info.class_refs.len() < native::class_refs::MAX_CLASSES
        {
            info.class_refs
                .extend(native::class_refs::class_refs(piece));
            info.class_refs.sort();
            info.class_refs.dedup();
            info.class_refs.truncate(native::class_refs::MAX_CLASSES);
        }
        out.scan.extend(scan::scan_code_bytes(rules, piece, offset));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::sdk;
    use crate::report::bytes::excerpt;
    use crate::report::model::Evidence;

    fn ev(kind: &str, detail: &str) -> Evidence {
        Evidence {
            kind: kind.into(),
            path: "classes.dex".into(),
            detail: detail.into(),
            ..Evidence::default()
        }
    }

    #[test]
    fn only_paths_that_read_back_the_same_keep_memos() {
        let k = crate::knowledge::Knowledge::embedded().unwrap();
        let no = |_: &str| false;
        let c = Collector::new(crate::scan::collect::Rules {
            context: k.scan.context(),
            is_sdk_host: &no,
        });
        let at = |prefix, depth| HitsAt {
            collector: &c,
            prefix,
            depth,
        };
        assert!(at("", 0).plain("classes.dex"));
        assert!(at("base.apk!", 1).plain("lib/x86/libx.so"));
        assert!(at("a.apk!assets/b.apk!", 2).plain("classes.dex"));
        // A member named `a!b.apk`, an entry named `odd!name.dex`.
        assert!(!at("a!b.apk!", 1).plain("classes.dex"));
        assert!(!at("", 0).plain("odd!name.dex"));
    }

    #[test]
    fn memos_answer_as_the_bytes_do_or_not_at_all() {
        let k = crate::knowledge::Knowledge::embedded().unwrap();
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sdk-planted.apk");
        let bytes = crate::evidence::Package::open(&p)
            .unwrap()
            .entry("classes.dex", &crate::container::zip::Limits::default())
            .unwrap();
        let facts = crate::android::code::analyse(
            &bytes,
            &k.identifier_apis,
            &k.personal_data,
            &mut |_| {},
        )
        .unwrap();
        let hosts = ["api.mixpanel.com", "www.cmpassport.com", "example.org"];
        let memo = dex_memo(
            &bytes,
            None,
            &facts,
            vec![100u64, 3000],
            hosts.into_iter(),
            false,
            &k.signatures,
        )
        .unwrap();
        assert_eq!(
            crate::util::hex(&memo.digest),
            crate::util::sha256_hex(&bytes)
        );
        assert_eq!(
            memo.window(100).and_then(|w| excerpt(w, 0)),
            excerpt(&bytes, 100)
        );
        assert_eq!(memo.window(101), None, "not kept: unknown");

        let kept = || {
            vec![
                ev("code", "com.umeng.analytics.MobclickAgent"),
                ev("code", "com.cmic.sso.sdk.auth.AuthnHelper"),
                ev("network", "api.mixpanel.com"),
                ev("network", "www.cmpassport.com"),
            ]
        };
        let (mut whole, mut memoed) = (kept(), kept());
        sdk::locate(
            &mut whole.iter_mut().collect::<Vec<_>>(),
            "classes.dex",
            &bytes,
            "h",
        );
        assert!(sdk::locate_from(
            &mut memoed.iter_mut().collect::<Vec<_>>(),
            "classes.dex",
            &memo,
            "h"
        ));
        assert_eq!(whole, memoed);
        assert!(whole.iter().all(|e| e.matched.is_some()));

        // A host not among the entry's hits is not known: nothing is filled.
        let mut other = [
            ev("network", "unknown.example"),
            ev("network", "api.mixpanel.com"),
        ];
        assert!(!sdk::locate_from(
            &mut other.iter_mut().collect::<Vec<_>>(),
            "classes.dex",
            &memo,
            "h"
        ));
        assert!(other.iter().all(|e| e.location.is_none()));

        // Nothing to ask, nothing kept (and the DEX is not hashed); a hash
        // asked for (secrets) is kept alone.
        let none = crate::android::code::DexFacts::default();
        let empty = || std::iter::empty::<&str>();
        assert!(dex_memo(&bytes, None, &none, vec![], empty(), false, &k.signatures).is_none());
        let hashed = dex_memo(&bytes, None, &none, vec![], empty(), true, &k.signatures).unwrap();
        assert_eq!(hashed.digest, memo.digest);
        assert_eq!(hashed.window(100), None);
    }
}
