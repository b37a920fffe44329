//! `pdb-both-min-and-max`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "pdb-both-min-and-max",
    category: Category::Disruption,
    severity: Severity::Error,
    summary: "A PodDisruptionBudget sets both minAvailable and maxUnavailable.",
    what: "A PodDisruptionBudget's spec has both `minAvailable` and `maxUnavailable`.",
    why: "The API server rejects it (\"minAvailable and maxUnavailable cannot be both set\"), so the whole `kubectl apply` or Helm release fails; schema-only validators do not catch it.",
    fix: "Keep only one of minAvailable and maxUnavailable (maxUnavailable keeps working when replicas change).",
    example: super::example!("pdb-both-min-and-max"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, pdb) in cx.of_kind("PodDisruptionBudget") {
        let spec = Field::root(&pdb.node).get("spec");
        let Some(spec) = spec else { continue };
        // A key written with no value is not set: Kubernetes reads it as absent.
        let set = |k: &str| spec.get(k).filter(|f| f.node.value != crate::yaml::Value::Null);
        if let (Some(_), Some(max)) = (set("minAvailable"), set("maxUnavailable")) {
            out.report(cx, i, &max, "both minAvailable and maxUnavailable are set".to_string(), RULE.fix);
        }
    }
}
