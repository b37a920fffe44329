//! Two releases of one chart in one namespace: every input object is in each, no object name is
//! rendered by both, no selector of one selects the other's pods, and no reference still names
//! an object by its input name once that object was renamed. Used by `generate --verify` and
//! the conformance tests.
//!
//! The expected names are computed here from the naming rules the README documents (an oracle
//! independent of the generator's templates), and selectors are evaluated with Kubernetes'
//! label-selector semantics, `matchExpressions` included.

use std::collections::{BTreeMap, BTreeSet};

use crate::kube::WorkloadKind;
use crate::manifest::Object;
use crate::yaml::{Node, Value};

use crate::generate::analyze::names::{FULLNAME_LIMIT, cut, name_limit};

/// A rendered release: its name and objects.
pub struct Release<'a> {
    /// Release name.
    pub name: &'a str,
    /// What `helm template` rendered.
    pub objects: &'a [Object],
}

/// Kinds whose objects keep their names and are shared by releases (see the README).
fn shared(kind: &str) -> bool {
    crate::generate::analyze::context::place(kind) == crate::generate::template::kinds::registry::Place::Crds
        || crate::generate::analyze::context::is_shared_cluster_object(kind)
}

/// The chart's fullname under `release` with default values.
pub fn fullname(chart: &str, release: &str) -> String {
    let full = if release.contains(chart) { release.to_string() } else { format!("{release}-{chart}") };
    cut(&full, FULLNAME_LIMIT)
}

/// The name an input object renders under `release`: named by the documented rules, then cut
/// to its kind's limit with a hash of the whole name when it is longer.
pub fn expected_name(chart: &str, release: &str, o: &Object, name: &str) -> String {
    if crate::generate::analyze::context::keeps_literal_name(o, name) {
        return name.to_string();
    }
    let full = fullname(chart, release);
    let limit = name_limit(&o.kind);
    if name == chart {
        cut(&full, limit)
    } else if let Some(rest) = name.strip_prefix(&format!("{chart}-")) {
        cut(&format!("{full}-{rest}"), limit)
    } else if full == chart {
        name.to_string()
    } else {
        cut(&format!("{full}-{name}"), limit)
    }
}

/// Every broken promise between the input and releases rendered side by side in `namespace`:
/// each release holds every input object under its expected name, no two of its objects share a
/// kind and name, every name is within its kind's limit, and no two releases collide or select
/// each other's pods.
pub fn check<const N: usize>(
    chart: &str,
    input: &[Object],
    releases: [Release<'_>; N],
    namespace: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    let input: Vec<&Object> = input
        .iter()
        .filter(|o| {
            crate::generate::analyze::context::place(&o.kind)
                != crate::generate::template::kinds::registry::Place::LeftOut
        })
        .collect();
    for r in &releases {
        presence(chart, &input, r, &mut out);
        stale_references(chart, &input, r, &mut out);
        within(r, namespace, &mut out);
    }
    for (i, a) in releases.iter().enumerate() {
        for b in &releases[i + 1..] {
            collisions(a, b, &mut out);
            cross_selection(a, b, namespace, &mut out);
            cross_selection(b, a, namespace, &mut out);
        }
    }
    out
}

/// Two objects of one release with one kind, namespace and name (a name cut so that what told
/// them apart is gone), and names longer than their kind allows.
fn within(r: &Release<'_>, namespace: &str, out: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for o in r.objects {
        let Some(name) = o.name.as_deref() else { continue };
        let ns = o.namespace.clone().unwrap_or_else(|| namespace.to_string());
        if !seen.insert((o.group().to_string(), o.kind.clone(), ns, name.to_string())) {
            out.push(format!("release {}: two objects render as {}: their names collide", r.name, o.display_name()));
        }
        let limit = name_limit(&o.kind);
        if name.len() > limit {
            out.push(format!(
                "release {}: {} has a {}-character name; a {} name may have at most {limit}",
                r.name,
                o.display_name(),
                name.len(),
                o.kind
            ));
        }
    }
}

fn presence(chart: &str, input: &[&Object], r: &Release<'_>, out: &mut Vec<String>) {
    let rendered: BTreeSet<(&str, &str)> =
        r.objects.iter().filter_map(|o| Some((o.kind.as_str(), o.name.as_deref()?))).collect();
    for o in input {
        let Some(name) = &o.name else { continue };
        let want = expected_name(chart, r.name, o, name);
        if !rendered.contains(&(o.kind.as_str(), want.as_str())) {
            out.push(format!(
                "release {}: {} should render as {}/{want}, which is missing",
                r.name,
                o.display_name(),
                o.kind
            ));
        }
    }
}

fn collisions(a: &Release<'_>, b: &Release<'_>, out: &mut Vec<String>) {
    let key = |o: &Object| (o.group().to_string(), o.kind.clone(), o.namespace.clone(), o.name.clone());
    let first: BTreeSet<_> = a.objects.iter().filter(|o| !shared(&o.kind)).map(key).collect();
    for o in b.objects.iter().filter(|o| !shared(&o.kind)) {
        if first.contains(&key(o)) {
            out.push(format!(
                "releases {} and {} both render {}: their objects collide",
                a.name,
                b.name,
                o.display_name()
            ));
        }
    }
}

/// References in the rendered release that still use an input name its object no longer has.
fn stale_references(chart: &str, input: &[&Object], r: &Release<'_>, out: &mut Vec<String>) {
    let renamed: BTreeMap<&str, String> = input
        .iter()
        .filter_map(|o| {
            let name = o.name.as_deref()?;
            let new = expected_name(chart, r.name, o, name);
            (new != name).then_some((name, new))
        })
        .collect();
    // A name some object keeps (a shared class) is not stale anywhere.
    let kept: BTreeSet<&str> =
        input.iter().filter_map(|o| o.name.as_deref().filter(|n| expected_name(chart, r.name, o, n) == *n)).collect();
    if renamed.is_empty() {
        return;
    }
    let mut namespaces: BTreeSet<String> = input.iter().filter_map(|o| o.namespace.clone()).collect();
    // An input that names no namespace is applied to `default` (see `refs`).
    if namespaces.is_empty() {
        namespaces.insert("default".to_string());
    }
    for o in r.objects {
        let mut found = Vec::new();
        walk_strings(&o.node, "", &mut |path, key, s| {
            let key = if is_env_value(path) { ENV_VALUE } else { key };
            for (name, new) in &renamed {
                if !kept.contains(name) && names_as_reference(key, s, name, &namespaces) {
                    found.push(format!("{path}: {s:?} still names {name} (now {new})"));
                }
            }
        });
        for f in found {
            out.push(format!("release {}: {}: {f}", r.name, o.display_name()));
        }
    }
}

/// The key an environment variable's `value` is checked under: a whole value equal to a renamed
/// object's name is a reference to it (`METALLB_DEPLOYMENT: controller`).
const ENV_VALUE: &str = "env[].value";

/// Whether `path` is the `value` of an `env` list entry (a container's environment).
fn is_env_value(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    parts.next() == Some("value")
        && parts.next().is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
        && parts.next() == Some("env")
}

/// Keys whose whole value is an object's name.
const REFERENCE_KEYS: &[&str] = &["claimName", "secretName", "serviceName", "serviceAccountName", "configMapName"];

/// Whether `s`, the value of `key`, uses `name` as a reference: the whole value of a
/// reference field or of an environment variable, or a DNS token in a position only a reference takes (`name:port`,
/// `scheme://name`, `name.<namespace>`, `name.svc`, `--flag=name`, `ns/name`).
fn names_as_reference(key: &str, s: &str, name: &str, namespaces: &BTreeSet<String>) -> bool {
    if s == name && (REFERENCE_KEYS.contains(&key) || key == ENV_VALUE) {
        return true;
    }
    if key == "image" {
        return false;
    }
    let bytes = s.as_bytes();
    let dns = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.';
    let mut from = 0;
    while let Some(off) = s[from..].find(name) {
        let start = from + off;
        let end = start + name.len();
        from = start + 1;
        if start > 0 && dns(bytes[start - 1]) && bytes[start - 1] != b'.' {
            continue;
        }
        let before = &s[..start];
        let after = &s[end..];
        if after.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            continue;
        }
        if start > 0 && bytes[start - 1] == b'.' {
            continue;
        }
        let port = after.strip_prefix(':').is_some_and(|rest| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && !rest[digits..].starts_with(|c: char| c == '.' || c.is_ascii_alphanumeric() || c == '-')
        });
        let url = before.ends_with("://");
        let qualified = after.strip_prefix('.').is_some_and(|rest| {
            let label: String =
                rest.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
            label == "svc" || namespaces.contains(&label)
        });
        let flag = before.rsplit(char::is_whitespace).next().is_some_and(|w| w.starts_with("--") && w.ends_with('='))
            && (after.is_empty() || after.starts_with(char::is_whitespace));
        let namespaced = before.strip_suffix('/').is_some_and(|q| {
            let ns = q.rsplit(|c: char| c.is_whitespace() || c == '=').next().unwrap_or("");
            namespaces.contains(ns) || ns.ends_with("$(POD_NAMESPACE)")
        });
        if port || url || qualified || flag || namespaced {
            return true;
        }
    }
    false
}

/// Calls `f(path, key, value)` for every string in `n`.
fn walk_strings(n: &Node, path: &str, f: &mut dyn FnMut(&str, &str, &str)) {
    match &n.value {
        Value::Map(m) => {
            for (k, v) in m {
                let key = k.as_str().unwrap_or_default();
                if let Value::Str(s) = &v.value {
                    f(&format!("{path}/{key}"), key, s);
                } else {
                    walk_strings(v, &format!("{path}/{key}"), f);
                }
            }
        }
        Value::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                if let Value::Str(s) = &v.value {
                    f(&format!("{path}/{i}"), "", s);
                } else {
                    walk_strings(v, &format!("{path}/{i}"), f);
                }
            }
        }
        _ => {}
    }
}

/// The selectors of a rendered object that pick pods, with where they are.
fn selectors(o: &Object) -> Vec<(String, Node)> {
    let mut out = Vec::new();
    let mut push = |what: &str, n: Option<&Node>| {
        if let Some(n) = n {
            out.push((what.to_string(), n.clone()));
        }
    };
    match o.kind.as_str() {
        // A Service selector is a plain map; an empty one selects nothing.
        "Service" => {
            if let Some(sel) = o.node.path(&["spec", "selector"]).filter(|s| !s.is_empty_value()) {
                push("spec.selector", Some(&Node::new(Value::Map(vec![(Node::str("matchLabels"), sel.clone())]))));
            }
        }
        "PodDisruptionBudget" => push("spec.selector", o.node.path(&["spec", "selector"])),
        "NetworkPolicy" => {
            // An empty podSelector is every pod of the namespace, by design.
            push("spec.podSelector", o.node.path(&["spec", "podSelector"]).filter(|s| !s.is_empty_value()));
            for (rules, peers) in [("ingress", "from"), ("egress", "to")] {
                for rule in o.node.path(&["spec", rules]).and_then(Node::as_seq).into_iter().flatten() {
                    for peer in rule.get(peers).and_then(Node::as_seq).into_iter().flatten() {
                        if peer.get("namespaceSelector").is_none() {
                            push(
                                &format!("spec.{rules}.{peers}.podSelector"),
                                peer.get("podSelector").filter(|s| !s.is_empty_value()),
                            );
                        }
                    }
                }
            }
        }
        k => {
            if let Some(wk) = WorkloadKind::of(k).filter(|w| !matches!(w, WorkloadKind::Job | WorkloadKind::CronJob)) {
                let sel = o.node.path(&["spec", "selector"]);
                if wk == WorkloadKind::ReplicationController {
                    push(
                        "spec.selector",
                        sel.map(|s| Node::new(Value::Map(vec![(Node::str("matchLabels"), s.clone())]))).as_ref(),
                    );
                } else {
                    push("spec.selector", sel);
                }
            }
        }
    }
    out
}

/// Labels of the pods an object runs.
fn pod_labels(o: &Object) -> Option<&Node> {
    if o.kind == "Pod" {
        return o.node.path(&["metadata", "labels"]);
    }
    let wk = WorkloadKind::of(&o.kind)?;
    o.node.path(wk.pod_template_path()).and_then(|t| t.path(&["metadata", "labels"]))
}

fn cross_selection(a: &Release<'_>, b: &Release<'_>, namespace: &str, out: &mut Vec<String>) {
    let ns_of = |o: &Object| o.namespace.clone().unwrap_or_else(|| namespace.to_string());
    for s in a.objects {
        for (what, sel) in selectors(s) {
            for p in b.objects {
                let Some(labels) = pod_labels(p) else { continue };
                if ns_of(s) == ns_of(p) && matches(&sel, labels) {
                    out.push(format!(
                        "release {}: {} {what} selects the pods of {} of release {}",
                        a.name,
                        s.display_name(),
                        p.display_name(),
                        b.name
                    ));
                }
            }
        }
    }
}

/// Kubernetes label-selector semantics: every `matchLabels` pair and every
/// `matchExpressions` requirement must hold.
pub fn matches(selector: &Node, labels: &Node) -> bool {
    let label = |k: &str| labels.get(k).and_then(Node::as_str);
    let pairs_hold = selector.get("matchLabels").and_then(Node::as_map).into_iter().flatten().all(|(k, v)| {
        let k = k.as_str().unwrap_or_default();
        label(k).is_some() && label(k) == v.as_str()
    });
    let expressions_hold = selector.get("matchExpressions").and_then(Node::as_seq).into_iter().flatten().all(|e| {
        let key = e.str_at(&["key"]).unwrap_or_default();
        let values: Vec<&str> =
            e.get("values").and_then(Node::as_seq).into_iter().flatten().filter_map(Node::as_str).collect();
        match e.str_at(&["operator"]).unwrap_or_default() {
            "In" => label(key).is_some_and(|v| values.contains(&v)),
            "NotIn" => !label(key).is_some_and(|v| values.contains(&v)),
            "Exists" => label(key).is_some(),
            "DoesNotExist" => label(key).is_none(),
            _ => false,
        }
    });
    pairs_hold && expressions_hold
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(yaml: &str) -> Node {
        crate::yaml::parse_stream(yaml).unwrap().remove(0).root.unwrap()
    }

    fn object(kind: &str, name: &str) -> Object {
        let mut l = crate::manifest::Loaded::default();
        let text = format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n");
        crate::manifest::load_text("t.yaml", text, &mut l).unwrap();
        l.objects.remove(0)
    }

    #[test]
    fn selectors_follow_kubernetes_semantics() {
        let labels = node("app: web\ntier: front\n");
        assert!(matches(&node("matchLabels: {app: web}"), &labels));
        assert!(!matches(&node("matchLabels: {app: web, app.kubernetes.io/instance: blue}"), &labels));
        assert!(matches(&node("matchExpressions: [{key: tier, operator: In, values: [front, back]}]"), &labels));
        assert!(!matches(&node("matchExpressions: [{key: tier, operator: NotIn, values: [front]}]"), &labels));
        assert!(matches(&node("matchExpressions: [{key: zone, operator: DoesNotExist}]"), &labels));
        assert!(!matches(&node("matchExpressions: [{key: zone, operator: Exists}]"), &labels));
    }

    #[test]
    fn names_follow_the_documented_rules() {
        assert_eq!(fullname("shop", "blue"), "blue-shop");
        assert_eq!(fullname("shop", "shop-prod"), "shop-prod");
        let o = object("Service", "redis");
        assert_eq!(expected_name("shop", "shop", &o, "redis"), "redis");
        assert_eq!(expected_name("shop", "blue", &o, "redis"), "blue-shop-redis");
        assert_eq!(expected_name("shop", "blue", &o, "shop-api"), "blue-shop-api");
        assert_eq!(expected_name("shop", "blue", &object("IngressClass", "nginx"), "nginx"), "nginx");
        // Under a long release name a Service is cut to 63 with a hash, a ConfigMap is not.
        let release = "r".repeat(53);
        let svc = expected_name("shop", &release, &o, "redis-primary-cache");
        assert!(svc.len() <= 63 && svc.starts_with(&format!("{release}-")), "{svc}");
        assert_ne!(svc, expected_name("shop", &release, &o, "redis-primary-queue"));
        let cm = object("ConfigMap", "redis-primary-cache");
        assert_eq!(
            expected_name("shop", &release, &cm, "redis-primary-cache"),
            format!("{release}-shop-redis-primary-cache")
        );
    }

    #[test]
    fn names_cut_into_one_and_names_over_their_kinds_limit_are_reported() {
        let long = "x".repeat(64);
        let rendered = [object("Service", "a"), object("Service", "a"), object("Service", &long)];
        let mut out = Vec::new();
        within(&Release { name: "r", objects: &rendered }, "default", &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].contains("their names collide"), "{out:?}");
        assert!(out[1].contains("a 64-character name; a Service name may have at most 63"), "{out:?}");
        let fine = [object("Service", "a"), object("ConfigMap", "a"), object("ConfigMap", &long)];
        let mut out = Vec::new();
        within(&Release { name: "r", objects: &fine }, "default", &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn references_are_told_from_other_uses_of_a_name() {
        let ns: BTreeSet<String> = ["shop".to_string()].into();
        for s in ["redis:6379", "http://redis/x", "redis.shop", "redis.svc", "--host=redis", "shop/redis"] {
            assert!(names_as_reference("value", s, "redis", &ns), "{s}");
        }
        assert!(names_as_reference("claimName", "redis", "redis", &ns));
        assert!(names_as_reference(ENV_VALUE, "redis", "redis", &ns));
        assert!(!names_as_reference("value", "redis", "redis", &ns), "a parameter value is not an env value");
        assert!(is_env_value("/spec/template/spec/containers/0/env/3/value"));
        assert!(!is_env_value("/spec/arguments/parameters/0/value"));
        for s in ["redis", "redis-cli -h redis", "blue-shop-redis:6379", "redis-cart:1", "x.redis:1", "redis:7.2"] {
            assert!(!names_as_reference("value", s, "redis", &ns), "{s}");
        }
    }
}
