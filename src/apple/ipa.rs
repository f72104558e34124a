//! The IPA analysis driver: layout → Info.plists → Mach-O binaries →
//! provisioning profile → privacy manifests, then hands the facts to the iOS
//! findings stage ([`crate::findings::ios`]) for SDKs, identifier APIs,
//! endpoints, secrets and the cross-checks.

use super::binary::{self, BinaryFacts};
use super::layout::{BundleKind, Layout};
use super::{info_plist, privacy_manifest, provisioning};
use crate::container::Budget;
use crate::container::zip::Archive;
use crate::report::model::{
    AppInfo, AtsException, DeepLink, Extension, Framework, IosInfo, Permission, Provisioning,
    Report, UsageDescription, Warning,
};
use crate::scan::{self, EntryScan};
use crate::signatures::AppFacts;
use std::collections::{BTreeMap, BTreeSet};

/// More queried schemes than this is called app sniffing in a warning.
pub const SNIFFING_THRESHOLD: usize = 50;

/// A framework, resource bundle or loose dylib whose SDK the findings stage
/// looks up (by name, then by bundle id).
#[derive(Debug, Clone)]
pub struct SdkCandidate {
    /// The bundle folder or dylib path; binaries inside it inherit the SDK.
    pub key: String,
    /// Framework name (dylib name without `.dylib`).
    pub name: String,
    pub bundle_id: Option<String>,
    /// Index of its entry in `report.frameworks`, if it has one.
    pub framework: Option<usize>,
}

/// What an IPA holds, for the iOS findings stage.
pub struct IpaFacts {
    /// Frameworks and bundle ids, for SDK matching.
    pub app: AppFacts,
    pub candidates: Vec<SdkCandidate>,
    pub binaries: Vec<BinaryFacts>,
    /// Scanner hits of resource files.
    pub scans: Vec<(String, EntryScan)>,
    pub manifests: Vec<(String, privacy_manifest::ManifestFile)>,
    /// The main Info.plist and its path.
    pub main: info_plist::InfoPlist,
    pub info_path: String,
    /// Framework and dylib names that carry no privacy manifest of their own.
    pub without_manifest: Vec<String>,
}

/// Reads entries of one IPA under the shared budget, turning zip notes and
/// read errors into report warnings.
struct Reader<'r, 'a> {
    archive: &'r Archive<'a>,
    budget: &'r Budget,
    layout: Layout,
}

impl Reader<'_, '_> {
    fn read(&self, path: &str, report: &mut Report) -> Option<Vec<u8>> {
        match self.budget.read(self.archive, path) {
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
    }

    fn has(&self, path: &str) -> bool {
        self.layout.files.binary_search(&path.to_string()).is_ok()
    }
}

/// Frameworks and bundle ids for SDK matching, and the candidates to look up.
#[derive(Default)]
struct Bundles {
    facts: AppFacts,
    candidates: Vec<SdkCandidate>,
}

/// Analyses an IPA into `report` (layout, plists, binaries, profile,
/// manifests); returns the facts for the findings stage, or `None` when
/// there is no app bundle.
/// Resource files and binaries are scanned with `rules`.
pub fn analyse(
    archive: &Archive<'_>,
    budget: &Budget,
    rules: &scan::Rules,
    report: &mut Report,
) -> Option<IpaFacts> {
    let layout = Layout::of(archive);
    for n in &layout.notes {
        report.warnings.push(Warning::new("", n.clone()));
    }
    report.app.platform = Some("ios".into());
    let root = layout.root.clone()?;
    let r = Reader {
        archive,
        budget,
        layout,
    };
    let plists = read_plists(&r, report);
    let info_path = format!("{root}Info.plist");
    let main = plists.get(&root).cloned().unwrap_or_default();
    fill_app(report, &main, &info_path);

    let mut ios = report.ios.take().unwrap_or_default();
    let bundles = bundles_and_dylibs(&r.layout, &plists, report, &mut ios);
    let binary_paths = binary_paths(&r, &plists, report);
    let binaries = read_binaries(&r, rules, &binary_paths, report);
    let scans = scan_resources(&r, rules, &binary_paths, report);
    let profile_path = format!("{root}embedded.mobileprovision");
    if r.has(&profile_path)
        && let Some(bytes) = r.read(&profile_path, report)
    {
        fill_profile(report, &bytes, &profile_path);
    }
    let manifests = read_manifests(&r, report);
    let without_manifest = without_manifest(&r.layout);
    ios.usage_descriptions = main
        .usage_descriptions
        .iter()
        .map(|(k, t)| UsageDescription {
            key: k.clone(),
            text: t.clone(),
        })
        .collect();
    report.ios = Some(ios);
    Some(IpaFacts {
        app: bundles.facts,
        candidates: bundles.candidates,
        binaries,
        scans,
        manifests,
        main,
        info_path,
        without_manifest,
    })
}

/// Info.plists of every bundle, by bundle folder.
fn read_plists(r: &Reader<'_, '_>, report: &mut Report) -> BTreeMap<String, info_plist::InfoPlist> {
    let mut plists = BTreeMap::new();
    for b in &r.layout.bundles {
        let path = format!("{}Info.plist", b.dir);
        if !r.has(&path) {
            if b.main || b.kind != BundleKind::Resources {
                report
                    .warnings
                    .push(Warning::new(&b.dir, "bundle has no Info.plist"));
            }
            continue;
        }
        if let Some(bytes) = r.read(&path, report) {
            match info_plist::parse(&bytes) {
                Ok(p) => {
                    plists.insert(b.dir.clone(), p);
                }
                Err(e) => report.warnings.push(Warning::new(&path, e)),
            }
        }
    }
    plists
}

/// Frameworks, extensions and loose dylibs: report entries and SDK candidates.
fn bundles_and_dylibs(
    layout: &Layout,
    plists: &BTreeMap<String, info_plist::InfoPlist>,
    report: &mut Report,
    ios: &mut IosInfo,
) -> Bundles {
    let mut out = Bundles::default();
    for b in layout.bundles.iter().filter(|b| !b.main) {
        let p = plists.get(&b.dir);
        let bundle_id = p.and_then(|p| p.bundle_id.clone());
        if let Some(id) = &bundle_id {
            out.facts
                .bundle_ids
                .push((format!("{}Info.plist", b.dir), id.clone()));
        }
        let mut candidate = SdkCandidate {
            key: b.dir.clone(),
            name: b.name.clone(),
            bundle_id: bundle_id.clone(),
            framework: None,
        };
        match b.kind {
            BundleKind::Framework | BundleKind::Resources => {
                out.facts.frameworks.push((b.dir.clone(), b.name.clone()));
                if b.kind == BundleKind::Framework {
                    candidate.framework = Some(report.frameworks.len());
                    report.frameworks.push(Framework {
                        name: b.name.clone(),
                        bundle_id,
                        version: p.and_then(|p| p.short_version.clone().or(p.version.clone())),
                        sdk: None,
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
        out.candidates.push(candidate);
    }
    for d in &layout.dylibs {
        let name = d.rsplit('/').next().unwrap_or(d);
        let base = name.trim_end_matches(".dylib");
        out.facts.frameworks.push((d.clone(), base.to_string()));
        out.candidates.push(SdkCandidate {
            key: d.clone(),
            name: base.to_string(),
            bundle_id: None,
            framework: Some(report.frameworks.len()),
        });
        report.frameworks.push(Framework {
            name: name.to_string(),
            bundle_id: None,
            version: None,
            sdk: None,
        });
    }
    out
}

/// Mach-O binaries: bundle executables (warning when a needed one is
/// missing) and loose dylibs.
fn binary_paths(
    r: &Reader<'_, '_>,
    plists: &BTreeMap<String, info_plist::InfoPlist>,
    report: &mut Report,
) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for b in r
        .layout
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
        if r.has(&path) {
            paths.insert(path);
        } else if b.main || b.kind == BundleKind::Framework {
            report
                .warnings
                .push(Warning::new(&b.dir, format!("executable {exe} is missing")));
        }
    }
    paths.extend(r.layout.dylibs.iter().cloned());
    paths
}

/// Mach-O facts of every binary that can be read.
fn read_binaries(
    r: &Reader<'_, '_>,
    rules: &scan::Rules,
    paths: &BTreeSet<String>,
    report: &mut Report,
) -> Vec<BinaryFacts> {
    let mut binaries = Vec::new();
    for path in paths {
        let Some(bytes) = r.read(path, report) else {
            continue;
        };
        if bytes.is_empty() {
            report
                .warnings
                .push(Warning::new(path, "empty file where a Mach-O was expected"));
            continue;
        }
        let bundle = r
            .layout
            .bundle_of(path)
            .filter(|b| !b.main)
            .map(|b| b.dir.clone());
        binaries.push(binary::read(rules, path.clone(), bundle, &bytes));
    }
    binaries
}

/// Resource files (by extension, `data/file_kinds.toml`) through the string
/// scanner.
fn scan_resources(
    r: &Reader<'_, '_>,
    rules: &scan::Rules,
    binary_paths: &BTreeSet<String>,
    report: &mut Report,
) -> Vec<(String, EntryScan)> {
    let mut scans = Vec::new();
    for f in &r.layout.files {
        if binary_paths.contains(f)
            || !rules
                .file_kinds()
                .is_scanned_ios_resource(&f.to_ascii_lowercase())
        {
            continue;
        }
        if let Some(bytes) = r.read(f, report) {
            scans.push((f.clone(), scan::noise::scan_entry(rules, f, &bytes)));
        }
    }
    scans
}

/// Privacy manifests of every bundle.
fn read_manifests(
    r: &Reader<'_, '_>,
    report: &mut Report,
) -> Vec<(String, privacy_manifest::ManifestFile)> {
    let mut manifests = Vec::new();
    for f in r
        .layout
        .files
        .iter()
        .filter(|f| f.rsplit('/').next() == Some("PrivacyInfo.xcprivacy"))
    {
        if let Some(bytes) = r.read(f, report) {
            match privacy_manifest::parse(&bytes) {
                Ok(m) => manifests.push((f.clone(), m)),
                Err(e) => report.warnings.push(Warning::new(f, e)),
            }
        }
    }
    manifests
}

/// Framework and dylib names without a privacy manifest of their own
/// (checked against Apple's list in the findings stage).
fn without_manifest(layout: &Layout) -> Vec<String> {
    layout
        .bundles
        .iter()
        .filter(|b| matches!(b.kind, BundleKind::Framework | BundleKind::Resources))
        .map(|b| (b, b.name.clone()))
        .chain(layout.dylibs.iter().map(|d| {
            let name = d.rsplit('/').next().unwrap_or(d).trim_end_matches(".dylib");
            (&layout.bundles[0], name.to_string())
        }))
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
        .collect()
}

/// App identity, permissions, schemes and ATS from the main Info.plist.
pub(crate) fn fill_app(report: &mut Report, p: &info_plist::InfoPlist, path: &str) {
    report.app = AppInfo {
        platform: Some(p.platform.unwrap_or("ios").into()),
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
