//! CSV renderer: one row per finding (RFC 4180 quoting), for spreadsheets.
//! Columns: kind, id, name, owner, country, state_owned, sdk, detail, path,
//! offset, entry_sha256, places. `path`/`offset` are the first location.
//! Only reads the model.

use crate::report::model::{Location, Owner, Report};

/// The header line's columns.
pub const COLUMNS: [&str; 12] = [
    "kind",
    "id",
    "name",
    "owner",
    "country",
    "state_owned",
    "sdk",
    "detail",
    "path",
    "offset",
    "entry_sha256",
    "places",
];

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

struct Row {
    cells: [String; 12],
}

impl Row {
    fn new(kind: &str, id: &str, name: &str) -> Row {
        let mut cells: [String; 12] = Default::default();
        cells[0] = kind.to_string();
        cells[1] = id.to_string();
        cells[2] = name.to_string();
        Row { cells }
    }
    fn owner(mut self, owner: &Option<Owner>) -> Row {
        if let Some(o) = owner {
            self.cells[3] = o.name.clone();
            self.cells[4] = o.country.clone().unwrap_or_default();
            self.cells[5] = o.state_owned.map(|b| b.to_string()).unwrap_or_default();
        }
        self
    }
    fn sdk(mut self, sdk: &Option<String>) -> Row {
        self.cells[6] = sdk.clone().unwrap_or_default();
        self
    }
    fn detail(mut self, detail: &str) -> Row {
        self.cells[7] = detail.to_string();
        self
    }
    fn at(mut self, locs: &[Location], places: usize) -> Row {
        if let Some(l) = locs.first() {
            self.cells[8] = l.path.clone();
            self.cells[9] = l.offset.map(|o| o.to_string()).unwrap_or_default();
            self.cells[10] = l.entry_sha256.clone().unwrap_or_default();
        }
        self.cells[11] = places.max(locs.len()).to_string();
        self
    }
    fn path(mut self, path: &str) -> Row {
        self.cells[8] = path.to_string();
        self
    }
    fn line(&self) -> String {
        let cells: Vec<String> = self.cells.iter().map(|c| field(c)).collect();
        cells.join(",") + "\r\n"
    }
}

/// Renders one row per finding, after a header line.
pub fn render(r: &Report) -> String {
    let mut rows = Vec::new();
    for s in &r.sdks {
        let mut row = Row::new("sdk", &s.id, &s.name)
            .owner(&s.owner)
            .sdk(&Some(s.id.clone()))
            .detail(&s.categories.join(";"));
        // The first evidence item with an offset, else the first one.
        let located = s
            .evidence
            .iter()
            .find(|e| e.location.as_ref().is_some_and(|l| l.offset.is_some()));
        if let Some(e) = located.or(s.evidence.first()) {
            row = match &e.location {
                Some(l) => row.at(std::slice::from_ref(l), 0),
                None => row.path(&e.path),
            };
        }
        row.cells[11] = s.evidence_count.to_string();
        rows.push(row);
    }
    for e in &r.endpoints {
        rows.push(
            Row::new("endpoint", &e.host, e.domain.as_deref().unwrap_or(""))
                .owner(&e.owner)
                .sdk(&joined(&e.sdks))
                .detail(e.urls.first().map(String::as_str).unwrap_or(""))
                .at(&e.locations, e.locations_total),
        );
    }
    for i in &r.identifier_apis {
        rows.push(
            Row::new("identifier-read", &i.api, &i.category)
                .sdk(&joined(&i.sdks))
                .detail(&i.callers.join(";"))
                .at(&i.locations, i.locations.len()),
        );
    }
    for s in &r.secrets {
        rows.push(
            Row::new("secret", &s.kind, &s.preview)
                .detail(&format!("sha256:{}", s.sha256))
                .at(&s.locations, s.locations_total),
        );
    }
    for p in &r.permissions {
        rows.push(Row::new("permission", &p.name, "").detail(&p.protection));
    }
    for c in r.components.iter().filter(|c| c.exported) {
        rows.push(
            Row::new("exported-component", &c.name, &c.kind)
                .detail(c.permission.as_deref().unwrap_or("")),
        );
    }
    for d in &r.deep_links {
        let link = format!(
            "{}://{}{}",
            d.scheme,
            d.host.as_deref().unwrap_or("*"),
            d.path.as_deref().unwrap_or("")
        );
        rows.push(Row::new("deep-link", &link, "").detail(&d.component));
    }
    for c in &r.signing {
        rows.push(Row::new("signing-cert", &c.sha256, &c.scheme).detail(&c.subject));
    }
    for w in &r.warnings {
        rows.push(Row::new("warning", "", "").detail(&w.message).path(&w.path));
    }
    let mut out = COLUMNS.join(",") + "\r\n";
    for row in rows {
        out.push_str(&row.line());
    }
    out
}

/// Several SDK ids as one cell (`a;b`), or none.
fn joined(ids: &[String]) -> Option<String> {
    (!ids.is_empty()).then(|| ids.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
