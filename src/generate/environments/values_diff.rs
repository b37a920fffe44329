//! The values of several environments: their union (the base environment winning), each
//! `values-<env>.yaml` as the difference from it, and the schema widened to admit each
//! environment's own scalars.

use std::collections::HashMap;

use crate::yaml::{MapBuilder, Node, Value, key_index};

use super::values::{Hint, Values};

/// True when the key at `path` holds data Kubernetes passes through (not the chart's keys).
fn is_leaf(values: &Values, path: &[String]) -> bool {
    values.meta(path).is_some_and(|m| matches!(m.hint, Hint::StringMap | Hint::OpenMap | Hint::Resources))
}

/// Adds to `u` the keys of `v` it lacks, inside the chart's own maps.
pub(super) fn add_missing(u: &mut Node, v: &Node, path: &mut Vec<String>, meta: &Values) {
    let Some(vm) = v.as_map() else { return };
    let Some(um) = u.as_map_mut() else { return };
    // An index of `u`'s keys: a values map holds thousands when there are thousands of objects.
    let mut index: HashMap<String, usize> = HashMap::with_capacity(um.len());
    for (i, (k, _)) in um.iter().enumerate() {
        if let Some(k) = k.as_str() {
            index.entry(k.to_string()).or_insert(i);
        }
    }
    for (k, vv) in vm {
        let key = k.as_str().unwrap_or_default().to_string();
        path.push(key.clone());
        match index.get(&key) {
            None => {
                index.insert(key.clone(), um.len());
                um.push((Node::str(&key), vv.clone()));
            }
            Some(&i) => {
                let uv = &mut um[i].1;
                if uv.as_map().is_some() && vv.as_map().is_some() && !is_leaf(meta, path) {
                    add_missing(uv, vv, path, meta);
                }
            }
        }
        path.pop();
    }
}

/// Removes the key at `path` from a values tree.
pub(super) fn remove_path(node: &mut Node, path: &[String]) {
    let Some((last, parent)) = path.split_last() else { return };
    let mut n = node;
    for k in parent {
        let Some(m) = n.as_map_mut() else { return };
        let Some(i) = m.iter().position(|(x, _)| x.as_str() == Some(k.as_str())) else { return };
        n = &mut m[i].1;
    }
    n.remove(last);
}

/// The chart's defaults with one environment's values over them (keys it lacks keep the
/// default: only templates the environment does not render read them).
pub(super) fn overlay(u: &Node, v: &Node, path: &mut Vec<String>, meta: &Values) -> Node {
    let Some(vm) = v.as_map() else { return v.clone() };
    let Some(um) = u.as_map() else { return u.clone() };
    let ui = key_index(um);
    let mut out = MapBuilder::from_node(u);
    for (k, vv) in vm {
        let key = k.as_str().unwrap_or_default().to_string();
        path.push(key.clone());
        let merged = match ui.get(&Some(key.as_str())).map(|&i| &um[i].1) {
            Some(uv) if uv.as_map().is_some() && vv.as_map().is_some() && !is_leaf(meta, path) => {
                overlay(uv, vv, path, meta)
            }
            _ => vv.clone(),
        };
        out.set(&key, merged);
        path.pop();
    }
    out.into_node()
}

/// Settings under an `enabled: false` toggle that is off by default too are read by nothing
/// the environment renders: they keep the defaults, so they cost no line (the HPA an
/// environment does not scaffold differently, say).
pub(super) fn keep_switched_off(u: &Node, f: &mut Node, path: &mut Vec<String>, meta: &Values) {
    let off = |n: &Node| n.get("enabled").is_some_and(|v| v.value == Value::Bool(false));
    if !path.is_empty() && off(u) && off(f) {
        *f = u.clone();
        return;
    }
    let Some(um) = u.as_map() else { return };
    let at: Vec<Option<usize>> = {
        let Some(fm) = f.as_map() else { return };
        let fi = key_index(fm);
        um.iter().map(|(k, _)| fi.get(&Some(k.as_str().unwrap_or_default())).copied()).collect()
    };
    let Some(fm) = f.as_map_mut() else { return };
    for ((k, uv), at) in um.iter().zip(at) {
        let key = k.as_str().unwrap_or_default().to_string();
        path.push(key.clone());
        if uv.as_map().is_some() && !is_leaf(meta, path) {
            if let Some(i) = at {
                keep_switched_off(uv, &mut fm[i].1, path, meta);
            }
        }
        path.pop();
    }
}

/// A replica count under autoscaling that is on is read by nothing (the workload renders no
/// replicas then): it keeps the default, so values-<env>.yaml holds no key that does nothing.
pub(super) fn keep_ignored_replicas(u: &Node, f: &mut Node) {
    let on = f.get("autoscaling").and_then(|a| a.get("enabled")).is_some_and(|v| v.value == Value::Bool(true));
    if on {
        if let Some(d) = u.get("replicaCount") {
            let d = d.clone();
            if let Some(m) = f.as_map_mut() {
                if let Some(slot) = m.iter_mut().find(|(k, _)| k.as_str() == Some("replicaCount")) {
                    slot.1 = d;
                }
            }
        }
    }
    let Some(fm) = f.as_map_mut() else { return };
    for (k, fv) in fm.iter_mut() {
        let Some(k) = k.as_str() else { continue };
        if fv.as_map().is_some() {
            if let Some(uv) = u.get(k) {
                keep_ignored_replicas(uv, fv);
            }
        }
    }
}

/// Makes the schema accept the scalars of `env` where they differ from the defaults `base`:
/// another type or another enum member at that key. Keys stay as closed as they were, so typos
/// are still refused.
pub(in crate::generate) fn widen(schema: &mut serde_json::Value, base: &serde_json::Value, env: &serde_json::Value) {
    use serde_json::Value as Json;
    match (base, env) {
        (Json::Object(b), Json::Object(e)) => {
            for (k, ev) in e {
                let Some(bv) = b.get(k) else { continue };
                if let Some(sub) = schema.get_mut("properties").and_then(|p| p.get_mut(k)) {
                    widen(sub, bv, ev);
                }
            }
        }
        (_, Json::Object(_) | Json::Array(_)) => {}
        (b, e) if b == e => {}
        (_, e) => {
            let Some(obj) = schema.as_object_mut() else { return };
            if let Some(Json::Array(options)) = obj.get_mut("enum") {
                if !options.contains(e) {
                    options.push(e.clone());
                }
            }
            let t = match e {
                Json::Null => "null",
                Json::Bool(_) => "boolean",
                Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Json::Number(_) => "number",
                _ => "string",
            };
            let admits = |x: &Json| x == t || (x == "number" && t == "integer");
            match obj.get_mut("type") {
                Some(Json::String(s)) if !admits(&Json::String(s.clone())) => {
                    let old = s.clone();
                    obj.insert("type".into(), serde_json::json!([old, t]));
                }
                Some(Json::Array(types)) if !types.iter().any(admits) => types.push(Json::String(t.into())),
                _ => {}
            }
        }
    }
}

/// What an environment's values file must hold so that Helm's coalescing of it over `u` gives
/// `f`: keys that differ (lists whole, as Helm replaces lists) and `null` for a default key the
/// environment lacks (Helm deletes a key set to null).
pub fn diff(u: &Node, f: &Node) -> Option<Node> {
    if u == f {
        return None;
    }
    match (u.as_map(), f.as_map()) {
        (Some(um), Some(fm)) => {
            let (ui, fi) = (key_index(um), key_index(fm));
            let mut out = MapBuilder::default();
            for (k, fv) in fm {
                let key = k.as_str().unwrap_or_default();
                match ui.get(&Some(key)).map(|&i| &um[i].1) {
                    Some(uv) => {
                        if let Some(d) = diff(uv, fv) {
                            out.set(key, d);
                        }
                    }
                    None => out.set(key, fv.clone()),
                }
            }
            for (k, _) in um {
                let key = k.as_str().unwrap_or_default();
                if !fi.contains_key(&Some(key)) {
                    out.set(key, Node::new(Value::Null));
                }
            }
            (!out.is_empty()).then(|| out.into_node())
        }
        _ => Some(f.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Node {
        crate::yaml::parse_stream(s).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn the_values_diff_holds_only_what_differs_with_null_for_dropped_keys() {
        let u = yaml("a: 1\nres: {limits: {cpu: 1, memory: 1Gi}}\nlist: [1, 2]\nsame: {x: 1}\n");
        let f = yaml("a: 2\nres: {limits: {memory: 2Gi}}\nlist: [1]\nsame: {x: 1}\n");
        let d = diff(&u, &f).unwrap();
        assert_eq!(d, yaml("a: 2\nres: {limits: {memory: 2Gi, cpu: null}}\nlist: [1]\n"));
        assert!(diff(&u, &u).is_none());
    }

    #[test]
    fn the_schema_admits_each_environments_scalars_and_stays_closed() {
        let mut schema = serde_json::json!({
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["", "ClusterIP"]},
                "surge": {"type": "integer"},
                "n": {"type": "number"}
            },
            "additionalProperties": false
        });
        let base = serde_json::json!({"type": "", "surge": 1, "n": 1.5});
        widen(&mut schema, &base, &serde_json::json!({"type": "NodePort", "surge": "25%", "n": 2, "typo": 1}));
        assert_eq!(schema["properties"]["type"]["enum"], serde_json::json!(["", "ClusterIP", "NodePort"]));
        assert_eq!(schema["properties"]["surge"]["type"], serde_json::json!(["integer", "string"]));
        // An integer is a number already; unknown keys stay refused.
        assert_eq!(schema["properties"]["n"]["type"], "number");
        assert!(schema["properties"].get("typo").is_none());
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn settings_under_a_toggle_off_in_the_defaults_and_the_environment_cost_no_line() {
        let values = Values::default();
        let u = yaml("autoscaling: {enabled: false, minReplicas: 1}\nreplicaCount: 1\n");
        let mut f = yaml("autoscaling: {enabled: false, minReplicas: 3}\nreplicaCount: 3\n");
        keep_switched_off(&u, &mut f, &mut Vec::new(), &values);
        assert_eq!(diff(&u, &f).unwrap(), yaml("replicaCount: 3\n"));
        // Switched on in the environment: its settings count.
        let mut on = yaml("autoscaling: {enabled: true, minReplicas: 3}\n");
        keep_switched_off(&u, &mut on, &mut Vec::new(), &values);
        assert_eq!(on, yaml("autoscaling: {enabled: true, minReplicas: 3}\n"));
    }
}
