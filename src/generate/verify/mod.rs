//! Round-trip check: does a chart rendered with its default values reproduce the input
//! objects? Used by the conformance tests and `chartwright generate --verify`.
//!
//! Allowed differences, and only these: the standard labels the chart adds (on objects and
//! pod templates), `checksum/*` pod annotations, the release namespace, `replicas` of a
//! workload whose HorizontalPodAutoscaler is enabled, the name given to an object that
//! only had `generateName` (Helm cannot track it otherwise), the `helm.sh/resource-policy: keep`
//! of CRDs rendered as templates, and `helm test` pods (hooks that
//! `helm install` does not create).

pub mod helm;
pub mod sidebyside;

use crate::kube::WorkloadKind;
use crate::manifest::Object;
use crate::yaml::{Node, Value};

use crate::generate::template::kinds::registry;

const STANDARD_LABELS: &[&str] = &[
    "helm.sh/chart",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
];

/// One difference between the input and the rendered chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// `Kind/name`.
    pub object: String,
    /// What differs.
    pub detail: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.object, self.detail)
    }
}

fn key(o: &Object) -> (String, String, String) {
    // Objects with generateName are matched by it: the chart gives them a name.
    let generated = o.node.str_at(&["metadata", "generateName"]).map(|g| format!("{g}*"));
    let name = generated.or_else(|| o.name.clone()).unwrap_or_default();
    (o.group().to_string(), o.kind.clone(), name)
}

/// Compares input objects with rendered ones; `namespace` is the release namespace, which
/// stands for the input's main namespace.
///
/// With `ignore_secret_values` (charts generated with `--secrets placeholder`, whose defaults
/// are empty on purpose) Secret `data` and `stringData` values are not compared.
pub fn compare(
    input: &[Object],
    rendered: &[Object],
    main_namespace: Option<&str>,
    namespace: &str,
    ignore_secret_values: bool,
) -> Vec<Mismatch> {
    let hpa_targets: Vec<(String, String)> = input
        .iter()
        .filter(|o| registry::of(&o.kind).is_some_and(|d| d.owner == registry::Owner::ScaleTarget))
        .filter_map(|o| {
            let target = o.node.path(&["spec", "scaleTargetRef"])?;
            Some((target.str_at(&["kind"])?.to_string(), target.str_at(&["name"])?.to_string()))
        })
        .collect();
    let allowed = Allowed { hpa_targets, main_namespace, namespace, ignore_secret_values };
    let mut out = Vec::new();
    let mut used = vec![false; rendered.len()];
    for inp in input.iter().filter(|o| crate::generate::analyze::context::place(&o.kind) != registry::Place::LeftOut) {
        let k = key(inp);
        // Objects with only generateName share a key; take the first candidate that matches.
        let candidates: Vec<usize> = (0..rendered.len()).filter(|&j| !used[j] && key(&rendered[j]) == k).collect();
        if candidates.is_empty() {
            out.push(Mismatch { object: inp.display_name(), detail: "missing from the rendered chart".into() });
            continue;
        }
        let diffs: Vec<Option<String>> = candidates.iter().map(|&j| allowed.difference(inp, &rendered[j])).collect();
        let pick = diffs.iter().position(Option::is_none).unwrap_or(0);
        used[candidates[pick]] = true;
        if let Some(d) = &diffs[pick] {
            out.push(Mismatch { object: inp.display_name(), detail: d.clone() });
        }
    }
    for (j, r) in rendered.iter().enumerate() {
        if !used[j] && !is_test_hook(r) {
            out.push(Mismatch { object: r.display_name(), detail: "rendered but not in the input".into() });
        }
    }
    out
}

/// A `helm test` pod: `helm install` does not create it, so it is no difference.
fn is_test_hook(o: &Object) -> bool {
    o.node
        .path(&["metadata", "annotations", "helm.sh/hook"])
        .and_then(Node::as_str)
        .is_some_and(|h| h.split(',').any(|h| matches!(h.trim(), "test" | "test-success")))
}

struct Allowed<'a> {
    hpa_targets: Vec<(String, String)>,
    main_namespace: Option<&'a str>,
    namespace: &'a str,
    ignore_secret_values: bool,
}

impl Allowed<'_> {
    /// The first difference between an input object and a rendered one, after the allowed changes.
    fn difference(&self, inp: &Object, r: &Object) -> Option<String> {
        // The chart takes keys written with no value as absent, as Kubernetes does.
        let mut taken = inp.clone();
        if registry::of(&inp.kind).is_some() {
            crate::generate::drop_nulls(&mut taken.node);
        }
        let inp = &taken;
        let mut want = inp.node.clone();
        let mut got = r.node.clone();
        for n in [&mut want, &mut got] {
            let ns = n.str_at(&["metadata", "namespace"]).map(str::to_string);
            if ns.as_deref() == Some(self.namespace) || (ns.is_some() && ns.as_deref() == self.main_namespace) {
                if let Some(m) = n.get_mut("metadata") {
                    m.remove("namespace");
                }
            }
        }
        strip_added(&mut got, inp.node.get("metadata"), "metadata");
        if crate::generate::analyze::context::place(&inp.kind) == registry::Place::Crds {
            strip_keep(&mut got, inp.node.get("metadata"));
        }
        if inp.name.is_none() {
            if let Some(m) = got.get_mut("metadata") {
                m.remove("name");
            }
        }
        if self.ignore_secret_values && inp.kind == "Secret" {
            for n in [&mut want, &mut got] {
                for field in ["data", "stringData"] {
                    if let Some(m) = n.get_mut(field).and_then(Node::as_map_mut) {
                        for (_, v) in m.iter_mut() {
                            *v = Node::str("");
                        }
                    }
                }
            }
        }
        if let Some(wk) = WorkloadKind::of(&inp.kind) {
            let path = wk.pod_template_path();
            let own = inp.node.path(path).and_then(|p| p.get("metadata")).cloned();
            if let Some(tpl) = path_mut(&mut got, path) {
                strip_pod_metadata(tpl, own.as_ref());
            }
            let name = inp.name.clone().unwrap_or_default();
            let autoscaled = self.hpa_targets.iter().any(|(k, n)| *k == inp.kind && *n == name);
            if autoscaled && got.path(&["spec", "replicas"]).is_none() {
                if let Some(spec) = want.get_mut("spec") {
                    spec.remove("replicas");
                }
            }
        }
        if inp.kind == "Pod" {
            strip_pod_metadata(&mut got, inp.node.get("metadata"));
        }
        first_difference(&want, &got, String::new())
    }
}

/// The `helm.sh/resource-policy: keep` a chart adds to the CRDs it renders as templates, and
/// the annotation map it leaves empty.
fn strip_keep(got: &mut Node, own_meta: Option<&Node>) {
    let had = |k: &str| own_meta.and_then(|m| m.get("annotations")).and_then(|a| a.get(k)).is_some();
    if had("helm.sh/resource-policy") {
        return;
    }
    if let Some(a) = got.get_mut("metadata").and_then(|m| m.get_mut("annotations")).and_then(Node::as_map_mut) {
        a.retain(|(k, _)| k.as_str() != Some("helm.sh/resource-policy"));
    }
    drop_if_empty(got, own_meta, "annotations");
}

/// Standard labels and checksum annotations of a pod template (or Pod), and the maps they
/// leave empty.
fn strip_pod_metadata(tpl: &mut Node, own: Option<&Node>) {
    strip_added(tpl, own, "metadata");
    if let Some(ann) = tpl.get_mut("metadata").and_then(|m| m.get_mut("annotations")) {
        if let Some(m) = ann.as_map_mut() {
            m.retain(|(k, _)| !k.as_str().is_some_and(|k| k.starts_with("checksum/")));
        }
    }
    drop_if_empty(tpl, own, "annotations");
    if own.is_none() && tpl.get("metadata").is_some_and(Node::is_empty_value) {
        tpl.remove("metadata");
    }
}

fn path_mut<'a>(n: &'a mut Node, keys: &[&str]) -> Option<&'a mut Node> {
    keys.iter().try_fold(n, |n, k| n.get_mut(k))
}

/// Removes standard labels the input object did not have, and an emptied label map.
fn strip_added(owner: &mut Node, own_meta: Option<&Node>, meta_key: &str) {
    let own_labels = own_meta.and_then(|m| m.get("labels"));
    let Some(meta) = owner.get_mut(meta_key) else { return };
    if let Some(labels) = meta.get_mut("labels").and_then(Node::as_map_mut) {
        labels.retain(|(k, _)| {
            let k = k.as_str().unwrap_or_default();
            !STANDARD_LABELS.contains(&k) || own_labels.is_some_and(|o| o.get(k).is_some())
        });
    }
    if own_labels.is_none() && meta.get("labels").is_some_and(Node::is_empty_value) {
        meta.remove("labels");
    }
}

fn drop_if_empty(tpl: &mut Node, own_meta: Option<&Node>, key: &str) {
    let had = own_meta.and_then(|m| m.get(key)).is_some();
    if let Some(meta) = tpl.get_mut("metadata") {
        if !had && meta.get(key).is_some_and(Node::is_empty_value) {
            meta.remove(key);
        }
    }
}

fn first_difference(want: &Node, got: &Node, path: String) -> Option<String> {
    match (&want.value, &got.value) {
        (Value::Map(a), Value::Map(b)) => {
            for (k, v) in a {
                let key = k.as_str().unwrap_or_default();
                let p = format!("{path}/{key}");
                match got.get(key) {
                    Some(gv) => {
                        if let Some(d) = first_difference(v, gv, p) {
                            return Some(d);
                        }
                    }
                    // A key written with no value is one Kubernetes never sees.
                    None if v.value == Value::Null => {}
                    None => return Some(format!("{p} is missing")),
                }
            }
            b.iter()
                .find(|(k, _)| want.get(k.as_str().unwrap_or_default()).is_none())
                .map(|(k, v)| format!("{path}/{} was added: {}", k.as_str().unwrap_or_default(), v.to_json()))
        }
        (Value::Seq(a), Value::Seq(b)) => {
            if a.len() != b.len() {
                return Some(format!("{path} has {} items, want {}", b.len(), a.len()));
            }
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, format!("{path}/{i}")))
        }
        _ if want == got => None,
        _ => Some(format!("{path} is {}, want {}", got.to_json(), want.to_json())),
    }
}
