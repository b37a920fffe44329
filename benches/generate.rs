//! Generating a chart from 250, 500 and 1,000 manifests (parse, analyse, template, values):
//! the time should stay well under a second and grow linearly.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use chartwright::generate::{Options, generate};
use chartwright::manifest::{Loaded, load_text};

/// `n` manifests: groups of Deployment, Service, ConfigMap and HPA, each with its own name.
fn manifests(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n / 4 {
        out.push_str(&format!(
            r#"---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: bench
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/app-{i}:1.{i}.0
          env:
            - {{name: MODE, value: production}}
          envFrom:
            - configMapRef: {{name: app-{i}-config}}
          readinessProbe:
            httpGet: {{path: /ready, port: 8080}}
            periodSeconds: 5
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: bench
spec:
  selector: {{app: app-{i}}}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  namespace: bench
data:
  LEVEL: info
  FEATURE: "on"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: bench
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: app-{i}}}
  minReplicas: 2
  maxReplicas: 5
"#
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let opts = Options { name: "bench".into(), chart_version: "0.1.0".into(), ..Options::default() };
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for n in [250, 500, 1000] {
        let text = manifests(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("manifests", n), &text, |b, text| {
            b.iter(|| {
                let mut loaded = Loaded::default();
                load_text("bench.yaml", text.clone(), &mut loaded).unwrap();
                let chart = generate(&loaded, &opts).unwrap();
                assert!(chart.files.len() > n);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
