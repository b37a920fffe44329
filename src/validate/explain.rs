//! Plain words for failures of `oneOf`, `anyOf`, `not` and `if`/`then`: which alternatives
//! failed and why, read off the schema itself, so that a chart user learns what to change
//! rather than that "more than one subschema matched".

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde::Serialize;
use serde_json::Value as Json;

/// A plain-words account of a combinator failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Explain {
    /// Alternatives that each need one key set, of which exactly one must be: the final words
    /// depend on which keys the user set (see [`exactly_one`]).
    ExactlyOne {
        /// The keys, in schema order.
        keys: Vec<String>,
        /// The keys that are set now.
        set: Vec<String>,
        /// For each key, the values that leave it unset (`""`, `null`).
        empty: Vec<Vec<String>>,
    },
    /// Finished words.
    Text(String),
    /// Keys that may not be set together (a `not` of "k is set" conditions): the words, and the
    /// keys, of which the one the user set is the line to show.
    Together {
        /// Finished words.
        text: String,
        /// The keys the condition names, in its order.
        keys: Vec<String>,
    },
    /// A rule that applies because of other values (`if`/`then`): the words, the object the
    /// condition reads, and the keys it reads there (the user may have set one of them, which
    /// is the line to show).
    When {
        /// Finished words.
        text: String,
        /// JSON pointer of the object.
        object: String,
        /// Keys of that object the condition reads.
        keys: Vec<String>,
    },
}

/// One alternative of a `oneOf`/`anyOf` and why it failed (nothing when it matched).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    /// 0-based index in the schema.
    pub index: usize,
    /// True when the values match this alternative.
    pub matched: bool,
    /// Why it does not match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<BranchError>,
}

/// One reason an alternative failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BranchError {
    /// JSON pointer into the chart's values.
    pub pointer: String,
    /// The failing keyword.
    pub keyword: String,
    /// Helm 4's wording.
    pub message: String,
}

/// The words for an `ExactlyOne` given which of the set keys the user (not the chart's
/// defaults) set: the others are the ones to empty.
pub fn exactly_one(keys: &[String], set: &[String], empty: &[Vec<String>], by_user: &[String]) -> String {
    let list = join_words(keys, "and");
    if set.is_empty() {
        return format!("set exactly one of {list}; none is set now");
    }
    let mut to_empty: Vec<&String> = set.iter().filter(|k| !by_user.contains(k)).collect();
    let all_but_one = to_empty.is_empty() || to_empty.len() == set.len();
    if all_but_one {
        to_empty = set.iter().collect();
    }
    let how = |k: &String| {
        let i = keys.iter().position(|x| x == k).unwrap_or(0);
        let ways = empty.get(i).cloned().unwrap_or_default();
        if ways.is_empty() { "unset".to_string() } else { format!("to {}", join_words(&ways, "or")) }
    };
    let parts: Vec<String> = to_empty.iter().map(|k| format!("set {k} {}", how(k))).collect();
    if all_but_one {
        format!("set exactly one of {list}; {}", parts.join(", or "))
    } else {
        format!("set exactly one of {list}; {}", parts.join(" and "))
    }
}

fn join_words(items: &[String], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conj} {last}", init.join(", ")),
    }
}

/// The per-branch details of a `oneOf`/`anyOf` failure.
pub fn branches(
    context: &[Vec<ValidationError<'_>>],
    message: &dyn Fn(&ValidationErrorKind, &Json) -> String,
) -> Vec<Branch> {
    context
        .iter()
        .enumerate()
        .map(|(index, errs)| Branch {
            index,
            matched: errs.is_empty(),
            errors: errs
                .iter()
                .map(|e| BranchError {
                    pointer: e.instance_path().as_str().to_string(),
                    keyword: e.kind().keyword().to_string(),
                    message: message(e.kind(), e.instance()),
                })
                .collect(),
        })
        .collect()
}

/// The explanation of one failure, if the schema lets us give one.
pub fn explain(e: &ValidationError<'_>, doc: &Json, branches: &[Branch]) -> Option<Explain> {
    let loc = e.schema_path().as_str().to_string();
    match e.kind() {
        ValidationErrorKind::OneOfMultipleValid { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            let alts = doc.pointer(&loc)?.as_array()?;
            if let Some(ex) = key_alternatives(alts, doc, &loc, branches) {
                return Some(ex);
            }
            let matched: Vec<String> =
                branches.iter().filter(|b| b.matched).map(|b| (b.index + 1).to_string()).collect();
            if matched.len() > 1 {
                return Some(Explain::Text(format!(
                    "the value matches alternatives {} of {}, but must match exactly one",
                    join_words(&matched, "and"),
                    alts.len()
                )));
            }
            none_matched(branches, e.instance_path().as_str())
        }
        ValidationErrorKind::AnyOf { .. } => none_matched(branches, e.instance_path().as_str()),
        ValidationErrorKind::Not { schema } => {
            let text = not_words(schema)?;
            let mut keys = Vec::new();
            condition_keys(schema, &mut keys);
            Some(if keys.is_empty() { Explain::Text(text) } else { Explain::Together { text, keys } })
        }
        kind => {
            // A failure inside `then`: say which condition made the rule apply.
            let at = loc.rfind("/then/")?;
            let if_schema = doc.pointer(&format!("{}/if", &loc[..at]))?;
            let cond = describe(if_schema)?;
            // Each `properties/<k>` step below `then` is one step down in the values.
            let below: Vec<&str> = loc[at + 6..].split('/').collect();
            let hops = below.iter().filter(|p| **p == "properties").count();
            if below.iter().any(|p| matches!(*p, "items" | "additionalProperties" | "patternProperties" | "$ref")) {
                return None;
            }
            let inst = e.instance_path().as_str();
            let object = inst.rsplitn(hops + 1, '/').last().unwrap_or_default().to_string();
            let mut keys: Vec<String> = if_schema
                .get("properties")
                .and_then(Json::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            let key = e.instance_path().as_str().rsplit('/').next().unwrap_or_default().to_string();
            let what = match kind {
                ValidationErrorKind::Required { property } => {
                    format!("{} must be set", property.as_str().map_or_else(|| property.to_string(), str::to_string))
                }
                ValidationErrorKind::MinItems { limit } => {
                    format!("{key} needs at least {limit} item{}", if *limit == 1 { "" } else { "s" })
                }
                ValidationErrorKind::MinLength { limit: 1 } => format!("{key} must not be empty"),
                _ => return None,
            };
            Some(Explain::When { text: format!("because {cond}, {what}"), object, keys })
        }
    }
}

/// `oneOf` alternatives that each say "this one key is set": the classic pair of keys of
/// which exactly one may be set.
fn key_alternatives(alts: &[Json], doc: &Json, loc: &str, branches: &[Branch]) -> Option<Explain> {
    let parent_required = parent_object(doc, loc)
        .and_then(|o| o.get("required"))
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).map(str::to_string).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut keys = Vec::new();
    let mut empty = Vec::new();
    for a in alts {
        let (k, mut ways) = key_branch(a)?;
        if !parent_required.contains(&k) {
            // Helm drops a key set to null, which leaves it unset.
            ways.push("null".into());
        }
        keys.push(k);
        empty.push(ways);
    }
    if keys.len() < 2 || branches.len() != keys.len() {
        return None;
    }
    let set: Vec<String> = keys.iter().zip(branches).filter(|(_, b)| b.matched).map(|(k, _)| k.clone()).collect();
    Some(Explain::ExactlyOne { keys, set, empty })
}

/// The object schema a combinator at `loc` belongs to.
fn parent_object<'a>(doc: &'a Json, loc: &str) -> Option<&'a Json> {
    let mut parts: Vec<&str> = loc.split('/').collect();
    while let Some(last) = parts.last() {
        let combinator = matches!(*last, "oneOf" | "anyOf" | "allOf" | "not" | "then" | "else" | "if")
            || (!last.is_empty() && last.chars().all(|c| c.is_ascii_digit()));
        if !combinator {
            break;
        }
        parts.pop();
    }
    doc.pointer(&parts.join("/"))
}

/// `{required: [k], properties: {k: {not: {const: ""}}}}`: the key, and the values that make
/// the alternative fail other than leaving the key out.
fn key_branch(s: &Json) -> Option<(String, Vec<String>)> {
    let o = s.as_object()?;
    if o.keys().any(|k| !matches!(k.as_str(), "required" | "properties" | "description" | "title")) {
        return None;
    }
    let [k] = o.get("required")?.as_array()?.as_slice() else { return None };
    let k = k.as_str()?.to_string();
    let mut ways = Vec::new();
    if let Some(props) = o.get("properties") {
        let props = props.as_object()?;
        if props.len() > 1 || (props.len() == 1 && !props.contains_key(&k)) {
            return None;
        }
        if let Some(p) = props.get(&k) {
            if let Some(c) = p.pointer("/not/const") {
                ways.push(c.to_string());
            } else if let Some(e) = p.pointer("/not/enum").and_then(Json::as_array) {
                ways.extend(e.iter().map(Json::to_string));
            } else if p.get("minLength").and_then(Json::as_u64) == Some(1) {
                ways.push("\"\"".into());
            } else {
                return None;
            }
        }
    }
    Some((k, ways))
}

/// A condition schema in words (`enabled is true`, `existingSecret is set`).
fn describe(s: &Json) -> Option<String> {
    if let Some((k, _)) = key_branch(s) {
        return Some(format!("{k} is set"));
    }
    let o = s.as_object()?;
    if let Some(all) = o.get("allOf").and_then(Json::as_array) {
        if o.len() == 1 {
            let parts: Option<Vec<String>> = all.iter().map(describe).collect();
            return Some(parts?.join(" and "));
        }
    }
    if let Some(any) = o.get("anyOf").and_then(Json::as_array) {
        if o.len() == 1 {
            let keys: Option<Vec<String>> = any.iter().map(|a| key_branch(a).map(|(k, _)| k)).collect();
            if let Some(keys) = keys {
                return Some(match keys.as_slice() {
                    [one] => format!("{one} is set"),
                    _ => format!("one of {} is set", join_words(&keys, "or")),
                });
            }
            let parts: Option<Vec<String>> = any.iter().map(describe).collect();
            return Some(parts?.join(" or "));
        }
    }
    // `{properties: {k: {const: v}}, required: [k]}`
    let props = o.get("properties")?.as_object()?;
    if o.keys().any(|k| !matches!(k.as_str(), "properties" | "required")) || props.len() != 1 {
        return None;
    }
    let (k, p) = props.iter().next()?;
    let c = p.as_object().filter(|p| p.len() == 1)?.get("const")?;
    Some(format!("{k} is {c}"))
}

/// The keys a condition of [`describe`] says are set.
fn condition_keys(s: &Json, out: &mut Vec<String>) {
    if let Some((k, _)) = key_branch(s) {
        out.push(k);
        return;
    }
    for combinator in ["allOf", "anyOf"] {
        for sub in s.get(combinator).and_then(Json::as_array).into_iter().flatten() {
            condition_keys(sub, out);
        }
    }
}

fn not_words(s: &Json) -> Option<String> {
    if let Some(c) = s.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("const")) {
        return Some(format!("must not be {c}"));
    }
    if let Some(e) = s.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("enum")).and_then(Json::as_array) {
        let items: Vec<String> = e.iter().map(Json::to_string).collect();
        return Some(format!("must not be any of {}", join_words(&items, "or")));
    }
    let cond = describe(s)?;
    Some(format!("not allowed together: {cond}; keep only one of them"))
}

/// No alternative matched: say why each failed, or just which types are accepted.
fn none_matched(branches: &[Branch], at: &str) -> Option<Explain> {
    if branches.is_empty() {
        return None;
    }
    let type_only =
        branches.iter().all(|b| b.errors.len() == 1 && b.errors[0].keyword == "type" && b.errors[0].pointer == at);
    if type_only {
        let mut wants: Vec<String> = Vec::new();
        let mut got = String::new();
        for b in branches {
            if let Some((g, w)) = b.errors[0].message.strip_prefix("got ").and_then(|m| m.split_once(", want ")) {
                got = g.to_string();
                wants.extend(w.split(" or ").map(str::to_string));
            }
        }
        wants.dedup();
        return Some(Explain::Text(format!("must be {}, not {got}", join_words(&wants, "or"))));
    }
    let parts: Vec<String> = branches
        .iter()
        .map(|b| {
            let why: Vec<String> = b
                .errors
                .iter()
                .map(|e| if e.pointer == at { e.message.clone() } else { format!("at '{}': {}", e.pointer, e.message) })
                .collect();
            format!("({}) {}", b.index + 1, why.join(", "))
        })
        .collect();
    Some(Explain::Text(format!("matches none of the {} alternatives: {}", branches.len(), parts.join("; "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn the_pdb_pair_names_the_key_the_user_did_not_set() {
        let keys = s(&["minAvailable", "maxUnavailable"]);
        let empty = vec![s(&["\"\"", "null"]), s(&["\"\""])];
        assert_eq!(
            exactly_one(&keys, &keys, &empty, &s(&["minAvailable"])),
            "set exactly one of minAvailable and maxUnavailable; set maxUnavailable to \"\""
        );
        assert_eq!(
            exactly_one(&keys, &keys, &empty, &s(&["maxUnavailable"])),
            "set exactly one of minAvailable and maxUnavailable; set minAvailable to \"\" or null"
        );
        assert_eq!(
            exactly_one(&keys, &[], &empty, &[]),
            "set exactly one of minAvailable and maxUnavailable; none is set now"
        );
    }

    #[test]
    fn conditions_read_as_words() {
        let set = |k: &str| serde_json::json!({"required": [k], "properties": {k: {"not": {"const": ""}}}});
        let secret = serde_json::json!({"allOf": [set("existingSecret"), {"anyOf": [set("password"), set("token")]}]});
        assert_eq!(
            not_words(&secret).unwrap(),
            "not allowed together: existingSecret is set and one of password or token is set; keep only one of them"
        );
        let enabled = serde_json::json!({"properties": {"enabled": {"const": true}}, "required": ["enabled"]});
        assert_eq!(describe(&enabled).unwrap(), "enabled is true");
        assert_eq!(not_words(&serde_json::json!({"enum": [0, "0"]})).unwrap(), "must not be any of 0 or \"0\"");
    }
}
