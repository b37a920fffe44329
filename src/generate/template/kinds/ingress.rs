//! Ingresses: enabled toggle, class, annotations, TLS, and hosts with paths when every path
//! goes to the same backend (the shape of `helm create`).

use crate::yaml::{Node, Value};

use super::Gen;
use super::registry::{Descriptor, Slot};
use crate::generate::analyze::names::key_for;
use crate::generate::template::knobs::OWN_KEY;
use crate::generate::template::tpl::{Entry, Tree, with_block, with_scalar};
use crate::generate::template::values::{Hint, join};

/// Ingresses, in an `ingress` slot.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["Ingress"],
    slot: Some(Slot {
        singular: "ingress",
        plural: "ingresses",
        always_keyed: false,
        plural_description: "Ingresses, by name.",
    }),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles an Ingress.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    let node = o.node.clone();
    let v1 = o.api_version == "networking.k8s.io/v1";
    g.values.describe(&slot, format!("The Ingress `{}`.", o.name.as_deref().unwrap_or("")));
    let enabled =
        g.values.set(&join(&slot, &["enabled"]), Node::new(Value::Bool(true)), "Create the Ingress.", Hint::Plain);
    let spec = node.get("spec").cloned().unwrap_or_else(Node::map);
    let class_desc = "IngressClass name; empty uses the cluster default.";
    {
        let st = t.get_mut("spec")?;
        match spec.get("ingressClassName") {
            Some(c) => {
                let r = g.values.set(&join(&slot, &["className"]), c.clone(), class_desc, Hint::DnsName);
                // Rendered only when set: `className: ""` means the cluster default, not an
                // empty class name.
                if c.as_str().is_some_and(|s| !s.is_empty()) {
                    st.replace_entry("ingressClassName", with_scalar(&r, "ingressClassName", true));
                } else {
                    st.replace("ingressClassName", Tree::Expr(format!("{{{{ {r} }}}}")));
                }
            }
            None => {
                let r = g.values.set(&join(&slot, &["className"]), Node::str(""), class_desc, Hint::DnsName);
                st.push_front(with_scalar(&r, "ingressClassName", false));
            }
        }
    }
    let ann = node.path(&["metadata", "annotations"]).cloned().unwrap_or_else(Node::map);
    let ar = g.values.set(
        &join(&slot, &["annotations"]),
        ann,
        "Annotations on the Ingress (controller settings, cert-manager issuer...).",
        Hint::StringMap,
    );
    g.knobs.add(&join(&slot, &["annotations"]), Node::string_map(OWN_KEY, "ingress"));
    if let Some(Tree::Map(m)) = t.get_mut("metadata") {
        m.retain(|e| !matches!(e, Entry::Pair(k, _) if k == "annotations"));
    }
    // Rendered with commonAnnotations in one map (metadata.rs).
    g.extra_metadata.push(("annotations".into(), ar));
    if v1 {
        if let Some(backends) = service_backends(&spec) {
            hosts(g, &slot, t, &spec, &backends);
            g.guards.push(crate::guard::Guard::IngressHosts { slot: slot.clone() });
        } else {
            rename_backends(g, t);
        }
    }
    let tls_desc = "TLS settings: secretName and hosts.";
    let st = t.get_mut("spec")?;
    match spec.get("tls") {
        Some(tls) => {
            let r = g.values.set(&join(&slot, &["tls"]), tls.clone(), tls_desc, Hint::IngressTls);
            // An input that writes `tls: []` keeps it; otherwise `tls` renders only when set.
            if tls.as_seq().is_some_and(|s| s.is_empty()) {
                st.replace("tls", Tree::ToYaml(r));
            } else {
                st.replace_entry("tls", with_block(&r, "tls"));
            }
        }
        None => {
            let r = g.values.set(&join(&slot, &["tls"]), Node::new(Value::Seq(vec![])), tls_desc, Hint::IngressTls);
            st.push(with_block(&r, "tls"));
        }
    }
    Some(enabled)
}

/// The distinct Service backends of an Ingress whose rules have only hosts and paths to
/// Services (no default backend, no resource backends), in order of appearance.
fn service_backends(spec: &Node) -> Option<Vec<Node>> {
    if spec.get("defaultBackend").is_some() {
        return None;
    }
    let rules = spec.get("rules").and_then(Node::as_seq)?;
    let mut backends: Vec<Node> = Vec::new();
    for r in rules {
        let paths = r.path(&["http", "paths"]).and_then(Node::as_seq)?;
        if r.as_map().is_some_and(|m| m.iter().any(|(k, _)| !matches!(k.as_str(), Some("host" | "http")))) {
            return None;
        }
        for p in paths {
            if p.as_map()
                .is_some_and(|m| m.iter().any(|(k, _)| !matches!(k.as_str(), Some("path" | "pathType" | "backend"))))
            {
                return None;
            }
            let b = p.get("backend")?;
            b.path(&["service", "name"])?.as_str()?;
            let port = b.path(&["service", "port"])?;
            port.get("number").and_then(Node::as_i64).map(|_| ()).or_else(|| port.get("name")?.as_str().map(|_| ()))?;
            if !backends.contains(b) {
                backends.push(b.clone());
            }
        }
    }
    (!backends.is_empty()).then_some(backends)
}

/// Hosts and paths as values. One backend: every path goes to it (the `helm create` shape).
/// Several: each path names its Service by a key and its port, and the template maps the keys
/// to the chart's Service names.
fn hosts(g: &mut Gen<'_>, slot: &[String], t: &mut Tree, spec: &Node, backends: &[Node]) {
    let chart = g.ctx.chart.clone();
    let routed = backends.len() > 1;
    // Service keys: word tokens of chart Services, names as written for outside Services.
    let mut keys: Vec<(String, String, String)> = Vec::new(); // (service name, key, name pipeline)
    for b in backends {
        let name = b.str_at(&["service", "name"]).unwrap_or_default().to_string();
        if keys.iter().any(|(n, _, _)| *n == name) {
            continue;
        }
        let (mut key, pipeline) = match g.ctx.name_of("Service", &name) {
            Some(e) => (
                key_for(&crate::generate::analyze::context::canonical_name(g.ctx, "Service", &name), &chart),
                e.pipeline_in(&chart, "$"),
            ),
            None => (name.clone(), crate::generate::analyze::names::go_string(&name)),
        };
        let base = key.clone();
        let mut n = 2;
        while keys.iter().any(|(_, k, _)| *k == key) {
            key = format!("{base}{n}");
            n += 1;
        }
        keys.push((name, key, pipeline));
    }
    let key_of = |name: &str| keys.iter().find(|(n, _, _)| n == name).map(|(_, k, _)| k.clone()).unwrap_or_default();
    let rules = spec.get("rules").and_then(Node::as_seq).cloned().unwrap_or_default();
    let mut hosts = Vec::new();
    let mut all_have_host = true;
    let mut all_paths_complete = true;
    for r in &rules {
        let mut entry = Vec::new();
        match r.get("host") {
            Some(h) => entry.push((Node::str("host"), h.clone())),
            None => all_have_host = false,
        }
        let mut paths = Vec::new();
        for p in r.path(&["http", "paths"]).and_then(Node::as_seq).into_iter().flatten() {
            let mut pe = Vec::new();
            for k in ["path", "pathType"] {
                match p.get(k) {
                    Some(v) => pe.push((Node::str(k), v.clone())),
                    None => all_paths_complete = false,
                }
            }
            if routed {
                let svc = p.path(&["backend", "service"]).cloned().unwrap_or_else(Node::map);
                pe.push((Node::str("service"), Node::str(key_of(svc.str_at(&["name"]).unwrap_or_default()))));
                let port = svc.path(&["port", "number"]).or_else(|| svc.path(&["port", "name"])).cloned();
                pe.push((Node::str("port"), port.unwrap_or_else(|| Node::str(""))));
            }
            paths.push(Node::new(Value::Map(pe)));
        }
        entry.push((Node::str("paths"), Node::new(Value::Seq(paths))));
        hosts.push(Node::new(Value::Map(entry)));
    }
    let (desc, hint_keys): (String, Vec<String>) = if routed {
        let names: Vec<String> = keys.iter().map(|(_, k, _)| k.clone()).collect();
        (format!("Hosts and their paths; each path names its Service ({}) and port.", names.join(", ")), names)
    } else {
        ("Hosts and their paths, all routed to the chart's Service.".into(), Vec::new())
    };
    let r = g.values.set(&join(slot, &["hosts"]), Node::new(Value::Seq(hosts)), desc, Hint::IngressHosts(hint_keys));
    let mut lines = Vec::new();
    let (name_text, port_lines) = if routed {
        let dict: Vec<String> =
            keys.iter().map(|(_, k, p)| format!("{} ({p})", crate::generate::analyze::names::go_string(k))).collect();
        lines.push(format!("{{{{- $services := dict {} }}}}", dict.join(" ")));
        (
            "{{ get $services .service | quote }}".to_string(),
            vec![
                "              {{- if kindIs \"string\" .port }}".to_string(),
                "              name: {{ .port | quote }}".into(),
                "              {{- else }}".into(),
                "              number: {{ .port }}".into(),
                "              {{- end }}".into(),
            ],
        )
    } else {
        (
            if crate::generate::analyze::names::plain(&keys[0].0) {
                format!("{{{{ {} }}}}", keys[0].2)
            } else {
                format!("{{{{ {} | quote }}}}", keys[0].2)
            },
            vec![format!("              {}", single_port_line(g, &backends[0]))],
        )
    };
    lines.push(format!("{{{{- range {r} }}}}"));
    if all_have_host {
        lines.push("- host: {{ .host | quote }}".into());
        lines.push("  http:".into());
    } else {
        lines.push("- {{- with .host }}".into());
        lines.push("  host: {{ . | quote }}".into());
        lines.push("  {{- end }}".into());
        lines.push("  http:".into());
    }
    lines.push("    paths:".into());
    lines.push("      {{- range .paths }}".into());
    if all_paths_complete {
        lines.push("      - path: {{ .path | quote }}".into());
        lines.push("        pathType: {{ .pathType | quote }}".into());
        lines.push("        backend:".into());
    } else {
        lines.push("      - backend:".into());
    }
    lines.push("          service:".into());
    lines.push(format!("            name: {name_text}"));
    lines.push("            port:".into());
    lines.extend(port_lines);
    if !all_paths_complete {
        lines.push("        {{- with .path }}".into());
        lines.push("        path: {{ . | quote }}".into());
        lines.push("        {{- end }}".into());
        lines.push("        {{- with .pathType }}".into());
        lines.push("        pathType: {{ . | quote }}".into());
        lines.push("        {{- end }}".into());
    }
    lines.push("      {{- end }}".into());
    lines.push("{{- end }}".into());
    if let Some(st) = t.get_mut("spec") {
        st.replace("rules", Tree::Map(vec![Entry::Lines(lines)]));
    }
}

/// `number: N` (following the Service's port value when it is the same port) or `name: N`.
fn single_port_line(g: &Gen<'_>, backend: &Node) -> String {
    let svc_name = backend.str_at(&["service", "name"]).unwrap_or_default();
    let svc_index = g.ctx.objects.iter().position(|o| o.kind == "Service" && o.name.as_deref() == Some(svc_name));
    match backend.path(&["service", "port"]) {
        Some(p) if p.get("number").is_some() => {
            let num = p.get("number").and_then(Node::as_i64);
            let svc_port = svc_index.and_then(|si| {
                let port =
                    g.ctx.objects[si].node.path(&["spec", "ports"]).and_then(Node::as_seq).filter(|s| s.len() == 1)?;
                (port[0].get("port").and_then(Node::as_i64) == num).then(|| super::service::port_ref(g, si)).flatten()
            });
            match svc_port {
                Some(r) => format!("number: {{{{ {} }}}}", r.replacen(".Values", "$.Values", 1)),
                None => format!("number: {}", num.map(|n| n.to_string()).unwrap_or_default()),
            }
        }
        Some(p) => format!(
            "name: {}",
            crate::yaml::emit_scalar_inline(&p.get("name").map(|n| n.value.clone()).unwrap_or(Value::Null))
        ),
        None => String::new(),
    }
}

fn rename_backends(g: &Gen<'_>, t: &mut Tree) {
    let Some(rules) = t.path_mut(&["spec", "rules"]).and_then(Tree::items_mut) else { return };
    for r in rules {
        if let Some(paths) = r.path_mut(&["http", "paths"]).and_then(Tree::items_mut) {
            for p in paths {
                super::rename_at(g, p, &["backend", "service", "name"], "Service");
            }
        }
    }
    if let Some(d) = t.path_mut(&["spec", "defaultBackend"]) {
        super::rename_at(g, d, &["service", "name"], "Service");
    }
}
