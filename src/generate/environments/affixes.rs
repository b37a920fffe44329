//! Finding each object across environments: the name prefixes and suffixes that differ per
//! environment (kustomize `namePrefix`/`nameSuffix`) and kustomize's hash suffixes on ConfigMap
//! and Secret names are split off, so `(group, kind, canonical name)` names one object in every
//! environment.

use std::collections::BTreeMap;

use crate::manifest::Object;

use super::context;

/// kustomize's hash alphabet: hex digits with 0, 1, 3, a and e replaced by g, h, k, m and t
/// (api/hasher `encode`), so a hash never spells a word.
const HASH_ALPHABET: &str = "245678 9bcdfghkmt";

/// `name` without a kustomize hash suffix (`-` and ten characters of `HASH_ALPHABET`) on a
/// ConfigMap or Secret, and the hash.
pub fn split_hash<'n>(kind: &str, name: &'n str) -> (&'n str, Option<&'n str>) {
    if !matches!(kind, "ConfigMap" | "Secret") || name.len() <= 11 || !name.is_ascii() {
        return (name, None);
    }
    let (stem, tail) = name.split_at(name.len() - 11);
    let hash = &tail[1..];
    if tail.starts_with('-') && hash.chars().all(|c| c != ' ' && HASH_ALPHABET.contains(c)) && !stem.is_empty() {
        (stem, Some(hash))
    } else {
        (name, None)
    }
}

/// The per-environment name affixes: `prefix[e]` and `suffix[e]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Affixes {
    /// Per environment.
    pub prefix: Vec<String>,
    /// Per environment.
    pub suffix: Vec<String>,
}

impl Affixes {
    fn none(n: usize) -> Affixes {
        Affixes { prefix: vec![String::new(); n], suffix: vec![String::new(); n] }
    }

    /// True when some environment has a prefix or suffix.
    pub fn any(&self) -> bool {
        self.prefix.iter().chain(&self.suffix).any(|s| !s.is_empty())
    }
}

/// Objects whose names the environments may prefix (kustomize leaves Namespaces and CRDs alone,
/// and the chart keeps cluster-wide class names).
pub(super) fn renamable(o: &Object) -> Option<&str> {
    let name = o.name.as_deref()?;
    (!context::keeps_literal_name(o, name)).then_some(name)
}

/// The environments' name stems (names without hashes) of renamable objects.
fn stems(envs: &[Vec<Object>]) -> Vec<Vec<String>> {
    envs.iter()
        .map(|objs| objs.iter().filter_map(|o| Some(split_hash(&o.kind, renamable(o)?).0.to_string())).collect())
        .collect()
}

fn common_prefix(names: &[String]) -> String {
    let Some(first) = names.first() else { return String::new() };
    let mut len = first.len();
    for n in &names[1..] {
        len = first.bytes().zip(n.bytes()).take(len).take_while(|(a, b)| a == b).count();
    }
    // Names are ASCII in Kubernetes, but input need not be: never cut inside a character.
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    first[..len].to_string()
}

fn common_suffix(names: &[String]) -> String {
    let rev: Vec<String> = names.iter().map(|n| n.chars().rev().collect()).collect();
    common_prefix(&rev).chars().rev().collect()
}

/// Splits `-`-ended segments: `prod-app-` → `prod-`, `app-`.
fn segments_prefix(p: &str) -> Vec<String> {
    p.split_inclusive('-').map(str::to_string).collect()
}

/// Splits `-`-started segments: `-app-prod` → `-app`, `-prod`.
fn segments_suffix(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, part) in s.split('-').enumerate() {
        if i == 0 {
            if !part.is_empty() {
                out.push(part.to_string());
            }
        } else {
            out.push(format!("-{part}"));
        }
    }
    out
}

/// Per environment, the part of every name before the last `-` they all share, without the
/// segments every environment shares.
fn detect_prefixes(stems: &[Vec<String>]) -> Vec<String> {
    let mut segs: Vec<Vec<String>> = stems
        .iter()
        .map(|s| {
            let p = common_prefix(s);
            let cut = p.rfind('-').map_or(0, |i| i + 1);
            // A prefix is never a whole name.
            let cut = if s.iter().any(|n| n.len() == cut) { 0 } else { cut };
            segments_prefix(&p[..cut])
        })
        .collect();
    while segs.iter().all(|s| !s.is_empty()) && segs.iter().all(|s| s.last() == segs[0].last()) {
        segs.iter_mut().for_each(|s| {
            s.pop();
        });
    }
    segs.into_iter().map(|s| s.concat()).collect()
}

fn detect_suffixes(stems: &[Vec<String>]) -> Vec<String> {
    let mut segs: Vec<Vec<String>> = stems
        .iter()
        .map(|s| {
            let p = common_suffix(s);
            let cut = p.find('-').unwrap_or(p.len());
            let kept = &p[cut..];
            if s.iter().any(|n| n.len() == kept.len()) { Vec::new() } else { segments_suffix(kept) }
        })
        .collect();
    while segs.iter().all(|s| !s.is_empty()) && segs.iter().all(|s| s.first() == segs[0].first()) {
        segs.iter_mut().for_each(|s| {
            s.remove(0);
        });
    }
    segs.into_iter().map(|s| s.concat()).collect()
}

/// The canonical name of a renamable object of environment `e` and its hash.
pub(super) fn canonical(a: &Affixes, e: usize, o: &Object) -> Option<(String, Option<String>)> {
    let name = renamable(o)?;
    let (stem, hash) = split_hash(&o.kind, name);
    let stem = stem.strip_prefix(a.prefix[e].as_str()).unwrap_or(stem);
    let stem = stem.strip_suffix(a.suffix[e].as_str()).unwrap_or(stem);
    Some((stem.to_string(), hash.map(str::to_string)))
}

/// How many objects the affixes match across environments (the same identity in two).
fn matches(envs: &[Vec<Object>], a: &Affixes) -> usize {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (e, objs) in envs.iter().enumerate() {
        for o in objs {
            if let Some((c, _)) = canonical(a, e, o) {
                *seen.entry((o.kind.clone(), c)).or_default() += 1;
            }
        }
    }
    seen.values().map(|n| n - 1).sum()
}

/// The per-environment prefixes and suffixes: those that match more objects across the
/// environments than none at all.
pub fn detect_affixes(envs: &[Vec<Object>]) -> Affixes {
    let none = Affixes::none(envs.len());
    if envs.len() < 2 {
        return none;
    }
    let stems = stems(envs);
    let prefix = detect_prefixes(&stems);
    let stripped: Vec<Vec<String>> = stems
        .iter()
        .zip(&prefix)
        .map(|(s, p)| s.iter().map(|n| n.strip_prefix(p.as_str()).unwrap_or(n).to_string()).collect())
        .collect();
    let suffix = detect_suffixes(&stripped);
    let found = Affixes { prefix, suffix };
    if found.any() && matches(envs, &found) > matches(envs, &none) { found } else { none }
}

/// What identifies one object across environments.
pub(super) type Key = (String, String, String, Option<String>);

pub(super) fn key_of(a: &Affixes, e: usize, o: &Object, main: &Option<String>) -> Key {
    let name = canonical(a, e, o).map(|(c, _)| c).or_else(|| o.name.clone()).unwrap_or_default();
    // A Namespace object of the environment's own namespace is the same in every environment.
    let name = if o.kind == "Namespace" && o.name == *main { "\u{0}main".to_string() } else { name };
    let ns = if o.namespace == *main { None } else { o.namespace.clone() };
    (o.group().to_string(), o.kind.clone(), name, ns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Loaded;

    fn objs(src: &str) -> Vec<Object> {
        let mut l = Loaded::default();
        crate::manifest::load_text("in.yaml", src.to_string(), &mut l).unwrap();
        l.objects
    }

    fn env(prefix: &str, hash: &str) -> Vec<Object> {
        objs(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {prefix}app-config-{hash}}}\n---\n\
             apiVersion: v1\nkind: Service\nmetadata: {{name: {prefix}app}}\n---\n\
             apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {prefix}app}}\n"
        ))
    }

    #[test]
    fn kustomize_hash_suffixes_split_off_configmap_and_secret_names_only() {
        assert_eq!(split_hash("ConfigMap", "app-config-4d7m6k5b42"), ("app-config", Some("4d7m6k5b42")));
        assert_eq!(split_hash("Secret", "db-6g68cb86kk"), ("db", Some("6g68cb86kk")));
        // Not the alphabet (a, e, 0, 1, 3 never appear), too short, or another kind.
        assert_eq!(split_hash("ConfigMap", "app-config-abcdefghij"), ("app-config-abcdefghij", None));
        assert_eq!(split_hash("ConfigMap", "app-0123456789"), ("app-0123456789", None));
        assert_eq!(split_hash("ConfigMap", "-4d7m6k5b42"), ("-4d7m6k5b42", None));
        assert_eq!(split_hash("Service", "app-4d7m6k5b42"), ("app-4d7m6k5b42", None));
    }

    #[test]
    fn name_prefixes_are_the_part_that_differs_per_environment() {
        let a = detect_affixes(&[env("staging-", "4d7m6k5b42"), env("production-", "6g68cb86kk")]);
        assert_eq!(a.prefix, ["staging-", "production-"]);
        assert_eq!(a.suffix, ["", ""]);
        // A base without a prefix, and a shared `app-` that is part of every name.
        let a = detect_affixes(&[env("", "4d7m6k5b42"), env("prod-", "6g68cb86kk")]);
        assert_eq!(a.prefix, ["", "prod-"]);
        let a = detect_affixes(&[env("", "4d7m6k5b42"), env("", "6g68cb86kk")]);
        assert!(!a.any());
    }

    #[test]
    fn a_prefix_found_in_one_environment_only_is_kept_only_when_it_matches_objects() {
        // dev's only name shares `web-` with nothing else: not a prefix.
        let dev = objs("apiVersion: v1\nkind: Service\nmetadata: {name: web-frontend}\n");
        let prod = objs(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web-frontend}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
        );
        assert!(!detect_affixes(&[dev, prod]).any());
    }

    #[test]
    fn name_suffixes_are_detected_like_prefixes() {
        let a = objs(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web-dev}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db-dev}\n",
        );
        let b = objs(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web-prod}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db-prod}\n",
        );
        let found = detect_affixes(&[a, b]);
        assert_eq!(found.suffix, ["-dev", "-prod"]);
        assert_eq!(found.prefix, ["", ""]);
    }

    #[test]
    fn names_that_are_not_ascii_never_split_inside_a_character() {
        assert_eq!(common_prefix(&["aé-x".to_string(), "aè-y".to_string()]), "a");
        let a = objs(
            "apiVersion: v1\nkind: Service\nmetadata: {name: dév-web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: dév-db}\n",
        );
        let b = objs(
            "apiVersion: v1\nkind: Service\nmetadata: {name: dèv-web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: dèv-db}\n",
        );
        assert_eq!(detect_affixes(&[a, b]).prefix, ["dév-", "dèv-"]);
    }
}
