//! `hpa-with-fixed-replicas`

use crate::diag::Severity;

use super::common::hpa_for;
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "hpa-with-fixed-replicas",
    category: Category::Autoscaling,
    severity: Severity::Warning,
    summary: "A workload scaled by an HPA also sets spec.replicas.",
    what: "A HorizontalPodAutoscaler in the input targets a workload whose manifest sets `spec.replicas`.",
    why: "Every `kubectl apply`, `helm upgrade` or GitOps sync resets the replica count to the manifest's value, undoing the HPA: a scaled-out Deployment drops back to the fixed count under load, and Argo CD or Flux keep reporting drift.",
    fix: "Remove spec.replicas from the workload and let the HPA's minReplicas set the floor.",
    example: super::example!("hpa-with-fixed-replicas"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, o) in cx.objects.iter().enumerate() {
        let Some(replicas) = Field::root(&o.node).path(&["spec", "replicas"]) else { continue };
        if crate::kube::WorkloadKind::of(&o.kind).is_none_or(|k| !k.has_replicas()) {
            continue;
        }
        if let Some((_, hpa)) = hpa_for(cx, i) {
            out.report(cx, i, &replicas, format!("sets replicas although {} scales it", hpa.display_name()), RULE.fix);
        }
    }
}
