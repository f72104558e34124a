//! HTML renderer: one self-contained page a regulator can file — inline CSS
//! and SVG only (no scripts, fonts or images fetched), readable offline,
//! printable to A4, written for a reader who has never seen telltale.
//! Headline first (trackers vs libraries, companies by country with country
//! names, state-owned companies), a worked "check it yourself" example, then
//! "who reads what and sends where" per SDK, what the code reads (in plain
//! words), the manifest, endpoints, secrets (redacted), signing, security,
//! iOS privacy manifest checks, warnings, where the report comes from, and an
//! evidence appendix. Every located finding carries a "check it yourself"
//! line (entry, offset, entry SHA-256 and the `xxd` command that prints the
//! bytes); every appendix row also the POSIX `dd | od` line. Only reads the
//! model.

use crate::report::bytes::{
    EXCERPT_LEN, check_command, encoded_len, hash_command, spaced_hex, xxd_command,
};
use crate::report::labels;
use crate::report::model::{Endpoint, Evidence, IdentifierApi, Location, Owner, Report, Sdk};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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

/// Every location with an offset and an excerpt, in report order: SDK
/// evidence, endpoints, identifier reads. Secrets have no excerpt (their
/// bytes are the value): the secrets table shows where they are. The index is the row number (`#ev-N`).
fn evidence_rows(r: &Report) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for s in &r.sdks {
        for e in &s.evidence {
            if let Some(l) = e.location.as_ref().filter(|l| l.excerpt.is_some()) {
                let what = e.matched.as_deref().unwrap_or(&e.detail);
                rows.push(Row {
                    finding: format!("SDK {}: {} {what}", s.name, e.kind),
                    loc: l,
                });
            }
        }
    }
    for e in &r.endpoints {
        for l in e.locations.iter().filter(|l| l.excerpt.is_some()) {
            rows.push(Row {
                finding: format!("endpoint {}", e.host),
                loc: l,
            });
        }
    }
    for i in &r.identifier_apis {
        for l in i.locations.iter().filter(|l| l.excerpt.is_some()) {
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

/// Owner name, country name and state-owned flag; the parent only when
/// `parent`.
fn owner_with(owner: &Option<Owner>, parent: bool) -> Markup {
    html! {
        @match owner {
            Some(o) => {
                span.owner { (o.name) }
                @if let Some(c) = &o.country { " " (country_tag(c)) }
                @if o.state_owned == Some(true) {
                    " " span.state { "state-owned" }
                    @if parent { @if let Some(p) = &o.parent { span.parent { " (owned by " (p) ")" } } }
                }
            }
            None => span.unknown { "company unknown" },
        }
    }
}

/// A country as its name, the ISO code kept in a tooltip.
fn country_tag(code: &str) -> Markup {
    html! { span.cc title=(code) { (labels::country(code)) } }
}

/// The first evidence item of an SDK located at an offset.
fn located_evidence(s: &Sdk) -> Option<(&Evidence, &Location, u64)> {
    s.evidence.iter().find_map(|e| {
        let l = e.location.as_ref()?;
        Some((e, l, l.offset?))
    })
}

/// Shortened hash for inline lines (the appendix has it whole).
fn short_hash(h: &str) -> String {
    if h.len() > 16 {
        format!("{}…", &h[..16])
    } else {
        h.to_string()
    }
}

/// "Check it yourself": the command that prints `count` bytes of `loc` at
/// its offset, what it shows, the entry and its hash.
fn check_line(r: &Report, loc: &Location, count: u64, shows: &str) -> Markup {
    let is_dir = r.input.format == "apk-dir";
    let off = loc.offset.unwrap_or(0);
    html! {
        div.check {
            span.check-label { "Check it yourself: " }
            code.cmd { "$ " (xxd_command(&r.input.path, is_dir, &loc.path, off, count)) }
            " prints " code.shows { (shows) }
            " — entry " span.path { (loc.path) } " at byte " (off)
            @if let Some(h) = &loc.entry_sha256 { ", entry SHA-256 " span.hash { (short_hash(h)) } }
        }
    }
}

/// The check line of an SDK: its first located evidence item.
fn sdk_check(r: &Report, s: &Sdk) -> Markup {
    html! {
        @if let Some((e, l, _)) = located_evidence(s) {
            @let text = e.matched.as_deref().unwrap_or(&e.detail);
            @let count = encoded_len(text, e.encoding.as_deref());
            @let shows = match e.encoding.as_deref() {
                Some(enc) => format!("{text} (as {enc}: a dot between letters)"),
                None => text.to_string(),
            };
            (check_line(r, l, count, &shows))
        }
    }
}

/// The check line of an endpoint (its first located place): the run of
/// printable bytes from the offset that holds the host, else the excerpt.
fn endpoint_check(r: &Report, e: &Endpoint) -> Markup {
    let first = e
        .locations
        .iter()
        .find_map(|l| Some((l, l.excerpt.as_ref()?)));
    let Some((l, x)) = first else {
        return html! {};
    };
    let run = x
        .hex
        .as_bytes()
        .chunks(2)
        .map_while(|c| {
            let b = u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok()?;
            (0x20..0x7f).contains(&b).then_some(b as char)
        })
        .collect::<String>();
    let (count, shows) = if run
        .to_ascii_lowercase()
        .contains(&e.host.to_ascii_lowercase())
    {
        (run.len() as u64, run)
    } else {
        (x.length, x.ascii.clone())
    };
    check_line(r, l, count, &shows)
}

fn evidence_link<'a>(rows: &[Row<'_>], locs: impl IntoIterator<Item = &'a Location>) -> Markup {
    let locs: Vec<&Location> = locs.into_iter().collect();
    let first = locs.iter().find_map(|l| first_row_of(rows, l));
    html! {
        @if let Some(n) = first {
            a.evref href={ "#ev-" (n) } { "evidence #" (n) }
        } @else if let Some(l) = locs.first() {
            span.path { (l.path) }
        }
    }
}

/// [`render`] with the words for codes (country names, identifier
/// categories) of the knowledge folder the report was made with
/// (`--knowledge DIR`; `None`: the built-in copy).
pub fn render_with_knowledge(r: &Report, knowledge_dir: Option<&Path>) -> Result<String, String> {
    match knowledge_dir {
        Some(dir) => Ok(labels::scoped(labels::from_dir(dir)?, || render(r))),
        None => Ok(render(r)),
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
                    (how_to_check(r))
                    (flows(r, &rows))
                    (reads(r, &rows))
                    (sdk_table(r, &rows))
                    (permissions(r))
                    (components(r))
                    (personal_data(r, &rows))
                    (endpoints(r, &rows))
                    (secrets(r))
                    (signing(r))
                    (security(r))
                    (privacy(r))
                    (warnings(r))
                    (about(r))
                    (appendix(r, &rows))
                }
            }
        }
    };
    page.into_string()
}

fn header(r: &Report, title: &str) -> Markup {
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
                tr { th { "Its SHA-256" } td.hash { (r.input.sha256) } }
            }
            p.how {
                "What this is: telltale opened the package file above without running it and looked for code of known third-party SDKs "
                "(software kits from other companies), the device data their code reads and the servers it names. "
                "Every finding says where in the package it was seen, and how to check it yourself with standard tools; "
                a href="#about" { "where this report comes from" } " is at the end."
            }
        }
    }
}

/// Distinct companies (SDK and endpoint owners) by country, and the
/// state-owned ones with what they own in this app.
struct Companies {
    by_country: Vec<(String, BTreeSet<String>)>,
    state: BTreeMap<String, StateOwned>,
}

#[derive(Default)]
struct StateOwned {
    country: Option<String>,
    parent: Option<String>,
    sdks: BTreeSet<String>,
    hosts: BTreeSet<String>,
}

fn companies(r: &Report) -> Companies {
    let mut by_country: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut state: BTreeMap<String, StateOwned> = BTreeMap::new();
    let owners = r
        .sdks
        .iter()
        .map(|s| (&s.owner, Some(&s.name), None))
        .chain(r.endpoints.iter().map(|e| (&e.owner, None, Some(&e.host))));
    for (owner, sdk, host) in owners {
        let Some(o) = owner else { continue };
        by_country
            .entry(o.country.clone().unwrap_or_else(|| "?".into()))
            .or_default()
            .insert(o.name.clone());
        if o.state_owned == Some(true) {
            let st = state.entry(o.name.clone()).or_default();
            st.country = o.country.clone();
            st.parent = o.parent.clone();
            st.sdks.extend(sdk.cloned());
            st.hosts.extend(host.cloned());
        }
    }
    let mut by_country: Vec<(String, BTreeSet<String>)> = by_country.into_iter().collect();
    by_country.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    Companies { by_country, state }
}

/// "China, United States and France".
fn country_list(codes: &[&str]) -> String {
    let names: Vec<String> = codes.iter().map(|c| labels::country(c)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn headline(r: &Report) -> Markup {
    let h = Headline::of(r);
    let max = h
        .companies
        .by_country
        .iter()
        .map(|c| c.1.len())
        .max()
        .unwrap_or(1)
        .max(1);
    html! {
        section #headline {
            h2 { "In short" }
            (headline_summary(r, &h))
            (headline_tiles(r, &h))
            (state_owned_alert(&h.companies.state))
            @if !h.companies.by_country.is_empty() {
                h3 { "Companies by country" }
                (country_chart(&h.companies.by_country, max))
            }
            (tracker_list(&h.trackers))
        }
    }
}

/// The headline's counts, counted like the text report: SDKs whose code
/// ships in the package; those only declared in the manifest or referenced
/// are named apart.
struct Headline<'r> {
    shipped: usize,
    trackers: Vec<&'r Sdk>,
    libraries: usize,
    not_shipped: usize,
    companies: Companies,
    dangerous: usize,
    categories: BTreeSet<&'r str>,
}

impl<'r> Headline<'r> {
    fn of(r: &'r Report) -> Headline<'r> {
        let shipped: Vec<&Sdk> = r
            .sdks
            .iter()
            .filter(|s| s.found != "declared" && s.found != "referenced")
            .collect();
        let trackers: Vec<&Sdk> = shipped.iter().copied().filter(|s| is_tracker(s)).collect();
        Headline {
            shipped: shipped.len(),
            libraries: shipped.len() - trackers.len(),
            not_shipped: r.sdks.len() - shipped.len(),
            trackers,
            companies: companies(r),
            dangerous: r.permissions.iter().filter(|p| p.is_dangerous()).count(),
            categories: r
                .identifier_apis
                .iter()
                .map(|i| i.category.as_str())
                .collect(),
        }
    }
}

/// The headline's one paragraph.
fn headline_summary(r: &Report, h: &Headline<'_>) -> Markup {
    let Headline {
        shipped,
        trackers,
        libraries,
        not_shipped,
        companies: Companies { by_country, state },
        dangerous,
        categories,
    } = h;
    let (shipped, libraries, not_shipped, dangerous) =
        (*shipped, *libraries, *not_shipped, *dangerous);
    let company_count: usize = by_country.iter().map(|c| c.1.len()).sum();
    let codes: Vec<&str> = by_country
        .iter()
        .map(|c| c.0.as_str())
        .filter(|c| *c != "?")
        .collect();
    html! {
        p.summary {
            "The app's code contains " strong { (plural(shipped, "third-party SDK", "third-party SDKs")) }
            @if shipped > 0 {
                " (" strong { (plural(trackers.len(), "tracker", "trackers")) } ", " (plural(libraries, "other library", "other libraries")) ")"
            }
            @if not_shipped > 0 {
                "; " (plural(not_shipped, "more SDK is", "more SDKs are")) " only declared in the manifest or referenced by the code, without its code"
            }
            ". Together with the servers named in the code they belong to "
            strong { (plural(company_count, "known company", "known companies")) }
            @if !codes.is_empty() { " based in " (country_list(&codes)) }
            "."
            @if !state.is_empty() {
                " " strong.bad { (plural(state.len(), "of these companies is", "of these companies are")) " owned by a state" } ": "
                (state.keys().cloned().collect::<Vec<_>>().join(", ")) "."
            }
            " Its code reads " strong { (plural(categories.len(), "kind of device data", "kinds of device data")) }
            " (" (plural(r.identifier_apis.len(), "API", "APIs")) ") and names "
            (plural(r.endpoints.len(), "server", "servers"))
            @if r.app.platform.as_deref() != Some("ios") {
                "; the app asks for " (plural(dangerous, "dangerous permission", "dangerous permissions"))
            }
            "."
        }
    }
}

/// The headline's count tiles.
fn headline_tiles(r: &Report, h: &Headline<'_>) -> Markup {
    let Headline {
        trackers,
        libraries,
        companies: Companies { state, .. },
        categories,
        ..
    } = h;
    html! {
        div.tiles {
            div.tile.t-bad { b { (trackers.len()) } span { "trackers" } }
            div.tile { b { (libraries) } span { "other libraries" } }
            div.tile.t-bad { b { (state.len()) } span { "state-owned companies" } }
            div.tile { b { (categories.len()) } span { "kinds of device data read" } }
            div.tile { b { (r.endpoints.len()) } span { "servers named" } }
            div.tile { b { (r.secrets.len()) } span { "secrets" } }
        }
    }
}

/// The state-owned companies, each with its SDKs and servers in the app.
fn state_owned_alert(state: &BTreeMap<String, StateOwned>) -> Markup {
    html! {
        @if !state.is_empty() {
            div.alert {
                h3 { "State-owned companies" }
                p.note { "Companies whose owner is a state (a government or a government agency), as recorded in telltale's knowledge base with its source." }
                ul.state-list {
                    @for (name, st) in state {
                        li {
                            span.state { "state-owned" } " " strong { (name) }
                            @if let Some(c) = &st.country { " — " (labels::country(c)) }
                            @if let Some(p) = &st.parent { ", owned by " (p) }
                            @if !st.sdks.is_empty() { br; "its SDK in this app: " strong { (st.sdks.iter().cloned().collect::<Vec<_>>().join(", ")) } }
                            @if !st.hosts.is_empty() { br; "its servers named in the code: " @for (i, h) in st.hosts.iter().enumerate() { @if i > 0 { ", " } code.host { (h) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The tracker SDKs with their owners.
fn tracker_list(trackers: &[&Sdk]) -> Markup {
    html! {
        @if !trackers.is_empty() {
            h3 { "Trackers" }
            p.note { "SDKs whose purpose is analytics, advertising, attribution, crash reporting or similar: they collect data about the people using the app." }
            p { @for (i, s) in trackers.iter().enumerate() {
                @if i > 0 { ", " }
                strong { (s.name) } " (" (owner_plain(&s.owner)) ")"
            } }
        }
    }
}

/// A worked example: how to re-check one finding with standard tools.
fn how_to_check(r: &Report) -> Markup {
    let is_dir = r.input.format == "apk-dir";
    let example = r.sdks.iter().find_map(|s| {
        let (e, l, off) = located_evidence(s)?;
        let text = e.matched.as_deref().unwrap_or(&e.detail);
        Some((s, e, l, off, text))
    });
    let pkg = &r.input.path;
    html! {
        section #check {
            h2 { "Check it yourself" }
            p.note {
                "You do not need to trust this tool. A package is a ZIP file; each finding names an "
                strong { "entry" } " (a file inside it; " code { "a!b" } " is entry b inside the inner package a), a "
                strong { "byte offset" } " in that entry once unpacked, and the entry's SHA-256 fingerprint. "
                "With " code { "unzip" } ", " code { "sha256sum" } " and " code { "xxd" } " (or " code { "dd" } " and " code { "od" } ") anyone can print the same bytes; "
                code { "xxd -d" } " counts offsets in decimal, as this report does."
            }
            @if let Some((s, e, l, off, text)) = example {
                ol.steps {
                    li { "The package is the one described here: " br;
                        code.cmd { "$ sha256sum " (pkg) } br; "prints " span.hash { (r.input.sha256) } }
                    @if let Some(h) = &l.entry_sha256 {
                        li { "The entry " span.path { (l.path) } " is unchanged: " br;
                            code.cmd { "$ " (hash_command(pkg, is_dir, &l.path)) } br; "prints " span.hash { (h) } }
                    }
                    li { "The bytes at the offset are what the finding says (here: why " strong { (s.name) } " was found, "
                        (e.kind) " evidence): " br;
                        code.cmd { "$ " (xxd_command(pkg, is_dir, &l.path, off, encoded_len(text, e.encoding.as_deref()))) } br;
                        "prints " code.shows { (text) }
                        @if let Some(enc) = &e.encoding { " (as " (enc) ", so with a dot between letters)" }
                        @if l.path.ends_with(".dex") && text.starts_with('L') {
                            ". In a DEX file a class " code { "com.x.Y" } " is stored as " code { "Lcom/x/Y;" } "."
                        }
                    }
                }
            }
            p.note {
                "Every finding below has such a line; the evidence appendix lists every location with the bytes as text and hex. "
                code { "telltale verify REPORT.json " (pkg) } " re-checks all of them at once from the JSON report."
            }
        }
    }
}

fn owner_plain(owner: &Option<Owner>) -> String {
    match owner {
        Some(o) => match &o.country {
            Some(c) => format!("{}, {}", o.name, labels::country(c)),
            None => o.name.clone(),
        },
        None => "company unknown".into(),
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
                    td.cc-cell { @if cc == "?" { span.unknown { "country unknown" } } @else { (labels::country(cc)) } }
                    td.bar-cell {
                        svg width="164" height="16" viewBox="0 0 164 16" role="img" aria-label={ (names.len()) " companies" } {
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
            p.note { "For each SDK: the company behind it → the device data its code reads (the API and the classes that call it) → the servers its code names. A server named in the code shows where the SDK can send data; it does not prove that it did. State-owned companies come first (red), then trackers (orange)." }
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
    r: &Report,
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
                        "Found by: "
                        @for (i, e) in s.evidence.iter().take(3).enumerate() {
                            @if i > 0 { "; " }
                            (e.kind) " " code { (clip(&e.detail, 70)) } " in " span.path { (e.path) }
                            @if let Some(l) = &e.location { " " (evidence_link(rows, [l])) }
                        }
                        " (" (s.evidence_count) " matches in all)"
                    }
                }
            }
            div.arrow { "→" }
            div.reads {
                h4 { "Reads" }
                @if reads.is_empty() { p.none { "no device-data API found in its code" } }
                ul {
                    @for i in reads {
                        li {
                            strong { (category_words(&i.category)) } br;
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
                h4 { "Servers its code names" }
                @if sends.is_empty() { p.none { "no server attributed" } }
                ul {
                    @for e in sends {
                        li {
                            code.host { (e.host) } " " (owner_with(&e.owner, false)) " " (evidence_link(rows, &e.locations))
                        }
                    }
                }
            }
            @if let Some(s) = sdk { div.card-check { (sdk_check(r, s)) } }
        }
    }
}

/// What reading `category` tells the app, in plain words.
fn category_words(category: &str) -> String {
    match labels::identifier_category(category) {
        Some(w) => {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        None => category.to_string(),
    }
}

/// Display names of the places that call an API (`app` = the app's own code).
fn callers_named(r: &Report, ids: &[String]) -> String {
    let names: Vec<String> = ids
        .iter()
        .map(|id| match id.as_str() {
            "app" => "the app's own code".to_string(),
            "other" => "other code".to_string(),
            _ => r
                .sdks
                .iter()
                .find(|s| &s.id == id)
                .map_or_else(|| id.clone(), |s| s.name.clone()),
        })
        .collect();
    if names.is_empty() {
        "code not attributed to a known SDK".into()
    } else {
        names.join(", ")
    }
}

/// The check line of an identifier read. In a DEX file the offset is the
/// calling instruction: its first 4 bytes name the opcode and the method
/// (or field) index, which `dexdump -d` shows at the same place.
fn read_check(r: &Report, locs: &[Location]) -> Markup {
    let first = locs
        .iter()
        .find_map(|l| Some((l, l.offset?, l.excerpt.as_ref()?)));
    let Some((l, _, x)) = first else {
        return html! {};
    };
    let bytes: Vec<u8> = (0..x.hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(x.hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    match bytes.as_slice() {
        [op, _, lo, hi, ..] if l.path.ends_with(".dex") => {
            let index = u16::from(*lo) | (u16::from(*hi) << 8);
            let what = match op {
                0x6e..=0x72 | 0x74..=0x78 => {
                    format!("a call (invoke, opcode {op:02x}) of method #{index}")
                }
                0x52..=0x6d => format!("a field access (opcode {op:02x}) of field #{index}"),
                _ => format!("an instruction (opcode {op:02x}) referring to #{index}"),
            };
            let shows = format!(
                "{} — {what} of this DEX file; dexdump -d lists the same instruction at {:06x} (hex)",
                spaced_hex(&x.hex[..8]),
                l.offset.unwrap_or(0)
            );
            check_line(r, l, 4, &shows)
        }
        _ => check_line(r, l, x.length, &x.ascii),
    }
}

/// What the code reads, by kind of data, in plain words.
fn reads(r: &Report, rows: &[Row<'_>]) -> Markup {
    let mut by_cat: BTreeMap<&str, Vec<&IdentifierApi>> = BTreeMap::new();
    for i in &r.identifier_apis {
        by_cat.entry(i.category.as_str()).or_default().push(i);
    }
    html! {
        section #reads {
            h2 { "What the code reads (" (by_cat.len()) " kinds of device data)" }
            p.note { "APIs that reveal who or where the user is, or fingerprint the device. Reading one is evidence the code can collect it, not that it was sent." }
            @if by_cat.is_empty() { p.none { "No device-data API found." } } @else {
                table.list {
                    thead { tr { th { "API the code calls" } th { "Called by" } th { "Evidence" } } }
                    tbody {
                        @for (cat, apis) in &by_cat {
                            tr.cat-row { td colspan="3" { strong { (category_words(cat)) } " " span.tag.tag-read { (cat) } } }
                            @for i in apis {
                                tr.read-row {
                                    td { code { (i.api) } }
                                    td { (callers_named(r, &i.sdks))
                                        @if !i.callers.is_empty() { br; span.callers { (i.callers.iter().take(3).cloned().collect::<Vec<_>>().join(", ")) @if i.callers.len() > 3 { " and " (i.callers.len() - 3) " more" } } } }
                                    td { (evidence_link(rows, &i.locations)) }
                                }
                                @if i.locations.iter().any(|l| l.excerpt.is_some()) {
                                    tr.check-row { td colspan="3" { (read_check(r, &i.locations)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn sdk_table(r: &Report, rows: &[Row<'_>]) -> Markup {
    html! {
        section #sdks {
            h2 { "All SDKs (" (r.sdks.len()) ")" }
            p.note { "How each was found: " strong { "bundled" } " (its code ships in the app), " strong { "repackaged" } " (its code ships renamed), "
                strong { "declared" } " (only named in the manifest), " strong { "referenced" } " (the app calls it without shipping it)." }
            @if r.sdks.is_empty() { p.none { "No known SDK found." } } @else {
                table.list {
                    thead { tr { th { "SDK" } th { "Kind" } th { "Company" } th { "Categories" } th.num { "Matches" } th { "Evidence" } } }
                    tbody {
                        @for s in &r.sdks {
                            tr class={ "sdk-row" @if state_owned(&s.owner) { " danger" } } data-sdk=(s.id) {
                                td { strong { (s.name) } br; code.small { (s.id) } }
                                td { @if is_tracker(s) { span.tag.tag-bad { "tracker" } } @else { span.tag { "library" } } br; span.small { (s.found) } }
                                td { (owner_line(&s.owner)) }
                                td { (s.categories.join(", ")) }
                                td.num { (s.evidence_count) }
                                td { (evidence_link(rows, s.evidence.iter().filter_map(|e| e.location.as_ref()))) }
                            }
                            @if located_evidence(s).is_some() {
                                tr.check-row { td colspan="6" { (sdk_check(r, s)) } }
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
            h2 { "Servers named in the code (" (r.endpoints.len()) ")" }
            p.note { "Host names and addresses written into the app's code and files (endpoints). State-owned companies' servers are shaded red." }
            @if r.endpoints.is_empty() { p.none { "No hard-coded endpoint found." } } @else {
                table.list {
                    thead { tr { th { "Server" } th { "Company" } th { "SDK whose code names it" } th.num { "Places" } th { "Evidence" } } }
                    tbody {
                        @for e in &r.endpoints {
                            tr class={ "endpoint-row" @if state_owned(&e.owner) { " danger" } } {
                                td { code.host { (e.host) }
                                    @if let Some(u) = e.urls.first() { br; code.small { (u) } @if e.urls.len() > 1 { " +" (e.urls.len() - 1) } } }
                                td { (owner_line(&e.owner)) }
                                td { (if e.sdks.is_empty() { "—".to_string() } else { callers_named(r, &e.sdks) }) }
                                td.num { (e.locations_total.max(e.locations.len())) }
                                td { (evidence_link(rows, &e.locations)) }
                            }
                            @if e.locations.iter().any(|l| l.excerpt.is_some()) {
                                tr.check-row { td colspan="5" { (endpoint_check(r, e)) } }
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

fn secrets(r: &Report) -> Markup {
    html! {
        @if !r.secrets.is_empty() {
            section #secrets {
                h2 { "Secrets (" (r.secrets.len()) ", redacted)" }
                p.note { "Only the first and last characters and the SHA-256 of the exact value are shown, here and in the JSON report (no bytes are excerpted); a holder of the value can confirm it by hashing, and "
                    code { "telltale verify" } " finds bytes with that SHA-256 at the offset." }
                table.list {
                    thead { tr { th { "Kind" } th { "Preview" } th { "SHA-256 of the value" } th { "Where (entry @ offset)" } } }
                    tbody { @for s in &r.secrets {
                        tr { td { (s.kind) } td { code { (s.preview) } } td.hash { (s.sha256) }
                             td { @for (i, l) in s.locations.iter().take(3).enumerate() {
                                 @if i > 0 { br; }
                                 span.path { (l.path) } @if let Some(o) = l.offset { " @ " (o) }
                             }
                             @if s.locations_total.max(s.locations.len()) > 3 { br; "and " (s.locations_total.max(s.locations.len()) - 3) " more" } } }
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
                        tr { td { (c.scheme) } td { (c.subject) @if let Some(cc) = &c.country { " " (country_tag(cc)) } } td.hash { (c.sha256) } }
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

/// Where the report comes from: the input, the tool, its knowledge base,
/// the options and the time.
fn about(r: &Report) -> Markup {
    let p = r.provenance.as_ref();
    html! {
        section #about {
            h2 { "Where this report comes from" }
            table.prov {
                tr { th { "Package file" } td { span.path { (r.input.path) } " · " (r.input.format) " · " (r.input.size) " bytes" } }
                tr { th { "SHA-256" } td.hash { (r.input.sha256) } }
                @if let Some(p) = p {
                    @for m in &p.members {
                        tr { th { "member" } td { span.path { (m.name) } " · " (m.size) " bytes · " span.hash { (m.sha256) } } }
                    }
                    tr { th { "Made by" } td { (p.tool_name) " " (p.tool_version) " · source commit " span.hash { (p.source_commit) } } }
                    tr { th { "Knowledge base" } td { (p.knowledge_version.as_deref().unwrap_or("-")) " · sha256 " span.hash { (p.knowledge_sha256.as_deref().unwrap_or("-")) } br;
                        span.small { "the SDK signatures, company owners and API lists this report was made with" } } }
                    tr { th { "Options" } td { @for (k, v) in &p.options { code { (k) "=" (v) } " " } } }
                    tr { th { "Analysed" } td {
                        @match (&p.analysed_at, &p.time_source) {
                            (Some(at), Some(src)) => { (at) " (" (src) ")" }
                            _ => { "time not stated: the same package and knowledge base always give this same report" }
                        }
                    } }
                }
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
                "The two commands under each row print the same bytes from the package with standard tools (unzip and xxd, or unzip, dd and od)."
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
                                        br; code.cmd { "$ " (xxd_command(&r.input.path, is_dir, &row.loc.path, off, x.length)) }
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
