//! Every knob of a multi-environment chart does something (issue 22 item 5), on real Helm
//! 3.17.2 and 4.1.4: each scalar leaf of values.yaml set to another value the schema admits
//! (booleans flipped, numbers and strings changed) changes `helm template`, and each key of a
//! values-<env>.yaml, left out, changes that environment's render. A switch that only works
//! together with another one (`livenessProbe.enabled` gated by a machine-named
//! `webLivenessProbeEnabled`) fails both.
//!
//! Leaves not changed, and why (they cannot be seen by construction, or another test covers
//! them):
//! - empty maps and lists (`resources: {}`, `extraEnv: []`): no scalar to change; the chart's
//!   `ci/knobs-values.yaml` sets each one and `generate_knobs::` checks its effect;
//! - items inside lists (`ingress.hosts[0].host`): example items of a knob, covered the same way;
//! - a leaf for which no candidate value passes the schema (reported by the test when the
//!   schema refuses every candidate, so none is skipped silently: the list must stay empty).
//!
//! What makes a leaf visible is set in both renders, as its description says: a leaf under a
//! map whose `enabled` is false (`autoscaling.minReplicas`) is changed with that switch on;
//! `replicaCount` with autoscaling off; a Service's `nodePort` and `externalTrafficPolicy` with
//! type NodePort; a PodDisruptionBudget's empty `minAvailable` with `maxUnavailable` emptied
//! (exactly one is set). A leaf that still changes nothing is tried once more with every
//! `enabled` switch of the chart on (data of an object the first environment does not create).
//!
//! Proof the test sees the issue's shape: on the generator before this fix it reports
//! `livenessProbe.enabled`, `livenessProbe.path` and `env.REGION` of the `switches` case, and
//! `replicaCount` of scaling's values-prod.yaml (prod's HPA owns the count).

use crate::common;
use crate::generate_envs::{build, golden_cases, golden_envs, name_of};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{each_helm, helm};
use serde_json::{Value, json};

/// The JSON of a values file (null for a file without keys).
fn values_json(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).unwrap();
    chartwright::yaml::parse_stream(&text)
        .unwrap()
        .into_iter()
        .next()
        .and_then(|d| d.root)
        .map_or(Value::Null, |n| n.to_json())
}

/// Every leaf of `v`: scalars, with their path; empty collections and list items apart.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>, skipped: &mut Vec<String>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                path.push(k.clone());
                leaves(x, path, out, skipped);
                path.pop();
            }
        }
        Value::Object(_) | Value::Array(_) => skipped.push(path.join(".")),
        _ => out.push(path.clone()),
    }
}

fn get<'v>(v: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(v, |n, k| n.get(k))
}

fn set(v: &mut Value, path: &[String], x: Value) {
    let mut n = v;
    for k in &path[..path.len() - 1] {
        n = n.get_mut(k).unwrap();
    }
    n[path.last().unwrap().as_str()] = x;
}

fn remove(v: &mut Value, path: &[String]) {
    let mut n = v;
    for k in &path[..path.len() - 1] {
        n = n.get_mut(k).unwrap();
    }
    n.as_object_mut().unwrap().remove(path.last().unwrap());
}

/// Turns on every `enabled: false` switch of a map above `path` (not `path` itself).
fn switches_on(v: &mut Value, path: &[String]) {
    for n in 1..path.len() {
        let mut p = path[..n].to_vec();
        p.push("enabled".into());
        if p != path && get(v, &p) == Some(&Value::Bool(false)) {
            set(v, &p, Value::Bool(true));
        }
    }
}

/// Settings a Service reads only under another type (`nodePort`, `externalTrafficPolicy`):
/// both renders set that type, which is what makes them visible.
fn dependencies_on(v: &mut Value, path: &[String]) {
    let (last, parent) = path.split_last().unwrap();
    // The replica count is documented as ignored while autoscaling is enabled.
    if last == "replicaCount" {
        let mut p = parent.to_vec();
        p.extend(["autoscaling".to_string(), "enabled".to_string()]);
        if get(v, &p) == Some(&Value::Bool(true)) {
            set(v, &p, Value::Bool(false));
        }
    }
    if matches!(last.as_str(), "nodePort" | "externalTrafficPolicy") {
        let mut p = parent.to_vec();
        p.push("type".into());
        if get(v, &p).is_some_and(|t| t == "" || t == "ClusterIP") {
            set(v, &p, json!("NodePort"));
        }
    }
}

/// A PodDisruptionBudget sets exactly one of `minAvailable` and `maxUnavailable`: setting the
/// empty one empties the other.
fn exactly_one(v: &mut Value, path: &[String]) {
    let (last, parent) = path.split_last().unwrap();
    let other = match last.as_str() {
        "minAvailable" => "maxUnavailable",
        "maxUnavailable" => "minAvailable",
        _ => return,
    };
    let mut p = parent.to_vec();
    p.push(other.into());
    if get(v, &p).is_some() {
        set(v, &p, json!(""));
    }
}

/// Turns on every `enabled: false` switch of the values but the one at `path`: data of an
/// object the first environment does not create (`environment.configMapEnvConfig.enabled`) is
/// seen with its object on.
fn all_switches_on(v: &mut Value, path: &[String], at: &mut Vec<String>) {
    let Value::Object(m) = v else { return };
    for (k, x) in m.iter_mut() {
        at.push(k.clone());
        if k == "enabled" && *x == Value::Bool(false) && at.as_slice() != path {
            *x = Value::Bool(true);
        } else {
            all_switches_on(x, path, at);
        }
        at.pop();
    }
}

/// The schema of the value at `path` (following `properties`).
fn schema_at<'s>(schema: &'s Value, path: &[String]) -> Option<&'s Value> {
    path.iter().try_fold(schema, |s, k| s.get("properties")?.get(k))
}

/// Other values for a leaf, most telling first; the caller keeps the first the schema admits.
fn candidates(old: &Value, schema: Option<&Value>) -> Vec<Value> {
    let mut out: Vec<Value> = schema
        .and_then(|s| s.get("enum"))
        .and_then(Value::as_array)
        .map(|e| e.iter().filter(|x| *x != old).cloned().collect())
        .unwrap_or_default();
    match old {
        Value::Bool(b) => out.push(json!(!b)),
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(1);
            out.extend([json!(n + 1), json!(n - 1), json!(n * 2), json!(30080), json!("50%")]);
        }
        Value::String(s) => {
            if !s.is_empty() {
                out.push(json!(format!("{s}-changed")));
                out.push(json!(format!("{s}0")));
            }
            out.extend(
                ["changed", "Always", "NodePort", "Local", "PreferDualStack", "2", "50%", "10.0.0.1", "1.0.0"]
                    .map(|x| json!(x)),
            );
        }
        _ => {}
    }
    out.retain(|x| x != old);
    out
}

/// `helm template` of `chart` with `values` as the only values file.
fn render(
    bin: &Path,
    chart: &Path,
    values: &Value,
    cache: &mut HashMap<String, Result<String, String>>,
) -> Result<String, String> {
    let text = values.to_string();
    if let Some(r) = cache.get(&text) {
        return r.clone();
    }
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &text).unwrap();
    let out =
        helm(bin, &["template", "knob", chart.to_str().unwrap(), "-n", "default", "-f", f.path().to_str().unwrap()]);
    let r = if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    };
    cache.insert(text, r.clone());
    r
}

/// True when the two values render differently.
fn visible(
    bin: &Path,
    chart: &Path,
    a: &Value,
    b: &Value,
    cache: &mut HashMap<String, Result<String, String>>,
) -> Result<bool, String> {
    Ok(render(bin, chart, a, cache)? != render(bin, chart, b, cache)?)
}

/// Each problem of one chart on one Helm.
fn dead_knobs(bin: &Path, label: &str, name: &str, chart: &Path, envs: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut cache = HashMap::new();
    let defaults = values_json(&chart.join("values.yaml"));
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(chart.join("values.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (mut keys, mut skipped) = (Vec::new(), Vec::new());
    leaves(&defaults, &mut Vec::new(), &mut keys, &mut skipped);
    for path in &keys {
        let key = path.join(".");
        let mut base = defaults.clone();
        switches_on(&mut base, path);
        dependencies_on(&mut base, path);
        let old = get(&base, path).unwrap().clone();
        let changed = candidates(&old, schema_at(&schema, path)).into_iter().find_map(|x| {
            let mut v = base.clone();
            set(&mut v, path, x);
            exactly_one(&mut v, path);
            validator.is_valid(&v).then_some(v)
        });
        let Some(changed) = changed else {
            problems.push(format!("{label} {name}: values.yaml `{key}`: no other value passes the schema"));
            continue;
        };
        let mut seen = visible(bin, chart, &base, &changed, &mut cache);
        if seen == Ok(false) {
            let (mut base, mut changed) = (base.clone(), changed.clone());
            all_switches_on(&mut base, path, &mut Vec::new());
            all_switches_on(&mut changed, path, &mut Vec::new());
            seen = visible(bin, chart, &base, &changed, &mut cache);
        }
        match seen {
            Ok(false) => problems.push(format!(
                "{label} {name}: values.yaml `{key}` does nothing: {} renders as {old}",
                get(&changed, path).unwrap()
            )),
            Ok(true) => {}
            Err(e) => problems.push(format!("{label} {name}: `{key}`: helm template failed: {e}")),
        }
    }
    for env in envs {
        let file = values_json(&chart.join(format!("values-{env}.yaml")));
        let (mut keys, mut lists) = (Vec::new(), Vec::new());
        leaves(&file, &mut Vec::new(), &mut keys, &mut lists);
        keys.extend(lists.into_iter().filter(|k| !k.is_empty()).map(|k| k.split('.').map(str::to_string).collect()));
        let full = render_env(bin, chart, &file, &mut cache);
        for path in keys {
            let mut without = file.clone();
            remove(&mut without, &path);
            if render_env(bin, chart, &without, &mut cache) == full {
                problems.push(format!("{label} {name}: values-{env}.yaml `{}` does nothing", path.join(".")));
            }
        }
    }
    problems
}

/// `helm template` with values.yaml and one environment's file (Helm's own coalescing, so a
/// `null` in the file drops the default).
fn render_env(
    bin: &Path,
    chart: &Path,
    file: &Value,
    cache: &mut HashMap<String, Result<String, String>>,
) -> Result<String, String> {
    let key = format!("env:{file}");
    if let Some(r) = cache.get(&key) {
        return r.clone();
    }
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), file.to_string()).unwrap();
    let out =
        helm(bin, &["template", "knob", chart.to_str().unwrap(), "-n", "default", "-f", f.path().to_str().unwrap()]);
    let r = if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    };
    cache.insert(key, r.clone());
    r
}

#[test]
fn every_knob_of_a_multi_environment_chart_changes_the_render() {
    let cases = golden_cases();
    assert!(cases.iter().any(|c| c.ends_with("switches")), "{cases:?}");
    let cases: Vec<(String, Vec<(String, PathBuf)>)> = cases.iter().map(|c| (name_of(c), golden_envs(c))).collect();
    assert_no_dead_knobs(&cases);
}

/// The same over the real multi-environment corpus, one chart per case from its
/// `rendered/<env>.yaml` files (`CHARTWRIGHT_ENV_CORPUS=/work/shared/corpus/environments`).
#[test]
#[ignore = "needs the shared corpus; run with --ignored"]
fn every_knob_of_a_corpus_multi_environment_chart_changes_the_render() {
    let root = PathBuf::from(std::env::var("CHARTWRIGHT_ENV_CORPUS").expect("CHARTWRIGHT_ENV_CORPUS"));
    let mut cases: Vec<(String, Vec<(String, PathBuf)>)> = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        let Ok(files) = std::fs::read_dir(dir.join("rendered")) else { continue };
        let mut envs: Vec<(String, PathBuf)> = files
            .map(|e| e.unwrap().path())
            .map(|f| (f.file_stem().unwrap().to_str().unwrap().to_lowercase().replace('_', "-"), f))
            .collect();
        envs.sort();
        let base = dir.file_name().unwrap().to_str().unwrap();
        cases.push((base.rsplit("__").next().unwrap().to_lowercase(), envs));
    }
    assert!(!cases.is_empty());
    assert_no_dead_knobs(&cases);
}

fn assert_no_dead_knobs(cases: &[(String, Vec<(String, PathBuf)>)]) {
    let tmp = tempfile::tempdir().unwrap();
    let charts: Vec<(String, PathBuf, Vec<String>)> = cases
        .iter()
        .enumerate()
        .map(|(i, (name, envs))| {
            let out = tmp.path().join(format!("{i}")).join(name);
            build(name, envs, &out);
            (format!("{name} #{i}"), out, envs[1..].iter().map(|(e, _)| e.clone()).collect())
        })
        .collect();
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = each_helm()
            .into_iter()
            .map(|(label, bin)| {
                let charts = &charts;
                s.spawn(move || {
                    charts
                        .iter()
                        .flat_map(|(name, chart, envs)| dead_knobs(bin, label, name, chart, envs))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(problems.is_empty(), "{} dead knobs:\n{}", problems.len(), problems.join("\n"));
}

/// The shape of the issue: a probe and an environment variable only production has are
/// switched where they live (`livenessProbe.enabled`, the `env` map's key), never by a
/// machine-named top-level boolean.
#[test]
fn a_probe_and_an_env_var_some_environments_lack_are_switched_beside_their_values() {
    let case = golden_cases().into_iter().find(|c| c.ends_with("switches")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("switches");
    build("switches", &golden_envs(&case), &out);
    let defaults = values_json(&out.join("values.yaml"));
    let prod = values_json(&out.join("values-prod.yaml"));
    let top: Vec<&String> = defaults.as_object().unwrap().keys().filter(|k| k.ends_with("Enabled")).collect();
    assert!(top.is_empty(), "machine-named switches: {top:?}");
    assert_eq!(defaults["livenessProbe"]["enabled"], json!(false));
    assert_eq!(prod["livenessProbe"]["enabled"], json!(true));
    assert!(defaults["env"].get("REGION").is_none(), "{}", defaults["env"]);
    assert_eq!(prod["env"]["REGION"], json!("eu-west-1"));
    assert_eq!(prod["env"]["DEBUG"], Value::Null, "prod drops DEBUG: {}", prod["env"]);
    let template = std::fs::read_to_string(out.join("templates/deployment.yaml")).unwrap();
    assert!(template.contains(r#"hasKey .Values.env "REGION""#), "{template}");
}
