//! `chartwright generate --env NAME=PATH`: the flag's rules, kustomize overlays rendered by the
//! provisioned kubectl, and the chart's values-<env>.yaml files checked by `--verify` and found
//! by `validate`.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{chartwright, helms, kubectl};

fn fixture() -> PathBuf {
    common::root().join("tests/fixtures/generate-envs-kustomize")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `generate` with `args` into a fresh directory; the output and the chart's path.
fn generate(args: &[&str]) -> (Output, tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("chart");
    let o = chartwright().arg("generate").args(args).arg("--output").arg(&out).output().unwrap();
    (o, tmp, out)
}

fn assert_refused(o: &Output, out: &Path, says: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    assert!(err.contains(says), "expected {says:?} in:\n{err}");
    assert_eq!(err.lines().count(), 1, "one sentence:\n{err}");
    assert!(!out.exists(), "nothing is written");
}

/// The cause is said once: printed as an error chain (`{:#}`), it was said twice.
fn assert_said_once(o: &Output, what: &str) {
    assert_eq!(stderr(o).matches(what).count(), 1, "{what:?} said more than once:\n{}", stderr(o));
}

fn overlay(env: &str) -> String {
    format!("{env}={}", fixture().join("overlays").join(env).display())
}

/// `generate --name web` from the fixture's overlays, rendered by the provisioned kubectl.
fn generate_overlays(envs: &[&str]) -> (Output, tempfile::TempDir, PathBuf) {
    let mut args: Vec<String> = vec!["--name".into(), "web".into(), "--kustomize".into()];
    args.push(kubectl().to_str().unwrap().into());
    for e in envs {
        args.push("--env".into());
        args.push(overlay(e));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    generate(&args)
}

#[test]
fn env_name_that_is_not_a_dns_label_is_exit_2() {
    for bad in ["Prod", "prod_eu", "-dev", "dev."] {
        let (o, _t, out) = generate(&["--name", "web", "--env", &format!("{bad}=x.yaml")]);
        assert_refused(&o, &out, "an environment name must be a DNS label");
        assert!(stderr(&o).contains(&format!("--env {bad:?}")), "{}", stderr(&o));
    }
}

#[test]
fn env_without_a_path_is_exit_2() {
    let (o, _t, out) = generate(&["--name", "web", "--env", "prod"]);
    assert_refused(&o, &out, "--env \"prod\" is not NAME=PATH");
}

#[test]
fn env_path_that_does_not_exist_is_exit_2_naming_the_env() {
    let (o, _t, out) = generate(&["--name", "web", "--env", "dev=/nonexistent/dev.yaml"]);
    assert_refused(&o, &out, "--env dev: /nonexistent/dev.yaml");
    assert_said_once(&o, "cannot read");
}

#[test]
fn repeated_env_name_is_exit_2() {
    let (o, _t, out) = generate(&["--name", "web", "--env", &overlay("dev"), "--env", &overlay("dev")]);
    assert_refused(&o, &out, "--env dev is given more than once");
}

#[test]
fn positional_inputs_with_env_are_exit_2() {
    let (o, _t, out) = generate(&["--name", "web", "x.yaml", "--env", &overlay("dev")]);
    assert_refused(&o, &out, "positional inputs and --env do not mix");
}

#[test]
fn kustomize_directory_without_kustomize_or_kubectl_is_exit_2_and_says_how_to_go_on() {
    let empty = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("chart");
    let o = chartwright()
        .args(["generate", "--name", "web", "--env", &overlay("dev"), "--output"])
        .arg(&out)
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_refused(&o, &out, "is a kustomize directory, and neither `kustomize` nor `kubectl` was found on PATH");
    let err = stderr(&o);
    assert!(err.contains("--kustomize CMD") && err.contains("kubectl kustomize") && err.contains("--env dev=dev.yaml"));
}

#[test]
fn kustomize_program_that_cannot_run_is_exit_2() {
    let (o, _t, out) = generate(&["--name", "web", "--env", &overlay("dev"), "--kustomize", "/nonexistent/kustomize"]);
    assert_refused(&o, &out, "--env dev: cannot run `/nonexistent/kustomize build ");
    assert_said_once(&o, "cannot run");
}

#[test]
fn failing_kustomize_build_names_the_env_the_overlay_and_kustomize_s_error() {
    let (o, _t, out) = generate_overlays(&["dev", "broken"]);
    assert_refused(&o, &out, "--env broken: `");
    assert_said_once(&o, "failed (exit status: 1)");
    let err = stderr(&o);
    assert!(err.contains("kustomize") && err.contains("overlays/broken"), "{err}");
    assert!(err.contains("missing.yaml: no such file or directory"), "kubectl's own error: {err}");
}

#[test]
fn invalid_yaml_in_one_environment_points_at_the_env_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("dev.yaml");
    let bad = tmp.path().join("prod.yaml");
    std::fs::write(&good, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").unwrap();
    std::fs::write(&bad, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n").unwrap();
    let out = tmp.path().join("chart");
    let o = chartwright()
        .args(["generate", "--name", "web"])
        .arg("--env")
        .arg(format!("dev={}", good.display()))
        .arg("--env")
        .arg(format!("prod={}", bad.display()))
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_refused(&o, &out, &format!("--env prod: {}:", bad.display()));
    assert!(stderr(&o).contains("invalid YAML"), "{}", stderr(&o));
}

#[test]
fn invalid_yaml_from_a_renderer_points_at_the_env_and_the_overlay() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    // A renderer of one's own (`--kustomize` takes any program with kustomize's command line).
    let renderer = tmp.path().join("my-kustomize");
    std::fs::write(&renderer, "#!/bin/sh\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a\\n'\n")
        .unwrap();
    std::fs::set_permissions(&renderer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (o, _t, out) =
        generate(&["--name", "web", "--env", &overlay("dev"), "--kustomize", renderer.to_str().unwrap()]);
    let dev = fixture().join("overlays/dev");
    assert_refused(&o, &out, &format!("--env dev: {} (rendered by kustomize build):", dev.display()));
    assert!(stderr(&o).contains("invalid YAML"), "{}", stderr(&o));
}

#[test]
fn force_still_refuses_an_output_inside_an_env_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dev = tmp.path().join("dev");
    std::fs::create_dir_all(&dev).unwrap();
    std::fs::write(dev.join("a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").unwrap();
    let o = chartwright()
        .args(["generate", "--name", "web", "--force"])
        .arg("--env")
        .arg(format!("dev={}", dev.display()))
        .arg("--output")
        .arg(dev.join("chart"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dev.join("chart").exists());
}

#[test]
fn force_refuses_to_replace_a_kustomize_base_an_overlay_reads() {
    // The base lies outside the overlay: only following `resources` finds it.
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let overlay = tmp.path().join("overlays/prod");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::create_dir_all(&overlay).unwrap();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n";
    std::fs::write(base.join("cm.yaml"), cm).unwrap();
    std::fs::write(base.join("kustomization.yaml"), "resources:\n  - cm.yaml\n").unwrap();
    // Chart.yaml makes the base look like a chart that --force may replace.
    std::fs::write(base.join("Chart.yaml"), "apiVersion: v2\nname: a\nversion: 0.1.0\n").unwrap();
    std::fs::write(overlay.join("kustomization.yaml"), "resources:\n  - ../../base\nnamePrefix: prod-\n").unwrap();
    let o = chartwright()
        .args(["generate", "--name", "web", "--force", "--kustomize"])
        .arg(kubectl())
        .arg("--env")
        .arg(format!("prod={}", overlay.display()))
        .arg("--output")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(base.join("cm.yaml")).unwrap(), cm);
    assert!(!base.join("values.yaml").exists());
}

/// A directory holding only a `kubectl` link to the provisioned one, for PATH.
fn path_with_kubectl() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(kubectl(), dir.path().join("kubectl")).unwrap();
    dir
}

#[test]
fn kustomize_overlays_rendered_by_kubectl_on_path_verify_on_both_helms() {
    let bin = path_with_kubectl();
    for (label, helm) in common::each_helm() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("chart");
        let o = chartwright()
            .args(["generate", "--name", "web", "--verify", "--env", &overlay("dev"), "--env", &overlay("prod")])
            .arg("--helm")
            .arg(helm)
            .arg("--output")
            .arg(&out)
            .env("PATH", bin.path())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{label}: {err}");
        for env in ["dev", "prod"] {
            assert!(out.join(format!("values-{env}.yaml")).is_file(), "{label}: values-{env}.yaml");
            assert!(
                err.lines().any(|l| l.starts_with(&format!("verified: environment {env} (values-{env}.yaml): "))),
                "{label}: {env} verified:\n{err}"
            );
        }
        // prod's differences are values; dev is the defaults.
        let prod = std::fs::read_to_string(out.join("values-prod.yaml")).unwrap();
        assert!(prod.contains('3') && prod.contains("warn"), "{label}: values-prod.yaml:\n{prod}");
    }
}

#[test]
fn validate_without_values_files_runs_the_defaults_and_every_generated_values_env_file() {
    let (o, _t, out) = generate_overlays(&["dev", "prod"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = chartwright().args(["validate", "--format", "json"]).arg(&out).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let runs: Vec<String> = doc["runs"].as_array().unwrap().iter().map(|r| r["values"].to_string()).collect();
    // values.yaml, both environments' files and the two ci/ files every chart carries.
    assert_eq!(runs.len(), 5, "values.yaml, values-dev.yaml, values-prod.yaml, ci/*: {runs:?}");
    for f in ["values-dev.yaml", "values-prod.yaml", "ci/knobs-values.yaml", "ci/objects-values.yaml"] {
        assert!(runs.iter().any(|r| r.contains(f)), "{f} in {runs:?}");
    }
    // And each one through Helm: the files validate says are valid render.
    let (_, h4) = helms();
    for env in ["dev", "prod"] {
        let values = out.join(format!("values-{env}.yaml"));
        let r = common::helm(h4, &["lint", "--strict", out.to_str().unwrap(), "-f", values.to_str().unwrap()]);
        assert!(r.status.success(), "helm lint --strict -f values-{env}.yaml: {}", String::from_utf8_lossy(&r.stdout));
    }
}
