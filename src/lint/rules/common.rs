//! Helpers shared by several rules.

use crate::yaml::{Node, Pos, Value};

use crate::lint::context::{Container, Ctx, Field, Out, Workload};

/// How a container is named in messages.
pub fn label(c: &Container<'_>) -> String {
    let kind = if c.init { "init container" } else { "container" };
    format!("{kind} \"{}\"", c.name)
}

/// A Kubernetes quantity (`500m`, `1.5`, `128Mi`, `1G`, `1e3`) in base units.
pub fn quantity(n: &Node) -> Option<f64> {
    let s = match &n.value {
        Value::Str(s) => s.trim().to_string(),
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => return Some(*i as f64),
        Value::Float(f) => return Some(*f),
        _ => return None,
    };
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, mult) in SUFFIXES {
        if let Some(num) = s.strip_suffix(suffix) {
            return num.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| v * mult);
        }
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Where to point for a field that is missing: the deepest part of `keys` that exists, and the
/// pointer of the whole path.
pub fn deepest<'a>(start: &Field<'a>, keys: &[&str]) -> (Pos, String) {
    let mut cur = start.clone();
    let mut ptr = start.ptr.clone();
    let mut found = true;
    for k in keys {
        ptr = format!("{ptr}/{k}");
        if found {
            match cur.get(k) {
                Some(next) => cur = next,
                None => found = false,
            }
        }
    }
    (cur.pos, ptr)
}

/// True when a LimitRange in the input gives containers a default for `resource` in `section`
/// (`default` for limits, `defaultRequest` for requests).
pub fn limit_range_default(cx: &Ctx<'_>, index: usize, section: &str, resource: &str) -> bool {
    let obj = cx.object(index);
    cx.of_kind("LimitRange").any(|(_, lr)| {
        Ctx::same_namespace(obj, lr)
            && lr
                .node
                .path(&["spec", "limits"])
                .and_then(Node::as_seq)
                .is_some_and(|ls| ls.iter().any(|l| l.path(&[section, resource]).is_some()))
    })
}

/// Reports a container that sets no `kind` (`requests`/`limits`) for `resource`.
pub fn missing_resource(cx: &Ctx<'_>, out: &mut Out<'_>, kind: &str, resource: &str, what: &str, help: &str) {
    for w in &cx.workloads {
        for c in w.containers() {
            let res = c.field.get("resources");
            let has = |k: &str| res.as_ref().and_then(|r| r.path(&[k, resource])).is_some();
            if has(kind) {
                continue;
            }
            // A request defaults to the limit when only the limit is set.
            if kind == "requests" && has("limits") {
                continue;
            }
            let section = if kind == "requests" { "defaultRequest" } else { "default" };
            if limit_range_default(cx, w.index, section, resource) {
                continue;
            }
            let (pos, ptr) = deepest(&c.field, &["resources", kind, resource]);
            out.report_at(cx, w.index, pos, &ptr, format!("{} has no {what}", label(&c)), help);
        }
    }
}

/// The `(requests, limits)` quantities of `resource` for a container, with their fields.
pub fn request_and_limit<'a>(c: &Container<'a>, resource: &str) -> Option<((Field<'a>, f64), (Field<'a>, f64))> {
    let req = c.field.path(&["resources", "requests", resource])?;
    let lim = c.field.path(&["resources", "limits", resource])?;
    let (r, l) = (quantity(req.node)?, quantity(lim.node)?);
    Some(((req, r), (lim, l)))
}

/// True for `0` and `"0%"`.
pub fn is_zero(n: &Node) -> bool {
    match &n.value {
        Value::Int(0) => true,
        Value::Str(s) => {
            let t = s.trim().trim_end_matches('%').trim();
            t.parse::<f64>().is_ok_and(|v| v == 0.0)
        }
        _ => false,
    }
}

/// The replica count a workload runs with: the fewest pods its scaler keeps when one resizes it
/// (HPA `minReplicas`, KEDA `minReplicaCount`), else `spec.replicas` (default 1). `None` for
/// kinds whose pod count is not fixed (DaemonSet, Job) and for a workload whose scaler may go
/// to zero or does not say (another resource with `scaleTargetRef`).
pub fn expected_replicas(cx: &Ctx<'_>, w: &Workload<'_>) -> Option<i64> {
    let kind = w.kind?;
    if !kind.has_replicas() {
        return None;
    }
    let obj = cx.object(w.index);
    if let Some((_, scaler)) = scaler_for(cx, w.index) {
        return scaler.min_pods;
    }
    match obj.node.path(&["spec", "replicas"]) {
        None => Some(1),
        Some(n) => n.as_i64(),
    }
}

/// How [`expected_replicas`] counted, for messages: `3 replicas` or `at least 3 replicas (HorizontalPodAutoscaler/x minReplicas)`.
pub fn replicas_phrase(cx: &Ctx<'_>, w: &Workload<'_>, n: i64) -> String {
    match scaler_for(cx, w.index) {
        Some((s, _)) if s.kind == "HorizontalPodAutoscaler" => {
            format!("at least {n} replicas ({} minReplicas)", s.display_name())
        }
        Some((s, _)) => format!("at least {n} replicas ({} minReplicaCount)", s.display_name()),
        None => format!("{n} replicas"),
    }
}

/// The object that sets the replica count of the object at `index` (an HPA, a KEDA
/// `ScaledObject`, another resource with `scaleTargetRef`), if any.
pub fn scaler_for<'a>(cx: &Ctx<'a>, index: usize) -> Option<(&'a crate::manifest::Object, crate::kube::Scaler<'a>)> {
    let obj = cx.object(index);
    cx.scalers().find_map(|s| {
        let scaler = crate::kube::scaler(&s.kind, &s.node)?;
        (Ctx::same_namespace(obj, s)
            && scaler.target_kind == obj.kind
            && Some(scaler.target_name) == obj.name.as_deref())
        .then_some((s, scaler))
    })
}

/// The HPA (index, object) that scales the object at `index`, if any.
pub fn hpa_for<'a>(cx: &Ctx<'a>, index: usize) -> Option<(usize, &'a crate::manifest::Object)> {
    let obj = cx.object(index);
    cx.of_kind("HorizontalPodAutoscaler").find(|(_, h)| {
        Ctx::same_namespace(obj, h)
            && h.node.str_at(&["spec", "scaleTargetRef", "kind"]) == Some(obj.kind.as_str())
            && h.node.str_at(&["spec", "scaleTargetRef", "name"]) == obj.name.as_deref()
    })
}

/// True when the container port entry `port` is the one `target` names: a number or numeric
/// string matches its `containerPort`, any other string its `name`.
pub fn port_matches(port: &Node, target: &Node) -> bool {
    let number = |n: i64| port.get("containerPort").and_then(Node::as_i64) == Some(n);
    match &target.value {
        Value::Int(n) => number(*n),
        Value::Str(s) => match s.parse::<i64>() {
            Ok(n) => number(n),
            Err(_) => port.get("name").and_then(Node::as_str) == Some(s),
        },
        _ => false,
    }
}

/// Probe keys in a fixed order.
pub const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

/// The handler part of a probe (what it calls), without timing fields.
pub fn probe_handler(probe: &Node) -> Option<&Node> {
    ["httpGet", "tcpSocket", "exec", "grpc"].iter().find_map(|k| probe.get(k))
}

/// A Service backend of an Ingress: the field naming the Service and the one naming its port.
pub struct Backend<'a> {
    /// `service.name` (v1) or `serviceName` (v1beta1).
    pub name: Field<'a>,
    /// `service.port.number`/`service.port.name` (v1) or `servicePort` (v1beta1).
    pub port: Option<Field<'a>>,
}

/// Every Service backend of an Ingress (default backend and rule paths, both API versions).
pub fn ingress_backends(ing: &crate::manifest::Object) -> Vec<Backend<'_>> {
    let root = Field::root(&ing.node);
    let Some(spec) = root.get("spec") else { return Vec::new() };
    let mut backends: Vec<Field<'_>> = ["defaultBackend", "backend"].iter().filter_map(|k| spec.get(k)).collect();
    for rule in spec.get("rules").map(|r| r.items()).unwrap_or_default() {
        for path in rule.path(&["http", "paths"]).map(|p| p.items()).unwrap_or_default() {
            backends.extend(path.get("backend"));
        }
    }
    backends
        .into_iter()
        .filter_map(|b| {
            if let Some(svc) = b.get("service") {
                let port = svc.path(&["port", "number"]).or_else(|| svc.path(&["port", "name"]));
                return Some(Backend { name: svc.get("name")?, port });
            }
            Some(Backend { name: b.get("serviceName")?, port: b.get("servicePort") })
        })
        .collect()
}
