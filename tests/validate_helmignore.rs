//! `.helmignore` decides what Helm loads from a chart directory; `validate` follows it.

mod common;

use common::{chartwright, helm, helms};

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn subcharts_left_out_by_helmignore_are_not_validated_as_helm_does() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("top");
    write(&chart.join("Chart.yaml"), "apiVersion: v2\nname: top\nversion: 0.1.0\n");
    write(&chart.join("values.yaml"), "a: 1\n");
    // A subchart whose own defaults break its own schema.
    write(&chart.join("charts/extra/Chart.yaml"), "apiVersion: v2\nname: extra\nversion: 0.1.0\n");
    write(&chart.join("charts/extra/values.yaml"), "x: text\n");
    write(
        &chart.join("charts/extra/values.schema.json"),
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"x": {"type": "integer"}}}"#,
    );
    let helm4 = &helms().1;
    let verdicts = || {
        let h = helm(helm4, &["template", "r", chart.to_str().unwrap()]).status.success();
        let ours = chartwright().arg("validate").arg(&chart).output().unwrap();
        assert!(matches!(ours.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&ours.stderr));
        (h, ours.status.code() == Some(0))
    };
    assert_eq!(verdicts(), (false, false), "without .helmignore the subchart is checked");
    write(&chart.join(".helmignore"), "# left out\ncharts/extra/\n");
    assert_eq!(verdicts(), (true, true), "with it, neither Helm nor chartwright loads the subchart");
}
