//! Ingresses: enabled toggle, class, annotations, TLS, and hosts with paths when every path
//! goes to the same backend (the shape of `helm create`).

use crate::yaml::{Node, Value};

use super::super::tpl::{Entry, T, with_block, with_scalar};
use super::super::values::{Hint, join};
use super::Gen;

/// Handles an Ingress.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut T) -> Option<String> {
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
                st.replace("ingressClassName", T::Expr(format!("{{{{ {r} }}}}")));
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
    if let Some(meta) = t.get_mut("metadata") {
        if let T::Map(m) = meta {
            m.retain(|e| !matches!(e, Entry::Pair(k, _) if k == "annotations"));
        }
        meta.push(with_block(&ar, "annotations"));
    }
    if v1 {
        if let Some(backend) = uniform_backend(&spec) {
            hosts(g, &slot, t, &spec, &backend);
            g.rules.push(super::super::rules::Rule::IngressHosts { slot: slot.clone() });
        } else {
            rename_backends(g, t);
        }
    }
    let tls_desc = "TLS settings: secretName and hosts.";
    let st = t.get_mut("spec")?;
    match spec.get("tls") {
        Some(tls) => {
            let r = g.values.set(&join(&slot, &["tls"]), tls.clone(), tls_desc, Hint::IngressTls);
            st.replace("tls", T::ToYaml(r));
        }
        None => {
            let r = g.values.set(&join(&slot, &["tls"]), Node::new(Value::Seq(vec![])), tls_desc, Hint::IngressTls);
            st.push(with_block(&r, "tls"));
        }
    }
    Some(enabled)
}

/// The backend shared by every path of every rule, if there is one and no default backend.
fn uniform_backend(spec: &Node) -> Option<Node> {
    if spec.get("defaultBackend").is_some() {
        return None;
    }
    let rules = spec.get("rules").and_then(Node::as_seq)?;
    let mut backend: Option<&Node> = None;
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
            b.path(&["service", "name"])?;
            match backend {
                None => backend = Some(b),
                Some(prev) if prev == b => {}
                Some(_) => return None,
            }
        }
    }
    backend.cloned()
}

fn hosts(g: &mut Gen<'_>, slot: &[String], t: &mut T, spec: &Node, backend: &Node) {
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
            paths.push(Node::new(Value::Map(pe)));
        }
        entry.push((Node::str("paths"), Node::new(Value::Seq(paths))));
        hosts.push(Node::new(Value::Map(entry)));
    }
    let r = g.values.set(
        &join(slot, &["hosts"]),
        Node::new(Value::Seq(hosts)),
        "Hosts and their paths, all routed to the chart's Service.",
        Hint::IngressHosts,
    );
    let chart = g.ctx.chart.clone();
    let svc_name = backend.str_at(&["service", "name"]).unwrap_or_default().to_string();
    let svc_index =
        g.ctx.objects.iter().position(|o| o.kind == "Service" && o.name.as_deref() == Some(svc_name.as_str()));
    let name_text = match g.ctx.name_of("Service", &svc_name) {
        Some(e) => format!("{{{{ {} }}}}", e.pipeline(&chart).replace(" .", " $").replace("(list . ", "(list $ ")),
        None => crate::yaml::emit_scalar_inline(&Value::Str(svc_name.clone())),
    };
    let port_line = match backend.path(&["service", "port"]) {
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
    };
    let mut lines = vec![format!("{{{{- range {r} }}}}")];
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
        lines.push("      - path: {{ .path }}".into());
        lines.push("        pathType: {{ .pathType }}".into());
        lines.push("        backend:".into());
    } else {
        lines.push("      - backend:".into());
    }
    lines.push("          service:".into());
    lines.push(format!("            name: {name_text}"));
    lines.push("            port:".into());
    lines.push(format!("              {port_line}"));
    if !all_paths_complete {
        lines.push("        {{- with .path }}".into());
        lines.push("        path: {{ . }}".into());
        lines.push("        {{- end }}".into());
        lines.push("        {{- with .pathType }}".into());
        lines.push("        pathType: {{ . }}".into());
        lines.push("        {{- end }}".into());
    }
    lines.push("      {{- end }}".into());
    lines.push("{{- end }}".into());
    if let Some(st) = t.get_mut("spec") {
        st.replace("rules", T::Map(vec![Entry::Lines(lines)]));
    }
}

fn rename_backends(g: &Gen<'_>, t: &mut T) {
    let Some(rules) = t.path_mut(&["spec", "rules"]).and_then(T::items_mut) else { return };
    for r in rules {
        if let Some(paths) = r.path_mut(&["http", "paths"]).and_then(T::items_mut) {
            for p in paths {
                super::rename_at(g, p, &["backend", "service", "name"], "Service");
            }
        }
    }
    if let Some(d) = t.path_mut(&["spec", "defaultBackend"]) {
        super::rename_at(g, d, &["service", "name"], "Service");
    }
}
