//! `rolling-update-cannot-progress`

use crate::diag::Severity;

use super::common::is_zero;
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "rolling-update-cannot-progress",
    category: Category::Disruption,
    severity: Severity::Error,
    summary: "A rolling update may neither add nor remove a pod (maxSurge 0 and maxUnavailable 0).",
    what: "A Deployment or DaemonSet rolling update has `maxSurge` and `maxUnavailable` both zero (DaemonSets default maxSurge to 0).",
    why: "The API server rejects it (\"may not be 0 when maxSurge is 0\"): the rollout can neither start a new pod nor stop an old one. Schema-only validators accept it.",
    fix: "Set maxSurge: 1 (or maxUnavailable: 1) so the rollout can make progress.",
    example: super::example!("rolling-update-cannot-progress"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, o) in cx.objects.iter().enumerate() {
        let (strategy, surge_default_zero) = match o.kind.as_str() {
            "Deployment" => ("strategy", false),
            "DaemonSet" => ("updateStrategy", true),
            _ => continue,
        };
        let Some(ru) = Field::root(&o.node).path(&["spec", strategy, "rollingUpdate"]) else { continue };
        let Some(unavailable) = ru.get("maxUnavailable").filter(|f| is_zero(f.node)) else { continue };
        let surge_zero = match ru.get("maxSurge") {
            Some(s) => is_zero(s.node),
            None => surge_default_zero,
        };
        if surge_zero {
            out.report(cx, i, &unavailable, "maxUnavailable and maxSurge are both 0".into(), RULE.fix);
        }
    }
}
