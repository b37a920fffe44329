//! Deployments, StatefulSets, DaemonSets, Jobs, CronJobs (and the legacy ReplicaSet and
//! ReplicationController): replicas, schedules, volume claim templates, and the pod template.

use crate::kube::WorkloadKind;
use crate::yaml::{Node, Value};

use super::registry::{Descriptor, Owner};
use super::{Gen, pod, pvc, rename_at};
use crate::generate::analyze::names::{key_for, values_ref};
use crate::generate::template::tpl::{Entry, Tree};
use crate::generate::template::values::{Hint, join};

/// Pod-running workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet,
/// ReplicationController): each gets its own values key in a chart of several.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: crate::kube::WORKLOAD_KINDS,
    apply: Some(|g, i, t| {
        apply(g, i, t);
        None
    }),
    ..Descriptor::PLAIN
};

/// Bare Pods.
pub static POD: Descriptor = Descriptor {
    kinds: &["Pod"],
    apply: Some(|g, i, t| {
        apply_pod(g, i, t);
        None
    }),
    ..Descriptor::PLAIN
};

/// Handles a workload object.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) {
    let o = &g.ctx.objects[i];
    let Some(wk) = WorkloadKind::of(&o.kind) else { return };
    let prefix = g.ctx.plans[i].slot.clone();
    if !prefix.is_empty() {
        g.values.describe(&prefix, format!("The {} `{}`.", o.kind, o.name.as_deref().unwrap_or("")));
    }
    let node = o.node.clone();
    if wk.has_replicas() {
        // Scaled by an HPA of the input and no replicas written: the count it starts from,
        // so switching autoscaling off keeps a sane number of pods.
        let from_hpa = || {
            let hpa = g
                .ctx
                .objects
                .iter()
                .enumerate()
                .find(|(j, h)| autoscales(&h.kind) && g.ctx.plans[*j].owner == Some(i))?;
            Some(hpa.1.node.path(&["spec", "minReplicas"]).cloned().unwrap_or_else(|| Node::new(Value::Int(1))))
        };
        // `replicas:` with no value is Kubernetes' default, like no key at all.
        let written = node.path(&["spec", "replicas"]).filter(|r| r.value != Value::Null);
        let replicas = written.cloned().or_else(from_hpa);
        let example = replicas.as_ref().and_then(Node::as_i64).unwrap_or(1) + 1;
        g.knobs.add(&join(&prefix, &["replicaCount"]), Node::new(Value::Int(example)));
        if written.is_none() {
            // A `replicas:` without a value goes: the field below renders it when it is set.
            if let Some(entries) = t.get_mut("spec").and_then(Tree::entries_mut) {
                entries.retain(|e| !matches!(e, Entry::Pair(k, _) if k == "replicas"));
            }
        }
        if replicas.is_none() {
            // Left to Kubernetes' default of 1: rendered only when it differs, so the default
            // render is still the input.
            let r = g.values.set(
                &join(&prefix, &["replicaCount"]),
                Node::new(Value::Int(1)),
                "Number of pods (1, the Kubernetes default, renders no replicas field).",
                Hint::Count,
            );
            let differs = format!("ne (int {r}) 1");
            let cond = match g.ctx.autoscaled.get(&i) {
                Some(enabled) => format!("and (not {}) ({differs})", values_ref(enabled)),
                None => differs,
            };
            if let Some(spec) = t.get_mut("spec") {
                spec.push_front(Entry::If(
                    cond,
                    vec![Entry::Pair("replicas".into(), Tree::Expr(format!("{{{{ {r} }}}}")))],
                ));
            }
        }
        if let Some(rep) = &replicas {
            let desc = if g.ctx.autoscaled.contains_key(&i) {
                "Number of pods; ignored while autoscaling is enabled."
            } else {
                "Number of pods."
            };
            let r = g.values.set(&join(&prefix, &["replicaCount"]), rep.clone(), desc, Hint::Count);
            if let Some(spec) = t.get_mut("spec") {
                let expr = Tree::Expr(format!("{{{{ {r} }}}}"));
                match g.ctx.autoscaled.get(&i) {
                    Some(enabled) if node.path(&["spec", "replicas"]).is_none() => {
                        spec.push_front(Entry::If(
                            format!("not {}", values_ref(enabled)),
                            vec![Entry::Pair("replicas".into(), expr)],
                        ));
                    }
                    Some(enabled) => {
                        spec.replace("replicas", expr);
                        spec.wrap_if("replicas", &format!("not {}", values_ref(enabled)));
                    }
                    None => {
                        spec.replace("replicas", expr);
                    }
                }
            }
        }
    }
    if wk == WorkloadKind::CronJob {
        if let Some(s) = node.path(&["spec", "schedule"]) {
            let r = g.values.set(&join(&prefix, &["schedule"]), s.clone(), "Cron schedule of the job.", Hint::Cron);
            if let Some(spec) = t.get_mut("spec") {
                spec.replace("schedule", Tree::Expr(format!("{{{{ {r} | quote }}}}")));
            }
        }
        if let Some(s) = node.path(&["spec", "suspend"]) {
            let r = g.values.set(&join(&prefix, &["suspend"]), s.clone(), "Suspend new runs of the job.", Hint::Plain);
            if let Some(spec) = t.get_mut("spec") {
                spec.replace("suspend", Tree::Expr(format!("{{{{ {r} }}}}")));
            }
        }
    }
    if wk == WorkloadKind::StatefulSet {
        if let Some(spec) = t.get_mut("spec") {
            rename_at(g, spec, &["serviceName"], "Service");
        }
        volume_claim_templates(g, &prefix, t, &node);
    }
    if let Some(spec) = t.get_mut("spec") {
        match wk {
            WorkloadKind::Deployment
            | WorkloadKind::StatefulSet
            | WorkloadKind::DaemonSet
            | WorkloadKind::ReplicaSet => {
                super::scope_to_release(g, spec.path_mut(&["selector", "matchLabels"]), true);
            }
            WorkloadKind::ReplicationController => super::scope_to_release(g, spec.get_mut("selector"), true),
            // Jobs select their pods by a generated controller-uid.
            WorkloadKind::Job | WorkloadKind::CronJob => {}
        }
    }
    update_strategy(g, &prefix, t, &node, wk);
    let checksums = checksums(g, i);
    let tpl_path = wk.pod_template_path();
    let tpl_node = node.path(tpl_path).cloned().unwrap_or_else(Node::map);
    if let Some(tt) = t.path_mut(tpl_path) {
        pod::pod_template(g, &prefix, tt, &tpl_node, &checksums);
    }
}

/// `updateStrategy`: a Deployment's `strategy`, a StatefulSet's or DaemonSet's `updateStrategy`.
fn update_strategy(g: &mut Gen<'_>, prefix: &[String], t: &mut Tree, node: &Node, wk: WorkloadKind) {
    let (key, example) = match wk {
        WorkloadKind::Deployment => ("strategy", "Recreate"),
        WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => ("updateStrategy", "OnDelete"),
        _ => return,
    };
    let spec_node = node.get("spec").cloned().unwrap_or_else(Node::map);
    let Some(spec) = t.get_mut("spec") else { return };
    pod::optional_field(
        g,
        prefix,
        spec,
        &spec_node,
        pod::Field {
            key,
            values_key: "updateStrategy",
            desc: &format!("How pods are replaced on an update (the {}'s `{key}`).", wk_name(wk)),
            hint: Hint::OpenMap,
            default: Node::map(),
            example: Node::map_of(vec![("type", Node::str(example))]),
            block: true,
        },
    );
}

/// True for kinds whose objects autoscale the workload they belong to.
fn autoscales(kind: &str) -> bool {
    super::registry::of(kind).is_some_and(|d| d.owner == Owner::ScaleTarget)
}

fn wk_name(wk: WorkloadKind) -> &'static str {
    match wk {
        WorkloadKind::Deployment => "Deployment",
        WorkloadKind::StatefulSet => "StatefulSet",
        _ => "DaemonSet",
    }
}

/// Handles a bare Pod.
pub fn apply_pod(g: &mut Gen<'_>, i: usize, t: &mut Tree) {
    let o = &g.ctx.objects[i];
    // Keyed by the name without an environment's prefix or suffix: one key in every environment.
    let name = crate::generate::analyze::context::canonical_name(g.ctx, "Pod", o.name.as_deref().unwrap_or("pod"));
    let prefix = vec![key_for(&name, &g.ctx.chart)];
    g.values.describe(&prefix, format!("The Pod `{}`.", o.name.as_deref().unwrap_or("")));
    let node = o.node.clone();
    let checksums = checksums(g, i);
    pod::pod_template(g, &prefix, t, &node, &checksums);
    // The Pod's podAnnotations block becomes one map with commonAnnotations (metadata.rs).
    if let Some(Tree::Map(m)) = t.get_mut("metadata") {
        let before = m.len();
        m.retain(|e| !matches!(e, Entry::Lines(l) if l.iter().any(|l| l.starts_with("annotations:"))));
        if m.len() != before {
            g.extra_metadata.push(("annotations".into(), values_ref(&join(&prefix, &["podAnnotations"]))));
        }
    }
}

fn volume_claim_templates(g: &mut Gen<'_>, prefix: &[String], t: &mut Tree, node: &Node) {
    let Some(vcts) = node.path(&["spec", "volumeClaimTemplates"]).and_then(Node::as_seq) else { return };
    let Some(items) = t.path_mut(&["spec", "volumeClaimTemplates"]).and_then(Tree::items_mut) else { return };
    for (vt, vn) in items.iter_mut().zip(vcts) {
        let name = vn.str_at(&["metadata", "name"]).unwrap_or("data");
        let slot = join(prefix, &["persistence", &key_for(name, &g.ctx.chart)]);
        g.values.describe(&slot, format!("Volume claim template `{name}`."));
        let spec_node = vn.get("spec").cloned().unwrap_or_else(Node::map);
        if let Some(st) = vt.get_mut("spec") {
            pvc::claim_spec(g, &slot, st, &spec_node);
        }
    }
}

/// `checksum/<file>` annotations for every chart ConfigMap and Secret the pod template uses.
fn checksums(g: &Gen<'_>, i: usize) -> Vec<(String, String)> {
    let o = &g.ctx.objects[i];
    let Some(pod) = crate::kube::pod_template(&o.node, &o.kind) else { return Vec::new() };
    let mut refs: Vec<(&str, String)> = Vec::new();
    let spec = pod.get("spec");
    for v in spec.and_then(|s| s.get("volumes")).and_then(Node::as_seq).into_iter().flatten() {
        if let Some(n) = v.str_at(&["configMap", "name"]) {
            refs.push(("ConfigMap", n.into()));
        }
        if let Some(n) = v.str_at(&["secret", "secretName"]) {
            refs.push(("Secret", n.into()));
        }
        for s in v.path(&["projected", "sources"]).and_then(Node::as_seq).into_iter().flatten() {
            if let Some(n) = s.str_at(&["configMap", "name"]) {
                refs.push(("ConfigMap", n.into()));
            }
            if let Some(n) = s.str_at(&["secret", "name"]) {
                refs.push(("Secret", n.into()));
            }
        }
    }
    for list in ["initContainers", "containers"] {
        for c in spec.and_then(|s| s.get(list)).and_then(Node::as_seq).into_iter().flatten() {
            for e in c.get("env").and_then(Node::as_seq).into_iter().flatten() {
                if let Some(n) = e.str_at(&["valueFrom", "configMapKeyRef", "name"]) {
                    refs.push(("ConfigMap", n.into()));
                }
                if let Some(n) = e.str_at(&["valueFrom", "secretKeyRef", "name"]) {
                    refs.push(("Secret", n.into()));
                }
            }
            for e in c.get("envFrom").and_then(Node::as_seq).into_iter().flatten() {
                if let Some(n) = e.str_at(&["configMapRef", "name"]) {
                    refs.push(("ConfigMap", n.into()));
                }
                if let Some(n) = e.str_at(&["secretRef", "name"]) {
                    refs.push(("Secret", n.into()));
                }
            }
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (kind, name) in refs {
        let found =
            g.ctx.objects.iter().enumerate().find(|(_, x)| x.kind == kind && x.name.as_deref() == Some(name.as_str()));
        let Some((j, _)) = found else { continue };
        let Some(file) = g.ctx.plans[j].file.as_deref().and_then(|f| f.strip_prefix("templates/")) else { continue };
        let stem = file.trim_end_matches(".yaml");
        let key: String = format!("checksum/{stem}").chars().take(63 + "checksum/".len()).collect();
        if !out.iter().any(|(k, _)| *k == key) {
            out.push((key, file.to_string()));
        }
    }
    out
}
