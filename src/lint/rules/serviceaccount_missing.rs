//! `serviceaccount-missing`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "serviceaccount-missing",
    category: Category::Wiring,
    severity: Severity::Warning,
    summary: "A pod runs as a ServiceAccount that is not in the input.",
    what: "A pod spec's `serviceAccountName` (or the deprecated `serviceAccount`) names a ServiceAccount other than `default` that no object in the input (same namespace) creates.",
    why: "The API server refuses to create a pod whose ServiceAccount does not exist, so the ReplicaSet, StatefulSet or Job retries forever with `FailedCreate` events and the rollout never starts. The account may be created elsewhere (another release, the namespace's setup), hence a warning; a renamed or mistyped account fails every pod.",
    fix: "Create the ServiceAccount in the same release, or fix serviceAccountName to name one that exists.",
    example: super::example!("serviceaccount-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(spec) = &w.spec else { continue };
        let Some(field) = spec.get("serviceAccountName").or_else(|| spec.get("serviceAccount")) else { continue };
        let Some(name) = field.str().filter(|n| !n.is_empty() && *n != "default") else { continue };
        if cx.find(cx.object(w.index), "ServiceAccount", name).is_none() {
            out.report(cx, w.index, &field, format!("ServiceAccount {name} is not in the input"), RULE.fix);
        }
    }
}
