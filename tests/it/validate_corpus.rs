//! `validate --strict` on real charts and their own CI values (run by hand:
//! `CHARTWRIGHT_CORPUS=/work/shared/corpus/charts cargo test --test validate_corpus -- --ignored`).
//! Every values file a chart keeps is a run, and `--strict` reports nothing on values the
//! chart's authors test with (any warning there would be a false one).

use crate::common;

use common::chartwright;

#[test]
#[ignore = "needs real charts: set CHARTWRIGHT_CORPUS to a directory of chart directories"]
fn strict_reports_no_unread_keys_on_real_charts_ci_values() {
    let dir = std::env::var_os("CHARTWRIGHT_CORPUS").expect("CHARTWRIGHT_CORPUS must name a directory of charts");
    let mut charts: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    charts.sort();
    assert!(!charts.is_empty());
    let mut runs = 0;
    for chart in charts.iter().filter(|c| c.join("Chart.yaml").is_file()) {
        let out = chartwright().args(["validate", "--strict", "--format", "json"]).arg(chart).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            chart.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected = 1 + chartwright::validate::chart_values_files(chart).len();
        assert_eq!(doc["runs"].as_array().unwrap().len(), expected, "{}", chart.display());
        for r in doc["runs"].as_array().unwrap() {
            assert!(r.get("warnings").is_none(), "{}: {}", chart.display(), r["warnings"]);
            runs += 1;
        }
    }
    println!("{runs} runs over {} charts, no unread-key warnings", charts.len());
}
