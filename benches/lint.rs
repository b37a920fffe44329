//! Linting 1,000 manifests: rules only, and parse + load + rules.

use std::fmt::Write as _;

use chartwright::lint::{self, LintConfig};
use chartwright::manifest::{self, Loaded};
use criterion::{Criterion, criterion_group, criterion_main};

/// `apps` apps of 4 objects (Deployment, Service, PodDisruptionBudget, ConfigMap): 250 apps are
/// 1,000 manifests that exercise the per-container rules and the cross-object ones (selectors,
/// PDB replicas, producers, duplicates).
fn stream(apps: usize) -> String {
    let mut s = String::new();
    for i in 0..apps {
        let _ = write!(
            s,
            "---\n# Source: bench/templates/app-{i}.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: app-{i}}}\n  template:\n    metadata:\n      labels: {{app: app-{i}}}\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/example/app-{i}:1.0.{i}\n          ports: [{{name: http, containerPort: 8080}}]\n          envFrom: [{{configMapRef: {{name: app-{i}}}}}]\n          readinessProbe: {{httpGet: {{path: /ready, port: http}}, initialDelaySeconds: 5}}\n          livenessProbe: {{httpGet: {{path: /live, port: http}}}}\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{memory: 512Mi}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\nspec:\n  selector: {{app: app-{i}}}\n  ports: [{{port: 80, targetPort: http}}]\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: app-{i}\nspec:\n  minAvailable: 2\n  selector: {{matchLabels: {{app: app-{i}}}}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{i}\ndata:\n  LOG_LEVEL: info\n  DB_PASSWORD: secret-{i}\n"
        );
    }
    s
}

fn load(text: &str) -> Loaded {
    let mut loaded = Loaded::default();
    manifest::load_text("bench.yaml", text.to_string(), &mut loaded).expect("bench input loads");
    loaded
}

fn bench(c: &mut Criterion) {
    let cfg = LintConfig::default();
    let mut group = c.benchmark_group("lint");
    group.sample_size(20);
    // 500 and 1,000 manifests side by side show whether the cross-object rules stay linear.
    for apps in [125, 250] {
        let text = stream(apps);
        let loaded = load(&text);
        assert_eq!(loaded.objects.len(), apps * 4);
        assert!(!lint::lint_objects(&loaded, &cfg).is_empty());
        let n = apps * 4;
        group.bench_function(format!("rules_{n}_manifests"), |b| b.iter(|| lint::lint_objects(&loaded, &cfg)));
        group.bench_function(format!("parse_and_rules_{n}_manifests"), |b| {
            b.iter(|| lint::lint_objects(&load(&text), &cfg))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
