//! Where `generate` writes: nothing the user owns is overwritten without `--force`, `--force`
//! never deletes an input, a repository or a directory that is not a chart, and no failure or
//! kill leaves a temporary directory behind.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{chartwright, root};

const MANIFEST: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  a: \"1\"\n";

/// Every file and directory under `dir` with its contents, to show that nothing was touched.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.insert(p.clone(), None);
                stack.push(p);
            } else {
                out.insert(p.clone(), Some(std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    v.sort();
    v
}

/// A workspace with `manifests/app.yaml`, other files and a `.git` directory beside it.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("manifests");
    std::fs::create_dir_all(m.join(".git")).unwrap();
    std::fs::write(m.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(m.join("app.yaml"), MANIFEST).unwrap();
    std::fs::write(m.join("NOTES.md"), "mine\n").unwrap();
    tmp
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    chartwright().current_dir(cwd).args(["generate"]).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_refused(o: &Output, why: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    assert!(err.contains("refusing to replace") && err.contains(why), "{err}");
    assert_eq!(err.lines().filter(|l| l.contains("error")).count(), 1, "one sentence: {err}");
}

#[test]
fn force_refuses_an_output_that_is_the_input_and_touches_nothing() {
    let ws = workspace();
    let before = snapshot(ws.path());
    let o = run(ws.path(), &["manifests", "--name", "app", "-o", "manifests", "--force"]);
    assert_refused(&o, "it is the input manifests");
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn force_refuses_an_output_inside_or_around_an_input() {
    let ws = workspace();
    let before = snapshot(ws.path());
    let o = run(ws.path(), &["manifests", "--name", "app", "-o", "manifests/chart", "--force"]);
    assert_refused(&o, "lies inside the input manifests");
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "manifests", "--force"]);
    assert_refused(&o, "holds the input manifests/app.yaml");
    // The same place spelled differently is still the input.
    let o = run(ws.path(), &["manifests", "--name", "app", "-o", "./manifests/../manifests/", "--force"]);
    assert_refused(&o, "it is the input");
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn force_refuses_the_working_directory_its_ancestors_and_root() {
    let ws = workspace();
    let inner = ws.path().join("work");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(inner.join("Chart.yaml"), "name: old\n").unwrap();
    let input = ws.path().join("manifests/app.yaml");
    let before = snapshot(ws.path());
    for out in [".", "..", "/"] {
        let o = chartwright()
            .current_dir(&inner)
            .args(["generate", input.to_str().unwrap(), "--name", "app", "-o", out, "--force"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains("refusing to replace"), "{out}: {}", stderr(&o));
    }
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn force_refuses_a_directory_holding_git_or_no_chart() {
    let ws = workspace();
    let repo = ws.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("Chart.yaml"), "name: old\n").unwrap();
    let plain = ws.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("mine.txt"), "keep me").unwrap();
    let before = snapshot(ws.path());
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "repo", "--force"]);
    assert_refused(&o, ".git");
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "plain", "--force"]);
    assert_refused(&o, "holds no Chart.yaml");
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn existing_output_is_kept_unless_forced_and_force_replaces_only_a_chart() {
    let ws = workspace();
    let out = ws.path().join("chart");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("Chart.yaml"), "name: old\n").unwrap();
    std::fs::write(out.join("stale.yaml"), "old\n").unwrap();
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "chart"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("stale.yaml")).unwrap(), "old\n");
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "chart", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("stale.yaml").exists());
    assert!(std::fs::read_to_string(out.join("Chart.yaml")).unwrap().contains("name: app"));
    assert_eq!(names(ws.path()), ["chart", "manifests"], "no temporary directory is left behind");
}

#[test]
fn stale_staging_directories_of_killed_runs_are_cleaned_up() {
    let ws = workspace();
    // pid_max is at most 2^22 on Linux: these runs are gone.
    let stale = ws.path().join(".chartwright-999999999-new-x1");
    std::fs::create_dir_all(stale.join("templates")).unwrap();
    std::fs::write(stale.join("Chart.yaml"), "half").unwrap();
    std::fs::create_dir_all(ws.path().join(".chartwright-999999998-old-x2")).unwrap();
    // Every staging directory carries the marker chartwright writes when it creates one.
    for d in [".chartwright-999999999-new-x1", ".chartwright-999999998-old-x2"] {
        std::fs::write(ws.path().join(d).join(".chartwright-staging"), "").unwrap();
    }
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "chart"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(ws.path()), ["chart", "manifests"]);
}

#[test]
fn a_run_killed_mid_write_leaves_only_what_the_next_run_removes() {
    let ws = workspace();
    let big: String = (0..3000)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: \"{i}\"\n"))
        .collect();
    std::fs::write(ws.path().join("big.yaml"), big).unwrap();
    for delay_ms in [5u64, 40, 120, 300] {
        let mut child = chartwright()
            .current_dir(ws.path())
            .args(["generate", "big.yaml", "--name", "big", "-o", "chart", "--force"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = ws.path().join("chart");
        if out.exists() {
            assert!(out.join("Chart.yaml").is_file(), "a chart in place is always whole");
        }
    }
    let o = run(ws.path(), &["big.yaml", "--name", "big", "-o", "chart", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(ws.path()), ["big.yaml", "chart", "manifests"]);
}

#[test]
fn concurrent_forced_runs_all_succeed_and_leave_one_whole_chart() {
    let ws = workspace();
    let o = run(ws.path(), &["manifests/app.yaml", "--name", "app", "-o", "chart"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = snapshot(&ws.path().join("chart"))
        .into_iter()
        .map(|(p, c)| (p.strip_prefix(ws.path()).unwrap().to_path_buf(), c))
        .collect::<BTreeMap<_, _>>();
    let children: Vec<_> = (0..6)
        .map(|_| {
            chartwright()
                .current_dir(ws.path())
                .args(["generate", "manifests/app.yaml", "--name", "app", "-o", "chart", "--force"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let got = snapshot(&ws.path().join("chart"))
        .into_iter()
        .map(|(p, c)| (p.strip_prefix(ws.path()).unwrap().to_path_buf(), c))
        .collect::<BTreeMap<_, _>>();
    assert_eq!(got, expected);
    assert_eq!(names(ws.path()), ["chart", "manifests"]);
}

#[test]
fn a_valid_253_character_object_name_gets_a_bounded_template_file_name() {
    let ws = workspace();
    let long = format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
    assert_eq!(long.len(), 253);
    let text = format!("{MANIFEST}---\n{}", MANIFEST.replace("app-config", &long));
    std::fs::write(ws.path().join("long.yaml"), text).unwrap();
    let o = run(ws.path(), &["long.yaml", "--name", "app", "-o", "chart"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let templates = names(&ws.path().join("chart/templates"));
    assert!(templates.iter().all(|n| n.len() <= 120), "{templates:?}");
    assert_eq!(templates.iter().filter(|n| n.starts_with("configmap-")).count(), 2, "{templates:?}");
}

/// Runs `script` as root in a private mount namespace (so mounts vanish with it); `None` where
/// the machine does not allow mounts, which the callers then say out loud.
fn in_mount_namespace(script: &str) -> Option<Output> {
    let o = std::process::Command::new("unshare").args(["-m", "sh", "-ec", script]).output().ok()?;
    if String::from_utf8_lossy(&o.stderr).contains("MOUNT_DENIED") {
        return None;
    }
    Some(o)
}

fn cw() -> String {
    env!("CARGO_BIN_EXE_chartwright").to_string()
}

#[test]
fn a_mount_point_output_is_written_in_place() {
    let ws = workspace();
    let script = format!(
        "cd {dir}\nmkdir vol\nmount -t tmpfs none vol 2>/dev/null || {{ echo MOUNT_DENIED >&2; exit 0; }}\n\
         {cw} generate manifests/app.yaml --name app -o vol\n\
         {cw} generate manifests/app.yaml --name app -o vol --force\n\
         ls -A vol; echo ==; ls -A .\n",
        dir = ws.path().display(),
        cw = cw()
    );
    let Some(o) = in_mount_namespace(&script) else {
        // src/generate/write.rs tests the in-place writer directly for machines without mounts.
        eprintln!("mounts are not allowed here; the in-place writer is covered by its unit test");
        return;
    };
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    let (inside, beside) = out.split_once("==").unwrap();
    let inside: Vec<&str> = inside.split_whitespace().collect();
    assert!(inside.contains(&"Chart.yaml") && inside.contains(&"templates"), "{inside:?}");
    assert!(inside.iter().all(|n| !n.starts_with(".chartwright-")), "{inside:?}");
    assert!(beside.split_whitespace().all(|n| !n.starts_with(".chartwright-")), "{beside}");
}

#[test]
fn a_full_disk_leaves_nothing_behind_and_names_the_real_path() {
    let ws = workspace();
    let big: String = (0..400)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: \"{i}\"\n"))
        .collect();
    std::fs::write(ws.path().join("big.yaml"), big).unwrap();
    let script = format!(
        "cd {dir}\nmkdir small\nmount -t tmpfs -o size=16k none small 2>/dev/null || {{ echo MOUNT_DENIED >&2; exit 0; }}\n\
         set +e\n{cw} generate big.yaml --name big -o small/chart 2>&1\necho \"rc=$?\"\nls -A small\n",
        dir = ws.path().display(),
        cw = cw()
    );
    let Some(o) = in_mount_namespace(&script) else {
        eprintln!("mounts are not allowed here; a_failed_write_leaves_no_half_written_chart covers failures");
        return;
    };
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("rc=2"), "{out}");
    assert!(out.contains("small/chart/"), "the error names the chart's own path: {out}");
    assert!(!out.contains(".chartwright-"), "{out}");
    assert!(out.trim_end().ends_with("rc=2"), "nothing is left in small/: {out}");
}

#[test]
fn the_example_chart_still_generates_into_a_fresh_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let o = chartwright()
        .args(["generate"])
        .arg(root().join("examples/orders-api"))
        .args(["--name", "orders-api", "-o"])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(tmp.path()), ["out"]);
}

/// Item 11 of the hostile-input issue, bounded like the others: a large chart forced over an
/// earlier one, beside the staging leftovers of killed runs, finishes in bounded time and memory
/// and leaves exactly the chart.
#[test]
fn a_large_forced_write_over_leftovers_is_bounded_and_leaves_only_the_chart() {
    let ws = workspace();
    let big: String = (0..2000)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: \"{i}\"\n"))
        .collect();
    std::fs::write(ws.path().join("big.yaml"), big).unwrap();
    let o = run(ws.path(), &["big.yaml", "--name", "big", "-o", "chart"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for stale in [".chartwright-999999999-new-a", ".chartwright-999999998-old-b"] {
        std::fs::create_dir_all(ws.path().join(stale).join("templates")).unwrap();
        std::fs::write(ws.path().join(stale).join(".chartwright-staging"), "").unwrap();
    }
    let mut cmd = chartwright();
    cmd.current_dir(ws.path()).args(["generate", "big.yaml", "--name", "big", "-o", "chart", "--force"]);
    let r = common::run_bounded(cmd, common::SECS);
    common::assert_bounded(&r, 0, "forced write of 2,000 objects");
    assert_eq!(names(ws.path()), ["big.yaml", "chart", "manifests"]);
    // The objects, _helpers.tpl, NOTES.txt, the guard and extraObjects.
    assert_eq!(names(&ws.path().join("chart/templates")).len(), 2000 + 4);
}
