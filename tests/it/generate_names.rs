//! Object names under long release names, and references that follow a release rename, each
//! checked by rendering with Helm 3.17.2 and 4.1.4.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use chartwright::generate::analyze::names::name_limit;
use chartwright::generate::verify::sidebyside::{self, Release};
use chartwright::manifest::{self, Loaded, Object};
use common::{chartwright, each_helm, helm};

fn generate(dir: &Path, manifests: &str, name: &str, extra: &[&str], helm_bin: &Path) -> std::process::Output {
    std::fs::write(dir.join("in.yaml"), manifests).unwrap();
    chartwright()
        .current_dir(dir)
        .args(["generate", "in.yaml", "--name", name, "-o", "chart", "--helm"])
        .arg(helm_bin)
        .args(extra)
        .output()
        .unwrap()
}

fn render(helm_bin: &Path, label: &str, release: &str, chart: &Path, namespace: &str) -> Vec<Object> {
    let o = helm(helm_bin, &["template", release, chart.to_str().unwrap(), "--namespace", namespace]);
    assert!(o.status.success(), "{label} {release}: {}", String::from_utf8_lossy(&o.stderr));
    let mut l = Loaded::default();
    manifest::load_text("<rendered>", String::from_utf8(o.stdout).unwrap(), &mut l).unwrap();
    l.objects
}

/// 60 characters that several names start with.
const PREFIX: &str = "monitoring-stack-grafana-dashboards-for-the-cluster-overview";

/// Objects whose names share [`PREFIX`] (and StatefulSets and CronJobs, which may only have 52
/// characters, a shorter prefix), so a plain cut of the release-prefixed names makes them one.
fn long_names_input() -> String {
    assert_eq!(PREFIX.len(), 60);
    let short = &PREFIX[..45];
    let mut out = String::new();
    for (i, end) in ["a", "b"].into_iter().enumerate() {
        let port = 8080 + i;
        out.push_str(&format!(
            "---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {PREFIX}-{end}}}
data: {{dashboard.json: '{{}}'}}
---
apiVersion: v1
kind: Service
metadata: {{name: {PREFIX}-{end}}}
spec:
  clusterIP: None
  selector: {{app: dash-{end}}}
  ports: [{{port: {port}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {PREFIX}-{end}}}
spec:
  selector: {{matchLabels: {{app: web-{end}}}}}
  template:
    metadata: {{labels: {{app: web-{end}}}}}
    spec:
      containers:
      - name: grafana
        image: grafana/grafana:11.0.0
        volumeMounts: [{{name: dash, mountPath: /dash}}]
      volumes: [{{name: dash, configMap: {{name: {PREFIX}-{end}}}}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {short}-{end}}}
spec:
  serviceName: {PREFIX}-{end}
  selector: {{matchLabels: {{app: dash-{end}}}}}
  template:
    metadata: {{labels: {{app: dash-{end}}}}}
    spec:
      containers: [{{name: db, image: 'postgres:16.3'}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: {short}-{end}}}
spec:
  schedule: '0 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: job, image: 'busybox:1.36'}}]
"
        ));
    }
    // A short name, which must render exactly as before.
    out.push_str(
        "---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
",
    );
    out
}

#[test]
fn long_release_names_cut_names_apart_and_within_their_kinds_limits() {
    let input = long_names_input();
    let mut loaded = Loaded::default();
    manifest::load_text("in.yaml", input.clone(), &mut loaded).unwrap();
    let release40 = "production-monitoring-for-the-eu-cluster";
    let release53 = "production-monitoring-for-the-eu-west-1-cluster-green";
    assert_eq!((release40.len(), release53.len()), (40, 53));
    for (label, h) in each_helm() {
        let tmp = tempfile::tempdir().unwrap();
        let o = generate(tmp.path(), &input, "dash", &["--verify"], h);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() && err.contains("verified:"), "{label}: {err}");
        let chart = tmp.path().join("chart");
        let r40 = render(h, label, release40, &chart, "monitoring");
        let r53 = render(h, label, release53, &chart, "monitoring");
        for (release, objects) in [(release40, &r40), (release53, &r53)] {
            let mut seen = BTreeSet::new();
            for o in objects {
                let name = o.name.clone().unwrap();
                assert!(seen.insert((o.kind.clone(), name.clone())), "{label} {release}: two {}/{name}", o.kind);
                assert!(name.len() <= name_limit(&o.kind), "{label} {release}: {}/{name} is too long", o.kind);
            }
            // Every input object is there, under one name of its own.
            for kind in ["ConfigMap", "Service", "Deployment", "StatefulSet", "CronJob"] {
                let n = objects.iter().filter(|o| o.kind == kind).count();
                assert_eq!(n, if kind == "ConfigMap" { 3 } else { 2 }, "{label} {release}: {kind}");
            }
            // A name that fits is written whole; a cut one ends in a hash.
            let settings = format!("{release}-dash-settings");
            assert!(objects.iter().any(|o| o.kind == "ConfigMap" && o.name.as_deref() == Some(&settings)), "{label}");
            let cm = format!("{release}-dash-{PREFIX}-a");
            assert!(objects.iter().any(|o| o.name.as_deref() == Some(&cm)), "{label}: ConfigMaps keep 253");
            // Each Deployment mounts its own ConfigMap, and each StatefulSet names its own Service.
            let expected = |kind: &str, name: &str| {
                let o = loaded.objects.iter().find(|o| o.kind == kind && o.name.as_deref() == Some(name)).unwrap();
                sidebyside::expected_name("dash", release, o, name)
            };
            for end in ["a", "b"] {
                let long = format!("{PREFIX}-{end}");
                let short = format!("{}-{end}", &PREFIX[..45]);
                let find = |kind: &str, name: String| {
                    objects
                        .iter()
                        .find(|o| o.kind == kind && o.name.as_deref() == Some(&name))
                        .unwrap_or_else(|| panic!("{label} {release}: no {kind}/{name}"))
                };
                let deploy = find("Deployment", expected("Deployment", &long));
                let volumes = deploy.node.path(&["spec", "template", "spec", "volumes"]).unwrap().as_seq().unwrap();
                let mounted = volumes[0].str_at(&["configMap", "name"]).unwrap().to_string();
                assert_eq!(mounted, expected("ConfigMap", &long), "{label} {release}");
                let sts = find("StatefulSet", expected("StatefulSet", &short));
                let governing = sts.node.str_at(&["spec", "serviceName"]).unwrap().to_string();
                assert_eq!(governing, expected("Service", &long), "{label} {release}");
            }
        }
        let problems = sidebyside::check(
            "dash",
            &loaded.objects,
            [Release { name: release40, objects: &r40 }, Release { name: release53, objects: &r53 }],
            "monitoring",
        );
        assert!(problems.is_empty(), "{label}: {problems:#?}");
        // The longest release name that keeps every name whole is told in values.yaml.
        let values = std::fs::read_to_string(chart.join("values.yaml")).unwrap();
        assert!(values.contains("Release names up to "), "{label}: {values}");
    }
}

#[test]
fn a_plain_trunc_would_collide_where_the_chart_does_not() {
    // The premise of the test above: the two Services' names differ only past 63 characters.
    let release = "production-monitoring-for-the-eu-cluster";
    let a = format!("{release}-dash-{PREFIX}-a");
    let b = format!("{release}-dash-{PREFIX}-b");
    assert_eq!(a[..63], b[..63]);
    assert_ne!(chartwright::generate::analyze::names::cut(&a, 63), chartwright::generate::analyze::names::cut(&b, 63));
}

const RENAMED_REFS: &str = "apiVersion: v1
kind: Service
metadata: {name: cassandra}
spec:
  clusterIP: None
  selector: {app: cassandra}
  ports: [{port: 9042}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cassandra}
spec:
  serviceName: cassandra
  selector: {matchLabels: {app: cassandra}}
  template:
    metadata: {labels: {app: cassandra}}
    spec:
      containers:
      - name: cassandra
        image: cassandra:4.1
        env:
        - {name: CASSANDRA_SEEDS, value: cassandra-0.cassandra.default.svc.cluster.local}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: controller}
spec:
  selector: {matchLabels: {app: controller}}
  template:
    metadata: {labels: {app: controller}}
    spec:
      containers: [{name: controller, image: 'quay.io/metallb/controller:v0.14.5'}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: speaker}
spec:
  selector: {matchLabels: {app: speaker}}
  template:
    metadata: {labels: {app: speaker}}
    spec:
      containers:
      - name: speaker
        image: quay.io/metallb/speaker:v0.14.5
        env:
        - {name: METALLB_DEPLOYMENT, value: controller}
        - {name: MODE, value: controllers}
";

fn env_value(objects: &[Object], kind: &str, var: &str) -> String {
    let o = objects.iter().find(|o| o.kind == kind).unwrap_or_else(|| panic!("no {kind}"));
    let c = &o.node.path(&["spec", "template", "spec", "containers"]).unwrap().as_seq().unwrap()[0];
    let env = c.get("env").unwrap().as_seq().unwrap();
    let e = env.iter().find(|e| e.str_at(&["name"]) == Some(var)).unwrap();
    e.str_at(&["value"]).unwrap().to_string()
}

#[test]
fn namespaced_pod_dns_and_env_values_naming_a_deployment_follow_a_rename() {
    for (label, h) in each_helm() {
        let tmp = tempfile::tempdir().unwrap();
        let o = generate(tmp.path(), RENAMED_REFS, "lb", &["--verify"], h);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() && err.contains("verified:"), "{label}: {err}");
        let chart = tmp.path().join("chart");
        let blue = render(h, label, "blue", &chart, "edge");
        assert_eq!(
            env_value(&blue, "StatefulSet", "CASSANDRA_SEEDS"),
            "blue-lb-cassandra-0.blue-lb-cassandra.edge.svc.cluster.local",
            "{label}"
        );
        assert_eq!(env_value(&blue, "DaemonSet", "METALLB_DEPLOYMENT"), "blue-lb-controller", "{label}");
        assert_eq!(env_value(&blue, "DaemonSet", "MODE"), "controllers", "{label}: another word stays");
        // Under the chart's own name in the input's namespace the input comes back as written.
        let own = render(h, label, "lb", &chart, "default");
        assert_eq!(
            env_value(&own, "StatefulSet", "CASSANDRA_SEEDS"),
            "cassandra-0.cassandra.default.svc.cluster.local",
            "{label}"
        );
        assert_eq!(env_value(&own, "DaemonSet", "METALLB_DEPLOYMENT"), "controller", "{label}");
    }
}
