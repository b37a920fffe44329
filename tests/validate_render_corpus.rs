//! The render stage's verdict against `helm template` on real charts (run by hand:
//! `CHARTWRIGHT_CORPUS=/work/shared/corpus/charts cargo test --test validate_render_corpus -- --ignored`;
//! `scripts/test.sh` runs it where the shared corpus is). For each chart: its defaults, and
//! values files written by the test that flip the chart's own booleans (which switch on the
//! `if` blocks its `fail` rules sit in) and empty its strings (which `required` refuses), on
//! Helm 3.17.2 and 4.1.4. `validate` must say valid exactly when `helm template` renders;
//! the only difference allowed is an object rendered twice, which `helm template` prints and
//! an install refuses.

mod common;

use std::path::Path;

use chartwright::yaml::{Node, Value};
use common::{chartwright, each_helm, helm};

/// Paths to booleans and non-empty strings in a chart's values.yaml, in document order.
fn leaves(node: &Node, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    if let Some(map) = node.as_map() {
        for (k, v) in map {
            let Some(k) = k.as_str() else { continue };
            path.push(k.to_string());
            leaves(v, path, out);
            path.pop();
        }
    } else if let Some(b) = node.as_bool() {
        out.push((path.clone(), (!b).to_string()));
    } else if matches!(node.value, Value::Str(ref s) if !s.is_empty()) {
        out.push((path.clone(), "\"\"".to_string()));
    }
}

/// `a.b = v` as a YAML document (keys quoted as JSON strings).
fn yaml_of(path: &[String], value: &str) -> String {
    let mut out = String::new();
    for (i, k) in path.iter().enumerate() {
        out.push_str(&"  ".repeat(i));
        out.push_str(&serde_json::to_string(k).unwrap());
        out.push(':');
        out.push(if i + 1 == path.len() { ' ' } else { '\n' });
    }
    out.push_str(value);
    out.push('\n');
    out
}

fn values_files(chart: &Path, dir: &Path) -> Vec<std::path::PathBuf> {
    let text = std::fs::read_to_string(chart.join("values.yaml")).unwrap_or_default();
    let docs = chartwright::yaml::parse_stream(&text).unwrap_or_default();
    let mut found = Vec::new();
    if let Some(root) = docs.into_iter().next().and_then(|d| d.root) {
        leaves(&root, &mut Vec::new(), &mut found);
    }
    // A few per chart, spread over the file.
    let step = (found.len() / 6).max(1);
    found
        .iter()
        .step_by(step)
        .take(6)
        .enumerate()
        .map(|(i, (path, value))| {
            let f = dir.join(format!("v{i}.yaml"));
            std::fs::write(&f, yaml_of(path, value)).unwrap();
            f
        })
        .collect()
}

#[test]
#[ignore = "needs real charts: set CHARTWRIGHT_CORPUS to a directory of chart directories"]
fn render_verdicts_equal_helm_template_on_real_charts() {
    let dir = std::env::var_os("CHARTWRIGHT_CORPUS").expect("CHARTWRIGHT_CORPUS must name a directory of charts");
    let mut charts: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    charts.sort();
    let scratch = tempfile::tempdir().unwrap();
    let (mut runs, mut refused) = (0, 0);
    for chart in charts.iter().filter(|c| c.join("Chart.yaml").is_file()) {
        let own = scratch.path().join(chart.file_name().unwrap());
        std::fs::create_dir_all(&own).unwrap();
        let mut files: Vec<Option<std::path::PathBuf>> = vec![None];
        files.extend(values_files(chart, &own).into_iter().map(Some));
        for (label, bin) in each_helm() {
            for f in &files {
                let mut h_args = vec!["template".to_string(), "release-name".into(), chart.display().to_string()];
                let mut v_args = vec!["validate".to_string(), chart.display().to_string()];
                if let Some(f) = f {
                    h_args.extend(["-f".into(), f.display().to_string()]);
                    v_args.push(f.display().to_string());
                } else {
                    // The defaults alone (without a file the chart's own values files would run).
                    v_args.extend(["-f".into(), chart.join("values.yaml").display().to_string()]);
                }
                if label.contains("3.17") {
                    v_args.extend(["--helm-compat".into(), "3".into()]);
                }
                v_args.extend(["--helm".into(), bin.display().to_string(), "--format".into(), "json".into()]);
                let h_refs: Vec<&str> = h_args.iter().map(String::as_str).collect();
                let h = helm(bin, &h_refs);
                let out = chartwright().args(&v_args).output().unwrap();
                let what = format!(
                    "{label} {} {:?}",
                    chart.display(),
                    f.as_ref().map(|f| std::fs::read_to_string(f).unwrap())
                );
                assert!(matches!(out.status.code(), Some(0 | 1)), "{what}: {}", String::from_utf8_lossy(&out.stderr));
                let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let run = &doc["runs"][0];
                let errors = run["errors"].as_array().unwrap();
                let only_duplicates = !errors.is_empty() && errors.iter().all(|e| e["keyword"] == "duplicate");
                let ours = run["valid"] == true || only_duplicates;
                assert_eq!(
                    ours,
                    h.status.success(),
                    "{what}: helm said {}; validate said {errors:?}",
                    String::from_utf8_lossy(&h.stderr)
                );
                runs += 1;
                refused += usize::from(!h.status.success());
            }
        }
    }
    assert!(runs > 0);
    println!("{runs} runs, {refused} refused by helm template, every verdict equal");
}
