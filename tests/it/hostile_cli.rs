//! Hostile input, round two (issue 21): what an input or a flag says must not pass options to
//! the programs chartwright runs, read files outside a chart, delete what chartwright did not
//! create, or reach the network unasked. Each test runs the real binary, bounded like
//! `tests/it/hostile.rs`.

use crate::common;

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

// ---- item 5: symlinks out of a chart, and values quoted in messages ----

/// Chart `c` in `dir` whose schema wants every value a number, so that each line of a
/// values file read as YAML would be quoted in a message.
fn numbers_chart(dir: &Path) {
    std::fs::create_dir_all(dir.join("c")).unwrap();
    std::fs::write(dir.join("c/Chart.yaml"), "apiVersion: v2\nname: c\nversion: 1.0.0\n").unwrap();
    std::fs::write(
        dir.join("c/values.schema.json"),
        r#"{"type": "object", "additionalProperties": {"type": "string", "pattern": "^[0-9]+$"}}"#,
    )
    .unwrap();
}

/// A file outside the chart that must never be shown.
fn outside(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("shadow");
    std::fs::write(&p, "root: secret-hash-one\ndaemon: secret-hash-two\n").unwrap();
    p
}

fn assert_not_shown(r: &common::Run, what: &str) {
    assert!(!r.stdout.contains("secret-hash") && !r.stderr.contains("secret-hash"), "{what}: {}{}", r.stdout, r.stderr);
}

#[test]
fn a_values_yaml_linked_out_of_the_chart_is_refused_not_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    numbers_chart(tmp.path());
    std::os::unix::fs::symlink(outside(tmp.path()), tmp.path().join("c/values.yaml")).unwrap();
    for cmd in ["validate", "audit"] {
        let r = run_bounded(cw(&[cmd, "c"], tmp.path()), SECS);
        assert_bounded(&r, 2, cmd);
        assert!(
            r.stderr.contains("c/values.yaml: a symbolic link to") && r.stderr.contains("outside the chart"),
            "{}",
            r.stderr
        );
        assert_not_shown(&r, cmd);
    }
}

#[test]
fn a_subchart_archive_linked_out_of_the_chart_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    numbers_chart(tmp.path());
    std::fs::create_dir(tmp.path().join("c/charts")).unwrap();
    std::fs::write(tmp.path().join("elsewhere.tgz"), b"not read").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("elsewhere.tgz"), tmp.path().join("c/charts/sub.tgz")).unwrap();
    for cmd in ["validate", "audit"] {
        let r = run_bounded(cw(&[cmd, "c"], tmp.path()), SECS);
        assert_bounded(&r, 2, cmd);
        assert!(r.stderr.contains("c/charts/sub.tgz: a symbolic link to"), "{cmd}: {}", r.stderr);
    }
}

#[test]
fn a_values_file_in_the_chart_linked_out_of_it_is_refused_named_or_found() {
    let tmp = tempfile::tempdir().unwrap();
    numbers_chart(tmp.path());
    std::os::unix::fs::symlink(outside(tmp.path()), tmp.path().join("c/values-prod.yaml")).unwrap();
    for args in [&["validate", "c", "-f", "c/values-prod.yaml"][..], &["validate", "c"]] {
        let r = run_bounded(cw(args, tmp.path()), SECS);
        assert_bounded(&r, 2, &args.join(" "));
        assert!(r.stderr.contains("c/values-prod.yaml: a symbolic link to"), "{}", r.stderr);
        assert_not_shown(&r, &args.join(" "));
    }
    // A values file outside the chart is the user's own: it is read, and its values quoted.
    let r = run_bounded(cw(&["validate", "c", "-f", "shadow"], tmp.path()), SECS);
    assert_bounded(&r, 1, "validate -f shadow");
}

#[test]
fn a_symlink_inside_the_chart_is_still_followed() {
    let tmp = tempfile::tempdir().unwrap();
    numbers_chart(tmp.path());
    std::fs::write(tmp.path().join("c/defaults.yaml"), "a: \"1\"\n").unwrap();
    std::os::unix::fs::symlink("defaults.yaml", tmp.path().join("c/values.yaml")).unwrap();
    let r = run_bounded(cw(&["validate", "c"], tmp.path()), SECS);
    assert_bounded(&r, 0, "validate c");
}

#[test]
fn credential_shaped_values_are_redacted_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    numbers_chart(tmp.path());
    let secrets = [
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "github_pat_11ABCDEFG0123456789_abcdefghijkl",
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAIOSFODNN7EXAMPLE",
        "-----BEGIN RSA PRIVATE KEY-----",
        "xoxb-123456789012-abcdefghij",
        "glpat-abcdefghij0123456789",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    ];
    let values: String = secrets.iter().enumerate().map(|(i, s)| format!("k{i}: \"x{s}\"\n")).collect();
    std::fs::write(tmp.path().join("c/values.yaml"), values).unwrap();
    for format in ["text", "json", "github", "sarif", "junit"] {
        let r = run_bounded(cw(&["validate", "c", "--format", format], tmp.path()), SECS);
        assert_bounded(&r, 1, format);
        for s in secrets {
            let head = &s[..12];
            assert!(!r.stdout.contains(head) && !r.stderr.contains(head), "{format} shows {s}:\n{}", r.stdout);
        }
        assert!(r.stdout.contains("redacted"), "{format}: {}", r.stdout);
    }
    // An ordinary value is still quoted.
    std::fs::write(tmp.path().join("c/values.yaml"), "k: \"plain-value\"\n").unwrap();
    let r = run_bounded(cw(&["validate", "c"], tmp.path()), SECS);
    assert!(r.stdout.contains("'plain-value' does not match pattern"), "{}", r.stdout);
}

// ---- item 8: leftover cleanup deletes only chartwright's own staging directories ----

#[test]
fn a_user_directory_named_like_a_dead_runs_staging_directory_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("cm.yaml"), CM).unwrap();
    // pid_max is at most 2^22 on Linux: 4000000 never runs, so only the marker tells.
    let users = tmp.path().join(".chartwright-4000000-backup");
    std::fs::create_dir(&users).unwrap();
    std::fs::write(users.join("notes.txt"), "mine\n").unwrap();
    let r = run_bounded(cw(&["generate", "cm.yaml", "--name", "web", "--output", "chart"], tmp.path()), SECS);
    assert_bounded(&r, 0, "generate");
    assert_eq!(std::fs::read_to_string(users.join("notes.txt")).unwrap(), "mine\n");
    // The chart carries no marker, and no staging directory is left.
    assert!(!tmp.path().join("chart/.chartwright-staging").exists());
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".chartwright-") && n != ".chartwright-4000000-backup")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Replacing a chart with --force leaves no marker in it either.
    let r =
        run_bounded(cw(&["generate", "cm.yaml", "--name", "web", "--output", "chart", "--force"], tmp.path()), SECS);
    assert_bounded(&r, 0, "generate --force");
    assert!(!tmp.path().join("chart/.chartwright-staging").exists());
    assert!(users.join("notes.txt").exists());
}

// ---- item 6: --force never replaces what an overlay reads, whatever field names it ----

#[test]
fn force_refuses_to_replace_a_transformer_config_an_overlay_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let (overlay, ext) = (tmp.path().join("overlay"), tmp.path().join("ext"));
    kustomization(&overlay);
    std::fs::create_dir_all(&ext).unwrap();
    let labels = "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {team: a}\nfieldSpecs: [{path: metadata/labels, create: true}]\n";
    std::fs::write(ext.join("labels.yaml"), labels).unwrap();
    // Chart.yaml makes the directory look like a chart that --force may replace.
    std::fs::write(ext.join("Chart.yaml"), "apiVersion: v2\nname: a\nversion: 0.1.0\n").unwrap();
    // kustomize reads files outside the overlay only through a kustomization directory.
    std::fs::write(ext.join("kustomization.yaml"), "resources: [labels.yaml]\n").unwrap();
    std::fs::write(overlay.join("kustomization.yaml"), "resources: [cm.yaml]\ntransformers: [../ext]\n").unwrap();
    let mut c = cw(&["generate", "--name", "web", "--force", "--output", "ext", "--env", "prod=overlay"], tmp.path());
    c.arg("--kustomize").arg(kubectl());
    let r = run_bounded(c, SECS);
    assert_bounded(&r, 2, "generate --force over a transformer's directory");
    assert!(r.stderr.contains("refusing to replace it with --force: it is the input overlay/../ext"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(ext.join("labels.yaml")).unwrap(), labels);
}

// ---- item 7: remote bases are refused before anything renders ----

#[test]
fn remote_bases_are_refused_before_rendering_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let (overlay, base) = (tmp.path().join("overlay"), tmp.path().join("base"));
    kustomization(&overlay);
    kustomization(&base);
    // A renderer that records that it ran: a refusal must come before it.
    let ran = tmp.path().join("ran");
    let renderer = tmp.path().join("my-kustomize");
    std::fs::write(&renderer, format!("#!/bin/sh\ntouch {}\ncat {}/cm.yaml\n", ran.display(), overlay.display()))
        .unwrap();
    std::fs::set_permissions(&renderer, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let generate = |extra: &[&str]| {
        let mut c = cw(&["generate", "--name", "web", "--output", "chart", "--env", "prod=overlay"], tmp.path());
        c.arg("--kustomize").arg(&renderer).args(extra);
        run_bounded(c, SECS)
    };
    let cases = [
        (
            "overlay",
            "resources",
            "https://bot:s3cret@github.com/acme/base?ref=v1",
            "https://github.com/acme/base?ref=v1",
        ),
        ("overlay", "bases", "git::https://example.com/acme/base.git", "git::https://example.com/acme/base.git"),
        ("overlay", "components", "ssh://git@example.com/acme/c.git", "ssh://example.com/acme/c.git"),
        ("overlay", "resources", "git@github.com:acme/base.git", "git@github.com:acme/base.git"),
        // Reached only through the local base.
        ("base", "resources", "github.com/acme/base/deploy?ref=main", "github.com/acme/base/deploy?ref=main"),
    ];
    for (dir, field, entry, shown) in cases {
        std::fs::write(overlay.join("kustomization.yaml"), "resources: [cm.yaml, ../base]\n").unwrap();
        std::fs::write(base.join("kustomization.yaml"), "resources: [cm.yaml]\n").unwrap();
        let file = tmp.path().join(dir).join("kustomization.yaml");
        std::fs::write(
            &file,
            format!(
                "resources: [cm.yaml{}]\n{field}: [\"{entry}\"]\n",
                if dir == "overlay" { ", ../base" } else { "" }
            ),
        )
        .unwrap();
        let r = generate(&[]);
        assert_bounded(&r, 2, entry);
        let shown_file =
            if dir == "overlay" { "overlay/kustomization.yaml" } else { "overlay/../base/kustomization.yaml" };
        let want = format!("--env prod: {shown_file} names the remote base {shown:?} in `{field}`");
        assert!(r.stderr.contains(&want), "{want}\n{}", r.stderr);
        assert!(r.stderr.contains("--allow-remote-bases") && !r.stderr.contains("s3cret"), "{}", r.stderr);
        assert!(!ran.exists() && !tmp.path().join("chart").exists(), "{entry}: rendered or wrote");
    }
    // Allowed, the renderer runs (a stand-in: no network here).
    let r = generate(&["--allow-remote-bases"]);
    assert_bounded(&r, 0, "--allow-remote-bases");
    assert!(ran.exists());
}

// ---- item 16: a report that cannot be written is exit 2 ----

/// Runs `args` in `dir` with stdout set by `stdout`, returning the exit code and stderr.
fn run_with_stdout(args: &[&str], dir: &Path, stdout: std::process::Stdio) -> (Option<i32>, String) {
    let o = cw(args, dir).stdout(stdout).stdin(std::process::Stdio::null()).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A pipe whose reading end is already closed.
fn widowed_pipe() -> std::process::Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two descriptors we then own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors are ours; the read end is closed, the write end handed over.
    unsafe {
        libc::close(fds[0]);
        std::process::Stdio::from(<std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fds[1]))
    }
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2_for_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    numbers_chart(tmp.path());
    std::fs::write(tmp.path().join("c/values.yaml"), "a: \"1\"\n").unwrap();
    std::fs::write(tmp.path().join("cm.yaml"), CM).unwrap();
    // Clean runs, which would exit 0 with their report lost.
    let commands: [&[&str]; 3] = [&["validate", "c"], &["lint", "cm.yaml"], &["audit", "c"]];
    for args in commands {
        let what = args.join(" ");
        let (code, err) = run_with_stdout(args, tmp.path(), std::fs::File::create("/dev/full").unwrap().into());
        assert_eq!(code, Some(2), "{what} > /dev/full: {err}");
        assert!(err.contains("cannot write the report to standard output: no space left on device"), "{err}");
        let (code, err) = run_with_stdout(args, tmp.path(), widowed_pipe());
        assert_eq!(code, Some(2), "{what} | (closed): {err}");
        assert!(
            err.contains("cannot write the report to standard output: the reading end of the pipe is closed"),
            "{err}"
        );
        let mut c = cw(args, tmp.path());
        // SAFETY: close(2) is async-signal-safe, as pre_exec requires.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut c, || {
                libc::close(1);
                Ok(())
            });
        }
        let o = c.stdin(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what} >&-: {err}");
        assert!(err.contains("cannot write the report: standard output is closed"), "{err}");
    }
}

// ---- item 14: file names and arguments that are not UTF-8 ----

#[test]
fn non_utf8_arguments_are_read_or_refused_never_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let bad = OsStr::from_bytes(b"x\xff.yaml");
    let shown = "x\u{fffd}.yaml";
    let run = |args: &[&OsStr]| {
        let mut c = chartwright();
        c.args(args).current_dir(tmp.path());
        run_bounded(c, SECS)
    };
    let os = |s: &'static str| OsStr::new(s);
    // Missing: every command names the file, lossily, with exit 2.
    let missing: [Vec<&OsStr>; 7] = [
        vec![os("validate"), bad],
        vec![os("lint"), bad],
        vec![os("audit"), bad],
        vec![os("generate"), bad, os("--name"), os("a")],
        vec![os("generate"), os("--name"), os("a"), os("--env"), OsStr::from_bytes(b"prod=x\xff.yaml")],
        vec![os("lint"), os("--config"), bad, os(".")],
        vec![os("generate"), os("--name"), os("a"), os("--catalog"), bad, os("-")],
    ];
    for args in &missing {
        let r = run(args);
        assert_bounded(&r, 2, &format!("{args:?}"));
        assert!(r.stderr.contains(shown), "{args:?}: {}", r.stderr);
    }
    // Arguments that are not paths are refused by the parser: still exit 2, no panic.
    for args in [vec![os("completions"), bad], vec![os("man"), bad], vec![os("generate"), os("-"), os("--name"), bad]] {
        let r = run(&args);
        assert_bounded(&r, 2, &format!("{args:?}"));
    }
    // Present: read like any other file, and a chart written to such a directory.
    std::fs::write(tmp.path().join(bad), CM).unwrap();
    let r = run(&[os("lint"), bad]);
    assert_bounded(&r, 0, "lint x\\xff.yaml");
    let out = OsStr::from_bytes(b"out\xff");
    let r = run(&[os("generate"), bad, os("--name"), os("web"), os("--output"), out]);
    assert_bounded(&r, 0, "generate into out\\xff");
    assert!(tmp.path().join(out).join("Chart.yaml").is_file());
    let env = OsStr::from_bytes(b"prod=x\xff.yaml");
    let r = run(&[os("generate"), os("--env"), env, os("--name"), os("web"), os("--output"), os("envs")]);
    assert_bounded(&r, 0, "generate --env prod=x\\xff.yaml");
}

// ---- item 10: the message cap holds in every format ----

#[test]
fn a_twenty_megabyte_name_or_key_gives_small_output_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let huge = "a".repeat(20 * 1024 * 1024);
    std::fs::write(
        tmp.path().join("big.yaml"),
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {huge}\nspec:\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x}}}}\n    spec:\n      containers: [{{name: c, image: nginx}}]\n"
        ),
    )
    .unwrap();
    numbers_chart(tmp.path());
    // A 20 MB key (an explicit key: plain keys stop at 1024 characters) and a 20 MB value.
    std::fs::write(tmp.path().join("big-values.yaml"), format!("? {huge}\n: \"x\"\nb: \"{huge}\"\n")).unwrap();
    for format in ["text", "json", "github", "sarif", "junit"] {
        let r = run_bounded(cw(&["lint", "big.yaml", "--format", format], tmp.path()), SECS);
        assert_bounded(&r, 0, &format!("lint --format {format}"));
        assert!(r.stdout_len < 256 * 1024, "lint --format {format}: {} bytes", r.stdout_len);
        assert!(r.stdout.contains("no CPU limit"), "lint --format {format}: the sentence after the name is kept");
    }
    // validate parses 40 MB of values per run: the formats that carry pointers and fields.
    for format in ["text", "json", "sarif"] {
        let r = run_bounded(cw(&["validate", "c", "-f", "big-values.yaml", "--format", format], tmp.path()), SECS);
        assert_bounded(&r, 1, &format!("validate --format {format}"));
        assert!(r.stdout_len < 64 * 1024, "validate --format {format}: {} bytes", r.stdout_len);
    }
}

// ---- item 17: --verify runs helm under the same bounds as a kustomize render ----

#[test]
fn verify_stops_a_helm_that_writes_without_end() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("cm.yaml"), CM).unwrap();
    // A helm of its own that never stops writing (and leaves a helper behind holding stdout).
    let helm = tmp.path().join("endless-helm");
    std::fs::write(&helm, "#!/bin/sh\nsleep 1000 &\nyes 'kind: ConfigMap'\n").unwrap();
    std::fs::set_permissions(&helm, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut c = cw(&["generate", "cm.yaml", "--name", "web", "--output", "chart", "--verify", "--helm"], tmp.path());
    c.arg(&helm);
    let r = run_bounded(c, SECS);
    assert_bounded(&r, 2, "generate --verify with an endless helm");
    assert!(r.stderr.contains("template web chart` wrote more than 67108864 bytes and was stopped"), "{}", r.stderr);
}
