//! What `helm create` offers and the input lacked: for the one workload of a single-workload
//! chart, an Ingress, a HorizontalPodAutoscaler, a PodDisruptionBudget and a NetworkPolicy,
//! each behind an `enabled` toggle that defaults to off (their absence from the input). The
//! default render is therefore still the input.

use crate::yaml::{Node, Value};

use super::kinds::Gen;
use super::kinds::metadata::{COMMON_ANNOTATIONS, COMMON_LABELS, add_user_maps};
use super::tpl::{Document, Entry, Tree, include_lines, with_block, with_inline, with_scalar};
use super::values::Hint;
use crate::generate::analyze::names::values_ref;
use crate::guard::Guard;

fn path(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| (*k).to_string()).collect()
}

fn pair(k: &str, v: Tree) -> Entry {
    Entry::Pair(k.to_string(), v)
}

fn lit(s: &str) -> Tree {
    Tree::Lit(Value::Str(s.to_string()))
}

/// An object: apiVersion, kind, metadata and spec, in the order people write them.
fn object(api_version: &str, kind: &str, metadata: Tree, spec: Tree) -> Tree {
    Tree::Map(vec![
        pair("apiVersion", lit(api_version)),
        pair("kind", lit(kind)),
        pair("metadata", metadata),
        pair("spec", spec),
    ])
}

/// Metadata of an offered object; `annotations` are its own user annotations, if it has some.
fn metadata(g: &Gen<'_>, name: &str, annotations: Option<&str>) -> Tree {
    let mut m = Tree::Map(vec![
        pair("name", Tree::Expr(name.to_string())),
        pair("namespace", Tree::Expr(crate::generate::analyze::names::release_namespace(&g.ctx.chart))),
        pair(
            "labels",
            Tree::Map(vec![
                include_lines(&format!("include \"{}.labels\" .", g.ctx.chart)),
                with_inline(COMMON_LABELS),
            ]),
        ),
    ]);
    let refs: Vec<String> =
        annotations.into_iter().map(str::to_string).chain([COMMON_ANNOTATIONS.to_string()]).collect();
    add_user_maps(&mut m, "annotations", &refs);
    m
}

/// The backend port line of an offered Ingress: the Service's one port from values, or of
/// several the one named like a web port (else the first), by name when it has one.
fn ingress_backend_port(svc: &crate::manifest::Object) -> String {
    let ports = svc.node.path(&["spec", "ports"]).and_then(Node::as_seq).map_or(&[][..], Vec::as_slice);
    if ports.len() <= 1 {
        return format!(
            "number: {{{{ {} }}}}",
            values_ref(&path(&["service", "port"])).replacen(".Values", "$.Values", 1)
        );
    }
    let web = ports.iter().position(|p| matches!(p.str_at(&["name"]), Some("http" | "web" | "https"))).unwrap_or(0);
    match ports[web].str_at(&["name"]) {
        Some(name) => format!("name: {}", crate::yaml::escape_template(&crate::yaml::quote_double(name))),
        None => format!("number: {{{{ (index $.Values.service.ports {web}).port }}}}"),
    }
}

/// The workload's selector labels, scoped to the release like the input's own selectors.
fn release_selector(g: &Gen<'_>, selector: &Node) -> Tree {
    let mut labels = Tree::from_node(selector);
    super::kinds::scope_to_release(g, Some(&mut labels), true);
    labels
}

/// The one workload the offered objects are for.
struct Workload {
    /// Its name expression.
    name: String,
    kind: String,
    /// Its pod selector's `matchLabels`.
    selector: Node,
    /// Its replica count (at least 1).
    replicas: i64,
}

/// The documents to add, by template file.
pub fn documents(g: &mut Gen<'_>) -> Vec<(String, Document)> {
    let sc = g.ctx.scaffold.clone();
    let Some(w) = sc.workload else { return Vec::new() };
    let o = &g.ctx.objects[w];
    let chart = g.ctx.chart.clone();
    let workload_name = o
        .name
        .as_ref()
        .and_then(|n| g.ctx.name_of(&o.kind, n))
        .map_or_else(|| format!("{{{{ include \"{chart}.fullname\" . }}}}"), |e| e.tpl(&chart));
    let wl = Workload {
        name: workload_name,
        kind: o.kind.clone(),
        selector: o.node.path(&["spec", "selector", "matchLabels"]).cloned().unwrap_or_else(Node::map),
        replicas: o.node.path(&["spec", "replicas"]).and_then(Node::as_i64).unwrap_or(1).max(1),
    };
    let mut docs = Vec::new();
    if let Some(si) = sc.ingress_service {
        docs.push(offer_ingress(g, &wl, si));
    }
    if sc.autoscaling {
        docs.push(offer_autoscaling(g, &wl));
    }
    if sc.pdb {
        docs.push(offer_pdb(g, &wl));
    }
    if sc.network_policy {
        docs.push(offer_network_policy(g, &wl));
    }
    docs
}

/// An Ingress to the Service `si`, under `ingress`.
fn offer_ingress(g: &mut Gen<'_>, wl: &Workload, si: usize) -> (String, Document) {
    let chart = g.ctx.chart.clone();
    let workload_name = &wl.name;
    let svc = &g.ctx.objects[si];
    let svc_name = svc.name.as_ref().and_then(|n| g.ctx.name_of("Service", n)).map(|e| e.pipeline_in(&chart, "$"));
    let backend_port = ingress_backend_port(svc);
    g.values.describe(&path(&["ingress"]), "An Ingress to the Service (not in the input; off by default).");
    g.knobs.toggle(&path(&["ingress", "enabled"]), Node::new(Value::Bool(true)));
    let enabled =
        g.values.set(&path(&["ingress", "enabled"]), Node::new(Value::Bool(false)), "Create the Ingress.", Hint::Plain);
    let class = g.values.set(
        &path(&["ingress", "className"]),
        Node::str(""),
        "IngressClass name; empty uses the cluster default.",
        Hint::DnsName,
    );
    g.knobs.add(&path(&["ingress", "annotations"]), Node::string_map(super::knobs::OWN_KEY, "ingress"));
    let ann = g.values.set(
        &path(&["ingress", "annotations"]),
        Node::map(),
        "Annotations on the Ingress (controller settings, cert-manager issuer...).",
        Hint::StringMap,
    );
    let host = Node::new(Value::Map(vec![
        (Node::str("host"), Node::str(format!("{chart}.example.com"))),
        (
            Node::str("paths"),
            Node::new(Value::Seq(vec![Node::new(Value::Map(vec![
                (Node::str("path"), Node::str("/")),
                (Node::str("pathType"), Node::str("Prefix")),
            ]))])),
        ),
    ]));
    let hosts = g.values.set(
        &path(&["ingress", "hosts"]),
        Node::new(Value::Seq(vec![host])),
        "Hosts and their paths, all routed to the chart's Service.",
        Hint::IngressHosts(Vec::new()),
    );
    let tls = g.values.set(
        &path(&["ingress", "tls"]),
        Node::new(Value::Seq(vec![])),
        "TLS settings: secretName and hosts.",
        Hint::IngressTls,
    );
    g.guards.push(Guard::IngressHosts { slot: path(&["ingress"]) });
    let rules = vec![
        format!("{{{{- range {hosts} }}}}"),
        "- host: {{ .host | quote }}".into(),
        "  http:".into(),
        "    paths:".into(),
        "      {{- range .paths }}".into(),
        "      - path: {{ .path }}".into(),
        "        pathType: {{ .pathType }}".into(),
        "        backend:".into(),
        "          service:".into(),
        format!(
            "            name: {{{{ {} }}}}",
            svc_name.unwrap_or_else(|| format!("include \"{chart}.fullname\" $"))
        ),
        "            port:".into(),
        format!("              {backend_port}"),
        "      {{- end }}".into(),
        "{{- end }}".into(),
    ];
    let body = object(
        "networking.k8s.io/v1",
        "Ingress",
        metadata(g, workload_name, Some(&ann)),
        Tree::Map(vec![
            with_scalar(&class, "ingressClassName", false),
            with_block(&tls, "tls"),
            pair("rules", Tree::Map(vec![Entry::Lines(rules)])),
        ]),
    );
    ("templates/ingress.yaml".to_string(), Document { body, condition: Some(enabled) })
}

/// A HorizontalPodAutoscaler of the workload, under `autoscaling`.
fn offer_autoscaling(g: &mut Gen<'_>, wl: &Workload) -> (String, Document) {
    let (workload_name, kind, replicas) = (&wl.name, &wl.kind, wl.replicas);
    g.values.describe(&path(&["autoscaling"]), "Horizontal pod autoscaling (not in the input; off by default).");
    g.knobs.toggle(&path(&["autoscaling", "enabled"]), Node::new(Value::Bool(true)));
    let enabled = g.values.set(
        &path(&["autoscaling", "enabled"]),
        Node::new(Value::Bool(false)),
        "Create a HorizontalPodAutoscaler (the workload then renders no replicas).",
        Hint::Plain,
    );
    let min = g.values.set(
        &path(&["autoscaling", "minReplicas"]),
        Node::new(Value::Int(replicas)),
        "Fewest pods the autoscaler keeps.",
        Hint::Positive,
    );
    let max = g.values.set(
        &path(&["autoscaling", "maxReplicas"]),
        Node::new(Value::Int((replicas * 3).max(3))),
        "Most pods the autoscaler runs.",
        Hint::Positive,
    );
    let cpu = g.values.set(
        &path(&["autoscaling", "targetCPUUtilizationPercentage"]),
        Node::new(Value::Int(80)),
        "Target average CPU utilization (percent of requests).",
        Hint::Percent,
    );
    g.guards.push(Guard::HpaBounds { slot: path(&["autoscaling"]), has_min: true });
    let metrics = vec![
        format!("{{{{- with {cpu} }}}}"),
        "- type: Resource".into(),
        "  resource:".into(),
        "    name: cpu".into(),
        "    target:".into(),
        "      type: Utilization".into(),
        "      averageUtilization: {{ . }}".into(),
        "{{- end }}".into(),
    ];
    let body = object(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        metadata(g, workload_name, None),
        Tree::Map(vec![
            pair(
                "scaleTargetRef",
                Tree::Map(vec![
                    pair("apiVersion", lit("apps/v1")),
                    pair("kind", lit(kind)),
                    pair("name", Tree::Expr(workload_name.clone())),
                ]),
            ),
            pair("minReplicas", Tree::Expr(format!("{{{{ {min} }}}}"))),
            pair("maxReplicas", Tree::Expr(format!("{{{{ {max} }}}}"))),
            pair("metrics", Tree::Map(vec![Entry::Lines(metrics)])),
        ]),
    );
    ("templates/hpa.yaml".to_string(), Document { body, condition: Some(enabled) })
}

/// A PodDisruptionBudget of the workload's pods, under `podDisruptionBudget`.
fn offer_pdb(g: &mut Gen<'_>, wl: &Workload) -> (String, Document) {
    let (workload_name, selector) = (&wl.name, &wl.selector);
    g.values.describe(&path(&["podDisruptionBudget"]), "Pod disruption budget (not in the input; off by default).");
    g.knobs.toggle(&path(&["podDisruptionBudget", "enabled"]), Node::new(Value::Bool(true)));
    let enabled = g.values.set(
        &path(&["podDisruptionBudget", "enabled"]),
        Node::new(Value::Bool(false)),
        "Create a PodDisruptionBudget.",
        Hint::Plain,
    );
    let mut spec = Vec::new();
    for (field, default) in [("minAvailable", Node::str("")), ("maxUnavailable", Node::new(Value::Int(1)))] {
        let r = g.values.set(
            &path(&["podDisruptionBudget", field]),
            default,
            format!("{field} (a number or a percentage); set exactly one of minAvailable and maxUnavailable, leave the other empty."),
            Hint::IntOrPercent,
        );
        g.values.mark_optional(&path(&["podDisruptionBudget", field]));
        spec.push(Entry::If(
            format!("and (not (kindIs \"invalid\" {r})) (ne (toString {r}) \"\")"),
            vec![pair(field, Tree::Expr(format!("{{{{ {r} }}}}")))],
        ));
    }
    spec.push(pair("selector", Tree::Map(vec![pair("matchLabels", release_selector(g, selector))])));
    g.guards.push(Guard::PdbFields { slot: path(&["podDisruptionBudget"]) });
    let body = object("policy/v1", "PodDisruptionBudget", metadata(g, workload_name, None), Tree::Map(spec));
    ("templates/pdb.yaml".to_string(), Document { body, condition: Some(enabled) })
}

/// A NetworkPolicy admitting the namespace to the workload's pods, under `networkPolicy`.
fn offer_network_policy(g: &mut Gen<'_>, wl: &Workload) -> (String, Document) {
    let (workload_name, selector) = (&wl.name, &wl.selector);
    g.values.describe(
        &path(&["networkPolicy"]),
        "A NetworkPolicy admitting traffic from this namespace only (not in the input; off by default).",
    );
    g.knobs.toggle(&path(&["networkPolicy", "enabled"]), Node::new(Value::Bool(true)));
    let enabled = g.values.set(
        &path(&["networkPolicy", "enabled"]),
        Node::new(Value::Bool(false)),
        "Create the NetworkPolicy.",
        Hint::Plain,
    );
    let allowed = g.values.set(
        &path(&["networkPolicy", "allowedNamespaces"]),
        Node::new(Value::Seq(vec![])),
        "Other namespaces whose pods may connect (add your ingress controller's when the Ingress is on).",
        Hint::OpenList,
    );
    let from = vec![
        "- podSelector: {}".to_string(),
        format!("{{{{- range {allowed} }}}}"),
        "- namespaceSelector:".into(),
        "    matchLabels:".into(),
        "      kubernetes.io/metadata.name: {{ . | quote }}".into(),
        "{{- end }}".into(),
    ];
    let body = object(
        "networking.k8s.io/v1",
        "NetworkPolicy",
        metadata(g, workload_name, None),
        Tree::Map(vec![
            pair("podSelector", Tree::Map(vec![pair("matchLabels", release_selector(g, selector))])),
            pair("policyTypes", Tree::Seq(vec![lit("Ingress")])),
            pair("ingress", Tree::Seq(vec![Tree::Map(vec![pair("from", Tree::Map(vec![Entry::Lines(from)]))])])),
        ]),
    );
    ("templates/networkpolicy.yaml".to_string(), Document { body, condition: Some(enabled) })
}
