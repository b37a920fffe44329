//! `generate --dependency`: maintained charts from the catalog as dependencies, proven against
//! a real chart repository on 127.0.0.1 (an HTTP server in the test serving an index.yaml and a
//! chart built by real `helm package`) with Helm 3.17.2 and 4.1.4, plus the refusals and the
//! advice notes.

use crate::common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::{chartwright, each_helm, files_under, root};

fn orders_api() -> PathBuf {
    root().join("golden/generate/orders-api/input")
}

/// Every file of a chart by relative path, with its text.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn generate(input: &Path, out: &Path, extra: &[&str]) -> Output {
    chartwright()
        .arg("generate")
        .arg(input)
        .args(["--name", "orders-api", "--output"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn deny_listed_and_unknown_dependencies_are_refused_with_exit_2_naming_the_replacement() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("chart");
    let cases: [(&str, &[&str]); 5] = [
        ("bitnami/postgresql", &["bitnami-charts-https", "--dependency cloudnative-pg", "--dependency cnpg-cluster"]),
        ("oci://registry-1.docker.io/bitnamicharts/redis", &["bitnami-charts-oci", "--dependency valkey"]),
        ("postgres", &["no catalog entry has that name", "cloudnative-pg, cnpg-cluster", "kube-prometheus-stack"]),
        ("cert-manager", &["never to embed it as a subchart"]),
        ("rabbitmq", &["not as a Helm chart"]),
    ];
    for (spec, wanted) in cases {
        let o = generate(&orders_api(), &out, &["--dependency", spec]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{spec}: {err}");
        assert_eq!(err.lines().count(), 1, "{spec}: one sentence: {err}");
        for w in wanted {
            assert!(err.contains(w), "{spec}: no {w:?} in {err}");
        }
        assert!(!out.exists(), "{spec}: a refused dependency must write nothing");
    }
    let o = generate(&orders_api(), &out, &["--dependency", "valkey", "--verify"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("helm dependency build"), "{}", stderr(&o));
    let o = generate(&orders_api(), &out, &["--dependency", "valkey@>=1 <"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a version constraint Helm accepts"), "{}", stderr(&o));
}

#[test]
fn a_bitnami_postgresql_statefulset_gets_advice_and_an_unchanged_chart() {
    let fixture = root().join("tests/fixtures/generate/bitnami-postgres.yaml");
    let tmp = tempfile::tempdir().unwrap();
    let (advised, plain) = (tmp.path().join("advised"), tmp.path().join("plain"));
    let o = chartwright().arg("generate").arg(&fixture).args(["--name", "db", "-o"]).arg(&advised).output().unwrap();
    let err = stderr(&o);
    let note =
        err.lines().find(|l| l.starts_with("note:") && l.contains("StatefulSet/db")).unwrap_or_else(|| panic!("{err}"));
    assert!(
        note.contains("bitnami-postgres.yaml:2: StatefulSet/db runs docker.io/bitnami/postgresql:16.4.0"),
        "{note}"
    );
    assert!(note.contains("deny-listed, bitnami-image-removed"), "{note}");
    assert!(note.contains("`--dependency cnpg-cluster`") && note.contains("cloudnative-pg"), "{note}");
    // Advice only: the chart is the one written without any catalog.
    let o = chartwright()
        .arg("generate")
        .arg(&fixture)
        .args(["--name", "db", "--no-default-catalog", "-o"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("note:"), "{}", stderr(&o));
    assert_eq!(files_under(&advised), files_under(&plain));
    assert!(!std::fs::read_to_string(advised.join("Chart.yaml")).unwrap().contains("dependencies"));
    // An entry already added is not advised again.
    let with = tmp.path().join("with");
    let o = chartwright()
        .arg("generate")
        .arg(&fixture)
        .args(["--name", "db", "--dependency", "cnpg-cluster", "-o"])
        .arg(&with)
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("note:"), "{}", stderr(&o));
}

#[test]
fn print_catalog_and_catalog_files() {
    let o = chartwright().args(["generate", "--print-catalog"]).output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8(o.stdout).unwrap(), chartwright::generate::deps::catalog::DEFAULT_CATALOG);
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "charts:\n  - name: pg\n    description: d\n    chart: c\n    repository: ftp://x\n").unwrap();
    let o = generate(&orders_api(), &tmp.path().join("c"), &["--catalog", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.yaml:5:17: repository `ftp://x` must be"), "{err}");
}

#[test]
fn a_dependency_key_that_the_chart_already_uses_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog.yaml");
    // The shop chart has its own `redis` values (its Redis Deployment).
    std::fs::write(
        &catalog,
        "charts:\n  - name: valkey\n    description: d\n    chart: valkey\n    repository: https://valkey.io/valkey-helm/\n    version: 1.0.0\n    key: redis\n",
    )
    .unwrap();
    let out = tmp.path().join("chart");
    let o = chartwright()
        .arg("generate")
        .arg(root().join("golden/generate/shop/input"))
        .args(["--name", "shop", "--dependency", "valkey", "--catalog", catalog.to_str().unwrap(), "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("values key `redis` is already one of the chart's own values keys"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn the_written_chart_yaml_passes_audit_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("chart");
    // Every entry the built-in catalog can add, at once.
    let catalog = chartwright::generate::deps::catalog::Catalog::builtin();
    let mut args = Vec::new();
    for e in catalog.entries.iter().filter(|e| e.refuse.is_none()) {
        args.extend(["--dependency", e.name.as_str()]);
    }
    assert!(args.len() >= 16, "{args:?}");
    let o = generate(&orders_api(), &chart, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = chartwright().arg("audit").arg(&chart).args(["--format", "json"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{j}");
    assert_eq!(j["summary"]["errors"], 0, "{j}");
    assert_eq!(j["summary"]["warnings"], 0, "{j}");
}

/// A static file server on 127.0.0.1 for one directory (a chart repository).
fn serve_dir(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let dir = dir.clone();
            std::thread::spawn(move || {
                s.set_read_timeout(Some(Duration::from_secs(5))).ok();
                // The request line names the file; the headers only need reading past.
                let mut reader = BufReader::new(&s);
                let mut request = String::new();
                if reader.read_line(&mut request).unwrap_or(0) == 0 {
                    return;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).unwrap_or(0) > 2 {
                    header.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let file = path.trim_start_matches("/charts/").trim_start_matches('/');
                let reply = match std::fs::read(dir.join(file)) {
                    Ok(body) if !file.contains("..") => {
                        let mut r =
                            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
                                .into_bytes();
                        r.extend_from_slice(&body);
                        r
                    }
                    _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                };
                let _ = s.write_all(&reply);
            });
        }
    });
    port
}

/// Helm with its own homes under `home`, so no user configuration or cache leaks in.
fn helm_in(bin: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .env_remove("HELM_REPOSITORY_CONFIG")
        .output()
        .unwrap()
}

fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_dependency_from_a_loopback_repository_builds_renders_lints_and_audits_clean_on_helm_3_and_4() {
    let tmp = tempfile::tempdir().unwrap();
    let (h3, _) = common::helms();
    // The repository: a tiny chart named like the catalog's `cluster`, packaged and indexed by Helm.
    let src = tmp.path().join("src/cluster");
    std::fs::create_dir_all(src.join("templates")).unwrap();
    std::fs::write(src.join("Chart.yaml"), "apiVersion: v2\nname: cluster\nversion: 0.3.0\ndescription: test\n")
        .unwrap();
    std::fs::write(src.join("values.yaml"), "greeting: hello\n").unwrap();
    std::fs::write(
        src.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-pg-cluster\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
    )
    .unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let home = tmp.path().join("helm-home");
    ok(&helm_in(h3, &home, &["package", src.to_str().unwrap(), "-d", repo.to_str().unwrap()]), "helm package");
    let port = serve_dir(repo.clone());
    let url = format!("http://127.0.0.1:{port}/charts");
    ok(&helm_in(h3, &home, &["repo", "index", repo.to_str().unwrap(), "--url", &url]), "helm repo index");

    // The catalog entry, pointed at the loopback repository by a catalog file.
    let catalog = tmp.path().join("catalog.yaml");
    std::fs::write(
        &catalog,
        format!(
            "version: 1\ncharts:\n  - name: cnpg-cluster\n    description: test database\n    chart: cluster\n    repository: {url}\n    version: \">=0.1.0 <1.0.0\"\n    key: postgresql\n    sources: {{chart: \"https://github.com/cloudnative-pg/charts\"}}\n"
        ),
    )
    .unwrap();
    let chart = tmp.path().join("chart");
    let o = generate(&orders_api(), &chart, &["--catalog", catalog.to_str().unwrap(), "--dependency", "cnpg-cluster"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let chart_yaml = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap();
    assert!(
        chart_yaml.contains(&format!("repository: {url}")) && chart_yaml.contains("alias: postgresql"),
        "{chart_yaml}"
    );

    for (label, bin) in each_helm() {
        let dir = tmp.path().join(label.replace(' ', "-"));
        common::copy_dir(&chart, &dir);
        let home = tmp.path().join(format!("home-{}", label.replace(' ', "-")));
        let d = dir.to_str().unwrap();
        ok(&helm_in(bin, &home, &["dependency", "build", d]), &format!("{label}: helm dependency build"));
        assert!(dir.join("charts/cluster-0.3.0.tgz").is_file(), "{label}: the subchart was not fetched");
        let on = ok(&helm_in(bin, &home, &["template", "orders-api", d]), &format!("{label}: helm template"));
        assert!(on.contains("name: orders-api-pg-cluster") && on.contains("greeting: \"hello\""), "{label}: {on}");
        // The key is the subchart's alias: values under it reach the subchart, and the schema lets them.
        let set = ok(
            &helm_in(bin, &home, &["template", "orders-api", d, "--set", "postgresql.greeting=hi"]),
            &format!("{label}: helm template --set postgresql.greeting"),
        );
        assert!(set.contains("greeting: \"hi\""), "{label}: {set}");
        let off = ok(
            &helm_in(bin, &home, &["template", "orders-api", d, "--set", "postgresql.enabled=false"]),
            &format!("{label}: helm template disabled"),
        );
        assert!(!off.contains("pg-cluster") && off.contains("kind: Deployment"), "{label}: {off}");
        // Our own keys stay closed.
        let typo = helm_in(bin, &home, &["template", "orders-api", d, "--set", "replicaCont=3"]);
        assert!(!typo.status.success(), "{label}: the schema must still refuse unknown keys of the chart");
        ok(&helm_in(bin, &home, &["lint", "--strict", d]), &format!("{label}: helm lint --strict"));

        let cache = tmp.path().join(format!("cache-{}", label.replace(' ', "-")));
        let o = chartwright()
            .args(["audit", d, "--online", "--format", "json", "--timeout", "5", "--cache-dir"])
            .arg(&cache)
            .env_remove("HELM_REPOSITORY_CONFIG")
            .env("HELM_CONFIG_HOME", home.join("config"))
            .output()
            .unwrap();
        let j: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{label}: not JSON: {}", stderr(&o)));
        assert_eq!(o.status.code(), Some(0), "{label}: {j}");
        let s = &j["summary"];
        assert_eq!((s["errors"].as_u64(), s["warnings"].as_u64()), (Some(0), Some(0)), "{label}: {j}");
        // It did go online: the loopback index is in its cache.
        let cached = walk_files(&cache);
        assert!(!cached.is_empty(), "{label}: audit --online fetched nothing");
    }
}
