//! The knobs maintainers add to charts by hand, offered by every generated chart (issue 17):
//! chart-wide ones (common labels and annotations, a registry mirror, a namespace override,
//! extra objects, `kubeVersion`), and the registry of every knob with a value that shows its
//! effect, from which the `ci/` values files are written.
//!
//! Every knob defaults to "no change": the default render is still the input.

use std::collections::BTreeMap;

use crate::yaml::{Node, Value, emit_document};

use crate::generate::template::values::{Hint, Values};

/// The label and annotation key the `ci/` values set through `commonLabels`,
/// `commonAnnotations` and the Service maps.
pub const EXAMPLE_KEY: &str = "chartwright.dev/knob";
/// The annotation key the `ci/` values put in an object's own annotation values (an Ingress's,
/// a ServiceAccount's), next to the common ones.
pub const OWN_KEY: &str = "chartwright.dev/own-knob";
/// The registry the `ci/` values mirror every image to.
pub const EXAMPLE_REGISTRY: &str = "mirror.example.com";
/// The namespace the `ci/` values move the release's objects to.
pub const EXAMPLE_NAMESPACE: &str = "knobs-override";
/// The environment variable, argument and names the `ci/` values add to every workload.
pub const EXAMPLE_ENV: &str = "CHARTWRIGHT_KNOB";
/// The argument the `ci/` values add to every main container.
pub const EXAMPLE_ARG: &str = "--chartwright-knob";
/// Suffix of the extra object's name (after the fullname) in the `ci/` values.
pub const EXAMPLE_EXTRA_OBJECT: &str = "knob-extra";
/// The priority class the `ci/` values give every workload.
pub const EXAMPLE_PRIORITY_CLASS: &str = "knob-priority";
/// The termination grace period the `ci/` values give every pod.
pub const EXAMPLE_GRACE: i64 = 45;
/// File of the `ci/` values that set every knob (optional objects stay as they are).
pub const CI_KNOBS: &str = "ci/knobs-values.yaml";
/// File of the `ci/` values that switch every optional object on.
pub const CI_OBJECTS: &str = "ci/objects-values.yaml";

/// Every knob of a chart with an example value; paths are values paths.
#[derive(Debug, Default, Clone)]
pub struct Knobs {
    knobs: Vec<(Vec<String>, Node)>,
    toggles: Vec<(Vec<String>, Node)>,
}

impl Knobs {
    /// Records a knob and a value that shows its effect.
    pub fn add(&mut self, path: &[String], example: Node) {
        self.knobs.push((path.to_vec(), example));
    }

    /// Records a switch of an optional object (ingress.enabled...) and the value that turns
    /// it on.
    pub fn toggle(&mut self, path: &[String], on: Node) {
        self.toggles.push((path.to_vec(), on));
    }

    /// The `ci/` values files, by chart-relative path.
    pub fn ci_files(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let header = |what: &str| {
            format!("# {what}\n# Written by chartwright generate; `helm lint --strict -f` and chart-testing use it.\n")
        };
        out.insert(CI_KNOBS.to_string(), header("Sets every knob of the chart.") + &emit_document(&nest(&self.knobs)));
        let mut all = self.knobs.clone();
        all.extend(self.toggles.iter().cloned());
        out.insert(
            CI_OBJECTS.to_string(),
            header("Switches every optional object on, with every knob set.") + &emit_document(&nest(&all)),
        );
        out
    }
}

/// A mapping with each value at its path; later paths win.
fn nest(entries: &[(Vec<String>, Node)]) -> Node {
    let mut root = Node::map();
    for (path, v) in entries {
        crate::generate::template::values::set_path(&mut root, path, v.clone());
    }
    root
}

fn path(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| (*k).to_string()).collect()
}

/// A map of one string.
pub fn string_map(k: &str, v: &str) -> Node {
    Node::new(Value::Map(vec![(Node::str(k), Node::str(v))]))
}

/// A list of nodes.
pub fn list(items: Vec<Node>) -> Node {
    Node::new(Value::Seq(items))
}

/// A map from pairs.
pub fn map(pairs: Vec<(&str, Node)>) -> Node {
    Node::new(Value::Map(pairs.into_iter().map(|(k, v)| (Node::str(k), v)).collect()))
}

/// The chart-wide knobs: values, and their examples.
pub fn chart_values(chart: &str, values: &mut Values, knobs: &mut Knobs, input_labels: Vec<String>) {
    values.set(
        &path(&["namespaceOverride"]),
        Node::str(""),
        "Namespace of the objects that go to the release namespace; empty uses the release namespace.",
        Hint::DnsName,
    );
    knobs.add(&path(&["namespaceOverride"]), Node::str(EXAMPLE_NAMESPACE));
    values.set(
        &path(&["commonLabels"]),
        Node::map(),
        "Labels added to every object and pod (never to selectors); not the chart's standard app.kubernetes.io/* and helm.sh/chart labels, nor a label the objects already have.",
        Hint::ExtraLabels(input_labels),
    );
    knobs.add(&path(&["commonLabels"]), string_map(EXAMPLE_KEY, "common"));
    values.set(&path(&["commonAnnotations"]), Node::map(), "Annotations added to every object.", Hint::StringMap);
    knobs.add(&path(&["commonAnnotations"]), string_map(EXAMPLE_KEY, "common"));
    values.describe(&path(&["global"]), "Values shared with subcharts.");
    values.set(
        &path(&["global", "imageRegistry"]),
        Node::str(""),
        "Registry of every image (a mirror): replaces the registry of each image's repository, or goes in front of a repository without one (docker.io's short names). Empty keeps the images as written.",
        Hint::Plain,
    );
    knobs.add(&path(&["global", "imageRegistry"]), Node::str(EXAMPLE_REGISTRY));
    values.set(
        &path(&["extraObjects"]),
        list(Vec::new()),
        "Extra Kubernetes objects rendered with the chart; strings in them are templates (`tpl`).",
        Hint::ObjectList,
    );
    let example = map(vec![
        ("apiVersion", Node::str("v1")),
        ("kind", Node::str("ConfigMap")),
        (
            "metadata",
            map(vec![("name", Node::str(format!("{{{{ include \"{chart}.fullname\" . }}}}-{EXAMPLE_EXTRA_OBJECT}")))]),
        ),
        ("data", string_map("release", "{{ .Release.Name }}")),
    ]);
    knobs.add(&path(&["extraObjects"]), list(vec![example]));
}

/// The chart-wide templates the knobs need, added to `out` under names no input object took.
pub fn templates(g: &mut crate::generate::template::kinds::Gen<'_>, out: &mut BTreeMap<String, String>) {
    let file = free_name(out, &["extra-objects", "extraobjects", "chartwright-extra-objects"]);
    out.insert(file, extra_objects_template());
    for (file, text) in connection_tests(g) {
        out.insert(file, text);
    }
    for (file, doc) in crate::generate::template::monitoring::documents(g) {
        let file = if out.contains_key(&file) { free_name(out, &["chartwright-servicemonitor"]) } else { file };
        out.insert(file, crate::generate::template::tpl::render(&doc));
    }
}

/// A `helm test` pod per Service with a TCP port, as `helm create` writes one: busybox's wget
/// connects to the Service by its name and port.
fn connection_tests(g: &mut crate::generate::template::kinds::Gen<'_>) -> Vec<(String, String)> {
    let ctx = g.ctx;
    let chart = ctx.chart.clone();
    let mut out = Vec::new();
    let mut enabled = None;
    for (i, o) in ctx.objects.iter().enumerate() {
        if o.kind != "Service" || ctx.plans[i].file.is_none() {
            continue;
        }
        let spec = o.node.get("spec");
        if spec.and_then(|s| s.get("type")).and_then(Node::as_str) == Some("ExternalName") {
            continue;
        }
        let ports = spec.and_then(|s| s.get("ports")).and_then(Node::as_seq).map_or(&[][..], Vec::as_slice);
        let Some((idx, first)) =
            ports.iter().enumerate().find(|(_, p)| p.get("protocol").and_then(Node::as_str).is_none_or(|p| p == "TCP"))
        else {
            continue;
        };
        let Some(name) = o.name.as_ref().and_then(|n| ctx.name_of("Service", n)).map(|e| e.tpl(&chart)) else {
            continue;
        };
        let slot = &ctx.plans[i].slot;
        let port = if g.values.has(&join_path(slot, "port")) {
            format!("{{{{ {} }}}}", crate::generate::analyze::names::values_ref(&join_path(slot, "port")))
        } else if g.values.has(&join_path(slot, "ports")) {
            format!(
                "{{{{ (index {} {idx}).port }}}}",
                crate::generate::analyze::names::values_ref(&join_path(slot, "ports"))
            )
        } else {
            match first.get("port").and_then(Node::as_i64) {
                Some(n) => n.to_string(),
                None => continue,
            }
        };
        let enabled = enabled.get_or_insert_with(|| {
            g.values.describe(&path(&["tests"]), "`helm test` pods that connect to each Service.");
            let r = g.values.set(
                &path(&["tests", "enabled"]),
                Node::new(Value::Bool(true)),
                "Render the test pods (`helm test` runs them; they are not installed).",
                Hint::Plain,
            );
            g.values.describe(&path(&["tests", "image"]), "Image of the test pods (needs wget).");
            g.values.set(
                &path(&["tests", "image", "repository"]),
                Node::str("busybox"),
                "Image repository.",
                Hint::Plain,
            );
            g.values.set(&path(&["tests", "image", "tag"]), Node::str("1.36"), "Image tag.", Hint::Plain);
            g.guards.push(crate::guard::Guard::ImageRepository { image: path(&["tests", "image"]) });
            r
        });
        let stem = if slot.is_empty() {
            "test-connection".to_string()
        } else {
            format!("test-connection-{}", slot_stem(slot))
        };
        let ns = crate::generate::analyze::names::release_namespace(&chart);
        let text = [
            format!("{{{{- if {enabled} }}}}"),
            "apiVersion: v1".into(),
            "kind: Pod".into(),
            "metadata:".into(),
            format!("  name: \"{name}-test-connection\""),
            format!("  namespace: {ns}"),
            "  labels:".into(),
            format!("    {{{{- include \"{chart}.labels\" . | nindent 4 }}}}"),
            "    {{- with .Values.commonLabels }}".into(),
            "    {{- toYaml . | nindent 4 }}".into(),
            "    {{- end }}".into(),
            "  annotations:".into(),
            "    \"helm.sh/hook\": test".into(),
            "    {{- with .Values.commonAnnotations }}".into(),
            "    {{- toYaml . | nindent 4 }}".into(),
            "    {{- end }}".into(),
            "spec:".into(),
            // As locked down as chartwright's own lint asks of any pod: a fresh chart passes
            // `chartwright lint --fail-on warning`.
            "  automountServiceAccountToken: false".into(),
            "  securityContext:".into(),
            "    runAsNonRoot: true".into(),
            "    runAsUser: 65534".into(),
            "    seccompProfile:".into(),
            "      type: RuntimeDefault".into(),
            "  containers:".into(),
            "    - name: wget".into(),
            format!(
                "      image: \"{{{{ include \"{chart}.imageRepository\" (list $ .Values.tests.image.repository) }}}}:{{{{ .Values.tests.image.tag }}}}\""
            ),
            "      command: ['wget']".into(),
            // The page goes nowhere: the root filesystem is read-only.
            format!("      args: ['-q', '-O', '/dev/null', '{name}:{port}']"),
            "      securityContext:".into(),
            "        allowPrivilegeEscalation: false".into(),
            "        readOnlyRootFilesystem: true".into(),
            "        capabilities:".into(),
            "          drop: [ALL]".into(),
            "      resources:".into(),
            "        requests:".into(),
            "          cpu: 10m".into(),
            "          memory: 16Mi".into(),
            "        limits:".into(),
            "          cpu: 100m".into(),
            "          memory: 32Mi".into(),
            "  restartPolicy: Never".into(),
            "{{- end }}".into(),
        ]
        .join("\n")
            + "\n";
        out.push((format!("templates/tests/{stem}.yaml"), text));
    }
    out
}

/// A CRD as a template under `templates/crds/` (`--crds templates`): rendered while
/// `crds.enabled`, and kept on uninstall (`helm.sh/resource-policy: keep`) while `crds.keep`.
pub fn crd_template(g: &mut crate::generate::template::kinds::Gen<'_>, i: usize, file: &str) -> (String, String) {
    let p = |keys: &[&str]| path(keys);
    if !g.values.has(&p(&["crds", "enabled"])) {
        g.values.describe(&p(&["crds"]), "The CustomResourceDefinitions, rendered as templates.");
        g.values.set(
            &p(&["crds", "enabled"]),
            Node::new(Value::Bool(true)),
            "Install and upgrade the CRDs with the release.",
            Hint::Plain,
        );
        g.values.set(
            &p(&["crds", "keep"]),
            Node::new(Value::Bool(true)),
            "Keep the CRDs (and so every custom resource) when the release is uninstalled.",
            Hint::Plain,
        );
    }
    let node = g.ctx.objects[i].node.clone();
    let mut t = crate::generate::template::tpl::Tree::from_node(&node);
    crate::generate::template::kinds::metadata::object_metadata(g, i, &mut t);
    let keep = crate::generate::template::tpl::Entry::If(
        ".Values.crds.keep".into(),
        vec![crate::generate::template::tpl::Entry::Pair(
            "helm.sh/resource-policy".into(),
            crate::generate::template::tpl::Tree::Lit(Value::Str("keep".into())),
        )],
    );
    if let Some(meta) = t.get_mut("metadata") {
        match meta.get_mut("annotations") {
            Some(crate::generate::template::tpl::Tree::Map(m)) => m.insert(0, keep),
            _ => {
                // No annotations in the input: the block holds the keep annotation and the
                // common ones, and renders only when one of them is there.
                if let crate::generate::template::tpl::Tree::Map(entries) = meta {
                    entries.retain(|e| {
                        !matches!(e, crate::generate::template::tpl::Entry::Lines(l) if l.iter().any(|l| l.starts_with("annotations:")))
                    });
                    entries.push(crate::generate::template::tpl::Entry::Lines(vec![
                        format!(
                            "{{{{- if or .Values.crds.keep {} }}}}",
                            crate::generate::template::kinds::metadata::COMMON_ANNOTATIONS
                        ),
                        "annotations:".into(),
                        "  {{- if .Values.crds.keep }}".into(),
                        "  helm.sh/resource-policy: keep".into(),
                        "  {{- end }}".into(),
                        format!("  {{{{- with {} }}}}", crate::generate::template::kinds::metadata::COMMON_ANNOTATIONS),
                        "  {{- toYaml . | nindent {N+2} }}".into(),
                        "  {{- end }}".into(),
                        "{{- end }}".into(),
                    ]));
                }
            }
        }
    }
    let file = format!("templates/crds/{}", file.strip_prefix("crds/").unwrap_or(file));
    let doc = crate::generate::template::tpl::Document { body: t, condition: Some(".Values.crds.enabled".into()) };
    (file, crate::generate::template::tpl::render(&doc))
}

/// A values slot as a file-name stem: `backend.service` → `backend-service`.
pub fn slot_stem(slot: &[String]) -> String {
    slot.iter().flat_map(|k| crate::generate::analyze::names::tokens(k)).collect::<Vec<_>>().join("-")
}

fn join_path(slot: &[String], key: &str) -> Vec<String> {
    crate::generate::template::values::join(slot, &[key])
}

/// The first `templates/<stem>.yaml` not taken (an input object may own the name already).
pub(in crate::generate) fn free_name(out: &BTreeMap<String, String>, stems: &[&str]) -> String {
    stems
        .iter()
        .map(|s| format!("templates/{s}.yaml"))
        .find(|f| !out.contains_key(f))
        .unwrap_or_else(|| format!("templates/chartwright-{}-{}.yaml", stems[0], out.len()))
}

/// The template of `extraObjects`.
pub fn extra_objects_template() -> String {
    "{{- /* extraObjects from the values; strings in them are templates. */}}\n\
     {{- range .Values.extraObjects }}\n---\n{{ tpl (toYaml .) $ }}\n{{- end }}\n"
        .to_string()
}

/// The oldest Kubernetes minor version that serves each API version and kind the chart uses
/// (`*`: every kind of the group version). Older APIs and those of custom resources set no
/// floor.
const API_SINCE: &[(&str, &str, u32)] = &[
    ("apps/v1", "*", 9),
    ("rbac.authorization.k8s.io/v1", "*", 8),
    ("scheduling.k8s.io/v1", "*", 14),
    ("coordination.k8s.io/v1", "*", 14),
    ("apiextensions.k8s.io/v1", "*", 16),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", 30),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", 30),
    ("admissionregistration.k8s.io/v1", "*", 16),
    ("storage.k8s.io/v1", "CSIDriver", 18),
    ("storage.k8s.io/v1", "CSINode", 17),
    ("networking.k8s.io/v1", "Ingress", 19),
    ("networking.k8s.io/v1", "IngressClass", 19),
    ("certificates.k8s.io/v1", "*", 19),
    ("node.k8s.io/v1", "*", 20),
    ("policy/v1", "*", 21),
    ("batch/v1", "CronJob", 21),
    ("discovery.k8s.io/v1", "*", 21),
    ("autoscaling/v2", "*", 23),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "*", 26),
    ("flowcontrol.apiserver.k8s.io/v1", "*", 29),
    // Nothing newer than 1.32: `helm template` checks kubeVersion against its own default
    // (v1.32.0 for Helm 3.17) and would refuse a chart that asks for more.
];

/// The oldest minor version serving an API version and kind, if it is one of [`API_SINCE`].
fn since(api_version: &str, kind: &str) -> Option<u32> {
    API_SINCE.iter().find(|(a, k, _)| *a == api_version && (*k == kind || *k == "*")).map(|(_, _, m)| *m)
}

/// `kubeVersion` of Chart.yaml: at least the newest floor of the API versions in the chart's
/// templates and CRDs (each file's top-level `apiVersion` and `kind`), with the `-0` that lets
/// pre-release and vendor builds (`v1.29.3-eks-...`) match. None when no API sets a floor.
pub fn kube_version(files: &BTreeMap<String, String>) -> Option<String> {
    let mut floor = None;
    for (file, text) in files {
        if !(file.starts_with("templates/") || file.starts_with("crds/")) {
            continue;
        }
        let top = |key: &str| -> Vec<&str> {
            text.lines().filter_map(|l| l.strip_prefix(key)).map(|v| v.trim().trim_matches('"')).collect()
        };
        let (apis, kinds) = (top("apiVersion: "), top("kind: "));
        if let ([api], [kind]) = (&apis[..], &kinds[..]) {
            floor = floor.max(since(api, kind));
        }
    }
    floor.map(|m| format!("\">=1.{m}.0-0\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_version_is_the_newest_floor_with_a_prerelease_suffix() {
        let mut files = BTreeMap::new();
        files
            .insert("templates/pdb.yaml".to_string(), "apiVersion: policy/v1\nkind: PodDisruptionBudget\n".to_string());
        files.insert("templates/a.yaml".to_string(), "apiVersion: apps/v1\nkind: Deployment\n".to_string());
        assert_eq!(kube_version(&files).as_deref(), Some("\">=1.21.0-0\""));
        files.insert(
            "templates/hpa.yaml".to_string(),
            "{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
                .to_string(),
        );
        assert_eq!(kube_version(&files).as_deref(), Some("\">=1.23.0-0\""));
        // Files outside templates/ and crds/ say nothing.
        let only_values: BTreeMap<String, String> =
            [("values.yaml".to_string(), "apiVersion: autoscaling/v2\nkind: X\n".to_string())].into();
        assert_eq!(kube_version(&only_values), None);
    }

    #[test]
    fn ci_values_nest_every_knob_and_add_the_toggles_to_the_objects_file() {
        let mut k = Knobs::default();
        k.add(&path(&["service", "annotations"]), string_map("a", "b"));
        k.add(&path(&["replicaCount"]), Node::new(Value::Int(2)));
        k.toggle(&path(&["ingress", "enabled"]), Node::new(Value::Bool(true)));
        let files = k.ci_files();
        assert!(
            files[CI_KNOBS].ends_with("service:\n  annotations:\n    a: b\nreplicaCount: 2\n"),
            "{}",
            files[CI_KNOBS]
        );
        assert!(!files[CI_KNOBS].contains("ingress"));
        assert!(files[CI_OBJECTS].contains("ingress:\n  enabled: true\n"), "{}", files[CI_OBJECTS]);
    }
}
