//! The knobs every generated chart has (issue 17), on real Helm 3.17.2 and 4.1.4: at their
//! defaults nothing changes (the default render is the input), and the chart's own
//! `ci/knobs-values.yaml`, which sets every knob, renders each effect where it belongs. Checked
//! by parsing the render, for every golden case, and for every directory of the shared corpus
//! (`CHARTWRIGHT_CORPUS=/work/shared/corpus/manifests cargo test --test generate_knobs -- --ignored`,
//! run by scripts/test.sh).

use crate::common;

use std::path::{Path, PathBuf};

use chartwright::generate::template::knobs::{
    CI_KNOBS, CI_OBJECTS, EXAMPLE_ARG, EXAMPLE_ENV, EXAMPLE_EXTRA_OBJECT, EXAMPLE_KEY, EXAMPLE_NAMESPACE,
    EXAMPLE_PRIORITY_CLASS, EXAMPLE_REGISTRY, OWN_KEY,
};
use chartwright::generate::template::monitoring::SERVICE_MONITOR_API;
use chartwright::manifest::{self, Loaded, Object};
use chartwright::yaml::Node;
use common::{chartwright, each_helm, helm, root};

/// The key the ci values put on Services (kinds/service.rs).
const SERVICE_KEY: &str = "chartwright.dev/service-knob";

fn golden_cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("golden/generate"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input").is_dir() && !p.join("args").exists())
        .filter(|p| !p.ends_with("conflict"))
        .collect();
    v.sort();
    v
}

/// Generates a chart; None when the input is refused for defining an object twice.
fn generate(input: &Path, out: &Path) -> Option<()> {
    generate_with(input, out, &[])
}

/// A chart generated from `input` (relative to the repository) into a fresh directory; the
/// directory lives as long as the returned guard.
fn fresh_chart(input: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("chart");
    generate_with(&root().join(input), &chart, extra).unwrap();
    (tmp, chart)
}

fn generate_with(input: &Path, out: &Path, extra: &[&str]) -> Option<()> {
    let o = chartwright()
        .arg("generate")
        .arg(input)
        .args(["--name", "knobs", "--secrets", "inline", "--output"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(2) && err.contains("is defined twice") {
        return None;
    }
    assert!(matches!(o.status.code(), Some(0 | 1)) && out.join("Chart.yaml").is_file(), "{}: {err}", input.display());
    Some(())
}

fn render(bin: &Path, chart: &Path, ns: &str, extra: &[&str]) -> Vec<Object> {
    let mut args = vec!["template", "knobs", chart.to_str().unwrap(), "--namespace", ns];
    args.extend_from_slice(extra);
    let out = helm(bin, &args);
    assert!(out.status.success(), "{}: {}", chart.display(), String::from_utf8_lossy(&out.stderr));
    let mut l = Loaded::default();
    manifest::load_text("<rendered>", String::from_utf8(out.stdout).unwrap(), &mut l).unwrap();
    l.objects
}

fn str_at<'a>(n: &'a Node, path: &[&str]) -> Option<&'a str> {
    n.path(path).and_then(Node::as_str)
}

fn seq(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).map_or(&[][..], Vec::as_slice)
}

fn is_hook(o: &Object) -> bool {
    str_at(&o.node, &["metadata", "annotations", "helm.sh/hook"]).is_some()
}

fn is_extra(o: &Object) -> bool {
    o.name.as_deref().is_some_and(|n| n.ends_with(EXAMPLE_EXTRA_OBJECT))
}

/// Every selector of an object (maps of labels that pick pods or Services).
fn selectors(o: &Object) -> Vec<&Node> {
    let mut out = Vec::new();
    for p in [
        &["spec", "selector", "matchLabels"][..],
        &["spec", "podSelector", "matchLabels"],
        &["spec", "jobTemplate", "spec", "selector", "matchLabels"],
    ] {
        out.extend(o.node.path(p));
    }
    if matches!(o.kind.as_str(), "Service" | "ReplicationController") {
        out.extend(o.node.path(&["spec", "selector"]));
    }
    out
}

/// What the chart's knobs values must show in `knobs` (rendered with them) next to `plain`
/// (rendered with the defaults); every broken promise, one line each.
fn knob_effects(ns: &str, plain: &[Object], knobs: &[Object]) -> Vec<String> {
    let mut bad = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            bad.push(what);
        }
    };
    let extra = knobs.iter().find(|o| is_extra(o) && o.kind == "ConfigMap");
    check(
        extra.is_some_and(|o| str_at(&o.node, &["data", "release"]) == Some("knobs")),
        "extraObjects: the extra ConfigMap is missing or its template did not run".into(),
    );
    for o in knobs.iter().filter(|o| !is_extra(o)) {
        let name = o.display_name();
        // A user map rendered as a second block beside the object's own would repeat its key.
        check(o.duplicate_keys.is_empty(), format!("{name}: a key is written twice: {:?}", o.duplicate_keys));
        if o.kind == "Ingress" {
            check(
                str_at(&o.node, &["metadata", "annotations", OWN_KEY]) == Some("ingress"),
                format!("{name}: the Ingress's own annotations are lost"),
            );
        }
        check(
            str_at(&o.node, &["metadata", "labels", EXAMPLE_KEY]) == Some("common"),
            format!("{name}: commonLabels missing"),
        );
        check(
            str_at(&o.node, &["metadata", "annotations", EXAMPLE_KEY]) == Some("common"),
            format!("{name}: commonAnnotations missing"),
        );
        for s in selectors(o) {
            check(
                s.get(EXAMPLE_KEY).is_none() && s.get(SERVICE_KEY).is_none(),
                format!("{name}: a selector carries a user label"),
            );
        }
        check(
            str_at(&o.node, &["metadata", "namespace"]) != Some(ns),
            format!("{name}: still in the release namespace despite namespaceOverride"),
        );
        let Some(pod) = chartwright::kube::pod_template(&o.node, &o.kind) else { continue };
        let before = plain.iter().find(|p| p.kind == o.kind && p.name == o.name);
        let before_pod = before.and_then(|b| chartwright::kube::pod_template(&b.node, &b.kind));
        for list in ["containers", "initContainers"] {
            for c in seq(pod.path(&["spec", list])) {
                let image = str_at(c, &["image"]).unwrap_or_default();
                // The same container in the default render: its registry is replaced, or the
                // mirror goes in front of a name without one.
                let was = before_pod
                    .map(|p| seq(p.path(&["spec", list])))
                    .and_then(|cs| cs.iter().find(|b| b.get("name") == c.get("name")))
                    .and_then(|b| str_at(b, &["image"]));
                let want = was.map(|w| format!("{EXAMPLE_REGISTRY}/{}", without_registry(w)));
                check(
                    image.starts_with(&format!("{EXAMPLE_REGISTRY}/")) && want.as_deref().is_none_or(|w| w == image),
                    format!("{name}: image {image} is not {want:?} under global.imageRegistry"),
                );
            }
        }
        if is_hook(o) {
            continue;
        }
        check(
            str_at(pod, &["metadata", "labels", EXAMPLE_KEY]) == Some("common"),
            format!("{name}: pods lack commonLabels"),
        );
        workload_effects(o, pod, plain, &mut check);
    }
    let in_ns = plain.iter().any(|o| str_at(&o.node, &["metadata", "namespace"]) == Some(ns));
    check(
        !in_ns || knobs.iter().any(|o| str_at(&o.node, &["metadata", "namespace"]) == Some(EXAMPLE_NAMESPACE)),
        "namespaceOverride: no object moved".into(),
    );
    for s in knobs.iter().filter(|o| o.kind == "Service") {
        service_effects(s, &mut check);
    }
    // One connection test per Service that has a TCP port (ExternalName ones have no pods).
    let tested: Vec<&Object> = plain
        .iter()
        .filter(|o| o.kind == "Service" && str_at(&o.node, &["spec", "type"]) != Some("ExternalName"))
        .filter(|o| {
            seq(o.node.path(&["spec", "ports"])).iter().any(|p| str_at(p, &["protocol"]).is_none_or(|p| p == "TCP"))
        })
        .collect();
    for s in tested {
        let want = format!("{}-test-connection", s.name.as_deref().unwrap_or_default());
        check(
            plain.iter().any(|o| o.kind == "Pod" && is_hook(o) && o.name.as_deref() == Some(&want)),
            format!("Service/{}: no helm test pod {want}", s.name.as_deref().unwrap_or_default()),
        );
    }
    bad
}

/// An image reference without its registry (the first part, when it has a `.` or `:` or is
/// `localhost`).
fn without_registry(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => rest,
        _ => image,
    }
}

fn workload_effects(o: &Object, pod: &Node, plain: &[Object], check: &mut impl FnMut(bool, String)) {
    let name = o.display_name();
    let before = plain.iter().find(|p| p.kind == o.kind && p.name == o.name);
    let main = &seq(pod.path(&["spec", "containers"]))[0];
    let names = |key: &str| -> Vec<String> {
        seq(pod.path(&["spec", key])).iter().filter_map(|c| str_at(c, &["name"]).map(str::to_string)).collect()
    };
    check(
        seq(main.get("env")).iter().any(|e| str_at(e, &["name"]) == Some(EXAMPLE_ENV)),
        format!("{name}: extraEnv not in the main container"),
    );
    check(
        seq(main.get("args")).last().and_then(Node::as_str) == Some(EXAMPLE_ARG),
        format!("{name}: extraArgs not last in the main container's args"),
    );
    check(names("containers").iter().any(|n| n == "chartwright-knob"), format!("{name}: extraContainers missing"));
    check(
        names("initContainers").iter().any(|n| n == "chartwright-knob-init"),
        format!("{name}: extraInitContainers missing"),
    );
    check(names("volumes").iter().any(|n| n == "chartwright-knob"), format!("{name}: extraVolumes missing"));
    check(
        seq(main.get("volumeMounts")).iter().any(|m| str_at(m, &["name"]) == Some("chartwright-knob")),
        format!("{name}: extraVolumeMounts missing"),
    );
    check(
        seq(main.get("envFrom")).iter().any(|m| str_at(m, &["configMapRef", "name"]) == Some("chartwright-knob")),
        format!("{name}: extraEnvFrom missing"),
    );
    check(
        str_at(pod, &["spec", "priorityClassName"]) == Some(EXAMPLE_PRIORITY_CLASS),
        format!("{name}: priorityClassName"),
    );
    let grace = |n: &Node| n.path(&["spec", "terminationGracePeriodSeconds"]).and_then(Node::as_i64);
    let grace_before = before.and_then(|b| chartwright::kube::pod_template(&b.node, &b.kind)).and_then(grace);
    check(
        grace(pod).is_some_and(|g| Some(g) != grace_before),
        format!("{name}: terminationGracePeriodSeconds did not change"),
    );
    check(main.path(&["lifecycle", "preStop"]).is_some(), format!("{name}: lifecycle"));
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
        check(
            main.path(&[probe, "periodSeconds"]).and_then(Node::as_i64) == Some(17),
            format!("{name}: {probe} is not the custom one"),
        );
    }
    if matches!(o.kind.as_str(), "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController") {
        let replicas = |n: &Node| n.path(&["spec", "replicas"]).and_then(Node::as_i64);
        let was = before.map(|b| &b.node).and_then(replicas);
        match replicas(&o.node) {
            Some(now) => check(Some(now) != was && now != 1, format!("{name}: replicaCount did not change replicas")),
            // An HorizontalPodAutoscaler of the input owns the count.
            None => check(was.is_none(), format!("{name}: replicas disappeared")),
        }
    }
    let strategy = match o.kind.as_str() {
        "Deployment" => Some((["spec", "strategy", "type"], "Recreate")),
        "StatefulSet" | "DaemonSet" => Some((["spec", "updateStrategy", "type"], "OnDelete")),
        _ => None,
    };
    if let Some((path, want)) = strategy {
        check(str_at(&o.node, &path) == Some(want), format!("{name}: updateStrategy"));
    }
}

fn service_effects(s: &Object, check: &mut impl FnMut(bool, String)) {
    let name = s.display_name();
    let spec = s.node.get("spec");
    let spec_str = |k: &str| spec.and_then(|sp| sp.get(k)).and_then(Node::as_str);
    check(
        str_at(&s.node, &["metadata", "annotations", SERVICE_KEY]) == Some("service"),
        format!("{name}: annotations"),
    );
    check(str_at(&s.node, &["metadata", "labels", SERVICE_KEY]) == Some("service"), format!("{name}: labels"));
    if spec_str("type") == Some("ExternalName") {
        return;
    }
    check(spec_str("ipFamilyPolicy") == Some("SingleStack"), format!("{name}: ipFamilyPolicy"));
    if spec_str("clusterIP") == Some("None") {
        return;
    }
    check(spec_str("type") == Some("LoadBalancer"), format!("{name}: type"));
    check(spec_str("loadBalancerIP") == Some("10.0.0.10"), format!("{name}: loadBalancerIP"));
    check(spec_str("externalTrafficPolicy") == Some("Local"), format!("{name}: externalTrafficPolicy"));
    check(
        seq(spec.and_then(|sp| sp.get("loadBalancerSourceRanges"))).first().and_then(Node::as_str)
            == Some("10.0.0.0/8"),
        format!("{name}: loadBalancerSourceRanges"),
    );
    let ports = seq(spec.and_then(|sp| sp.get("ports")));
    if ports.len() == 1 {
        check(ports[0].get("nodePort").and_then(Node::as_i64).is_some(), format!("{name}: nodePort"));
    }
}

/// ServiceMonitors render only where the API is served, and each scrapes a named port of a
/// Service it selects.
fn monitor_effects(chart: &Path, with_api: &[Object], without_api: &[Object]) -> Vec<String> {
    let mut bad = Vec::new();
    let offered = std::fs::read_dir(chart.join("templates"))
        .unwrap()
        .any(|e| e.unwrap().file_name().to_string_lossy().starts_with("servicemonitor"));
    let monitors: Vec<&Object> = with_api.iter().filter(|o| o.kind == "ServiceMonitor").collect();
    if without_api.iter().any(|o| o.kind == "ServiceMonitor") {
        bad.push("a ServiceMonitor renders without the API".into());
    }
    if offered && monitors.is_empty() {
        bad.push("serviceMonitor.enabled with the API declared renders no ServiceMonitor".into());
    }
    for m in monitors {
        let selector =
            m.node.path(&["spec", "selector", "matchLabels"]).and_then(Node::as_map).cloned().unwrap_or_default();
        let endpoint = &seq(m.node.path(&["spec", "endpoints"]))[0];
        let reached = with_api.iter().filter(|o| o.kind == "Service").any(|s| {
            let labels = s.node.path(&["metadata", "labels"]);
            selector.iter().all(|(k, v)| labels.and_then(|l| l.get(k.as_str().unwrap_or_default())) == Some(v))
                && seq(s.node.path(&["spec", "ports"])).iter().any(|p| match str_at(endpoint, &["port"]) {
                    Some(port) => str_at(p, &["name"]) == Some(port),
                    None => endpoint
                        .get("targetPort")
                        .is_some_and(|t| p.get("targetPort") == Some(t) || p.get("port") == Some(t)),
                })
        });
        if !reached {
            bad.push(format!("{}: selects no Service with its port", m.display_name()));
        }
    }
    bad
}

/// Generates, lints with both ci files and checks every knob's effect, on one Helm.
fn check_input(label: &str, bin: &Path, input: &[Object], ns: &str, chart: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let c = chart.to_str().unwrap();
    for ci in [CI_KNOBS, CI_OBJECTS] {
        let values = chart.join(ci);
        let lint = helm(bin, &["lint", "--strict", c, "-f", values.to_str().unwrap()]);
        if !lint.status.success() {
            bad.push(format!("{label}: helm lint --strict -f {ci}: {}", String::from_utf8_lossy(&lint.stdout)));
        }
    }
    let knobs_file = chart.join(CI_KNOBS);
    let k = knobs_file.to_str().unwrap();
    let plain = render(bin, chart, ns, &["--include-crds"]);
    // The knobs at their defaults change nothing.
    let main_ns = chartwright::generate::main_namespace(input);
    let diffs = chartwright::generate::verify::compare(input, &plain, main_ns.as_deref(), ns, false);
    bad.extend(diffs.iter().map(|d| format!("{label}: default render: {d}")));
    for o in plain.iter().filter(|o| !o.duplicate_keys.is_empty()) {
        bad.push(format!("{label}: default render: {}: a key is written twice", o.display_name()));
    }
    let with_api = render(bin, chart, ns, &["-f", k, "--api-versions", SERVICE_MONITOR_API]);
    let without_api = render(bin, chart, ns, &["-f", k]);
    bad.extend(knob_effects(ns, &plain, &with_api).into_iter().map(|b| format!("{label}: {b}")));
    bad.extend(monitor_effects(chart, &with_api, &without_api).into_iter().map(|b| format!("{label}: {b}")));
    bad
}

/// Runs [`check_input`] for every input on both Helms, in parallel.
fn check_all(inputs: &[PathBuf]) -> (usize, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    for (n, input) in inputs.iter().enumerate() {
        let chart = tmp.path().join(format!("chart{n}"));
        if generate(input, &chart).is_none() {
            continue;
        }
        let loaded = manifest::load_inputs(std::slice::from_ref(input)).unwrap();
        let ns = chartwright::generate::main_namespace(&loaded.objects).unwrap_or_else(|| "default".into());
        jobs.push((input.clone(), loaded.objects, chart, ns));
    }
    let problems = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .flat_map(|(input, objects, chart, ns)| {
                each_helm().map(|(label, bin)| {
                    s.spawn(move || {
                        check_input(label, bin, objects, ns, chart)
                            .into_iter()
                            .map(|b| format!("{}: {b}", input.display()))
                            .collect::<Vec<_>>()
                    })
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    (jobs.len(), problems)
}

#[test]
fn every_knob_of_every_golden_chart_renders_its_effect_on_helm_3_and_4() {
    let inputs: Vec<PathBuf> = golden_cases().iter().map(|c| c.join("input")).collect();
    let (charts, problems) = check_all(&inputs);
    assert!(charts >= 8, "{charts}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "needs the shared corpus: set CHARTWRIGHT_CORPUS to its manifests directory"]
fn every_knob_of_every_corpus_chart_renders_its_effect_on_helm_3_and_4() {
    let dir = std::env::var_os("CHARTWRIGHT_CORPUS").expect("CHARTWRIGHT_CORPUS must name a directory of manifests");
    let mut inputs = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        let mut has_manifests = false;
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json") {
                has_manifests = true;
            }
        }
        if has_manifests {
            inputs.push(d);
        }
    }
    inputs.sort();
    let (charts, problems) = check_all(&inputs);
    eprintln!("{} corpus directories, {charts} charts checked on both Helms", inputs.len());
    assert!(charts > 0);
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn a_probe_switched_off_is_gone_and_the_default_render_keeps_it() {
    let (_tmp, chart) = fresh_chart("golden/generate/guestbook-json/input", &[]);
    for (label, bin) in each_helm() {
        let probe = |objs: &[Object]| {
            let d = objs.iter().find(|o| o.kind == "Deployment").unwrap();
            d.node.path(&["spec", "template", "spec", "containers"]).and_then(Node::as_seq).unwrap()[0]
                .get("livenessProbe")
                .is_some()
        };
        assert!(probe(&render(bin, &chart, "default", &[])), "{label}");
        assert!(!probe(&render(bin, &chart, "default", &["--set", "livenessProbe.enabled=false"])), "{label}");
    }
}

#[test]
fn crds_as_templates_round_trip_and_follow_crds_enabled_and_crds_keep() {
    let case = root().join("golden/generate/widget-operator");
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("chart");
    let out = chartwright()
        .current_dir(&case)
        .args([
            "generate",
            "input",
            "--name",
            "widget-operator",
            "--crds",
            "templates",
            "--secrets",
            "inline",
            "--output",
        ])
        .arg(&chart)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!chart.join("crds").exists() && chart.join("templates/crds/widgets-example-com.yaml").is_file());
    let input = manifest::load_inputs(&[case.join("input")]).unwrap();
    let ns = chartwright::generate::main_namespace(&input.objects).unwrap_or_else(|| "default".into());
    let crd = |objs: &[Object]| objs.iter().find(|o| o.kind == "CustomResourceDefinition").cloned();
    for (label, bin) in each_helm() {
        let lint = helm(bin, &["lint", "--strict", chart.to_str().unwrap()]);
        assert!(lint.status.success(), "{label}: {}", String::from_utf8_lossy(&lint.stdout));
        let args = ["template", "widget-operator", chart.to_str().unwrap(), "--namespace", &ns];
        let out = helm(bin, &args);
        assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        let mut rendered = Loaded::default();
        manifest::load_text("<rendered>", String::from_utf8(out.stdout).unwrap(), &mut rendered).unwrap();
        let diffs = chartwright::generate::verify::compare(&input.objects, &rendered.objects, Some(&ns), &ns, false);
        assert!(diffs.is_empty(), "{label}: {diffs:?}");
        let kept = crd(&rendered.objects).expect("the CRD renders by default");
        assert_eq!(
            str_at(&kept.node, &["metadata", "annotations", "helm.sh/resource-policy"]),
            Some("keep"),
            "{label}"
        );
        let off = render(bin, &chart, &ns, &["--set", "crds.enabled=false"]);
        assert!(crd(&off).is_none(), "{label}: crds.enabled=false still renders the CRD");
        let unkept = crd(&render(bin, &chart, &ns, &["--set", "crds.keep=false"])).unwrap();
        assert!(unkept.node.path(&["metadata", "annotations"]).is_none(), "{label}: crds.keep=false keeps");
    }
}

#[test]
fn common_labels_that_repeat_a_standard_label_are_refused_by_the_schema() {
    let (_tmp, chart) = fresh_chart("golden/generate/guestbook-json/input", &[]);
    let c = chart.to_str().unwrap();
    for (label, bin) in each_helm() {
        // Rendered beside the chart's own helm.sh/chart label, the key would be there twice.
        let out = helm(bin, &["template", "x", c, "--set", "commonLabels.helm\\.sh/chart=mine"]);
        assert!(!out.status.success(), "{label}: a repeated standard label must be refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains("helm.sh/chart"), "{label}");
        assert!(helm(bin, &["template", "x", c, "--set", "commonLabels.team=shop"]).status.success(), "{label}");
    }
}

#[test]
fn user_labels_that_repeat_a_label_the_input_writes_are_refused_by_the_schema() {
    // The input's objects and pods carry `app` themselves: a user map beside it that repeats
    // the key would write it twice in one map, which the API server refuses at install time.
    let (_tmp, chart) = fresh_chart("golden/generate/orders-api/input", &[]);
    let c = chart.to_str().unwrap();
    for (label, bin) in each_helm() {
        for set in ["commonLabels.app=mine", "podLabels.app=mine", "service.labels.app=mine"] {
            let out = helm(bin, &["template", "x", c, "--set", set]);
            assert!(!out.status.success(), "{label}: {set} must be refused");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("values don't meet the specifications of the schema"), "{label}: {set}: {err}");
        }
        let fine =
            helm(bin, &["template", "x", c, "--set", "commonLabels.team=a,podLabels.tier=b,service.labels.zone=c"]);
        assert!(fine.status.success(), "{label}: {}", String::from_utf8_lossy(&fine.stderr));
    }
    let values = chart.join("mine.yaml");
    std::fs::write(&values, "podLabels:\n  app: mine\n").unwrap();
    let out = chartwright().args(["validate"]).arg(&chart).arg(&values).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mine.yaml:1:1"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_bare_pod_gets_each_label_and_annotation_once() {
    // A Pod is both an object and its own pod template: its labels and annotations were once
    // written twice (standard labels, and the common maps beside podAnnotations).
    let (charts, problems) = check_all(&[root().join("tests/fixtures/generate/bare-pod")]);
    assert_eq!(charts, 1);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn crds_as_templates_carry_every_chart_knob_on_helm_3_and_4() {
    let (_tmp, chart) = fresh_chart("golden/generate/widget-operator/input", &["--crds", "templates"]);
    let input = root().join("golden/generate/widget-operator/input");
    let objects = manifest::load_inputs(std::slice::from_ref(&input)).unwrap().objects;
    let ns = chartwright::generate::main_namespace(&objects).unwrap_or_else(|| "default".into());
    for (label, bin) in each_helm() {
        let problems = check_input(label, bin, &objects, &ns, &chart);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        let knobs = render(bin, &chart, &ns, &["-f", chart.join(CI_KNOBS).to_str().unwrap()]);
        assert!(knobs.iter().any(|o| o.kind == "CustomResourceDefinition"), "{label}: the CRD is a template");
    }
}

#[test]
fn a_service_label_and_a_common_label_with_one_key_render_once_the_services_winning() {
    let (_tmp, chart) = fresh_chart("golden/generate/guestbook-json/input", &[]);
    let set =
        ["--set", "service.labels.team=service,commonLabels.team=common,service.annotations.a=s,commonAnnotations.a=c"];
    for (label, bin) in each_helm() {
        let objs = render(bin, &chart, "default", &set);
        let svc = objs.iter().find(|o| o.kind == "Service").unwrap();
        assert!(svc.duplicate_keys.is_empty(), "{label}: {:?}", svc.duplicate_keys);
        assert_eq!(str_at(&svc.node, &["metadata", "labels", "team"]), Some("service"), "{label}");
        assert_eq!(str_at(&svc.node, &["metadata", "annotations", "a"]), Some("s"), "{label}");
        let deploy = objs.iter().find(|o| o.kind == "Deployment").unwrap();
        assert_eq!(str_at(&deploy.node, &["metadata", "labels", "team"]), Some("common"), "{label}");
    }
}

#[test]
fn a_user_map_deleted_with_null_still_merges_with_the_common_one() {
    let (_tmp, chart) = fresh_chart("tests/fixtures/generate/bare-pod", &[]);
    for (label, bin) in each_helm() {
        // podAnnotations may be deleted (the templates do without it); merge must not see nil.
        let objs = render(bin, &chart, "tools", &["--set", "probe.podAnnotations=null,commonAnnotations.x=y"]);
        let pod = objs.iter().find(|o| o.kind == "Pod" && !is_hook(o)).unwrap();
        assert_eq!(str_at(&pod.node, &["metadata", "annotations", "x"]), Some("y"), "{label}");
        assert!(pod.node.path(&["metadata", "annotations", "team"]).is_none(), "{label}");
    }
}
