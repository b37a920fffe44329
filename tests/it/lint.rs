//! `chartwright lint`: per-rule fixtures, golden output in every format, schemas, suppression,
//! exit codes and `helm template | chartwright lint -` with real Helm.

use crate::common;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chartwright::lint::{self, LintConfig, RULES};
use chartwright::manifest::{self, Loaded};
use common::{assert_golden, chartwright, each_helm, helm, root};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/lint")
}

fn load(path: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let text = std::fs::read_to_string(path).unwrap();
    manifest::load_text(&path.display().to_string(), text, &mut loaded).unwrap();
    loaded
}

/// Lines of `fail.yaml` marked `# <- <rule>`.
fn marked_lines(path: &Path, rule: &str) -> Vec<u32> {
    let marker = format!("# <- {rule}");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_end().ends_with(&marker))
        .map(|(i, _)| u32::try_from(i + 1).unwrap())
        .collect()
}

fn reported_lines(loaded: &Loaded, rule: &str) -> Vec<u32> {
    lint::lint_objects(loaded, &LintConfig::default())
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.location.as_ref().unwrap().line)
        .collect()
}

#[test]
fn every_rule_reports_exactly_the_marked_lines_of_its_failing_fixture_and_nothing_in_its_passing_one() {
    let mut failures = Vec::new();
    for rule in RULES {
        let dir = fixtures().join("rules").join(rule.id);
        let fail = dir.join("fail.yaml");
        let expected = marked_lines(&fail, rule.id);
        assert!(!expected.is_empty(), "{} marks no line with `# <- {}`", fail.display(), rule.id);
        let got = reported_lines(&load(&fail), rule.id);
        if got != expected {
            failures.push(format!("{}: expected lines {expected:?}, reported {got:?}", rule.id));
        }
        let got = reported_lines(&load(&dir.join("pass.yaml")), rule.id);
        if !got.is_empty() {
            failures.push(format!("{}: pass.yaml reported at lines {got:?}", rule.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_directories_match_the_registry() {
    let dirs: BTreeSet<String> = std::fs::read_dir(fixtures().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let ids: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(dirs, ids, "tests/fixtures/lint/rules/ must have exactly one directory per rule");
}

#[test]
fn every_finding_carries_object_pointer_help_and_the_field_position() {
    for rule in RULES {
        let fail = fixtures().join("rules").join(rule.id).join("fail.yaml");
        let loaded = load(&fail);
        for d in lint::lint_objects(&loaded, &LintConfig::default()) {
            let loc = d.location.as_ref().unwrap();
            assert!(loc.line >= 1 && loc.column >= 1, "{d:?}");
            assert!(d.help.as_deref().is_some_and(|h| h.ends_with('.')), "{d:?}");
            assert!(d.fields["object"].as_str().unwrap().contains('/'), "{d:?}");
            assert!(d.fields["pointer"].as_str().unwrap().starts_with('/'), "{d:?}");
            let line = loaded.sources[&loc.file].lines().nth(loc.line as usize - 1).unwrap();
            assert!(line.chars().count() >= loc.column as usize, "{}: column {} beyond {line:?}", rule.id, loc.column);
        }
    }
}

#[test]
fn pointers_name_the_offending_field_inside_the_object() {
    let loaded = load(&fixtures().join("rules/probe-initial-delay-only/fail.yaml"));
    let d = lint::lint_objects(&loaded, &LintConfig::default())
        .into_iter()
        .find(|d| d.rule == "probe-initial-delay-only")
        .unwrap();
    assert_eq!(d.fields["pointer"], "/spec/template/spec/containers/0/readinessProbe/initialDelaySeconds");
    assert_eq!(d.location.as_ref().unwrap().column, 13);
    assert_eq!(d.fields["object"], "Deployment/api");
}

#[test]
fn docs_rules_md_is_generated_from_the_rule_metadata() {
    assert_golden(&root().join("docs/rules.md"), &lint::docs::rules_markdown());
}

#[test]
fn list_rules_prints_every_rule_of_the_registry_in_order() {
    let out = chartwright().args(["lint", "--list-rules"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    let expected: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);
    let out = chartwright().args(["lint", "--list-rules", "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), RULES.len());
    assert_eq!(json[0]["summary"], RULES[0].summary);
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd: Command = chartwright();
    cmd.current_dir(dir).arg("lint").args(args).env("NO_COLOR", "1");
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn sample() -> PathBuf {
    fixtures().join("sample")
}

#[test]
fn golden_output_in_every_format() {
    for (format, ext) in
        [("text", "txt"), ("json", "json"), ("github", "github"), ("sarif", "sarif"), ("junit", "junit.xml")]
    {
        let out = run_in(&sample(), &["rendered.yaml", "--format", format], None);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_golden(&root().join(format!("golden/lint/sample.{ext}")), &stdout);
        let again = run_in(&sample(), &["rendered.yaml", "--format", format], None);
        assert_eq!(String::from_utf8(again.stdout).unwrap(), stdout, "{format} output is not deterministic");
    }
}

#[test]
fn stdin_findings_name_the_helm_template_and_the_stream_line() {
    let input = std::fs::read(sample().join("rendered.yaml")).unwrap();
    let out = run_in(&sample(), &["-", "--format", "json"], Some(&input));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pdb = json["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "pdb-blocks-drain").unwrap();
    assert_eq!(pdb["template"], "shop/templates/pdb.yaml");
    assert_eq!(pdb["location"]["file"], "<stdin>");
    let line = pdb["location"]["line"].as_u64().unwrap() as usize;
    let text = String::from_utf8(input).unwrap();
    assert_eq!(text.lines().nth(line - 1).unwrap().trim(), "minAvailable: 3");
}

fn escape_stray_bracket(v: &mut serde_json::Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::String(s) if s == BAD => {
            *s = BAD.replace("}]?", "}\\]?");
            1
        }
        serde_json::Value::Array(a) => a.iter_mut().map(escape_stray_bracket).sum(),
        serde_json::Value::Object(o) => o.values_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

/// With `formats`, string formats are checked too.
fn compile(schema: &serde_json::Value, formats: bool) -> jsonschema::Validator {
    jsonschema::options().should_validate_formats(formats).build(schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not validate:\n{}", errors.join("\n"));
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("sarif-schema-2.1.0.json")).unwrap()).unwrap();
    // The schema's `language` patterns (run, toolComponent) have a stray `]` that the
    // meta-schema's `regex` format check rejects; chartwright never writes `language`, so escaping
    // it changes nothing that is checked here.
    let fixed = escape_stray_bracket(&mut schema);
    assert!(fixed >= 2, "the schema changed: {fixed} language patterns");
    let validator = compile(&schema, true);
    let out = run_in(&sample(), &["rendered.yaml", "--format", "sarif"], None);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&validator, &log, "the SARIF log");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    let input = std::fs::read(sample().join("rendered.yaml")).unwrap();
    let out = run_in(&sample(), &["-", "--format", "sarif"], Some(&input));
    let from_stdin: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&validator, &from_stdin, "the SARIF log of stdin input");
    // The schema must be strict enough to reject a broken log, or the check above proves nothing.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn json_output_validates_against_the_documented_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schemas/lint-output.schema.json")).unwrap())
            .unwrap();
    let validator = compile(&schema, true);
    let input = std::fs::read(sample().join("rendered.yaml")).unwrap();
    let out = run_in(&sample(), &["-", "--format", "json"], Some(&input));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&validator, &doc, "lint JSON output");
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["failed"], true);
    let clean =
        run_in(&fixtures().join("rules/host-pid"), &["pass.yaml", "--format", "json", "--fail-on", "never"], None);
    assert_valid(&validator, &serde_json::from_slice(&clean.stdout).unwrap(), "lint JSON output");
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = fixtures().join("rules/pdb-blocks-drain");
    assert_eq!(run_in(&dir, &["fail.yaml"], None).status.code(), Some(1));
    assert_eq!(run_in(&dir, &["fail.yaml", "--fail-on", "never"], None).status.code(), Some(0));
    // pass.yaml still has warnings (security defaults), which fail only with --fail-on warning.
    assert_eq!(run_in(&dir, &["pass.yaml"], None).status.code(), Some(0));
    assert_eq!(run_in(&dir, &["pass.yaml", "--fail-on", "warning"], None).status.code(), Some(1));
}

#[test]
fn bad_input_exits_2_with_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n").unwrap();
    let out = run_in(tmp.path(), &["bad.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("chartwright: error: bad.yaml:3:19: invalid YAML:"), "{err}");
    assert!(err.contains("3 | metadata: {name: [\n  |                   ^\n"), "{err}");
    let out = run_in(tmp.path(), &["missing.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run_in(tmp.path(), &["bad.yaml", "--disable", "no-such-rule"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("unknown rule `no-such-rule`"));
}

#[test]
fn disable_and_enable_switch_rules_off_and_back_on() {
    let tmp = tempfile::tempdir().unwrap();
    let fail = fixtures().join("rules/pdb-blocks-drain/fail.yaml");
    std::fs::copy(&fail, tmp.path().join("in.yaml")).unwrap();
    let rules = |out: Output| -> BTreeSet<String> {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
    };
    let off = rules(run_in(tmp.path(), &["in.yaml", "--format", "json", "--disable", "pdb-blocks-drain"], None));
    assert!(!off.contains("pdb-blocks-drain") && off.contains("cpu-request-missing"), "{off:?}");
    std::fs::write(tmp.path().join(".chartwright.yaml"), "lint:\n  disable: [pdb-blocks-drain]\n").unwrap();
    let off = rules(run_in(tmp.path(), &["in.yaml", "--format", "json"], None));
    assert!(!off.contains("pdb-blocks-drain"), "the config file in the current directory was not read");
    let on = rules(run_in(tmp.path(), &["in.yaml", "--format", "json", "--enable", "pdb-blocks-drain"], None));
    assert!(on.contains("pdb-blocks-drain"));
}

#[test]
fn config_file_overrides_severity_and_ignores_objects() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("rules/pdb-blocks-drain/fail.yaml"), tmp.path().join("in.yaml")).unwrap();
    let cfg = tmp.path().join("lint-config.yaml");
    std::fs::write(
        &cfg,
        "lint:\n  severity:\n    image-latest-tag: error\n    pdb-blocks-drain: info\n  ignore:\n    - rules: [pdb-blocks-drain]\n      object: PodDisruptionBudget/web-*\n      reason: test\n",
    )
    .unwrap();
    let out = run_in(tmp.path(), &["in.yaml", "--format", "json", "--config", cfg.to_str().unwrap()], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pdb: Vec<&serde_json::Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "pdb-blocks-drain").collect();
    assert_eq!(pdb.len(), 1, "web-zero and web-all are ignored, web is not");
    assert_eq!(pdb[0]["object"], "PodDisruptionBudget/web");
    assert_eq!(pdb[0]["severity"], "info");
    assert_eq!(json["summary"]["suppressed"], 2);
    assert_eq!(out.status.code(), Some(0), "the only error was downgraded to info");
    std::fs::write(&cfg, "lint:\n  severity:\n    image-latest-tag: fatal\n").unwrap();
    let out = run_in(tmp.path(), &["in.yaml", "--config", cfg.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("lint-config.yaml:3:23: severity of image-latest-tag must be"), "{err}");
}

#[test]
fn ignore_annotation_suppresses_named_rules_on_the_object_or_its_pod_template() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    chartwright.io/ignore: \"host-network, image-latest-tag: lab only\"\nspec:\n  hostNetwork: true\n  containers:\n    - {name: a, image: nginx}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n  selector: {matchLabels: {app: b}}\n  template:\n    metadata:\n      labels: {app: b}\n      annotations: {chartwright.io/ignore: \"*\"}\n    spec:\n      hostNetwork: true\n      containers: [{name: b, image: nginx}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n  annotations: {chartwright.io/ignore: host-netwrk}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx}]\n";
    let mut loaded = Loaded::default();
    manifest::load_text("in.yaml", text.to_string(), &mut loaded).unwrap();
    let report = lint::lint(&loaded, &LintConfig::default());
    let on = |obj: &str| -> Vec<String> {
        report.findings.iter().filter(|d| d.fields["object"] == obj).map(|d| d.rule.clone()).collect()
    };
    assert!(!on("Pod/a").iter().any(|r| r == "host-network" || r == "image-latest-tag"), "{:?}", on("Pod/a"));
    assert!(on("Pod/a").iter().any(|r| r == "run-as-non-root-unset"));
    assert!(on("Deployment/b").is_empty(), "{:?}", on("Deployment/b"));
    let c = on("Pod/c");
    assert!(c.contains(&"host-network".to_string()) && c.contains(&lint::BAD_IGNORE_RULE.to_string()), "{c:?}");
}

#[test]
fn helm_template_output_piped_into_lint_names_the_templates_with_helm_3_and_4() {
    for (label, bin) in each_helm() {
        let out = helm(bin, &["template", "prod", fixtures().join("chart").to_str().unwrap()]);
        assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        let lint_out = run_in(&sample(), &["-", "--format", "json"], Some(&out.stdout));
        assert_eq!(lint_out.status.code(), Some(1), "{label}: {}", String::from_utf8_lossy(&lint_out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&lint_out.stdout).unwrap();
        let rendered = String::from_utf8(out.stdout).unwrap();
        let findings = json["findings"].as_array().unwrap();
        let rules: BTreeSet<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
        for expected in ["pdb-blocks-drain", "service-target-port-missing", "image-latest-tag", "egress-blocks-dns"] {
            assert!(rules.contains(expected), "{label}: {expected} missing from {rules:?}");
        }
        for f in findings {
            let template = f["template"].as_str().unwrap_or_else(|| panic!("{label}: no template in {f}"));
            assert!(template.starts_with("shop/templates/"), "{label}: {template}");
            // The stream line lies inside the document that follows that template's Source comment.
            let line = f["location"]["line"].as_u64().unwrap() as usize;
            let source_line = rendered.lines().take(line).filter(|l| l.starts_with("# Source: ")).last().unwrap();
            assert_eq!(source_line, format!("# Source: {template}"), "{label}: {f}");
        }
        // For code scanning, every annotation lands on a template file of the chart directory.
        let gh = run_in(
            &sample(),
            &["-", "--format", "github", "--chart-root", "tests/fixtures/lint/chart"],
            Some(rendered.as_bytes()),
        );
        let gh = String::from_utf8(gh.stdout).unwrap();
        for line in gh.lines() {
            let file = line.split("file=").nth(1).and_then(|r| r.split(',').next()).unwrap();
            let path = file.strip_prefix("tests/fixtures/lint/chart/").unwrap_or_else(|| panic!("{label}: {line}"));
            assert!(fixtures().join("chart").join(path).is_file(), "{label}: {file} is not a file of the chart");
        }
        assert_eq!(gh.lines().count(), findings.len(), "{label}");
    }
}

#[test]
fn oddly_shaped_objects_do_not_crash_any_rule() {
    let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  replicas: 9223372036854775807
  selector: "app=a"
  strategy: {rollingUpdate: [0, 0]}
  template:
    metadata: {labels: [a]}
    spec:
      hostNetwork: "yes please"
      securityContext: 7
      containers: "not a list"
      initContainers:
        - "a string"
        - name: [x]
          image: {repo: x}
          resources: [1, 2]
          securityContext: {capabilities: {drop: ALL}}
          livenessProbe: true
          ports: {containerPort: 80}
          env: [{valueFrom: {configMapKeyRef: [x]}}]
      volumes: [{secret: null}, 3]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  replicas: 9223372036854775807
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec:
      containers:
        - name: b
          image: ":"
          resources: {requests: {cpu: "1e999", memory: "-5Mi"}, limits: {cpu: "m", memory: 0}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b}
spec: {minAvailable: "abc%", selector: {matchLabels: {app: b}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b2}
spec: {minAvailable: 9223372036854775807, selector: {matchExpressions: [{key: app, operator: Bogus}]}}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {selector: {app: b}, ports: [{port: [80]}, {targetPort: {x: 1}}, 5]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec: {rules: [{http: {paths: [{backend: {service: {name: 5, port: {number: "x"}}}}]}}], defaultBackend: []}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: n}
spec: {policyTypes: Egress, egress: [{ports: [{port: 1, endPort: -4}]}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec: {scaleTargetRef: "b", minReplicas: "2", maxReplicas: [1]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, annotations: {chartwright.io/ignore: [1]}}
data: {password: [1], url: "a://:@", k: "x://u:p@"}
"#;
    let mut loaded = Loaded::default();
    manifest::load_text("odd.yaml", text.to_string(), &mut loaded).unwrap();
    let findings = lint::lint_objects(&loaded, &LintConfig::default());
    assert!(findings.iter().all(|d| d.location.as_ref().is_some_and(|l| l.line >= 1)));
    // Still useful on the parts that make sense.
    assert!(findings.iter().any(|d| d.rule == "run-as-non-root-unset" && d.fields["object"] == "Deployment/b"));
    assert!(findings.iter().any(|d| d.rule == "pdb-selects-nothing" && d.fields["object"] == "PodDisruptionBudget/b2"));
}

fn findings(out: &Output) -> Vec<serde_json::Value> {
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    json["findings"].as_array().unwrap().clone()
}

fn regression(name: &str) -> PathBuf {
    fixtures().join("regressions").join(name)
}

/// Secret and ConfigMap names of the `config-ref-missing` findings.
fn missing_refs(out: &Output) -> Vec<String> {
    findings(out)
        .iter()
        .filter(|f| f["rule"] == "config-ref-missing")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_secret_written_by_a_cert_manager_certificate_is_not_missing() {
    let out = run_in(&regression("cert-manager-secret"), &["app.yaml", "--format", "json"], None);
    assert!(missing_refs(&out).is_empty(), "{:?}", missing_refs(&out));
}

#[test]
fn a_secret_named_in_a_jobs_arguments_is_not_missing_but_others_still_are() {
    let out = run_in(&regression("job-created-secret"), &["app.yaml", "--format", "json"], None);
    assert_eq!(missing_refs(&out), vec!["Secret not-created-by-anyone is not in the input"]);
}

#[test]
fn kustomize_generator_outputs_are_not_missing_with_or_without_kustomization_kind() {
    let out = run_in(&regression("kustomize-generators"), &[".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(missing_refs(&out).is_empty(), "{:?}", missing_refs(&out));
    // The deployment alone still misses them: the generators are what makes them present.
    let alone = run_in(&regression("kustomize-generators"), &["deployment.yaml", "--format", "json"], None);
    assert_eq!(missing_refs(&alone).len(), 2, "{:?}", missing_refs(&alone));
}

#[test]
fn duplicate_objects_are_findings_at_every_location_and_the_run_goes_on() {
    let out = run_in(&regression("duplicates"), &[".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let all = findings(&out);
    let dups: Vec<String> = all
        .iter()
        .filter(|f| f["rule"] == "duplicate-object")
        .map(|f| format!("{}:{}", f["location"]["file"].as_str().unwrap(), f["location"]["line"]))
        .collect();
    assert_eq!(
        dups,
        vec![
            "./baremetal/deploy.yaml:5",
            "./baremetal/deploy.yaml:10",
            "./cloud/deploy.yaml:5",
            "./cloud/deploy.yaml:10"
        ]
    );
    let ns = all.iter().find(|f| f["rule"] == "duplicate-object" && f["object"] == "Namespace/edge").unwrap();
    assert!(ns["message"].as_str().unwrap().contains("also at ./cloud/deploy.yaml:2"), "{ns}");
    // The other rules still ran over the whole directory.
    assert!(all.iter().any(|f| f["rule"] == "pdb-blocks-drain"), "{all:?}");
}

#[test]
fn generate_still_refuses_duplicate_objects() {
    let tmp = tempfile::tempdir().unwrap();
    let out = chartwright()
        .args(["generate", "--name", "edge", "-o"])
        .arg(tmp.path().join("chart"))
        .arg(regression("duplicates"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is defined twice"));
}

#[test]
fn empty_input_exits_2_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("empty.yaml"), "# nothing rendered\n---\n").unwrap();
    let out = run_in(tmp.path(), &["-"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no Kubernetes objects in <stdin>"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_in(tmp.path(), &["empty.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Kubernetes objects in empty.yaml"));
    let out = run_in(tmp.path(), &["-", "--allow-empty"], Some(b""));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_yaml_syntax_error_in_a_directory_does_not_stop_the_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a-broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n")
        .unwrap();
    std::fs::copy(fixtures().join("rules/pdb-blocks-drain/fail.yaml"), tmp.path().join("b-pdb.yaml")).unwrap();
    let out = run_in(tmp.path(), &[".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(err.contains("chartwright: error: ./a-broken.yaml:4:"), "{err}");
    assert!(err.contains("4 |   name: [x\n"), "{err}");
    assert!(findings(&out).iter().any(|f| f["rule"] == "pdb-blocks-drain"), "the good file was not linted");
    let text = run_in(tmp.path(), &["."], None);
    assert_eq!(text.status.code(), Some(2));
    assert!(String::from_utf8(text.stdout).unwrap().ends_with("; 1 file not valid YAML (see above)\n"));
}

#[test]
fn duplicate_mapping_keys_are_findings_not_silently_collapsed() {
    let out = run_in(&fixtures().join("rules/duplicate-key"), &["fail.yaml", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let f = findings(&out).into_iter().find(|f| f["rule"] == "duplicate-key").unwrap();
    assert_eq!(f["pointer"], "/spec/template/spec/containers/0/resources");
    assert_eq!(f["location"]["line"], 19);
}

#[test]
fn piped_helm_output_points_github_and_sarif_findings_at_the_chart_template() {
    let input = std::fs::read(sample().join("rendered.yaml")).unwrap();
    let out = run_in(&sample(), &["-", "--format", "github"], Some(&input));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("<stdin>"), "{text}");
    // minAvailable is line 6 of the PodDisruptionBudget document in the stream (line 26).
    assert!(text.contains("::error file=shop/templates/pdb.yaml,line=6,col=3,title=pdb-blocks-drain::"), "{text}");
    let out = run_in(&sample(), &["-", "--format", "sarif", "--chart-root", "./deploy/charts/shop/"], Some(&input));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: BTreeSet<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains("deploy/charts/shop/templates/pdb.yaml"), "{uris:?}");
    assert!(uris.iter().all(|u| u.starts_with("deploy/charts/shop/templates/")), "{uris:?}");
    // A named file keeps its own path and lines: they are exact there.
    let out = run_in(&sample(), &["rendered.yaml", "--format", "github"], None);
    assert!(String::from_utf8(out.stdout).unwrap().contains("file=rendered.yaml,line=26,"));
}
