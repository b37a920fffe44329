//! `memory-limit-far-above-request`

use crate::diag::Severity;

use super::common::{label, request_and_limit};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "memory-limit-far-above-request",
    category: Category::Resources,
    severity: Severity::Warning,
    summary: "The memory limit is far above the memory request.",
    what: "A container's memory limit is more than `memoryLimitRatio` times its request (default 2; set `lint.memoryLimitRatio` in .chartwright.yaml).",
    why: "Pods are scheduled by their request but may grow to their limit. When several pods on a node grow at once the node runs out of memory and the kubelet evicts or the kernel OOM-kills pods that stayed within their limits; the limit was never measured, only hoped for.",
    fix: "Measure the container's peak memory and set the request close to it (within the configured ratio of the limit).",
    example: super::example!("memory-limit-far-above-request"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    let ratio = cx.cfg.memory_limit_ratio;
    for w in &cx.workloads {
        for c in w.containers() {
            let Some(((req, r), (lim, l))) = request_and_limit(&c, "memory") else { continue };
            if r > 0.0 && l > r * ratio {
                out.report(
                    cx,
                    w.index,
                    &lim,
                    format!(
                        "{}: memory limit {} is {:.1}× the request {} (more than {ratio}×)",
                        label(&c),
                        crate::yaml::scalar_string(lim.node).unwrap_or_default(),
                        l / r,
                        crate::yaml::scalar_string(req.node).unwrap_or_default()
                    ),
                    RULE.fix,
                );
            }
        }
    }
}
