//! The places chartwright plugs into: the Helm plugin (real Helm 3.17.2 and 4.1.4), the
//! pre-commit hooks (real pre-commit from PyPI), and the GitHub Action's metadata.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chartwright::yaml::{self, Node};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Both outputs, for assertion messages.
fn both(o: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}--- stderr\n{}", o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// PATH with the chartwright under test first, as `cargo install` would leave it.
fn path_with_chartwright() -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_chartwright")).parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin_dir];
    dirs.extend(std::env::split_paths(&rest));
    std::env::join_paths(dirs).unwrap().to_string_lossy().into_owned()
}

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A chart whose schema wants an integer `replicaCount` and closes the root.
fn small_chart(dir: &Path) {
    write(dir, "Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
    write(dir, "values.yaml", "replicaCount: 1\n");
    write(
        dir,
        "values.schema.json",
        r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,"properties":{"replicaCount":{"type":"integer"}}}"#,
    );
    write(dir, "templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n");
}

fn helm_in(helm: &Path, home: &Path, args: &[&str], cwd: &Path) -> Output {
    // Helm 4 installs into HELM_DATA_HOME/plugins but loads from HELM_PLUGINS: keep them equal.
    Command::new(helm)
        .args(args)
        .current_dir(cwd)
        .env("PATH", path_with_chartwright())
        .env("HELM_DATA_HOME", home.join("data"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_PLUGINS", home.join("data/plugins"))
        .output()
        .expect("run helm")
}

#[test]
fn helm_plugin_installs_from_the_checkout_and_runs_validate_on_helm_3_and_4() {
    for (label, helm) in common::each_helm() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let work = tmp.path().join("work");
        small_chart(&work.join("demo"));
        write(&work, "values-prod.yaml", "replicaCount: 3\n");
        write(&work, "values-typo.yaml", "replicaCont: 3\n");

        let root = common::root();
        let out = helm_in(helm, &home, &["plugin", "install", root.to_str().unwrap()], &work);
        assert!(out.status.success(), "{label}: plugin install failed\n{}", both(&out));
        assert!(
            text(&out.stdout).contains("helm chartwright: using "),
            "{label}: install hook did not find chartwright on PATH\n{}",
            both(&out)
        );

        let out = helm_in(helm, &home, &["plugin", "list"], &work);
        assert!(text(&out.stdout).lines().any(|l| l.starts_with("chartwright")), "{label}: not listed\n{}", both(&out));

        let out = helm_in(helm, &home, &["chartwright", "validate", "demo", "values-prod.yaml"], &work);
        assert_eq!(out.status.code(), Some(0), "{label}: valid values\n{}", both(&out));

        // Findings keep their exit code 1 through Helm, and the report names the file.
        let out = helm_in(helm, &home, &["chartwright", "validate", "demo", "values-typo.yaml"], &work);
        assert_eq!(out.status.code(), Some(1), "{label}: invalid values\n{}", both(&out));
        assert!(text(&out.stdout).contains("values-typo.yaml:1:1"), "{label}\n{}", both(&out));

        // Flags after the subcommand reach chartwright untouched.
        let out = helm_in(helm, &home, &["chartwright", "lint", "--list-rules", "--format", "json"], &work);
        assert!(out.status.success() && text(&out.stdout).trim_start().starts_with('['), "{label}\n{}", both(&out));

        let out = helm_in(helm, &home, &["plugin", "uninstall", "chartwright"], &work);
        assert!(out.status.success(), "{label}: uninstall\n{}", both(&out));
        let out = helm_in(helm, &home, &["chartwright", "--version"], &work);
        assert!(!out.status.success(), "{label}: still runs after uninstall\n{}", both(&out));
    }
}

/// The real pre-commit, provisioned by scripts/provision-precommit.sh.
fn pre_commit() -> PathBuf {
    let p = std::env::var_os("CHARTWRIGHT_PRE_COMMIT").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/chartwright/pre-commit/venv/bin/pre-commit")
    });
    assert!(p.is_file(), "{} is missing: run bash scripts/provision-precommit.sh (scripts/test.sh does)", p.display());
    p
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}\n{}", both(&out));
}

/// A hooks repository holding exactly the project's hook definitions and script, committed.
fn hooks_repo(dir: &Path) -> String {
    let root = common::root();
    for f in [".pre-commit-hooks.yaml", "pre-commit/validate.sh"] {
        std::fs::create_dir_all(dir.join(f).parent().unwrap()).unwrap();
        std::fs::copy(root.join(f), dir.join(f)).unwrap();
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "hooks"]);
    let out = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(dir).output().unwrap();
    text(&out.stdout).trim().to_string()
}

fn run_hook(pc: &Path, repo: &Path, cache: &Path, hook: &str) -> Output {
    Command::new(pc)
        .args(["run", hook, "--all-files", "--color", "never"])
        .current_dir(repo)
        .env("PATH", path_with_chartwright())
        .env("PRE_COMMIT_HOME", cache)
        .output()
        .expect("run pre-commit")
}

#[test]
fn pre_commit_hooks_run_validate_lint_and_audit_on_a_scratch_repository() {
    let pc = pre_commit();
    let tmp = tempfile::tempdir().unwrap();
    let hooks = tmp.path().join("hooks");
    let repo = tmp.path().join("repo");
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::create_dir_all(&repo).unwrap();
    let rev = hooks_repo(&hooks);
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: chartwright-validate\n  - id: chartwright-lint\n  - id: chartwright-audit\n",
            hooks.display()
        ),
    );
    small_chart(&repo.join("charts/demo"));
    write(&repo, "charts/demo/values-prod.yaml", "replicaCont: 3\n");
    write(
        &repo,
        "charts/demo/Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: redis\n  version: 17.0.0\n  repository: https://charts.bitnami.com/bitnami\n",
    );
    // A Deployment with `latest`: image-latest-tag is a warning by default, so --fail-on decides.
    write(
        &repo,
        "deploy/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n      - name: app\n        image: nginx:latest\n",
    );
    write(
        &repo,
        "deploy/pdb.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: app\nspec:\n  minAvailable: 1\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: app}\n",
    );
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);

    let out = run_hook(&pc, &repo, &cache, "chartwright-validate");
    let all = both(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("charts/demo/values-prod.yaml:1:1"), "validate hook did not check values-prod.yaml\n{all}");

    let out = run_hook(&pc, &repo, &cache, "chartwright-audit");
    let all = both(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("charts/demo/Chart.yaml") && all.contains("bitnami"), "{all}");

    let out = run_hook(&pc, &repo, &cache, "chartwright-lint");
    let all = both(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("deploy/pdb.yaml") && all.contains("pdb-both-min-and-max"), "{all}");
    assert!(
        all.contains("deploy/app.yaml") && all.contains("image-latest-tag"),
        "lint hook did not lint deploy/app.yaml\n{all}"
    );
    // Chart metadata, values and templates are not handed to lint.
    assert!(!all.contains("Chart.yaml") && !all.contains("values"), "lint hook saw chart files\n{all}");

    // Fixed files pass every hook.
    write(&repo, "charts/demo/values-prod.yaml", "replicaCount: 3\n");
    write(&repo, "charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
    std::fs::remove_file(repo.join("deploy/pdb.yaml")).unwrap();
    git(&repo, &["add", "-A"]);
    // The remaining image-latest-tag is a warning: below the default --fail-on error.
    for hook in ["chartwright-validate", "chartwright-audit", "chartwright-lint"] {
        let out = run_hook(&pc, &repo, &cache, hook);
        assert_eq!(out.status.code(), Some(0), "{hook}\n{}", both(&out));
    }
}

fn load_yaml(rel: &str) -> Node {
    let text = std::fs::read_to_string(common::root().join(rel)).unwrap();
    let docs = yaml::parse_stream(&text).unwrap_or_else(|e| panic!("{rel}: {e:?}"));
    docs.into_iter().next().and_then(|d| d.root).unwrap_or_else(|| panic!("{rel} is empty"))
}

fn str_at<'a>(n: &'a Node, key: &str) -> &'a str {
    n.get_entry(key).and_then(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no string `{key}`"))
}

#[test]
fn plugin_yaml_declares_the_command_and_install_hook_that_exist() {
    let p = load_yaml("plugin.yaml");
    assert_eq!(str_at(&p, "name"), "chartwright");
    let version = str_at(&p, "version");
    assert_eq!(version, env!("CARGO_PKG_VERSION"), "plugin.yaml version follows Cargo.toml");
    let command = str_at(&p, "command");
    let hooks = p.get_entry("hooks").map(|(_, v)| v).expect("hooks");
    for script in [command, str_at(hooks, "install")] {
        let rel = script.strip_prefix("$HELM_PLUGIN_DIR/").expect("relative to the plugin dir");
        assert!(common::root().join(rel).is_file(), "{rel} is missing");
    }
}

#[test]
fn pre_commit_hooks_yaml_has_the_three_hooks_with_file_patterns() {
    let hooks = load_yaml(".pre-commit-hooks.yaml");
    let items = hooks.as_seq().expect("a list of hooks");
    let ids: Vec<&str> = items.iter().map(|h| str_at(h, "id")).collect();
    assert_eq!(ids, ["chartwright-validate", "chartwright-lint", "chartwright-audit"]);
    for h in items {
        for key in ["name", "entry", "language"] {
            str_at(h, key);
        }
        assert!(
            h.get_entry("files").is_some() || h.get_entry("types_or").is_some(),
            "{} has no file filter",
            str_at(h, "id")
        );
    }
}

#[test]
fn action_yml_is_a_composite_action_that_installs_with_cargo_and_reports_for_github() {
    let a = load_yaml("action.yml");
    for key in ["name", "description"] {
        str_at(&a, key);
    }
    let inputs = a.get_entry("inputs").map(|(_, v)| v).expect("inputs");
    for input in ["command", "args", "fail-on"] {
        let i = inputs.get_entry(input).map(|(_, v)| v).unwrap_or_else(|| panic!("input {input}"));
        str_at(i, "description");
    }
    let runs = a.get_entry("runs").map(|(_, v)| v).expect("runs");
    assert_eq!(str_at(runs, "using"), "composite");
    let steps = runs.get_entry("steps").and_then(|(_, v)| v.as_seq()).expect("steps");
    let mut scripts = String::new();
    for step in steps {
        if let Some((_, run)) = step.get_entry("run") {
            // Composite run steps must name their shell; inputs go through env, not `${{ }}`.
            assert_eq!(str_at(step, "shell"), "bash", "{step:?}");
            let body = run.as_str().unwrap();
            assert!(!body.contains("${{"), "expression spliced into a script: {body}");
            let out = Command::new("bash").args(["-n", "-c", body]).output().unwrap();
            assert!(out.status.success(), "bash -n: {}\n{body}", text(&out.stderr));
            scripts.push_str(body);
        } else {
            str_at(step, "uses");
        }
    }
    assert!(scripts.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""), "{scripts}");
    assert!(scripts.contains("--format github"), "{scripts}");
}

#[test]
fn validate_hook_groups_values_files_by_their_nearest_chart_and_skips_loose_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_chart(&dir.join("a"));
    small_chart(&dir.join("b"));
    write(dir, "a/ci/values-bad.yaml", "replicaCount: x\n");
    write(dir, "a/values-ok.yaml", "replicaCount: 2\n");
    write(dir, "b/values.yaml", "replicaCount: 1\n");
    // Not inside a chart: no chart to check it against, so it is not an error.
    write(dir, "values-loose.yaml", "anything: 1\n");
    let hook = |files: &[&str]| {
        Command::new("bash")
            .arg(common::root().join("pre-commit/validate.sh"))
            .args(files)
            .current_dir(dir)
            .env("PATH", path_with_chartwright())
            .output()
            .unwrap()
    };
    let out =
        hook(&["a/values.yaml", "a/ci/values-bad.yaml", "a/values-ok.yaml", "b/values.yaml", "values-loose.yaml"]);
    let all = both(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("a/ci/values-bad.yaml:1:15"), "{all}");
    // Chart a: one run per extra values file; chart b: its defaults.
    assert!(all.contains("validate: 2 run(s) checked, 1 invalid"), "{all}");
    assert!(all.contains("validate: 1 run(s) checked, 0 invalid"), "{all}");
    assert_eq!(hook(&["values-loose.yaml"]).status.code(), Some(0));
}

#[test]
fn plugin_scripts_without_chartwright_or_cargo_say_what_to_install() {
    // An empty PATH: neither chartwright nor cargo. The scripts use shell builtins only here.
    let tmp = tempfile::tempdir().unwrap();
    let plugin_dir = common::root();
    let script = |name: &str| {
        Command::new("/bin/sh")
            .arg(plugin_dir.join("helm-plugin").join(name))
            .arg("--version")
            .env("PATH", tmp.path())
            // Not the checkout: a chartwright an earlier install hook built there must not count.
            .env("HELM_PLUGIN_DIR", tmp.path())
            .output()
            .unwrap()
    };
    let out = script("install.sh");
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(text(&out.stderr).contains("neither chartwright nor cargo is on PATH"), "{}", both(&out));
    let out = script("run.sh");
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        text(&out.stderr).contains("no chartwright on PATH and none built; run: cargo install --locked --path"),
        "{}",
        both(&out)
    );
}
