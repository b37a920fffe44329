//! Services: type and ports.

use crate::yaml::{Node, Value};

use super::Gen;
use super::registry::{Descriptor, Owner, Slot};

use crate::generate::template::tpl::{Entry, Tree, with_block, with_scalar};
use crate::generate::template::values::{Hint, join};

/// Services: one `service` slot per workload, owned by the workload they select.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["Service"],
    slot: Some(Slot {
        singular: "service",
        plural: "services",
        always_keyed: false,
        plural_description: "Services, by name.",
    }),
    owner: Owner::Selector(&["spec", "selector"]),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

const SERVICE_TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/// Handles a Service.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    g.values.describe(&slot, format!("The Service `{}`.", o.name.as_deref().unwrap_or("")));
    let spec = o.node.get("spec").cloned().unwrap_or_else(Node::map);
    let headless = spec.get("clusterIP").and_then(Node::as_str) == Some("None");
    let st = t.get_mut("spec")?;
    super::scope_to_release(g, st.get_mut("selector"), true);
    match spec.get("type") {
        Some(ty) => {
            let r =
                g.values.set(&join(&slot, &["type"]), ty.clone(), "Service type.", Hint::Enum(SERVICE_TYPES.to_vec()));
            st.replace("type", Tree::Expr(format!("{{{{ {r} }}}}")));
        }
        None if !headless => {
            let r = g.values.set(
                &join(&slot, &["type"]),
                Node::str(""),
                "Service type; empty keeps the Kubernetes default (ClusterIP).",
                Hint::Enum(SERVICE_TYPES.to_vec()),
            );
            st.push(with_scalar(&r, "type", false));
        }
        None => {}
    }
    let external_name = spec.get("type").and_then(Node::as_str) == Some("ExternalName");
    user_maps(g, i, &slot);
    if !headless && !external_name {
        g.knobs.add(&join(&slot, &["type"]), Node::str("LoadBalancer"));
        balancer_fields(g, &slot, st, &spec);
        g.guards.push(crate::guard::Guard::ServiceType { slot: slot.clone() });
    }
    if !external_name {
        optional(
            g,
            &slot,
            st,
            &spec,
            ("ipFamilyPolicy", "SingleStack"),
            "IP families: SingleStack, PreferDualStack or RequireDualStack; empty keeps the cluster default.",
            Hint::Enum(vec!["SingleStack", "PreferDualStack", "RequireDualStack"]),
        );
    }
    let type_ref = g
        .values
        .has(&join(&slot, &["type"]))
        .then(|| crate::generate::analyze::names::values_ref(&join(&slot, &["type"])));
    let ports = spec.get("ports").and_then(Node::as_seq).cloned().unwrap_or_default();
    if ports.len() == 1 {
        let p = &ports[0];
        if let Some(port) = p.get("port").filter(|v| matches!(v.value, Value::Int(_))) {
            let r = g.values.set(&join(&slot, &["port"]), port.clone(), "Service port.", Hint::Port);
            if let Some(item) = st.get_mut("ports").and_then(Tree::items_mut).and_then(|v| v.first_mut()) {
                item.replace("port", Tree::Expr(format!("{{{{ {r} }}}}")));
                if let Some(np) = p.get("nodePort") {
                    let r = g.values.set(
                        &join(&slot, &["nodePort"]),
                        np.clone(),
                        "Node port (NodePort and LoadBalancer).",
                        Hint::Port,
                    );
                    item.replace("nodePort", Tree::Expr(format!("{{{{ {r} }}}}")));
                } else if let Some(ty) = &type_ref {
                    // Only NodePort and LoadBalancer Services take a node port; 0 lets
                    // Kubernetes pick one.
                    let r = g.values.set(
                        &join(&slot, &["nodePort"]),
                        Node::new(Value::Int(0)),
                        "Node port when the type is NodePort or LoadBalancer; 0 lets Kubernetes pick one.",
                        Hint::NodePort,
                    );
                    let example = 30000 + i64::try_from(i % 2700).unwrap_or(0);
                    g.knobs.add(&join(&slot, &["nodePort"]), Node::new(Value::Int(example)));
                    item.push(Entry::If(
                        format!("and {r} (has {ty} (list \"NodePort\" \"LoadBalancer\"))"),
                        vec![Entry::Pair("nodePort".into(), Tree::Expr(format!("{{{{ {r} }}}}")))],
                    ));
                }
            }
        }
    } else if ports.len() > 1 {
        let r =
            g.values.set(&join(&slot, &["ports"]), Node::new(Value::Seq(ports)), "Service ports.", Hint::ServicePorts);
        st.replace("ports", Tree::ToYaml(r));
    }
    None
}

/// `annotations` and `labels` the user adds to the Service (never to its selector).
fn user_maps(g: &mut Gen<'_>, i: usize, slot: &[String]) {
    let own = crate::generate::analyze::context::map_keys(g.ctx.objects[i].node.path(&["metadata", "labels"]));
    for (key, desc) in [
        ("annotations", "Annotations added to the Service (cloud load balancer settings...), besides the input's."),
        ("labels", "Labels added to the Service, besides the input's."),
    ] {
        let path = join(slot, &[key]);
        let r = g.values.set(
            &path,
            Node::map(),
            desc,
            if key == "labels" { Hint::ExtraLabels(own.clone()) } else { Hint::StringMap },
        );
        g.knobs.add(&path, Node::string_map(SERVICE_KEY, "service"));
        g.extra_metadata.push((key.to_string(), r));
    }
}

/// The label and annotation key the `ci/` values set on Services (another key than the common
/// one, so the two never meet in one map).
pub const SERVICE_KEY: &str = "chartwright.dev/service-knob";

/// What a LoadBalancer or NodePort Service takes.
fn balancer_fields(g: &mut Gen<'_>, slot: &[String], st: &mut Tree, spec: &Node) {
    optional(
        g,
        slot,
        st,
        spec,
        ("loadBalancerIP", "10.0.0.10"),
        "IP a LoadBalancer asks for (deprecated by Kubernetes, still honoured by many clouds); empty lets the cloud pick.",
        Hint::Plain,
    );
    let path = join(slot, &["loadBalancerSourceRanges"]);
    g.knobs.add(&path, Node::seq(vec![Node::str("10.0.0.0/8")]));
    let desc = "CIDR ranges a LoadBalancer admits; empty admits all.";
    match spec.get("loadBalancerSourceRanges") {
        Some(v) => {
            let r = g.values.set(&path, v.clone(), desc, Hint::Strings);
            st.replace("loadBalancerSourceRanges", Tree::ToYaml(r));
        }
        None => {
            let r = g.values.set(&path, Node::seq(Vec::new()), desc, Hint::Strings);
            st.push(with_block(&r, "loadBalancerSourceRanges"));
        }
    }
    optional(
        g,
        slot,
        st,
        spec,
        ("externalTrafficPolicy", "Local"),
        "Cluster or Local (keeps client addresses; NodePort and LoadBalancer only); empty keeps the default (Cluster).",
        Hint::Enum(vec!["Cluster", "Local"]),
    );
}

/// A scalar field: the input's value, else empty (not rendered).
fn optional(
    g: &mut Gen<'_>,
    slot: &[String],
    st: &mut Tree,
    spec: &Node,
    (key, example): (&str, &str),
    desc: &str,
    hint: Hint,
) {
    let path = join(slot, &[key]);
    g.knobs.add(&path, Node::str(example));
    match spec.get(key) {
        Some(v) => {
            let r = g.values.set(&path, v.clone(), desc, hint);
            st.replace(key, crate::generate::template::tpl::scalar_expr(&r, v));
        }
        None => {
            let r = g.values.set(&path, Node::str(""), desc, hint);
            st.push(with_scalar(&r, key, false));
        }
    }
}

/// The values reference of a Service's single port, if it has one.
pub fn port_ref(g: &Gen<'_>, service_index: usize) -> Option<String> {
    let mut p = g.ctx.plans[service_index].slot.clone();
    p.push("port".into());
    g.values.has(&p).then(|| crate::generate::analyze::names::values_ref(&p))
}
