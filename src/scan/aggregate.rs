//! Folding per-entry hits into the report's endpoints and secrets.

use std::collections::{BTreeMap, BTreeSet};

use super::{EntryScan, registrable_domain};
use crate::report::model::{Endpoint, Location, Owner, Secret};
use crate::util::sha256_hex;

/// Most URLs kept per endpoint (sorted, the first ones kept).
pub const MAX_URLS: usize = 20;
/// Most locations kept per endpoint or secret (sorted, the first ones kept).
pub const MAX_LOCATIONS: usize = 50;

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

/// Folds hits from many entries into report endpoints/secrets: endpoints are
/// grouped by host with their URLs (sorted, deduplicated, at most
/// [`MAX_URLS`]) and locations (sorted, deduplicated, at most
/// [`MAX_LOCATIONS`]); `attribute(host)` supplies the owner. Secrets
/// are grouped by (kind, sha256 of the value) with a [`preview`] and their
/// locations; `show_secrets` keeps the full value. Output is sorted (endpoints
/// by host, secrets by kind then hash), so it does not depend on input order.
pub fn aggregate(
    hits: Vec<(String, EntryScan)>,
    attribute: &dyn Fn(&str) -> Attribution,
    show_secrets: bool,
) -> (Vec<Endpoint>, Vec<Secret>) {
    type Seen = (BTreeSet<String>, BTreeSet<Location>);
    let mut hosts: BTreeMap<String, Seen> = BTreeMap::new();
    let mut secrets: BTreeMap<(String, String), (String, BTreeSet<Location>)> = BTreeMap::new();
    for (path, scan) in hits {
        for hit in scan.endpoints {
            let entry = hosts.entry(hit.host).or_default();
            if let Some(url) = hit.url {
                entry.0.insert(url);
            }
            entry.1.insert(Location {
                path: path.clone(),
                offset: Some(hit.offset),
                ..Location::default()
            });
        }
        for hit in scan.secrets {
            let sha = sha256_hex(hit.value.as_bytes());
            let entry = secrets
                .entry((hit.kind, sha))
                .or_insert_with(|| (hit.value, BTreeSet::new()));
            entry.1.insert(Location {
                path: path.clone(),
                offset: Some(hit.offset),
                ..Location::default()
            });
        }
    }
    let endpoints = hosts
        .into_iter()
        .map(|(host, (urls, locations))| {
            let owner = attribute(&host);
            Endpoint {
                domain: registrable_domain(&host),
                urls: urls.into_iter().take(MAX_URLS).collect(),
                owner,
                sdks: Vec::new(),
                locations_total: locations.len(),
                locations: locations.into_iter().take(MAX_LOCATIONS).collect(),
                host,
                ip_owner: None,
            }
        })
        .collect();
    let secrets = secrets
        .into_iter()
        .map(|((kind, sha256), (value, locations))| Secret {
            kind,
            keys: Vec::new(),
            preview: preview(&value),
            sha256,
            value: show_secrets.then_some(value),
            locations_total: locations.len(),
            locations: locations.into_iter().take(MAX_LOCATIONS).collect(),
        })
        .collect();
    (endpoints, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{EndpointHit, SecretHit};

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

    #[test]
    fn short_previews_hide_everything() {
        assert_eq!(preview("abcdefgh"), "…");
        assert_eq!(preview("abcdefghijkl"), "abcd…ijkl");
    }
}
