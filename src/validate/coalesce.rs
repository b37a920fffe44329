//! Helm's values pipeline after the user map is built: `ProcessDependencies` (conditions, tags,
//! aliases, `import-values`), then `CoalesceValues` (chart defaults, subchart scoping, `global`).
//! Follows Helm 4.1.4 (`pkg/chart/common/util/coalesce.go`, `pkg/chart/v2/util/dependencies.go`);
//! the one Helm 3.17 difference that changes verdicts, nested `null` handling, is switchable.

use super::chart::{Chart, Import};
use super::tree::{Entry, Map, ValueKind, ValueNode};
use crate::chart::constraint::compatible;

/// Which Helm's rules to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compat {
    /// Helm 3.17 (gojsonschema era).
    Helm3,
    /// Helm 4.1.
    Helm4,
}

/// A Helm error raised while coalescing (not a schema finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoalesceError {
    /// The subchart whose key holds a non-map value.
    pub sub: String,
    /// Go's type of the offending value.
    pub got: String,
    /// Where the offending value was set.
    pub at: Option<super::tree::Origin>,
}

/// Runs `ProcessDependencies` on a copy of `chart` for this user map and returns the chart tree
/// Helm would render: disabled subcharts removed, aliases applied, imports merged into defaults.
pub fn process_dependencies(chart: &Chart, user: &Map, compat: Compat) -> Result<Chart, CoalesceError> {
    let mut c = chart.clone();
    process_enabled(&mut c, user, "", compat)?;
    process_imports(&mut c, compat);
    Ok(c)
}

/// `CoalesceValues`: the final values of `chart` for the user map.
pub fn coalesce_values(chart: &Chart, user: &Map, compat: Compat) -> Result<Map, CoalesceError> {
    coalesce_values_owned(chart, user.clone(), compat)
}

/// [`coalesce_values`] consuming the user map (it is Helm's copy of it).
pub fn coalesce_values_owned(chart: &Chart, mut user: Map, compat: Compat) -> Result<Map, CoalesceError> {
    coalesce(chart, &mut user, false, compat)?;
    Ok(user)
}

fn process_enabled(c: &mut Chart, v: &Map, path: &str, compat: Compat) -> Result<(), CoalesceError> {
    if c.deps.is_empty() {
        return Ok(());
    }
    let mut subs: Vec<Chart> = c
        .subcharts
        .iter()
        .filter(|s| {
            !c.deps.iter().any(|d| s.name == d.name && compatible(d.version.as_deref().unwrap_or_default(), &s.version))
        })
        .cloned()
        .collect();
    for d in &mut c.deps {
        if let Some(found) = c
            .subcharts
            .iter()
            .find(|s| s.name == d.name && compatible(d.version.as_deref().unwrap_or_default(), &s.version))
        {
            let mut copy = found.clone();
            if let Some(a) = &d.alias {
                copy.name.clone_from(a);
            }
            subs.push(copy);
        }
        if let Some(a) = &d.alias {
            d.name.clone_from(a);
        }
    }
    c.subcharts = subs;
    let cvals = coalesce_values(c, v, compat)?;
    let mut enabled = vec![true; c.deps.len()];
    if let Some(tags) = cvals.get("tags").and_then(|e| e.val.as_map()) {
        for (i, d) in c.deps.iter().enumerate() {
            let (mut has_true, mut has_false) = (false, false);
            for t in &d.tags {
                if let Some(ValueKind::Bool(b)) = tags.get(t).map(|e| &e.val.kind) {
                    if *b {
                        has_true = true;
                    } else {
                        has_false = true;
                    }
                }
            }
            enabled[i] = has_true || !has_false;
        }
    }
    for (i, d) in c.deps.iter().enumerate() {
        for cond in d.condition.as_deref().unwrap_or_default().trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(ValueKind::Bool(b)) = path_value(&cvals, &format!("{path}{cond}")).map(|v| &v.kind) {
                enabled[i] = *b;
                break;
            }
        }
    }
    let removed: Vec<String> = c.deps.iter().zip(&enabled).filter(|(_, e)| !**e).map(|(d, _)| d.name.clone()).collect();
    c.subcharts.retain(|s| !removed.contains(&s.name));
    let cvals_v = cvals;
    for s in &mut c.subcharts {
        let sub_path = format!("{path}{}.", s.name);
        process_enabled(s, &cvals_v, &sub_path, compat)?;
    }
    c.deps.retain(|d| !removed.contains(&d.name));
    Ok(())
}

/// `Values.PathValue`: a non-table value at a dotted path.
fn path_value<'a>(m: &'a Map, path: &str) -> Option<&'a ValueNode> {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, tables) = parts.split_last()?;
    let mut cur = m;
    for p in tables {
        cur = cur.get(*p)?.val.as_map()?;
    }
    let v = &cur.get(*last)?.val;
    (!v.is_map()).then_some(v)
}

/// `Values.Table`: the map at a dotted path.
fn table<'a>(m: &'a Map, path: &str) -> Option<&'a Map> {
    let mut cur = m;
    for p in path.split('.') {
        cur = cur.get(p)?.val.as_map()?;
    }
    Some(cur)
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for p in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(p.to_string(), Entry { key_at: None, val: ValueNode::new(ValueKind::Map(cur)) });
        cur = m;
    }
    cur
}

fn process_imports(c: &mut Chart, compat: Compat) {
    for s in &mut c.subcharts {
        process_imports(s, compat);
    }
    if c.deps.is_empty() {
        return;
    }
    let mut cvals = Map::new();
    // MergeValues never fails on an empty user map: there is no user value to mismatch.
    let _ = coalesce(c, &mut cvals, true, compat);
    let mut b = Map::new();
    for d in &c.deps {
        for iv in &d.imports {
            let (child, parent) = match iv {
                Import::Pair { child, parent } => (child.clone(), parent.clone()),
                Import::Export(s) => (format!("exports.{s}"), ".".to_string()),
            };
            if let Some(t) = table(&cvals, &format!("{}.{child}", d.name)) {
                let src = path_to_map(&parent, t.clone());
                coalesce_tables(&mut b, src, true, compat);
            }
        }
    }
    coalesce_tables(&mut cvals, b, true, compat);
    c.values = ValueNode { kind: ValueKind::Map(cvals), at: c.values.at };
}

fn coalesce(c: &Chart, dest: &mut Map, merge: bool, compat: Compat) -> Result<(), CoalesceError> {
    coalesce_chart_values(c, dest, merge, compat);
    for sub in &c.subcharts {
        match dest.get(&sub.name) {
            None => {
                dest.insert(sub.name.clone(), Entry { key_at: None, val: ValueNode::empty_map() });
            }
            Some(e) if !e.val.is_map() => {
                return Err(CoalesceError {
                    sub: sub.name.clone(),
                    got: e.val.go_type().to_string(),
                    at: e.val.at.or(e.key_at),
                });
            }
            Some(_) => {}
        }
        let parent_global = dest.get("global").map(|e| e.val.clone());
        let entry = dest.get_mut(&sub.name).expect("inserted above");
        let dv = entry.val.as_map_mut().expect("checked above");
        coalesce_globals(dv, parent_global.as_ref(), compat);
        coalesce(sub, dv, merge, compat)?;
    }
    Ok(())
}

fn coalesce_globals(dest: &mut Map, src: Option<&ValueNode>, compat: Compat) {
    let mut dg = match dest.get("global") {
        None => Map::new(),
        Some(e) => match e.val.as_map() {
            Some(m) => m.clone(),
            None => return,
        },
    };
    let sg = match src {
        None => Map::new(),
        Some(v) => match v.as_map() {
            Some(m) => m.clone(),
            None => return,
        },
    };
    for (key, e) in sg {
        if let Some(sm) = e.val.as_map() {
            let mut vv = sm.clone();
            match dg.get(&key) {
                None => {
                    dg.insert(
                        key,
                        Entry { key_at: e.key_at, val: ValueNode { kind: ValueKind::Map(vv), at: e.val.at } },
                    );
                }
                Some(d) => {
                    if let Some(dm) = d.val.as_map() {
                        coalesce_tables(&mut vv, dm.clone(), true, compat);
                        dg.insert(
                            key,
                            Entry { key_at: e.key_at, val: ValueNode { kind: ValueKind::Map(vv), at: e.val.at } },
                        );
                    }
                }
            }
        } else if dg.get(&key).is_some_and(|d| d.val.is_map()) {
            // Helm skips a scalar global that would replace a table.
        } else {
            dg.insert(key, e);
        }
    }
    let at = dest.get("global").and_then(|e| e.val.at);
    let key_at = dest.get("global").and_then(|e| e.key_at);
    dest.insert("global".into(), Entry { key_at, val: ValueNode { kind: ValueKind::Map(dg), at } });
}

/// `coalesceValues`: chart defaults under the user map, for one chart.
fn coalesce_chart_values(c: &Chart, v: &mut Map, merge: bool, compat: Compat) {
    for (key, e) in c.values_map() {
        match v.get_mut(key) {
            Some(user) => {
                if user.val.is_null() && !merge {
                    v.remove(key);
                } else if let (Some(dest), Some(src)) = (user.val.as_map_mut(), e.val.as_map()) {
                    let merge = merge || c.subcharts.iter().any(|s| &s.name == key);
                    coalesce_tables(dest, src.clone(), merge, compat);
                }
            }
            None => {
                v.insert(key.clone(), e.clone());
            }
        }
    }
}

/// `coalesceTablesFullKey`: `dst` wins; maps merge; a user `null` deletes a default.
///
/// Helm 4 first overwrites `src[k]` with nil for every nil `dst[k]` and then deletes only keys
/// whose original `src` value was non-nil; deciding from the untouched `src` value is the same.
pub fn coalesce_tables(dst: &mut Map, src: Map, merge: bool, compat: Compat) {
    for (key, se) in src {
        let Some(de) = dst.get_mut(&key) else {
            dst.insert(key, se);
            continue;
        };
        if de.val.is_null() {
            let deletes = match compat {
                Compat::Helm4 => !se.val.is_null(),
                Compat::Helm3 => true,
            };
            if !merge && deletes {
                dst.remove(&key);
            }
        } else if let ValueKind::Map(sm) = se.val.kind {
            if let Some(dm) = de.val.as_map_mut() {
                coalesce_tables(dm, sm, merge, compat);
            }
        }
    }
}

/// The JSON of [`coalesce_values`] for a chart without subcharts, built straight from the user
/// map and the defaults without copying either tree. Runs that pass validation (most of them)
/// never need the positioned tree, so this is their fast path.
pub fn coalesce_json(defaults: &Map, user: &Map, compat: Compat) -> serde_json::Value {
    let mut out = serde_json::Map::with_capacity(defaults.len().max(user.len()));
    for (key, d) in defaults {
        match user.get(key) {
            None => {
                out.insert(key.clone(), d.val.to_json());
            }
            // A top-level user null always deletes (coalesceValues, not coalesceTables).
            Some(u) if u.val.is_null() => {}
            Some(u) => match (&u.val.kind, &d.val.kind) {
                (ValueKind::Map(um), ValueKind::Map(dm)) => {
                    out.insert(key.clone(), tables_json(um, dm, compat));
                }
                _ => {
                    out.insert(key.clone(), u.val.to_json());
                }
            },
        }
    }
    for (key, u) in user {
        if !defaults.contains_key(key) {
            out.insert(key.clone(), u.val.to_json());
        }
    }
    serde_json::Value::Object(out)
}

fn tables_json(dst: &Map, src: &Map, compat: Compat) -> serde_json::Value {
    let mut out = serde_json::Map::with_capacity(dst.len().max(src.len()));
    for (key, se) in src {
        match dst.get(key) {
            None => {
                out.insert(key.clone(), se.val.to_json());
            }
            Some(de) if de.val.is_null() => {
                let deletes = match compat {
                    Compat::Helm4 => !se.val.is_null(),
                    Compat::Helm3 => true,
                };
                if !deletes {
                    out.insert(key.clone(), serde_json::Value::Null);
                }
            }
            Some(de) => match (&de.val.kind, &se.val.kind) {
                (ValueKind::Map(dm), ValueKind::Map(sm)) => {
                    out.insert(key.clone(), tables_json(dm, sm, compat));
                }
                _ => {
                    out.insert(key.clone(), de.val.to_json());
                }
            },
        }
    }
    for (key, de) in dst {
        if !src.contains_key(key) {
            out.insert(key.clone(), de.val.to_json());
        }
    }
    serde_json::Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(j: serde_json::Value) -> Map {
        match ValueNode::from_json(&j, None).kind {
            ValueKind::Map(m) => m,
            _ => unreachable!(),
        }
    }

    fn js(m: Map) -> serde_json::Value {
        ValueNode::new(ValueKind::Map(m)).to_json()
    }

    #[test]
    fn user_nulls_delete_defaults_and_maps_merge() {
        let mut dst = map(serde_json::json!({"a": null, "b": {"x": 1}, "c": null}));
        coalesce_tables(&mut dst, map(serde_json::json!({"a": 1, "b": {"y": 2}, "d": [1]})), false, Compat::Helm4);
        assert_eq!(js(dst), serde_json::json!({"b": {"x": 1, "y": 2}, "c": null, "d": [1]}));
    }

    #[test]
    fn helm_4_keeps_a_user_null_over_a_null_default_and_helm_3_deletes_it() {
        let run = |compat| {
            let mut dst = map(serde_json::json!({"a": null}));
            coalesce_tables(&mut dst, map(serde_json::json!({"a": null})), false, compat);
            js(dst)
        };
        assert_eq!(run(Compat::Helm4), serde_json::json!({"a": null}));
        assert_eq!(run(Compat::Helm3), serde_json::json!({}));
    }

    #[test]
    fn the_json_fast_path_equals_the_positioned_coalesce() {
        let defaults = map(serde_json::json!({
            "a": 1, "b": {"x": 1, "y": null, "z": {"deep": true}}, "c": null, "d": [1, 2], "e": {"k": "v"}, "f": "s"
        }));
        let users = [
            serde_json::json!({}),
            serde_json::json!({"a": null, "b": {"x": null, "y": null, "z": {"deep": null, "new": 1}}, "c": null}),
            serde_json::json!({"b": 5, "d": {"m": 1}, "e": null, "g": null, "f": {"n": 2}}),
            serde_json::json!({"b": {"w": [1, {"q": null}]}, "e": {"k": null, "j": 1.5}}),
        ];
        let chart = Chart {
            name: "t".into(),
            version: "1.0.0".into(),
            values: ValueNode::new(ValueKind::Map(defaults.clone())),
            schema: None,
            schema_path: String::new(),
            schema_files: std::sync::Arc::default(),
            deps: Vec::new(),
            deps_file: std::sync::Arc::default(),
            subcharts: Vec::new(),
            id: 0,
        };
        for compat in [Compat::Helm3, Compat::Helm4] {
            for u in &users {
                let user = map(u.clone());
                let slow = js(coalesce_values(&chart, &user, compat).unwrap());
                assert_eq!(coalesce_json(&defaults, &user, compat), slow, "{compat:?} {u}");
            }
        }
    }

    #[test]
    fn dotted_paths_read_values_and_tables() {
        let m = map(serde_json::json!({"a": {"b": true, "c": {"d": 1}}}));
        assert!(matches!(path_value(&m, "a.b").map(|v| &v.kind), Some(ValueKind::Bool(true))));
        assert!(path_value(&m, "a.c").is_none());
        assert!(table(&m, "a.c").is_some());
        assert_eq!(js(path_to_map("x.y", map(serde_json::json!({"z": 1})))), serde_json::json!({"x": {"y": {"z": 1}}}));
    }
}
