//! The render stage's verdict against `helm template` on real charts (run by hand:
//! `CHARTWRIGHT_CORPUS=/work/shared/corpus/charts cargo test --test validate_render_corpus -- --ignored`;
//! `scripts/test.sh` runs it where the shared corpus is). For each chart (on top of its first
//! `ci/` values file, when it has one): its defaults, values files that flip its booleans and
//! empty its strings, and values files written from its templates' own `fail`/`required`
//! rules (the keys each rule reads set to `true`, then to `""`), on Helm 3.17.2 and 4.1.4. `validate` must say valid exactly when `helm template` renders;
//! the only difference allowed is an object rendered twice, which `helm template` prints and
//! an install refuses.

use crate::common;

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

/// Sets `path` under `node` to `value`, keeping a map already there (a deeper key set before).
fn set(node: &mut serde_json::Value, path: &[String], value: &serde_json::Value) {
    let Some((k, rest)) = path.split_first() else { return };
    if !node.is_object() {
        *node = serde_json::json!({});
    }
    let slot = node.as_object_mut().unwrap().entry(k.clone()).or_insert(serde_json::Value::Null);
    if rest.is_empty() {
        if !slot.is_object() {
            *slot = value.clone();
        }
    } else {
        set(slot, rest, value);
    }
}

/// `paths` set to `value` as one JSON document (which is YAML), nested keys merged.
fn document(paths: &[Vec<String>], value: &serde_json::Value) -> String {
    let mut root = serde_json::json!({});
    for path in paths {
        set(&mut root, path, value);
    }
    serde_json::to_string_pretty(&root).unwrap() + "\n"
}

/// The files written for `chart` under `dir`, each with the dotted keys it sets: booleans of
/// its values.yaml flipped and strings emptied, and, from the templates' own `fail`/`required`
/// rules (read with `chartwright::gotpl`), the keys each rule reads all set to `true`, then all
/// to `""`.
fn values_files(chart: &Path, dir: &Path) -> Vec<(std::path::PathBuf, Vec<String>)> {
    let text = std::fs::read_to_string(chart.join("values.yaml")).unwrap_or_default();
    let docs = chartwright::yaml::parse_stream(&text).unwrap_or_default();
    let mut found = Vec::new();
    if let Some(root) = docs.into_iter().next().and_then(|d| d.root) {
        leaves(&root, &mut Vec::new(), &mut found);
    }
    let step = (found.len() / 3).max(1);
    let mut out: Vec<(String, Vec<String>)> =
        found.iter().step_by(step).take(3).map(|(path, value)| (yaml_of(path, value), vec![path.join(".")])).collect();
    let mut rules: Vec<Vec<Vec<String>>> = Vec::new();
    let mut templates: Vec<_> = std::fs::read_dir(chart.join("templates"))
        .map_or_else(|_| Vec::new(), |d| d.flatten().map(|e| e.path()).collect());
    templates.sort();
    for t in templates {
        let Ok(text) = std::fs::read_to_string(&t) else { continue };
        let Ok(nodes) = chartwright::gotpl::parse(&text) else { continue };
        for r in chartwright::gotpl::refusals(&nodes) {
            if !r.values.is_empty() && !rules.contains(&r.values) {
                rules.push(r.values);
            }
        }
    }
    let step = (rules.len() / 6).max(1);
    for paths in rules.iter().step_by(step).take(6) {
        let keys: Vec<String> = paths.iter().map(|p| p.join(".")).collect();
        for value in [serde_json::json!(true), serde_json::json!("")] {
            out.push((document(paths, &value), keys.clone()));
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, (text, keys))| {
            let f = dir.join(format!("v{i}.yaml"));
            std::fs::write(&f, text).unwrap();
            (f, keys)
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
    let mut by_keyword: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut named = 0;
    for chart in charts.iter().filter(|c| c.join("Chart.yaml").is_file()) {
        let own = scratch.path().join(chart.file_name().unwrap());
        std::fs::create_dir_all(&own).unwrap();
        // The chart's first CI values file is the base of every run, when it has one (some
        // charts need a value set to render at all).
        let base = chartwright::validate::chart_values_files(chart)
            .into_iter()
            .find(|f| f.parent().is_some_and(|p| p.ends_with("ci")));
        let mut files: Vec<Option<std::path::PathBuf>> = vec![None];
        let written = values_files(chart, &own);
        let flipped: std::collections::HashMap<String, Vec<String>> =
            written.iter().map(|(f, key)| (f.display().to_string(), key.clone())).collect();
        files.extend(written.into_iter().map(|(f, _)| Some(f)));
        for (label, bin) in each_helm() {
            for f in &files {
                let mut h_args = vec!["template".to_string(), "release-name".into(), chart.display().to_string()];
                let mut v_args = vec!["validate".to_string(), chart.display().to_string()];
                if let Some(b) = &base {
                    h_args.extend(["-f".into(), b.display().to_string()]);
                    v_args.extend(["-f".into(), b.display().to_string()]);
                }
                if let Some(f) = f {
                    h_args.extend(["-f".into(), f.display().to_string()]);
                    v_args.push(f.display().to_string());
                } else if base.is_none() {
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
                // helm template prints duplicates and objects the target Kubernetes refuses; an
                // install fails on both, so validate reports them where helm template succeeds.
                let only_duplicates = !errors.is_empty()
                    && errors.iter().all(|e| e["keyword"] == "duplicate" || e["keyword"] == "kube-schema");
                let ours = run["valid"] == true || only_duplicates;
                assert_eq!(
                    ours,
                    h.status.success(),
                    "{what}: helm said {}; validate said {errors:?}",
                    String::from_utf8_lossy(&h.stderr)
                );
                for e in errors {
                    // A key located in the test's file is the one key that file sets.
                    if let (Some(f), Some(read)) = (f, e["values_read"].as_array()) {
                        let file = f.display().to_string();
                        for r in read.iter().filter(|r| r["file"] == file.as_str()) {
                            let key = r["key"].as_str().unwrap();
                            let set = &flipped[&file];
                            let related = |k: &String| {
                                k == key || k.starts_with(&format!("{key}.")) || key.starts_with(&format!("{k}."))
                            };
                            assert!(set.iter().any(related), "{what}: {key} is not a key the file sets: {e}");
                            named += 1;
                        }
                    }
                    *by_keyword.entry(e["keyword"].as_str().unwrap_or("").to_string()).or_default() += 1;
                }
                runs += 1;
                refused += usize::from(!h.status.success());
            }
        }
    }
    assert!(runs > 0);
    assert!(named > 0, "no template rule of the corpus was tripped from its own conditions");
    println!(
        "{runs} runs, {refused} refused by helm template, every verdict equal; findings by keyword: {by_keyword:?}; {named} pointers at a written file, each naming the key it sets"
    );
}
