//! Turns one APK archive into report facts: manifest, resources, network
//! security config, signing certificates and Android's install verdict.

use crate::android::axml::{self, Element, Value};
use crate::android::entries::{EntryOutcome, Tables};
pub use crate::android::manifest::Resolve;
use crate::android::manifest::{self, Manifest, value_text};
use crate::android::netsec;
use crate::android::permissions;
use crate::android::resources::{self, ResourceTable};
use crate::android::signing;
use crate::android::{dex, entries};
use crate::container::Budget;
use crate::container::zip::Archive;
use crate::options::Options;
use crate::report::model::{
    AppInfo, Component, DeclaredPermission, DeepLink, MetaData, Permission, QueriedIntent, Report,
    Warning, prefixed,
};
use crate::scan::collect::Collected;

const MANIFEST: &str = "AndroidManifest.xml";
const ARSC: &str = "resources.arsc";

/// One APK's own facts before they are merged into a report: a whole APK,
/// or one member of a split set.
#[derive(Debug, Default)]
pub struct ApkPart {
    /// Fields read from this APK alone (app identity, permissions,
    /// components, meta-data, queries, security, signing, warnings); paths
    /// are relative to this APK.
    pub report: Report,
    /// Per-entry facts, paths relative to this APK.
    pub outcomes: Vec<EntryOutcome>,
    /// Why Android's reader would refuse this APK.
    pub refusals: Vec<String>,
    /// What telltale's own caps kept from being checked: the verdict is then
    /// unknown, never "refused".
    pub unchecked: Vec<String>,
    /// The manifest's `split` attribute (`None` for a base APK).
    pub split: Option<String>,
    /// Whether a manifest was decoded.
    pub has_manifest: bool,
}

/// Analyses an APK into `report`; returns the entry facts for the findings stage.
pub fn analyse(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    options: &Options,
    report: &mut Report,
) -> Merged {
    let part = analyse_part(archive, budget, tables, options);
    let mut merged = Merged::default();
    merged.add(report, part, None, true);
    merged
}

/// Reads one APK (manifest, resources, network security config, entries,
/// signing) without SDK matching or endpoint aggregation, which run once
/// over all parts of a package ([`Merged::finish`]).
pub fn analyse_part(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    options: &Options,
) -> ApkPart {
    let mut part = ApkPart::default();
    let report = &mut part.report;
    report.app.platform = Some("android".into());
    let mut refusals: Vec<String> = archive.refusals().to_vec();

    let resources = read_resources(archive, budget, report);
    let mut unchecked = Vec::new();
    let manifest = read_manifest(
        archive,
        budget,
        tables,
        report,
        &mut refusals,
        &mut unchecked,
    );
    if let Some((m, split)) = &manifest {
        part.split = split.clone();
        part.has_manifest = true;
        fill_from_manifest(
            m,
            resources.as_ref().map(|r| r as &dyn Resolve),
            report,
            &mut refusals,
        );
        read_network_security_config(archive, budget, MANIFEST, "", &binary_xml_root, report);
    } else if unchecked.is_empty() {
        refusals.push("AndroidManifest.xml is missing or unreadable".into());
    }
    let names: Vec<&str> = archive.entries().iter().map(|e| e.name.as_str()).collect();
    let (loaded_dex, skipped_dex) = dex::apk_dex_entries(&names);
    for &name in &skipped_dex {
        report.warnings.push(Warning::new(
            name,
            "DEX file that ART does not load (odd name or gap in numbering); analysed anyway",
        ));
    }
    let mut to_analyse = loaded_dex.clone();
    to_analyse.extend(skipped_dex);
    part.outcomes = entries::analyse_nested(archive, budget, tables, &to_analyse, nesting(options));
    read_signing(archive, budget, report);
    part.refusals = refusals;
    part.unchecked = unchecked;
    part
}

/// The nesting settings for `options`.
pub fn nesting(options: &Options) -> entries::Nesting {
    entries::Nesting {
        max_depth: options.max_nesting_depth,
        depth: 0,
    }
}

/// Parts of one package gathered into one report: identity from the base,
/// lists merged from all, entry facts kept for the single findings pass.
#[derive(Debug, Default)]
pub struct Merged {
    /// Per-entry facts of every part, paths relative to the package.
    pub outcomes: Vec<EntryOutcome>,
    /// The hits the entry pass handed over as it went (the outcomes'
    /// `scan` is then empty); set by the caller that made the collector.
    pub hits: Collected,
    /// Why Android's reader would refuse the package.
    pub refusals: Vec<String>,
    /// What telltale's own caps kept from being checked.
    pub unchecked: Vec<String>,
    /// An App Bundle: not installable as such (bundletool builds APKs).
    pub is_bundle: bool,
    /// A bare file (DEX, ELF, binary XML, resource table): no package, so
    /// no install verdict.
    pub bare: bool,
}

impl Merged {
    /// Merges `part` into `report`. `member` names the part inside the
    /// package (`split_config.arm64_v8a.apk`); its paths become
    /// `member!path`. The base part gives the app identity and security flags.
    pub fn add(&mut self, report: &mut Report, part: ApkPart, member: Option<&str>, is_base: bool) {
        let ApkPart {
            report: r,
            outcomes,
            refusals,
            unchecked,
            ..
        } = part;
        let at = |path: &str| prefixed(member, path);
        report.merge(r, member, is_base);
        for out in outcomes {
            for w in &out.warnings {
                report.warnings.push(Warning::new(at(&out.path), w.clone()));
            }
            if let Some(f) = &out.android_fails {
                self.refusals.push(format!("{}: {f}", at(&out.path)));
            }
            let mut out = out;
            out.path = at(&out.path);
            self.outcomes.push(out);
        }
        let prefix = |r: String| match member {
            Some(m) => format!("{m}: {r}"),
            None => r,
        };
        self.refusals.extend(refusals.into_iter().map(prefix));
        self.unchecked.extend(unchecked.into_iter().map(prefix));
    }

    /// Adds entry facts read outside an APK part (AAB modules), paths as given.
    pub fn add_outcomes(&mut self, report: &mut Report, outcomes: Vec<EntryOutcome>) {
        for out in outcomes {
            for w in &out.warnings {
                report.warnings.push(Warning::new(&out.path, w.clone()));
            }
            self.outcomes.push(out);
        }
    }

    /// Adds a reason Android would refuse the package.
    pub fn refuse(&mut self, reason: impl Into<String>) {
        self.refusals.push(reason.into());
    }

    /// The install verdict: refused when Android would refuse, unknown when
    /// a bundle or when telltale's own caps kept something from being
    /// checked, accepted otherwise.
    pub fn android_accepts(&self) -> Option<bool> {
        if self.is_bundle || self.bare {
            None
        } else if !self.refusals.is_empty() {
            Some(false)
        } else if !self.unchecked.is_empty() {
            None
        } else {
            Some(true)
        }
    }
}

impl Resolve for ResourceTable {
    fn string(&self, id: u32) -> Option<String> {
        self.resolve_string(id)
    }
    fn file(&self, id: u32) -> Option<String> {
        self.resolve_file(id)
    }
    fn name(&self, id: u32) -> Option<String> {
        self.name_of(id)
    }
}

fn read_resources(
    archive: &Archive<'_>,
    budget: &Budget,
    report: &mut Report,
) -> Option<ResourceTable> {
    archive.find(ARSC)?;
    let bytes = match budget.read(archive, ARSC) {
        Ok(r) => {
            note_entry(ARSC, &r.notes, report);
            r.bytes
        }
        Err(e) => {
            report.warnings.push(Warning::new(ARSC, e));
            return None;
        }
    };
    match resources::parse(&bytes) {
        Ok(table) => {
            for a in &table.anomalies {
                report.warnings.push(Warning::new(ARSC, a.clone()));
            }
            Some(table)
        }
        Err(e) => {
            report.warnings.push(Warning::new(ARSC, e.to_string()));
            None
        }
    }
}

fn note_entry(path: &str, notes: &[String], report: &mut Report) {
    for n in notes {
        report
            .warnings
            .push(Warning::new(path, format!("zip: {n}")));
    }
}

fn read_manifest(
    archive: &Archive<'_>,
    budget: &Budget,
    tables: Tables<'_>,
    report: &mut Report,
    refusals: &mut Vec<String>,
    unchecked: &mut Vec<String>,
) -> Option<(Manifest, Option<String>)> {
    let read = match budget.read(archive, MANIFEST) {
        Ok(r) => r,
        Err(e) => {
            if e.cap {
                unchecked.push(format!("{MANIFEST}: {e}"));
            }
            report.warnings.push(Warning::new(MANIFEST, e));
            return None;
        }
    };
    note_entry(MANIFEST, &read.notes, report);
    if let Some(f) = &read.android_fails {
        refusals.push(format!("{MANIFEST}: {f}"));
    }
    // Its components and meta-data are SDK evidence.
    entries::keep_whole(tables, MANIFEST, &read.bytes);
    match axml::parse(&read.bytes) {
        Ok(doc) => {
            for a in &doc.anomalies {
                report
                    .warnings
                    .push(Warning::new(MANIFEST, format!("binary XML: {a}")));
            }
            match &doc.root {
                Some(root) => Some((manifest::from_root(root), split_of(root))),
                None => {
                    report
                        .warnings
                        .push(Warning::new(MANIFEST, "binary XML has no root element"));
                    None
                }
            }
        }
        Err(e) => {
            report.warnings.push(Warning::new(MANIFEST, e.to_string()));
            None
        }
    }
}

/// The `split` attribute of a `<manifest>` root (config and feature splits).
pub fn split_of(root: &axml::Element) -> Option<String> {
    root.plain_attr("split")
        .and_then(value_text)
        .filter(|s| !s.is_empty())
}

/// Text of a manifest value, resolving `@string/…` through the resources.
fn resolve_text(value: &Value, resources: Option<&dyn Resolve>) -> Option<String> {
    match value {
        Value::Reference(id) => resources.and_then(|r| r.string(*id)),
        other => value_text(other),
    }
}

fn resolve_int(value: &Value, resources: Option<&dyn Resolve>) -> Option<u32> {
    match value {
        Value::Int(i) => u32::try_from(*i).ok(),
        Value::Hex(h) => Some(*h),
        Value::String(s) => s.trim().parse().ok(),
        Value::Reference(_) => resolve_text(value, resources).and_then(|s| s.trim().parse().ok()),
        _ => None,
    }
}

/// Fills app identity, permissions, components, deep links, queries,
/// meta-data and security flags of `report` from a manifest.
pub fn fill_from_manifest(
    m: &Manifest,
    res: Option<&dyn Resolve>,
    report: &mut Report,
    refusals: &mut Vec<String>,
) {
    let target = fill_identity(m, res, report);
    fill_permissions(m, report);
    fill_components(m, target, report, refusals);
    fill_queries_and_meta_data(m, res, report);
    fill_security(m, res, target, report);
}

/// `report.app` from the manifest; returns the target SDK level the
/// defaults depend on (the min SDK when absent, 1 when both are).
fn fill_identity(m: &Manifest, res: Option<&dyn Resolve>, report: &mut Report) -> u32 {
    let min_sdk = m
        .min_sdk
        .as_ref()
        .and_then(|v| resolve_int(v, res))
        .or(Some(1));
    let target_sdk = m
        .target_sdk
        .as_ref()
        .and_then(|v| resolve_int(v, res))
        .or(min_sdk);
    report.app = AppInfo {
        platform: Some("android".into()),
        id: m.package.clone(),
        name: m.label.as_ref().and_then(|v| resolve_text(v, res)),
        version_name: m.version_name.as_ref().and_then(|v| resolve_text(v, res)),
        version_code: m
            .version_code
            .as_ref()
            .and_then(|v| resolve_int(v, res))
            .map(|v| v.to_string()),
        min_sdk,
        target_sdk,
        min_os: None,
    };
    target_sdk.unwrap_or(1)
}

/// Requested permissions with their AOSP protection level, and the
/// permissions the app declares.
fn fill_permissions(m: &Manifest, report: &mut Report) {
    for p in &m.uses_permissions {
        report.permissions.push(Permission {
            protection: permissions::protection_of(&p.name)
                .unwrap_or("unknown")
                .to_string(),
            name: p.name.clone(),
            sdk23_only: p.sdk23,
            max_sdk: p.max_sdk,
        });
    }
    for (name, level) in &m.declared_permissions {
        report.declared_permissions.push(DeclaredPermission {
            name: name.clone(),
            protection: protection_text(level.as_ref()),
        });
    }
}

/// Components (exported as Android decides at `target`) and their deep
/// links; a filter without `android:exported` at target 31+ is a refusal.
fn fill_components(m: &Manifest, target: u32, report: &mut Report, refusals: &mut Vec<String>) {
    for c in &m.components {
        let has_filter = !c.intent_filters.is_empty();
        let exported = match (c.exported, c.kind.as_str()) {
            (Some(e), _) => e,
            // Providers were exported by default before API 17.
            (None, "provider") => target < 17,
            (None, _) => has_filter,
        };
        if c.exported.is_none() && has_filter && target >= 31 && c.kind != "provider" {
            let why = format!(
                "{} {} has an intent filter but no android:exported at targetSdk {target}; Android 12+ refuses to install it",
                c.kind, c.name
            );
            report.warnings.push(Warning::new(MANIFEST, why.clone()));
            refusals.push(why);
        }
        let kind = if c.kind == "activity-alias" {
            "activity-alias"
        } else {
            c.kind.as_str()
        };
        report.components.push(Component {
            kind: kind.to_string(),
            name: c.name.clone(),
            exported,
            permission: c.permission.clone(),
            target: c.target_activity.clone(),
        });
        for f in c.intent_filters.iter().filter(|f| f.is_browsable_view()) {
            for (scheme, host, path) in f.urls() {
                let web = scheme == "http" || scheme == "https";
                report.deep_links.push(DeepLink {
                    scheme,
                    host,
                    path,
                    verified: f.auto_verify && web,
                    component: c.name.clone(),
                });
            }
        }
    }
}

/// `<queries>` packages and intents, and every `<meta-data>`.
fn fill_queries_and_meta_data(m: &Manifest, res: Option<&dyn Resolve>, report: &mut Report) {
    report.queried_packages = m.queried_packages.clone();
    report.queried_intents = m
        .queried_intents
        .iter()
        .map(|f| QueriedIntent {
            action: f.actions.first().cloned(),
            data: f
                .data
                .iter()
                .map(|d| {
                    let mut parts = Vec::new();
                    if let Some(s) = &d.scheme {
                        parts.push(format!("scheme={s}"));
                    }
                    if let Some(h) = &d.host {
                        parts.push(format!("host={h}"));
                    }
                    if let Some(t) = &d.mime_type {
                        parts.push(format!("mimeType={t}"));
                    }
                    parts.join(" ")
                })
                .collect(),
            categories: f.categories.clone(),
        })
        .collect();
    report.meta_data = m
        .meta_data
        .iter()
        .map(|(parent, name, value)| MetaData {
            name: name.clone(),
            value: value.as_ref().map(|v| meta_value_text(v, res)),
            parent: parent.clone(),
        })
        .collect();
}

/// Security flags with Android's defaults at `target`.
fn fill_security(m: &Manifest, res: Option<&dyn Resolve>, target: u32, report: &mut Report) {
    let sec = &mut report.security;
    sec.debuggable = Some(m.debuggable.unwrap_or(false));
    sec.allow_backup = Some(m.allow_backup.unwrap_or(true));
    // Cleartext is allowed by default below API 28.
    sec.cleartext = Some(m.uses_cleartext_traffic.unwrap_or(target < 28));
    sec.user_certs_trusted = Some(target < 24);
    sec.network_security_config = m.network_security_config.as_ref().map(|v| match (v, res) {
        (Value::Reference(id), Some(r)) => r.file(*id).unwrap_or_else(|| format!("@0x{id:08x}")),
        (Value::Reference(id), None) => format!("@0x{id:08x}"),
        (other, _) => value_text(other).unwrap_or_default(),
    });
}

fn meta_value_text(value: &Value, res: Option<&dyn Resolve>) -> String {
    match value {
        Value::Reference(id) => res
            .and_then(|r| {
                r.string(*id)
                    .or_else(|| r.name(*id).map(|n| format!("@{n}")))
            })
            .unwrap_or_else(|| format!("@0x{id:08x}")),
        Value::Color(c) => format!("#{c:08x}"),
        other => value_text(other).unwrap_or_else(|| format!("{other:?}")),
    }
}

/// Protection level text of a `<permission>` declaration.
fn protection_text(level: Option<&Value>) -> String {
    let bits = match level {
        None => 0,
        Some(Value::Int(i)) => *i as u32,
        Some(Value::Hex(h)) => *h,
        Some(Value::String(s)) => return s.clone(),
        Some(_) => return "unknown".into(),
    };
    let base = match bits & 0xf {
        0 => "normal",
        1 => "dangerous",
        2 => "signature",
        3 => "signature|privileged",
        _ => "unknown",
    };
    base.to_string()
}

/// Reads the network security config the manifest at `manifest_path` names,
/// from `prefix` + its path, decoding it with `decode` (binary XML in an APK,
/// protobuf XML in a bundle).
pub fn read_network_security_config(
    archive: &Archive<'_>,
    budget: &Budget,
    manifest_path: &str,
    prefix: &str,
    decode: &dyn Fn(&[u8]) -> Result<Element, String>,
    report: &mut Report,
) {
    let Some(path) = report.security.network_security_config.clone() else {
        return;
    };
    if path.starts_with('@') {
        report.warnings.push(Warning::new(
            manifest_path,
            format!("network security config {path} could not be resolved"),
        ));
        return;
    }
    let full = format!("{prefix}{path}");
    match budget
        .read(archive, &full)
        .map_err(String::from)
        .and_then(|r| decode(&r.bytes))
    {
        Ok(root) => apply_network_security_config(&netsec::from_root(&root), report),
        Err(e) => report.warnings.push(Warning::new(full, e)),
    }
}

/// The root element of a binary XML file.
pub fn binary_xml_root(bytes: &[u8]) -> Result<Element, String> {
    axml::parse(bytes)
        .map_err(|e| e.to_string())?
        .root
        .ok_or_else(|| "binary XML has no root element".to_string())
}

/// Sets the security flags a network security config decides.
pub fn apply_network_security_config(cfg: &netsec::NetworkSecurityConfig, report: &mut Report) {
    let cfg = cfg.clone();
    let sec = &mut report.security;
    if let Some(base) = cfg.base_cleartext {
        sec.cleartext = Some(base);
    }
    sec.cleartext_domains = cfg.cleartext_domains;
    if cfg.user_certs_trusted {
        sec.user_certs_trusted = Some(true);
    } else {
        sec.user_certs_trusted = Some(false);
    }
    sec.debug_overrides = Some(cfg.debug_overrides);
    sec.debug_user_certs_trusted = Some(cfg.debug_user_certs_trusted);
}

/// Reads v1 signature files and the APK Signing Block into `report.signing`
/// and `installable.signed`.
pub fn read_signing(archive: &Archive<'_>, budget: &Budget, report: &mut Report) {
    let mut certs = Vec::new();
    let mut capped = Vec::new();
    let (blocks, partial) =
        signing::v1_signature_files(archive.entries().iter().map(|e| e.name.as_str()));
    for w in partial {
        report
            .warnings
            .push(Warning::new("META-INF/", format!("v1 signature: {w}")));
    }
    for name in blocks {
        match budget.read(archive, name) {
            Ok(r) => {
                let facts = signing::v1_facts(&r.bytes, name);
                report
                    .warnings
                    .extend(facts.warnings.into_iter().map(|w| Warning::new(name, w)));
                certs.extend(signers_only(facts.certificates));
            }
            Err(e) => {
                if e.cap {
                    capped.push(name);
                }
                report
                    .warnings
                    .push(Warning::new(name, format!("v1 signature: {e}")))
            }
        }
    }
    let window = signing_block_window(archive);
    let block = signing::signing_block_certificates(&window, window.len() as u64);
    for w in block.warnings {
        report
            .warnings
            .push(Warning::new("", format!("APK Signing Block: {w}")));
    }
    certs.extend(signers_only(block.certificates));
    report.signing = certs.into_iter().map(|c| c.to_report(&c.scheme)).collect();
    report.installable.signed = Some(!report.signing.is_empty());
    if report.signing.is_empty() && !capped.is_empty() {
        // Telltale's own cap, not the package: signing not checked.
        report.installable.signed = None;
        report.warnings.push(Warning::new(
            "",
            format!(
                "signing not checked (cap): {} skipped by a size cap",
                capped.join(", ")
            ),
        ));
    } else if report.signing.is_empty() {
        report.warnings.push(Warning::new(
            "",
            "unsigned: no v1 signature files and no APK Signing Block (Android installs only signed packages)",
        ));
    }
}

/// The bytes before the central directory that can hold the APK Signing
/// Block: the block itself when its footer gives a size that fits, else the
/// last 32 bytes (enough for the signing-block reader to tell there is no
/// block, or why it is broken, as it would over the whole file). Read from
/// the archive's source, so a package on disk is not held whole for it.
fn signing_block_window<'a>(archive: &Archive<'a>) -> std::borrow::Cow<'a, [u8]> {
    let cd = archive.cd_offset();
    let footer_size = cd
        .checked_sub(24)
        .and_then(|at| archive.bytes(at, 8))
        .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]));
    let min_start = cd.saturating_sub(32);
    let start = match footer_size {
        Some(size) if size >= 24 && size <= cd.saturating_sub(8) => (cd - 8 - size).min(min_start),
        _ => min_start,
    };
    usize::try_from(cd - start)
        .ok()
        .and_then(|len| archive.bytes(start, len))
        .unwrap_or_default()
}

/// The signers' own certificates (chain certificates left out), or all of
/// them when none could be tied to a signer.
fn signers_only(certs: Vec<signing::CertInfo>) -> Vec<signing::CertInfo> {
    if certs.iter().any(|c| c.signer) {
        certs.into_iter().filter(|c| c.signer).collect()
    } else {
        certs
    }
}
