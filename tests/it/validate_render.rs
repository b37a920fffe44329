//! The render stage of `validate`: its verdict equals `helm template`'s on Helm 3.17.2 and
//! 4.1.4 for charts whose templates enforce rules (`fail` under conditions, `required`, a rule
//! in a `define`, a subchart's `fail`, output that does not parse), and each failure names the
//! values key its condition reads and where the run set it.

use crate::common;

use std::path::PathBuf;
use std::process::Output;

use common::{assert_golden, chartwright, each_helm, helm, root};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/validate-render")
}

fn validate(args: &[&str]) -> Output {
    chartwright().arg("validate").args(args).current_dir(fixtures()).env("NO_COLOR", "1").output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

/// Each values file of the fixture, what the render stage must say (keyword) and the values
/// key it must point at, at `file:line:col` (`None`: no user key, e.g. a duplicate).
/// (values file, keyword, (key, `file:line:col`)).
type Case = (&'static str, Option<&'static str>, Option<(&'static str, &'static str)>);

const CASES: &[Case] = &[
    ("inputs/values-pass.yaml", None, None),
    ("inputs/values-knative.yaml", Some("template"), Some(("knative.enabled", "inputs/values-knative.yaml:3:12"))),
    ("inputs/values-no-name.yaml", Some("template"), Some(("name", "inputs/values-no-name.yaml:1:7"))),
    ("inputs/values-legacy.yaml", Some("template"), Some(("mode", "inputs/values-legacy.yaml:2:7"))),
    ("inputs/values-labels.yaml", Some("rendered-yaml"), None),
    ("inputs/values-duplicate.yaml", Some("duplicate"), None),
    ("inputs/values-sub.yaml", Some("template"), Some(("sub.bad", "inputs/values-sub.yaml:2:8"))),
];

#[test]
fn render_verdicts_equal_helm_template_on_helm_3_and_4() {
    for (label, bin) in each_helm() {
        let bin_s = bin.to_str().unwrap();
        for (file, keyword, pointer) in CASES {
            let h = helm(
                bin,
                &[
                    "template",
                    "r",
                    &fixtures().join("rules").to_string_lossy(),
                    "-f",
                    &fixtures().join(file).to_string_lossy(),
                ],
            );
            let out = validate(&["rules", file, "--release-name", "r", "--helm", bin_s, "--format", "json"]);
            let doc = json(&out);
            let run = &doc["runs"][0];
            assert_eq!(doc["rendered"], true, "{label} {file}");
            let errors = run["errors"].as_array().unwrap();
            // helm template prints a duplicate object and exits 0; an install refuses it, and so
            // does validate: that one case is expected to differ from helm template's exit code.
            let helm_ok = h.status.success();
            let ours_ok = run["valid"] == true;
            if *keyword == Some("duplicate") {
                assert!(helm_ok && !ours_ok, "{label} {file}: {errors:?}");
            } else {
                assert_eq!(
                    ours_ok,
                    helm_ok,
                    "{label} {file}: helm said {}; we said {errors:?}",
                    String::from_utf8_lossy(&h.stderr)
                );
            }
            assert_eq!(out.status.code(), Some(if ours_ok { 0 } else { 1 }), "{label} {file}");
            match keyword {
                None => assert!(errors.is_empty() && run["rendered"] == true, "{label} {file}: {errors:?}"),
                Some(k) => {
                    assert_eq!(errors.len(), 1, "{label} {file}: {errors:?}");
                    let e = &errors[0];
                    assert_eq!(e["keyword"], *k, "{label} {file}: {e}");
                    if *k != "duplicate" {
                        // Helm's own message is kept whole.
                        let stderr = String::from_utf8_lossy(&h.stderr);
                        let first = stderr.lines().next().unwrap().trim_start_matches("Error: ");
                        assert_eq!(e["message"], first, "{label} {file}");
                    }
                    if let Some((key, at)) = pointer {
                        let located = format!("{}:{}:{}", e["file"].as_str().unwrap(), e["line"], e["column"]);
                        assert_eq!(&located, at, "{label} {file}: {e}");
                        let read = e["values_read"].as_array().unwrap();
                        assert!(read.iter().any(|r| r["key"] == *key && r["file"] == *file), "{label} {file}: {e}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_rule_in_a_define_points_at_the_key_its_condition_reads() {
    let (_, h4) = common::helms();
    let out = validate(&["rules", "inputs/values-legacy.yaml", "--helm", h4.to_str().unwrap()]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("inputs/values-legacy.yaml:2:7: error[template]: rules: execution error at (rules/templates/requirements.yaml:6:4): mode legacy is no longer supported"), "{s}");
    assert!(s.contains("help: the failing template reads inputs/values-legacy.yaml:2:7 mode"), "{s}");
}

#[test]
fn a_condition_read_from_the_charts_defaults_is_named_with_the_key_the_user_set() {
    let (_, h4) = common::helms();
    let out = validate(&["rules", "inputs/values-knative.yaml", "--helm", h4.to_str().unwrap(), "--format", "json"]);
    let e = &json(&out)["runs"][0]["errors"][0];
    assert_eq!(e["template"], "rules/templates/requirements.yaml:3:8");
    assert_eq!(
        e["values_read"],
        serde_json::json!([
            {"key": "knative.enabled", "file": "inputs/values-knative.yaml", "line": 3, "column": 12},
            {"key": "experimental", "file": "rules/values.yaml", "line": 4, "column": 15}
        ])
    );
}

#[test]
fn without_helm_a_warning_says_template_rules_were_not_checked() {
    let empty = tempfile::tempdir().unwrap();
    let out = chartwright()
        .args(["validate", "rules", "inputs/values-knative.yaml", "--format", "json"])
        .current_dir(fixtures())
        .env("PATH", empty.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: template rules were not checked: no helm found; pass --helm PATH"), "{err}");
    let doc = json(&out);
    assert_eq!(doc["rendered"], false);
    assert_eq!(doc["runs"][0]["rendered"], false);
    assert_eq!(out.status.code(), Some(0), "the schema stage alone passes");
    let required = chartwright()
        .args(["validate", "rules", "--require-render"])
        .current_dir(fixtures())
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(required.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&required.stderr).contains("no helm found on PATH; pass --helm PATH"));
    let skipped = chartwright()
        .args(["validate", "rules", "inputs/values-knative.yaml", "--no-render", "--format", "json"])
        .current_dir(fixtures())
        .output()
        .unwrap();
    assert_eq!(json(&skipped)["rendered"], false);
    assert!(String::from_utf8_lossy(&skipped.stderr).contains("--no-render: template rules"));
}

#[test]
fn helm_on_path_is_found_without_a_flag() {
    let (_, h4) = common::helms();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(h4, dir.path().join("helm")).unwrap();
    let out = chartwright()
        .args(["validate", "rules", "inputs/values-sub.yaml", "--format", "json"])
        .current_dir(fixtures())
        .env("PATH", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["runs"][0]["errors"][0]["keyword"], "template");
}

#[test]
fn a_helm_path_that_is_not_executable_is_a_bad_invocation() {
    let out = validate(&["rules", "--helm", "inputs/values-pass.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--helm inputs/values-pass.yaml: not an executable file"));
}

#[test]
fn a_chart_path_starting_with_a_dash_is_never_an_option() {
    let (_, h4) = common::helms();
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixtures().join("rules"), &dir.path().join("-rules"));
    let out = chartwright()
        .args(["validate", "--helm", h4.to_str().unwrap(), "--format", "json", "--", "-rules"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["runs"][0]["rendered"], true, "{doc}");
    assert_eq!(out.status.code(), Some(0), "{doc}");
}

#[test]
fn render_findings_match_their_golden_file_in_every_format() {
    let (_, h4) = common::helms();
    for (format, ext) in
        [("text", "txt"), ("json", "json"), ("github", "github"), ("sarif", "sarif"), ("junit", "junit.xml")]
    {
        let args = [
            "rules",
            "inputs/values-pass.yaml",
            "inputs/values-knative.yaml",
            "inputs/values-legacy.yaml",
            "inputs/values-duplicate.yaml",
            "inputs/values-sub.yaml",
            "--helm",
            h4.to_str().unwrap(),
            "--format",
            format,
        ];
        let out = validate(&args);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_golden(&root().join(format!("golden/validate/render.{ext}")), &String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn render_output_follows_the_published_schema() {
    let (_, h4) = common::helms();
    let files: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    let out = validate(&[&["rules"][..], &files, &["--helm", h4.to_str().unwrap(), "--format", "json"]].concat());
    let doc = json(&out);
    let errors = common::validate_output_schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn lint_runs_on_each_rendered_run_with_the_policy_of_its_file() {
    let (_, h4) = common::helms();
    let args = [
        "web",
        "inputs/values-prod.yaml",
        "inputs/values-dev.yaml",
        "--lint",
        "--config",
        "inputs/policy.yaml",
        "--helm",
        h4.to_str().unwrap(),
        "--format",
        "json",
    ];
    let out = validate(&args);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let ids = |run: &serde_json::Value, what: &str| -> Vec<String> {
        run[what]
            .as_array()
            .map_or_else(Vec::new, |a| a.iter().map(|e| e["keyword"].as_str().unwrap().to_string()).collect())
    };
    let (prod, dev) = (&doc["runs"][0], &doc["runs"][1]);
    // The production policy makes a latest tag and a missing CPU request errors there...
    assert_eq!(ids(prod, "errors"), ["cpu-request-missing", "image-latest-tag"], "{prod}");
    assert_eq!(prod["valid"], false);
    assert_eq!(prod["errors"][0]["file"], "inputs/values-prod.yaml");
    assert_eq!(prod["errors"][1]["template"], "web/templates/deployment.yaml");
    assert_eq!(ids(prod, "warnings"), ["memory-limit-missing", "memory-request-missing"], "{prod}");
    // ...while the development file has them switched off and renders clean.
    assert_eq!(dev["valid"], true, "{dev}");
    assert!(ids(dev, "errors").is_empty() && ids(dev, "warnings").is_empty(), "{dev}");
    let text = validate(&args[..args.len() - 2]);
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(
        s.contains("inputs/values-prod.yaml:1:1: error[image-latest-tag]: web: web/templates/deployment.yaml: container \"web\": image nginx:latest uses the tag latest"),
        "{s}"
    );
}

#[test]
fn lint_without_helm_is_an_error_not_a_silent_pass() {
    let empty = tempfile::tempdir().unwrap();
    let out = chartwright()
        .args(["validate", "web", "--lint"])
        .current_dir(fixtures())
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_policy_naming_an_unknown_rule_is_a_bad_invocation_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.yaml");
    std::fs::write(&cfg, "validate:\n  lint:\n    - files: \"*\"\n      severity: {no-such-rule: error}\n").unwrap();
    let (_, h4) = common::helms();
    let out = validate(&["web", "--lint", "--config", cfg.to_str().unwrap(), "--helm", h4.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("c.yaml:4:18: unknown rule `no-such-rule`"), "{err}");
}

#[test]
fn the_policy_example_follows_the_config_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schemas/chartwright-config.schema.json")).unwrap())
            .unwrap();
    let text = std::fs::read_to_string(fixtures().join("inputs/policy.yaml")).unwrap();
    let doc = chartwright::yaml::parse_stream(&text).unwrap().remove(0).root.unwrap().to_json();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut bad = doc.clone();
    bad["validate"]["lint"][0]["severity"]["image-latest-tag"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn release_name_namespace_kube_version_and_set_flags_reach_helm() {
    for (label, bin) in each_helm() {
        let bin = bin.to_str().unwrap();
        let run = |extra: &[&str]| {
            let out = validate(&[&["caps", "--helm", bin, "--format", "json"][..], extra].concat());
            let doc = json(&out);
            let e = &doc["runs"][0]["errors"];
            (out.status.code(), e[0]["message"].as_str().map(str::to_string), e[0].clone())
        };
        let (code, msg, _) = run(&["--kube-version", "1.29.0", "-n", "apps"]);
        assert_eq!(code, Some(1), "{label}");
        assert!(msg.unwrap().ends_with("this chart needs Kubernetes 1.30 or later"), "{label}");
        let (code, msg, e) = run(&["--kube-version", "1.31.0"]);
        assert_eq!(code, Some(1), "{label}: the default namespace is `default`");
        assert!(msg.unwrap().ends_with("install into a namespace of its own"), "{label}");
        // The key the condition reads comes from the chart's defaults here.
        assert_eq!(e["values_read"][0]["key"], "allowDefaultNamespace", "{label}");
        assert_eq!(e["values_read"][0]["file"], "caps/values.yaml", "{label}");
        let (code, _, _) = run(&["--kube-version", "1.31.0", "--set", "allowDefaultNamespace=true"]);
        assert_eq!(code, Some(0), "{label}: --set reaches helm");
        let (code, _, _) = run(&["--kube-version", "1.31.0", "--namespace", "apps", "--release-name", "web"]);
        assert_eq!(code, Some(0), "{label}");
        // A release name that looks like an option stays the release name (helm then refuses it
        // as a name, not as a flag).
        let (code, msg, _) = run(&["--kube-version", "1.31.0", "-n", "apps", "--release-name=-x"]);
        assert_eq!(code, Some(1), "{label}");
        assert!(!msg.unwrap().contains("unknown shorthand flag"), "{label}");
    }
}

#[test]
fn a_set_flag_that_trips_a_rule_is_named_as_the_flag() {
    let (_, h4) = common::helms();
    let out = validate(&["rules", "--set", "knative.enabled=true", "--helm", h4.to_str().unwrap(), "--format", "json"]);
    let doc = json(&out);
    let e = &doc["runs"][0]["errors"][0];
    assert_eq!(e["file"], "--set knative.enabled=true", "{e}");
    assert_eq!(e["values_read"][0]["key"], "knative.enabled");
}

#[test]
fn a_required_in_an_included_define_names_the_switch_and_the_key_set_nowhere() {
    for (label, bin) in each_helm() {
        let h = helm(
            bin,
            &[
                "template",
                "r",
                &fixtures().join("helpers").to_string_lossy(),
                "-f",
                &fixtures().join("inputs/values-service.yaml").to_string_lossy(),
            ],
        );
        assert!(!h.status.success(), "{label}");
        let out =
            validate(&["helpers", "inputs/values-service.yaml", "--helm", bin.to_str().unwrap(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{label}");
        let e = &json(&out)["runs"][0]["errors"][0];
        // Helm reports the include's position; the pointer comes from the define's condition.
        assert_eq!(e["template"], "helpers/templates/service.yaml:6:11", "{label}");
        assert_eq!(
            e["values_read"],
            serde_json::json!([
                {"key": "service.enabled", "file": "inputs/values-service.yaml", "line": 2, "column": 12},
                {"key": "service.port"}
            ]),
            "{label}"
        );
        assert_eq!(e["file"], "inputs/values-service.yaml", "{label}");
    }
}

#[test]
fn packaged_charts_and_packaged_subcharts_get_the_pointer_too() {
    let (_, h4) = common::helms();
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("rules");
    common::copy_dir(&fixtures().join("rules"), &chart);
    // The subchart as `helm dependency build` leaves it: an archive under charts/.
    let out = helm(
        h4,
        &["package", &chart.join("charts/sub").to_string_lossy(), "-d", &chart.join("charts").to_string_lossy()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(chart.join("charts/sub")).unwrap();
    let out = helm(h4, &["package", &chart.to_string_lossy(), "-d", &dir.path().to_string_lossy()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::copy(fixtures().join("inputs/values-sub.yaml"), dir.path().join("values-sub.yaml")).unwrap();
    for target in ["rules", "rules-0.1.0.tgz"] {
        let out = chartwright()
            .args(["validate", target, "values-sub.yaml", "--helm", h4.to_str().unwrap(), "--format", "json"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{target}: {}", String::from_utf8_lossy(&out.stderr));
        let e = &json(&out)["runs"][0]["errors"][0];
        assert_eq!(e["template"], "rules/charts/sub/templates/check.yaml:1:24", "{target}");
        assert_eq!(e["values_read"][0]["key"], "sub.bad", "{target}: {e}");
        assert_eq!(e["values_read"][0]["file"], "values-sub.yaml", "{target}: {e}");
    }
}

#[test]
fn values_from_stdin_are_not_rendered_and_say_so() {
    use std::io::Write as _;
    let (_, h4) = common::helms();
    let mut child = chartwright()
        .args(["validate", "rules", "-", "--helm", h4.to_str().unwrap(), "--format", "json"])
        .current_dir(fixtures())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"knative:\n  enabled: true\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let doc = json(&out);
    assert_eq!(doc["runs"][0]["rendered"], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("values read from stdin are not rendered"));
}

#[test]
fn a_failure_helm_places_inside_a_define_points_at_the_most_specific_key() {
    for (label, bin) in each_helm() {
        let out =
            validate(&["helpers", "inputs/values-ingress.yaml", "--helm", bin.to_str().unwrap(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{label}");
        let e = &json(&out)["runs"][0]["errors"][0];
        // `template` (unlike `include`) makes Helm report the position inside the define.
        assert_eq!(e["template"], "helpers/templates/_helpers.tpl:9:4", "{label}: {e}");
        let keys: Vec<&str> = e["values_read"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["ingress", "ingress.enabled", "ingress.host"], "{label}");
        assert_eq!(
            (e["file"].as_str(), e["line"].as_u64(), e["pointer"].as_str()),
            (Some("inputs/values-ingress.yaml"), Some(2), Some("/ingress/enabled")),
            "{label}"
        );
    }
}
