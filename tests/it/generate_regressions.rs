//! Regressions in what `generate` writes, each checked by rendering with Helm 3.17.2 and 4.1.4.

use crate::common;

use std::path::Path;

use chartwright::manifest::{self, Loaded, Object};
use common::{chartwright, each_helm, helm};

/// Runs `generate` on `manifests` written to `dir/in.yaml`, into `dir/chart`.
fn run_generate(dir: &Path, manifests: &str, name: &str) -> std::process::Output {
    std::fs::write(dir.join("in.yaml"), manifests).unwrap();
    chartwright().current_dir(dir).args(["generate", "in.yaml", "--name", name, "-o", "chart"]).output().unwrap()
}

fn generate(dir: &Path, manifests: &str, name: &str) -> std::path::PathBuf {
    let o = run_generate(dir, manifests, name);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir.join("chart")
}

fn render(helm_bin: &Path, label: &str, chart: &Path, args: &[&str]) -> Vec<Object> {
    let mut all = vec!["template", "rel", chart.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = helm(helm_bin, &all);
    assert!(o.status.success(), "{label}: {}", String::from_utf8_lossy(&o.stderr));
    let mut l = Loaded::default();
    manifest::load_text("<rendered>", String::from_utf8(o.stdout).unwrap(), &mut l).unwrap();
    l.objects
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - {name: http, containerPort: 8080}
        - {name: metrics, containerPort: 9090}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: metrics, port: 9090, targetPort: metrics}
  - {name: http, port: 80, targetPort: http}
";

#[test]
fn ingress_from_the_input_renders_class_and_tls_only_when_set() {
    let tmp = tempfile::tempdir().unwrap();
    let ing = "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  ingressClassName: nginx\n  tls:\n  - hosts: [web.example.com]\n    secretName: web-tls\n  rules:\n  - host: web.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n";
    let chart = generate(tmp.path(), &format!("{WEB}{ing}"), "web");
    for (label, h) in each_helm() {
        let objs = render(h, label, &chart, &[]);
        let ingress = objs.iter().find(|o| o.kind == "Ingress").unwrap();
        assert_eq!(ingress.node.str_at(&["spec", "ingressClassName"]), Some("nginx"), "{label}");
        let objs = render(h, label, &chart, &["--set", "ingress.className=", "--set-json", "ingress.tls=[]"]);
        let spec = objs.iter().find(|o| o.kind == "Ingress").unwrap().node.get("spec").unwrap().clone();
        assert!(spec.get("ingressClassName").is_none(), "{label}: empty className renders nothing");
        assert!(spec.get("tls").is_none(), "{label}: empty tls renders nothing");
    }
}

#[test]
fn single_workload_with_several_service_ports_is_offered_an_ingress_to_its_web_port() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = generate(tmp.path(), WEB, "web");
    let values = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
    assert!(values.contains("ingress:\n  # -- Create the Ingress.\n  enabled: false"), "{values}");
    for (label, h) in each_helm() {
        assert!(render(h, label, &chart, &[]).iter().all(|o| o.kind != "Ingress"), "{label}: off by default");
        let objs = render(h, label, &chart, &["--set", "ingress.enabled=true"]);
        let ingress = objs.iter().find(|o| o.kind == "Ingress").unwrap_or_else(|| panic!("{label}: no Ingress"));
        let service = objs.iter().find(|o| o.kind == "Service").unwrap();
        let backend = common::first_service_backend(&ingress.node);
        assert_eq!(backend.str_at(&["name"]), service.name.as_deref(), "{label}");
        assert_eq!(backend.str_at(&["port", "name"]), Some("http"), "{label}: the web port, not the first");
    }
}

#[test]
fn image_tag_comment_says_what_the_template_does() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = generate(tmp.path(), WEB, "web");
    let values = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
    assert!(values.contains("# -- Image tag; empty leaves the tag off"), "{values}");
    assert!(!values.contains("appVersion"), "{values}");
    for (label, h) in each_helm() {
        let objs = render(h, label, &chart, &[]);
        let d = objs.iter().find(|o| o.kind == "Deployment").unwrap();
        let c = &d.node.path(&["spec", "template", "spec", "containers"]).and_then(|c| c.as_seq()).unwrap()[0];
        assert_eq!(c.str_at(&["image"]), Some("nginx"), "{label}: an untagged image stays untagged");
    }
}

const ORDERS: &str = "golden/generate/orders-api/input";

fn generate_case(dir: &Path, case: &str, name: &str) -> std::path::PathBuf {
    let out = dir.join("chart");
    let o = chartwright()
        .arg("generate")
        .arg(common::root().join(case))
        .args(["--name", name, "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn a_failing_guard_names_the_dedicated_guard_template() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = generate_case(tmp.path(), ORDERS, "orders-api");
    for (label, h) in each_helm() {
        let o = helm(
            h,
            &[
                "template",
                "rel",
                chart.to_str().unwrap(),
                "--skip-schema-validation",
                "--set",
                "autoscaling.minReplicas=8",
                "--set",
                "autoscaling.maxReplicas=4",
            ],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{label}");
        assert!(err.contains("templates/validate.yaml") && err.contains("minReplicas"), "{label}: {err}");
    }
}

#[test]
fn a_workload_scaled_by_an_hpa_without_replicas_gets_a_replica_count_from_min_replicas() {
    let tmp = tempfile::tempdir().unwrap();
    let hpa = "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 6\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n";
    let chart = generate(tmp.path(), &format!("{}{hpa}", WEB.replace("  replicas: 2\n", "")), "web");
    let values = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
    assert!(values.contains("replicaCount: 3"), "{values}");
    for (label, h) in each_helm() {
        let replicas = |args: &[&str]| {
            let objs = render(h, label, &chart, args);
            let d = objs.iter().find(|o| o.kind == "Deployment").unwrap().node.clone();
            d.path(&["spec", "replicas"]).and_then(|r| r.as_i64())
        };
        assert_eq!(replicas(&[]), None, "{label}: the HPA owns replicas by default");
        assert_eq!(replicas(&["--set", "autoscaling.enabled=false"]), Some(3), "{label}");
    }
}

/// NOTES.txt is rendered by `helm install --dry-run=client`, which Helm 3.17 cannot run
/// without a cluster; Helm 4 can.
#[test]
fn notes_name_the_secret_as_it_renders_under_the_release() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = generate_case(tmp.path(), ORDERS, "orders-api");
    let (_, h4) = common::helms();
    let o = helm(h4, &["install", "blue", chart.to_str().unwrap(), "--dry-run=client"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("the Secret \"blue-orders-api-db\" has empty values"), "{out}");
}

#[test]
fn a_null_that_deletes_a_default_the_templates_do_without_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = generate(tmp.path(), WEB, "web");
    let values = tmp.path().join("values-null.yaml");
    std::fs::write(&values, "podDisruptionBudget:\n  enabled: true\n  maxUnavailable: null\n  minAvailable: 1\n")
        .unwrap();
    let o = chartwright().arg("validate").arg(&chart).arg(&values).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for (label, h) in each_helm() {
        let objs = render(h, label, &chart, &["-f", values.to_str().unwrap()]);
        let pdb = objs.iter().find(|o| o.kind == "PodDisruptionBudget").unwrap_or_else(|| panic!("{label}: no PDB"));
        assert_eq!(pdb.node.path(&["spec", "minAvailable"]).and_then(|v| v.as_i64()), Some(1), "{label}");
        assert!(pdb.node.path(&["spec", "maxUnavailable"]).is_none(), "{label}");
    }
}

#[test]
fn switched_on_scaffolds_keep_two_releases_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = generate(tmp.path(), WEB, "web");
    let on = ["--set", "podDisruptionBudget.enabled=true", "--set", "networkPolicy.enabled=true"];
    for (label, h) in each_helm() {
        let blue = {
            let mut a = vec!["template", "blue", chart.to_str().unwrap()];
            a.extend_from_slice(&on);
            let o = helm(h, &a);
            let mut l = Loaded::default();
            manifest::load_text("<blue>", String::from_utf8(o.stdout).unwrap(), &mut l).unwrap();
            l.objects
        };
        let green = render(h, label, &chart, &on);
        let mut input = Loaded::default();
        manifest::load_text("in.yaml", WEB.to_string(), &mut input).unwrap();
        let problems = chartwright::generate::verify::sidebyside::check(
            "web",
            &input.objects,
            [
                chartwright::generate::verify::sidebyside::Release { name: "blue", objects: &blue },
                chartwright::generate::verify::sidebyside::Release { name: "rel", objects: &green },
            ],
            "default",
        );
        assert!(problems.is_empty(), "{label}: {problems:?}");
        assert!(blue.iter().any(|o| o.kind == "PodDisruptionBudget") && blue.iter().any(|o| o.kind == "NetworkPolicy"));
    }
}

#[test]
fn extra_env_volumes_and_probe_targets_are_values() {
    let tmp = tempfile::tempdir().unwrap();
    let probe = "        readinessProbe:\n          httpGet: {path: /ready, port: http}\n";
    let chart = generate(tmp.path(), &WEB.replace("        ports:\n", &format!("{probe}        ports:\n")), "web");
    let extra = tmp.path().join("extra.yaml");
    std::fs::write(
        &extra,
        "extraEnv: [{name: EXTRA, value: \"1\"}]\nextraEnvFrom: [{configMapRef: {name: more}}]\n\
         extraVolumes: [{name: scratch, emptyDir: {}}]\nextraVolumeMounts: [{name: scratch, mountPath: /scratch}]\n\
         readinessProbe: {path: /healthz, port: 9090}\n",
    )
    .unwrap();
    let o = chartwright().arg("validate").arg(&chart).arg(&extra).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    for (label, h) in each_helm() {
        let objs = render(h, label, &chart, &["-f", extra.to_str().unwrap()]);
        let pod = objs
            .iter()
            .find(|o| o.kind == "Deployment")
            .unwrap()
            .node
            .path(&["spec", "template", "spec"])
            .unwrap()
            .clone();
        let c = &pod.get("containers").and_then(|c| c.as_seq()).unwrap()[0];
        let names = |key: &str, field: &[&str]| -> Vec<String> {
            c.get(key)
                .and_then(|l| l.as_seq())
                .into_iter()
                .flatten()
                .filter_map(|i| i.str_at(field).map(str::to_string))
                .collect()
        };
        assert_eq!(names("env", &["name"]), ["EXTRA"], "{label}");
        assert_eq!(names("envFrom", &["configMapRef", "name"]), ["more"], "{label}");
        assert_eq!(names("volumeMounts", &["mountPath"]), ["/scratch"], "{label}");
        let vols: Vec<_> =
            pod.get("volumes").and_then(|v| v.as_seq()).unwrap().iter().filter_map(|v| v.str_at(&["name"])).collect();
        assert_eq!(vols, ["scratch"], "{label}");
        assert_eq!(c.str_at(&["readinessProbe", "httpGet", "path"]), Some("/healthz"), "{label}");
        assert_eq!(c.path(&["readinessProbe", "httpGet", "port"]).and_then(|p| p.as_i64()), Some(9090), "{label}");
    }
}

#[test]
fn every_duplicate_pair_is_refused_in_one_run_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let cm = |n: &str| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\n");
    std::fs::write(tmp.path().join("a.yaml"), [cm("one"), cm("two")].concat()).unwrap();
    std::fs::write(tmp.path().join("b.yaml"), [cm("two"), cm("one")].concat()).unwrap();
    let o = chartwright()
        .current_dir(tmp.path())
        .args(["generate", "a.yaml", "b.yaml", "--name", "x", "-o", "out"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("2 objects are defined twice"), "{err}");
    assert!(err.contains("a.yaml:7: ConfigMap/two is defined twice (again at b.yaml:2)"), "{err}");
    assert!(err.contains("a.yaml:2: ConfigMap/one is defined twice (again at b.yaml:7)"), "{err}");
    assert!(!tmp.path().join("out").exists());
}

const API: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: \"nginx:1.27\"}]}
";

#[test]
fn a_pdb_over_pods_the_chart_does_not_scale_gets_no_replica_rule_and_the_defaults_render() {
    let tmp = tempfile::tempdir().unwrap();
    let cr = "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: prom}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: prometheus}}\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s}\nspec:\n  replicas: 2\n";
    let o = run_generate(tmp.path(), &format!("{API}{cr}"), "api");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("will not render"), "{err}");
    let chart = tmp.path().join("chart");
    for (label, h) in each_helm() {
        let objs = render(h, label, &chart, &[]);
        assert!(objs.iter().any(|o| o.kind == "PodDisruptionBudget"), "{label}");
        let lint = helm(h, &["lint", "--strict", chart.to_str().unwrap()]);
        assert!(lint.status.success(), "{label}: {}", String::from_utf8_lossy(&lint.stdout));
    }
}

#[test]
fn an_input_that_trips_the_guard_exits_1_naming_key_value_why_and_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let pdb = "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  minAvailable: 2\n  maxUnavailable: 1\n  selector: {matchLabels: {app: api}}\n";
    let o = run_generate(tmp.path(), &format!("{API}{pdb}"), "api");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "error: values.yaml: podDisruptionBudget.minAvailable is 2 from the input, and the chart's guard refuses it \
             (podDisruptionBudget: set minAvailable or maxUnavailable, not both; Kubernetes refuses a PodDisruptionBudget with both); \
             set podDisruptionBudget.minAvailable to \"\" (or null); the chart will not render until that changes"
        ),
        "{err}"
    );
    // And Helm agrees: the defaults do not render, and the suggested value does.
    for (label, h) in each_helm() {
        let chart = tmp.path().join("chart");
        assert!(!helm(h, &["template", "api", chart.to_str().unwrap()]).status.success(), "{label}");
        render(h, label, &chart, &["--set", "podDisruptionBudget.minAvailable=null"]);
    }
}

/// A worker scaled by KEDA in production (no `replicas`, a `ScaledObject`) and by hand in
/// staging (`replicas: 1`), with the same PDB `minAvailable: 1` in both.
const KEDA_PROD: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: worker, image: \"registry.example/worker:2.0\"}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: worker}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: worker}}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  minReplicaCount: 2
  maxReplicaCount: 10
  triggers:
  - {type: cpu, metricType: Utilization, metadata: {value: \"70\"}}
";

const KEDA_STAGING: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  replicas: 1
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: worker, image: \"registry.example/worker:1.0\"}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: worker}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: worker}}
";

/// Writes each `(env, manifests)` to `dir/<env>/app.yaml` and runs `generate --env` on them.
fn generate_env_dirs(dir: &Path, envs: &[(&str, &str)], name: &str) -> std::process::Output {
    let mut cmd = chartwright();
    cmd.current_dir(dir).args(["generate", "--name", name, "-o", "chart"]);
    for (env, text) in envs {
        std::fs::create_dir_all(dir.join(env)).unwrap();
        std::fs::write(dir.join(env).join("app.yaml"), text).unwrap();
        cmd.arg("--env").arg(format!("{env}={env}"));
    }
    cmd.output().unwrap()
}

#[test]
fn a_drain_opinion_never_refuses_the_inputs_own_values_in_any_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let o = generate_env_dirs(tmp.path(), &[("prod", KEDA_PROD), ("staging", KEDA_STAGING)], "worker");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("guard refuses") && !err.contains("fails the schema"), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("error:")), "{err}");
    let chart = tmp.path().join("chart");
    for (label, h) in each_helm() {
        for values in ["values-prod.yaml", "values-staging.yaml"] {
            let file = chart.join(values);
            let objs = render(h, label, &chart, &["-f", file.to_str().unwrap()]);
            assert!(objs.iter().any(|o| o.kind == "PodDisruptionBudget"), "{label} {values}");
        }
        let objs = render(h, label, &chart, &[]);
        let deployment = objs.iter().find(|o| o.kind == "Deployment").unwrap();
        assert!(deployment.node.path(&["spec", "replicas"]).is_none(), "{label}: KEDA sets the count in prod");
        let lint = helm(h, &["lint", "--strict", chart.to_str().unwrap()]);
        assert!(lint.status.success(), "{label}: {}", String::from_utf8_lossy(&lint.stdout));
    }
}

#[test]
fn a_workload_another_scaler_owns_is_offered_no_second_autoscaler() {
    let workload = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: \"nginx:1.27\"}]}\n---\n";
    let keda = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n  triggers: [{type: cron, metadata: {timezone: UTC, start: 0 8 * * *, end: 0 18 * * *, desiredReplicas: \"5\"}}]\n";
    let vpa = |mode: &str| {
        format!(
            "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {{name: web}}\nspec:\n  targetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}\n  updatePolicy: {{updateMode: {mode}}}\n"
        )
    };
    let custom = "apiVersion: example.com/v1\nkind: Scaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n";
    for (label, scaler, offered) in [
        ("KEDA ScaledObject", keda.to_string(), false),
        ("VPA in Auto mode", vpa("Auto"), false),
        ("custom resource with scaleTargetRef", custom.to_string(), false),
        ("VPA that only recommends", vpa("\"Off\""), true),
        ("VPA that only recommends, Off unquoted", vpa("Off"), true),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let chart = generate(tmp.path(), &format!("{workload}{scaler}"), "web");
        assert_eq!(chart.join("templates/hpa.yaml").exists(), offered, "{label}");
        let values = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
        assert_eq!(values.contains("\nautoscaling:"), offered, "{label}");
    }
}

#[test]
fn replicas_written_with_no_value_renders_kubernetes_default_and_passes_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let input = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: \"registry.example/api:1.4.0\"}]}\n";
    let o = run_generate(tmp.path(), input, "api");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && !err.contains("fails the schema"), "{err}");
    let chart = tmp.path().join("chart");
    for (label, h) in each_helm() {
        let objs = render(h, label, &chart, &[]);
        let deployment = objs.iter().find(|o| o.kind == "Deployment").unwrap();
        assert!(deployment.node.path(&["spec", "replicas"]).is_none(), "{label}");
        let objs = render(h, label, &chart, &["--set", "replicaCount=4"]);
        let deployment = objs.iter().find(|o| o.kind == "Deployment").unwrap();
        assert_eq!(deployment.node.path(&["spec", "replicas"]).and_then(|n| n.as_i64()), Some(4), "{label}");
        let lint = helm(h, &["lint", "--strict", chart.to_str().unwrap()]);
        assert!(lint.status.success(), "{label}: {}", String::from_utf8_lossy(&lint.stdout));
    }
}

#[test]
fn a_keda_scaled_workload_counts_its_min_replica_count_in_lint_not_one() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("prod.yaml"), KEDA_PROD).unwrap();
    let o = chartwright().current_dir(tmp.path()).args(["lint", "prod.yaml"]).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("pdb-blocks-drain") && !out.contains("single-replica-with-pdb"), "{out}");
    // Staging's own count of 1 is still a finding.
    std::fs::write(tmp.path().join("staging.yaml"), KEDA_STAGING).unwrap();
    let o = chartwright().current_dir(tmp.path()).args(["lint", "staging.yaml"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("pdb-blocks-drain"));
}

#[test]
fn lint_findings_shared_by_environments_are_printed_once_naming_them_and_quiet_prints_errors_only() {
    let envs = [("dev", KEDA_STAGING), ("staging", KEDA_STAGING), ("prod", KEDA_PROD)];
    let tmp = tempfile::tempdir().unwrap();
    let o = generate_env_dirs(tmp.path(), &envs, "worker");
    let err = String::from_utf8_lossy(&o.stderr);
    let lines =
        |rule: &str| err.lines().filter(|l| l.contains(&format!("[{rule}]"))).map(str::to_string).collect::<Vec<_>>();
    let cpu = lines("cpu-request-missing");
    assert_eq!(cpu.len(), 1, "{err}");
    assert!(cpu[0].ends_with("has no CPU request (every environment)"), "{err}");
    let drain = lines("pdb-blocks-drain");
    assert_eq!(drain.len(), 1, "{err}");
    assert!(drain[0].starts_with("dev/app.yaml:") && drain[0].ends_with("(environments dev, staging)"), "{err}");
    assert!(err.contains("wrote chart worker"), "{err}");

    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = chartwright();
    cmd.current_dir(tmp.path()).args(["generate", "--quiet", "--name", "worker", "-o", "chart"]);
    for (env, text) in envs {
        std::fs::create_dir_all(tmp.path().join(env)).unwrap();
        std::fs::write(tmp.path().join(env).join("app.yaml"), text).unwrap();
        cmd.arg("--env").arg(format!("{env}={env}"));
    }
    let q = cmd.output().unwrap();
    let quiet = String::from_utf8_lossy(&q.stderr);
    assert_eq!(q.status.code(), o.status.code(), "the same verdict:\n{quiet}");
    assert!(tmp.path().join("chart/Chart.yaml").is_file());
    assert_eq!(
        quiet.lines().collect::<Vec<_>>(),
        [drain[0].as_str(), "lint: 1 finding(s) in the input, 1 error(s); `chartwright lint` explains each one"],
        "errors only"
    );
}

/// A kustomize tree: a base and two overlays, each with a patch of every kind kustomize takes.
fn kustomize_tree(dir: &Path) {
    let write = |p: &str, text: &str| {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("base/kustomization.yaml", "resources: [deployment.yaml, service.yaml]\n");
    write(
        "base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: \"nginx:1.27\"}]}\n",
    );
    write(
        "base/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
    );
    for env in ["prod", "staging"] {
        write(
            &format!("overlays/{env}/kustomization.yaml"),
            &format!(
                "resources: [../../base]\nnamePrefix: {env}-\npatches:\n- path: replicas.yaml\npatchesStrategicMerge:\n- memory.yaml\npatchesJson6902:\n- target: {{group: apps, version: v1, kind: Deployment, name: web}}\n  path: image.yaml\n"
            ),
        );
        write(
            &format!("overlays/{env}/replicas.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
        );
        write(
            &format!("overlays/{env}/memory.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        resources: {limits: {memory: 256Mi}}\n",
        );
        write(
            &format!("overlays/{env}/image.yaml"),
            "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:1.28\n",
        );
    }
}

#[test]
fn lint_of_a_kustomize_tree_skips_patch_files_with_one_note_per_kustomization() {
    let tmp = tempfile::tempdir().unwrap();
    kustomize_tree(tmp.path());
    let o = chartwright().current_dir(tmp.path()).args(["lint", "."]).output().unwrap();
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(!out.contains("duplicate-object") && !out.contains("overlays/"), "{out}");
    assert!(out.contains("in 2 objects"), "the base's Deployment and Service only: {out}");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("kustomize patch file")).collect();
    assert_eq!(notes.len(), 2, "{err}");
    assert!(
        notes[0].contains("skipped 3 kustomize patch files of ./overlays/prod/kustomization.yaml")
            && notes[0].contains("`kubectl kustomize ./overlays/prod`")
            && notes[0].contains("--env NAME=./overlays/prod"),
        "{err}"
    );
}

#[test]
fn generate_of_a_kustomize_overlay_reads_no_patch_as_an_object_and_says_how_to_render_it() {
    let tmp = tempfile::tempdir().unwrap();
    kustomize_tree(tmp.path());
    let o =
        chartwright().current_dir(tmp.path()).args(["generate", "overlays/prod", "--name", "web"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("defined twice"), "{err}");
    assert!(err.contains("--env NAME=overlays/prod"), "{err}");
    // And the way the note gives works.
    let o = chartwright()
        .current_dir(tmp.path())
        .args([
            "generate",
            "--name",
            "web",
            "-o",
            "chart",
            "--env",
            "prod=overlays/prod",
            "--env",
            "staging=overlays/staging",
        ])
        .env("PATH", common::kubectl().parent().unwrap())
        .output()
        .unwrap();
    assert!(tmp.path().join("chart/values-staging.yaml").is_file(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// kustomize's `multibases` shape: one bare Pod, environments that differ only by namePrefix.
fn multibases() -> Vec<(&'static str, String)> {
    [("dev", "dev-"), ("staging", "staging-"), ("production", "prod-")]
        .into_iter()
        .map(|(env, prefix)| {
            (env, format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {prefix}myapp-pod\n  labels: {{app: myapp}}\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.7.9\n"))
        })
        .collect()
}

#[test]
fn environments_that_differ_only_by_name_prefix_hold_only_the_prefix_even_for_a_bare_pod() {
    let tmp = tempfile::tempdir().unwrap();
    let envs = multibases();
    let refs: Vec<(&str, &str)> = envs.iter().map(|(e, t)| (*e, t.as_str())).collect();
    let o = generate_env_dirs(tmp.path(), &refs, "myapp");
    let err = String::from_utf8_lossy(&o.stderr);
    let chart = tmp.path().join("chart");
    for (env, _) in &envs[1..] {
        let text = std::fs::read_to_string(chart.join(format!("values-{env}.yaml"))).unwrap();
        let doc = chartwright::yaml::parse_stream(&text).unwrap().remove(0).root.unwrap().to_json();
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["namePrefix"], "{env}: {text}");
    }
    let pod = std::fs::read_to_string(chart.join("templates/pod.yaml")).unwrap();
    assert!(!pod.contains("Enabled") && !pod.contains("2.enabled"), "one copy of each block:\n{pod}");
    for (label, h) in each_helm() {
        for (env, input) in &envs {
            let file = chart.join(format!("values-{env}.yaml"));
            // Released under the chart's name, the Pod keeps the input's name.
            let o = helm(h, &["template", "myapp", chart.to_str().unwrap(), "-f", file.to_str().unwrap()]);
            assert!(o.status.success(), "{label} {env}: {}", String::from_utf8_lossy(&o.stderr));
            let want = input.lines().find_map(|l| l.strip_prefix("  name: ")).unwrap();
            assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("\n  name: {want}\n")), "{label} {env}");
        }
    }
    // The environments' lint findings are the same ones under other names: each said once.
    let cpu: Vec<&str> = err.lines().filter(|l| l.contains("[cpu-request-missing]")).collect();
    assert_eq!(cpu.len(), 1, "{err}");
    assert!(cpu[0].ends_with("(every environment)"), "{err}");
}

#[test]
fn an_ingress_routing_to_prefixed_services_keys_them_alike_in_every_environment() {
    let env = |p: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {p}-web}}\nspec:\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: web, image: \"nginx:1.27\"}}]}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: {p}-web}}\nspec: {{selector: {{app: web}}, ports: [{{port: 80}}]}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: {p}-admin}}\nspec: {{selector: {{app: web}}, ports: [{{port: 81}}]}}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: {p}-web}}\nspec:\n  rules:\n  - host: web.example.com\n    http:\n      paths:\n      - {{path: /, pathType: Prefix, backend: {{service: {{name: {p}-web, port: {{number: 80}}}}}}}}\n      - {{path: /admin, pathType: Prefix, backend: {{service: {{name: {p}-admin, port: {{number: 81}}}}}}}}\n"
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    let (dev, prod) = (env("dev"), env("prod"));
    let o = generate_env_dirs(tmp.path(), &[("dev", &dev), ("prod", &prod)], "web");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let chart = tmp.path().join("chart");
    let text = std::fs::read_to_string(chart.join("values-prod.yaml")).unwrap();
    let doc = chartwright::yaml::parse_stream(&text).unwrap().remove(0).root.unwrap().to_json();
    assert_eq!(doc.as_object().unwrap().keys().collect::<Vec<_>>(), ["namePrefix"], "{text}");
    for (label, h) in each_helm() {
        let file = chart.join("values-prod.yaml");
        let o = helm(h, &["template", "web", chart.to_str().unwrap(), "-f", file.to_str().unwrap()]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("name: prod-admin\n") && out.contains("name: prod-web\n"), "{label}: {out}");
    }
}

#[test]
fn keys_written_with_no_value_pass_the_schema_and_render_as_absent() {
    let input = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels:\nspec:\n  strategy:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata:\n      labels: {app: api}\n      annotations:\n    spec:\n      nodeSelector:\n      tolerations:\n      terminationGracePeriodSeconds:\n      securityContext:\n      containers:\n      - name: api\n        image: registry.example/api:1.4.0\n        imagePullPolicy:\n        resources:\n        ports: [{containerPort: 8080, name: http}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  type:\n  selector: {app: api}\n  ports: [{port: 80, targetPort: http}]\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  minAvailable: 1\n  maxUnavailable:\n  selector: {matchLabels: {app: api}}\n";
    for (label, h) in each_helm() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("in.yaml"), input).unwrap();
        let o = chartwright()
            .current_dir(tmp.path())
            .args(["generate", "in.yaml", "--name", "api", "-o", "chart", "--verify", "--helm"])
            .arg(h)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("fails the schema") && !err.contains("[pdb-both-min-and-max]"), "{label}: {err}");
        assert!(
            o.status.success() && err.contains("verified: helm template reproduces all 3 input objects"),
            "{label}: {err}"
        );
    }
}

/// Issue 21 item 15: an environment whose Deployment writes `replicas:` with no value made
/// `generate --env` say "missing property 'replicaCount'"; every environment now renders.
#[test]
fn an_environment_with_replicas_written_with_no_value_renders_in_every_environment() {
    let tmp = tempfile::tempdir().unwrap();
    for (env, replicas) in [("dev", "1"), ("prod", "")] {
        std::fs::create_dir(tmp.path().join(env)).unwrap();
        let input = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: web, image: \"nginx:1.27\"}}]}}\n"
        );
        std::fs::write(tmp.path().join(env).join("d.yaml"), input).unwrap();
    }
    for (label, h) in each_helm() {
        let o = chartwright()
            .current_dir(tmp.path())
            .args(["generate", "--env", "dev=dev", "--env", "prod=prod", "--name", "app", "-o", "chart", "--force"])
            .args(["--verify", "--helm"])
            .arg(h)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{label}: {err}");
        assert_eq!(err.matches("verified: environment").count(), 2, "{label}: {err}");
        assert!(!err.contains("missing property"), "{label}: {err}");
    }
}
