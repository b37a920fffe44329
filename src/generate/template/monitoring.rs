//! A Prometheus Operator ServiceMonitor for each Service of the chart that reaches metrics: a
//! Service port named like a metrics port, or pods that ask to be scraped (`prometheus.io/*`
//! annotations) or expose a metrics-named container port behind the Service. Off by default
//! (`serviceMonitor.enabled`) and rendered only where the cluster serves the API.

use crate::manifest::Object;
use crate::yaml::{Node, Value};

use super::kinds::Gen;
use super::kinds::metadata::{COMMON_ANNOTATIONS, COMMON_LABELS, add_user_maps};
use super::tpl::{Document, Entry, Tree, include_lines, with_inline};
use super::values::{Hint, join};
use crate::generate::analyze::names::release_namespace;

/// The API a ServiceMonitor needs, as `.Capabilities.APIVersions.Has` and `--api-versions`
/// name it.
pub const SERVICE_MONITOR_API: &str = "monitoring.coreos.com/v1/ServiceMonitor";

/// Where a Service's metrics are.
#[derive(Debug, Clone, PartialEq)]
struct Endpoint {
    /// `port: <name>` when the Service port has a name, else `targetPort: <number or name>`.
    port: Result<String, Node>,
    path: String,
    scheme: Option<String>,
}

fn metrics_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "metrics" || n.ends_with("-metrics") || n.starts_with("metrics-") || n.starts_with("prom")
}

/// The pod templates of the workloads a Service selects.
fn selected_pods<'a>(objects: &'a [Object], svc: &Object) -> Vec<&'a Node> {
    let Some(selector) = svc.node.path(&["spec", "selector"]).and_then(Node::as_map) else { return Vec::new() };
    if selector.is_empty() {
        return Vec::new();
    }
    objects
        .iter()
        .filter_map(|o| crate::kube::pod_template(&o.node, &o.kind))
        .filter(|pod| {
            selector.iter().all(|(k, v)| {
                pod.path(&["metadata", "labels"]).and_then(|l| l.get(k.as_str().unwrap_or_default())) == Some(v)
            })
        })
        .collect()
}

fn annotation<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.path(&["metadata", "annotations"]).and_then(|a| a.get(key)).and_then(Node::as_str)
}

/// The endpoint of a Service port.
fn endpoint_of(port: &Node, path: String, scheme: Option<String>) -> Endpoint {
    let by = match port.get("name").and_then(Node::as_str) {
        Some(n) => Ok(n.to_string()),
        None => Err(port.get("targetPort").or_else(|| port.get("port")).cloned().unwrap_or_else(Node::map)),
    };
    Endpoint { port: by, path, scheme }
}

/// Where a Service's metrics are, if it has any.
fn endpoint(objects: &[Object], svc: &Object) -> Option<Endpoint> {
    let ports = svc.node.path(&["spec", "ports"]).and_then(Node::as_seq)?;
    let pods = selected_pods(objects, svc);
    let ann = |key: &str| annotation(&svc.node, key).or_else(|| pods.iter().find_map(|p| annotation(p, key)));
    let path = ann("prometheus.io/path").unwrap_or("/metrics").to_string();
    let scheme = ann("prometheus.io/scheme").map(str::to_string);
    if ann("prometheus.io/scrape") == Some("false") {
        return None;
    }
    if let Some(p) = ports.iter().find(|p| p.get("name").and_then(Node::as_str).is_some_and(metrics_name)) {
        return Some(endpoint_of(p, path, scheme));
    }
    // The container port a Service port leads to: its number, and its name if any.
    let container_ports: Vec<&Node> = pods
        .iter()
        .flat_map(|p| p.path(&["spec", "containers"]).and_then(Node::as_seq).into_iter().flatten())
        .flat_map(|c| c.get("ports").and_then(Node::as_seq).into_iter().flatten())
        .collect();
    let leads_to = |sp: &Node, test: &dyn Fn(&Node) -> bool| {
        let target = sp.get("targetPort").or_else(|| sp.get("port"));
        container_ports.iter().any(|cp| {
            test(cp)
                && match target.map(|t| &t.value) {
                    Some(Value::Int(n)) => cp.get("containerPort").and_then(Node::as_i64) == Some(*n),
                    Some(Value::Str(s)) => cp.get("name").and_then(Node::as_str) == Some(s.as_str()),
                    _ => false,
                }
        })
    };
    let metrics_port = |cp: &Node| cp.get("name").and_then(Node::as_str).is_some_and(metrics_name);
    if let Some(p) = ports.iter().find(|sp| leads_to(sp, &metrics_port)) {
        return Some(endpoint_of(p, path, scheme));
    }
    let scrape = ann("prometheus.io/scrape") == Some("true");
    match ann("prometheus.io/port").and_then(|p| p.parse::<i64>().ok()) {
        Some(n) => {
            let number = |cp: &Node| cp.get("containerPort").and_then(Node::as_i64) == Some(n);
            let p =
                ports.iter().find(|sp| leads_to(sp, &number) || sp.get("port").and_then(Node::as_i64) == Some(n))?;
            Some(endpoint_of(p, path, scheme))
        }
        None if scrape => ports.first().map(|p| endpoint_of(p, path, scheme)),
        None => None,
    }
}

/// The ServiceMonitors, by template file.
pub fn documents(g: &mut Gen<'_>) -> Vec<(String, Document)> {
    let ctx = g.ctx;
    let chart = ctx.chart.clone();
    let found: Vec<(usize, Endpoint)> = ctx
        .objects
        .iter()
        .enumerate()
        .filter(|(i, o)| o.kind == "Service" && ctx.plans[*i].file.is_some())
        .filter_map(|(i, o)| Some((i, endpoint(ctx.objects, o)?)))
        .collect();
    if found.is_empty() {
        return Vec::new();
    }
    let p = |keys: &[&str]| join(&[], keys);
    g.values.describe(
        &p(&["serviceMonitor"]),
        "Prometheus Operator ServiceMonitors for the Services that serve metrics (not in the input; off by default, and rendered only where the cluster serves monitoring.coreos.com/v1).",
    );
    let enabled = g.values.set(
        &p(&["serviceMonitor", "enabled"]),
        Node::new(Value::Bool(false)),
        "Create the ServiceMonitors.",
        Hint::Plain,
    );
    g.knobs.add(&p(&["serviceMonitor", "enabled"]), Node::new(Value::Bool(true)));
    let interval = g.values.set(
        &p(&["serviceMonitor", "interval"]),
        Node::str(""),
        "Scrape interval (30s...); empty uses Prometheus' own.",
        Hint::Plain,
    );
    g.knobs.add(&p(&["serviceMonitor", "interval"]), Node::str("30s"));
    let timeout = g.values.set(
        &p(&["serviceMonitor", "scrapeTimeout"]),
        Node::str(""),
        "Scrape timeout; empty uses Prometheus' own.",
        Hint::Plain,
    );
    let labels = g.values.set(
        &p(&["serviceMonitor", "labels"]),
        Node::map(),
        "Labels of the ServiceMonitors (the ones your Prometheus selects, e.g. release: prometheus).",
        Hint::ExtraLabels(Vec::new()),
    );
    g.knobs.add(&p(&["serviceMonitor", "labels"]), Node::string_map("release", "prometheus"));
    let mut docs = Vec::new();
    let many = found.len() > 1;
    for (i, ep) in found {
        let svc = &ctx.objects[i];
        let name = svc.name.as_ref().and_then(|n| ctx.name_of("Service", n)).map(|e| e.tree(&chart));
        let name = name.unwrap_or_else(|| Tree::Expr(format!("{{{{ include \"{chart}.fullname\" . }}}}")));
        let mut meta = Tree::Map(vec![
            Entry::Pair("name".into(), name),
            Entry::Pair("namespace".into(), Tree::Expr(release_namespace(&chart))),
            Entry::Pair(
                "labels".into(),
                Tree::Map(vec![
                    include_lines(&format!("include \"{chart}.labels\" .")),
                    with_inline(COMMON_LABELS),
                    with_inline(&labels),
                ]),
            ),
        ]);
        add_user_maps(&mut meta, "annotations", &[COMMON_ANNOTATIONS.to_string()]);
        let selector = match svc.node.path(&["metadata", "labels"]) {
            Some(l) if l.as_map().is_some_and(|m| !m.is_empty()) => {
                let mut t = Tree::from_node(l);
                super::kinds::scope_to_release(g, Some(&mut t), true);
                t
            }
            _ => Tree::Map(vec![include_lines(&format!("include \"{chart}.selectorLabels\" ."))]),
        };
        let mut endpoint = vec![match &ep.port {
            Ok(n) => Entry::Pair("port".into(), Tree::Lit(Value::Str(n.clone()))),
            Err(target) => Entry::Pair("targetPort".into(), Tree::from_node(target)),
        }];
        endpoint.push(Entry::Pair("path".into(), Tree::Lit(Value::Str(ep.path.clone()))));
        if let Some(s) = &ep.scheme {
            endpoint.push(Entry::Pair("scheme".into(), Tree::Lit(Value::Str(s.clone()))));
        }
        endpoint.push(super::tpl::with_scalar(&interval, "interval", true));
        endpoint.push(super::tpl::with_scalar(&timeout, "scrapeTimeout", true));
        let body = Tree::Map(vec![
            Entry::Pair("apiVersion".into(), Tree::Lit(Value::Str("monitoring.coreos.com/v1".into()))),
            Entry::Pair("kind".into(), Tree::Lit(Value::Str("ServiceMonitor".into()))),
            Entry::Pair("metadata".into(), meta),
            Entry::Pair(
                "spec".into(),
                Tree::Map(vec![
                    Entry::Pair("selector".into(), Tree::Map(vec![Entry::Pair("matchLabels".into(), selector)])),
                    Entry::Pair("endpoints".into(), Tree::Seq(vec![Tree::Map(endpoint)])),
                ]),
            ),
        ]);
        let file = if many {
            format!("templates/servicemonitor-{}.yaml", super::knobs::slot_stem(&ctx.plans[i].slot))
        } else {
            "templates/servicemonitor.yaml".to_string()
        };
        let condition = format!("and {enabled} (.Capabilities.APIVersions.Has \"{SERVICE_MONITOR_API}\")");
        docs.push((file, Document { body, condition: Some(condition) }));
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Loaded, load_text};

    fn objects(yaml: &str) -> Vec<Object> {
        let mut l = Loaded::default();
        load_text("t.yaml", yaml.to_string(), &mut l).unwrap();
        l.objects
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations: ANN\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          ports:\n            - {name: http, containerPort: 8080}\n            - {name: CPORT, containerPort: 9090}\n---\n";

    fn service(ports: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  selector: {{app: web}}\n  ports: {ports}\n"
        )
    }

    fn found(ann: &str, cport: &str, ports: &str) -> Option<Endpoint> {
        let text = DEPLOY.replace("ANN", ann).replace("CPORT", cport) + &service(ports);
        let objs = objects(&text);
        endpoint(&objs, &objs[1])
    }

    #[test]
    fn a_service_port_named_metrics_is_scraped_by_name() {
        let e = found("{}", "admin", "[{name: http, port: 80}, {name: http-metrics, port: 9090}]").unwrap();
        assert_eq!(e.port, Ok("http-metrics".to_string()));
        assert_eq!(e.path, "/metrics");
    }

    #[test]
    fn a_service_port_leading_to_a_metrics_container_port_is_scraped() {
        let e = found(
            "{}",
            "metrics",
            "[{name: web, port: 80, targetPort: 8080}, {name: admin, port: 9000, targetPort: 9090}]",
        )
        .unwrap();
        assert_eq!(e.port, Ok("admin".to_string()));
    }

    #[test]
    fn prometheus_annotations_give_the_port_and_path_and_scrape_false_gives_nothing() {
        let ann = "{prometheus.io/scrape: \"true\", prometheus.io/port: \"9090\", prometheus.io/path: /stats}";
        let e = found(ann, "admin", "[{port: 80, targetPort: 8080}, {port: 9000, targetPort: 9090}]").unwrap();
        assert_eq!(e.port, Err(Node::new(Value::Int(9090))), "an unnamed port is scraped by its target port");
        assert_eq!(e.path, "/stats");
        let off = "{prometheus.io/scrape: \"false\", prometheus.io/port: \"9090\"}";
        assert_eq!(found(off, "metrics", "[{name: metrics, port: 9090}]"), None);
        assert_eq!(found("{}", "admin", "[{name: http, port: 80}]"), None, "nothing says metrics");
    }
}
