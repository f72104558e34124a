//! iOS: IPA layout, Info.plist, Mach-O (goblin), code signature,
//! provisioning profiles and privacy manifests.

pub mod binary;
pub mod codesign;
pub mod identifiers;
pub mod info_plist;
pub mod ipa;
pub mod layout;
pub mod macho;
pub mod privacy_manifest;
pub mod provisioning;

use crate::report::model::{Report, Warning};
use binary::BinaryFacts;

/// Reads a bare Mach-O file (not inside an IPA) into binary facts for the
/// findings stage; its string sections are scanned with `rules`.
pub fn analyse_macho_file(
    rules: &crate::scan::Rules,
    data: &[u8],
    path: &str,
    report: &mut Report,
) -> Vec<BinaryFacts> {
    report.app.platform = Some("ios".into());
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    let binary = binary::read(rules, name, None, data);
    if binary.facts.slices.is_empty() && binary.facts.warnings.is_empty() {
        report
            .warnings
            .push(Warning::new(&binary.path, "no readable Mach-O slice"));
    }
    vec![binary]
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
