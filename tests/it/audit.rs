//! `chartwright audit` offline: golden output in every format, exit codes, deny/allow lists,
//! input forms, bad input, and the lock digest checked against real Helm.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_golden, chartwright, each_helm, helm, root};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/audit")
}

/// The binary in the fixtures directory, isolated from the user's Helm configuration.
fn audit_cmd(dir: &Path) -> Command {
    let mut c = chartwright();
    c.current_dir(dir)
        .arg("audit")
        .env_remove("HELM_REPOSITORY_CONFIG")
        .env("HELM_CONFIG_HOME", dir.join("no-such-helm-home"))
        .env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    audit_cmd(&fixtures()).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const ALL: &[&str] =
    &["orders-api", "orders-api-bitnami", "forms", "v1-chart", "--repository-config", "repositories.yaml"];

fn golden(name: &str) -> PathBuf {
    root().join("golden/audit").join(name)
}

#[test]
fn golden_text_covers_every_dependency_form() {
    let o = run(ALL);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_golden(&golden("all.txt"), &stdout(&o));
}

#[test]
fn golden_json_and_it_matches_the_output_schema() {
    let o = run(&[ALL, &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_golden(&golden("all.json"), &out);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schemas/audit-output.schema.json")).unwrap())
            .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn golden_github_sarif_junit() {
    for (fmt, file) in [("github", "all.github"), ("sarif", "all.sarif"), ("junit", "all.junit.xml")] {
        let o = run(&[ALL, &["--format", fmt]].concat());
        assert_eq!(o.status.code(), Some(1), "{fmt}");
        assert_golden(&golden(file), &stdout(&o));
    }
}

#[test]
fn orders_api_is_clean_and_its_bitnami_counterpart_suggests_cloudnativepg() {
    let o = run(&["orders-api"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "audited 1 chart: 0 errors, 0 warnings, 0 infos\n");
    let o = run(&["orders-api-bitnami", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &j["charts"][0]["findings"][0];
    assert_eq!(f["rule"], "bitnami-charts-https");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["replacement_chart"], "cloudnative-pg");
    assert_eq!(f["replacement_repository"], "https://cloudnative-pg.github.io/charts");
    assert_eq!(f["location"]["file"], "orders-api-bitnami/Chart.yaml");
    assert_eq!(f["location"]["line"], 10);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = run(&[ALL, &["--format", "json"]].concat());
    let b = run(&[ALL, &["--format", "json"]].concat());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn fail_on_thresholds() {
    // lib-chart alone: one warning (minio) and one error (bitnami image).
    assert_eq!(run(&["lib-chart", "--fail-on", "never"]).status.code(), Some(0));
    assert_eq!(run(&["lib-chart"]).status.code(), Some(1));
    let o = run(&["v1-chart/requirements.yaml", "--fail-on", "error"]);
    // Only errors fail by default; this file has one error (incubator bucket) and one warning.
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["orders-api", "--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn allow_list_silences_one_finding_and_records_the_reason() {
    let o =
        run(&["forms", "--repository-config", "repositories.yaml", "--deny-list", "allow.yaml", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let allowed = j["allowed"].as_array().unwrap();
    let rules: Vec<(&str, &str)> =
        allowed.iter().map(|a| (a["rule"].as_str().unwrap(), a["allow_reason"].as_str().unwrap())).collect();
    assert!(rules.contains(&("bitnami-charts-https", "sessions cache is being migrated to Valkey in ticket OPS-1234")));
    assert!(
        rules.contains(&("bitnami-image-removed", "nginx image is mirrored internally until the proxy is replaced"))
    );
    assert_eq!(allowed.len(), 2, "{allowed:#?}");
    assert_eq!(allowed[0]["allowed_by"], "allow.yaml:12:5");
    let findings = j["charts"][0]["findings"].as_array().unwrap();
    // `redis` itself is still reported; only the `sessions` alias was allowed.
    assert!(findings.iter().any(|f| f["rule"] == "bitnami-charts-https" && f["dependency"] == "redis"));
    assert!(!findings.iter().any(|f| f["rule"] == "bitnami-charts-https" && f["dependency"] == "sessions"));
    // The user's own entry reaches the followed file:// chart.
    let all = j["charts"].as_array().unwrap();
    let lib = all.iter().find(|c| c["name"] == "lib-chart").unwrap();
    assert!(lib["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "corp-old-mirror"));
    let text = stdout(&run(&["forms", "--repository-config", "repositories.yaml", "--deny-list", "allow.yaml"]));
    assert!(text.contains("allowed[bitnami-charts-https]: dependency `sessions`"), "{text}");
    assert!(text.contains("(allow-list entry at allow.yaml:12:5: sessions cache is being migrated"), "{text}");
}

#[test]
fn no_default_deny_list_reports_only_structural_findings() {
    let o = run(&["orders-api-bitnami", "--no-default-deny-list"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "audited 1 chart: 0 errors, 0 warnings, 0 infos\n");
}

#[test]
fn print_default_deny_list_prints_the_embedded_file_which_matches_the_schema() {
    let o = run(&["--print-default-deny-list"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert_eq!(text, std::fs::read_to_string(root().join("src/audit/default-deny-list.yaml")).unwrap());
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schemas/deny-list.schema.json")).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    for (name, src) in
        [("default", text), ("allow.yaml", std::fs::read_to_string(fixtures().join("allow.yaml")).unwrap())]
    {
        let doc = chartwright::yaml::parse_stream(&src).unwrap().remove(0).root.unwrap().to_json();
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    // And the schema rejects what the parser rejects.
    let bad = serde_json::json!({"deny": [{"id": "x", "match": {"url": "a", "prefix": "b"}, "severity": "error", "reason": "r"}]});
    assert!(!v.is_valid(&bad));
}

#[test]
fn single_files_pair_chart_and_lock_and_check_vendored_charts_next_to_them() {
    let o =
        run(&["forms/Chart.yaml", "forms/Chart.lock", "--repository-config", "repositories.yaml", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["charts"].as_array().unwrap().len(), 2, "forms + followed lib-chart");
    assert_eq!(j["charts"][0]["name"], "forms");
    let rules: Vec<&str> =
        j["charts"][0]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"lock-out-of-sync"));
    assert!(rules.contains(&"vendored-chart-missing"), "ghost is missing from forms/charts");
    // values.yaml is not read for lone files.
    assert!(!rules.contains(&"bitnami-image-removed"));
}

#[test]
fn tgz_inputs_are_audited() {
    let o = run(&["forms/charts/packed-0.1.0.tgz"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("forms/charts/packed-0.1.0.tgz!/packed/Chart.yaml:7:17: error[bitnami-charts-https]"),
        "{out}"
    );
    assert!(
        out.contains("forms/charts/packed-0.1.0.tgz!/packed/values.yaml:1:8: error[bitnami-image-removed]"),
        "{out}"
    );
}

#[test]
fn extra_values_files_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("prod.yaml");
    std::fs::write(&v, "postgresql:\n  image:\n    repository: bitnamilegacy/postgresql\n    tag: 15.4.0\n").unwrap();
    let o = run(&["orders-api", "-f", v.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("prod.yaml:3:17: warning[bitnami-image-legacy]"), "{out}");
    assert_eq!(o.status.code(), Some(0), "a warning does not fail by default");
}

#[test]
fn bad_input_exits_2_with_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("Chart.yaml");
    std::fs::write(&c, "apiVersion: v2\nname: x\ndependencies:\n  - name: a\n    version: [1\n").unwrap();
    let o = audit_cmd(dir.path()).arg("Chart.yaml").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("chartwright: error: Chart.yaml:"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    std::fs::write(&c, "dependencies: {a: 1}\n").unwrap();
    let o = audit_cmd(dir.path()).arg("Chart.yaml").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "chartwright: error: Chart.yaml:1:15: `dependencies` must be a list\n"
    );

    let o = audit_cmd(dir.path()).arg("nope").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope: cannot read"));

    std::fs::write(
        dir.path().join("deny.yaml"),
        "deny:\n  - id: a\n    match: {url: x}\n    severity: fatal\n    reason: r\n",
    )
    .unwrap();
    let o = audit_cmd(dir.path()).args(["Chart.yaml", "--deny-list", "deny.yaml"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "chartwright: error: deny.yaml:4:15: severity `fatal` is not one of error, warning, info\n"
    );

    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let o = audit_cmd(dir.path()).arg("notes.txt").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("notes.txt: not a chart directory"));

    std::fs::write(dir.path().join("broken.tgz"), "not gzip").unwrap();
    let o = audit_cmd(dir.path()).arg("broken.tgz").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("broken.tgz:1:1: "), "{}", String::from_utf8_lossy(&o.stderr));

    let o = audit_cmd(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "no inputs is a bad invocation");
}

/// A chart with every field that enters Helm's lock digest, locked by real Helm.
fn helm_locked_chart(dir: &Path, helm_bin: &Path) {
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("Chart.yaml"), "apiVersion: v2\nname: sub\nversion: 1.2.3\n").unwrap();
    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: \"~1.2.0 <&>\"\n    repository: file://../sub\n    condition: sub.enabled,global.sub\n    tags: [a, b]\n    alias: first\n    import-values:\n      - child: exports.x\n        parent: y\n      - data\n  - name: sub\n    version: 1.x\n    repository: file://../sub\n",
    )
    .unwrap();
    // `<&>` is not a valid constraint for Helm; keep the HTML characters in a field Helm accepts.
    let yaml = std::fs::read_to_string(app.join("Chart.yaml"))
        .unwrap()
        .replace("\"~1.2.0 <&>\"", "~1.2.0")
        .replace("condition: sub.enabled,global.sub", "condition: sub.enabled,global.sub<&>");
    std::fs::write(app.join("Chart.yaml"), yaml).unwrap();
    let o = helm(helm_bin, &["dependency", "update", app.to_str().unwrap()]);
    assert!(o.status.success(), "helm dependency update: {}", String::from_utf8_lossy(&o.stderr));
    assert!(app.join("Chart.lock").is_file());
}

#[test]
fn lock_digest_agrees_with_real_helm() {
    for (label, bin) in each_helm() {
        let dir = tempfile::tempdir().unwrap();
        helm_locked_chart(dir.path(), bin);
        let app = dir.path().join("app");
        let o = audit_cmd(dir.path()).args(["app", "--format", "json"]).output().unwrap();
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rules: Vec<&str> = j["charts"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["findings"].as_array().unwrap())
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(!rules.contains(&"lock-out-of-sync"), "{label}: a lock Helm just wrote is in sync: {j:#}");

        // Change only a condition: the digest changes, Helm's build refuses, and so do we.
        let y = std::fs::read_to_string(app.join("Chart.yaml")).unwrap().replace("sub.enabled,", "sub.on,");
        std::fs::write(app.join("Chart.yaml"), y).unwrap();
        let o = audit_cmd(dir.path()).args(["app", "--format", "json"]).output().unwrap();
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let f =
            j["charts"][0]["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "lock-out-of-sync").cloned();
        let f = f.unwrap_or_else(|| panic!("{label}: condition change not detected: {j:#}"));
        assert_eq!(f["location"]["file"], "app/Chart.lock");
        let build = helm(bin, &["dependency", "build", app.to_str().unwrap()]);
        assert!(!build.status.success(), "{label}: helm agrees the lock is out of sync");
        assert!(String::from_utf8_lossy(&build.stderr).contains("out of sync"), "{label}");
        // And the digest we expect is the one Helm writes after an update.
        let o = helm(bin, &["dependency", "update", app.to_str().unwrap()]);
        assert!(o.status.success());
        let lock = std::fs::read_to_string(app.join("Chart.lock")).unwrap();
        assert!(lock.contains(f["expected_digest"].as_str().unwrap()), "{label}: {lock}");
    }
}

#[test]
fn offline_runs_never_touch_the_network() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - name: a\n    version: 1.x\n    repository: http://127.0.0.1:{port}/charts\n  - name: b\n    version: 1.x\n    repository: oci://127.0.0.1:{port}/charts\n"
        ),
    )
    .unwrap();
    let o = audit_cmd(dir.path()).arg(".").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "offline audit connected"
    );
}

#[test]
fn deny_list_catches_every_spelling_of_a_denied_repository() {
    let dir = tempfile::tempdir().unwrap();
    for (repo, rule) in [
        ("https://user:s3cret@charts.bitnami.com/bitnami", "bitnami-charts-https"),
        ("https://charts.bitnami.com:443/bitnami", "bitnami-charts-https"),
        ("HTTPS://CHARTS.BITNAMI.COM/bitnami", "bitnami-charts-https"),
        ("https://charts.bitnami.com/bitnami/", "bitnami-charts-https"),
        ("http://charts.bitnami.com:80/bitnami", "bitnami-charts-https"),
        ("https://charts.bitnami.com//bitnami/./", "bitnami-charts-https"),
        ("oci://registry-1.docker.io/bitnamicharts", "bitnami-charts-oci"),
        ("oci://user:s3cret@Registry-1.Docker.io:443/bitnamicharts/", "bitnami-charts-oci"),
        ("oci://index.docker.io/bitnamicharts", "bitnami-charts-oci"),
    ] {
        std::fs::write(
            dir.path().join("Chart.yaml"),
            format!(
                "apiVersion: v2\nname: probe\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 1.0.0\n    repository: \"{repo}\"\n"
            ),
        )
        .unwrap();
        let o = audit_cmd(dir.path()).args(["Chart.yaml", "--format", "json"]).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{repo}: {}", String::from_utf8_lossy(&o.stderr));
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rules: Vec<&str> =
            j["charts"][0]["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
        assert!(rules.contains(&rule), "{repo}: {rules:?}");
        assert!(!String::from_utf8_lossy(&o.stdout).contains("s3cret"), "{repo}");
    }
}
