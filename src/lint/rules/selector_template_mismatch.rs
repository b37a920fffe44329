//! `selector-template-mismatch`

use crate::diag::Severity;
use crate::kube::{self, WorkloadKind};
use crate::yaml::Node;

use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "selector-template-mismatch",
    category: Category::Wiring,
    severity: Severity::Error,
    summary: "A workload's selector does not select its own pod template.",
    what: "The `spec.selector` of a Deployment, StatefulSet, DaemonSet, ReplicaSet or ReplicationController (or of a Job with `manualSelector: true`) does not match the labels of its own pod template.",
    why: "The API server rejects the object (`selector does not match template labels`), so the whole release fails to apply; when the labels are a near miss of each other, the Services and PodDisruptionBudgets written against one of them select nothing either.",
    fix: "Make spec.selector match the pod template's labels (the selector of an existing workload cannot change, so change the template labels).",
    example: super::example!("selector-template-mismatch"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(kind) = w.kind else { continue };
        let obj = cx.object(w.index);
        let manual = obj.node.path(&["spec", "manualSelector"]).and_then(Node::as_bool) == Some(true);
        match kind {
            WorkloadKind::CronJob => continue,
            WorkloadKind::Job if !manual => continue,
            _ => {}
        }
        let Some(selector) = crate::lint::context::Field::root(&obj.node).path(&["spec", "selector"]) else {
            continue;
        };
        // A selector that is not a mapping is someone else's problem (the schema); an empty one
        // the API rejects separately.
        if selector.node.as_map().is_none_or(Vec::is_empty) {
            continue;
        }
        if !kube::selector_matches(selector.node, &w.labels) {
            out.report(
                cx,
                w.index,
                &selector,
                "spec.selector does not match the pod template's labels".into(),
                RULE.fix,
            );
        }
    }
}
