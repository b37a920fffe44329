//! `generate --env` over the real multi-environment cases of the shared corpus (run by
//! `scripts/test.sh` where the corpus is; by hand:
//! `CHARTWRIGHT_ENV_CORPUS=/work/shared/corpus/environments cargo test --test generate_envs_corpus -- --ignored --nocapture`).
//!
//! For every case (`envs.tsv`: `<env>\t<namespace>\trendered/<env>.yaml`) one chart is generated
//! from the rendered files, and one from the kustomize overlays under `source/` through
//! `kubectl kustomize`; for every environment, on Helm 3.17.2 and 4.1.4,
//! `helm template <name> <chart> -n <ns> -f values-<env>.yaml --include-crds` must reproduce
//! that environment's objects (the round-trip allowances of `generate::verify`),
//! `helm lint --strict -f values-<env>.yaml` must pass and `chartwright validate <chart>
//! values-<env>.yaml` must say valid; `chartwright validate <chart>` alone must run values.yaml
//! and every values-<env>.yaml. Every failure of every case is collected before the test fails,
//! so one run shows them all.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chartwright::generate;
use chartwright::manifest;
use common::{chartwright, each_helm, helm, kubectl};

/// Helm and chartwright processes run at once (the machine has two cores).
const WORKERS: usize = 4;

struct Env {
    name: String,
    namespace: String,
    rendered: PathBuf,
}

struct Case {
    dir: PathBuf,
    /// The chart name: the application part of the case's directory name.
    chart: String,
    envs: Vec<Env>,
}

fn corpus() -> Vec<Case> {
    let root =
        std::env::var_os("CHARTWRIGHT_ENV_CORPUS").expect("CHARTWRIGHT_ENV_CORPUS must name corpus/environments");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let cases: Vec<Case> = dirs
        .into_iter()
        .filter(|d| d.join("envs.tsv").is_file())
        .map(|dir| {
            let tsv = std::fs::read_to_string(dir.join("envs.tsv")).unwrap();
            let envs = tsv
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let f: Vec<&str> = l.split('\t').collect();
                    assert_eq!(f.len(), 3, "{}: {l:?}", dir.display());
                    Env { name: f[0].into(), namespace: f[1].into(), rendered: dir.join(f[2]) }
                })
                .collect();
            let base = dir.file_name().unwrap().to_string_lossy();
            let chart = base.rsplit("__").next().unwrap().to_ascii_lowercase().replace('_', "-");
            Case { dir, chart, envs }
        })
        .collect();
    assert!(!cases.is_empty(), "no case with an envs.tsv");
    cases
}

/// The overlay of `env` under `source/`: the directory named after it that holds a
/// kustomization (`overlays/<env>`, `k8s/<env>`).
fn overlay(case: &Case, env: &str) -> PathBuf {
    fn walk(dir: &Path, env: &str, found: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries.into_iter().filter(|p| p.is_dir()) {
            if p.file_name().is_some_and(|n| n == env) && chartwright::kustomize::is_kustomization_dir(&p) {
                found.push(p.clone());
            }
            walk(&p, env, found);
        }
    }
    let mut found = Vec::new();
    walk(&case.dir.join("source"), env, &mut found);
    assert_eq!(found.len(), 1, "{}: overlays named {env}: {found:?}", case.dir.display());
    found.remove(0)
}

fn loaded(path: &Path) -> manifest::Loaded {
    manifest::load_inputs(&[path.to_path_buf()]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `chartwright generate --env ...` into `out`; the failure, if any, as one line.
fn generate_chart(case: &Case, envs: &[(String, PathBuf)], out: &Path) -> Result<(), String> {
    let mut cmd = chartwright();
    cmd.args(["generate", "--name", &case.chart, "--secrets", "inline", "--output"]).arg(out);
    for (name, path) in envs {
        cmd.arg("--env").arg(format!("{name}={}", path.display()));
    }
    cmd.arg("--kustomize").arg(kubectl());
    let o = cmd.output().unwrap();
    // Exit 1 is the input's own lint errors; the chart is written all the same.
    if !matches!(o.status.code(), Some(0 | 1)) || !out.join("Chart.yaml").is_file() {
        return Err(format!("generate failed ({}): {}", o.status, String::from_utf8_lossy(&o.stderr)));
    }
    Ok(())
}

/// One check of one environment on one Helm.
struct Job<'a> {
    case: &'a Case,
    env: &'a Env,
    chart: &'a Path,
    helm: (&'static str, &'static Path),
    what: &'static str,
}

/// Lint messages that a faithful chart cannot avoid, since the input has them: its own removed
/// or deprecated API versions (pop-stats keeps `autoscaling/v2beta2`, as its repository does)
/// and its own names that are not RFC 1123 (app-template-java keeps the template placeholder
/// `YOUR_APPLICATION-app`).
fn lint_problems(stdout: &str, input: &manifest::Loaded) -> Vec<String> {
    let dns = |n: &str| n.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.');
    let invalid_names: Vec<&str> = input.objects.iter().filter_map(|o| o.name.as_deref()).filter(|n| !dns(n)).collect();
    stdout
        .lines()
        .filter(|l| l.contains("[ERROR]") || l.contains("[WARNING]"))
        .filter(|l| {
            let old_api = (l.contains("deprecated") || l.contains("removed"))
                && input.objects.iter().any(|o| l.contains(&o.api_version) && l.contains(&o.kind));
            let input_name = l.contains("does not conform to Kubernetes naming requirements")
                && invalid_names.iter().any(|n| l.contains(n));
            !old_api && !input_name
        })
        .map(str::to_string)
        .collect()
}

fn run_job(job: &Job<'_>) -> Vec<String> {
    let Job { case, env, chart, helm: (label, bin), what } = job;
    let values = chart.join(format!("values-{}.yaml", env.name));
    let chart_s = chart.to_str().unwrap();
    let values_s = values.to_str().unwrap();
    let here = format!("{} {} ({what}, {label})", case.chart, env.name);
    let mut problems = Vec::new();
    let input = loaded(&env.rendered);
    let out = helm(bin, &["template", &case.chart, chart_s, "-n", &env.namespace, "-f", values_s, "--include-crds"]);
    if !out.status.success() {
        return vec![format!("{here}: helm template failed: {}", String::from_utf8_lossy(&out.stderr))];
    }
    let mut rendered = manifest::Loaded::default();
    manifest::load_text("<helm template>", String::from_utf8(out.stdout).unwrap(), &mut rendered).unwrap();
    let main_ns = generate::main_namespace(&input.objects);
    for m in generate::verify::compare(&input.objects, &rendered.objects, main_ns.as_deref(), &env.namespace, false) {
        problems.push(format!("{here}: {m}"));
    }
    let lint = helm(bin, &["lint", "--strict", chart_s, "-f", values_s]);
    if !lint.status.success() {
        let stdout = String::from_utf8_lossy(&lint.stdout);
        let unexpected = lint_problems(&stdout, &input);
        if !unexpected.is_empty() || !stdout.contains("[WARNING]") {
            problems.push(format!(
                "{here}: helm lint --strict: {}",
                if unexpected.is_empty() { stdout.to_string() } else { unexpected.join("; ") }
            ));
        } else {
            let tolerated: Vec<&str> = stdout.lines().filter(|l| l.contains("[WARNING]")).collect();
            println!("{here}: helm lint --strict: tolerated, about the input itself: {}", tolerated.join("; "));
        }
    }
    problems
}

fn validate_problems(case: &Case, chart: &Path, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for env in &case.envs {
        let o = chartwright()
            .arg("validate")
            .arg(chart)
            .arg(chart.join(format!("values-{}.yaml", env.name)))
            .output()
            .unwrap();
        if o.status.code() != Some(0) {
            problems.push(format!(
                "{} {} ({what}): chartwright validate: {}{}",
                case.chart,
                env.name,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    // No values files: values.yaml, every values-<env>.yaml and the two ci/ files every chart
    // carries, each its own valid run.
    let o = chartwright().args(["validate", "--format", "json"]).arg(chart).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let runs = doc["runs"].as_array().map_or(0, Vec::len);
    if o.status.code() != Some(0) || runs != 3 + case.envs.len() {
        problems.push(format!(
            "{} ({what}): chartwright validate <chart> ran {runs} values files, not values.yaml, {} values-<env>.yaml and 2 ci/ files ({}): {}",
            case.chart,
            case.envs.len(),
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    problems
}

/// Runs the jobs on a few threads; their problems in job order.
fn run_jobs(jobs: &[Job<'_>]) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Vec<String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let p = run_job(job);
                    results.lock().unwrap().push((i, p));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().flat_map(|(_, p)| p).collect()
}

/// Generates every case from `inputs(case, env)` into `dir`; the charts made, and the failures.
fn generate_all<'c>(
    cases: &'c [Case],
    what: &str,
    dir: &Path,
    inputs: impl Fn(&Case, &Env) -> PathBuf,
) -> (Vec<(&'c Case, PathBuf)>, Vec<String>) {
    let mut problems = Vec::new();
    let mut charts = Vec::new();
    for case in cases {
        let out = dir.join(&case.chart);
        let envs: Vec<(String, PathBuf)> = case.envs.iter().map(|e| (e.name.clone(), inputs(case, e))).collect();
        match generate_chart(case, &envs, &out) {
            Ok(()) => charts.push((case, out)),
            Err(e) => problems.push(format!("{} ({what}): {e}", case.chart)),
        }
    }
    (charts, problems)
}

/// Every environment of every chart on both Helms, then `chartwright validate`.
fn check_charts(charts: &[(&Case, PathBuf)], what: &'static str) -> Vec<String> {
    let jobs: Vec<Job<'_>> = charts
        .iter()
        .flat_map(|(case, chart)| {
            case.envs
                .iter()
                .flat_map(move |env| each_helm().into_iter().map(move |helm| Job { case, env, chart, helm, what }))
        })
        .collect();
    let mut problems = run_jobs(&jobs);
    for (case, chart) in charts {
        problems.extend(validate_problems(case, chart, what));
    }
    println!("{what}: {} charts, {} environment checks", charts.len(), jobs.len());
    problems
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
#[ignore = "needs the multi-environment corpus: set CHARTWRIGHT_ENV_CORPUS to corpus/environments"]
fn every_environment_of_every_case_renders_exactly_from_rendered_manifests() {
    let cases = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let (charts, mut problems) = generate_all(&cases, "rendered", tmp.path(), |_, env| env.rendered.clone());
    problems.extend(check_charts(&charts, "rendered"));
    // The README's table: each values-<env>.yaml against that environment's manifests.
    println!("| case | environment | manifest lines | values file lines |");
    println!("|---|---|---:|---:|");
    for (case, chart) in &charts {
        println!("| {} | (values.yaml, the defaults) | | {} |", case.chart, lines(&chart.join("values.yaml")));
        for env in &case.envs {
            let values = chart.join(format!("values-{}.yaml", env.name));
            println!("| {} | {} | {} | {} |", case.chart, env.name, lines(&env.rendered), lines(&values));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
#[ignore = "needs the multi-environment corpus: set CHARTWRIGHT_ENV_CORPUS to corpus/environments"]
fn every_environment_of_every_case_renders_exactly_from_kustomize_overlays() {
    let cases = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let (charts, mut problems) =
        generate_all(&cases, "kubectl kustomize", &tmp.path().join("overlays"), |case, env| overlay(case, &env.name));
    problems.extend(check_charts(&charts, "kubectl kustomize"));
    // The corpus's rendered files are these overlays rendered: the chart must be the same one.
    let (from_rendered, _) =
        generate_all(&cases, "rendered", &tmp.path().join("rendered"), |_, env| env.rendered.clone());
    for (case, a) in &charts {
        let Some((_, b)) = from_rendered.iter().find(|(c, _)| c.chart == case.chart) else { continue };
        let (fa, fb) = (common::files_under(a), common::files_under(b));
        let differ: Vec<&str> =
            fa.iter().filter(|(p, text)| fb.get(*p) != Some(*text)).map(|(p, _)| p.as_str()).collect();
        if !differ.is_empty() || fa.len() != fb.len() {
            problems.push(format!(
                "{}: the chart from the overlays differs from the one from rendered/ in {differ:?} ({} and {} files)",
                case.chart,
                fa.len(),
                fb.len()
            ));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}
