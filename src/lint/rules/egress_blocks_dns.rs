//! `egress-blocks-dns`

use crate::diag::Severity;
use crate::manifest::Object;
use crate::yaml::{Node, Value};

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "egress-blocks-dns",
    category: Category::Network,
    severity: Severity::Warning,
    summary: "A NetworkPolicy restricts egress and allows no DNS (port 53).",
    what: "A NetworkPolicy with `Egress` in its policyTypes (or egress rules without policyTypes) where neither it nor another policy in the input selecting the same pods (same selector, or an empty one) allows egress to port 53 (UDP or TCP) outside the pod's own namespace. An egress rule without `ports` allows every port; a rule whose `to` has only podSelector peers stays inside the namespace and does not reach cluster DNS.",
    why: "Every name lookup of the selected pods times out, so they fail in ways that look like the network is down (database host not found, TLS handshakes to names failing) while the policy looks correct. The Kubernetes documentation added a caution for exactly this.",
    fix: "Add an egress rule allowing UDP and TCP port 53 to the cluster DNS (for example namespaceSelector kubernetes.io/metadata.name: kube-system).",
    example: super::example!("egress-blocks-dns"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    let policies: Vec<(usize, &Object)> = cx.of_kind("NetworkPolicy").collect();
    for (i, np) in &policies {
        let root = Field::root(&np.node);
        let Some(spec) = root.get("spec") else { continue };
        if !restricts_egress(spec.node) || allows_dns(spec.node) {
            continue;
        }
        let selector = spec.node.get("podSelector");
        let covered = policies.iter().any(|(j, other)| {
            j != i
                && Ctx::same_namespace(np, other)
                && other.node.get("spec").is_some_and(|os| {
                    let sel = os.get("podSelector");
                    let all = sel.is_none_or(Node::is_empty_value);
                    (all || sel == selector) && allows_dns(os)
                })
        });
        if covered {
            continue;
        }
        let types = spec.get("policyTypes");
        let at = types
            .as_ref()
            .and_then(|t| t.items().into_iter().find(|f| f.str() == Some("Egress")))
            .or_else(|| spec.get("egress"))
            .unwrap_or(spec);
        out.report(cx, *i, &at, "egress is restricted and no rule allows DNS (port 53)".into(), RULE.fix);
    }
}

fn restricts_egress(spec: &Node) -> bool {
    match spec.get("policyTypes").and_then(Node::as_seq) {
        Some(types) => types.iter().any(|t| t.as_str() == Some("Egress")),
        None => spec.get("egress").is_some(),
    }
}

fn allows_dns(spec: &Node) -> bool {
    let Some(rules) = spec.get("egress").and_then(Node::as_seq) else { return false };
    rules.iter().any(|r| port_ok(r) && peer_ok(r))
}

fn port_ok(rule: &Node) -> bool {
    let Some(ports) = rule.get("ports").and_then(Node::as_seq).filter(|p| !p.is_empty()) else { return true };
    ports.iter().any(|p| match p.get("port").map(|n| &n.value) {
        None => true,
        Some(Value::Int(n)) => {
            let end = p.get("endPort").and_then(Node::as_i64).unwrap_or(*n);
            (*n..=end).contains(&53)
        }
        Some(Value::Str(s)) => matches!(s.as_str(), "53" | "dns" | "dns-tcp"),
        _ => false,
    })
}

fn peer_ok(rule: &Node) -> bool {
    let Some(to) = rule.get("to").and_then(Node::as_seq).filter(|t| !t.is_empty()) else { return true };
    to.iter().any(|peer| peer.get("namespaceSelector").is_some() || peer.get("ipBlock").is_some())
}
