//! Prevalence statistics over a store (`telltale stats DB`): share of apps
//! with each SDK and category, trackers per app, SDK owners by country and
//! state ownership, apps whose code talks to hosts of state-owned
//! companies, identifier and personal-data reads by SDK, top endpoints —
//! optionally per chart label. Computed here from the normalised rows, so
//! every engine gives the same numbers; rendered as text, CSV, JSON or one
//! self-contained HTML page with inline SVG bar charts.

use super::store::{Dataset, StoredRun};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Rows kept per section in text and HTML output.
const SHOWN_ROWS: usize = 25;
/// Rows kept in the top-endpoints section in every format.
const TOP_ENDPOINTS: usize = 50;

/// One line of a section: how many apps have `key` (with `detail`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub key: String,
    pub detail: String,
    pub apps: usize,
    /// `apps` over the group's inspected apps.
    pub share: f64,
}

/// One group of apps (all, or one value of the `--by` label).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    pub label: String,
    /// Apps with a report.
    pub apps: usize,
    /// Apps whose inspection failed.
    pub failed: usize,
    /// Apps not inspected yet.
    pub pending: usize,
    pub sections: BTreeMap<String, Vec<Row>>,
}

/// The statistics of a store.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    pub by: Option<String>,
    pub groups: Vec<Group>,
}

/// Section names and titles, in output order.
pub const SECTIONS: &[(&str, &str)] = &[
    ("sdks", "Apps with each SDK"),
    ("categories", "Apps with an SDK of each category"),
    ("trackers_per_app", "Tracker SDKs per app"),
    (
        "owner_countries",
        "Apps with an SDK owned from each country (state-owned or not)",
    ),
    (
        "state_owned_hosts",
        "Apps embedding code that talks to hosts of state-owned companies",
    ),
    (
        "identifier_reads",
        "Apps reading identifiers and personal data, by SDK",
    ),
    ("endpoint_owners", "Apps talking to hosts of each owner"),
    ("top_endpoints", "Top endpoints (owner, country)"),
];

fn ownership(state: Option<bool>) -> &'static str {
    match state {
        Some(true) => "state-owned",
        Some(false) => "private",
        None => "ownership unknown",
    }
}

/// Counts, per (key, detail), the apps (runs) that have it at least once.
#[derive(Default)]
struct Counter(BTreeMap<(String, String), BTreeSet<i64>>);

impl Counter {
    fn add(&mut self, run: i64, key: impl Into<String>, detail: impl Into<String>) {
        self.0
            .entry((key.into(), detail.into()))
            .or_default()
            .insert(run);
    }

    fn rows(self, total: usize, limit: Option<usize>) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .0
            .into_iter()
            .map(|((key, detail), runs)| Row {
                apps: runs.len(),
                share: if total == 0 {
                    0.0
                } else {
                    runs.len() as f64 / total as f64
                },
                key,
                detail,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.apps
                .cmp(&a.apps)
                .then_with(|| a.key.cmp(&b.key))
                .then_with(|| a.detail.cmp(&b.detail))
        });
        if let Some(l) = limit {
            rows.truncate(l);
        }
        rows
    }
}

fn group_stats(
    label: String,
    runs: &[&StoredRun],
    (failed, pending): (usize, usize),
    trackers: &BTreeSet<String>,
) -> Group {
    let mut counters = Counters::default();
    for run in runs {
        counters.add_sdks(run, trackers);
        counters.add_endpoints(run);
        counters.add_reads(run);
    }
    Group {
        label,
        apps: runs.len(),
        failed,
        pending,
        sections: counters.into_sections(runs.len()),
    }
}

/// The counts of one group, section by section.
#[derive(Default)]
struct Counters {
    sdks: Counter,
    cats: Counter,
    countries: Counter,
    state: Counter,
    reads: Counter,
    hosts: Counter,
    host_owners: Counter,
    /// Apps by their number of tracker SDKs.
    per_app: BTreeMap<usize, usize>,
}

impl Counters {
    /// SDKs (with their owners), categories and the tracker count of a run.
    fn add_sdks(&mut self, run: &StoredRun, trackers: &BTreeSet<String>) {
        let id = run.id;
        for (_, name, owner, country, state_owned) in &run.sdks {
            let who = match (owner, country) {
                (Some(o), Some(c)) => format!("{o} ({c})"),
                (Some(o), None) => o.clone(),
                _ => String::new(),
            };
            self.sdks.add(id, name.as_str(), who);
            if owner.is_some() || country.is_some() {
                self.countries.add(
                    id,
                    country.clone().unwrap_or_else(|| "unknown".into()),
                    ownership(*state_owned),
                );
            }
        }
        for (_, cat) in &run.categories {
            self.cats.add(id, cat.as_str(), "");
        }
        let tracker_sdks: BTreeSet<&str> = run
            .sdks
            .iter()
            .map(|(sdk, ..)| sdk.as_str())
            .filter(|sdk| trackers.contains(*sdk))
            .collect();
        *self.per_app.entry(tracker_sdks.len()).or_default() += 1;
    }

    /// Hosts, their owners, and state-owned owners of a run.
    fn add_endpoints(&mut self, run: &StoredRun) {
        let id = run.id;
        for (host, owner, country, state_owned, _) in &run.endpoints {
            let who = match (owner, country) {
                (Some(o), Some(c)) => format!("{o} ({c})"),
                (Some(o), None) => o.clone(),
                (None, Some(c)) => format!("({c})"),
                (None, None) => String::new(),
            };
            self.hosts.add(id, host.as_str(), who);
            if let Some(o) = owner {
                self.host_owners.add(
                    id,
                    o.as_str(),
                    country.clone().unwrap_or_else(|| "unknown".into()),
                );
            }
            if *state_owned == Some(true) {
                self.state.add(id, "(any state-owned company)", "");
                self.state.add(
                    id,
                    owner.clone().unwrap_or_default(),
                    country.clone().unwrap_or_default(),
                );
            }
        }
    }

    /// Identifier and personal-data reads of a run, by SDK name.
    fn add_reads(&mut self, run: &StoredRun) {
        let names: BTreeMap<&str, &str> = run
            .sdks
            .iter()
            .map(|(sdk, name, ..)| (sdk.as_str(), name.as_str()))
            .collect();
        let name_of = |sdk: &Option<String>| -> String {
            sdk.as_deref()
                .map(|s| names.get(s).copied().unwrap_or(s).to_string())
                .unwrap_or_else(|| "(app or unattributed)".into())
        };
        for (kind, _, category, sdk) in &run.reads {
            let what = match category {
                Some(c) => format!("{kind}: {c}"),
                None => kind.clone(),
            };
            self.reads.add(run.id, name_of(sdk), what);
        }
    }

    /// The sections' rows, shares over `total` apps.
    fn into_sections(self, total: usize) -> BTreeMap<String, Vec<Row>> {
        let mut sections = BTreeMap::new();
        sections.insert("sdks".to_string(), self.sdks.rows(total, None));
        sections.insert("categories".to_string(), self.cats.rows(total, None));
        sections.insert(
            "trackers_per_app".to_string(),
            distribution(&self.per_app, total),
        );
        sections.insert(
            "owner_countries".to_string(),
            self.countries.rows(total, None),
        );
        sections.insert(
            "state_owned_hosts".to_string(),
            self.state.rows(total, None),
        );
        sections.insert("identifier_reads".to_string(), self.reads.rows(total, None));
        sections.insert(
            "endpoint_owners".to_string(),
            self.host_owners.rows(total, None),
        );
        sections.insert(
            "top_endpoints".to_string(),
            self.hosts.rows(total, Some(TOP_ENDPOINTS)),
        );
        sections
    }
}

/// One row per tracker count from 0 to the largest: the apps with that many.
fn distribution(per_app: &BTreeMap<usize, usize>, total: usize) -> Vec<Row> {
    let max = per_app.keys().copied().max().unwrap_or(0);
    (0..=max)
        .map(|n| {
            let apps = per_app.get(&n).copied().unwrap_or(0);
            Row {
                key: n.to_string(),
                detail: String::new(),
                apps,
                share: if total == 0 {
                    0.0
                } else {
                    apps as f64 / total as f64
                },
            }
        })
        .collect()
}

/// Computes the statistics, per value of label `by` when given; the SDK ids
/// in `trackers` (those the knowledge base flags `tracker = true`) count as
/// trackers. An app is a distinct package
/// within its group.
pub fn compute(data: &Dataset, by: Option<&str>, trackers: &BTreeSet<String>) -> Stats {
    let mut groups: BTreeMap<String, BTreeSet<(String, Option<i64>)>> = BTreeMap::new();
    for app in &data.apps {
        let label = match by {
            None => "all".to_string(),
            Some(name) => app
                .labels
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "(no label)".into()),
        };
        groups
            .entry(label)
            .or_default()
            .insert((app.sha256.clone(), app.run));
    }
    if groups.is_empty() {
        groups.insert("all".into(), BTreeSet::new());
    }
    let groups = groups
        .into_iter()
        .map(|(label, packages)| {
            let mut ok = Vec::new();
            let (mut failed, mut pending) = (0, 0);
            for (_, run) in &packages {
                match run.and_then(|r| data.runs.get(&r)) {
                    Some(r) if r.status == "ok" => ok.push(r),
                    Some(_) => failed += 1,
                    None => pending += 1,
                }
            }
            group_stats(label, &ok, (failed, pending), trackers)
        })
        .collect();
    Stats {
        by: by.map(str::to_string),
        groups,
    }
}

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Plain-text tables.
pub fn render_text(stats: &Stats) -> String {
    let mut out = String::new();
    for g in &stats.groups {
        match &stats.by {
            Some(by) => out.push_str(&format!("== {by} = {} ", g.label)),
            None => out.push_str("== all apps "),
        }
        out.push_str(&format!(
            "({} inspected, {} failed, {} pending) ==\n",
            g.apps, g.failed, g.pending
        ));
        for (name, title) in SECTIONS {
            let rows = g.sections.get(*name).map(Vec::as_slice).unwrap_or(&[]);
            out.push_str(&format!("\n{title}\n"));
            if rows.is_empty() {
                out.push_str("  (none)\n");
            }
            let width = rows
                .iter()
                .take(SHOWN_ROWS)
                .map(|r| r.key.chars().count())
                .max()
                .unwrap_or(0);
            for r in rows.iter().take(SHOWN_ROWS) {
                let line = format!(
                    "  {:>5} {:>6}  {:width$}  {}",
                    r.apps,
                    pct(r.share),
                    r.key,
                    r.detail
                );
                out.push_str(line.trim_end());
                out.push('\n');
            }
            if rows.len() > SHOWN_ROWS {
                out.push_str(&format!(
                    "  … {} more (see --format csv)\n",
                    rows.len() - SHOWN_ROWS
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// Quotes one CSV field when needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One long table: `group,section,key,detail,apps,share`.
pub fn render_csv(stats: &Stats) -> String {
    let mut out = String::from("group,section,key,detail,apps,share\n");
    for g in &stats.groups {
        out.push_str(&format!(
            "{},apps,inspected,,{},1.0000\n{},apps,failed,,{},\n{},apps,pending,,{},\n",
            csv_field(&g.label),
            g.apps,
            csv_field(&g.label),
            g.failed,
            csv_field(&g.label),
            g.pending
        ));
        for (name, _) in SECTIONS {
            for r in g.sections.get(*name).map(Vec::as_slice).unwrap_or(&[]) {
                out.push_str(&format!(
                    "{},{name},{},{},{},{:.4}\n",
                    csv_field(&g.label),
                    csv_field(&r.key),
                    csv_field(&r.detail),
                    r.apps,
                    r.share
                ));
            }
        }
    }
    out
}

/// JSON (pretty, stable order).
pub fn render_json(stats: &Stats) -> String {
    let mut s = serde_json::to_string_pretty(stats).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn svg_bars(rows: &[Row]) -> String {
    const BAR_W: f64 = 360.0;
    const ROW_H: usize = 20;
    const LABEL_W: usize = 300;
    let rows: Vec<&Row> = rows.iter().take(SHOWN_ROWS).collect();
    // Bars scale to the section's largest share, so small shares stay visible.
    let top = rows.iter().map(|r| r.share).fold(0.0, f64::max);
    let height = rows.len() * ROW_H + 4;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" role=\"img\">",
        w = LABEL_W + BAR_W as usize + 80
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i * ROW_H;
        let label = if r.detail.is_empty() {
            r.key.clone()
        } else {
            format!("{} — {}", r.key, r.detail)
        };
        let short: String = if label.chars().count() > 42 {
            label.chars().take(41).chain(['…']).collect()
        } else {
            label.clone()
        };
        let width = if top > 0.0 {
            (r.share / top * BAR_W).max(1.0)
        } else {
            1.0
        };
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"12\">{}</text>\
             <rect x=\"{bx}\" y=\"{ry}\" width=\"{width:.1}\" height=\"14\" fill=\"#4a7bb7\"><title>{}</title></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"12\">{} ({})</text>",
            esc(&short),
            esc(&label),
            r.apps,
            pct(r.share),
            lx = LABEL_W - 6,
            ty = y + 14,
            bx = LABEL_W,
            ry = y + 3,
            vx = LABEL_W as f64 + width + 4.0,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// One self-contained HTML page (inline CSS and SVG, no scripts, no
/// external resources).
pub fn render_html(stats: &Stats) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>telltale stats</title><style>\
         body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}\
         h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}\
         h3{font-size:1em;margin-top:1.5em}table{border-collapse:collapse;font-size:.85em}\
         td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}td.n{text-align:right}\
         details{margin:.5em 0}</style></head><body>\n<h1>telltale stats</h1>\n",
    );
    for g in &stats.groups {
        let title = match &stats.by {
            Some(by) => format!("{by} = {}", g.label),
            None => "All apps".into(),
        };
        out.push_str(&format!(
            "<h2>{}</h2>\n<p>{} apps inspected, {} failed, {} pending.</p>\n",
            esc(&title),
            g.apps,
            g.failed,
            g.pending
        ));
        for (name, title) in SECTIONS {
            let rows = g.sections.get(*name).map(Vec::as_slice).unwrap_or(&[]);
            out.push_str(&format!("<h3>{}</h3>\n", esc(title)));
            if rows.is_empty() {
                out.push_str("<p>(none)</p>\n");
                continue;
            }
            out.push_str(&svg_bars(rows));
            out.push_str(&format!(
                "\n<details><summary>table ({} rows)</summary><table><tr><th>apps</th><th>share</th><th>{}</th><th></th></tr>\n",
                rows.len(),
                esc(name)
            ));
            for r in rows {
                out.push_str(&format!(
                    "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>\n",
                    r.apps,
                    pct(r.share),
                    esc(&r.key),
                    esc(&r.detail)
                ));
            }
            out.push_str("</table></details>\n");
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::store::{StoredApp, StoredRun};

    fn data() -> Dataset {
        let mut d = Dataset::default();
        for (i, (country, sdk)) in [("DE", true), ("DE", false), ("FR", true)]
            .iter()
            .enumerate()
        {
            let id = i as i64 + 1;
            d.apps.push(StoredApp {
                path: format!("a{i}.apk"),
                sha256: format!("s{i}"),
                labels: vec![("country".into(), country.to_string())],
                run: Some(id),
            });
            let mut run = StoredRun {
                id,
                status: "ok".into(),
                ..StoredRun::default()
            };
            if *sdk {
                run.sdks.push((
                    "ads".into(),
                    "Ads SDK".into(),
                    Some("AdCo".into()),
                    Some("CN".into()),
                    Some(true),
                ));
                run.categories.push(("ads".into(), "advertising".into()));
                run.endpoints.push((
                    "ads.example".into(),
                    Some("AdCo".into()),
                    Some("CN".into()),
                    Some(true),
                    Some("ads".into()),
                ));
            }
            d.runs.insert(id, run);
        }
        d
    }

    #[test]
    fn shares_and_groups() {
        let trackers: BTreeSet<String> = ["ads".to_string()].into();
        let s = compute(&data(), None, &trackers);
        let g = &s.groups[0];
        assert_eq!(g.apps, 3);
        assert_eq!(g.sections["sdks"][0].apps, 2);
        assert_eq!(g.sections["trackers_per_app"][0].apps, 1);
        assert_eq!(g.sections["trackers_per_app"][1].apps, 2);
        assert_eq!(
            g.sections["state_owned_hosts"][0].key,
            "(any state-owned company)"
        );
        let by = compute(&data(), Some("country"), &trackers);
        assert_eq!(by.groups.len(), 2);
        assert_eq!(by.groups[0].label, "DE");
        assert_eq!(by.groups[0].sections["sdks"][0].share, 0.5);
        let html = render_html(&by);
        assert!(html.contains("<svg") && !html.contains("<script"));
        assert!(render_csv(&by).contains("FR,sdks,Ads SDK,AdCo (CN),1,1.0000"));
    }
}
