//! `host-port`

use crate::diag::Severity;

use super::common::{expected_replicas, label, replicas_phrase};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "host-port",
    category: Category::Disruption,
    severity: Severity::Warning,
    summary: "A workload with several replicas binds a hostPort.",
    what: "A container of a Deployment, StatefulSet, ReplicaSet or ReplicationController that runs more than one replica sets `hostPort` on one of its ports. DaemonSets (one pod per node by design) are not reported.",
    why: "Only one pod per node can bind a given host port, so replicas beyond the number of free nodes stay Pending, and a rolling update that surges a new pod next to the old one waits for a node that does not exist: the rollout stalls.",
    fix: "Remove hostPort and reach the pods through a Service (or run the workload as a DaemonSet).",
    example: super::example!("host-port"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(replicas) = expected_replicas(cx, w).filter(|r| *r > 1) else { continue };
        for c in w.containers() {
            for port in c.field.get("ports").map(|p| p.items()).unwrap_or_default() {
                let Some(hp) = port.get("hostPort") else { continue };
                let Some(n) = hp.node.as_i64().filter(|n| *n > 0) else { continue };
                out.report(
                    cx,
                    w.index,
                    &hp,
                    format!(
                        "{}: hostPort {n} allows one pod per node, and the workload runs {}",
                        label(&c),
                        replicas_phrase(cx, w, replicas)
                    ),
                    RULE.fix,
                );
            }
        }
    }
}
