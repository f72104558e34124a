//! HTML renderer: one self-contained page a regulator can file — inline CSS
//! and SVG only (no scripts, fonts or images fetched), readable offline,
//! printable to A4. Headline first (trackers vs libraries, owners by country,
//! state-owned owners), then "who reads what and sends where" per SDK, the
//! manifest, endpoints, secrets (redacted), signing, security, iOS privacy
//! manifest checks, warnings, and an evidence appendix in which every row has
//! the entry, offset, entry hash, the bytes, and the shell line to re-check it.
//! Only reads the model.

use crate::report::bytes::{EXCERPT_LEN, check_command, spaced_hex};
use crate::report::model::{Endpoint, IdentifierApi, Location, Owner, Report, Sdk};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::{BTreeMap, BTreeSet};

const STYLE: &str = include_str!("html.css");

/// Whether an SDK counts as a tracker in the headline (the knowledge
/// base's per-SDK flag, carried in the report).
pub fn is_tracker(sdk: &Sdk) -> bool {
    sdk.tracker
}

fn state_owned(owner: &Option<Owner>) -> bool {
    owner.as_ref().and_then(|o| o.state_owned) == Some(true)
}

/// One row of the evidence appendix: a location with an offset.
struct Row<'a> {
    finding: String,
    loc: &'a Location,
}

/// Every location with an offset, in report order: endpoints, identifier
/// reads, secrets. The index is the row number (`#ev-N`).
fn evidence_rows(r: &Report) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for e in &r.endpoints {
        for l in e.locations.iter().filter(|l| l.offset.is_some()) {
            rows.push(Row {
                finding: format!("endpoint {}", e.host),
                loc: l,
            });
        }
    }
    for i in &r.identifier_apis {
        for l in i.locations.iter().filter(|l| l.offset.is_some()) {
            rows.push(Row {
                finding: format!("reads {} ({})", i.api, i.category),
                loc: l,
            });
        }
    }
    for p in &r.personal_data {
        for l in p.locations.iter().filter(|l| l.offset.is_some()) {
            rows.push(Row {
                finding: format!("reads {} ({})", p.kind, p.evidence.join(", ")),
                loc: l,
            });
        }
    }
    for s in &r.secrets {
        for l in s.locations.iter().filter(|l| l.offset.is_some()) {
            rows.push(Row {
                finding: format!("secret {} {}", s.kind, s.preview),
                loc: l,
            });
        }
    }
    rows
}

/// Row number of the first evidence row of each location (by identity).
fn first_row_of(rows: &[Row<'_>], loc: &Location) -> Option<usize> {
    rows.iter()
        .position(|r| std::ptr::eq(r.loc, loc))
        .map(|i| i + 1)
}

fn owner_line(owner: &Option<Owner>) -> Markup {
    owner_with(owner, true)
}

/// Owner name, country and state-owned flag; the parent only when `parent`.
fn owner_with(owner: &Option<Owner>, parent: bool) -> Markup {
    html! {
        @match owner {
            Some(o) => {
                span.owner { (o.name) }
                @if let Some(c) = &o.country { " " span.cc { (c) } }
                @if o.state_owned == Some(true) {
                    " " span.state { "state-owned" }
                    @if parent { @if let Some(p) = &o.parent { span.parent { " (" (p) ")" } } }
                }
            }
            None => span.unknown { "owner unknown" },
        }
    }
}

fn evidence_link(rows: &[Row<'_>], locs: &[Location]) -> Markup {
    let first = locs.iter().find_map(|l| first_row_of(rows, l));
    html! {
        @if let Some(n) = first {
            a.evref href={ "#ev-" (n) } { "evidence #" (n) }
        } @else if let Some(l) = locs.first() {
            span.path { (l.path) }
        }
    }
}

/// Renders the report as one HTML page.
pub fn render(r: &Report) -> String {
    let rows = evidence_rows(r);
    let title = r
        .app
        .name
        .clone()
        .or_else(|| r.app.id.clone())
        .unwrap_or_else(|| r.input.path.clone());
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "telltale report: " (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    (header(r, &title))
                    (headline(r))
                    (flows(r, &rows))
                    (sdk_table(r))
                    (permissions(r))
                    (components(r))
                    (personal_data(r, &rows))
                    (endpoints(r, &rows))
                    (secrets(r, &rows))
                    (signing(r))
                    (security(r))
                    (privacy(r))
                    (warnings(r))
                    (appendix(r, &rows))
                }
            }
        }
    };
    page.into_string()
}

fn header(r: &Report, title: &str) -> Markup {
    let p = r.provenance.as_ref();
    html! {
        header {
            p.kicker { "telltale evidence report" }
            h1 { (title) }
            p.sub {
                (r.app.id.as_deref().unwrap_or("-"))
                @if let Some(v) = &r.app.version_name { " · version " (v) }
                @if let Some(c) = &r.app.version_code { " (" (c) ")" }
                @if let Some(pl) = &r.app.platform { " · " (pl) }
                @if let Some(t) = r.app.target_sdk { " · target SDK " (t) }
            }
            table.prov {
                tr { th { "Package file" } td { span.path { (r.input.path) } " · " (r.input.format) " · " (r.input.size) " bytes" } }
                tr { th { "SHA-256" } td.hash { (r.input.sha256) } }
                @if let Some(p) = p {
                    @for m in &p.members {
                        tr { th { "member" } td { span.path { (m.name) } " · " (m.size) " bytes · " span.hash { (m.sha256) } } }
                    }
                    tr { th { "Made by" } td { (p.tool_name) " " (p.tool_version) " · source commit " span.hash { (p.source_commit) } } }
                    tr { th { "Knowledge base" } td { (p.knowledge_version.as_deref().unwrap_or("-")) " · sha256 " span.hash { (p.knowledge_sha256.as_deref().unwrap_or("-")) } } }
                    tr { th { "Options" } td { @for (k, v) in &p.options { code { (k) "=" (v) } " " } } }
                    tr { th { "Analysed" } td {
                        @match (&p.analysed_at, &p.time_source) {
                            (Some(at), Some(src)) => { (at) " (" (src) ")" }
                            _ => { "time not stated: the same package and knowledge base always give this same report" }
                        }
                    } }
                }
            }
            p.how {
                "Every finding below points to the place in the package where it was seen: an entry (a file inside the package; "
                code { "a!b" } " is entry b inside the package a) and a byte offset in that entry once decompressed. "
                "The evidence appendix shows those bytes and the command that prints them, so anyone can re-check a finding without this tool; "
                code { "telltale verify REPORT.json " (r.input.path) } " re-checks all of them at once."
            }
        }
    }
}

fn headline(r: &Report) -> Markup {
    let trackers: Vec<&Sdk> = r.sdks.iter().filter(|s| is_tracker(s)).collect();
    let libraries = r.sdks.len() - trackers.len();
    // Owners by country: SDK owners and endpoint owners, distinct names.
    let mut by_country: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut state: BTreeMap<String, (Option<String>, BTreeSet<String>)> = BTreeMap::new();
    let owners = r
        .sdks
        .iter()
        .map(|s| (&s.owner, format!("SDK {}", s.name)))
        .chain(
            r.endpoints
                .iter()
                .map(|e| (&e.owner, format!("endpoint {}", e.host))),
        );
    for (owner, what) in owners {
        let Some(o) = owner else { continue };
        by_country
            .entry(o.country.clone().unwrap_or_else(|| "?".into()))
            .or_default()
            .insert(o.name.clone());
        if o.state_owned == Some(true) {
            state
                .entry(o.name.clone())
                .or_insert_with(|| (o.parent.clone(), BTreeSet::new()))
                .1
                .insert(what);
        }
    }
    let mut countries: Vec<(String, BTreeSet<String>)> = by_country.into_iter().collect();
    countries.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let max = countries
        .iter()
        .map(|c| c.1.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let dangerous = r.permissions.iter().filter(|p| p.is_dangerous()).count();
    let owner_count: usize = countries.iter().map(|c| c.1.len()).sum();
    html! {
        section #headline {
            h2 { "Headline" }
            p.summary {
                "The package's code carries " strong { (r.sdks.len()) " third-party SDKs" } ": "
                strong { (trackers.len()) " trackers" } " and " (libraries) " other libraries. "
                "It names " strong { (owner_count) " companies" } " in " (countries.len()) " countries"
                @if !state.is_empty() {
                    ", " strong.bad { (state.len()) " of them state-owned" }
                }
                ". It holds " (r.endpoints.len()) " hard-coded endpoints and calls "
                (r.identifier_apis.len()) " device-identifier or fingerprinting APIs"
                @if r.app.platform.as_deref() != Some("ios") {
                    ", and asks for " (dangerous) " dangerous permissions"
                }
                "."
            }
            div.tiles {
                div.tile.t-bad { b { (trackers.len()) } span { "trackers" } }
                div.tile { b { (libraries) } span { "libraries" } }
                div.tile.t-bad { b { (state.len()) } span { "state-owned owners" } }
                div.tile { b { (r.endpoints.len()) } span { "endpoints" } }
                div.tile { b { (r.identifier_apis.len()) } span { "identifier reads" } }
                div.tile { b { (r.secrets.len()) } span { "secrets" } }
            }
            @if !countries.is_empty() {
                h3 { "Owners by country" }
                (country_chart(&countries, max))
            }
            @if !state.is_empty() {
                h3 { "State-owned owners" }
                ul.state-list {
                    @for (name, (parent, whats)) in &state {
                        li {
                            span.state { "state-owned" } " " strong { (name) }
                            @if let Some(p) = parent { " — " (p) }
                            ": " (whats.iter().cloned().collect::<Vec<_>>().join(", "))
                        }
                    }
                }
            }
            @if !trackers.is_empty() {
                h3 { "Trackers" }
                p { @for (i, s) in trackers.iter().enumerate() {
                    @if i > 0 { ", " }
                    strong { (s.name) } " (" (owner_plain(&s.owner)) ")"
                } }
            }
        }
    }
}

fn owner_plain(owner: &Option<Owner>) -> String {
    match owner {
        Some(o) => match &o.country {
            Some(c) => format!("{}, {c}", o.name),
            None => o.name.clone(),
        },
        None => "owner unknown".into(),
    }
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max).collect::<String>() + "…"
    }
}

/// One row per country: an inline SVG bar (length by number of owners),
/// the count and the owners' names.
fn country_chart(countries: &[(String, BTreeSet<String>)], max: usize) -> Markup {
    html! {
        table.chart {
            @for (cc, names) in countries {
                @let w = 8 + names.len() * 152 / max;
                tr {
                    td.cc-cell { span.cc { (cc) } }
                    td.bar-cell {
                        svg width="164" height="16" viewBox="0 0 164 16" role="img" aria-label={ (names.len()) " owners" } {
                            rect x="0" y="2" width=(w) height="12" rx="2" class="bar" {}
                        }
                    }
                    td.num { (names.len()) }
                    td { (names.iter().cloned().collect::<Vec<_>>().join(", ")) }
                }
            }
        }
    }
}

fn reads_of<'a>(r: &'a Report, sdk: Option<&str>) -> Vec<&'a IdentifierApi> {
    r.identifier_apis
        .iter()
        .filter(|i| match sdk {
            Some(id) => i.sdks.iter().any(|s| s == id),
            None => i.sdks.is_empty() || i.sdks.iter().any(|s| s == "app"),
        })
        .collect()
}

fn sends_of<'a>(r: &'a Report, sdk: Option<&str>) -> Vec<&'a Endpoint> {
    r.endpoints
        .iter()
        .filter(|e| match sdk {
            Some(id) => e.sdks.iter().any(|s| s == id),
            None => e.sdks.is_empty(),
        })
        .collect()
}

fn flows(r: &Report, rows: &[Row<'_>]) -> Markup {
    // State-owned first, then trackers, then the rest; by name within.
    let mut sdks: Vec<&Sdk> = r
        .sdks
        .iter()
        .filter(|s| {
            is_tracker(s)
                || !reads_of(r, Some(&s.id)).is_empty()
                || !sends_of(r, Some(&s.id)).is_empty()
        })
        .collect();
    sdks.sort_by_key(|s| (!state_owned(&s.owner), !is_tracker(s), s.name.clone()));
    let own_reads = reads_of(r, None);
    let own_sends = sends_of(r, None);
    html! {
        section #flows {
            h2 { "Who reads what and sends where" }
            p.note { "For each SDK: who owns it → the device identifiers and personal data its code reads (the API and the classes that call it) → the network endpoints its code holds. An endpoint in the code shows where the SDK can send data; it does not prove that it did." }
            @for s in &sdks {
                (flow_card(r, rows, s.name.as_str(), &s.owner, Some(s), &reads_of(r, Some(&s.id)), &sends_of(r, Some(&s.id))))
            }
            @if !own_reads.is_empty() || !own_sends.is_empty() {
                (flow_card(r, rows, "Code of the app itself or not attributed to a known SDK", &None, None, &own_reads, &own_sends))
            }
        }
    }
}

fn flow_card(
    _r: &Report,
    rows: &[Row<'_>],
    name: &str,
    owner: &Option<Owner>,
    sdk: Option<&Sdk>,
    reads: &[&IdentifierApi],
    sends: &[&Endpoint],
) -> Markup {
    let class = if state_owned(owner) {
        "card flow state-card"
    } else if sdk.is_some_and(is_tracker) {
        "card flow tracker-card"
    } else {
        "card flow"
    };
    html! {
        div class=(class) data-flow=(sdk.map(|s| s.id.as_str()).unwrap_or("")) {
            div.who {
                h3 { (name) }
                @if sdk.is_some() { p { (owner_line(owner)) } }
                @if let Some(s) = sdk {
                    p.cats {
                        @if is_tracker(s) { span.tag.tag-bad { "tracker" } }
                        @for c in &s.categories { span.tag { (c) } }
                    }
                    p.seen {
                        "Seen as: "
                        @for (i, e) in s.evidence.iter().take(3).enumerate() {
                            @if i > 0 { "; " }
                            (e.kind) " " code { (clip(&e.detail, 70)) } " in " span.path { (e.path) }
                        }
                        " (" (s.evidence_count) " matches in all)"
                    }
                }
            }
            div.arrow { "→" }
            div.reads {
                h4 { "Reads" }
                @if reads.is_empty() { p.none { "no identifier API found in its code" } }
                ul {
                    @for i in reads {
                        li {
                            span.tag.tag-read { (i.category) } " " code { (i.api) }
                            @if !i.callers.is_empty() {
                                br; span.callers { "called by " (i.callers.iter().take(3).cloned().collect::<Vec<_>>().join(", "))
                                    @if i.callers.len() > 3 { " and " (i.callers.len() - 3) " more" } }
                            }
                            " " (evidence_link(rows, &i.locations))
                        }
                    }
                }
            }
            div.arrow { "→" }
            div.sends {
                h4 { "Endpoints in its code" }
                @if sends.is_empty() { p.none { "no endpoint attributed" } }
                ul {
                    @for e in sends {
                        li {
                            code.host { (e.host) } " " (owner_with(&e.owner, false)) " " (evidence_link(rows, &e.locations))
                        }
                    }
                }
            }
        }
    }
}

fn sdk_table(r: &Report) -> Markup {
    html! {
        section #sdks {
            h2 { "All SDKs (" (r.sdks.len()) ")" }
            @if r.sdks.is_empty() { p.none { "No known SDK found." } } @else {
                table.list {
                    thead { tr { th { "SDK" } th { "Kind" } th { "Owner" } th { "Categories" } th.num { "Matches" } } }
                    tbody {
                        @for s in &r.sdks {
                            tr.sdk-row data-sdk=(s.id) {
                                td { strong { (s.name) } br; code.small { (s.id) } }
                                td { @if is_tracker(s) { span.tag.tag-bad { "tracker" } } @else { span.tag { "library" } } }
                                td { (owner_line(&s.owner)) }
                                td { (s.categories.join(", ")) }
                                td.num { (s.evidence_count) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn permissions(r: &Report) -> Markup {
    let mut perms: Vec<_> = r.permissions.iter().collect();
    perms.sort_by_key(|p| (!p.is_dangerous(), p.name.clone()));
    html! {
        section #permissions {
            h2 { "Permissions (" (perms.len()) ", " (perms.iter().filter(|p| p.is_dangerous()).count()) " dangerous)" }
            @if perms.is_empty() { p.none { "None requested." } } @else {
                table.list {
                    thead { tr { th { "Permission" } th { "Protection level" } } }
                    tbody {
                        @for p in perms {
                            tr class=(if p.is_dangerous() { "danger" } else { "" }) {
                                td { code { (p.name) } @if p.sdk23_only { " " span.tag { "sdk-23+" } } }
                                td { @if p.is_dangerous() { span.tag.tag-bad { "dangerous" } " " } (p.protection) }
                            }
                        }
                    }
                }
            }
            @if let Some(ios) = &r.ios {
                @if !ios.usage_descriptions.is_empty() {
                    h3 { "Purpose strings shown to the user" }
                    ul { @for u in &ios.usage_descriptions { li { code { (u.key) } ": " (u.text) } } }
                }
            }
        }
    }
}

fn components(r: &Report) -> Markup {
    let exported: Vec<_> = r.components.iter().filter(|c| c.exported).collect();
    html! {
        @if !r.components.is_empty() || !r.deep_links.is_empty() {
            section #components {
                h2 { "Exported components and deep links" }
                p.note { "Exported components can be started by any other app on the device unless a permission guards them." }
                @if !exported.is_empty() {
                    table.list {
                        thead { tr { th { "Kind" } th { "Component (" (exported.len()) " of " (r.components.len()) " exported)" } th { "Guarded by" } } }
                        tbody { @for c in &exported { tr { td { (c.kind) } td { code { (c.name) } } td { (c.permission.as_deref().unwrap_or("—")) } } } }
                    }
                }
                @if !r.deep_links.is_empty() {
                    h3 { "Deep links" }
                    table.list {
                        thead { tr { th { "Link" } th { "Verified" } th { "Opens" } } }
                        tbody { @for d in &r.deep_links {
                            tr { td { code { (d.scheme) "://" (d.host.as_deref().unwrap_or("*")) (d.path.as_deref().unwrap_or("")) } }
                                 td { @if d.verified { "autoVerify" } @else { "no" } }
                                 td { code { (d.component) } } }
                        } }
                    }
                }
                @if !r.queried_packages.is_empty() {
                    p { "Other apps it looks for: " @for q in &r.queried_packages { code { (q) } " " } }
                }
            }
        }
    }
}

fn endpoints(r: &Report, rows: &[Row<'_>]) -> Markup {
    html! {
        section #endpoints {
            h2 { "Endpoints (" (r.endpoints.len()) ")" }
            @if r.endpoints.is_empty() { p.none { "No hard-coded endpoint found." } } @else {
                table.list {
                    thead { tr { th { "Host" } th { "Owner" } th { "SDK" } th.num { "Places" } th { "Evidence" } } }
                    tbody {
                        @for e in &r.endpoints {
                            tr class={ "endpoint-row" @if state_owned(&e.owner) { " danger" } } {
                                td { code.host { (e.host) }
                                    @if let Some(u) = e.urls.first() { br; code.small { (u) } @if e.urls.len() > 1 { " +" (e.urls.len() - 1) } } }
                                td { (owner_line(&e.owner)) }
                                td { (if e.sdks.is_empty() { "—".to_string() } else { e.sdks.join(", ") }) }
                                td.num { (e.locations_total.max(e.locations.len())) }
                                td { (evidence_link(rows, &e.locations)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn personal_data(r: &Report, rows: &[Row<'_>]) -> Markup {
    html! {
        @if !r.personal_data.is_empty() {
            section #personal-data {
                h2 { "Personal data read (" (r.personal_data.len()) ")" }
                table.list {
                    thead { tr { th { "What" } th { "Seen" } th { "SDK" } th.num { "Callers" } th { "Evidence" } } }
                    tbody { @for p in &r.personal_data {
                        tr {
                            td { b { (p.kind) } br; span.small { (p.reason) } }
                            td { @for (i, e) in p.evidence.iter().enumerate() { @if i > 0 { br; } code.small { (e) } } }
                            td { (if p.sdks.is_empty() { "—".to_string() } else { p.sdks.join(", ") }) }
                            td.num { (p.callers.len()) }
                            td { (evidence_link(rows, &p.locations)) }
                        }
                    } }
                }
            }
        }
    }
}

fn secrets(r: &Report, rows: &[Row<'_>]) -> Markup {
    html! {
        @if !r.secrets.is_empty() {
            section #secrets {
                h2 { "Secrets (" (r.secrets.len()) ", redacted)" }
                p.note { "Only the first and last characters and the SHA-256 of the exact value are shown; a holder of the value can confirm it by hashing." }
                table.list {
                    thead { tr { th { "Kind" } th { "Preview" } th { "SHA-256 of the value" } th { "Evidence" } } }
                    tbody { @for s in &r.secrets {
                        tr { td { (s.kind) } td { code { (s.preview) } } td.hash { (s.sha256) } td { (evidence_link(rows, &s.locations)) } }
                    } }
                }
            }
        }
    }
}

fn signing(r: &Report) -> Markup {
    html! {
        section #signing {
            h2 { "Signing" }
            @if r.signing.is_empty() { p.none { "Unsigned." } } @else {
                table.list {
                    thead { tr { th { "Scheme" } th { "Subject" } th { "Certificate SHA-256" } } }
                    tbody { @for c in &r.signing {
                        tr { td { (c.scheme) } td { (c.subject) @if let Some(cc) = &c.country { " " span.cc { (cc) } } } td.hash { (c.sha256) } }
                    } }
                }
            }
        }
    }
}

fn flag(v: Option<bool>, bad_when: bool) -> Markup {
    html! {
        @match v {
            Some(b) if b == bad_when => span.tag.tag-bad { (if b { "yes" } else { "no" }) },
            Some(b) => span.tag { (if b { "yes" } else { "no" }) },
            None => span.none { "—" },
        }
    }
}

fn security(r: &Report) -> Markup {
    let s = &r.security;
    html! {
        section #security {
            h2 { "Security" }
            table.kv {
                @if r.app.platform.as_deref() == Some("ios") {
                    tr { th { "Plain HTTP allowed everywhere (ATS off)" } td { (flag(s.ats_arbitrary_loads, true)) } }
                    tr { th { "Binary encrypted (FairPlay)" } td { (flag(s.encrypted, true)) } }
                } @else {
                    tr { th { "Debuggable" } td { (flag(s.debuggable, true)) } }
                    tr { th { "Backup allowed" } td { (flag(s.allow_backup, true)) } }
                    tr { th { "Plain HTTP allowed" } td { (flag(s.cleartext, true)) } }
                    tr { th { "User-installed CAs trusted" } td { (flag(s.user_certs_trusted, true)) } }
                    @if !s.cleartext_domains.is_empty() {
                        tr { th { "Plain HTTP domains" } td { @for d in &s.cleartext_domains { code { (d) } " " } } }
                    }
                    tr { th { "Android would read it" } td {
                        @match r.installable.android_accepts {
                            Some(true) => "yes",
                            Some(false) => span.tag.tag-bad { "no" },
                            None => "—",
                        }
                        @for reason in &r.installable.reasons { br; (reason) }
                    } }
                }
            }
            @if !r.packers.is_empty() {
                p.bad { "Packed or protected code: " @for p in &r.packers { strong { (p.name) } " (" (p.vendor) ") " } "— the code seen may be only a loader; findings can be incomplete." }
            }
        }
    }
}

fn privacy(r: &Report) -> Markup {
    html! {
        @if let Some(pm) = &r.privacy_manifest {
            section #privacy {
                h2 { "iOS privacy manifest checks" }
                table.kv {
                    tr { th { "Declares tracking" } td { (if pm.tracking { "yes" } else { "no" }) } }
                    tr { th { "Declared tracking domains" } td { @for d in &pm.tracking_domains { code { (d) } " " } } }
                    tr { th { "Tracking hosts NOT declared" } td { @if pm.undeclared_tracking_domains.is_empty() { "none" } @for d in &pm.undeclared_tracking_domains { span.tag.tag-bad { (d) } " " } } }
                    tr { th { "Required-reason APIs used without a reason" } td {
                        @if pm.undeclared_api_categories.is_empty() { "none" }
                        @for u in &pm.undeclared_api_categories { span.tag.tag-bad { (u.category) } " " (u.apis.join(", ")) br; }
                    } }
                    tr { th { "SDKs shipped without their own manifest" } td { @if pm.sdks_without_manifest.is_empty() { "none" } (pm.sdks_without_manifest.join(", ")) } }
                    tr { th { "Collected data types" } td { @for c in &pm.collected_data_types { code { (c.data_type) } @if c.tracking { " (tracking)" } " " } } }
                    tr { th { "Manifests" } td { @for f in &pm.files { span.path { (f) } br; } } }
                }
            }
        }
    }
}

fn warnings(r: &Report) -> Markup {
    html! {
        @if !r.warnings.is_empty() {
            section #warnings {
                h2 { "Warnings (" (r.warnings.len()) ")" }
                p.note { "Parts of the package that were damaged, unusual or not read; the rest was still inspected." }
                ul.warn { @for w in &r.warnings { li { @if !w.path.is_empty() { span.path { (w.path) } ": " } (w.message) } } }
            }
        }
    }
}

fn appendix(r: &Report, rows: &[Row<'_>]) -> Markup {
    let is_dir = r.input.format == "apk-dir";
    html! {
        section #evidence {
            h2 { "Evidence appendix (" (rows.len()) " locations)" }
            p.note {
                "Each row: the finding, the entry inside the package and the byte offset in it (decompressed), the SHA-256 of that whole entry, and the "
                (EXCERPT_LEN) " bytes that start at the offset, as hex and as text (dots for unprintable bytes). "
                "The command under each row prints the same bytes from the package with standard tools (unzip, dd, od)."
            }
            @if rows.is_empty() { p.none { "No located evidence." } } @else {
                table.evidence {
                    colgroup { col.c-num; col.c-where; col.c-bytes; }
                    thead { tr { th.num { "#" } th { "Finding · entry @ offset · entry SHA-256" } th { "Bytes at the offset, and how to print them" } } }
                    tbody {
                        @for (i, row) in rows.iter().enumerate() {
                            @let n = i + 1;
                            @let off = row.loc.offset.unwrap_or(0);
                            tr.ev id={ "ev-" (n) } data-offset=(off) {
                                td.num { (n) }
                                td.loc-cell {
                                    div.finding { (row.finding) }
                                    div { span.path { (row.loc.path) } " @ " span.offset { (off) } }
                                    @if let Some(h) = &row.loc.entry_sha256 { div.hash.small { (h) } }
                                }
                                td.bytes {
                                    @if let Some(x) = &row.loc.excerpt {
                                        code.ascii { (x.ascii) } br;
                                        code.hex { (spaced_hex(&x.hex)) }
                                        br; code.cmd { "$ " (check_command(&r.input.path, is_dir, &row.loc.path, off, x.length)) }
                                    } @else {
                                        span.none { "entry could not be read again" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
