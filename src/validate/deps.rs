//! Dependencies declared in `Chart.yaml` but absent from `charts/`. Helm 3.17.2 and 4.1.4
//! refuse to render such a chart (`found in Chart.yaml, but missing in charts/ directory`) before
//! they look at any value: they match by chart name only, ignore the version, check only the
//! chart being installed (not its subcharts) and do so even for a dependency whose condition
//! or tags disable it.

use super::chart::Chart;
use super::report::ErrorOut;

/// One error per dependency of the root chart that no chart under `charts/` provides.
pub fn missing(chart: &Chart, chart_arg: &str) -> Vec<ErrorOut> {
    let mut out = Vec::new();
    for d in &chart.deps {
        if chart.subcharts.iter().any(|s| s.name == d.name) {
            continue;
        }
        let disabled = if d.condition.as_deref().unwrap_or_default().trim().is_empty() && d.tags.is_empty() {
            String::new()
        } else {
            " (even when its condition or tags disable it)".into()
        };
        let mut err = ErrorOut::new(
            chart.name.clone(),
            String::new(),
            format!(
                "dependency '{}' is declared but missing from charts/: no chart directory or .tgz there is named {}; Helm refuses to render the chart{disabled}",
                d.name, d.name
            ),
            "dependency",
        );
        err.help = Some(format!("run `helm dependency build {chart_arg}` to fetch it into charts/"));
        let (at, source) = (d.name_pos, &chart.deps_file);
        let text = source.text.lines().nth(at.line.saturating_sub(1) as usize).unwrap_or_default();
        err.file = Some(source.name.clone());
        err.line = Some(at.line);
        err.column = Some(at.col);
        err.source_line = Some(crate::diag::clip_line(text, at.col));
        out.push(err);
    }
    out
}
