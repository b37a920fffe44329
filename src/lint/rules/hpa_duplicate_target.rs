//! `hpa-duplicate-target`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "hpa-duplicate-target",
    category: Category::Autoscaling,
    severity: Severity::Error,
    summary: "Two HorizontalPodAutoscalers scale the same workload.",
    what: "Two or more HorizontalPodAutoscalers in one namespace have the same `scaleTargetRef` kind and name. HPAs that are themselves duplicates of one object (same name) are `duplicate-object`'s.",
    why: "The HPA controller refuses to act on a workload that several HPAs select (condition `AmbiguousSelector`), so none of them scales it any more: the workload stays at whatever replica count it had when the second HPA appeared.",
    fix: "Keep one HorizontalPodAutoscaler per workload and merge the metrics into it.",
    example: super::example!("hpa-duplicate-target"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    let hpas: Vec<(usize, &crate::manifest::Object, Field<'_>, &str, &str)> = cx
        .of_kind("HorizontalPodAutoscaler")
        .filter_map(|(i, h)| {
            let name = Field::root(&h.node).path(&["spec", "scaleTargetRef", "name"])?;
            let kind = h.node.str_at(&["spec", "scaleTargetRef", "kind"])?;
            let target = name.str()?;
            Some((i, h, name, kind, target))
        })
        .collect();
    for (i, h, field, kind, target) in &hpas {
        let others: Vec<String> = hpas
            .iter()
            .filter(|(j, o, _, k, t)| {
                j != i && k == kind && t == target && o.name != h.name && Ctx::same_namespace(h, o)
            })
            .map(|(_, o, _, _, _)| o.display_name())
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .collect();
        if !others.is_empty() {
            out.report(cx, *i, field, format!("{kind}/{target} is also scaled by {}", others.join(", ")), RULE.fix);
        }
    }
}
