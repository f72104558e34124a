//! The entry pass's hits, folded as each entry completes: a thread-safe
//! [`Collector`] the pass hands every entry's [`EntryScan`] to, so no
//! entry's raw hits outlive its analysis. Per entry it drops the hosts that
//! are noise by their context ([`noise::Context::classify`]), notes the
//! hosts a rule ties to an SDK (evidence for the matcher) and the values
//! under classified key names, and folds the rest into one [`Aggregator`]
//! (whose result does not depend on the order entries come in).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use super::aggregate::{Aggregator, EntryHits, Users, merge_paths};
use super::named::NamedValue;
use super::{EntryScan, noise};
use crate::report::memo::{EntryMemos, KEPT_BUDGET, Kept};

/// Everything collected from the entries' hits.
#[derive(Debug, Default)]
pub struct Collected {
    /// Endpoints and secrets, folded.
    pub aggregator: Aggregator,
    /// Noise class → hosts dropped as that noise.
    pub noise: BTreeMap<String, BTreeSet<String>>,
    /// `(entry path, value)` under classified key names.
    pub named: Vec<(String, NamedValue)>,
    /// `(entry path, host)` of the hits whose host a rule ties to an SDK
    /// (noise included: it is evidence all the same); sorted when they come
    /// from a [`Collector`], else in the order added.
    pub sdk_hosts: Vec<(String, String)>,
    /// What the pass kept of entries for evidence, by entry path (a path
    /// kept twice keeps none, nor one over the budget).
    pub memos: HashMap<String, Option<Kept>>,
    /// Bytes kept in `memos` (at most [`KEPT_BUDGET`]).
    kept: usize,
    /// Whether a memo was refused for the budget.
    spent: bool,
}

impl Collected {
    /// The memos kept (those of paths kept once), leaving none here.
    pub fn take_memos(&mut self) -> EntryMemos {
        EntryMemos::new(
            std::mem::take(&mut self.memos)
                .into_iter()
                .filter_map(|(path, memo)| Some((path, memo?)))
                .collect(),
        )
    }
}

/// What [`Collected`] is given: the context rules and the SDK-host test.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub context: &'a noise::Context,
    pub is_sdk_host: &'a (dyn Fn(&str) -> bool + Sync),
}

/// One entry's hits after the per-entry work ([`prepare`]).
struct Prepared {
    noise: Vec<(String, String)>,
    named: Vec<(String, NamedValue)>,
    sdk_hosts: Vec<(String, String)>,
    hits: EntryHits,
}

/// The work on one entry's hits that needs nothing shared.
fn prepare(rules: Rules<'_>, path: &str, scan: EntryScan) -> Prepared {
    let EntryScan {
        mut endpoints,
        secrets,
        noise,
        named,
    } = scan;
    let sdk_hosts = endpoints
        .iter()
        .chain(noise.iter().map(|(_, h)| h))
        .filter(|h| (rules.is_sdk_host)(&h.host))
        .map(|h| (path.to_string(), h.host.clone()))
        .collect();
    let mut noise: Vec<(String, String)> = noise
        .into_iter()
        .map(|(class, h)| (class, h.host))
        .collect();
    endpoints.retain(
        |h| match rules.context.classify(path, &h.host, h.url.as_deref()) {
            Some(class) => {
                noise.push((class.to_string(), h.host.clone()));
                false
            }
            None => true,
        },
    );
    Prepared {
        noise,
        named: named.into_iter().map(|n| (path.to_string(), n)).collect(),
        sdk_hosts,
        hits: EntryHits::new(endpoints, secrets),
    }
}

impl Collected {
    /// Folds the hits of the entry `path` (each path once); `users` gives
    /// the classes loading a DEX string (see [`Users`]).
    pub fn add(&mut self, rules: Rules<'_>, path: &str, scan: EntryScan, users: Users<'_>) {
        let prepared = prepare(rules, path, scan);
        self.take(path, prepared, users);
    }

    /// The hits of `scans` (hits of one path gathered first).
    pub fn from_scans(rules: Rules<'_>, scans: Vec<(String, EntryScan)>) -> Collected {
        let mut collected = Collected::default();
        for (path, scan) in merge_paths(scans) {
            collected.add(rules, &path, scan, None);
        }
        collected
    }

    fn take(&mut self, path: &str, p: Prepared, users: Users<'_>) {
        for (class, host) in p.noise {
            self.noise.entry(class).or_default().insert(host);
        }
        self.named.extend(p.named);
        self.sdk_hosts.extend(p.sdk_hosts);
        self.aggregator.add(path, p.hits, users);
    }
}

/// A [`Collected`] the threads of the entry pass share, and the lists of
/// names (DEX class lists) they share ([`Collector::share`]).
pub struct Collector<'a> {
    rules: Rules<'a>,
    state: Mutex<Collected>,
    /// Whether memos are wanted ([`Collector::keeping_memos`]).
    memos: bool,
    /// Lists handed to [`Collector::share`], by fingerprint.
    lists: Mutex<HashMap<u64, Vec<Arc<[String]>>>>,
}

impl std::fmt::Debug for Collector<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector").finish_non_exhaustive()
    }
}

impl<'a> Collector<'a> {
    /// An empty collector.
    pub fn new(rules: Rules<'a>) -> Collector<'a> {
        Collector {
            rules,
            state: Mutex::new(Collected::default()),
            memos: false,
            lists: Mutex::new(HashMap::new()),
        }
    }

    /// This collector, keeping the memos the pass offers ([`Collector::memo`])
    /// when `keep` (only a report that gets evidence needs them).
    pub fn keeping_memos(self, keep: bool) -> Collector<'a> {
        Collector {
            memos: keep,
            ..self
        }
    }

    /// Whether memos are kept and none was refused for the budget yet: when
    /// not, the pass need not build them (a hint taken before building;
    /// [`Collector::memo`] decides).
    pub fn wants_memos(&self) -> bool {
        self.memos
            && !self
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .spent
    }

    /// `list`, or an equal list shared before: a package carrying the same
    /// DEX file many times (or the same classes in several) keeps one copy.
    pub fn share(&self, list: Arc<[String]>) -> Arc<[String]> {
        if list.is_empty() {
            return list;
        }
        #[allow(deprecated)]
        let mut h = std::hash::SipHasher::new();
        list.hash(&mut h);
        let mut lists = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        let same = lists.entry(h.finish()).or_default();
        match same.iter().find(|l| **l == list) {
            Some(l) => l.clone(),
            None => {
                same.push(list.clone());
                list
            }
        }
    }

    /// [`Collected::add`] from any thread: the per-entry work runs before
    /// the shared state is locked.
    pub fn add(&self, path: &str, scan: EntryScan, users: Users<'_>) {
        let prepared = prepare(self.rules, path, scan);
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take(path, prepared, users);
    }

    /// Keeps the memo of the entry `path` (see [`Collected::memos`]).
    pub fn memo(&self, path: &str, memo: Kept) {
        if !self.memos {
            return;
        }
        let mut guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let state = &mut *guard;
        let len = memo.kept_len();
        let fits = state.kept.saturating_add(len) <= KEPT_BUDGET;
        match state.memos.entry(path.to_string()) {
            std::collections::hash_map::Entry::Vacant(v) => {
                // Over the budget: known, not kept (a second entry of the
                // same path must not be kept either).
                v.insert(fits.then_some(memo));
                if fits {
                    state.kept += len;
                } else {
                    state.spent = true;
                }
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                o.insert(None);
            }
        }
    }

    /// What was collected.
    pub fn into_collected(self) -> Collected {
        let mut collected = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        // Threads add entries in any order.
        collected.sdk_hosts.sort();
        collected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::memo::EntryMemo;
    use std::collections::HashMap;

    #[test]
    fn memos_stay_within_the_budget_whatever_the_number_of_entries() {
        let no = |_: &str| false;
        let context = crate::scan::noise::Context::default();
        let c = Collector::new(Rules {
            context: &context,
            is_sdk_host: &no,
        })
        .keeping_memos(true);
        assert!(c.wants_memos());
        // Each DEX memo keeps ~1 MiB of windows; 20 of them are over the budget.
        let bytes = vec![7u8; 1 << 20];
        let places: Vec<u64> = (0..16_384u64).map(|i| i * 64).collect();
        for i in 0..20 {
            let memo = EntryMemo::new(
                &bytes,
                [0; 32],
                places.clone(),
                HashMap::new(),
                HashMap::new(),
            );
            c.memo(&format!("classes{i}.dex"), Kept::Memo(memo));
        }
        c.memo("assets/a.txt", Kept::Whole(vec![0u8; 1 << 20].into()));
        assert!(!c.wants_memos(), "a spent budget asks the pass for no more");
        let mut collected = c.into_collected();
        let kept: usize = collected.memos.values().flatten().map(Kept::kept_len).sum();
        assert!(kept <= KEPT_BUDGET, "{kept} bytes kept");
        let memos = collected.take_memos();
        assert!(
            memos.get("classes0.dex").is_some(),
            "the first ones are kept"
        );
        assert!(
            memos.get("classes19.dex").is_none(),
            "the last ones are read again"
        );
    }
}
