//! One `chartwright validate` invocation over 1,000 values files against a generated schema of
//! more than 100 KB (compile once, validate every file, in parallel).

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

criterion_group!(benches, bench);
criterion_main!(benches);
