//! One `chartwright validate` invocation over 1,000 values files against a generated schema of
//! more than 100 KB (compile once, validate every file, in parallel); and the render stage:
//! 20 values files over a chart with a subchart, rendered by Helm 4.1.4 (`CHARTWRIGHT_HELM4`)
//! in parallel, against `helm template` run on them one after another; and the Kubernetes
//! schema check of rendered objects (`kube-schema`) alone, with its validators cold and warm.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chartwright::validate::{self, Compat, Options};
use criterion::{Criterion, criterion_group, criterion_main};

const SECTIONS: usize = 220;
const FILES: usize = 1000;

/// A chart whose schema has `SECTIONS` closed objects with typed, enumerated, patterned and
/// bounded properties, plus shared `$defs` reached by `$ref`.
fn write_chart(dir: &Path) -> usize {
    let chart = dir.join("big");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: big\nversion: 1.0.0\n").unwrap();
    let mut props = serde_json::Map::new();
    let mut values = String::new();
    for i in 0..SECTIONS {
        props.insert(
            format!("section{i}"),
            serde_json::json!({
                "type": "object",
                "description": format!("Settings of component number {i}, generated for the benchmark."),
                "additionalProperties": false,
                "properties": {
                    "enabled": {"type": "boolean", "description": "Whether the component runs."},
                    "replicas": {"type": "integer", "minimum": 0, "maximum": 100},
                    "image": {"$ref": "#/$defs/image"},
                    "mode": {"enum": ["fast", "safe", "balanced", "off"]},
                    "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,62}$"},
                    "ports": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 65535}},
                    "resources": {"$ref": "#/$defs/resources"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}}
                }
            }),
        );
        let _ = write!(
            values,
            "section{i}:\n  enabled: true\n  replicas: 1\n  image:\n    repository: example/c{i}\n    tag: \"1.0\"\n  mode: safe\n  name: comp-{i}\n"
        );
    }
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": props,
        "$defs": {
            "image": {"type": "object", "required": ["repository"], "properties": {
                "repository": {"type": "string", "minLength": 1},
                "tag": {"type": "string"},
                "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]}}},
            "quantity": {"anyOf": [{"type": "string", "pattern": "^[0-9]+(m|Mi|Gi)?$"}, {"type": "number"}]},
            "resources": {"type": "object", "properties": {
                "limits": {"type": "object", "properties": {"cpu": {"$ref": "#/$defs/quantity"}, "memory": {"$ref": "#/$defs/quantity"}}},
                "requests": {"type": "object", "properties": {"cpu": {"$ref": "#/$defs/quantity"}, "memory": {"$ref": "#/$defs/quantity"}}}}}
        }
    });
    let text = serde_json::to_string_pretty(&schema).unwrap();
    std::fs::write(chart.join("values.schema.json"), &text).unwrap();
    std::fs::write(chart.join("values.yaml"), values).unwrap();
    text.len()
}

/// Values files that touch a handful of sections each; every tenth one is invalid.
fn write_values(dir: &Path) -> Vec<PathBuf> {
    (0..FILES)
        .map(|n| {
            let mut v = String::new();
            for k in 0..8 {
                let s = (n * 7 + k * 31) % SECTIONS;
                let replicas = if n % 10 == 0 && k == 0 { "1.5" } else { "3" };
                let _ = write!(
                    v,
                    "section{s}:\n  replicas: {replicas}\n  mode: fast\n  ports: [80, 443]\n  resources:\n    limits:\n      cpu: 500m\n      memory: 256Mi\n  labels:\n    team: t{n}\n"
                );
            }
            let p = dir.join(format!("values-{n:04}.yaml"));
            std::fs::write(&p, v).unwrap();
            p
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let schema_bytes = write_chart(dir.path());
    assert!(schema_bytes > 100 * 1024, "schema is only {schema_bytes} bytes");
    let files = write_values(dir.path());
    let opts = Options {
        chart: dir.path().join("big"),
        values_files: files,
        base_files: Vec::new(),
        sets: Vec::new(),
        compat: Compat::Helm4,
        allow_remote_refs: false,
        defaults_run: false,
        strict: false,
        render: None,
        lint: None,
    };
    let report = validate::validate(&opts).unwrap();
    assert_eq!(report.runs.iter().filter(|r| !r.valid).count(), FILES / 10);
    let mut g = c.benchmark_group("validate");
    g.sample_size(10);
    g.bench_function(format!("1000 files, {} KB schema", schema_bytes / 1024), |b| {
        b.iter(|| validate::validate(&opts).unwrap());
    });
    g.finish();
}

const RENDER_FILES: usize = 20;

/// A chart with template rules (a `fail` under an `if`, `required`, a rule in a `define`) and
/// a subchart with its own `fail`; `RENDER_FILES` values files, every fifth one tripping a rule.
fn write_render_chart(dir: &Path) -> Vec<PathBuf> {
    let chart = dir.join("rendered");
    let sub = chart.join("charts/worker");
    for d in [chart.join("templates"), sub.join("templates")] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: rendered\nversion: 1.0.0\n").unwrap();
    std::fs::write(chart.join("values.yaml"), "name: app\nreplicas: 1\nmode: normal\nworker:\n  enabled: false\n")
        .unwrap();
    std::fs::write(
        chart.join("templates/_helpers.tpl"),
        "{{- define \"rendered.validate\" -}}\n{{- if eq .Values.mode \"legacy\" }}{{ fail \"mode legacy\" }}{{ end -}}\n{{- end -}}\n",
    )
    .unwrap();
    let mut deploy = String::from(
        "{{ include \"rendered.validate\" . }}\n{{- if gt (int .Values.replicas) 10 }}{{ fail \"at most 10 replicas\" }}{{ end }}\n",
    );
    for i in 0..10 {
        let _ = write!(
            deploy,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ required \"name\" .Values.name }}}}-{i}\nspec:\n  replicas: {{{{ .Values.replicas }}}}\n  selector:\n    matchLabels: {{{{ dict \"app\" .Values.name | toYaml | nindent 6 }}}}\n  template:\n    metadata:\n      labels:\n        app: {{{{ .Values.name }}}}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n"
        );
    }
    std::fs::write(chart.join("templates/deploy.yaml"), deploy).unwrap();
    std::fs::write(sub.join("Chart.yaml"), "apiVersion: v2\nname: worker\nversion: 1.0.0\n").unwrap();
    std::fs::write(sub.join("values.yaml"), "enabled: false\nqueue: \"\"\n").unwrap();
    std::fs::write(
        sub.join("templates/worker.yaml"),
        "{{- if and .Values.enabled (not .Values.queue) }}{{ fail \"worker needs a queue\" }}{{ end }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker-{{ .Release.Name }}\ndata:\n  queue: {{ .Values.queue | quote }}\n",
    )
    .unwrap();
    (0..RENDER_FILES)
        .map(|n| {
            let v = if n % 5 == 0 {
                "worker:\n  enabled: true\n".to_string()
            } else {
                format!("name: app{n}\nreplicas: {}\nworker:\n  enabled: true\n  queue: q{n}\n", n % 9 + 1)
            };
            let p = dir.join(format!("render-{n:02}.yaml"));
            std::fs::write(&p, v).unwrap();
            p
        })
        .collect()
}

fn bench_render(c: &mut Criterion) {
    let helm = PathBuf::from(
        std::env::var_os("CHARTWRIGHT_HELM4")
            .expect("set CHARTWRIGHT_HELM4 to Helm 4.1.4 (eval \"$(bash scripts/fetch-helm.sh --print-env)\")"),
    );
    let dir = tempfile::tempdir().unwrap();
    let files = write_render_chart(dir.path());
    let chart = dir.path().join("rendered");
    let opts = Options {
        chart: chart.clone(),
        values_files: files.clone(),
        base_files: Vec::new(),
        sets: Vec::new(),
        compat: Compat::Helm4,
        allow_remote_refs: false,
        defaults_run: false,
        strict: false,
        render: Some(validate::render::Engine {
            program: helm.clone(),
            release: "release-name".into(),
            namespace: "default".into(),
            kube_version: None,
            time: chartwright::limits::HELM_RENDER_TIMEOUT,
            output: chartwright::limits::MAX_RENDER_BYTES,
        }),
        lint: None,
    };
    let report = validate::validate(&opts).unwrap();
    assert_eq!(report.runs.iter().filter(|r| !r.valid).count(), RENDER_FILES / 5);
    let sequential = || {
        let mut refused = 0;
        for f in &files {
            let out = std::process::Command::new(&helm)
                .args(["template", "release-name"])
                .arg(&chart)
                .arg("-f")
                .arg(f)
                .output()
                .unwrap();
            refused += usize::from(!out.status.success());
        }
        refused
    };
    assert_eq!(sequential(), RENDER_FILES / 5, "helm template refuses the same files");
    let mut g = c.benchmark_group("validate render stage");
    g.sample_size(10);
    g.bench_function(format!("{RENDER_FILES} files, chart with a subchart, validate (parallel helm template)"), |b| {
        b.iter(|| validate::validate(&opts).unwrap());
    });
    g.bench_function(format!("{RENDER_FILES} files, chart with a subchart, helm template one after another"), |b| {
        b.iter(sequential);
    });
    g.finish();
}

/// `helm template`-shaped output of `n` Deployments, Services and ConfigMaps, all valid.
fn rendered_objects(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let _ = write!(
            out,
            "---\n# Source: app/templates/d{i}.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  labels: {{app: web-{i}}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: web-{i}}}\n  template:\n    metadata:\n      labels: {{app: web-{i}}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports: [{{containerPort: 8080, name: http}}]\n          resources: {{requests: {{cpu: 100m, memory: 64Mi}}, limits: {{memory: 128Mi}}}}\n          env: [{{name: MODE, value: prod}}]\n---\n# Source: app/templates/s{i}.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-{i}\nspec:\n  selector: {{app: web-{i}}}\n  ports: [{{port: 80, targetPort: http}}]\n---\n# Source: app/templates/c{i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-{i}\ndata:\n  a: b\n"
        );
    }
    out
}

fn bench_kube(c: &mut Criterion) {
    let out = rendered_objects(100);
    let none = Path::new("/nonexistent");
    let warm = validate::kube::Checker::new(35, none).unwrap();
    assert!(warm.check(&out).failures.is_empty());
    let mut g = c.benchmark_group("validate kube-schema");
    g.sample_size(10);
    g.bench_function("300 rendered objects, validators warm", |b| b.iter(|| warm.check(&out)));
    g.bench_function("300 rendered objects, schemas loaded and compiled first", |b| {
        b.iter(|| validate::kube::Checker::new(35, none).unwrap().check(&out));
    });
    g.finish();
}

criterion_group!(benches, bench, bench_render, bench_kube);
criterion_main!(benches);
