//! The guard every generated chart carries: `values.schema.json` and `<chart>.validateValues`
//! reject bad values under real Helm 3.17.2 and 4.1.4, accept good ones, and never disagree.

use crate::common;

use std::path::{Path, PathBuf};

use common::{chartwright, each_helm, helm, root};
use serde_json::Value as J;

/// How a bad case must be rejected.
#[derive(Debug, Clone, Copy, PartialEq)]
enum By {
    /// By the schema; nothing else checks it (types, unknown keys, patterns).
    Schema,
    /// By the schema, and by `fail` when schema validation is skipped.
    Both,
    /// By `fail` only: JSON Schema cannot compare two values.
    Fail,
}

struct Case {
    name: String,
    /// `(path, raw YAML scalar or flow value)`.
    set: Vec<(Vec<String>, String)>,
    /// `--set` flags.
    flags: Vec<String>,
    by: Option<By>,
}

fn case(name: &str, set: Vec<(Vec<String>, String)>, by: Option<By>) -> Case {
    Case { name: name.into(), set, flags: Vec::new(), by }
}

fn p(path: &[String], key: &str) -> Vec<String> {
    let mut v = path.to_vec();
    v.push(key.into());
    v
}

/// A values file from `(path, raw)` pairs, keys nested in order.
fn values_yaml(set: &[(Vec<String>, String)]) -> String {
    fn emit(out: &mut String, items: &[(Vec<String>, String)], depth: usize) {
        let mut seen: Vec<&String> = Vec::new();
        for (path, _) in items {
            let key = &path[depth];
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let children: Vec<(Vec<String>, String)> =
                items.iter().filter(|(p, _)| p[depth] == *key).cloned().collect();
            out.push_str(&"  ".repeat(depth));
            out.push_str(&chartwright::yaml::emit_key(key));
            out.push(':');
            if let [(p, raw)] = children.as_slice() {
                if p.len() == depth + 1 {
                    out.push(' ');
                    out.push_str(raw);
                    out.push('\n');
                    continue;
                }
            }
            out.push('\n');
            emit(out, &children, depth + 1);
        }
    }
    let mut out = String::new();
    emit(&mut out, set, 0);
    out
}

/// Every property schema with its path, depth first.
fn properties(schema: &J, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, J)>) {
    if let Some(props) = schema.get("properties").and_then(J::as_object) {
        for (k, v) in props {
            path.push(k.clone());
            out.push((path.clone(), v.clone()));
            properties(v, path, out);
            path.pop();
        }
    }
}

fn value_at<'a>(values: &'a J, path: &[String]) -> Option<&'a J> {
    path.iter().try_fold(values, |v, k| v.get(k))
}

fn cases_for(schema: &J, values: &J) -> (Vec<Case>, Vec<Case>) {
    let mut props = Vec::new();
    properties(schema, &mut Vec::new(), &mut props);
    let has = |s: &J, k: &str| s.get(k).is_some();
    let mut good = vec![case("defaults", vec![], None)];
    let mut bad = vec![case("unknown top-level key", vec![(vec!["replicaCont".into()], "3".into())], Some(By::Schema))];
    if let Some((path, s)) = props.iter().find(|(p, s)| p.len() > 1 && s["additionalProperties"] == J::Bool(false)) {
        let first = s["properties"].as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
        let mut typo: Vec<char> = first.chars().collect();
        let n = typo.len();
        if n >= 2 {
            typo.swap(n - 1, n - 2);
        }
        let typo: String = typo.into_iter().collect();
        bad.push(case("typo'd key", vec![(p(path, &typo), "x".into())], Some(By::Schema)));
    }
    if let Some((path, _)) = props.iter().find(|(_, s)| s["type"] == "integer") {
        bad.push(case("string for an integer", vec![(path.clone(), "three".into())], Some(By::Schema)));
    }
    if let Some((path, _)) = props.iter().find(|(_, s)| s["type"] == "string" && !has(s, "enum") && !has(s, "pattern"))
    {
        bad.push(case("number for a string", vec![(path.clone(), "12".into())], Some(By::Schema)));
    }
    if let Some((path, s)) = props.iter().find(|(_, s)| has(s, "maximum")) {
        let over = s["maximum"].as_i64().unwrap() + 1;
        bad.push(case("number above its maximum", vec![(path.clone(), over.to_string())], Some(By::Schema)));
    }
    if let Some((path, s)) = props.iter().find(|(_, s)| s["type"] == "integer" && has(s, "minimum")) {
        let under = s["minimum"].as_i64().unwrap() - 1;
        bad.push(case("number below its minimum", vec![(path.clone(), under.to_string())], Some(By::Schema)));
    }
    if let Some((path, _)) = props.iter().find(|(p, _)| p.last().is_some_and(|k| k == "resources")) {
        bad.push(case("bad cpu quantity", vec![(p(&p(path, "requests"), "cpu"), "lots".into())], Some(By::Schema)));
    }
    if let Some((path, _)) = props.iter().find(|(_, s)| has(s, "enum")) {
        bad.push(case("value outside its enum", vec![(path.clone(), "Bogus".into())], Some(By::Schema)));
    }
    if let Some((path, _)) = props.iter().find(|(_, s)| s.pointer("/items/properties/paths").is_some()) {
        bad.push(case(
            "ingress pathType outside its enum",
            vec![(path.clone(), "[{host: a.example.com, paths: [{path: /, pathType: Sometimes}]}]".into())],
            Some(By::Schema),
        ));
    }
    if let Some((path, s)) =
        props.iter().find(|(_, s)| s.pointer("/items/properties/paths/items/properties/service/enum").is_some())
    {
        bad.push(case(
            "ingress path naming an unknown Service",
            vec![(
                path.clone(),
                "[{host: a.example.com, paths: [{path: /, pathType: Prefix, service: nosuch, port: 80}]}]".into(),
            )],
            Some(By::Schema),
        ));
        let first = s
            .pointer("/items/properties/paths/items/properties/service/enum/0")
            .and_then(J::as_str)
            .unwrap()
            .to_string();
        let mut c = case(
            "ingress path to another Service by port name",
            vec![(
                path.clone(),
                format!(
                    "[{{host: b.example.com, paths: [{{path: /b, pathType: Exact, service: {first}, port: web}}]}}]"
                ),
            )],
            None,
        );
        c.flags = Vec::new();
        good.push(c);
    }
    if let Some((path, _)) = props.iter().find(|(_, s)| s.pointer("/items/properties/protocol").is_some()) {
        bad.push(case(
            "service port protocol outside its enum",
            vec![(path.clone(), "[{port: 80, protocol: HTTP}]".into())],
            Some(By::Schema),
        ));
    }
    for (path, _) in props.iter().filter(|(p, _)| p.ends_with(&["image".into(), "tag".into()])) {
        bad.push(case("unquoted version tag 1.20", vec![(path.clone(), "1.20".into())], Some(By::Schema)));
    }
    for (path, s) in &props {
        let rules = s.get("allOf").and_then(J::as_array).cloned().unwrap_or_default();
        for r in &rules {
            if r.pointer("/then/properties/hosts").is_some() {
                bad.push(case(
                    "enabled ingress without hosts",
                    vec![(p(path, "enabled"), "true".into()), (p(path, "hosts"), "[]".into())],
                    Some(By::Both),
                ));
            }
            if r.pointer("/then/not/allOf").is_some() {
                let on = (p(path, "enabled"), "true".to_string());
                let min = |v: &str| (p(path, "minAvailable"), v.to_string());
                let max = |v: &str| (p(path, "maxUnavailable"), v.to_string());
                bad.push(case(
                    "PDB with both minAvailable and maxUnavailable",
                    vec![on.clone(), min("1"), max("1")],
                    Some(By::Both),
                ));
                // Drain safety is lint's opinion, not the guard's: Kubernetes takes these.
                good.push(case("PDB with maxUnavailable 0", vec![on.clone(), min("\"\""), max("0")], None));
                good.push(case("PDB with neither field", vec![on.clone(), min("\"\""), max("\"\"")], None));
                let owner = &path[..path.len() - 1];
                if let Some(replicas) = value_at(values, &p(owner, "replicaCount")).and_then(J::as_i64) {
                    let set = vec![on, min(&replicas.to_string()), max("\"\"")];
                    good.push(case("PDB minAvailable equal to the replica count", set, None));
                }
            }
            if r.pointer("/not/allOf").is_some() {
                let key = s["properties"]
                    .as_object()
                    .and_then(|o| o.keys().find(|k| *k != "existingSecret").cloned())
                    .unwrap();
                bad.push(case(
                    "existingSecret and secret values together",
                    vec![(p(path, "existingSecret"), "my-secret".into()), (p(path, &key), "x".into())],
                    Some(By::Both),
                ));
            }
        }
        if has(&s["properties"], "minReplicas") && has(&s["properties"], "maxReplicas") {
            bad.push(case(
                "HPA minReplicas above maxReplicas",
                vec![
                    (p(path, "enabled"), "true".into()),
                    (p(path, "minReplicas"), "5".into()),
                    (p(path, "maxReplicas"), "2".into()),
                ],
                Some(By::Fail),
            ));
        }
    }

    let bools: Vec<(Vec<String>, String)> = props
        .iter()
        .filter(|(_, s)| s["type"] == "boolean")
        .enumerate()
        .map(|(i, (path, _))| {
            let on = value_at(values, path).and_then(J::as_bool).unwrap_or(false);
            (path.clone(), if on { if i % 2 == 0 { "yes" } else { "on" } } else { "no" }.to_string())
        })
        .collect();
    if !bools.is_empty() {
        good.push(case("YAML 1.1 booleans (yes, on, no)", bools, None));
    }
    for (path, _) in props.iter().filter(|(p, _)| p.ends_with(&["image".into(), "tag".into()])).take(1) {
        good.push(case("quoted version tag", vec![(path.clone(), "\"1.20\"".into())], None));
        let mut c = case("--set image tag", vec![], None);
        c.flags = vec![format!("{}=1.2.3", path.join("."))];
        good.push(c);
    }
    if let Some((path, _)) = props.iter().find(|(p, _)| p.last().is_some_and(|k| k == "replicaCount")) {
        let mut c = case("--set replicaCount", vec![], None);
        c.flags = vec![format!("{}=5", path.join("."))];
        good.push(c);
    }
    if let Some((path, s)) = props.iter().find(|(_, s)| has(s, "enum")) {
        let last = s["enum"].as_array().unwrap().last().unwrap().as_str().unwrap().to_string();
        good.push(case("another enum value", vec![(path.clone(), format!("\"{last}\""))], None));
    }
    (bad, good)
}

/// Cases for every rule the chart ships under `x-chartwright-guards`: for each, values that break
/// it and values at its edge that keep it, so that `validate` and `helm template` can be compared
/// rule by rule.
fn guard_cases(schema: &J) -> Vec<(String, Case)> {
    let rules = schema["x-chartwright-guards"].as_array().cloned().unwrap_or_default();
    let path =
        |v: &J| -> Vec<String> { v.as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect() };
    let mut out = Vec::new();
    for r in &rules {
        let kind = r["rule"].as_str().unwrap().to_string();
        let mut add = |name: &str, set: Vec<(Vec<String>, String)>, bad: bool| {
            let by = bad.then_some(By::Fail);
            out.push((kind.clone(), case(&format!("guard {kind} {name}"), set, by)));
        };
        match kind.as_str() {
            "imageRepository" => {
                let image = path(&r["image"]);
                add(&format!("{} empty", image.join(".")), vec![(p(&image, "repository"), "\"\"".into())], true);
                add(
                    &format!("{} set", image.join(".")),
                    vec![(p(&image, "repository"), "registry.example/app".into())],
                    false,
                );
            }
            "ingressHosts" => {
                let slot = path(&r["slot"]);
                add(
                    "enabled without hosts",
                    vec![(p(&slot, "enabled"), "true".into()), (p(&slot, "hosts"), "[]".into())],
                    true,
                );
                add(
                    "disabled without hosts",
                    vec![(p(&slot, "enabled"), "false".into()), (p(&slot, "hosts"), "[]".into())],
                    false,
                );
            }
            "pdbFields" => {
                let slot = path(&r["slot"]);
                let on = (p(&slot, "enabled"), "true".to_string());
                let min = |v: &str| (p(&slot, "minAvailable"), v.to_string());
                let max = |v: &str| (p(&slot, "maxUnavailable"), v.to_string());
                add("both set", vec![on.clone(), min("1"), max("1")], true);
                add("neither set", vec![on.clone(), min("null"), max("\"\"")], false);
                add("maxUnavailable 0%", vec![on.clone(), min("\"\""), max("\"0%\"")], false);
                add("minAvailable 100%", vec![on.clone(), min("\"100%\""), max("\"\"")], false);
                add("disabled with both set", vec![(p(&slot, "enabled"), "false".into()), min("1"), max("1")], false);
            }
            "hpaBounds" => {
                let slot = path(&r["slot"]);
                let on = (p(&slot, "enabled"), "true".to_string());
                if r["hasMin"] == J::Bool(true) {
                    add(
                        "minReplicas above maxReplicas",
                        vec![on.clone(), (p(&slot, "minReplicas"), "8".into()), (p(&slot, "maxReplicas"), "4".into())],
                        true,
                    );
                    add(
                        "minReplicas equal to maxReplicas",
                        vec![on.clone(), (p(&slot, "minReplicas"), "4".into()), (p(&slot, "maxReplicas"), "4".into())],
                        false,
                    );
                    add(
                        "disabled with minReplicas above maxReplicas",
                        vec![
                            (p(&slot, "enabled"), "false".into()),
                            (p(&slot, "minReplicas"), "8".into()),
                            (p(&slot, "maxReplicas"), "4".into()),
                        ],
                        false,
                    );
                } else {
                    add("maxReplicas 0", vec![on.clone(), (p(&slot, "maxReplicas"), "0".into())], true);
                    add("maxReplicas 1", vec![on.clone(), (p(&slot, "maxReplicas"), "1".into())], false);
                }
            }
            "serviceType" => {
                let slot = path(&r["slot"]);
                let ty = |v: &str| (p(&slot, "type"), v.to_string());
                let policy = (p(&slot, "externalTrafficPolicy"), "Local".to_string());
                let ranges = (p(&slot, "loadBalancerSourceRanges"), "[10.0.0.0/8]".to_string());
                add("externalTrafficPolicy on ClusterIP", vec![ty("ClusterIP"), policy.clone()], true);
                add("externalTrafficPolicy on NodePort", vec![ty("NodePort"), policy], false);
                add("loadBalancerSourceRanges on NodePort", vec![ty("NodePort"), ranges.clone()], true);
                add("loadBalancerSourceRanges on LoadBalancer", vec![ty("LoadBalancer"), ranges], false);
            }
            "secretSource" => {
                let slot = path(&r["slot"]);
                let key = r["keys"][0].as_str().unwrap().to_string();
                add(
                    "existingSecret and a value",
                    vec![(p(&slot, "existingSecret"), "my-secret".into()), (p(&slot, &key), "x".into())],
                    true,
                );
                let mut only: Vec<(Vec<String>, String)> = vec![(p(&slot, "existingSecret"), "my-secret".into())];
                for k in r["keys"].as_array().unwrap() {
                    only.push((p(&slot, k.as_str().unwrap()), "\"\"".into()));
                }
                add("existingSecret alone", only, false);
            }
            other => panic!("no cases for guard rule {other}: add them"),
        }
    }
    out
}

/// `chartwright validate`'s verdict on the same values: true when it rejects them.
fn validate_rejects(chart: &Path, dir: &Path, c: &Case, compat: &str) -> bool {
    let file = dir.join(format!("v-{}.yaml", c.name.replace([' ', '\'', ',', '(', ')', '-', '%'], "_")));
    std::fs::write(&file, values_yaml(&c.set)).unwrap();
    let mut cmd = chartwright();
    cmd.arg("validate").arg(chart).arg(&file).args(["--helm-compat", compat]);
    for f in &c.flags {
        cmd.args(["--set", f]);
    }
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "validate failed to run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.code() == Some(1)
}

struct Outcome {
    rejected: bool,
    by_schema: bool,
    text: String,
}

fn render(bin: &Path, chart: &Path, dir: &Path, c: &Case, skip_schema: bool) -> Outcome {
    let file = dir.join(format!("{}.yaml", c.name.replace([' ', '\'', ',', '(', ')', '-', '%'], "_")));
    std::fs::write(&file, values_yaml(&c.set)).unwrap();
    let mut args = vec!["template", "x", chart.to_str().unwrap(), "-f", file.to_str().unwrap()];
    for f in &c.flags {
        args.push("--set");
        args.push(f);
    }
    if skip_schema {
        args.push("--skip-schema-validation");
    }
    let out = helm(bin, &args);
    let text = String::from_utf8_lossy(&out.stderr).to_string();
    Outcome {
        rejected: !out.status.success(),
        by_schema: text.contains("don't meet the specifications of the schema"),
        text,
    }
}

#[test]
fn generated_schemas_and_fail_rules_reject_bad_values_and_accept_good_ones_on_helm_3_and_4() {
    let cases_dir = root().join("golden/generate");
    let mut charts: Vec<PathBuf> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected/Chart.yaml").is_file())
        // A case with an `args` file repeats another case's input with dependencies, which
        // need `helm dependency build` (tests/it/generate_deps.rs renders those).
        .filter(|p| !p.join("args").exists())
        .collect();
    charts.sort();
    assert!(charts.len() >= 8);
    let results: Vec<(usize, usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = charts
            .iter()
            .map(|case_dir| {
                scope.spawn(move || {
                    let tmp = tempfile::tempdir().unwrap();
                    let chart = tmp.path().join("chart");
                    let name = case_dir.file_name().unwrap().to_str().unwrap();
                    let out = chartwright()
                        .current_dir(case_dir)
                        .args(["generate", "input", "--name", name, "--output"])
                        .arg(&chart)
                        .output()
                        .unwrap();
                    assert!(chart.join("values.schema.json").is_file(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
                    let schema: J = serde_json::from_str(&std::fs::read_to_string(chart.join("values.schema.json")).unwrap()).unwrap();
                    let values = {
                        let text = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
                        chartwright::yaml::parse_stream(&text).unwrap().remove(0).root.unwrap().to_json()
                    };
                    let (bad, good) = cases_for(&schema, &values);
                    let guards = guard_cases(&schema);
                    let rules = schema["x-chartwright-guards"].as_array().map_or(0, Vec::len);
                    let mut problems = Vec::new();
                    let (mut rejected, mut accepted, mut agreed) = (0, 0, 0);
                    for (label, bin) in each_helm() {
                        let compat = if label.contains("helm 3") { "3" } else { "4" };
                        // Every guard rule: validate gives Helm's verdict, and the bad values are bad.
                        for (kind, c) in &guards {
                            let o = render(bin, &chart, tmp.path(), c, false);
                            let helm_rejects = o.rejected;
                            let ours = validate_rejects(&chart, tmp.path(), c, compat);
                            if helm_rejects != ours {
                                problems.push(format!(
                                    "{label} {name}: guard case '{}': helm template {} but chartwright validate {}: {}",
                                    c.name,
                                    if helm_rejects { "rejects" } else { "accepts" },
                                    if ours { "rejects" } else { "accepts" },
                                    o.text
                                ));
                            } else if helm_rejects != c.by.is_some() {
                                problems.push(format!("{label} {name}: guard case '{}' has the wrong expectation ({kind})", c.name));
                            } else {
                                agreed += 1;
                            }
                        }
                        for c in &bad {
                            let o = render(bin, &chart, tmp.path(), c, false);
                            if !o.rejected {
                                problems.push(format!("{label} {name}: bad case '{}' was accepted", c.name));
                                continue;
                            }
                            rejected += 1;
                            match c.by {
                                Some(By::Schema | By::Both) if !o.by_schema => problems.push(format!(
                                    "{label} {name}: '{}' must be rejected by the schema itself (a keyword this Helm ignores?): {}",
                                    c.name, o.text
                                )),
                                Some(By::Fail) if !o.text.contains("execution error") => {
                                    problems.push(format!("{label} {name}: '{}' must be rejected by fail: {}", c.name, o.text))
                                }
                                _ => {}
                            }
                            if matches!(c.by, Some(By::Both | By::Fail)) {
                                let o = render(bin, &chart, tmp.path(), c, true);
                                if !(o.rejected && o.text.contains("execution error")) {
                                    problems.push(format!(
                                        "{label} {name}: '{}' passes with --skip-schema-validation: the fail rule disagrees with the schema",
                                        c.name
                                    ));
                                }
                            }
                        }
                        for c in &good {
                            let o = render(bin, &chart, tmp.path(), c, false);
                            if o.rejected {
                                problems.push(format!("{label} {name}: good case '{}' was rejected: {}", c.name, o.text));
                            } else {
                                accepted += 1;
                            }
                        }
                        // `chartwright validate` agrees with Helm on every case, the schema's and the guard's.
                        for c in &bad {
                            if !validate_rejects(&chart, tmp.path(), c, compat) {
                                problems.push(format!("chartwright validate {label} {name}: bad case '{}' was accepted", c.name));
                            }
                        }
                        for c in &good {
                            if validate_rejects(&chart, tmp.path(), c, compat) {
                                problems.push(format!("chartwright validate {label} {name}: good case '{}' was rejected", c.name));
                            }
                        }
                        let lint = helm(bin, &["lint", "--strict", chart.to_str().unwrap()]);
                        if !lint.status.success() {
                            problems.push(format!("{label} {name}: default values fail helm lint --strict"));
                        }
                    }
                    if rules > 0 && guards.iter().filter(|(_, c)| c.by.is_some()).count() < rules {
                        problems.push(format!("{name}: some of its {rules} guard rules have no breaking case"));
                    }
                    (rejected, accepted, agreed, problems)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let rejected: usize = results.iter().map(|r| r.0).sum();
    let accepted: usize = results.iter().map(|r| r.1).sum();
    let agreed: usize = results.iter().map(|r| r.2).sum();
    let problems: Vec<String> = results.into_iter().flat_map(|r| r.3).collect();
    println!(
        "schema conformance on Helm 3.17.2 and 4.1.4: {rejected} bad values rejected, {accepted} good values accepted, \
         {agreed} guard verdicts of chartwright validate equal to helm template's"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(agreed >= 60, "{agreed} guard verdicts compared");
    assert!(rejected >= 100 && accepted >= 30, "{rejected} rejected, {accepted} accepted");
}

#[test]
fn schemas_are_self_contained_draft_07_with_descriptions_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let case_dir = root().join("golden/generate/shop");
    let chart = tmp.path().join("chart");
    chartwright()
        .current_dir(&case_dir)
        .args(["generate", "input", "--name", "shop", "--output"])
        .arg(&chart)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(chart.join("values.schema.json")).unwrap();
    let schema: J = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(schema["properties"]["global"].is_object(), "the root allows global");
    for keyword in ["\"format\"", "\"$defs\"", "\"$id\"", "http://", "https://"] {
        let uses = text.matches(keyword).count() - usize::from(keyword == "http://");
        assert_eq!(uses, 0, "the schema must not use {keyword}");
    }
    let mut props = Vec::new();
    properties(&schema, &mut Vec::new(), &mut props);
    for (path, s) in &props {
        assert!(s.get("description").is_some_and(J::is_string), "{} has no description", path.join("."));
        assert!(s.get("type").is_some() || s.get("$ref").is_some(), "{} has no type", path.join("."));
    }
}

#[test]
fn the_guard_keyword_changes_nothing_for_helm_3_or_4() {
    let tmp = tempfile::tempdir().unwrap();
    let case_dir = root().join("golden/generate/orders-api");
    let with = tmp.path().join("with/orders-api");
    let without = tmp.path().join("without/orders-api");
    for dir in [&with, &without] {
        let out = chartwright()
            .current_dir(&case_dir)
            .args(["generate", "input", "--name", "orders-api", "--output"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(dir.join("values.schema.json").is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let schema_path = without.join("values.schema.json");
    let mut schema: J = serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let removed = schema.as_object_mut().unwrap().remove("x-chartwright-guards");
    assert!(removed.is_some_and(|g| g.as_array().is_some_and(|a| a.len() >= 4)), "the chart ships its guards");
    std::fs::write(&schema_path, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
    let files = [
        ("defaults", ""),
        ("hpa-inverted", "autoscaling:\n  enabled: true\n  minReplicas: 8\n  maxReplicas: 4\n"),
        ("pdb-both", "podDisruptionBudget:\n  enabled: true\n  minAvailable: 2\n"),
        ("unknown-key", "replicaCont: 3\n"),
        ("good", "replicaCount: 5\n"),
    ];
    let mut rejected = 0;
    for (label, bin) in each_helm() {
        for (name, text) in files {
            let f = tmp.path().join(format!("{name}.yaml"));
            std::fs::write(&f, text).unwrap();
            let run = |chart: &Path| helm(bin, &["template", "x", chart.to_str().unwrap(), "-f", f.to_str().unwrap()]);
            let (a, b) = (run(&with), run(&without));
            assert_eq!(a.status.code(), b.status.code(), "{label} {name}");
            assert_eq!(a.stdout, b.stdout, "{label} {name}");
            let strip = |o: &std::process::Output, dir: &Path| {
                String::from_utf8_lossy(&o.stderr).replace(dir.to_str().unwrap(), "CHART")
            };
            assert_eq!(strip(&a, &with), strip(&b, &without), "{label} {name}");
            rejected += usize::from(!a.status.success());
        }
        for chart in [&with, &without] {
            assert!(helm(bin, &["lint", "--strict", chart.to_str().unwrap()]).status.success(), "{label}");
        }
    }
    assert_eq!(rejected, 6, "three bad values files on each Helm");
}

#[test]
fn the_generated_pdb_pair_and_hpa_bounds_are_explained_at_the_users_line() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("orders-api");
    chartwright()
        .current_dir(root().join("golden/generate/orders-api"))
        .args(["generate", "input", "--name", "orders-api", "--output"])
        .arg(&chart)
        .output()
        .unwrap();
    std::fs::write(tmp.path().join("pdb.yaml"), "podDisruptionBudget:\n  enabled: true\n  minAvailable: 2\n").unwrap();
    std::fs::write(tmp.path().join("hpa.yaml"), "autoscaling:\n  enabled: true\n  minReplicas: 8\n  maxReplicas: 4\n")
        .unwrap();
    let out = chartwright()
        .current_dir(tmp.path())
        .args(["validate", "orders-api", "pdb.yaml", "hpa.yaml"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "pdb.yaml:3:17: error[not]: orders-api: at '/podDisruptionBudget': not allowed together: minAvailable is set and maxUnavailable is set; keep only one of them\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("hpa.yaml:3:16: error[guard]: orders-api: at '/autoscaling': autoscaling: minReplicas must not be greater than maxReplicas\n"),
        "{text}"
    );
}
