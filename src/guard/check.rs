//! The cross-field rules of a generated chart (see [`super`]) evaluated the way its
//! `<chart>.validateValues` template evaluates them (Go template truth, sprig's `int` and
//! `toString`): `generate` checks its own defaults with it, and `validate` the user's values
//! against the rules a chart ships under `x-chartwright-guards`.

use serde_json::Value as Json;

use super::{Check, Guard};
use crate::pointer::pointer_of as pointer;

/// One rule that `helm template` would stop at.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// JSON pointer of the object the rule constrains.
    pub pointer: String,
    /// The guard's own message.
    pub message: String,
    /// Pointers of the values that make the rule fail; the one the user set is blamed.
    pub blame: Vec<String>,
    /// Values that would pass, in words (`set podDisruptionBudget.minAvailable to 2`).
    pub fix: Option<String>,
}

/// Every rule of `rules` that the values break.
pub fn check(rules: &[Guard], values: &Json) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in rules {
        if let Err(v) = check_rule(r, values, &mut out) {
            out.push(v);
        }
    }
    out
}

fn join(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

/// `.Values.a.b.c`: a missing key reads as nil, but reading a field of nil or of a non-map
/// stops the template with an error, which is a violation of its own.
fn field<'a>(values: &'a Json, path: &[String]) -> Result<Option<&'a Json>, Violation> {
    let mut cur = Some(values);
    for (i, k) in path.iter().enumerate() {
        cur = match cur {
            Some(Json::Object(m)) => m.get(k),
            _ => {
                let parent = &path[..i];
                return Err(Violation {
                    pointer: pointer(parent),
                    message: format!(
                        "{}: must be a map for the chart's templates to read {}; Helm stops with a nil pointer error",
                        parent.join("."),
                        path.join(".")
                    ),
                    blame: vec![pointer(parent)],
                    fix: Some(format!("make {} a map", parent.join("."))),
                });
            }
        };
    }
    Ok(cur)
}

/// Go template truth: false, 0, nil and empty strings, lists and maps are false.
fn truthy(v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => false,
        Some(Json::Bool(b)) => *b,
        Some(Json::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Json::String(s)) => !s.is_empty(),
        Some(Json::Array(a)) => !a.is_empty(),
        Some(Json::Object(o)) => !o.is_empty(),
    }
}

/// sprig's `toString`, as far as the guards compare it: only `""`, `"0"`, `"0%"` and `"100%"`
/// matter, and no number but zero prints as one of them.
fn to_string(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "<nil>".into(),
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) if n.as_f64() == Some(0.0) && !n.to_string().starts_with('-') => "0".into(),
        Some(other) => other.to_string(),
    }
}

/// `kindIs "invalid" x` is false and `toString x` is not empty.
fn is_set(v: Option<&Json>) -> bool {
    !matches!(v, None | Some(Json::Null)) && !to_string(v).is_empty()
}

/// sprig's `int` (cast.ToInt without its error): numbers truncate, strings parse as Go
/// integer literals (`1.0` counts as `1`), anything else is 0.
fn to_int(v: Option<&Json>) -> i64 {
    match v {
        Some(Json::Number(n)) => n.as_i64().unwrap_or_else(|| n.as_f64().map_or(0, |f| f as i64)),
        Some(Json::Bool(b)) => i64::from(*b),
        Some(Json::String(s)) => parse_go_int(s),
        _ => 0,
    }
}

fn parse_go_int(s: &str) -> i64 {
    // cast trims a zero fraction ("3.0", "3.") before parsing.
    let s = match s.split_once('.') {
        Some((int, frac)) if frac.chars().all(|c| c == '0') => int,
        _ => s,
    };
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = digits.replace('_', "");
    let lower = digits.to_ascii_lowercase();
    let parsed = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16)
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2)
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8)
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8)
    } else {
        lower.parse::<i64>()
    };
    match parsed {
        Ok(n) if neg => -n,
        Ok(n) => n,
        Err(_) => 0,
    }
}

/// Values that make `check` of `rule` pass, given the other `values`.
fn fix_for(rule: &Guard, check: Check, values: &Json) -> String {
    let key = |k: &str| {
        let mut p = rule.slot().to_vec();
        p.push(k.to_string());
        p.join(".")
    };
    let int_at = |p: &[String]| field(values, p).ok().flatten().map_or(0, |v| to_int(Some(v)));
    match (rule, check) {
        (Guard::ImageRepository { image }, _) => {
            format!("set {}.repository to the image's repository", image.join("."))
        }
        (_, Check::IngressHosts) => format!("add a host to {}, or set {} to false", key("hosts"), key("enabled")),
        (_, Check::PdbBoth) => format!("set {} to \"\" (or null)", key("minAvailable")),
        (_, Check::PdbExactlyOne) => {
            format!("set {} to 1 and {} to \"\" (or null)", key("maxUnavailable"), key("minAvailable"))
        }
        (_, Check::PdbMaxZero) => format!("set {} to 1", key("maxUnavailable")),
        (Guard::Pdb { replicas, .. }, Check::PdbMinFull | Check::PdbMinReplicas) => {
            let count = replicas.as_ref().map_or(1, |p| int_at(p));
            if count > 1 {
                format!("set {} to {}", key("minAvailable"), count - 1)
            } else {
                format!("set {} to \"\" (or null) and {} to 1", key("minAvailable"), key("maxUnavailable"))
            }
        }
        (_, Check::HpaMinBelowOne) => format!("set {} to 1", key("minReplicas")),
        (_, Check::HpaMinAboveMax) => {
            format!(
                "set {} to {}",
                key("minReplicas"),
                int_at(&[rule.slot().to_vec(), vec!["maxReplicas".into()]].concat())
            )
        }
        (_, Check::HpaMaxBelowOne) => format!("set {} to 1", key("maxReplicas")),
        (_, Check::SecretBoth) => format!("empty {} or the secret values", key("existingSecret")),
        (_, Check::TrafficPolicyType) => {
            format!("set {} to LoadBalancer, or {} to \"\"", key("type"), key("externalTrafficPolicy"))
        }
        (_, Check::SourceRangesType) => {
            format!("set {} to LoadBalancer, or {} to []", key("type"), key("loadBalancerSourceRanges"))
        }
        (_, _) => "change the values this rule names".into(),
    }
}

fn check_rule(rule: &Guard, values: &Json, out: &mut Vec<Violation>) -> Result<(), Violation> {
    let slot_ptr = pointer(rule.slot());
    let mut push = |check: Check, blame: Vec<Vec<String>>| {
        out.push(Violation {
            pointer: slot_ptr.clone(),
            message: rule.message(check),
            blame: blame.iter().map(|p| pointer(p)).collect(),
            fix: Some(fix_for(rule, check, values)),
        });
    };
    match rule {
        Guard::ImageRepository { image } => {
            let repo = join(image, "repository");
            if !truthy(field(values, &repo)?) {
                push(Check::ImageRepository, vec![repo]);
            }
        }
        Guard::IngressHosts { slot } => {
            let (enabled, hosts) = (join(slot, "enabled"), join(slot, "hosts"));
            if truthy(field(values, &enabled)?) && !truthy(field(values, &hosts)?) {
                push(Check::IngressHosts, vec![hosts, enabled]);
            }
        }
        Guard::PdbFields { slot } => {
            if !truthy(field(values, &join(slot, "enabled"))?) {
                return Ok(());
            }
            let (min_p, max_p) = (join(slot, "minAvailable"), join(slot, "maxUnavailable"));
            if is_set(field(values, &min_p)?) && is_set(field(values, &max_p)?) {
                push(Check::PdbBoth, vec![min_p, max_p, join(slot, "enabled")]);
            }
        }
        Guard::Pdb { slot, replicas, autoscaling, count_known } => {
            let pdb = field(values, slot)?;
            if !truthy(pdb) {
                return Ok(());
            }
            if !truthy(field(values, &join(slot, "enabled"))?) {
                return Ok(());
            }
            let Some(Json::Object(m)) = pdb else { return Ok(()) };
            let (min_p, max_p) = (join(slot, "minAvailable"), join(slot, "maxUnavailable"));
            let (min, max) = (m.get("minAvailable"), m.get("maxUnavailable"));
            let (min_set, max_set) = (is_set(min), is_set(max));
            if min_set == max_set {
                push(Check::PdbExactlyOne, vec![min_p.clone(), max_p.clone(), join(slot, "enabled")]);
            }
            if max_set && matches!(to_string(max).as_str(), "0" | "0%") {
                push(Check::PdbMaxZero, vec![max_p]);
            }
            if min_set && to_string(min) == "100%" {
                push(Check::PdbMinFull, vec![min_p.clone()]);
            }
            if min_set && *count_known {
                let scaling_off = match autoscaling {
                    Some(p) => !truthy(field(values, p)?),
                    None => true,
                };
                if scaling_off && !matches!(min, Some(Json::String(_))) {
                    let count = match replicas {
                        Some(p) => to_int(field(values, p)?),
                        None => 1,
                    };
                    if to_int(min) >= count {
                        let mut blame = vec![min_p];
                        blame.extend(replicas.clone());
                        push(Check::PdbMinReplicas, blame);
                    }
                }
            }
        }
        Guard::HpaBounds { slot, has_min } => {
            if !truthy(field(values, &join(slot, "enabled"))?) {
                return Ok(());
            }
            let (min_p, max_p) = (join(slot, "minReplicas"), join(slot, "maxReplicas"));
            if *has_min {
                let min = to_int(field(values, &min_p)?);
                if min < 1 {
                    push(Check::HpaMinBelowOne, vec![min_p]);
                } else if min > to_int(field(values, &max_p)?) {
                    push(Check::HpaMinAboveMax, vec![min_p, max_p]);
                }
            } else if to_int(field(values, &max_p)?) < 1 {
                push(Check::HpaMaxBelowOne, vec![max_p]);
            }
        }
        Guard::ServiceType { slot } => {
            let ty_p = join(slot, "type");
            let ty = to_string(field(values, &ty_p)?);
            let policy = join(slot, "externalTrafficPolicy");
            if truthy(field(values, &policy)?) && !matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
                push(Check::TrafficPolicyType, vec![policy, ty_p.clone()]);
            }
            let ranges = join(slot, "loadBalancerSourceRanges");
            if truthy(field(values, &ranges)?) && ty != "LoadBalancer" {
                push(Check::SourceRangesType, vec![ranges, ty_p]);
            }
        }
        Guard::SecretSource { slot, keys } => {
            let existing = join(slot, "existingSecret");
            if truthy(field(values, &existing)?) {
                let mut set = Vec::new();
                for k in keys {
                    let p = join(slot, k);
                    if truthy(field(values, &p)?) {
                        set.push(p);
                        // `or` stops at the first true argument.
                        break;
                    }
                }
                if !set.is_empty() {
                    set.insert(0, existing);
                    push(Check::SecretBoth, set);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(p: &[&str]) -> Vec<String> {
        p.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn sprig_int_reads_go_integer_literals_and_gives_zero_otherwise() {
        assert_eq!(parse_go_int("12"), 12);
        assert_eq!(parse_go_int("3.0"), 3);
        assert_eq!(parse_go_int("0x10"), 16);
        assert_eq!(parse_go_int("010"), 8);
        assert_eq!(parse_go_int("-4"), -4);
        assert_eq!(parse_go_int("2.5"), 0);
        assert_eq!(parse_go_int("many"), 0);
        assert_eq!(to_int(Some(&json!(2.9))), 2);
    }

    #[test]
    fn hpa_bounds_compare_min_and_max_only_while_enabled() {
        let rule = Guard::HpaBounds { slot: s(&["autoscaling"]), has_min: true };
        let bad = json!({"autoscaling": {"enabled": true, "minReplicas": 8, "maxReplicas": 4}});
        let v = check(std::slice::from_ref(&rule), &bad);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].message, "autoscaling: minReplicas must not be greater than maxReplicas");
        let off = json!({"autoscaling": {"enabled": false, "minReplicas": 8, "maxReplicas": 4}});
        assert!(check(std::slice::from_ref(&rule), &off).is_empty());
    }

    #[test]
    fn reading_under_a_missing_map_is_a_violation_as_helm_stops_with_nil_pointer() {
        let rule = Guard::ImageRepository { image: s(&["web", "image"]) };
        let v = check(&[rule], &json!({"web": {}}));
        assert_eq!(v.len(), 1);
        assert!(v[0].message.contains("nil pointer"), "{}", v[0].message);
    }

    #[test]
    fn a_chart_from_before_keeps_its_pdb_rule_and_a_new_one_refuses_only_both_fields() {
        let old: Guard = serde_json::from_value(json!({"rule": "pdb", "slot": ["pdb"]})).unwrap();
        let drain = json!({"pdb": {"enabled": true, "minAvailable": "", "maxUnavailable": 0}});
        assert_eq!(check(std::slice::from_ref(&old), &drain).len(), 1, "0.1 charts fail on it, so validate does");
        let new = Guard::PdbFields { slot: s(&["pdb"]) };
        assert!(check(std::slice::from_ref(&new), &drain).is_empty(), "drain safety is lint's");
        let both = json!({"pdb": {"enabled": true, "minAvailable": 1, "maxUnavailable": 1}});
        assert_eq!(check(&[new], &both).len(), 1);
    }
}
