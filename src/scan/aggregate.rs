//! Folding per-entry hits into the report's endpoints and secrets, in
//! memory bounded by the caps rather than by the package: hits are folded
//! one entry at a time ([`Aggregator::add`]) into at most [`MAX_ENDPOINTS`]
//! hosts and [`MAX_SECRETS`] secrets (the first in sort order), each with at
//! most [`MAX_URLS`] URLs and [`MAX_LOCATIONS`] locations; what is left out
//! is counted (`locations_total`, `endpoints_total`, `secrets_total`). The
//! result is the same as folding everything and cutting at the end.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{EndpointHit, EntryScan, SecretHit, registrable_domain};
use crate::report::model::{Endpoint, Location, Owner, Secret};
use crate::util::sha256_hex;

/// Most URLs kept per endpoint (sorted, the first ones kept).
pub const MAX_URLS: usize = 20;
/// Most locations kept per endpoint or secret (sorted, the first ones kept).
pub const MAX_LOCATIONS: usize = 50;
/// Most endpoints kept in a report (by host, the first ones kept;
/// `endpoints_total` counts them all).
pub const MAX_ENDPOINTS: usize = 1000;
/// Most secrets kept in a report (by kind then SHA-256, the first ones
/// kept; `secrets_total` counts them all).
pub const MAX_SECRETS: usize = 1000;

/// What the caller's signature database says about a host: its owner (the
/// SDKs of an endpoint come from where it was seen, not from its name).
pub type Attribution = Option<Owner>;

/// `AKIA…MPLE`: 4 characters at each end joined by `…`; values shorter than
/// 12 characters show only `…` so the preview never reveals most of a value.
pub fn preview(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 12 {
        return "…".to_string();
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}…{tail}")
}

/// A place a hit was seen: entry path (shared by all hits of the entry) and
/// offset, with the classes that load the string there when the entry is a
/// DEX file (to find the SDKs holding an endpoint). Orders like
/// [`Location`] without its evidence fields (the users take no part).
#[derive(Debug, Clone)]
pub struct Place {
    pub path: Arc<str>,
    pub offset: Option<u64>,
    /// Java names of the classes whose code loads the DEX string holding
    /// this place (`None` outside DEX files).
    pub users: Option<Arc<[String]>>,
}

impl PartialEq for Place {
    fn eq(&self, other: &Place) -> bool {
        (&self.path, self.offset) == (&other.path, other.offset)
    }
}

impl Eq for Place {}

impl PartialOrd for Place {
    fn partial_cmp(&self, other: &Place) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Place {
    fn cmp(&self, other: &Place) -> std::cmp::Ordering {
        (&self.path, self.offset).cmp(&(&other.path, other.offset))
    }
}

impl Place {
    /// The report location.
    pub fn location(&self) -> Location {
        Location {
            path: self.path.to_string(),
            offset: self.offset,
            ..Location::default()
        }
    }
}

/// The classes loading the DEX string at an offset of the entry being
/// added (see [`Place::users`]); asked only for the places that are kept.
pub type Users<'u> = Option<&'u dyn Fn(u64) -> Arc<[String]>>;

/// The first [`MAX_LOCATIONS`] places of a finding, sorted, and how many
/// distinct places there were in all.
#[derive(Debug, Clone, Default)]
pub struct Places {
    first: Vec<Place>,
    total: usize,
}

impl Places {
    /// Counts a place not seen before and keeps it when it sorts among the
    /// first [`MAX_LOCATIONS`] (asking `users` for its classes only then).
    fn add_new(&mut self, path: &Arc<str>, offset: u64, users: Users<'_>) {
        self.total += 1;
        let key = (path, Some(offset));
        if self.first.len() >= MAX_LOCATIONS
            && self
                .first
                .last()
                .is_some_and(|last| key >= (&last.path, last.offset))
        {
            return;
        }
        let place = Place {
            path: path.clone(),
            offset: Some(offset),
            users: users.map(|u| u(offset)),
        };
        keep_first(&mut self.first, place, MAX_LOCATIONS);
    }

    /// The kept places, sorted.
    pub fn first(&self) -> &[Place] {
        &self.first
    }

    /// The kept places as report locations, and the total.
    pub fn into_locations(self) -> (Vec<Location>, usize) {
        (self.first.iter().map(Place::location).collect(), self.total)
    }
}

/// Inserts `item` into the sorted, duplicate-free `v` if absent, keeping at
/// most `cap` items (the smallest).
fn keep_first<T: Ord>(v: &mut Vec<T>, item: T, cap: usize) {
    if v.len() >= cap && v.last().is_some_and(|last| item >= *last) {
        return;
    }
    if let Err(at) = v.binary_search(&item) {
        v.insert(at, item);
        v.truncate(cap);
    }
}

/// A 64-bit fingerprint, to count distinct items without keeping them
/// (SipHash with fixed keys: the same in every run). Two distinct hosts or
/// secrets sharing one would make a total one short; at a million items the
/// chance is about 3 in 100 million.
fn fingerprint(item: impl Hash) -> u64 {
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    item.hash(&mut h);
    h.finish()
}

#[derive(Debug, Default)]
struct HostSeen {
    urls: Vec<String>,
    places: Places,
}

#[derive(Debug, Default)]
struct SecretSeen {
    value: String,
    places: Places,
}

/// Secrets kept beyond [`MAX_SECRETS`] while folding: values under public
/// key names (whose shape hits are dropped, [`Aggregator::drop_values`])
/// are known only once every entry is in, so up to this many of the kept
/// secrets can be dropped at the end and the first [`MAX_SECRETS`] of the
/// rest still be exact.
pub const SECRETS_RESERVE: usize = 1000;

/// One entry's hits made ready for [`Aggregator::add`] (sorted and
/// deduplicated, secret values hashed): the per-entry work that needs no
/// access to the aggregator.
#[derive(Debug, Default)]
pub struct EntryHits {
    /// Sorted by (host, offset).
    endpoints: Vec<EndpointHit>,
    /// (kind, SHA-256 of the value, offset, value), sorted, one per
    /// (kind, SHA-256, offset).
    secrets: Vec<(String, String, u64, String)>,
}

impl EntryHits {
    /// Sorts and deduplicates the hits of one entry.
    pub fn new(mut endpoints: Vec<EndpointHit>, secrets: Vec<SecretHit>) -> EntryHits {
        endpoints.sort_unstable_by(|a, b| (&a.host, a.offset).cmp(&(&b.host, b.offset)));
        let mut secrets: Vec<(String, String, u64, String)> = secrets
            .into_iter()
            .map(|h| (h.kind, sha256_hex(h.value.as_bytes()), h.offset, h.value))
            .collect();
        secrets.sort_unstable();
        secrets.dedup_by(|a, b| (&a.0, &a.1, a.2) == (&b.0, &b.1, b.2));
        EntryHits { endpoints, secrets }
    }
}

/// Endpoints and secrets folded entry by entry (see the module doc). The
/// result does not depend on the order entries are added in.
#[derive(Debug, Default)]
pub struct Aggregator {
    hosts: BTreeMap<String, HostSeen>,
    all_hosts: HashSet<u64>,
    /// The first [`MAX_SECRETS`] + [`SECRETS_RESERVE`] secrets by (kind, SHA-256).
    secrets: BTreeMap<(String, String), SecretSeen>,
    /// Fingerprints of every (kind, SHA-256) seen.
    all_secrets: HashSet<u64>,
    /// Every secret kind seen (to find a value's kinds by fingerprint).
    kinds: BTreeSet<String>,
}

/// Folded endpoints and secrets, with how many there were in all.
#[derive(Debug, Default)]
pub struct Aggregated {
    pub endpoints: Vec<Endpoint>,
    pub endpoints_total: usize,
    pub secrets: Vec<Secret>,
    pub secrets_total: usize,
}

impl Aggregator {
    /// Folds the hits of the entry `path`; `users` gives the classes of
    /// the places kept (DEX entries). Each path must be added once (places
    /// are counted as distinct per entry).
    pub fn add(&mut self, path: &str, hits: EntryHits, users: Users<'_>) {
        let path: Arc<str> = Arc::from(path);
        let mut last: Option<(&str, u64)> = None;
        for hit in &hits.endpoints {
            let new_place = last != Some((hit.host.as_str(), hit.offset));
            let new_host = last.is_none_or(|(h, _)| h != hit.host);
            last = Some((hit.host.as_str(), hit.offset));
            if new_host {
                self.all_hosts.insert(fingerprint(&hit.host));
            }
            let full = self.hosts.len() >= MAX_ENDPOINTS;
            if full
                && self
                    .hosts
                    .last_key_value()
                    .is_some_and(|(k, _)| hit.host.as_str() > k.as_str())
            {
                continue;
            }
            if !self.hosts.contains_key(&hit.host) {
                self.hosts.insert(hit.host.clone(), HostSeen::default());
                if self.hosts.len() > MAX_ENDPOINTS {
                    self.hosts.pop_last();
                }
            }
            let Some(seen) = self.hosts.get_mut(&hit.host) else {
                continue;
            };
            if let Some(url) = &hit.url {
                keep_first(&mut seen.urls, url.clone(), MAX_URLS);
            }
            if new_place {
                seen.places.add_new(&path, hit.offset, users);
            }
        }
        for (kind, sha, offset, value) in hits.secrets {
            if !self.kinds.contains(&kind) {
                self.kinds.insert(kind.clone());
            }
            self.all_secrets.insert(fingerprint((&kind, &sha)));
            let key = (kind, sha);
            if let Some(seen) = self.secrets.get_mut(&key) {
                seen.places.add_new(&path, offset, None);
                continue;
            }
            if self.secrets.len() >= MAX_SECRETS + SECRETS_RESERVE
                && self.secrets.last_key_value().is_some_and(|(k, _)| key > *k)
            {
                continue;
            }
            let mut seen = SecretSeen {
                value,
                ..SecretSeen::default()
            };
            seen.places.add_new(&path, offset, None);
            self.secrets.insert(key, seen);
            if self.secrets.len() > MAX_SECRETS + SECRETS_RESERVE {
                self.secrets.pop_last();
            }
        }
    }

    /// Whether endpoint hits with `host` were added (kept or not).
    pub fn has_host(&self, host: &str) -> bool {
        self.all_hosts.contains(&fingerprint(host))
    }

    /// The kept hosts never seen inside a URL (bare host names).
    pub fn bare_hosts(&self) -> BTreeSet<&str> {
        self.hosts
            .iter()
            .filter(|(_, seen)| seen.urls.is_empty())
            .map(|(host, _)| host.as_str())
            .collect()
    }

    /// Drops the endpoints of `dropped`, as if they had never been added.
    pub fn drop_hosts(&mut self, dropped: &BTreeSet<String>) {
        for host in dropped {
            self.hosts.remove(host);
            self.all_hosts.remove(&fingerprint(host));
        }
    }

    /// Drops the secrets whose value hashes to one of `dropped`, as if
    /// they had never been added. Exact as long as at most
    /// [`SECRETS_RESERVE`] of the kept secrets are dropped (or no secret
    /// was ever left out).
    pub fn drop_values(&mut self, dropped: &BTreeSet<String>) {
        if dropped.is_empty() {
            return;
        }
        self.secrets.retain(|(_, sha), _| !dropped.contains(sha));
        for sha in dropped {
            for kind in &self.kinds {
                self.all_secrets.remove(&fingerprint((kind, sha)));
            }
        }
    }

    /// For each of `watched` (values by SHA-256) found by shape: the first
    /// kind (in sort order) it was found as.
    pub fn first_kinds(&self, watched: &BTreeSet<String>) -> BTreeMap<String, String> {
        watched
            .iter()
            .filter_map(|sha| {
                let kind = self
                    .kinds
                    .iter()
                    .find(|kind| self.all_secrets.contains(&fingerprint((*kind, sha))))?;
                Some((sha.clone(), kind.clone()))
            })
            .collect()
    }

    /// The endpoints (owner from `attribute`, SDKs from `sdks_at` over the
    /// kept places) and secrets, sorted; `extra` secrets (found by other
    /// means, not counted yet) join before the cap, and `replace` gives
    /// kept secrets (by kind and SHA-256) their final keys and places.
    pub fn finish(
        self,
        attribute: &dyn Fn(&str) -> Attribution,
        sdks_at: &dyn Fn(&Place) -> Vec<String>,
        show_secrets: bool,
        extra: Vec<Secret>,
        replace: &dyn Fn(&mut Secret),
    ) -> Aggregated {
        let endpoints = self
            .hosts
            .into_iter()
            .map(|(host, seen)| {
                let sdks: BTreeSet<String> = seen.places.first().iter().flat_map(sdks_at).collect();
                let (locations, locations_total) = seen.places.into_locations();
                Endpoint {
                    domain: registrable_domain(&host),
                    urls: seen.urls,
                    owner: attribute(&host),
                    sdks: sdks.into_iter().collect(),
                    locations_total,
                    locations,
                    host,
                    ip_owner: None,
                }
            })
            .collect();
        let secrets_total = self.all_secrets.len() + extra.len();
        let mut secrets: Vec<Secret> = self
            .secrets
            .into_iter()
            .take(MAX_SECRETS)
            .map(|((kind, sha256), seen)| {
                let (locations, locations_total) = seen.places.into_locations();
                let mut s = Secret {
                    kind,
                    keys: Vec::new(),
                    preview: preview(&seen.value),
                    sha256,
                    value: show_secrets.then_some(seen.value),
                    locations_total,
                    locations,
                };
                replace(&mut s);
                s
            })
            .chain(extra)
            .collect();
        secrets.sort_by(|a, b| (&a.kind, &a.sha256).cmp(&(&b.kind, &b.sha256)));
        secrets.truncate(MAX_SECRETS);
        secrets.sort();
        Aggregated {
            endpoints,
            endpoints_total: self.all_hosts.len(),
            secrets,
            secrets_total,
        }
    }
}

/// Folds hits from many entries into report endpoints/secrets: endpoints are
/// grouped by host with their URLs (sorted, deduplicated, at most
/// [`MAX_URLS`]) and locations (sorted, deduplicated, at most
/// [`MAX_LOCATIONS`]); `attribute(host)` supplies the owner. Secrets
/// are grouped by (kind, sha256 of the value) with a [`preview`] and their
/// locations; `show_secrets` keeps the full value. Output is sorted (endpoints
/// by host, secrets by kind then hash), so it does not depend on input order.
/// At most [`MAX_ENDPOINTS`] endpoints and [`MAX_SECRETS`] secrets are kept.
pub fn aggregate(
    hits: Vec<(String, EntryScan)>,
    attribute: &dyn Fn(&str) -> Attribution,
    show_secrets: bool,
) -> (Vec<Endpoint>, Vec<Secret>) {
    let mut agg = Aggregator::default();
    for (path, scan) in merge_paths(hits) {
        agg.add(&path, EntryHits::new(scan.endpoints, scan.secrets), None);
    }
    let done = agg.finish(
        attribute,
        &|_| Vec::new(),
        show_secrets,
        Vec::new(),
        &|_| {},
    );
    (done.endpoints, done.secrets)
}

/// `scans` with the hits of one path gathered into one scan, in path order
/// (the aggregator counts places per path).
pub fn merge_paths(mut scans: Vec<(String, EntryScan)>) -> Vec<(String, EntryScan)> {
    scans.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(String, EntryScan)> = Vec::with_capacity(scans.len());
    for (path, scan) in scans {
        match out.last_mut() {
            Some((p, s)) if *p == path => s.extend(scan),
            _ => out.push((path, scan)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(host: &str, url: Option<&str>, offset: u64) -> EndpointHit {
        EndpointHit {
            host: host.into(),
            url: url.map(Into::into),
            offset,
        }
    }

    #[test]
    fn groups_sorts_and_caps() {
        let mut a = EntryScan::default();
        a.endpoints.push(ep(
            "api.mixpanel.com",
            Some("https://api.mixpanel.com/track"),
            40,
        ));
        a.endpoints.push(ep("api.mixpanel.com", None, 10));
        for i in 0..80 {
            a.endpoints.push(ep("x.umeng.com", None, i));
        }
        let mut b = EntryScan::default();
        b.endpoints.push(ep(
            "api.mixpanel.com",
            Some("https://api.mixpanel.com/track"),
            7,
        ));
        let value = "AKIAQYLPMN5HHHFPZAM2";
        b.secrets.push(SecretHit {
            kind: "aws-access-key-id".into(),
            value: value.into(),
            offset: 3,
        });
        b.secrets.push(SecretHit {
            kind: "aws-access-key-id".into(),
            value: value.into(),
            offset: 3,
        });
        let attribute = |host: &str| {
            if host.ends_with("mixpanel.com") {
                Some(Owner {
                    name: "Mixpanel".into(),
                    ..Default::default()
                })
            } else {
                None
            }
        };
        let (eps, secrets) = aggregate(
            vec![("classes.dex".into(), a), ("assets/x.js".into(), b)],
            &attribute,
            false,
        );
        assert_eq!(eps.len(), 2);
        assert_eq!(eps[0].host, "api.mixpanel.com");
        assert_eq!(eps[0].domain.as_deref(), Some("mixpanel.com"));
        assert_eq!(eps[0].urls, vec!["https://api.mixpanel.com/track"]);
        assert_eq!(eps[0].locations.len(), 3);
        assert_eq!(eps[0].locations[0].path, "assets/x.js");
        assert_eq!(eps[1].locations.len(), MAX_LOCATIONS);
        assert_eq!(eps[1].locations_total, 80);
        assert_eq!(eps[0].locations_total, 3);
        assert_eq!(secrets.len(), 1);
        assert_eq!(secrets[0].preview, "AKIA…ZAM2");
        assert_eq!(secrets[0].sha256, sha256_hex(value.as_bytes()));
        assert_eq!(secrets[0].value, None);
        assert_eq!(secrets[0].locations.len(), 1);
        let (_, shown) = aggregate(
            vec![(
                "a".into(),
                EntryScan {
                    endpoints: vec![],
                    secrets: vec![SecretHit {
                        kind: "k".into(),
                        value: value.into(),
                        offset: 0,
                    }],
                    noise: vec![],
                    named: vec![],
                },
            )],
            &|_| None,
            true,
        );
        assert_eq!(shown[0].value.as_deref(), Some(value));
    }

    fn secret(kind: &str, value: &str, offset: u64) -> SecretHit {
        SecretHit {
            kind: kind.into(),
            value: value.into(),
            offset,
        }
    }

    /// Dropping values after folding gives what filtering them out before
    /// would have, totals and first kinds included, past the cap.
    #[test]
    fn dropping_after_the_fold_matches_dropping_before() {
        let values: Vec<String> = (0..MAX_SECRETS + 300).map(|i| format!("v{i:06}")).collect();
        let dropped: BTreeSet<String> = values
            .iter()
            .step_by(7)
            .map(|v| sha256_hex(v.as_bytes()))
            .collect();
        let hits = |keep: &dyn Fn(&str) -> bool| {
            let mut out = Vec::new();
            for (i, v) in values.iter().enumerate() {
                if keep(v) {
                    out.push(secret(if i % 2 == 0 { "a" } else { "b" }, v, i as u64));
                    out.push(secret("c", v, 1));
                }
            }
            out
        };
        let mut late = Aggregator::default();
        late.add("x", EntryHits::new(Vec::new(), hits(&|_| true)), None);
        late.drop_values(&dropped);
        let mut early = Aggregator::default();
        let kept = |v: &str| !dropped.contains(&sha256_hex(v.as_bytes()));
        early.add("x", EntryHits::new(Vec::new(), hits(&kept)), None);
        let watched: BTreeSet<String> = values[..20]
            .iter()
            .map(|v| sha256_hex(v.as_bytes()))
            .collect();
        let w: Vec<_> = watched
            .iter()
            .filter(|s| !dropped.contains(*s))
            .cloned()
            .collect();
        let watched_kept: BTreeSet<String> = w.into_iter().collect();
        assert_eq!(
            late.first_kinds(&watched_kept),
            early.first_kinds(&watched_kept)
        );
        assert!(
            late.first_kinds(&watched_kept)
                .values()
                .all(|k| k == "a" || k == "b")
        );
        let finish =
            |a: Aggregator| a.finish(&|_| None, &|_| Vec::new(), true, Vec::new(), &|_| {});
        let (late, early) = (finish(late), finish(early));
        assert_eq!(late.secrets, early.secrets);
        assert_eq!(late.secrets_total, early.secrets_total);
        assert_eq!(late.secrets.len(), MAX_SECRETS);
    }

    /// Entries folded in any order give the same result; places ask for
    /// their classes only when kept.
    #[test]
    fn order_does_not_matter() {
        let entry = |n: u64| {
            let eps = (0..120)
                .map(|i| ep(&format!("h{}.example.com", (i * 7 + n) % 90), None, i))
                .collect();
            (
                format!("e{n}"),
                EntryHits::new(eps, vec![secret("k", &format!("s{n}"), n)]),
            )
        };
        let users = |o: u64| -> Arc<[String]> { Arc::from(vec![format!("c{o}")]) };
        let run = |order: &[u64]| {
            let mut a = Aggregator::default();
            for &n in order {
                let (path, hits) = entry(n);
                a.add(&path, hits, Some(&users));
            }
            a.finish(
                &|_| None,
                &|p| p.users.as_deref().unwrap_or_default().to_vec(),
                false,
                Vec::new(),
                &|_| {},
            )
        };
        let a = run(&[0, 1, 2, 3, 4, 5, 6, 7]);
        let b = run(&[7, 3, 5, 1, 0, 6, 2, 4]);
        assert_eq!(a.endpoints, b.endpoints);
        assert_eq!(a.secrets, b.secrets);
        assert_eq!(a.endpoints_total, 90);
        assert!(a.endpoints[0].sdks.iter().all(|s| s.starts_with('c')));
        assert!(!a.endpoints[0].sdks.is_empty());
    }

    #[test]
    fn short_previews_hide_everything() {
        assert_eq!(preview("abcdefgh"), "…");
        assert_eq!(preview("abcdefghijkl"), "abcd…ijkl");
    }
}
