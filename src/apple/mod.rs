//! iOS: IPA layout, Info.plist, Mach-O (goblin), code signature,
//! provisioning profiles and privacy manifests.

pub mod codesign;
pub mod identifiers;
pub mod info_plist;
pub mod ipa;
pub mod layout;
pub mod macho;
pub mod privacy_manifest;
pub mod provisioning;

use crate::findings::ios;
use crate::knowledge::Knowledge;
use crate::report::model::{Report, Warning};
use crate::signatures::AppFacts;

/// Inspects a bare Mach-O file (not inside an IPA).
pub fn analyse_macho_file(
    data: &[u8],
    path: &str,
    knowledge: &Knowledge,
    show_secrets: bool,
    report: &mut Report,
) {
    report.app.platform = Some("ios".into());
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    let facts = macho::analyse(data);
    if facts.slices.is_empty() && facts.warnings.is_empty() {
        report
            .warnings
            .push(Warning::new(&name, "no readable Mach-O slice"));
    }
    let binaries = vec![macho::BinaryFacts {
        path: name,
        sdk: None,
        facts,
    }];
    let mut app_facts = AppFacts::default();
    ios::finish_binaries(
        report,
        knowledge,
        &mut app_facts,
        binaries,
        Vec::new(),
        show_secrets,
    );
}

/// Inspects a bare Info.plist (binary or XML): app identity, usage
/// descriptions, URL schemes, ATS and the other Info.plist sections.
pub fn analyse_info_plist_file(data: &[u8], path: &str, report: &mut Report) {
    report.app.platform = Some("ios".into());
    let name = path.rsplit('/').next().unwrap_or(path);
    match info_plist::parse(data) {
        Ok(p) => ipa::fill_app(report, &p, name),
        Err(e) => report.warnings.push(Warning::new(name, e)),
    }
}

/// Inspects a bare provisioning profile (`.mobileprovision`).
pub fn analyse_profile_file(data: &[u8], path: &str, report: &mut Report) {
    report.app.platform = Some("ios".into());
    let name = path.rsplit('/').next().unwrap_or(path);
    ipa::fill_profile(report, data, name);
}
