//! Android findings: turns the per-entry facts of an APK, split set or App
//! Bundle into the report's packed code, SDKs, identifier APIs, personal-data
//! reads, native libraries, endpoints and secrets, attributing each to its
//! owner and SDK through the knowledge base, and sets the install verdict.

use crate::android::apk::Merged;
use crate::android::code;
use crate::android::entries::{EntryKind, EntryOutcome};
use crate::android::identifiers;
use crate::android::mapping::Mapping;
use crate::android::personal_data;
use crate::findings::attribution::{self, CodeOwners};
use crate::findings::packed;
use crate::knowledge::Knowledge;
use crate::native;
use crate::report::model::{NativeLibrary, Report, Warning};
use crate::scan::EntryScan;
use crate::scan::aggregate::Place;
use crate::scan::collect::{self, Collected};
use crate::signatures::{AppFacts, Database, match_sdks};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The findings stage for Android: packed code, then SDKs, identifier APIs,
/// endpoints and secrets once over all parts, then the install verdict.
pub fn run(
    facts: Merged,
    report: &mut Report,
    knowledge: &Knowledge,
    mapping: Option<&Mapping>,
    show_secrets: bool,
) {
    let verdict = facts.android_accepts();
    report.packed_code = packed::detect(&facts.outcomes, &knowledge.packers);
    for p in &report.packed_code {
        report.warnings.push(Warning::new(
            &p.path,
            format!("likely packed/encrypted code: {}", p.reason),
        ));
    }
    fill(
        report,
        facts.outcomes,
        facts.hits,
        knowledge,
        mapping,
        show_secrets,
    );
    // A bundle is not installed as such (bundletool builds APKs from it);
    // what telltale's caps kept from being checked leaves the verdict open.
    report.installable.android_accepts = verdict;
    report.installable.reasons = facts.refusals;
}

/// Fills `sdks`, `identifier_apis`, `native_libraries`, `endpoints` and
/// `secrets` of `report` from `outcomes` (manifest facts must already be in
/// the report) and the hits `collected` during the entry pass (hits still in
/// an outcome are collected here). SDKs first; then everything else is
/// attributed by where it lies ([`CodeOwners`]); class names from DEX
/// string users are read through `mapping`.
fn fill(
    report: &mut Report,
    outcomes: Vec<EntryOutcome>,
    mut collected: Collected,
    knowledge: &Knowledge,
    mapping: Option<&Mapping>,
    show_secrets: bool,
) {
    let db: &Database = &knowledge.signatures;
    let rules = &knowledge.scan;
    let mut facts = manifest_facts(report);
    let is_sdk_host = |h: &str| db.is_sdk_host(h);
    let collect_rules = collect::Rules {
        context: rules.context(),
        is_sdk_host: &is_sdk_host,
    };
    let walked = walk(outcomes, report, &mut facts, &mut collected, collect_rules);
    // Only hosts a rule ties to an SDK are evidence (a package can hold
    // millions of the others).
    facts.hosts = std::mem::take(&mut collected.sdk_hosts);

    report.packers = native::detect_packers(
        &knowledge.packers,
        walked.packer_paths.iter().map(String::as_str),
        facts.all_classes().chain(
            facts
                .components
                .iter()
                .map(|(p, c)| (p.as_str(), c.as_str())),
        ),
    );
    report.sdks = match_sdks(db, &facts);
    relabel_jni_evidence(report, &walked.jni_paths);
    let owners = CodeOwners::new(
        db,
        &report.sdks,
        report.app.id.as_deref(),
        facts.all_classes(),
    );
    for (lib, refs) in report.native_libraries.iter_mut().zip(&walked.lib_refs) {
        lib.sdk = library_sdk(db, &owners, lib, refs);
    }
    let place_of = |c: &str| owners.place_of(c);
    report.identifier_apis = identifiers::collect(
        &knowledge.identifier_apis,
        walked.api_hits.iter().map(|(p, h)| (p.as_str(), h)),
        &place_of,
    );
    report.personal_data = personal_data::collect(
        &knowledge.personal_data,
        walked.personal_hits.iter().map(|(p, h)| (p.as_str(), h)),
        &place_of,
    );

    let libs = &report.native_libraries;
    let libraries = &walked.libraries;
    let sdks_at = |p: &Place| -> Vec<String> {
        if let Some(users) = &p.users {
            let set: BTreeSet<String> = users
                .iter()
                .filter_map(|c| owners.sdk_of(mapping.map_or(c, |m| m.original(c))))
                .collect();
            return set.into_iter().collect();
        }
        libraries
            .get(&*p.path)
            .and_then(|i| libs.get(*i))
            .and_then(|l| l.sdk.clone())
            .into_iter()
            .collect()
    };
    collected.named.extend(manifest_named(report, rules));
    attribution::drop_package_names(
        &mut collected,
        report.app.id.as_deref(),
        facts.all_classes().map(|(_, c)| c),
    );
    let folded = attribution::endpoints_and_secrets(db, collected, show_secrets, &sdks_at);
    folded.into_report(report);
}

/// The app id, manifest components and meta-data keys as SDK evidence.
fn manifest_facts(report: &Report) -> AppFacts {
    let mut facts = AppFacts {
        app_id: report.app.id.clone(),
        ..AppFacts::default()
    };
    for c in &report.components {
        facts
            .components
            .push(("AndroidManifest.xml".into(), c.name.clone()));
    }
    for m in &report.meta_data {
        facts
            .meta_data_keys
            .push(("AndroidManifest.xml".into(), m.name.clone()));
    }
    facts
}

/// What [`walk`] gathers from the entry outcomes besides the SDK facts.
#[derive(Default)]
struct Walked {
    /// The index in `native_libraries` of the library at each path.
    libraries: BTreeMap<String, usize>,
    api_hits: Vec<(String, identifiers::ApiHit)>,
    personal_hits: Vec<(String, personal_data::ReadHit)>,
    /// Libraries whose JNI classes went into `facts.classes` (evidence kind `native`).
    jni_paths: BTreeSet<String>,
    packer_paths: Vec<String>,
    /// The class references of each native library, in `native_libraries` order.
    lib_refs: Vec<Vec<String>>,
}

/// One pass over the entry outcomes: DEX class lists into `facts`, native
/// libraries into `report`, hits still in an outcome into `collected`, and
/// identifier and personal-data hits with their entry path.
fn walk(
    outcomes: Vec<EntryOutcome>,
    report: &mut Report,
    facts: &mut AppFacts,
    collected: &mut Collected,
    collect_rules: collect::Rules,
) -> Walked {
    let mut w = Walked::default();
    for out in outcomes {
        let path = out.path.clone();
        let mut folder = None;
        match &out.kind {
            Some(EntryKind::Dex) => {
                if let Some(dex) = &out.dex {
                    facts.dex_classes.push((path.clone(), dex.classes.clone()));
                    facts
                        .dex_referenced
                        .push((path.clone(), dex.referenced.clone()));
                }
            }
            Some(EntryKind::NativeLib { abi }) => folder = Some(abi.as_str()),
            _ => {}
        }
        if folder.is_some() || out.elf.is_some() {
            let lib = native_library(&path, folder, out.elf.as_ref(), report);
            facts.native_libs.push(path.clone());
            for class in &lib.jni_classes {
                facts.classes.push((path.clone(), class.clone()));
                w.jni_paths.insert(path.clone());
            }
            w.libraries
                .insert(path.clone(), report.native_libraries.len());
            w.lib_refs.push(
                out.elf
                    .as_ref()
                    .map(|e| e.class_refs.clone())
                    .unwrap_or_default(),
            );
            report.native_libraries.push(lib);
        }
        w.packer_paths.push(path.clone());
        if out.scan != EntryScan::default() {
            // Not handed over during the pass (a bare file).
            match &out.dex {
                Some(dex) => {
                    let users = |offset: u64| -> Arc<[String]> {
                        Arc::from(code::string_users_at(
                            &dex.string_offsets,
                            &dex.string_users,
                            offset,
                        ))
                    };
                    collected.add(collect_rules, &path, out.scan, Some(&users));
                }
                None => collected.add(collect_rules, &path, out.scan, None),
            }
        }
        if let Some(dex) = out.dex {
            w.api_hits
                .extend(dex.api_hits.into_iter().map(|h| (path.clone(), h)));
            w.personal_hits
                .extend(dex.personal_hits.into_iter().map(|h| (path.clone(), h)));
        }
    }
    w
}

/// JNI classes matched as code of their library: shown as `native` evidence.
fn relabel_jni_evidence(report: &mut Report, jni_paths: &BTreeSet<String>) {
    for sdk in &mut report.sdks {
        let mut relabelled = false;
        for e in &mut sdk.evidence {
            if e.kind == "code" && jni_paths.contains(&e.path) {
                e.kind = "native".into();
                e.detail = format!("JNI exports for {}", e.detail);
                relabelled = true;
            }
        }
        if relabelled {
            sdk.evidence.sort();
        }
    }
}

/// Manifest meta-data values under classified key names (API keys, app
/// secrets), to join the named values of configuration files.
fn manifest_named(
    report: &Report,
    rules: &crate::scan::Rules,
) -> Vec<(String, crate::scan::named::NamedValue)> {
    report
        .meta_data
        .iter()
        .filter_map(|m| {
            crate::scan::named::classify_pair(rules.key_names(), &m.name, m.value.as_deref()?)
        })
        .map(|n| ("AndroidManifest.xml".to_string(), n))
        .collect()
}

/// One `native_libraries` entry: ABI from the header cross-checked with the
/// folder (a mismatch becomes a warning); its SDK is set once SDKs are known
/// ([`library_sdk`]).
fn native_library(
    path: &str,
    folder: Option<&str>,
    elf: Option<&native::ElfInfo>,
    report: &mut Report,
) -> NativeLibrary {
    let header = elf.and_then(|e| e.abi);
    let arch = match (folder, header) {
        (Some(f), Some(h)) => match native::abi_mismatch(f, h) {
            Some(w) => {
                report.warnings.push(Warning::new(path, w));
                h.to_string()
            }
            None => f.to_string(),
        },
        (Some(f), None) => f.to_string(),
        (None, Some(h)) => h.to_string(),
        (None, None) => String::new(),
    };
    NativeLibrary {
        path: path.to_string(),
        arch: (!arch.is_empty()).then_some(arch),
        sdk: None,
        abi_from_header: header.map(str::to_string),
        elf_kind: elf.and_then(|e| e.kind).map(str::to_string),
        soname: elf.and_then(|e| e.soname.clone()),
        needed: elf.map(|e| e.needed.clone()).unwrap_or_default(),
        jni_classes: elf.map(|e| e.jni_classes.clone()).unwrap_or_default(),
    }
}

/// The listed SDK a native library belongs to: by its file name, else by
/// the classes its JNI exports serve, else by the Java classes its strings
/// name (when they lie in exactly one listed SDK).
fn library_sdk(
    db: &Database,
    owners: &CodeOwners,
    lib: &NativeLibrary,
    class_refs: &[String],
) -> Option<String> {
    if let Some(s) = db.sdk_for_native_lib(&lib.path)
        && owners.is_present(s)
    {
        return Some(s.to_string());
    }
    if let Some(s) = lib.jni_classes.iter().find_map(|c| owners.sdk_of(c)) {
        return Some(s);
    }
    let sdks: BTreeSet<String> = class_refs.iter().filter_map(|c| owners.sdk_of(c)).collect();
    match sdks.len() {
        1 => sdks.into_iter().next(),
        _ => None,
    }
}
