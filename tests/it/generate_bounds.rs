//! `generate`'s bounds (issue 21 item 9): a cap on input objects, and no chart Helm would
//! refuse to load (a file over 5 MiB, the whole over 100 MiB) is ever written. Each refusal is
//! exit 2 with one sentence, before anything is written.

use crate::common;

use std::fmt::Write as _;
use std::path::Path;

use chartwright::limits::MAX_GENERATE_OBJECTS;
use common::{SECS, assert_bounded, chartwright, run_bounded};

/// `count` ConfigMaps, each holding `value` under one key.
fn config_maps(count: usize, value: &str) -> String {
    let mut s = String::new();
    for i in 0..count {
        writeln!(s, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: {value}").unwrap();
    }
    s
}

fn generate(dir: &Path, args: &[&str]) -> common::Run {
    let mut cmd = chartwright();
    cmd.current_dir(dir).arg("generate").args(args).args(["--name", "app", "-o", "chart"]);
    run_bounded(cmd, SECS)
}

#[test]
fn objects_past_the_cap_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("in.yaml"), config_maps(MAX_GENERATE_OBJECTS + 1, "v")).unwrap();
    let r = generate(tmp.path(), &["in.yaml"]);
    assert_bounded(&r, 2, "one object past the cap");
    assert!(
        r.stderr.contains(&format!(
            "the input holds {} Kubernetes objects (all environments together), over the {MAX_GENERATE_OBJECTS} one chart is made from: split the input into several charts",
            MAX_GENERATE_OBJECTS + 1
        )),
        "{}",
        r.stderr
    );
    assert!(!tmp.path().join("chart").exists());
}

#[test]
fn objects_of_every_environment_count_toward_the_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let half = MAX_GENERATE_OBJECTS / 2;
    for (env, count) in [("e1", half + 1), ("e2", half)] {
        std::fs::create_dir(tmp.path().join(env)).unwrap();
        std::fs::write(tmp.path().join(env).join("in.yaml"), config_maps(count, env)).unwrap();
    }
    let r = generate(tmp.path(), &["--env", "dev=e1", "--env", "prod=e2"]);
    assert_bounded(&r, 2, "two environments past the cap together");
    assert!(r.stderr.contains(&format!("holds {} Kubernetes objects", MAX_GENERATE_OBJECTS + 1)), "{}", r.stderr);
    assert!(!tmp.path().join("chart").exists());
}

#[test]
fn a_chart_file_over_helms_5_mib_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    // Six ConfigMaps of 1 MiB each (under etcd's 1.5 MiB object limit): values.yaml holds
    // their data, 6 MiB, which Helm would refuse to load (and the chart's README, which lists
    // the defaults, as much: the first of the largest files in path order is named).
    std::fs::write(tmp.path().join("in.yaml"), config_maps(6, &"x".repeat(1024 * 1024))).unwrap();
    let r = generate(tmp.path(), &["in.yaml"]);
    assert_bounded(&r, 2, "a 6 MiB values.yaml");
    let sentence = " would be 6.1 MiB, over Helm's 5 MiB per file: split the input into several charts";
    assert!(
        ["README.md", "values.yaml"].iter().any(|f| r.stderr.contains(&format!("error: {f}{sentence}"))),
        "{}",
        r.stderr
    );
    assert!(!tmp.path().join("chart").exists());
    // Four stay under the limit and are written.
    std::fs::write(tmp.path().join("in.yaml"), config_maps(4, &"x".repeat(1024 * 1024))).unwrap();
    let r = generate(tmp.path(), &["in.yaml"]);
    assert_bounded(&r, 0, "a 4 MiB values.yaml");
    assert!(tmp.path().join("chart/values.yaml").metadata().unwrap().len() > 4 * 1024 * 1024);
}
