//! The IPA analysis driver: layout → Info.plists → Mach-O binaries →
//! provisioning profile → privacy manifests → SDKs, identifier APIs,
//! endpoints, secrets and the cross-checks, all into the report.

use super::layout::{BundleKind, Layout};
use super::macho::{self, MachOFacts};
use super::{info_plist, privacy_manifest, provisioning};
use crate::container::zip::Archive;
use crate::inspect::{Budget, Options};
use crate::report::model::{
    AppInfo, AtsException, Binary, DeepLink, Evidence, Extension, Framework, IdentifierApi,
    IosInfo, Location, Permission, PrivacyManifest, Provisioning, Report, Sdk, UndeclaredApi,
    UsageDescription, Warning,
};
use crate::scan::{self, EntryScan};
use crate::signatures::attribution;
use crate::signatures::{AppFacts, Database, match_sdks};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// More queried schemes than this is called app sniffing in a warning.
pub const SNIFFING_THRESHOLD: usize = 50;
/// Extensions of resource files handed to the string scanner.
const SCANNED_EXTENSIONS: &[&str] = &[
    "plist", "json", "js", "jsbundle", "html", "htm", "xml", "txt", "strings", "cfg", "conf",
];
/// SDK categories whose hosts count as tracking domains.
const TRACKING_CATEGORIES: &[&str] = &[
    "advertising",
    "analytics",
    "attribution",
    "fingerprinting",
    "identification",
];

/// One Mach-O read from the package, with where it lives.
pub struct BinaryFacts {
    /// Path inside the IPA (or the file path for a bare Mach-O).
    pub path: String,
    /// SDK of the framework holding it, if known.
    pub sdk: Option<String>,
    pub facts: MachOFacts,
}

/// Analyses an IPA into `report`.
pub fn analyse(
    archive: &Archive<'_>,
    _data: &[u8],
    budget: &Budget,
    options: &Options,
    report: &mut Report,
) {
    let db = Database::embedded();
    let layout = Layout::of(archive);
    for n in &layout.notes {
        report.warnings.push(Warning::new("", n.clone()));
    }
    report.app.platform = Some("ios".into());
    let Some(root) = layout.root.clone() else {
        return;
    };
    let read = |path: &str, report: &mut Report| -> Option<Vec<u8>> {
        match budget.read(archive, path) {
            Ok(got) => {
                for n in got.notes {
                    report
                        .warnings
                        .push(Warning::new(path, format!("zip: {n}")));
                }
                Some(got.bytes)
            }
            Err(e) => {
                report.warnings.push(Warning::new(path, e));
                None
            }
        }
    };
    let has = |path: &str| layout.files.binary_search(&path.to_string()).is_ok();

    // Info.plists of every bundle.
    let mut plists: BTreeMap<String, info_plist::InfoPlist> = BTreeMap::new();
    for b in &layout.bundles {
        let path = format!("{}Info.plist", b.dir);
        if !has(&path) {
            if b.main || b.kind != BundleKind::Resources {
                report
                    .warnings
                    .push(Warning::new(&b.dir, "bundle has no Info.plist"));
            }
            continue;
        }
        if let Some(bytes) = read(&path, report) {
            match info_plist::parse(&bytes) {
                Ok(p) => {
                    plists.insert(b.dir.clone(), p);
                }
                Err(e) => report.warnings.push(Warning::new(&path, e)),
            }
        }
    }
    let info_path = format!("{root}Info.plist");
    let main = plists.get(&root).cloned().unwrap_or_default();
    fill_app(report, &main, &info_path);

    // Frameworks, extensions and their SDKs.
    let mut facts = AppFacts::default();
    let mut bundle_sdk: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut ios = report.ios.take().unwrap_or_default();
    for b in layout.bundles.iter().filter(|b| !b.main) {
        let p = plists.get(&b.dir);
        let bundle_id = p.and_then(|p| p.bundle_id.clone());
        let mut sdk = db.sdk_for_framework(&b.name).map(str::to_string);
        if let Some(id) = &bundle_id {
            facts
                .bundle_ids
                .push((format!("{}Info.plist", b.dir), id.clone()));
            if sdk.is_none() {
                sdk = db
                    .bundle_ids
                    .longest(id)
                    .and_then(|(i, _)| db.sdks.get(i))
                    .map(|s| s.id.clone());
            }
        }
        match b.kind {
            BundleKind::Framework | BundleKind::Resources => {
                facts.frameworks.push((b.dir.clone(), b.name.clone()));
                if b.kind == BundleKind::Framework {
                    report.frameworks.push(Framework {
                        name: b.name.clone(),
                        bundle_id,
                        version: p.and_then(|p| p.short_version.clone().or(p.version.clone())),
                        sdk: sdk.clone(),
                    });
                }
            }
            BundleKind::Extension | BundleKind::App => {
                ios.extensions.push(Extension {
                    path: b.dir.clone(),
                    bundle_id,
                    kind: if b.kind == BundleKind::App {
                        Some("watch-app".into())
                    } else {
                        p.and_then(|p| p.extension_point.clone())
                    },
                });
            }
        }
        bundle_sdk.insert(b.dir.clone(), sdk);
    }
    for d in &layout.dylibs {
        let name = d.rsplit('/').next().unwrap_or(d);
        let base = name.trim_end_matches(".dylib");
        let sdk = db.sdk_for_framework(base).map(str::to_string);
        facts.frameworks.push((d.clone(), base.to_string()));
        report.frameworks.push(Framework {
            name: name.to_string(),
            bundle_id: None,
            version: None,
            sdk: sdk.clone(),
        });
        bundle_sdk.insert(d.clone(), sdk);
    }

    // Mach-O binaries: bundle executables and loose dylibs.
    let mut binary_paths: BTreeSet<String> = BTreeSet::new();
    for b in layout
        .bundles
        .iter()
        .filter(|b| b.kind != BundleKind::Resources)
    {
        let exe = plists
            .get(&b.dir)
            .and_then(|p| p.executable.clone())
            .filter(|e| !e.is_empty() && !e.contains('/'))
            .unwrap_or_else(|| b.name.clone());
        let path = format!("{}{exe}", b.dir);
        if has(&path) {
            binary_paths.insert(path);
        } else if b.main || b.kind == BundleKind::Framework {
            report
                .warnings
                .push(Warning::new(&b.dir, format!("executable {exe} is missing")));
        }
    }
    binary_paths.extend(layout.dylibs.iter().cloned());
    let mut binaries = Vec::new();
    for path in &binary_paths {
        let Some(bytes) = read(path, report) else {
            continue;
        };
        if bytes.is_empty() {
            report
                .warnings
                .push(Warning::new(path, "empty file where a Mach-O was expected"));
            continue;
        }
        let sdk = layout
            .bundle_of(path)
            .filter(|b| !b.main)
            .and_then(|b| bundle_sdk.get(&b.dir).cloned().flatten())
            .or_else(|| bundle_sdk.get(path).cloned().flatten());
        binaries.push(BinaryFacts {
            path: path.clone(),
            sdk,
            facts: macho::analyse(&bytes),
        });
    }

    // Resource files through the scanner.
    let mut scans: Vec<(String, EntryScan)> = Vec::new();
    for f in &layout.files {
        let ext = f.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if binary_paths.contains(f)
            || !ext.is_some_and(|e| SCANNED_EXTENSIONS.contains(&e.as_str()))
        {
            continue;
        }
        if let Some(bytes) = read(f, report) {
            scans.push((f.clone(), scan::scan_bytes(&bytes, 0)));
        }
    }

    // Provisioning profile of the main app.
    let profile_path = format!("{root}embedded.mobileprovision");
    if has(&profile_path)
        && let Some(bytes) = read(&profile_path, report)
    {
        fill_profile(report, &bytes, &profile_path);
    }

    // Privacy manifests of every bundle.
    let mut manifests = Vec::new();
    for f in layout
        .files
        .iter()
        .filter(|f| f.rsplit('/').next() == Some("PrivacyInfo.xcprivacy"))
    {
        if let Some(bytes) = read(f, report) {
            match privacy_manifest::parse(&bytes) {
                Ok(m) => manifests.push((f.clone(), m)),
                Err(e) => report.warnings.push(Warning::new(f, e)),
            }
        }
    }

    let usage = finish_binaries(
        report,
        db,
        &mut facts,
        binaries,
        scans,
        options.show_secrets,
    );
    plist_sdk_evidence(report, db, &main, &info_path);

    // Privacy manifest cross-checks.
    let without: Vec<String> = layout
        .bundles
        .iter()
        .filter(|b| matches!(b.kind, BundleKind::Framework | BundleKind::Resources))
        .map(|b| (b, b.name.clone()))
        .chain(layout.dylibs.iter().map(|d| {
            let name = d.rsplit('/').next().unwrap_or(d).trim_end_matches(".dylib");
            (&layout.bundles[0], name.to_string())
        }))
        .filter(|(_, name)| privacy_manifest::privacy_sdk_names().contains(name))
        .filter(|(b, name)| {
            // A framework's own manifest, or a bundle named like it anywhere.
            !layout.files.iter().any(|f| {
                f.ends_with("/PrivacyInfo.xcprivacy")
                    && (b.kind != BundleKind::App && f.starts_with(b.dir.as_str())
                        || f.contains(&format!("/{name}_Privacy.bundle/"))
                        || f.contains(&format!("/{name}.bundle/")))
            })
        })
        .map(|(_, name)| name)
        .collect();
    ios.usage_descriptions = main
        .usage_descriptions
        .iter()
        .map(|(k, t)| UsageDescription {
            key: k.clone(),
            text: t.clone(),
        })
        .collect();
    report.ios = Some(ios);
    report.privacy_manifest = privacy_report(report, db, manifests, usage, without);
}

/// App identity, permissions, schemes and ATS from the main Info.plist.
fn fill_app(report: &mut Report, p: &info_plist::InfoPlist, path: &str) {
    report.app = AppInfo {
        platform: Some("ios".into()),
        id: p.bundle_id.clone(),
        name: p.name.clone(),
        version_name: p.short_version.clone(),
        version_code: p.version.clone(),
        min_sdk: None,
        target_sdk: None,
        min_os: p.minimum_os.clone(),
    };
    for (key, _) in &p.usage_descriptions {
        report.permissions.push(Permission {
            name: key.clone(),
            protection: "usage-description".into(),
            sdk23_only: false,
            max_sdk: None,
        });
    }
    for s in &p.url_schemes {
        report.deep_links.push(DeepLink {
            scheme: s.clone(),
            host: None,
            path: None,
            verified: false,
            component: path.to_string(),
        });
    }
    report
        .queried_schemes
        .extend(p.queried_schemes.iter().cloned());
    if p.queried_schemes.len() > SNIFFING_THRESHOLD {
        report.warnings.push(Warning::new(
            path,
            format!(
                "LSApplicationQueriesSchemes lists {} schemes: the app can probe which of that many other apps are installed (app sniffing)",
                p.queried_schemes.len()
            ),
        ));
    }
    report.security.ats_arbitrary_loads = Some(p.ats_arbitrary_loads.unwrap_or(false));
    if p.ats_arbitrary_loads == Some(true) {
        report.warnings.push(Warning::new(
            path,
            "App Transport Security is off (NSAllowsArbitraryLoads): plain HTTP is allowed to any host",
        ));
    }
    for (domain, insecure) in &p.ats_exception_domains {
        if *insecure {
            report.security.cleartext_domains.push(domain.clone());
        }
    }
    let ios = IosInfo {
        background_modes: p.background_modes.clone(),
        skadnetwork_ids: p.skadnetwork_ids.clone(),
        ats_exception_domains: p
            .ats_exception_domains
            .iter()
            .map(|(d, i)| AtsException {
                domain: d.clone(),
                allows_insecure_http: *i,
            })
            .collect(),
        ats_flags: p.ats_flags.clone(),
        ..IosInfo::default()
    };
    report.ios = Some(ios);
}

/// Provisioning profile facts and its developer certificates.
pub fn fill_profile(report: &mut Report, bytes: &[u8], path: &str) {
    match provisioning::parse(bytes) {
        Ok((p, warnings)) => {
            for w in warnings {
                report.warnings.push(Warning::new(path, w));
            }
            report
                .signing
                .extend(p.certificates.iter().map(|c| c.to_report("ios")));
            report.provisioning = Some(Provisioning {
                path: path.to_string(),
                name: p.name,
                app_id_name: p.app_id_name,
                team_name: p.team_name,
                team_id: p.team_id,
                created: p.created,
                expires: p.expires,
                device_count: p.device_count,
                provisions_all_devices: p.provisions_all_devices,
                entitlements: p.entitlements.keys().cloned().collect(),
                certificate_subjects: p.certificates.iter().map(|c| c.subject.clone()).collect(),
            });
        }
        Err(e) => report.warnings.push(Warning::new(path, e)),
    }
}

/// Required-reason API use: (category, evidence, binary path).
pub type ReasonUsage = Vec<(String, Vec<String>, String)>;

/// Binaries, SDKs, identifier APIs, endpoints and secrets from the Mach-O
/// facts (shared by IPAs and bare Mach-O files). Returns the required-reason
/// API use of every binary, for the privacy-manifest check.
pub fn finish_binaries(
    report: &mut Report,
    db: &Database,
    facts: &mut AppFacts,
    binaries: Vec<BinaryFacts>,
    mut scans: Vec<(String, EntryScan)>,
    show_secrets: bool,
) -> ReasonUsage {
    let mut apis: BTreeMap<String, IdentifierApi> = BTreeMap::new();
    let mut location_sdk: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut usage = Vec::new();
    for b in binaries {
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
        for api in super::identifiers::detect(m) {
            let e = apis
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
            if e.sdk.is_none() {
                e.sdk = b.sdk.clone();
            }
        }
        for (cat, found) in
            privacy_manifest::used_categories(&m.imports(), &m.selectors(), &m.cstrings())
        {
            usage.push((cat.to_string(), found, b.path.clone()));
        }
        let mut scan = EntryScan::default();
        for s in &m.slices {
            scan.extend(s.scan.clone());
        }
        location_sdk.insert(b.path.clone(), b.sdk.clone());
        scans.push((b.path, scan));
    }
    report.identifier_apis = apis.into_values().collect();
    if !report.binaries.is_empty() {
        report.security.encrypted = Some(report.binaries.iter().any(|b| b.encrypted));
    }
    for (path, scan) in &scans {
        for hit in &scan.endpoints {
            facts.hosts.push((path.clone(), hit.host.clone()));
        }
    }
    report.sdks = match_sdks(db, facts);
    // A host seen only inside one framework's binary belongs to its SDK.
    let sdk_at = |l: &Location| location_sdk.get(&l.path).cloned().flatten();
    let (endpoints, secrets) = attribution::endpoints_and_secrets(db, scans, show_secrets, &sdk_at);
    report.endpoints = endpoints;
    report.secrets = secrets;
    usage
}

#[derive(Deserialize)]
struct KeyFile {
    key: Vec<SdkKey>,
}

#[derive(Deserialize)]
struct SdkKey {
    key: String,
    sdk: String,
    #[allow(dead_code)]
    source: String,
}

fn sdk_keys() -> &'static [SdkKey] {
    static KEYS: OnceLock<Vec<SdkKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        toml::from_str::<KeyFile>(include_str!("../../data/apple_plist_sdk_keys.toml"))
            .map(|f| f.key)
            .unwrap_or_default()
    })
}

/// SDK keys in Info.plist (`GADApplicationIdentifier`, `FacebookAppID`, …) as
/// `plist` evidence, adding the SDK when nothing else found it.
fn plist_sdk_evidence(report: &mut Report, db: &Database, p: &info_plist::InfoPlist, path: &str) {
    for k in sdk_keys() {
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
        };
        match report.sdks.iter_mut().find(|s| s.id == k.sdk) {
            Some(s) => {
                s.evidence.push(evidence);
                s.evidence.sort();
                s.evidence_count += 1;
            }
            None => report.sdks.push(Sdk {
                id: entry.id.clone(),
                name: entry.name.clone(),
                categories: entry.categories.clone(),
                owner: db.owner_of_sdk(&entry.id),
                website: entry.website.clone(),
                evidence: vec![evidence],
                evidence_count: 1,
            }),
        }
    }
}

/// Builds the privacy-manifest section: declarations merged, and the three
/// cross-checks.
fn privacy_report(
    report: &Report,
    db: &Database,
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
    let tracking_sdk = |id: &str| {
        db.sdk_index(id)
            .and_then(|i| db.sdks.get(i))
            .is_some_and(|s| {
                s.categories
                    .iter()
                    .any(|c| TRACKING_CATEGORIES.contains(&c.as_str()))
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
        .filter(|e| e.sdk.as_deref().is_some_and(tracking_sdk))
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
