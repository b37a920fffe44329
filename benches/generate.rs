//! Generating a chart from 250, 500 and 1,000 manifests (parse, analyse, template, values),
//! from three environments of 1,000 manifests each and from two of 2,000 ConfigMaps (`generate --env`):
//! the time should stay well under a second per thousand objects and grow linearly.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use chartwright::generate::{EnvInput, Options, generate, generate_envs};
use chartwright::manifest::{Loaded, load_text};

/// `n` manifests: groups of Deployment, Service, ConfigMap and HPA, each with its own name.
fn manifests(n: usize) -> String {
    manifests_in(n, "bench", 2, "production")
}

/// [`manifests`] of one environment: its namespace, replica count and `MODE`.
fn manifests_in(n: usize, namespace: &str, replicas: u32, mode: &str) -> String {
    let mut out = String::new();
    for i in 0..n / 4 {
        out.push_str(&format!(
            r#"---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {namespace}
spec:
  replicas: {replicas}
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
            - {{name: MODE, value: {mode}}}
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
  namespace: {namespace}
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
  namespace: {namespace}
data:
  LEVEL: info
  FEATURE: "on"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: {namespace}
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

/// Three environments of 1,000 manifests each that differ in namespace, replicas and an env
/// value of every Deployment.
fn bench_envs(c: &mut Criterion) {
    let opts = Options { name: "bench".into(), chart_version: "0.1.0".into(), ..Options::default() };
    let n = 1000;
    let envs = [("dev", 1, "debug"), ("staging", 2, "staging"), ("prod", 3, "production")];
    let texts: Vec<(String, String)> =
        envs.iter().map(|(e, r, m)| (e.to_string(), manifests_in(n, &format!("bench-{e}"), *r, m))).collect();
    let mut group = c.benchmark_group("generate_envs");
    group.sample_size(10);
    group.throughput(Throughput::Elements((n * envs.len()) as u64));
    group.bench_with_input(BenchmarkId::new("three_envs_of", n), &texts, |b, texts| {
        b.iter(|| {
            let inputs: Vec<EnvInput> = texts
                .iter()
                .map(|(name, text)| {
                    let mut loaded = Loaded::default();
                    load_text(&format!("{name}.yaml"), text.clone(), &mut loaded).unwrap();
                    EnvInput { name: name.clone(), loaded }
                })
                .collect();
            let chart = generate_envs(&inputs, &opts).unwrap();
            assert!(chart.files.contains_key("values-prod.yaml") && chart.files.len() > n);
        });
    });
    group.finish();
}

/// `n` ConfigMaps of one key, whose values differ per environment by `tag`.
fn config_maps(n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: v{tag}{i}\n"))
        .collect()
}

/// Two environments of 2,000 ConfigMaps each, every one differing: with a scan per object
/// (union rows, values keys, lifted paths), four times the objects took sixteen times as long
/// (issue 21 item 9). ConfigMaps, because 2,000 of the mix above make a values.schema.json
/// over Helm's 5 MiB, which generate refuses.
fn bench_two_envs(c: &mut Criterion) {
    let opts = Options { name: "bench".into(), chart_version: "0.1.0".into(), ..Options::default() };
    let n = 2000;
    let texts: Vec<(String, String)> =
        [("dev", "a"), ("prod", "b")].iter().map(|(e, tag)| (e.to_string(), config_maps(n, tag))).collect();
    let mut group = c.benchmark_group("generate_envs");
    group.sample_size(10);
    group.throughput(Throughput::Elements((n * texts.len()) as u64));
    group.bench_with_input(BenchmarkId::new("two_envs_of_configmaps", n), &texts, |b, texts| {
        b.iter(|| {
            let inputs: Vec<EnvInput> = texts
                .iter()
                .map(|(name, text)| {
                    let mut loaded = Loaded::default();
                    load_text(&format!("{name}.yaml"), text.clone(), &mut loaded).unwrap();
                    EnvInput { name: name.clone(), loaded }
                })
                .collect();
            let chart = generate_envs(&inputs, &opts).unwrap();
            assert!(chart.files.contains_key("values-prod.yaml") && chart.files.len() > n);
        });
    });
    group.finish();
}

criterion_group!(benches, bench, bench_envs, bench_two_envs);
criterion_main!(benches);
