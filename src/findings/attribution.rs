//! Attribution by location: which listed SDK (or the app) a piece of code
//! belongs to, from where the code is (its class's package, a repackaged
//! prefix, the app's namespace) — never from a name lookup of what it does.
//! Endpoints and secrets are folded here; a host rule gives only the owner,
//! the SDKs of an endpoint are those whose code or library holds it.

use crate::android::identifiers::{APP, OTHER};
use crate::report::model::{Endpoint, Location, Sdk, Secret};
use crate::scan::{self, EntryScan};
use crate::signatures::{
    Database, app_namespace_sdks, code_owner, in_app_namespace, normalize_class, under,
};
use std::collections::{BTreeSet, HashSet};

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
    pub fn new(
        db: &'a Database,
        sdks: &[Sdk],
        app_id: Option<&str>,
        classes: &[(String, String)],
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
        self.db.sdks.get(i).map(|s| s.id.clone())
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

/// Folds `scans` into report endpoints and secrets. The owner comes from the
/// database's domain rules; the SDKs of an endpoint are those `sdks_at` finds
/// holding it at its locations (its code or native library).
pub fn endpoints_and_secrets(
    db: &Database,
    scans: Vec<(String, EntryScan)>,
    show_secrets: bool,
    sdks_at: &dyn Fn(&Location) -> Vec<String>,
) -> (Vec<Endpoint>, Vec<Secret>) {
    let attribute = |host: &str| db.owner_for_host(host).map(|(_, owner)| owner);
    let (mut endpoints, secrets) = scan::aggregate(scans, &attribute, show_secrets);
    for e in &mut endpoints {
        let sdks: BTreeSet<String> = e.locations.iter().flat_map(sdks_at).collect();
        e.sdks = sdks.into_iter().collect();
    }
    (endpoints, secrets)
}
