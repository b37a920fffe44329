//! `networkpolicy-selects-nothing`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "networkpolicy-selects-nothing",
    category: Category::Network,
    severity: Severity::Warning,
    summary: "A NetworkPolicy's pod selector (or a peer's) matches no pod template in the input.",
    what: "A NetworkPolicy's non-empty `spec.podSelector`, or the `podSelector` of an `ingress.from`/`egress.to` peer without a `namespaceSelector` (so in the policy's namespace), matches no pod template in the input.",
    why: "A policy that selects nothing protects nothing; a peer that selects nothing allows nothing, so the traffic it was written for is dropped once another policy isolates the pods. Both usually mean labels drifted apart when one side was edited.",
    fix: "Make the selector match the pod template labels of the workload it is meant for.",
    example: super::example!("networkpolicy-selects-nothing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, np) in cx.of_kind("NetworkPolicy") {
        let Some(spec) = Field::root(&np.node).get("spec") else { continue };
        let mut selectors: Vec<(Field<'_>, &str)> = Vec::new();
        if let Some(sel) = spec.get("podSelector") {
            selectors.push((sel, "spec.podSelector"));
        }
        for (section, peers) in [("ingress", "from"), ("egress", "to")] {
            for rule in spec.get(section).map(|r| r.items()).unwrap_or_default() {
                for peer in rule.get(peers).map(|p| p.items()).unwrap_or_default() {
                    if peer.get("namespaceSelector").is_some() {
                        continue;
                    }
                    if let Some(sel) = peer.get("podSelector") {
                        selectors.push((
                            sel,
                            if section == "ingress" {
                                "an ingress peer's podSelector"
                            } else {
                                "an egress peer's podSelector"
                            },
                        ));
                    }
                }
            }
        }
        for (sel, what) in selectors {
            // `{}` selects every pod in the namespace, including ones created elsewhere.
            if sel.node.as_map().is_none_or(Vec::is_empty) {
                continue;
            }
            if cx.workloads_selected(np, sel.node).is_empty() {
                out.report(cx, i, &sel, format!("{what} matches no pod template in the input"), RULE.fix);
            }
        }
    }
}
