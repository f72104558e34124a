//! iOS findings: from the Mach-O facts, Info.plist and privacy manifests of
//! an IPA (or a bare Mach-O) to binaries, SDKs, identifier APIs, personal-data
//! reads (imported symbols), endpoints, secrets and the privacy-manifest
//! cross-checks, through the knowledge base.

use crate::android::identifiers::{APP, OTHER};
use crate::android::personal_data;
use crate::apple::binary::BinaryFacts;
use crate::apple::identifiers as apple_ids;
use crate::apple::info_plist;
use crate::apple::ipa::IpaFacts;
use crate::apple::privacy_manifest;
use crate::findings::attribution::{self, CodeOwners};
use crate::knowledge::Knowledge;
use crate::report::model::{
    Binary, CallerGroup, Evidence, IdentifierApi, Location, PrivacyManifest, Report, Sdk,
    UndeclaredApi, Warning,
};
use crate::scan::EntryScan;
use crate::scan::aggregate::Place;
use crate::scan::collect::{self, Collected};
use crate::signatures::{AppFacts, Database, match_sdks};
use std::collections::{BTreeMap, BTreeSet};

/// The findings stage for an IPA: SDKs of frameworks and binaries, then
/// binaries, identifier APIs, endpoints and secrets, Info.plist SDK keys and
/// the privacy-manifest cross-checks.
pub fn run(facts: IpaFacts, report: &mut Report, knowledge: &Knowledge, show_secrets: bool) {
    let IpaFacts {
        mut app,
        candidates,
        mut binaries,
        scans,
        manifests,
        main,
        info_path,
        without_manifest,
    } = facts;
    let db = &knowledge.signatures;
    let mut bundle_sdk: BTreeMap<String, Option<String>> = BTreeMap::new();
    for c in candidates {
        let sdk = framework_sdk(db, &c.name, c.bundle_id.as_deref());
        if let Some(f) = c.framework.and_then(|i| report.frameworks.get_mut(i)) {
            f.sdk = sdk.clone();
        }
        bundle_sdk.insert(c.key, sdk);
    }
    for b in &mut binaries {
        b.sdk = b
            .bundle
            .as_ref()
            .and_then(|d| bundle_sdk.get(d).cloned().flatten())
            .or_else(|| bundle_sdk.get(&b.path).cloned().flatten());
    }
    let usage = finish_binaries(report, knowledge, &mut app, binaries, scans, show_secrets);
    plist_sdk_evidence(report, knowledge, &main, &info_path);
    let without: Vec<String> = without_manifest
        .into_iter()
        .filter(|name| knowledge.apple_privacy_sdks.contains(name))
        .collect();
    report.privacy_manifest = privacy_report(report, knowledge, manifests, usage, without);
}

/// The findings stage for a bare Mach-O file.
pub fn run_binaries(
    binaries: Vec<BinaryFacts>,
    report: &mut Report,
    knowledge: &Knowledge,
    show_secrets: bool,
) {
    let mut app = AppFacts::default();
    finish_binaries(
        report,
        knowledge,
        &mut app,
        binaries,
        Vec::new(),
        show_secrets,
    );
}

/// The SDK of a framework: by its name, else by its bundle id.
fn framework_sdk(db: &Database, name: &str, bundle_id: Option<&str>) -> Option<String> {
    db.sdk_for_framework(name).map(str::to_string).or_else(|| {
        db.bundle_ids
            .longest(bundle_id?)
            .and_then(|(i, _)| db.sdks.get(i))
            .map(|s| s.id.to_string())
    })
}

/// Required-reason API use: (category, evidence, binary path).
pub type ReasonUsage = Vec<(String, Vec<String>, String)>;

/// What the binaries give the findings besides their report records:
/// identifier APIs (callers placed once SDKs are known), personal-data
/// reads, required-reason API use and each binary's framework SDK.
#[derive(Default)]
struct Gathered {
    apis: BTreeMap<String, IdentifierApi>,
    /// Binary path → the SDK of its framework.
    location_sdk: BTreeMap<String, Option<String>>,
    /// (api, binary path): callers are binaries.
    api_binaries: Vec<(String, String)>,
    usage: ReasonUsage,
    personal_hits: Vec<(String, personal_data::ReadHit)>,
}

/// Binaries, SDKs, identifier APIs, endpoints and secrets from the Mach-O
/// facts (shared by IPAs and bare Mach-O files). Returns the required-reason
/// API use of every binary, for the privacy-manifest check.
pub fn finish_binaries(
    report: &mut Report,
    knowledge: &Knowledge,
    facts: &mut AppFacts,
    binaries: Vec<BinaryFacts>,
    mut scans: Vec<(String, EntryScan)>,
    show_secrets: bool,
) -> ReasonUsage {
    let mut g = Gathered::default();
    for b in binaries {
        record_binary(report, &b);
        gather(knowledge, facts, &mut g, &b);
        g.location_sdk.insert(b.path.clone(), b.sdk.clone());
        scans.push((b.path, b.scan));
    }
    if !report.binaries.is_empty() {
        report.security.encrypted = Some(report.binaries.iter().any(|b| b.encrypted));
    }
    let db = &knowledge.signatures;
    facts.hosts.extend(sdk_hosts(db, &scans));
    report.sdks = match_sdks(db, facts);
    let owners = CodeOwners::new(
        db,
        &report.sdks,
        report.app.id.as_deref(),
        std::iter::empty(),
    );
    let location_sdk = &g.location_sdk;
    // A binary's place: the listed SDK of its framework, other frameworks'
    // code, or the app.
    let place = |path: &str| -> String {
        match location_sdk.get(path).cloned().flatten() {
            Some(s) if owners.is_present(&s) => s,
            _ if path.contains("Frameworks/") => OTHER.into(),
            _ => APP.into(),
        }
    };
    report.identifier_apis = place_api_callers(g.apis, g.api_binaries, &place);
    report.personal_data = personal_data::collect(
        &knowledge.personal_data,
        g.personal_hits.iter().map(|(p, h)| (p.as_str(), h)),
        &place,
    );
    // Imported symbols have no single offset in the binary.
    for r in &mut report.personal_data {
        for l in &mut r.locations {
            l.offset = None;
        }
    }
    // A host seen inside a framework's binary belongs to its listed SDK.
    let sdks_at = |l: &Place| -> Vec<String> {
        location_sdk
            .get(&*l.path)
            .cloned()
            .flatten()
            .filter(|s| owners.is_present(s))
            .into_iter()
            .collect()
    };
    let rules = collect::Rules {
        context: knowledge.scan.context(),
        is_sdk_host: &|_| false,
    };
    let mut collected = Collected::from_scans(rules, scans);
    attribution::drop_package_names(&mut collected, report.app.id.as_deref(), []);
    let folded = attribution::endpoints_and_secrets(db, collected, show_secrets, &sdks_at);
    folded.into_report(report);
    g.usage
}

/// The binary's warnings, certificates and `binaries` record.
fn record_binary(report: &mut Report, b: &BinaryFacts) {
    let m = &b.facts;
    for w in &m.warnings {
        report.warnings.push(Warning::new(&b.path, w.clone()));
    }
    let enc_archs: Vec<String> = m
        .slices
        .iter()
        .filter(|s| s.encrypted)
        .map(|s| s.arch.clone())
        .collect();
    let unreadable: Vec<String> = m
        .slices
        .iter()
        .flat_map(|s| {
            s.unreadable_sections
                .iter()
                .map(move |x| format!("{}: {x}", s.arch))
        })
        .collect();
    if !enc_archs.is_empty() {
        report.warnings.push(Warning::new(
            &b.path,
            format!(
                "FairPlay-encrypted ({}): code, class names, selectors and strings in the encrypted range could not be inspected{}; load commands, linked libraries, imported symbols, the code signature and every other file were",
                enc_archs.join(", "),
                if unreadable.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", unreadable.join(", "))
                }
            ),
        ));
    }
    let sig = m.signature();
    if let Some(sig) = sig {
        report
            .signing
            .extend(sig.certificates.iter().map(|c| c.to_report("ios")));
    }
    report.binaries.push(Binary {
        path: b.path.clone(),
        archs: m.archs(),
        encrypted: !enc_archs.is_empty(),
        encrypted_archs: enc_archs,
        unreadable,
        linked: m.libs().into_iter().collect(),
        team_id: sig.and_then(|s| s.team_id.clone()),
        signing_id: sig.and_then(|s| s.identifier.clone()),
        entitlements: sig
            .and_then(|s| s.entitlements.as_ref())
            .map(|e| e.keys().cloned().collect())
            .unwrap_or_default(),
    });
}

/// The binary's SDK facts (Objective-C classes, linked frameworks),
/// identifier APIs, personal-data reads and required-reason API use.
fn gather(knowledge: &Knowledge, facts: &mut AppFacts, g: &mut Gathered, b: &BinaryFacts) {
    let m = &b.facts;
    for class in m.objc_classes() {
        facts.objc_classes.push((b.path.clone(), class));
    }
    for lib in m.libs() {
        if let Some(name) = lib
            .strip_prefix("@rpath/")
            .and_then(|l| l.split('/').next())
        {
            facts.frameworks.push((b.path.clone(), name.to_string()));
        }
    }
    for api in apple_ids::detect(&knowledge.apple_identifier_apis, m) {
        let e = g
            .apis
            .entry(api.api.clone())
            .or_insert_with(|| IdentifierApi {
                api: api.api.clone(),
                category: api.category.clone(),
                ..IdentifierApi::default()
            });
        e.callers.push(b.path.clone());
        e.locations.push(Location {
            path: b.path.clone(),
            offset: None,
            ..Location::default()
        });
        g.api_binaries.push((api.api.clone(), b.path.clone()));
    }
    for hit in personal_data::symbol_hits(&knowledge.personal_data, &m.imports(), &b.path) {
        g.personal_hits.push((b.path.clone(), hit));
    }
    for (cat, found) in privacy_manifest::used_categories(
        &knowledge.apple_reason_categories,
        &m.imports(),
        &m.selectors(),
        &m.cstrings(),
    ) {
        g.usage.push((cat.to_string(), found, b.path.clone()));
    }
}

/// `(entry path, host)` of the hits whose host a rule ties to an SDK: only
/// those are evidence (noise included: the code holds them all the same).
fn sdk_hosts(db: &Database, scans: &[(String, EntryScan)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, scan) in scans {
        for hit in scan
            .endpoints
            .iter()
            .chain(scan.noise.iter().map(|(_, h)| h))
        {
            if db.is_sdk_host(&hit.host) {
                out.push((path.clone(), hit.host.clone()));
            }
        }
    }
    out
}

/// The identifier APIs with their caller binaries grouped by `place`, and
/// the places other than `other` as their SDKs.
fn place_api_callers(
    mut apis: BTreeMap<String, IdentifierApi>,
    api_binaries: Vec<(String, String)>,
    place: &dyn Fn(&str) -> String,
) -> Vec<IdentifierApi> {
    for (api, binary) in api_binaries {
        if let Some(e) = apis.get_mut(&api) {
            let p = place(&binary);
            match e.callers_by_sdk.iter_mut().find(|g| g.sdk == p) {
                Some(g) => g.callers.push(binary),
                None => e.callers_by_sdk.push(CallerGroup {
                    sdk: p,
                    callers: vec![binary],
                }),
            }
        }
    }
    for e in apis.values_mut() {
        e.callers_by_sdk.sort();
        e.sdks = e
            .callers_by_sdk
            .iter()
            .map(|g| g.sdk.clone())
            .filter(|s| s != OTHER)
            .collect();
    }
    apis.into_values().collect()
}

/// SDK keys in Info.plist (`GADApplicationIdentifier`, `FacebookAppID`, …) as
/// `plist` evidence, adding the SDK when nothing else found it.
pub fn plist_sdk_evidence(
    report: &mut Report,
    knowledge: &Knowledge,
    p: &info_plist::InfoPlist,
    path: &str,
) {
    let db = &knowledge.signatures;
    for k in &knowledge.apple_plist_sdk_keys {
        if !p.keys.contains(&k.key) {
            continue;
        }
        let Some(entry) = db.sdk_index(&k.sdk).and_then(|i| db.sdks.get(i)) else {
            continue;
        };
        let evidence = Evidence {
            kind: "plist".into(),
            path: path.to_string(),
            detail: k.key.clone(),
            ..Evidence::default()
        };
        match report.sdks.iter_mut().find(|s| s.id == k.sdk) {
            Some(s) => {
                s.evidence.push(evidence);
                s.evidence.sort();
                s.evidence_count += 1;
            }
            None => report.sdks.push(Sdk {
                id: entry.id.to_string(),
                name: entry.name.to_string(),
                categories: entry.categories.iter().map(|c| c.to_string()).collect(),
                owner: db.owner_of_sdk(&entry.id),
                website: entry.website.as_ref().map(|w| w.to_string()),
                tracker: entry.tracker,
                found: "declared".into(),
                repackaged_under: Vec::new(),
                evidence: vec![evidence],
                evidence_count: 1,
            }),
        }
    }
}

/// Builds the privacy-manifest section: declarations merged, and the three
/// cross-checks.
pub fn privacy_report(
    report: &Report,
    knowledge: &Knowledge,
    manifests: Vec<(String, privacy_manifest::ManifestFile)>,
    usage: ReasonUsage,
    sdks_without_manifest: Vec<String>,
) -> Option<PrivacyManifest> {
    let mut pm = PrivacyManifest::default();
    let mut declared_domains: BTreeSet<String> = BTreeSet::new();
    let mut declared_cats: BTreeSet<String> = BTreeSet::new();
    for (path, m) in manifests {
        pm.files.push(path.clone());
        pm.tracking |= m.tracking == Some(true);
        declared_domains.extend(m.tracking_domains.iter().map(|d| d.to_ascii_lowercase()));
        for mut c in m.collected {
            c.path = path.clone();
            pm.collected_data_types.push(c);
        }
        for mut a in m.accessed {
            a.path = path.clone();
            declared_cats.insert(a.category.clone());
            pm.accessed_api_types.push(a);
        }
    }
    pm.tracking_domains = declared_domains.iter().cloned().collect();
    let db = &knowledge.signatures;
    let tracking_sdk = |id: &str| {
        db.sdk_index(id)
            .and_then(|i| db.sdks.get(i))
            .is_some_and(|s| {
                s.categories
                    .iter()
                    .any(|c| knowledge.apple_tracking_categories.contains(&**c))
            })
    };
    let declared = |host: &str| {
        declared_domains
            .iter()
            .any(|d| host == d || host.ends_with(&format!(".{d}")))
    };
    pm.undeclared_tracking_domains = report
        .endpoints
        .iter()
        .filter(|e| e.sdks.iter().any(|s| tracking_sdk(s)))
        .filter(|e| !declared(&e.host.to_ascii_lowercase()))
        .map(|e| e.host.clone())
        .collect();
    let mut undeclared: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for (cat, apis, binary) in usage {
        if declared_cats.contains(&cat) {
            continue;
        }
        let e = undeclared.entry(cat).or_default();
        e.0.extend(apis);
        e.1.insert(binary);
    }
    pm.undeclared_api_categories = undeclared
        .into_iter()
        .map(|(category, (apis, bins))| UndeclaredApi {
            category,
            apis: apis.into_iter().collect(),
            binaries: bins.into_iter().collect(),
        })
        .collect();
    pm.sdks_without_manifest = sdks_without_manifest;
    pm.sdks_without_manifest.sort();
    pm.sdks_without_manifest.dedup();
    pm.collected_data_types.sort();
    pm.accessed_api_types.sort();
    let empty = pm.files.is_empty()
        && pm.undeclared_tracking_domains.is_empty()
        && pm.undeclared_api_categories.is_empty()
        && pm.sdks_without_manifest.is_empty();
    (!empty).then_some(pm)
}
