//! `request-above-limit`

use crate::diag::Severity;

use super::common::{label, request_and_limit};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "request-above-limit",
    category: Category::Resources,
    severity: Severity::Error,
    summary: "A resource request is larger than its limit.",
    what: "A container requests more CPU or memory than its limit allows.",
    why: "The API server rejects such a pod (`must be less than or equal to ... limit`), so the Deployment never rolls out; with `helm upgrade --wait` the release times out.",
    fix: "Lower the request to at most the limit, or raise the limit.",
    example: super::example!("request-above-limit"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            for res in ["cpu", "memory"] {
                let Some(((req, r), (lim, l))) = request_and_limit(&c, res) else { continue };
                if r > l {
                    out.report(
                        cx,
                        w.index,
                        &req,
                        format!(
                            "{}: {res} request {} is above its limit {}",
                            label(&c),
                            crate::yaml::scalar_string(req.node).unwrap_or_default(),
                            crate::yaml::scalar_string(lim.node).unwrap_or_default()
                        ),
                        RULE.fix,
                    );
                }
            }
        }
    }
}
