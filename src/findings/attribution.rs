//! Endpoints and secrets from scanner hits, with owners and SDKs from the
//! database: the domain rules first, then the code the host was seen in.

use crate::report::model::{Endpoint, Location, Secret};
use crate::scan::{self, EntryScan};
use crate::signatures::Database;
use std::collections::BTreeSet;

/// Folds `scans` into report endpoints and secrets. Owner and SDK come from
/// the database's domain rules; an endpoint the rules do not claim, whose
/// every location `sdk_at` ties to one SDK, is attributed to that SDK. The
/// owner stays the domain's: an SDK's vendor need not run the hosts its
/// code names.
pub fn endpoints_and_secrets(
    db: &Database,
    scans: Vec<(String, EntryScan)>,
    show_secrets: bool,
    sdk_at: &dyn Fn(&Location) -> Option<String>,
) -> (Vec<Endpoint>, Vec<Secret>) {
    let attribute = |host: &str| match db.owner_for_host(host) {
        Some((sdk, owner)) => (Some(owner), sdk.map(str::to_string)),
        None => (None, None),
    };
    let (mut endpoints, secrets) = scan::aggregate(scans, &attribute, show_secrets);
    for e in endpoints.iter_mut().filter(|e| e.sdk.is_none()) {
        let sdks: BTreeSet<Option<String>> = e.locations.iter().map(sdk_at).collect();
        if sdks.len() == 1
            && let Some(Some(sdk)) = sdks.into_iter().next()
        {
            e.sdk = Some(sdk);
        }
    }
    (endpoints, secrets)
}
