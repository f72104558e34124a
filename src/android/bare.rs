//! Bare Android files inspected on their own, outside any package: a DEX
//! file, an ELF shared object, a binary XML file (a compiled
//! AndroidManifest.xml fills the manifest sections) and a resources.arsc.
//! Each yields the facts the findings stage needs; the install verdict and
//! signing do not apply to a lone file and stay unknown.

use crate::android::apk::{self, Merged};
use crate::android::entries::{self, EntryKind, Tables};
use crate::android::{axml, manifest, resources};
use crate::container::Budget;
use crate::report::model::{Report, Warning};

/// What kind of bare file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bare {
    Dex,
    Elf,
    BinaryXml,
    ResourceTable,
}

/// Analyses the bare file `data` (named `path`) into `report`; returns the
/// entry facts for the findings stage.
pub fn analyse(
    kind: Bare,
    data: &[u8],
    path: &str,
    budget: &Budget,
    tables: Tables<'_>,
    report: &mut Report,
) -> Merged {
    report.app.platform = Some("android".into());
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    let scan = |kind: EntryKind| {
        entries::analyse_bytes(
            budget,
            tables,
            &name,
            data.to_vec(),
            kind,
            entries::Nesting::default(),
        )
    };
    let outcomes = match kind {
        Bare::Dex => scan(EntryKind::Dex),
        Bare::Elf => scan(EntryKind::Raw),
        Bare::BinaryXml => {
            read_binary_xml(data, &name, report);
            Vec::new()
        }
        Bare::ResourceTable => {
            match resources::parse(data) {
                Ok(table) => {
                    // The app's own package has id 0x7f.
                    if let Some((_, package)) =
                        table.packages().into_iter().find(|(id, _)| *id == 0x7f)
                    {
                        report.app.id = Some(package);
                    }
                }
                Err(e) => report.warnings.push(Warning::new(&name, e.to_string())),
            }
            scan(EntryKind::Raw)
        }
    };
    let mut merged = Merged {
        bare: true,
        ..Merged::default()
    };
    merged.add_outcomes(report, outcomes);
    merged
}

/// A compiled XML file: a manifest fills identity, permissions, components
/// and the rest; any other root is only named.
fn read_binary_xml(data: &[u8], name: &str, report: &mut Report) {
    let doc = match axml::parse(data) {
        Ok(d) => d,
        Err(e) => {
            report.warnings.push(Warning::new(name, e.to_string()));
            return;
        }
    };
    for a in &doc.anomalies {
        report
            .warnings
            .push(Warning::new(name, format!("binary XML: {a}")));
    }
    match &doc.root {
        Some(root) if root.name == "manifest" => {
            let m = manifest::from_root(root);
            let mut refusals = Vec::new();
            apk::fill_from_manifest(&m, None, report, &mut refusals);
            if name != "AndroidManifest.xml" {
                for w in &mut report.warnings {
                    if w.path == "AndroidManifest.xml" {
                        w.path = name.to_string();
                    }
                }
            }
        }
        Some(root) => report.warnings.push(Warning::new(
            name,
            format!(
                "binary XML whose root is <{}>, not a manifest: `telltale xml` prints it",
                root.name
            ),
        )),
        None => report
            .warnings
            .push(Warning::new(name, "binary XML has no root element")),
    }
}
