//! The render stage checks each rendered object against the Kubernetes API's schemas for the
//! target version (shipped in `schemas/kubernetes/`) and custom resources against the chart's
//! own CRDs, on Helm 3.17.2 and 4.1.4, reporting each failure at the template that wrote it.

use crate::common;

use std::path::PathBuf;
use std::process::Output;

use common::{assert_golden, chartwright, each_helm, root};

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

/// (pointer, `file:line`, template) of each error of the first run.
fn located(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["runs"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["keyword"], "kube-schema", "{e}");
            (
                e["pointer"].as_str().unwrap().to_string(),
                format!("{}:{}", e["file"].as_str().unwrap_or("-"), e["line"]),
                e["template"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_wrong_type_and_an_unknown_field_are_found_at_the_template_lines_that_wrote_them() {
    for (label, bin) in each_helm() {
        let out =
            validate(&["kube", "inputs/values-kube-bad.yaml", "--helm", bin.to_str().unwrap(), "--format", "json"]);
        let doc = json(&out);
        assert_eq!(out.status.code(), Some(1), "{label}: {doc}");
        assert_eq!(
            located(&doc),
            [
                (
                    "/spec/replicas".to_string(),
                    "kube/templates/deployment.yaml:6".to_string(),
                    "kube/templates/deployment.yaml:6".to_string()
                ),
                (
                    "/spec/template/spec/containers/0/imagePullPolice".to_string(),
                    "kube/templates/deployment.yaml:18".to_string(),
                    "kube/templates/deployment.yaml:18".to_string()
                ),
            ],
            "{label}: {doc}"
        );
        let errors = &doc["runs"][0]["errors"];
        assert!(errors[0]["message"].as_str().unwrap().contains("\"two\" is not of type"), "{label}: {errors}");
        assert!(errors[1]["message"].as_str().unwrap().contains("unknown field \"imagePullPolice\""), "{label}");
    }
}

#[test]
fn a_chart_whose_objects_are_valid_gets_no_kube_schema_finding() {
    for (label, bin) in each_helm() {
        for version in [None, Some("1.25"), Some("v1.37.0")] {
            let mut args = vec!["kube", "--helm", bin.to_str().unwrap(), "--format", "json"];
            if let Some(v) = version {
                args.extend(["--kube-version", v]);
            }
            let out = validate(&args);
            let doc = json(&out);
            assert_eq!(out.status.code(), Some(0), "{label} {version:?}: {doc}");
            assert_eq!(doc["runs"][0]["rendered"], true, "{label}");
        }
    }
}

#[test]
fn a_custom_resource_is_checked_against_the_crd_in_the_charts_crds_directory() {
    for (label, bin) in each_helm() {
        let out =
            validate(&["kube", "inputs/values-kube-widget.yaml", "--helm", bin.to_str().unwrap(), "--format", "json"]);
        let doc = json(&out);
        assert_eq!(out.status.code(), Some(1), "{label}: {doc}");
        assert_eq!(
            located(&doc),
            [(
                "/spec/size".to_string(),
                "kube/templates/widget.yaml:6".to_string(),
                "kube/templates/widget.yaml:6".to_string()
            )],
            "{label}"
        );
        let message = doc["runs"][0]["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("Widget release-name-widget at '/spec/size'"), "{label}: {message}");
        assert!(message.ends_with("(the chart's CRD)"), "{label}: {message}");
    }
}

#[test]
fn a_removed_api_is_not_served_by_the_target_kubernetes() {
    for (label, bin) in each_helm() {
        let out = validate(&[
            "kube",
            "inputs/values-kube-legacy.yaml",
            "--kube-version",
            "1.30",
            "--helm",
            bin.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let doc = json(&out);
        assert_eq!(out.status.code(), Some(1), "{label}: {doc}");
        assert_eq!(
            located(&doc),
            [(
                "/apiVersion".to_string(),
                "kube/templates/ingress.yaml:2".to_string(),
                "kube/templates/ingress.yaml:2".to_string()
            )],
            "{label}"
        );
        let message = doc["runs"][0]["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(
                "apiVersion extensions/v1beta1 not served for Ingress by Kubernetes 1.30 (served: networking.k8s.io/v1)"
            ),
            "{label}: {message}"
        );
    }
}

#[test]
fn without_kube_version_the_schemas_are_those_of_the_version_helm_assumes() {
    for ((label, bin), minor) in each_helm().into_iter().zip([32, 35]) {
        let out = validate(&["kube", "--helm", bin.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("checked against the Kubernetes 1.{minor} API schemas")), "{label}: {stderr}");
    }
}

#[test]
fn a_kube_version_without_shipped_schemas_is_a_bad_invocation_naming_the_range() {
    let (_, h4) = common::helms();
    for (version, says) in [
        ("1.20", "--kube-version 1.20: no Kubernetes schemas shipped for 1.20; supported: 1.25 to 1.37"),
        ("2.0", "--kube-version 2.0: not a Kubernetes version"),
    ] {
        let out = validate(&["kube", "--kube-version", version, "--helm", h4.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{version}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{version}: {stderr}");
        assert!(out.stdout.is_empty(), "{version}");
    }
}

#[test]
fn objects_of_custom_kinds_without_a_crd_are_counted_as_unchecked() {
    let (_, h4) = common::helms();
    let out = validate(&["kube", "--set", "extraKind=true", "--helm", h4.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "1 object(s) of custom kinds without a CRD in the chart were not checked against a schema (monitoring.example.org/v1/Probe)"
        ),
        "{stderr}"
    );
}

#[test]
fn kube_schema_findings_match_their_golden_file_in_every_format() {
    let (_, h4) = common::helms();
    for (format, ext) in
        [("text", "txt"), ("json", "json"), ("github", "github"), ("sarif", "sarif"), ("junit", "junit.xml")]
    {
        let args = [
            "kube",
            "inputs/values-kube-bad.yaml",
            "inputs/values-kube-widget.yaml",
            "inputs/values-kube-legacy.yaml",
            "--kube-version",
            "1.30",
            "--helm",
            h4.to_str().unwrap(),
            "--format",
            format,
        ];
        let out = validate(&args);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_golden(&root().join(format!("golden/validate/kube.{ext}")), &String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn kube_schema_output_follows_the_published_schema() {
    let (_, h4) = common::helms();
    let out = validate(&[
        "kube",
        "inputs/values-kube-bad.yaml",
        "inputs/values-kube-widget.yaml",
        "--helm",
        h4.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc = json(&out);
    let errors = common::validate_output_schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:?}");
}
