//! The knobs maintainers add to charts by hand, offered by every generated chart (issue 17):
//! chart-wide ones (common labels and annotations, a registry mirror, a namespace override,
//! extra objects, `kubeVersion`), and the registry of every knob with a value that shows its
//! effect, from which the `ci/` values files are written.
//!
//! Every knob defaults to "no change": the default render is still the input.

use std::collections::BTreeMap;

use crate::yaml::{Node, emit_document};

use super::values::{Hint, Values};

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
        super::values::set_path(&mut root, path, v.clone());
    }
    root
}

pub(super) fn path(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| (*k).to_string()).collect()
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
    knobs.add(&path(&["commonLabels"]), Node::string_map(EXAMPLE_KEY, "common"));
    values.set(&path(&["commonAnnotations"]), Node::map(), "Annotations added to every object.", Hint::StringMap);
    knobs.add(&path(&["commonAnnotations"]), Node::string_map(EXAMPLE_KEY, "common"));
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
        Node::seq(Vec::new()),
        "Extra Kubernetes objects rendered with the chart; strings in them are templates (`tpl`).",
        Hint::ObjectList,
    );
    let example = Node::map_of(vec![
        ("apiVersion", Node::str("v1")),
        ("kind", Node::str("ConfigMap")),
        (
            "metadata",
            Node::map_of(vec![(
                "name",
                Node::str(format!("{{{{ include \"{chart}.fullname\" . }}}}-{EXAMPLE_EXTRA_OBJECT}")),
            )]),
        ),
        ("data", Node::string_map("release", "{{ .Release.Name }}")),
    ]);
    knobs.add(&path(&["extraObjects"]), Node::seq(vec![example]));
}

/// A values slot as a file-name stem: `backend.service` → `backend-service`.
pub fn slot_stem(slot: &[String]) -> String {
    slot.iter().flat_map(|k| crate::generate::analyze::names::tokens(k)).collect::<Vec<_>>().join("-")
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
            floor = floor.max(crate::kube::served_since(api, kind));
        }
    }
    floor.map(|m| format!("\">=1.{m}.0-0\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Value;

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
        k.add(&path(&["service", "annotations"]), Node::string_map("a", "b"));
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
