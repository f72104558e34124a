//! SARIF 2.1.0 renderer, so app developers can gate CI on SDK policy: one
//! result per finding, grouped under rules with stable ids (`TT001`…), each
//! located at its entry inside the package (`uriBaseId` `PACKAGE`, nested
//! entries joined with `!`) with the byte offset as a region. Provenance goes
//! in the run's properties; the package is the one analysis-target artifact.
//! Only reads the model.

use crate::report::html::is_tracker;
use crate::report::model::{Location, Owner, Report};
use serde_json::{Map, Value, json};

/// The rules: stable id, name, short description, default level.
pub const RULES: [(&str, &str, &str, &str); 8] = [
    (
        "TT001",
        "third-party-sdk",
        "A third-party SDK is bundled in the app",
        "note",
    ),
    (
        "TT002",
        "hard-coded-endpoint",
        "A network endpoint is hard-coded in the app",
        "note",
    ),
    (
        "TT003",
        "identifier-read",
        "Code calls a device-identifier or fingerprinting API",
        "warning",
    ),
    (
        "TT004",
        "hard-coded-secret",
        "A secret (API key, token) is hard-coded in the app",
        "warning",
    ),
    (
        "TT005",
        "dangerous-permission",
        "The app requests a dangerous permission",
        "note",
    ),
    (
        "TT006",
        "exported-component",
        "A component any app can start, unguarded by a permission",
        "note",
    ),
    (
        "TT007",
        "insecure-setting",
        "A security setting is relaxed (debuggable, backups, plain HTTP, user CAs)",
        "warning",
    ),
    (
        "TT008",
        "package-warning",
        "Part of the package is damaged, unusual or was not read",
        "note",
    ),
];

/// Official schema location of SARIF 2.1.0.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Percent-encodes an entry path into a relative URI reference (keeps
/// unreserved characters, `/` and `!`).
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(path: &str, offset: Option<u64>, length: Option<u64>) -> Value {
    let mut phys = Map::new();
    phys.insert(
        "artifactLocation".into(),
        json!({ "uri": uri(path), "uriBaseId": "PACKAGE" }),
    );
    if let Some(o) = offset {
        let mut region = Map::new();
        region.insert("byteOffset".into(), json!(o));
        if let Some(l) = length {
            region.insert("byteLength".into(), json!(l));
        }
        phys.insert("region".into(), Value::Object(region));
    }
    json!({ "physicalLocation": Value::Object(phys) })
}

fn locations(locs: &[Location]) -> Vec<Value> {
    locs.iter()
        .map(|l| location(&l.path, l.offset, l.excerpt.as_ref().map(|x| x.length)))
        .collect()
}

fn owner_props(props: &mut Map<String, Value>, owner: &Option<Owner>) {
    if let Some(o) = owner {
        props.insert("owner".into(), json!(o.name));
        props.insert("country".into(), json!(o.country));
        props.insert("stateOwned".into(), json!(o.state_owned));
    }
}

struct Results(Vec<Value>);

impl Results {
    fn push(
        &mut self,
        rule: usize,
        level: &str,
        text: String,
        fingerprint: String,
        locs: Vec<Value>,
        props: Map<String, Value>,
    ) {
        let mut result = json!({
            "ruleId": RULES[rule].0,
            "ruleIndex": rule,
            "level": level,
            "message": { "text": text },
            "partialFingerprints": { "telltaleFinding/v1": fingerprint },
            "properties": Value::Object(props),
        });
        if !locs.is_empty() {
            result["locations"] = Value::Array(locs);
        }
        self.0.push(result);
    }
}

/// Renders the report as a SARIF 2.1.0 log (pretty JSON, newline-terminated).
pub fn render(r: &Report) -> String {
    let mut res = Results(Vec::new());
    sdk_results(r, &mut res);
    finding_results(r, &mut res);
    manifest_results(r, &mut res);
    warning_results(r, &mut res);
    let run = run_object(r, res);
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}

/// `TT001`: one result per SDK, a warning when it is a tracker or
/// state-owned.
fn sdk_results(r: &Report, res: &mut Results) {
    for s in &r.sdks {
        let mut p = Map::new();
        p.insert("sdk".into(), json!(s.id));
        p.insert("categories".into(), json!(s.categories));
        p.insert("tracker".into(), json!(is_tracker(s)));
        owner_props(&mut p, &s.owner);
        let state = s.owner.as_ref().and_then(|o| o.state_owned) == Some(true);
        let level = if state || is_tracker(s) {
            "warning"
        } else {
            "note"
        };
        let owner = s
            .owner
            .as_ref()
            .map(|o| {
                format!(
                    " by {}{}",
                    o.name,
                    o.country
                        .as_ref()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        let locs = s
            .evidence
            .iter()
            .map(|e| match &e.location {
                Some(l) => location(
                    &e.path,
                    l.offset,
                    e.matched
                        .as_ref()
                        .filter(|_| l.offset.is_some())
                        .map(|m| crate::report::bytes::encoded_len(m, e.encoding.as_deref())),
                ),
                None => location(&e.path, None, None),
            })
            .collect();
        res.push(
            0,
            level,
            format!(
                "SDK {}{owner}{}",
                s.name,
                if state { ", state-owned" } else { "" }
            ),
            format!("sdk:{}", s.id),
            locs,
            p,
        );
    }
}

/// `TT002`–`TT004`: endpoints, identifier reads and secrets with their
/// byte locations.
fn finding_results(r: &Report, res: &mut Results) {
    for e in &r.endpoints {
        let mut p = Map::new();
        p.insert("host".into(), json!(e.host));
        p.insert("sdks".into(), json!(e.sdks));
        owner_props(&mut p, &e.owner);
        res.push(
            1,
            "note",
            format!(
                "Endpoint {}{}",
                e.host,
                e.owner
                    .as_ref()
                    .map(|o| format!(" ({})", o.name))
                    .unwrap_or_default()
            ),
            format!("endpoint:{}", e.host),
            locations(&e.locations),
            p,
        );
    }
    for i in &r.identifier_apis {
        let mut p = Map::new();
        p.insert("api".into(), json!(i.api));
        p.insert("category".into(), json!(i.category));
        p.insert("sdks".into(), json!(i.sdks));
        p.insert("callers".into(), json!(i.callers));
        res.push(
            2,
            "warning",
            format!("Reads {} ({})", i.category, i.api),
            format!("identifier:{}", i.api),
            locations(&i.locations),
            p,
        );
    }
    for s in &r.secrets {
        let mut p = Map::new();
        p.insert("kind".into(), json!(s.kind));
        p.insert("valueSha256".into(), json!(s.sha256));
        res.push(
            3,
            "warning",
            format!("Secret {} {}", s.kind, s.preview),
            format!("secret:{}", s.sha256),
            locations(&s.locations),
            p,
        );
    }
}

/// `TT005`–`TT007`: dangerous permissions, unguarded exported components and
/// relaxed security settings, located at the manifest.
fn manifest_results(r: &Report, res: &mut Results) {
    for perm in r.permissions.iter().filter(|p| p.is_dangerous()) {
        let mut p = Map::new();
        p.insert("permission".into(), json!(perm.name));
        res.push(
            4,
            "note",
            format!("Requests {}", perm.name),
            format!("permission:{}", perm.name),
            vec![location(manifest(r), None, None)],
            p,
        );
    }
    for c in r
        .components
        .iter()
        .filter(|c| c.exported && c.permission.is_none())
    {
        let mut p = Map::new();
        p.insert("component".into(), json!(c.name));
        p.insert("componentKind".into(), json!(c.kind));
        res.push(
            5,
            "note",
            format!("Exported {} {}", c.kind, c.name),
            format!("component:{}", c.name),
            vec![location(manifest(r), None, None)],
            p,
        );
    }
    let sec = &r.security;
    for (flag, on) in [
        ("debuggable", sec.debuggable),
        ("allowBackup", sec.allow_backup),
        ("cleartextTraffic", sec.cleartext),
        ("userCertificatesTrusted", sec.user_certs_trusted),
        ("atsArbitraryLoads", sec.ats_arbitrary_loads),
    ] {
        if on == Some(true) {
            let mut p = Map::new();
            p.insert("setting".into(), json!(flag));
            res.push(
                6,
                "warning",
                format!("{flag} is on"),
                format!("setting:{flag}"),
                vec![location(manifest(r), None, None)],
                p,
            );
        }
    }
}

/// `TT008`: the package's warnings.
fn warning_results(r: &Report, res: &mut Results) {
    for w in &r.warnings {
        let locs = if w.path.is_empty() {
            Vec::new()
        } else {
            vec![location(&w.path, None, None)]
        };
        res.push(
            7,
            "note",
            w.message.clone(),
            format!("warning:{}:{}", w.path, w.message),
            locs,
            Map::new(),
        );
    }
}

/// The SARIF run: the tool with its rules, the package as the one
/// artifact, the results and the provenance.
fn run_object(r: &Report, res: Results) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, name, text, level)| {
            json!({
                "id": id, "name": name,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let mut artifact = json!({
        "location": { "uri": uri(&r.input.path) },
        "length": r.input.size,
        "hashes": { "sha-256": r.input.sha256 },
        "roles": ["analysisTarget"],
    });
    if !r.input.format.is_empty() {
        artifact["description"] = json!({ "text": format!("{} package", r.input.format) });
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": r.tool.name,
            "version": r.tool.version,
            "rules": rules,
        } },
        "originalUriBaseIds": { "PACKAGE": { "description": { "text": format!("inside the package {} (entries joined with '!' are nested packages)", r.input.path) } } },
        "artifacts": [artifact],
        "results": res.0,
        "columnKind": "unicodeCodePoints",
    });
    if let Some(p) = &r.provenance {
        run["properties"] = json!({ "provenance": p });
    }
    run
}

/// Where manifest-level findings point.
fn manifest(r: &Report) -> &'static str {
    match r.input.format.as_str() {
        "aab" => "base/manifest/AndroidManifest.xml",
        "ipa" => "Info.plist",
        _ => "AndroidManifest.xml",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(
            uri("Payload/Tracking App.app/X"),
            "Payload/Tracking%20App.app/X"
        );
        assert_eq!(uri("a.apk!classes.dex"), "a.apk!classes.dex");
    }
}
