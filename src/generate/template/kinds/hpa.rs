//! HorizontalPodAutoscalers: enabled toggle, replica bounds and utilization targets.

use crate::yaml::{Node, Value};

use super::registry::{Descriptor, Owner, Slot};
use super::{Gen, rename_at};
use crate::generate::template::tpl::Tree;
use crate::generate::template::values::{Hint, join};

/// HorizontalPodAutoscalers: owned by (and autoscaling) the workload they target.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["HorizontalPodAutoscaler"],
    slot: Some(Slot {
        singular: "autoscaling",
        plural: "autoscalers",
        always_keyed: false,
        plural_description: "Horizontal pod autoscalers, by name.",
    }),
    owner: Owner::ScaleTarget,
    stem: Some("hpa"),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles an HPA.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    let node = o.node.clone();
    g.values.describe(&slot, "Horizontal pod autoscaling.");
    let enabled = g.values.set(
        &join(&slot, &["enabled"]),
        Node::new(Value::Bool(true)),
        "Create the HorizontalPodAutoscaler (the workload then renders no replicas).",
        Hint::Plain,
    );
    let st = t.get_mut("spec")?;
    rename_at(
        g,
        st,
        &["scaleTargetRef", "name"],
        node.str_at(&["spec", "scaleTargetRef", "kind"]).unwrap_or("Deployment"),
    );
    for (field, desc, hint) in [
        ("minReplicas", "Fewest pods the autoscaler keeps.", Hint::Positive),
        ("maxReplicas", "Most pods the autoscaler runs.", Hint::Positive),
        ("targetCPUUtilizationPercentage", "Target average CPU utilization (percent of requests).", Hint::Percent),
    ] {
        if let Some(v) = node.path(&["spec", field]) {
            let r = g.values.set(&join(&slot, &[field]), v.clone(), desc, hint);
            st.replace(field, Tree::Expr(format!("{{{{ {r} }}}}")));
        }
    }
    let metrics = node.path(&["spec", "metrics"]).and_then(Node::as_seq).cloned().unwrap_or_default();
    if let Some(items) = st.get_mut("metrics").and_then(Tree::items_mut) {
        for (mt, mn) in items.iter_mut().zip(&metrics) {
            if mn.str_at(&["type"]) != Some("Resource") {
                continue;
            }
            let resource = mn.str_at(&["resource", "name"]).unwrap_or_default();
            let key = match resource {
                "cpu" => "targetCPUUtilizationPercentage",
                "memory" => "targetMemoryUtilizationPercentage",
                _ => continue,
            };
            let Some(v) = mn.path(&["resource", "target", "averageUtilization"]) else { continue };
            let r = g.values.set(
                &join(&slot, &[key]),
                v.clone(),
                format!("Target average {resource} utilization (percent of requests)."),
                Hint::Percent,
            );
            if let Some(target) = mt.path_mut(&["resource", "target"]) {
                target.replace("averageUtilization", Tree::Expr(format!("{{{{ {r} }}}}")));
            }
        }
    }
    let has_min = g.values.has(&join(&slot, &["minReplicas"]));
    g.guards.push(crate::guard::Guard::HpaBounds { slot, has_min });
    Some(enabled)
}
