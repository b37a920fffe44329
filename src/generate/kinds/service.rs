//! Services: type and ports.

use crate::yaml::{Node, Value};

use super::super::tpl::{T, with_scalar};
use super::super::values::{Hint, join};
use super::Gen;

const SERVICE_TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/// Handles a Service.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut T) -> Option<String> {
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
            st.replace("type", T::Expr(format!("{{{{ {r} }}}}")));
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
    let ports = spec.get("ports").and_then(Node::as_seq).cloned().unwrap_or_default();
    if ports.len() == 1 {
        let p = &ports[0];
        if let Some(port) = p.get("port").filter(|v| matches!(v.value, Value::Int(_))) {
            let r = g.values.set(&join(&slot, &["port"]), port.clone(), "Service port.", Hint::Port);
            if let Some(item) = st.get_mut("ports").and_then(T::items_mut).and_then(|v| v.first_mut()) {
                item.replace("port", T::Expr(format!("{{{{ {r} }}}}")));
                if let Some(np) = p.get("nodePort") {
                    let r = g.values.set(
                        &join(&slot, &["nodePort"]),
                        np.clone(),
                        "Node port (NodePort and LoadBalancer).",
                        Hint::Port,
                    );
                    item.replace("nodePort", T::Expr(format!("{{{{ {r} }}}}")));
                }
            }
        }
    } else if ports.len() > 1 {
        let r =
            g.values.set(&join(&slot, &["ports"]), Node::new(Value::Seq(ports)), "Service ports.", Hint::ServicePorts);
        st.replace("ports", T::ToYaml(r));
    }
    None
}

/// The values reference of a Service's single port, if it has one.
pub fn port_ref(g: &Gen<'_>, service_index: usize) -> Option<String> {
    let mut p = g.ctx.plans[service_index].slot.clone();
    p.push("port".into());
    g.values.has(&p).then(|| super::super::names::values_ref(&p))
}
