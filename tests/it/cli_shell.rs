//! Shell completions, man pages, `--explain`, `--color` and terminal-only progress.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run(args: &[&str]) -> Output {
    common::chartwright().args(args).env_remove("NO_COLOR").output().unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A shell from Debian, provisioned by scripts/provision-shells.sh; never skipped.
fn shell(name: &str) -> Command {
    let found = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().unwrap();
    assert!(found.status.success(), "{name} is missing: run bash scripts/provision-shells.sh (scripts/test.sh does)");
    Command::new(name)
}

fn script(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn bash_completion_parses_loads_and_completes_commands_and_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let file = script(tmp.path(), "chartwright.bash", &stdout_of(&["completions", "bash"]));
    let out = shell("bash").args(["-n", &file]).output().unwrap();
    assert!(out.status.success(), "bash -n: {}", text(&out.stderr));
    // Load it and ask the completion function what it offers, as bash would on <Tab>.
    let probe = format!(
        "source '{file}' && complete -p chartwright >/dev/null && \
         COMP_WORDS=(chartwright li); COMP_CWORD=1; _chartwright chartwright li chartwright; echo \"cmd:${{COMPREPLY[*]}}\"; \
         COMP_WORDS=(chartwright lint --fail); COMP_CWORD=2; _chartwright chartwright --fail lint; echo \"flag:${{COMPREPLY[*]}}\""
    );
    let out = shell("bash").args(["-c", &probe]).output().unwrap();
    let got = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(got.contains("cmd:lint"), "{got}");
    assert!(got.contains("flag:--fail-on"), "{got}");
}

#[test]
fn zsh_and_fish_completions_parse_and_fish_completes_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let zsh_file = script(tmp.path(), "_chartwright", &stdout_of(&["completions", "zsh"]));
    let out = shell("zsh").args(["-n", &zsh_file]).output().unwrap();
    assert!(out.status.success(), "zsh -n: {}", text(&out.stderr));
    assert!(std::fs::read_to_string(&zsh_file).unwrap().starts_with("#compdef chartwright"));

    let fish_file = script(tmp.path(), "chartwright.fish", &stdout_of(&["completions", "fish"]));
    let out = shell("fish").args(["--no-execute", &fish_file]).output().unwrap();
    assert!(out.status.success(), "fish --no-execute: {}", text(&out.stderr));
    let out =
        shell("fish").args(["-c", &format!("source '{fish_file}'; complete -C 'chartwright au'")]).output().unwrap();
    assert!(text(&out.stdout).starts_with("audit\t"), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn powershell_completion_registers_a_completer() {
    // No PowerShell in Debian's archive: check the script names the binary and every command.
    let ps = stdout_of(&["completions", "powershell"]);
    assert!(ps.contains("Register-ArgumentCompleter -Native -CommandName 'chartwright'"), "{ps}");
    for cmd in ["generate", "validate", "audit", "lint", "completions", "man"] {
        assert!(ps.contains(&format!("'{cmd}'")), "{cmd} missing");
    }
}

#[test]
fn man_pages_render_with_man_l_and_document_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man");
    let out = run(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (page, must) in [
        ("chartwright.1", "validate"),
        ("chartwright-lint.1", "--fail-on"),
        ("chartwright-audit.1", "--deny-list"),
        ("chartwright-validate.1", "--helm-compat"),
        ("chartwright-generate.1", "--name"),
    ] {
        let out = shell("man")
            .args(["-l", dir.join(page).to_str().unwrap()])
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let shown = text(&out.stdout);
        assert!(out.status.success(), "man -l {page}: {}", text(&out.stderr));
        assert!(shown.contains("NAME") && shown.contains("SYNOPSIS"), "{page}:\n{shown}");
        assert!(shown.contains(must), "{page} lacks {must}:\n{shown}");
        assert!(!text(&out.stderr).contains("warning"), "{page}: {}", text(&out.stderr));
    }
    // Without --dir the top-level page goes to stdout.
    assert!(stdout_of(&["man"]).starts_with(".ie \\n(.g"), "not roff");
}

#[test]
fn lint_explain_prints_the_rule_section_of_the_generated_reference() {
    let shown = stdout_of(&["lint", "--explain", "pdb-blocks-drain"]);
    let rule = chartwright::lint::rules::find("pdb-blocks-drain").unwrap();
    assert!(shown.starts_with("pdb-blocks-drain (Disruption)\n"), "{shown}");
    for part in [rule.summary, rule.what, rule.why, rule.fix, rule.example] {
        assert!(shown.contains(part), "missing {part}");
    }
    // The same paragraphs as docs/rules.md, so the two cannot disagree.
    let reference = std::fs::read_to_string(common::root().join("docs/rules.md")).unwrap();
    let body = shown.split_once("\n\n").unwrap().1;
    assert!(reference.contains(&format!("### pdb-blocks-drain\n\n{body}")), "differs from docs/rules.md");

    let out = run(&["lint", "--explain", "pdb-block-drain"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "chartwright: error: unknown rule `pdb-block-drain` (chartwright lint --list-rules lists them)\n"
    );
}

#[test]
fn audit_explain_covers_fixed_checks_and_deny_list_entries() {
    let shown = stdout_of(&["audit", "--explain", "lock-out-of-sync"]);
    assert!(shown.starts_with("lock-out-of-sync (audit check)\n\nDefault severity: error. Chart.lock"), "{shown}");

    let shown = stdout_of(&["audit", "--explain", "helm-stable-gcs"]);
    assert!(shown.starts_with("helm-stable-gcs (deny-list entry, <built-in deny-list>:"), "{shown}");
    assert!(shown.contains("Severity: error.") && shown.contains("Replacement: "), "{shown}");

    // Entries of --deny-list files are explained too, with their file and line.
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("deny.yaml");
    std::fs::write(
        &list,
        "deny:\n  - id: internal-old-repo\n    match: { prefix: \"https://charts.example.com/old\" }\n    severity: warning\n    reason: moved to the new repository\n",
    )
    .unwrap();
    let shown = stdout_of(&["audit", "--deny-list", list.to_str().unwrap(), "--explain", "internal-old-repo"]);
    assert!(
        shown.contains("deny.yaml:2)") && shown.contains("Severity: warning. moved to the new repository"),
        "{shown}"
    );

    let out = run(&["audit", "--explain", "no-such-check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("chartwright: error: unknown check `no-such-check` (checks: dependency-invalid,")
    );
}

const ESC: char = '\x1b';

fn lint_fixture(dir: &Path) -> String {
    let p = dir.join("pdb.yaml");
    std::fs::write(
        &p,
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: a\nspec:\n  minAvailable: 1\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: a}\n",
    )
    .unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn color_follows_the_flag_then_no_color_then_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let file = lint_fixture(tmp.path());
    let lint = |pre: &[&str], no_color: bool| {
        let mut c = common::chartwright();
        c.args(pre).args(["lint", &file]).env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // stdout is a pipe here: auto means no color.
    assert!(!lint(&[], false).contains(ESC));
    assert!(lint(&["--color", "always"], false).contains("\x1b[1;31merror"));
    // An explicit flag outranks NO_COLOR; NO_COLOR only changes `auto`.
    assert!(lint(&["--color=always"], true).contains(ESC));
    assert!(!lint(&["--color", "never"], false).contains(ESC));
    // Global: accepted after the subcommand too.
    let out = common::chartwright().args(["lint", &file, "--color", "always"]).output().unwrap();
    assert!(text(&out.stdout).contains(ESC));

    let out = run(&["--color", "sometimes", "lint", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'sometimes'"), "{}", text(&out.stderr));
}

#[test]
fn color_always_reaches_validate_and_audit_text() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("c");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: redis\n  version: 17.0.0\n  repository: https://charts.bitnami.com/bitnami\n").unwrap();
    std::fs::write(chart.join("values.yaml"), "a: x\n").unwrap();
    std::fs::write(chart.join("values.schema.json"), r#"{"type":"object","properties":{"a":{"type":"integer"}}}"#)
        .unwrap();
    let c = chart.to_str().unwrap();
    for args in [["validate", c], ["audit", c]] {
        let plain = run(&args);
        let colored = run(&[&["--color", "always"][..], &args[..]].concat());
        assert_eq!(plain.status.code(), Some(1), "{args:?}: {}", text(&plain.stderr));
        assert!(!text(&plain.stdout).contains(ESC), "{args:?}");
        assert!(text(&colored.stdout).contains(ESC), "{args:?}: {}", text(&colored.stdout));
    }
}

#[test]
fn online_audit_draws_no_progress_bar_when_stderr_is_not_a_terminal() {
    // A repository on a closed loopback port: the online pass runs (and would report progress)
    // and ends with repository-unavailable; stderr is a pipe, so no bar and no escape codes.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("c");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        format!("apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: x\n  version: 1.0.0\n  repository: http://127.0.0.1:{port}/charts\n"),
    )
    .unwrap();
    let cache = tmp.path().join("cache");
    let out = run(&[
        "--color",
        "always",
        "audit",
        chart.to_str().unwrap(),
        "--online",
        "--retries",
        "0",
        "--timeout",
        "5",
        "--cache-dir",
        cache.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("repository-unavailable"), "{stdout}{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains('\r') && !stderr.contains(ESC), "progress on a pipe: {stderr:?}");
}

/// Bad input now reaches `main` as an error: one line, printed once (no cause repeated after
/// it), exit code 2.
fn assert_one_error_line(args: &[&str], cwd: &Path, expected: &str) {
    let out = common::chartwright().args(args).current_dir(cwd).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
    assert_eq!(text(&out.stderr), format!("chartwright: error: {expected}\n"), "{args:?}");
}

#[test]
fn errors_returned_to_main_print_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // validate: a nested error keeps Helm's wording, quoted once.
    std::fs::create_dir_all(dir.join("c/charts/sub")).unwrap();
    std::fs::write(dir.join("c/Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    std::fs::write(dir.join("c/charts/sub/values.yaml"), "a: 1\n").unwrap();
    assert_one_error_line(
        &["validate", "c"],
        dir,
        "error unpacking subchart sub in c: c/charts/sub: Chart.yaml file is missing",
    );
    assert_one_error_line(&["validate", "nope"], dir, "nope: cannot read the chart: no such file or directory");
    // lint: a broken config file, an unknown --disable, an empty input.
    std::fs::write(dir.join("empty.yaml"), "# nothing\n").unwrap();
    std::fs::write(dir.join("cfg.yaml"), "disable: [\n").unwrap();
    let out =
        common::chartwright().args(["lint", "--config", "cfg.yaml", "empty.yaml"]).current_dir(dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with("chartwright: error: cfg.yaml:") && err.lines().count() == 1, "{err}");
    assert_one_error_line(
        &["lint", "--disable", "no-such-rule", "empty.yaml"],
        dir,
        "unknown rule `no-such-rule` (chartwright lint --list-rules lists them)",
    );
    assert_one_error_line(
        &["lint", "empty.yaml"],
        dir,
        "no Kubernetes objects in empty.yaml (--allow-empty accepts that)",
    );
    // generate: the output path is a file.
    std::fs::write(dir.join("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n")
        .unwrap();
    std::fs::write(dir.join("out"), "").unwrap();
    let out = common::chartwright()
        .args(["generate", "cm.yaml", "--name", "x", "--output", "out"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).ends_with("chartwright: error: out: output path exists and is not a directory\n"),
        "{}",
        text(&out.stderr)
    );
}
