//! JSON renderer: the report as one pretty-printed object (see REPORT.md).

use crate::report::model::Report;

/// Renders the report as JSON text ending in a newline.
pub fn render(report: &Report) -> String {
    let mut out =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}
