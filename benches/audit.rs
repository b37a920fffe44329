//! Auditing 500 charts offline (target: under 0.5 s).

use std::path::PathBuf;

use chartwright::audit::{self, Options};
use chartwright::denylist::DenyList;
use criterion::{Criterion, criterion_group, criterion_main};

/// 500 chart directories with dependencies of every offline form, a lock and a values file.
fn corpus() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for i in 0..500 {
        let c = dir.path().join(format!("chart-{i:03}"));
        std::fs::create_dir_all(c.join("charts/vendored")).unwrap();
        std::fs::write(
            c.join("Chart.yaml"),
            format!(
                "apiVersion: v2\nname: chart-{i}\nversion: 1.{i}.0\ndependencies:\n  - name: postgresql\n    version: 12.x.x\n    repository: https://charts.bitnami.com/bitnami\n    condition: postgresql.enabled\n  - name: cloudnative-pg\n    version: \">=0.20.0 <1.0.0\"\n    repository: https://cloudnative-pg.github.io/charts\n  - name: redis\n    version: ^17.0.0\n    repository: oci://registry-1.docker.io/bitnamicharts\n    alias: cache\n  - name: vendored\n    version: 1.x\n  - name: loki\n    version: 6.x\n    repository: \"@grafana\"\n"
            ),
        )
        .unwrap();
        std::fs::write(
            c.join("Chart.lock"),
            "dependencies:\n- name: postgresql\n  repository: https://charts.bitnami.com/bitnami\n  version: 12.12.10\n- name: cloudnative-pg\n  repository: https://cloudnative-pg.github.io/charts\n  version: 0.22.1\n- name: redis\n  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 17.3.14\n- name: vendored\n  repository: \"\"\n  version: 1.x\n- name: loki\n  repository: https://grafana.github.io/helm-charts\n  version: 6.16.0\ndigest: sha256:00\ngenerated: \"2024-01-01T00:00:00Z\"\n",
        )
        .unwrap();
        std::fs::write(c.join("charts/vendored/Chart.yaml"), "apiVersion: v2\nname: vendored\nversion: 1.4.0\n")
            .unwrap();
        let mut values = String::from("image:\n  repository: ghcr.io/example/app\n  tag: 1.0.0\n");
        for j in 0..20 {
            values.push_str(&format!("svc{j}:\n  replicas: 2\n  image:\n    registry: docker.io\n    repository: bitnami/app{j}\n    tag: 1.{j}.0\n  resources:\n    limits: {{cpu: 100m, memory: 128Mi}}\n"));
        }
        std::fs::write(c.join("values.yaml"), values).unwrap();
        inputs.push(c);
    }
    (dir, inputs)
}

fn bench(c: &mut Criterion) {
    let (_keep, inputs) = corpus();
    let opts = Options { deny: DenyList::builtin(), ..Options::default() };
    let report = audit::audit(&inputs, &opts, &mut |_, _, _| {}).unwrap();
    assert_eq!(report.groups.len(), 1000, "500 charts and their vendored subcharts");
    c.bench_function("audit 500 charts offline", |b| {
        b.iter(|| audit::audit(&inputs, &opts, &mut |_, _, _| {}).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
