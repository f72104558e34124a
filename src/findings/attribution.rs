//! Attribution by location: which listed SDK (or the app) a piece of code
//! belongs to, from where the code is (its class's package, a repackaged
//! prefix, the app's namespace) — never from a name lookup of what it does.
//! Endpoints and secrets are folded here; a host rule gives only the owner,
//! the SDKs of an endpoint are those whose code or library holds it.

use crate::android::identifiers::{APP, OTHER};
use crate::report::model::{AppKey, Location, NoiseCount, Report, Sdk, Secret};
use crate::scan;
use crate::scan::aggregate::{Aggregated, Place};
use crate::scan::collect::Collected;
use crate::scan::named::{NamedClass, NamedValue};
use crate::signatures::{
    Database, app_namespace_sdks, code_owner, in_app_namespace, normalize_class, under,
};
use crate::util::sha256_hex;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Where code lies, judged against the SDKs a report lists.
pub struct CodeOwners<'a> {
    db: &'a Database,
    /// Database indices of the SDKs found bundled or repackaged.
    present: HashSet<usize>,
    /// Repackaged prefixes, longest first, with their SDK index.
    repackaged: Vec<(String, usize)>,
    app_id: Option<String>,
    /// SDKs whose classes in the app's namespace are theirs (see the matcher).
    app_namespace_sdks: BTreeSet<usize>,
}

impl<'a> CodeOwners<'a> {
    /// Resolver for a report whose `sdks` are final, in the app `app_id`
    /// whose code defines `classes` (`(entry path, class)`).
    pub fn new<'c>(
        db: &'a Database,
        sdks: &[Sdk],
        app_id: Option<&str>,
        classes: impl IntoIterator<Item = (&'c str, &'c str)>,
    ) -> CodeOwners<'a> {
        let mut present = HashSet::new();
        let mut repackaged = Vec::new();
        for s in sdks {
            let Some(i) = db.sdk_index(&s.id) else {
                continue;
            };
            if s.found == "bundled" || s.found == "repackaged" {
                present.insert(i);
            }
            for p in &s.repackaged_under {
                repackaged.push((p.clone(), i));
            }
        }
        repackaged.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        CodeOwners {
            db,
            present,
            repackaged,
            app_id: app_id.map(str::to_string),
            app_namespace_sdks: app_namespace_sdks(db, app_id, classes),
        }
    }

    /// The listed SDK whose code `class` is.
    pub fn sdk_of(&self, class: &str) -> Option<String> {
        let (i, prefix, re) = code_owner(self.db, &self.repackaged, class)?;
        if !self.present.contains(&i) {
            return None;
        }
        if !re
            && !self.app_namespace_sdks.contains(&i)
            && in_app_namespace(self.app_id.as_deref(), &normalize_class(class), &prefix)
        {
            return None;
        }
        self.db.sdks.get(i).map(|s| s.id.to_string())
    }

    /// `class`'s place: a listed SDK's id, `app` for the app's namespace,
    /// else `other`.
    pub fn place_of(&self, class: &str) -> String {
        if let Some(s) = self.sdk_of(class) {
            return s;
        }
        match &self.app_id {
            Some(app) if !app.is_empty() && under(&normalize_class(class), app) => APP.into(),
            _ => OTHER.into(),
        }
    }

    /// Whether `id` is an SDK the report lists as bundled or repackaged.
    pub fn is_present(&self, id: &str) -> bool {
        self.db
            .sdk_index(id)
            .is_some_and(|i| self.present.contains(&i))
    }
}

/// Endpoints, secrets, endpoint noise counts and app keys of a report,
/// with how many endpoints and secrets there were before the caps.
#[derive(Debug, Default)]
pub struct Folded {
    pub aggregated: Aggregated,
    pub noise: Vec<NoiseCount>,
    pub app_keys: Vec<AppKey>,
}

impl Folded {
    /// Moves the folded lists and totals into `report`.
    pub fn into_report(self, report: &mut Report) {
        report.endpoints = self.aggregated.endpoints;
        report.endpoints_total = self.aggregated.endpoints_total;
        report.secrets = self.aggregated.secrets;
        report.secrets_total = self.aggregated.secrets_total;
        report.endpoint_noise = self.noise;
        report.app_keys = self.app_keys;
    }
}

/// Drops the bare hosts (never seen inside a URL) that are names of the
/// app's own code: the app id or a package of a class it defines
/// (`classes`, dotted; each enclosing package counts), counted as noise of
/// class `package-name`. JustTrustMe's app id and package `just.trust.me`
/// is a string of its code, not a host; no package is a host, as a package
/// is a host name reversed. A URL with the same host keeps it.
pub fn drop_package_names<'c>(
    collected: &mut Collected,
    app_id: Option<&str>,
    classes: impl IntoIterator<Item = &'c str>,
) {
    let bare = collected.aggregator.bare_hosts();
    if bare.is_empty() {
        return;
    }
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut note = |name: &str| {
        if bare.contains(name) && !names.contains(name) {
            names.insert(name.to_string());
        }
    };
    if let Some(id) = app_id {
        note(id);
    }
    for class in classes {
        let mut rest = class;
        while let Some(dot) = rest.rfind('.') {
            rest = &rest[..dot];
            note(rest);
        }
    }
    if names.is_empty() {
        return;
    }
    collected.aggregator.drop_hosts(&names);
    collected
        .noise
        .entry("package-name".to_string())
        .or_default()
        .extend(names);
}

/// Most example hosts kept per noise class.
const NOISE_EXAMPLES: usize = 10;

/// The report's endpoints and secrets from the hits `collected` from every
/// entry (folded one entry at a time, [`scan::aggregate::Aggregator`]:
/// memory bounded by the caps; hits that are noise by their context were
/// dropped and counted by class). The owner comes from the database's
/// domain rules; the SDKs of an endpoint are those `sdks_at` finds holding
/// it at its kept places (its code or native library). Values under
/// classified key names are folded in ([`Named`]).
pub fn endpoints_and_secrets(
    db: &Database,
    collected: Collected,
    show_secrets: bool,
    sdks_at: &dyn Fn(&Place) -> Vec<String>,
) -> Folded {
    let Collected {
        aggregator: mut agg,
        noise,
        named,
        ..
    } = collected;
    let named = Named::new(&named);
    agg.drop_values(&named.public_hashes());
    let counts = noise
        .into_iter()
        .filter_map(|(class, hosts)| {
            let only: Vec<String> = hosts.into_iter().filter(|h| !agg.has_host(h)).collect();
            (!only.is_empty()).then(|| NoiseCount {
                class,
                hosts: only.len(),
                examples: only.into_iter().take(NOISE_EXAMPLES).collect(),
            })
        })
        .collect();
    let first_kinds = agg.first_kinds(&named.secret.keys().cloned().collect());
    let attribute = |host: &str| db.owner_for_host(host).map(|(_, owner)| owner);
    let extra = named.unmatched_secrets(&first_kinds, show_secrets);
    let replace = |s: &mut Secret| {
        if first_kinds.get(&s.sha256) == Some(&s.kind) {
            named.merge_into(s);
        }
    };
    let done = agg.finish(&attribute, sdks_at, show_secrets, extra, &replace);
    Folded {
        aggregated: done,
        noise: counts,
        app_keys: named.app_keys(),
    }
}

/// Values under classified key names: a secret name adds its key to the
/// secret already found with that value, or reports it (kind
/// `named-secret`) whatever its entropy; a public name makes the value an
/// app key, and a secret found by shape with that value is dropped (a Maps
/// key under `com.google.android.geo.API_KEY` ships in every copy).
struct Named {
    /// (key name, value) of public names → their locations.
    public: BTreeMap<(String, String), BTreeSet<Location>>,
    /// SHA-256 of a secret-named value → (value, key names, locations).
    secret: BTreeMap<String, (String, BTreeSet<String>, BTreeSet<Location>)>,
}

impl Named {
    fn new(named: &[(String, NamedValue)]) -> Named {
        let loc = |path: &str, n: &NamedValue| Location {
            path: path.to_string(),
            offset: n.offset,
            ..Location::default()
        };
        let mut public: BTreeMap<(String, String), BTreeSet<Location>> = BTreeMap::new();
        let mut secret: BTreeMap<String, (String, BTreeSet<String>, BTreeSet<Location>)> =
            BTreeMap::new();
        for (path, n) in named {
            match n.class {
                NamedClass::Public => {
                    public
                        .entry((n.name.clone(), n.value.clone()))
                        .or_default()
                        .insert(loc(path, n));
                }
                NamedClass::Secret => {
                    let e = secret
                        .entry(sha256_hex(n.value.as_bytes()))
                        .or_insert_with(|| (n.value.clone(), BTreeSet::new(), BTreeSet::new()));
                    e.1.insert(n.name.clone());
                    e.2.insert(loc(path, n));
                }
            }
        }
        Named { public, secret }
    }

    /// Hashes of publicly named values (not also secret-named): secrets
    /// found by shape with them are dropped.
    fn public_hashes(&self) -> BTreeSet<String> {
        self.public
            .keys()
            .map(|(_, v)| sha256_hex(v.as_bytes()))
            .filter(|h| !self.secret.contains_key(h))
            .collect()
    }

    /// Secret-named values no shape found (`first_kinds` has those that
    /// were), as `named-secret` secrets.
    fn unmatched_secrets(
        &self,
        first_kinds: &BTreeMap<String, String>,
        show_secrets: bool,
    ) -> Vec<Secret> {
        self.secret
            .iter()
            .filter(|(sha, _)| !first_kinds.contains_key(*sha))
            .map(|(sha256, (value, keys, locations))| Secret {
                kind: "named-secret".into(),
                keys: keys.iter().cloned().collect(),
                preview: scan::preview(value),
                sha256: sha256.clone(),
                value: show_secrets.then(|| value.clone()),
                locations_total: locations.len(),
                locations: locations
                    .iter()
                    .take(scan::MAX_LOCATIONS)
                    .cloned()
                    .collect(),
            })
            .collect()
    }

    /// Gives `s` (the first secret found by shape with a secret-named
    /// value) the key names and the places of the named value.
    fn merge_into(&self, s: &mut Secret) {
        let Some((_, keys, locations)) = self.secret.get(&s.sha256) else {
            return;
        };
        s.keys = keys.iter().cloned().collect();
        let mut all: BTreeSet<Location> = s.locations.drain(..).collect();
        all.extend(locations.iter().cloned());
        s.locations_total = all.len();
        s.locations = all.into_iter().take(scan::MAX_LOCATIONS).collect();
    }

    /// The public app keys.
    fn app_keys(self) -> Vec<AppKey> {
        self.public
            .into_iter()
            .map(|((key, value), locations)| AppKey {
                key,
                value,
                locations: locations.into_iter().take(scan::MAX_LOCATIONS).collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::collect;
    use crate::scan::{EndpointHit, EntryScan};

    #[test]
    fn package_names_are_not_hosts() {
        let context = crate::scan::noise::Context::default();
        let rules = collect::Rules {
            context: &context,
            is_sdk_host: &|_| false,
        };
        let hit = |host: &str, url: Option<&str>, offset| EndpointHit {
            host: host.into(),
            url: url.map(str::to_string),
            offset,
        };
        let scan = EntryScan {
            endpoints: vec![
                hit("just.trust.me", None, 1),
                hit("trust.me", None, 2),
                hit("api.trust.me", Some("https://api.trust.me/x"), 3),
                hit("api.trust.me", None, 4),
                hit("api.real.com", None, 5),
            ],
            ..EntryScan::default()
        };
        let mut c = Collected::from_scans(rules, vec![("classes.dex".into(), scan)]);
        drop_package_names(
            &mut c,
            Some("just.trust.me"),
            ["just.trust.me.Main", "trust.me.util.X", "api.trust.me.Y"],
        );
        assert_eq!(
            c.noise["package-name"].iter().collect::<Vec<_>>(),
            ["just.trust.me", "trust.me"]
        );
        let kept = c.aggregator.bare_hosts();
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["api.real.com"]);
        // Seen in a URL: stays.
        assert!(c.aggregator.has_host("api.trust.me"));
        assert!(!c.aggregator.has_host("just.trust.me"));
    }
}
