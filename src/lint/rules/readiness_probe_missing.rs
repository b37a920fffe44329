//! `readiness-probe-missing`

use crate::diag::Severity;
use crate::kube::WorkloadKind;
use crate::yaml::Node;

use super::common::{label, port_matches};
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::{Container, Workload};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "readiness-probe-missing",
    category: Category::Probes,
    severity: Severity::Warning,
    summary: "A container behind a Service has no readiness probe.",
    what: "A Service in the input selects a long-running workload (not a Job or CronJob), and the container serving it has neither a readinessProbe nor a livenessProbe (a liveness probe without a readiness probe is `liveness-without-readiness`). The serving container is the one declaring the Service's targetPort; when no container declares it, only a single-container pod is checked. Services with `publishNotReadyAddresses: true` are skipped.",
    why: "Without a readiness probe a pod is added to the Service's endpoints as soon as its process starts, before it can answer: every rollout and every restart sends requests into connection errors until the application is up.",
    fix: "Add a readinessProbe that succeeds only once the container can serve requests.",
    example: super::example!("readiness-probe-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    let mut reported: std::collections::HashSet<(usize, String)> = std::collections::HashSet::new();
    for (_, svc) in cx.of_kind("Service") {
        let Some(selector) = svc.node.path(&["spec", "selector"]).filter(|s| !s.is_empty_value()) else { continue };
        if svc.node.path(&["spec", "publishNotReadyAddresses"]).and_then(Node::as_bool) == Some(true) {
            continue;
        }
        let targets: Vec<&Node> = svc
            .node
            .path(&["spec", "ports"])
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("targetPort").or_else(|| p.get("port")))
            .collect();
        for w in cx.workloads_selected(svc, selector) {
            if matches!(w.kind, Some(WorkloadKind::Job | WorkloadKind::CronJob)) {
                continue;
            }
            for c in serving(w, &targets) {
                if c.field.get("readinessProbe").is_some() || c.field.get("livenessProbe").is_some() {
                    continue;
                }
                if !reported.insert((w.index, c.name.clone())) {
                    continue;
                }
                let at = c.field.get("name").unwrap_or_else(|| c.field.clone());
                out.report(
                    cx,
                    w.index,
                    &at,
                    format!(
                        "{} receives Service {} traffic and has no readinessProbe",
                        label(&c),
                        svc.name.as_deref().unwrap_or("")
                    ),
                    RULE.fix,
                );
            }
        }
    }
}

/// The regular containers that declare one of the Service's target ports; with none, the only
/// container of a single-container pod.
fn serving<'a>(w: &Workload<'a>, targets: &[&Node]) -> Vec<Container<'a>> {
    let regular: Vec<Container<'a>> = w.containers().into_iter().filter(|c| !c.init).collect();
    let declares = |c: &Container<'_>| {
        c.field
            .node
            .get("ports")
            .and_then(Node::as_seq)
            .is_some_and(|ports| ports.iter().any(|p| targets.iter().any(|t| port_matches(p, t))))
    };
    let serving: Vec<Container<'a>> = regular.iter().filter(|c| declares(c)).cloned().collect();
    if serving.is_empty() && regular.len() == 1 { regular } else { serving }
}
