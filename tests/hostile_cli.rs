//! Hostile input, round two (issue 21): what an input or a flag says must not pass options to
//! the programs chartwright runs, read files outside a chart, delete what chartwright did not
//! create, or reach the network unasked. Each test runs the real binary, bounded like
//! `tests/hostile.rs`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{SECS, assert_bounded, chartwright, kubectl, run_bounded};

fn cw(args: &[&str], dir: &Path) -> Command {
    let mut c = chartwright();
    c.args(args).current_dir(dir);
    c
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n";

/// A kustomize directory `dir` holding one ConfigMap.
fn kustomization(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("cm.yaml"), CM).unwrap();
    std::fs::write(dir.join("kustomization.yaml"), "resources: [cm.yaml]\n").unwrap();
}

// ---- item 4: argument injection into kubectl/kustomize ----

#[test]
fn an_env_directory_named_like_an_option_is_rendered_not_passed_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    // Passed bare, `kubectl kustomize --output=written.yaml` renders the working directory
    // (a kustomization too) into written.yaml.
    kustomization(tmp.path());
    kustomization(&tmp.path().join("--output=written.yaml"));
    let mut c =
        cw(&["generate", "--name", "web", "--output", "chart", "--env", "prod=--output=written.yaml"], tmp.path());
    c.arg("--kustomize").arg(kubectl());
    let r = run_bounded(c, SECS);
    assert_bounded(&r, 0, "generate --env prod=--output=...");
    assert!(!tmp.path().join("written.yaml").exists(), "kubectl took the directory for --output");
    let values = std::fs::read_to_string(tmp.path().join("chart/values.yaml")).unwrap();
    assert!(values.contains('v'), "{values}");
}

#[test]
fn a_kustomize_program_named_like_an_option_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    kustomization(&tmp.path().join("prod"));
    let r = run_bounded(
        cw(&["generate", "--name", "web", "--output", "chart", "--env", "prod=prod", "--kustomize=--help"], tmp.path()),
        SECS,
    );
    assert_bounded(&r, 2, "generate --kustomize=--help");
    assert!(r.stderr.contains("--kustomize \"--help\" starts with `-` and reads as an option"), "{}", r.stderr);
    assert!(!tmp.path().join("chart").exists());
}
