//! Differential tests: `chartwright validate` against real `helm template` (4.1.4 by default,
//! 3.17.2 under `--helm-compat 3`) on charts with schemas of every draft, subcharts with
//! conditions, tags, an alias, `global` and `import-values`, and mutated values.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{chartwright, copy_dir, helm, helms, root};

/// The fixture charts in a temporary directory, with `cache` packaged into `app/charts/` as a
/// `.tgz` by real Helm (so archive subcharts are covered).
fn charts() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let src = root().join("tests/fixtures/validate");
        for c in ["app", "legacy", "plain"] {
            copy_dir(&src.join(c), &dir.path().join(c));
        }
        let (_, h4) = helms();
        let out = helm(
            h4,
            &["package", src.join("cache").to_str().unwrap(), "-d", dir.path().join("app/charts").to_str().unwrap()],
        );
        assert!(out.status.success(), "helm package: {}", String::from_utf8_lossy(&out.stderr));
        dir
    })
    .path()
}

struct Case {
    chart: &'static str,
    values: &'static str,
    sets: &'static [&'static str],
}

const fn case(chart: &'static str, values: &'static str) -> Case {
    Case { chart, values, sets: &[] }
}

const fn with_sets(chart: &'static str, values: &'static str, sets: &'static [&'static str]) -> Case {
    Case { chart, values, sets }
}

fn cases() -> Vec<Case> {
    vec![
        case("app", ""),
        case("app", "replicaCount: 1.5\n"),
        case("app", "replicaCount: \"3\"\n"),
        case("app", "replicaCount: 0\n"),
        case("app", "replicaCount: 11\n"),
        case("app", "replicaCount: 3.0\n"),
        case("app", "replicaCount: yes\n"),
        case("app", "replicaCount: 12345678901234567890\n"),
        case("app", "replicaCount: 1.5\nreplicaCount: 2\n"),
        case("app", "image:\n  tag: 1.20\n"),
        case("app", "image:\n  tag: 1\n"),
        case("app", "image:\n  tag: !!str 1.20\n"),
        case("app", "image:\n  tag: null\n"),
        case("app", "image:\n  pullPolicy: Sometimes\n"),
        case("app", "image:\n  pullPolicy: never\n"),
        case("app", "image:\n  repositry: x\n"),
        case("app", "image: null\n"),
        case("app", "image: nginx\n"),
        case("app", "service:\n  port: 0755\n"),
        case("app", "service:\n  port: 70000\n"),
        case("app", "service:\n  port: \"80\"\n  type: Ingress\n"),
        case("app", "name: My_App\n"),
        case("app", "name: 123\n"),
        case("app", "email: not-an-email\n"),
        case("app", "debug: yes\n"),
        case("app", "debug: \"yes\"\n"),
        case("app", "debug: n\n"),
        case("app", "tolerations:\n  - operator: Exists\n"),
        case("app", "tolerations: {}\n"),
        case("app", "tolerations: null\n"),
        case("app", "resources:\n  limits:\n    cpu: true\n"),
        case("app", "resources:\n  limitz: {}\n"),
        case("app", "nodeSelector: null\n"),
        case("app", "nodeSelector: []\n"),
        case("app", "mode: slow\n"),
        case("app", "ports: [80, \"8080\", \"http\"]\n"),
        case("app", "on: 1\nunknown: 2\n"),
        case("app", "replicaCount: 3\n---\nreplicaCount: 1.5\n"),
        case("app", "- a\n- b\n"),
        case("app", "fromCache:\n  size: big\n"),
        case("app", "db:\n  enabled: false\n  port: 10\n"),
        case("app", "db:\n  port: 10\n"),
        case("app", "db:\n  user: ab\n"),
        case("app", "db:\n  user: null\n"),
        case("app", "db:\n  storage:\n    class: null\n"),
        case("app", "db:\n  storage:\n    size: 8GB\n"),
        case("app", "db:\n  host: \"bad host!\"\n"),
        case("app", "db:\n  extra: 1\n"),
        case("app", "db: 5\n"),
        case("app", "global:\n  env: staging\n"),
        case("app", "tags:\n  caching: false\nredis:\n  maxMemory: 100\n"),
        case("app", "redis:\n  maxMemory: 100\n"),
        case("app", "redis:\n  policy: lru\n"),
        case("app", "redis:\n  bogus: 1\n"),
        case("app", "redis: null\n"),
        case("legacy", ""),
        case("legacy", "workers: 1\n"),
        case("legacy", "ratio: 1\n"),
        case("legacy", "mode: \"on\"\n"),
        case("legacy", "mode: off\n"),
        case("legacy", "labels:\n  team: 7\n"),
        case("legacy", "url: not a uri\n"),
        case("legacy", "url: https://example.com/x\n"),
        case("plain", "anything: [1, 2]\n"),
        with_sets("app", "", &["--set", "image.tag=1.20"]),
        with_sets("app", "", &["--set", "replicaCount=1.5"]),
        with_sets("app", "", &["--set", "replicaCount=05"]),
        with_sets("app", "", &["--set", "replicaCount=3"]),
        with_sets("app", "", &["--set-string", "replicaCount=3"]),
        with_sets("app", "", &["--set-json", "image={\"tag\":2}"]),
        with_sets("app", "", &["--set", "tolerations[1].key=a"]),
        with_sets("app", "", &["--set", "image.tag=null"]),
        with_sets("app", "", &["--set", "db.enabled=false", "--set", "db.port=1"]),
        with_sets("app", "", &["--set-literal", "name=a,b"]),
        with_sets("app", "", &["--set", "debug=TRUE"]),
        with_sets("app", "replicaCount: 2\n", &["--set-json", "replicaCount=1.5", "--set", "replicaCount=4"]),
        with_sets("app", "image:\n  tag: v1\n", &["--set", "image.tag=7"]),
    ]
}

/// Helm's verdict and, for Helm 4, the (chart, pointer) of every innermost error line.
fn helm_verdict(bin: &Path, chart: &Path, file: &Path, sets: &[&str]) -> (bool, BTreeSet<(String, String)>, String) {
    let mut args = vec!["template", chart.to_str().unwrap(), "-f", file.to_str().unwrap()];
    args.extend_from_slice(sets);
    let out = helm(bin, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut found = BTreeSet::new();
    let mut current = String::new();
    let lines: Vec<&str> = stderr.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    for (i, l) in lines.iter().enumerate() {
        if !l.starts_with([' ', '-']) && l.ends_with(':') && !l.starts_with("Error") {
            current = l.trim_end_matches(':').to_string();
            continue;
        }
        let t = l.trim_start();
        let Some(rest) = t.strip_prefix("- at '") else { continue };
        let is_leaf = lines.get(i + 1).is_none_or(|n| !n.trim_start().starts_with("- at") || indent(n) <= indent(l));
        if is_leaf {
            let ptr = rest.split("':").next().unwrap_or("").to_string();
            found.insert((current.clone(), ptr));
        }
    }
    (out.status.success(), found, stderr)
}

struct Ours {
    valid: bool,
    errors: BTreeSet<(String, String)>,
    json: String,
}

/// One chartwright invocation per (chart, flags) group, every case file a run.
fn ours(compat: &str, chart: &Path, files: &[PathBuf], sets: &[&str]) -> Vec<Ours> {
    let mut cmd = chartwright();
    cmd.args(["validate", chart.to_str().unwrap()]);
    cmd.args(files);
    cmd.args(sets);
    cmd.args(["--format", "json", "--helm-compat", compat]);
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}\n{}", String::from_utf8_lossy(&out.stderr)));
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), files.len());
    runs.iter()
        .map(|r| Ours {
            valid: r["valid"].as_bool().unwrap(),
            errors: r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["keyword"] != "yaml" && e["keyword"] != "set")
                .map(|e| (e["chart"].as_str().unwrap().to_string(), e["pointer"].as_str().unwrap().to_string()))
                .collect(),
            json: serde_json::to_string(r).unwrap(),
        })
        .collect()
}

#[test]
fn verdicts_and_pointers_agree_with_real_helm() {
    let dir = charts();
    let work = tempfile::tempdir().unwrap();
    let cases = cases();
    let files: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = work.path().join(format!("case-{i:03}.yaml"));
            std::fs::write(&p, c.values).unwrap();
            p
        })
        .collect();
    let (h3, h4) = helms();

    // Helm, a few processes at a time.
    let helm_results: Vec<_> = std::thread::scope(|s| {
        let chunks: Vec<Vec<usize>> = (0..4).map(|k| (k..cases.len()).step_by(4).collect()).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|idx| {
                let cases = &cases;
                let files = &files;
                s.spawn(move || {
                    idx.into_iter()
                        .map(|i| {
                            let chart = dir.join(cases[i].chart);
                            let r4 = helm_verdict(h4, &chart, &files[i], cases[i].sets);
                            let r3 = helm_verdict(h3, &chart, &files[i], cases[i].sets);
                            (i, r4, r3)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort_by_key(|(i, _, _)| *i);
        all
    });

    // Ours: group by (chart, flags).
    let mut groups: Vec<(&str, &[&str], Vec<usize>)> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        match groups.iter_mut().find(|(ch, s, _)| *ch == c.chart && *s == c.sets) {
            Some(g) => g.2.push(i),
            None => groups.push((c.chart, c.sets, vec![i])),
        }
    }
    let mut ours4: Vec<Option<Ours>> = (0..cases.len()).map(|_| None).collect();
    let mut ours3: Vec<Option<Ours>> = (0..cases.len()).map(|_| None).collect();
    for (chart, sets, idx) in &groups {
        let fs: Vec<PathBuf> = idx.iter().map(|&i| files[i].clone()).collect();
        for (i, o) in idx.iter().zip(ours("4", &dir.join(chart), &fs, sets)) {
            ours4[*i] = Some(o);
        }
        for (i, o) in idx.iter().zip(ours("3", &dir.join(chart), &fs, sets)) {
            ours3[*i] = Some(o);
        }
    }

    let mut agree = 0;
    let mut checks = 0;
    let mut failures = Vec::new();
    let mut invalid_seen = 0;
    for (i, (_, (ok4, ptrs4, err4), (ok3, _, err3))) in helm_results.iter().enumerate() {
        let o4 = ours4[i].as_ref().unwrap();
        let o3 = ours3[i].as_ref().unwrap();
        let c = &cases[i];
        if !ok4 {
            invalid_seen += 1;
        }
        // Pointers are compared when Helm reports schema errors (not for YAML or coalescing errors).
        let same4 = o4.valid == *ok4 && (ptrs4.is_empty() || o4.errors == *ptrs4);
        let same3 = o3.valid == *ok3;
        checks += 2;
        agree += usize::from(same4) + usize::from(same3);
        if !same4 {
            failures.push(format!(
                "helm 4.1.4, case {i} ({} {:?} {:?}): helm valid={ok4} {ptrs4:?}\n{err4}\nours: {}",
                c.chart, c.values, c.sets, o4.json
            ));
        }
        if !same3 {
            failures.push(format!(
                "helm 3.17.2, case {i} ({} {:?} {:?}): helm valid={ok3}\n{err3}\nours: {}",
                c.chart, c.values, c.sets, o3.json
            ));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let pct = 100.0 * agree as f64 / checks as f64;
    println!(
        "validate differential: {agree}/{checks} verdicts agree with real Helm ({pct:.1}%), {} cases",
        cases.len()
    );
    assert!(invalid_seen > 20, "the suite must exercise failures, saw {invalid_seen}");
    assert!(failures.is_empty(), "disagreements with Helm ({pct:.1}% agreement):\n{}", failures.join("\n\n"));
}
