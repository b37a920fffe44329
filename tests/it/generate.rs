//! `chartwright generate`: golden charts, conformance with real Helm 3.17.2 and 4.1.4, and
//! the promises about output (determinism, atomic writes, no overwrite without `--force`).

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chartwright::generate::verify;
use chartwright::manifest::{self, Loaded};
use common::{assert_golden, bless, chartwright, each_helm, files_under, helm, root};

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("golden/generate"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input").is_dir())
        .collect();
    v.sort();
    v
}

/// The cases without extra arguments: a case with an `args` file repeats another case's input
/// with dependencies, which need `helm dependency build` before Helm can render them
/// (tests/it/generate_deps.rs renders such a chart against a loopback repository).
fn plain_cases() -> Vec<PathBuf> {
    cases().into_iter().filter(|c| !c.join("args").exists()).collect()
}

fn case_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_str().unwrap().to_string()
}

/// Runs generate in the case directory (so paths in messages are relative and stable); the
/// chart is named after the case unless `extra` names it.
fn generate(case: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = chartwright();
    cmd.current_dir(case).args(["generate", "input", "--output"]).arg(out).args(extra);
    if !extra.contains(&"--name") {
        cmd.args(["--name", &case_name(case)]);
    }
    cmd.output().unwrap()
}

/// Extra arguments of a golden case: its `args` file, one argument per line.
fn case_args(case: &Path) -> Vec<String> {
    std::fs::read_to_string(case.join("args"))
        .map(|t| t.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn golden_charts_match_byte_for_byte() {
    for case in cases() {
        let tmp = tempfile::tempdir().unwrap();
        let out_dir = tmp.path().join("chart");
        let args = case_args(&case);
        let out = generate(&case, &out_dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&out_dir.display().to_string(), "<OUT>");
        let status = format!("exit {}\n", out.status.code().unwrap_or(-1));
        assert_golden(&case.join("expected.stderr"), &format!("{status}{stderr}"));
        let actual = files_under(&out_dir);
        let expected_dir = case.join("expected");
        if bless() {
            let _ = std::fs::remove_dir_all(&expected_dir);
            for (rel, text) in &actual {
                assert_golden(&expected_dir.join(rel), text);
            }
            continue;
        }
        let expected = files_under(&expected_dir);
        assert_eq!(
            actual.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{}: file list differs (CHARTWRIGHT_BLESS=1 cargo test rewrites goldens)",
            case.display()
        );
        for (rel, text) in &actual {
            assert_golden(&expected_dir.join(rel), text);
        }
    }
}

#[test]
fn at_least_eight_golden_cases_including_a_refused_conflict() {
    let names: Vec<String> = cases().iter().map(|c| case_name(c)).collect();
    assert!(names.len() >= 9, "{names:?}");
    let conflict = root().join("golden/generate/conflict");
    let tmp = tempfile::tempdir().unwrap();
    let out = generate(&conflict, &tmp.path().join("chart"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("input/a.yaml:1") && err.contains("input/b.yaml:8"), "{err}");
    assert!(!tmp.path().join("chart").exists(), "a refused input must write nothing");
}

fn load_dir(dir: &Path) -> Loaded {
    manifest::load_inputs(&[dir.to_path_buf()]).unwrap()
}

/// The round trip for one chart and one Helm: lint --strict, then template reproduces the input.
fn round_trip(helm_bin: &Path, label: &str, case: &Path, chart: &Path, placeholders: bool) {
    let name = case_name(case);
    let lint = helm(helm_bin, &["lint", "--strict", chart.to_str().unwrap()]);
    assert!(
        lint.status.success(),
        "{label}: helm lint --strict failed for {name}:\n{}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    let input = load_dir(&case.join("input"));
    let main_ns = chartwright::generate::main_namespace(&input.objects);
    let ns = main_ns.clone().unwrap_or_else(|| "default".into());
    let out = helm(helm_bin, &["template", &name, chart.to_str().unwrap(), "--namespace", &ns, "--include-crds"]);
    assert!(out.status.success(), "{label}: helm template failed for {name}: {}", String::from_utf8_lossy(&out.stderr));
    let mut rendered = Loaded::default();
    manifest::load_text("<rendered>", String::from_utf8(out.stdout).unwrap(), &mut rendered).unwrap();
    let diffs = verify::compare(&input.objects, &rendered.objects, main_ns.as_deref(), &ns, placeholders);
    assert!(
        diffs.is_empty(),
        "{label}: {name} does not round-trip:\n{}",
        diffs.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_golden_chart_lints_strict_and_renders_back_to_its_input_on_helm_3_and_4() {
    for case in plain_cases().into_iter().filter(|c| case_name(c) != "conflict") {
        let tmp = tempfile::tempdir().unwrap();
        let inline = tmp.path().join("inline");
        let placeholder = tmp.path().join("placeholder");
        // Exit 1 means "written, with lint findings to look at"; the chart is there either way.
        for (dir, extra) in [(&inline, &["--secrets", "inline"][..]), (&placeholder, &[][..])] {
            let code = generate(&case, dir, extra).status.code();
            assert!(
                matches!(code, Some(0 | 1)) && dir.join("Chart.yaml").is_file(),
                "{}: exit {code:?}",
                case.display()
            );
        }
        for (label, bin) in each_helm() {
            round_trip(bin, label, &case, &inline, false);
            round_trip(bin, label, &case, &placeholder, true);
        }
    }
}

/// Renders `chart` as releases `blue` and `green` in one namespace and returns every broken
/// side-by-side promise (see `chartwright::generate::verify::sidebyside`).
fn side_by_side(helm_bin: &Path, case: &Path, chart: &Path) -> Vec<String> {
    let input = load_dir(&case.join("input"));
    let ns = chartwright::generate::main_namespace(&input.objects).unwrap_or_else(|| "default".into());
    let render = |release: &str| {
        let out = helm(helm_bin, &["template", release, chart.to_str().unwrap(), "--namespace", &ns, "--include-crds"]);
        assert!(out.status.success(), "{}: {}", case.display(), String::from_utf8_lossy(&out.stderr));
        let mut l = Loaded::default();
        manifest::load_text("<rendered>", String::from_utf8(out.stdout).unwrap(), &mut l).unwrap();
        l
    };
    let (blue, green) = (render("blue"), render("green"));
    chartwright::generate::verify::sidebyside::check(
        &case_name(case),
        &input.objects,
        [
            chartwright::generate::verify::sidebyside::Release { name: "blue", objects: &blue.objects },
            chartwright::generate::verify::sidebyside::Release { name: "green", objects: &green.objects },
        ],
        &ns,
    )
}

#[test]
fn every_golden_chart_keeps_two_releases_apart_on_helm_3_and_4() {
    for case in plain_cases().into_iter().filter(|c| case_name(c) != "conflict") {
        let tmp = tempfile::tempdir().unwrap();
        let chart = tmp.path().join("chart");
        let code = generate(&case, &chart, &["--secrets", "inline"]).status.code();
        assert!(matches!(code, Some(0 | 1)), "{}: exit {code:?}", case.display());
        for (label, bin) in each_helm() {
            let problems = side_by_side(bin, &case, &chart);
            assert!(problems.is_empty(), "{label}: {}:\n{}", case.display(), problems.join("\n"));
        }
    }
}

#[test]
fn the_side_by_side_check_catches_selectors_and_references_that_do_not_follow() {
    let case = root().join("golden/generate/shop");
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("chart");
    assert!(matches!(generate(&case, &chart, &["--secrets", "inline"]).status.code(), Some(0 | 1)));
    // Undo what keeps releases apart: the instance label in selectors, and one reference.
    for e in std::fs::read_dir(chart.join("templates")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let broken = text
            .replace("{{- if ne (include \"shop.fullname\" .) .Chart.Name }}", "{{- if false }}")
            .replace(
                "http://{{ include \"shop.truncName\" (list (printf \"%s-backend\" (include \"shop.fullname\" .)) 63) }}:8080",
                "http://shop-backend:8080",
            );
        std::fs::write(&p, broken).unwrap();
    }
    let (_, h4) = common::helms();
    let problems = side_by_side(h4, &case, &chart).join("\n");
    assert!(problems.contains("selects the pods of"), "{problems}");
    assert!(problems.contains("still names shop-backend"), "{problems}");
}

/// `checksum/*` annotations of every pod template in a rendered stream, by object.
fn checksums(rendered: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut loaded = Loaded::default();
    manifest::load_text("<rendered>", rendered.to_string(), &mut loaded).unwrap();
    let mut out = BTreeMap::new();
    for o in &loaded.objects {
        let Some(tpl) = chartwright::kube::pod_template(&o.node, &o.kind) else { continue };
        let mut sums = BTreeMap::new();
        if let Some(m) = tpl.path(&["metadata", "annotations"]).and_then(|a| a.as_map()) {
            for (k, v) in m {
                let k = k.as_str().unwrap();
                if k.starts_with("checksum/") {
                    sums.insert(k.to_string(), v.as_str().unwrap().to_string());
                }
            }
        }
        out.insert(o.display_name(), sums);
    }
    out
}

#[test]
fn changing_one_configmap_value_rolls_only_the_pods_that_consume_it() {
    let case = root().join("golden/generate/shop");
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("chart");
    assert!(generate(&case, &chart, &["--secrets", "inline"]).status.success());
    for (label, bin) in each_helm() {
        let render = |extra: &[&str]| {
            let mut args = vec!["template", "shop", chart.to_str().unwrap()];
            args.extend_from_slice(extra);
            let out = helm(bin, &args);
            assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
            checksums(&String::from_utf8(out.stdout).unwrap())
        };
        let before = render(&[]);
        let after = render(&["--set", "config.THEME=light"]);
        let frontend = "Deployment/shop-frontend";
        assert!(before[frontend].contains_key("checksum/configmap"), "{label}: {before:?}");
        assert_ne!(
            before[frontend]["checksum/configmap"], after[frontend]["checksum/configmap"],
            "{label}: consumer must roll"
        );
        for (obj, sums) in &before {
            if obj != frontend {
                assert_eq!(sums, &after[obj], "{label}: {obj} does not consume the ConfigMap and must not roll");
            }
        }
        let secret_after = render(&["--set", "secrets.url=postgres://other"]);
        assert_ne!(
            before["Deployment/shop-backend"]["checksum/secret"],
            secret_after["Deployment/shop-backend"]["checksum/secret"]
        );
        assert_eq!(before[frontend], secret_after[frontend], "{label}: the frontend does not use the Secret");
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    let case = root().join("golden/generate/orders-api");
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(generate(&case, &a, &[]).status.success());
    assert!(generate(&case, &b, &[]).status.success());
    assert_eq!(files_under(&a), files_under(&b));
}

#[test]
fn a_failed_write_leaves_no_half_written_chart() {
    let case = root().join("golden/generate/cassandra");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("file"), "").unwrap();
    let out = generate(&case, &tmp.path().join("file/chart"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let entries: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
}

#[test]
fn stdin_input_works_like_files() {
    use std::io::Write as _;
    let case = root().join("golden/generate/cassandra");
    let tmp = tempfile::tempdir().unwrap();
    let from_file = tmp.path().join("file");
    assert!(generate(&case, &from_file, &[]).status.success());
    let text = std::fs::read_to_string(case.join("input/cassandra.yaml")).unwrap();
    let from_stdin = tmp.path().join("stdin");
    let mut child = chartwright()
        .args(["generate", "-", "--name", "cassandra", "--output"])
        .arg(&from_stdin)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert_eq!(files_under(&from_file), files_under(&from_stdin));
}

#[test]
fn bad_input_is_one_sentence_with_a_location_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n").unwrap();
    let out = chartwright()
        .arg("generate")
        .arg(&bad)
        .args(["--name", "x", "--output"])
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:5:1: invalid YAML") || err.contains("bad.yaml:4:"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!tmp.path().join("o").exists());

    let out = chartwright().arg("generate").arg(tmp.path().join("missing")).args(["--name", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing: cannot read"));

    let out = chartwright().arg("generate").arg(&bad).args(["--name", "Bad_Name"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    std::fs::write(&bad, [0xff, 0xfe, 0x00]).unwrap();
    let out = chartwright().arg("generate").arg(&bad).args(["--name", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
}

#[test]
fn template_overrides_replace_the_embedded_templates() {
    let case = root().join("golden/generate/cassandra");
    let tmp = tempfile::tempdir().unwrap();
    let overrides = tmp.path().join("tpl");
    std::fs::create_dir_all(&overrides).unwrap();
    std::fs::write(overrides.join("helmignore.tera"), "# ours\n{{ \"generated\" }}\n").unwrap();
    let out_dir = tmp.path().join("chart");
    let out = generate(&case, &out_dir, &["--templates", overrides.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(out_dir.join(".helmignore")).unwrap(), "# ours\ngenerated\n");
}

#[test]
fn oddly_shaped_objects_never_crash_and_invalid_defaults_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let out = chartwright()
        .arg("generate")
        .arg(root().join("tests/fixtures/generate/oddly-shaped.yaml"))
        .args(["--name", "odd", "--output"])
        .arg(tmp.path().join("chart"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("values.yaml at /odd2/replicaCount: the default from the input fails the schema"), "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert!(tmp.path().join("chart/values.schema.json").is_file());
}

#[test]
fn switched_off_ingress_hpa_pdb_and_network_policy_render_consistent_objects_when_switched_on() {
    let case = root().join("golden/generate/guestbook-json");
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("chart");
    assert!(generate(&case, &chart, &[]).status.success());
    let on =
        "ingress.enabled=true,autoscaling.enabled=true,podDisruptionBudget.enabled=true,networkPolicy.enabled=true";
    for (label, bin) in each_helm() {
        let lint = helm(bin, &["lint", "--strict", chart.to_str().unwrap(), "--set", on]);
        assert!(lint.status.success(), "{label}: {}", String::from_utf8_lossy(&lint.stdout));
        let out = helm(bin, &["template", "guestbook-json", chart.to_str().unwrap(), "--set", on]);
        assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        let mut rendered = Loaded::default();
        manifest::load_text("<rendered>", String::from_utf8(out.stdout).unwrap(), &mut rendered).unwrap();
        let find = |kind: &str| {
            rendered.objects.iter().find(|o| o.kind == kind).unwrap_or_else(|| panic!("{label}: no {kind}"))
        };
        let deploy = find("Deployment");
        assert!(deploy.node.path(&["spec", "replicas"]).is_none(), "{label}: the HPA owns replicas");
        let selector = deploy.node.path(&["spec", "selector", "matchLabels"]).unwrap();
        let hpa = find("HorizontalPodAutoscaler");
        assert_eq!(hpa.node.str_at(&["spec", "scaleTargetRef", "name"]), deploy.name.as_deref());
        assert_eq!(find("PodDisruptionBudget").node.path(&["spec", "selector", "matchLabels"]), Some(selector));
        assert_eq!(find("NetworkPolicy").node.path(&["spec", "podSelector", "matchLabels"]), Some(selector));
        let ingress = find("Ingress");
        let backend = common::first_service_backend(&ingress.node);
        let service = find("Service");
        assert_eq!(backend.str_at(&["name"]), service.name.as_deref(), "{label}");
        assert_eq!(
            backend.path(&["port", "number"]).and_then(|n| n.as_i64()),
            service.node.path(&["spec", "ports"]).and_then(|p| p.as_seq()).unwrap()[0]
                .get("port")
                .and_then(|n| n.as_i64())
        );
    }
}

#[test]
fn generated_test_pods_are_clean_by_chartwrights_own_lint() {
    let mut checked = 0;
    for case in plain_cases() {
        let chart = case.join("expected");
        let Ok(tests) = std::fs::read_dir(chart.join("templates/tests")) else { continue };
        let mut files: Vec<String> =
            tests.map(|e| format!("templates/tests/{}", e.unwrap().file_name().to_string_lossy())).collect();
        files.sort();
        let name = case_name(&case);
        for (label, bin) in each_helm() {
            let tmp = tempfile::tempdir().unwrap();
            // The whole chart: no finding is about a test pod (some rules read the other objects).
            let out = helm(bin, &["template", &name, chart.to_str().unwrap()]);
            assert!(out.status.success(), "{label} {name}: {}", String::from_utf8_lossy(&out.stderr));
            std::fs::write(tmp.path().join("all.yaml"), &out.stdout).unwrap();
            let lint = chartwright().current_dir(tmp.path()).args(["lint", "all.yaml"]).output().unwrap();
            let text = String::from_utf8_lossy(&lint.stdout);
            let about_tests: Vec<&str> = text.lines().filter(|l| l.contains("-test-connection")).collect();
            assert!(about_tests.is_empty(), "{label} {name}:\n{}", about_tests.join("\n"));
            // The test pods alone pass the strictest gate a user would set.
            let mut args = vec!["template", &name, chart.to_str().unwrap()];
            for f in &files {
                args.extend(["--show-only", f.as_str()]);
            }
            let out = helm(bin, &args);
            assert!(out.status.success(), "{label} {name}: {}", String::from_utf8_lossy(&out.stderr));
            std::fs::write(tmp.path().join("tests.yaml"), &out.stdout).unwrap();
            let lint = chartwright()
                .current_dir(tmp.path())
                .args(["lint", "tests.yaml", "--fail-on", "warning"])
                .output()
                .unwrap();
            assert_eq!(lint.status.code(), Some(0), "{label} {name}: {}", String::from_utf8_lossy(&lint.stdout));
            checked += files.len();
        }
    }
    assert!(checked >= 16, "{checked} test pods checked");
}

/// The README's "Try it" steps, run as written, give what the README says they give.
#[test]
fn the_readme_try_it_steps_give_what_the_readme_promises() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("examples")).unwrap();
    common::copy_dir(&root().join("examples/orders-api"), &tmp.path().join("examples/orders-api"));
    let run = |args: &[&str]| chartwright().current_dir(tmp.path()).args(args).output().unwrap();
    let o = run(&["generate", "examples/orders-api", "--name", "orders-api", "--output", "out/orders-api"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(run(&["validate", "out/orders-api"]).status.code(), Some(0));
    assert_eq!(run(&["validate", "out/orders-api", "--set", "replicaCount=three"]).status.code(), Some(1));
    assert_eq!(run(&["audit", "out/orders-api"]).status.code(), Some(0));
    for (label, h) in each_helm() {
        let chart = tmp.path().join("out/orders-api");
        assert!(helm(h, &["lint", chart.to_str().unwrap()]).status.success(), "{label}");
        let rendered = helm(h, &["template", "orders-api", chart.to_str().unwrap()]);
        std::fs::write(tmp.path().join("rendered.yaml"), &rendered.stdout).unwrap();
        let lint = run(&["lint", "rendered.yaml"]);
        let text = String::from_utf8_lossy(&lint.stdout);
        assert_eq!(lint.status.code(), Some(0), "{label}: {text}");
        assert!(text.contains("0 errors, 2 warnings, 2 info"), "{label}: the README's count:\n{text}");
    }
    // A values file beside the chart's values.yaml, named as the README names it.
    std::fs::write(tmp.path().join("out/orders-api/values-prod.yaml"), "image:\n  tagg: \"2.0\"\n").unwrap();
    let o = run(&["validate", "out/orders-api", "values-prod.yaml"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("values-prod.yaml:2:3") && text.contains("did you mean 'tag'?"), "{text}");
}
