//! `telltale export DB`: the store as one JSON object per app a line (with
//! its labels, outcome and full report) or one CSV row per app (flat
//! columns for pandas, R or datasette).

use super::stats::csv_field;
use super::store::{Dataset, Store, StoredRun};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::Write;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

/// Writes every app of the store to `out`.
pub fn export(store: &mut Store, format: Format, out: &mut dyn Write) -> Result<(), String> {
    let data = store.load()?;
    match format {
        Format::Jsonl => export_jsonl(store, &data, out),
        Format::Csv => export_csv(&data, out),
    }
}

fn write(out: &mut dyn Write, s: &str) -> Result<(), String> {
    out.write_all(s.as_bytes()).map_err(|e| e.to_string())
}

/// One JSON object per app: path, hash, labels, outcome and the full report.
fn export_jsonl(store: &mut Store, data: &Dataset, out: &mut dyn Write) -> Result<(), String> {
    for app in &data.apps {
        let run = app.run.and_then(|r| data.runs.get(&r));
        let report = match run {
            Some(r) if r.status == "ok" => store
                .report(r.id)?
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let labels: serde_json::Map<String, Value> = app
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let line = json!({
            "path": app.path,
            "sha256": app.sha256,
            "labels": labels,
            "status": run.map(|r| r.status.as_str()).unwrap_or("pending"),
            "failure": run.and_then(|r| r.failure_kind.as_ref().map(|k| json!({
                "kind": k,
                "reason": r.failure.clone().unwrap_or_default(),
            }))),
            "report": report,
        });
        write(out, &format!("{line}\n"))?;
    }
    Ok(())
}

/// The CSV columns after the labels.
const RUN_COLUMNS: [&str; 13] = [
    "status",
    "failure_kind",
    "failure",
    "package",
    "name",
    "version_name",
    "platform",
    "format",
    "sdk_count",
    "sdks",
    "endpoint_count",
    "identifier_reads",
    "permission_count",
];

/// One CSV row per app: path, hash, one column per label, then `RUN_COLUMNS`.
fn export_csv(data: &Dataset, out: &mut dyn Write) -> Result<(), String> {
    let label_names: BTreeSet<&str> = data
        .apps
        .iter()
        .flat_map(|a| a.labels.iter().map(|(n, _)| n.as_str()))
        .collect();
    let mut header = vec!["path", "sha256"];
    header.extend(label_names.iter().copied());
    header.extend(RUN_COLUMNS);
    let header: Vec<String> = header.iter().map(|h| csv_field(h)).collect();
    write(out, &format!("{}\n", header.join(",")))?;
    for app in &data.apps {
        let mut row = vec![app.path.clone(), app.sha256.clone()];
        for name in &label_names {
            row.push(
                app.labels
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        row.extend(run_fields(app.run.and_then(|r| data.runs.get(&r))));
        let row: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        write(out, &format!("{}\n", row.join(",")))?;
    }
    Ok(())
}

/// The `RUN_COLUMNS` of an app's latest run (`pending` and blanks without one).
fn run_fields(run: Option<&StoredRun>) -> Vec<String> {
    let Some(r) = run else {
        let mut fields = vec!["pending".to_string()];
        fields.extend(std::iter::repeat_n(String::new(), RUN_COLUMNS.len() - 1));
        return fields;
    };
    let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
    let sdks: BTreeSet<&str> = r.sdks.iter().map(|(_, n, ..)| n.as_str()).collect();
    let hosts: BTreeSet<&str> = r.endpoints.iter().map(|(h, ..)| h.as_str()).collect();
    vec![
        r.status.clone(),
        opt(r.failure_kind.as_ref()),
        opt(r.failure.as_ref()),
        opt(r.package.as_ref()),
        opt(r.name.as_ref()),
        opt(r.version_name.as_ref()),
        opt(r.platform.as_ref()),
        opt(r.format.as_ref()),
        sdks.len().to_string(),
        sdks.into_iter().collect::<Vec<_>>().join(";"),
        hosts.len().to_string(),
        r.reads.len().to_string(),
        r.permissions.len().to_string(),
    ]
}
