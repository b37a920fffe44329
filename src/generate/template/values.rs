//! The chart's values: one ordered tree with a description (and schema hints) per key.
//!
//! `values.yaml`, and later the schema and the README table, are all written from this model
//! so that they cannot drift apart.

use std::collections::{BTreeMap, HashMap};

use crate::yaml::emit::emit_scalar_after;
use crate::yaml::{Node, Value, emit_key};

use crate::generate::analyze::names::values_ref;

/// What a value is, beyond its YAML type (used for the schema and docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// No extra constraint.
    Plain,
    /// An integer count (replicas) ≥ 0.
    Count,
    /// A TCP/UDP port 1-65535.
    Port,
    /// A container port by number (1-65535) or by name (an IANA service name).
    PortOrName,
    /// A Kubernetes quantity (cpu, memory, storage).
    Quantity,
    /// One of the listed strings.
    Enum(Vec<&'static str>),
    /// An integer or a percentage string (PDB, rolling update).
    IntOrPercent,
    /// A cron schedule.
    Cron,
    /// A DNS-1123 name.
    DnsName,
    /// A percentage 1-100.
    Percent,
    /// An integer ≥ 1.
    Positive,
    /// A map Kubernetes passes through with any keys (affinity, security contexts...).
    OpenMap,
    /// A map of strings with any keys (labels, annotations, nodeSelector, ConfigMap data).
    StringMap,
    /// Labels added next to the chart's standard labels and the input's own: any keys but
    /// those, the input's listed here (a key twice in one map stops the install).
    ExtraLabels(Vec<String>),
    /// Container resources: requests and limits of quantities (extended resources allowed).
    Resources,
    /// A list passed through as is.
    OpenList,
    /// A list of Kubernetes objects (`extraObjects`).
    ObjectList,
    /// A list of EnvVar objects (`extraEnv`).
    EnvVars,
    /// A list of containers (`extraContainers`), each with a name.
    Containers,
    /// A list of strings (arguments, CIDR ranges).
    Strings,
    /// A node port: 0 (Kubernetes picks) or 1-65535.
    NodePort,
    /// A secret value.
    Secret,
    /// Ingress hosts with their paths; the Service keys paths may name (empty when every path
    /// goes to the one Service).
    IngressHosts(Vec<String>),
    /// Ingress TLS entries.
    IngressTls,
    /// A Service's list of ports.
    ServicePorts,
    /// A subchart's values: `enabled` plus whatever the subchart takes.
    Subchart,
}

/// Metadata for one key.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The `# --` description.
    pub desc: String,
    /// Schema hint.
    pub hint: Hint,
    /// The templates tolerate the key's absence, so a user may delete it with `key: null`
    /// (Helm's way): the schema does not require it.
    pub optional: bool,
}

/// The values tree.
#[derive(Debug, Clone)]
pub struct Values {
    /// The root mapping (private so that every change keeps [`Values::index`] true).
    root: Node,
    /// Metadata by path (keys joined with `\u{1f}`).
    pub meta: BTreeMap<String, Meta>,
    /// Where each key of the maps [`Values::set`] went through sits: thousands of objects put
    /// thousands of keys in one map, and a scan per key made generate quadratic.
    index: KeyIndex,
    /// Keys the defaults leave out that some environments set (an environment variable only
    /// they have, rendered when the key is present): path key → a value of theirs, so the
    /// schema admits the key without requiring it.
    pub unset_keys: BTreeMap<String, Node>,
}

impl Default for Values {
    fn default() -> Self {
        Values::from_root(Node::map(), BTreeMap::new())
    }
}

/// The positions of one map's keys (first occurrence, as [`Node::get`] finds them), built on
/// first use, and the same for the maps below it.
#[derive(Debug, Clone, Default)]
struct KeyIndex {
    built: bool,
    pos: HashMap<String, usize>,
    below: HashMap<String, KeyIndex>,
}

fn path_key(path: &[String]) -> String {
    path.join("\u{1f}")
}

/// A values path under a prefix.
pub fn join(prefix: &[String], keys: &[&str]) -> Vec<String> {
    prefix.iter().cloned().chain(keys.iter().map(|k| (*k).to_string())).collect()
}

impl Values {
    /// Values with this tree and metadata.
    pub fn from_root(root: Node, meta: BTreeMap<String, Meta>) -> Values {
        Values { root, meta, index: KeyIndex::default(), unset_keys: BTreeMap::new() }
    }

    /// The root mapping.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The root mapping, to change in place (the key index is rebuilt on next use).
    pub fn root_mut(&mut self) -> &mut Node {
        self.index = KeyIndex::default();
        &mut self.root
    }

    /// The node at a path of keys, found through the key index where it is built (see
    /// [`Values::reindex`]) and by a scan below that.
    pub fn lookup<S: AsRef<str>>(&self, path: &[S]) -> Option<&Node> {
        let mut node = &self.root;
        let mut index = Some(&self.index);
        for key in path {
            let key = key.as_ref();
            match index.filter(|ix| ix.built) {
                Some(ix) => {
                    node = &node.as_map()?.get(*ix.pos.get(key)?)?.1;
                    index = ix.below.get(key);
                }
                None => node = node.get(key)?,
            }
        }
        Some(node)
    }

    /// Indexes every map of the tree, for many [`Values::lookup`]s after a [`Values::root_mut`].
    pub fn reindex(&mut self) {
        fn build(node: &Node, index: &mut KeyIndex) {
            let Some(m) = node.as_map() else { return };
            *index = KeyIndex { built: true, ..KeyIndex::default() };
            for (i, (k, v)) in m.iter().enumerate() {
                let Some(k) = k.as_str() else { continue };
                if index.pos.contains_key(k) {
                    continue;
                }
                index.pos.insert(k.to_string(), i);
                if v.as_map().is_some() {
                    build(v, index.below.entry(k.to_string()).or_default());
                }
            }
        }
        build(&self.root, &mut self.index);
    }

    /// Sets a value (creating parent maps) and returns its `.Values` reference.
    pub fn set(&mut self, path: &[String], value: Node, desc: impl Into<String>, hint: Hint) -> String {
        set_indexed(&mut self.root, &mut self.index, path, value);
        self.meta.insert(path_key(path), Meta { desc: desc.into(), hint, optional: false });
        values_ref(path)
    }

    /// Puts the top-level keys named in `first` first, in that order, and those in `last` last;
    /// the others keep their order in between.
    pub fn reorder_root(&mut self, first: &[&str], last: &[&str]) {
        let Some(m) = self.root.as_map_mut() else { return };
        let rank = |k: &Node| {
            let k = k.as_str().unwrap_or_default();
            match (first.iter().position(|f| *f == k), last.iter().position(|l| *l == k)) {
                (Some(i), _) => (0, i),
                (None, Some(i)) => (2, i),
                (None, None) => (1, 0),
            }
        };
        // A stable sort keeps the input order within the middle group.
        m.sort_by_key(|(k, _)| rank(k));
        // The maps below moved whole; only the root's positions changed.
        if self.index.built {
            self.index.pos.clear();
            for (i, (k, _)) in m.iter().enumerate() {
                if let Some(k) = k.as_str() {
                    self.index.pos.entry(k.to_string()).or_insert(i);
                }
            }
        }
    }

    /// Marks a key the templates read only when present (see [`Meta::optional`]).
    pub fn mark_optional(&mut self, path: &[String]) {
        if let Some(m) = self.meta.get_mut(&path_key(path)) {
            m.optional = true;
        }
    }

    /// Describes an intermediate key (a mapping) without setting a value.
    pub fn describe(&mut self, path: &[String], desc: impl Into<String>) {
        let key = path_key(path);
        self.meta.entry(key).or_insert(Meta { desc: desc.into(), hint: Hint::Plain, optional: false });
    }

    /// Replaces the description of a key already described or set.
    pub fn describe_again(&mut self, path: &[String], desc: impl Into<String>) {
        if let Some(m) = self.meta.get_mut(&path_key(path)) {
            m.desc = desc.into();
        }
    }

    /// Metadata for a path.
    pub fn meta(&self, path: &[String]) -> Option<&Meta> {
        self.meta.get(&path_key(path))
    }

    /// True when a parent of `path` is a map Kubernetes passes through (its keys are data).
    fn in_pass_through(&self, path: &[String]) -> bool {
        (1..path.len()).any(|n| {
            self.meta(&path[..n]).is_some_and(|m| {
                matches!(m.hint, Hint::OpenMap | Hint::StringMap | Hint::ExtraLabels(_) | Hint::Resources)
            })
        })
    }

    /// Takes a key out of the defaults while the schema still admits it (see
    /// [`Values::unset`]).
    pub fn unset(&mut self, path: &[String]) {
        let Some((last, parent)) = path.split_last() else { return };
        let mut node = &mut self.root;
        for k in parent {
            let Some(m) = node.as_map_mut() else { return };
            let Some(i) = m.iter().position(|(x, _)| x.as_str() == Some(k.as_str())) else { return };
            node = &mut m[i].1;
        }
        if let Some(v) = node.remove(last) {
            self.unset_keys.insert(path_key(path), v);
            self.index = KeyIndex::default();
        }
    }

    /// The keys under `path` that [`Values::unset`] took out, with a value of each.
    pub fn unset_under(&self, path: &[String]) -> Vec<(String, &Node)> {
        let prefix = path_key(path);
        self.unset_keys
            .iter()
            .filter_map(|(k, v)| {
                let rest =
                    if path.is_empty() { k.as_str() } else { k.strip_prefix(&prefix)?.strip_prefix('\u{1f}')? };
                (!rest.contains('\u{1f}')).then(|| (rest.to_string(), v))
            })
            .collect()
    }

    /// True when a path holds a value.
    pub fn has(&self, path: &[String]) -> bool {
        self.lookup(path).is_some()
    }

    /// `values.yaml`, with a `# --` comment above each described key.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        if let Some(m) = self.root.as_map() {
            self.emit_map(&mut out, m, 0, &mut Vec::new(), false);
        }
        out
    }

    fn emit_map(
        &self,
        out: &mut String,
        m: &[(Node, Node)],
        indent: usize,
        path: &mut Vec<String>,
        first_inline: bool,
    ) {
        for (i, (k, v)) in m.iter().enumerate() {
            let key = k.as_str().unwrap_or_default().to_string();
            path.push(key.clone());
            let inline = first_inline && i == 0;
            let fallback;
            let meta = match self.meta(path) {
                Some(m) => Some(m),
                // Keys the handlers group things under, and the keys of chart-owned maps.
                None if matches!(v.value, Value::Map(_)) && !self.in_pass_through(path) => {
                    fallback = Meta { desc: fallback_description(path), hint: Hint::Plain, optional: false };
                    Some(&fallback)
                }
                None => None,
            };
            if let Some(meta) = meta {
                if !inline {
                    if indent == 0 && !out.is_empty() {
                        out.push('\n');
                    }
                    for line in meta.desc.lines() {
                        out.push_str(&" ".repeat(indent));
                        out.push_str("# -- ");
                        push_comment_text(out, line);
                        out.push('\n');
                    }
                }
            }
            if !inline {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(&emit_key(&key));
            out.push(':');
            match &v.value {
                Value::Map(mm) if !mm.is_empty() => {
                    out.push('\n');
                    self.emit_map(out, mm, indent + 2, path, false);
                }
                Value::Seq(items) if !items.is_empty() => {
                    out.push('\n');
                    for item in items {
                        out.push_str(&" ".repeat(indent + 2));
                        out.push('-');
                        match &item.value {
                            Value::Map(im) if !im.is_empty() => {
                                out.push(' ');
                                // List items carry no per-key metadata.
                                let mut sub = Vec::new();
                                self.emit_map(out, im, indent + 4, &mut sub, true);
                            }
                            _ => {
                                let text = crate::yaml::emit_document(item);
                                let text = text.trim_end_matches('\n');
                                if text.contains('\n') {
                                    out.push('\n');
                                    for l in text.lines() {
                                        out.push_str(&" ".repeat(indent + 4));
                                        out.push_str(l);
                                        out.push('\n');
                                    }
                                } else {
                                    out.push(' ');
                                    out.push_str(text);
                                    out.push('\n');
                                }
                            }
                        }
                    }
                }
                other => emit_scalar_after(out, other, indent + 2),
            }
            path.pop();
        }
    }
}

/// Puts `value` at `path` below `root`, making each missing (or non-map) step a map; a key
/// already there keeps its place.
pub fn set_path(root: &mut Node, path: &[String], value: Node) {
    let Some((last, steps)) = path.split_last() else { return };
    let mut cur = root;
    for k in steps {
        if cur.get(k).is_none_or(|n| n.as_map().is_none()) {
            cur.set(k, Node::map());
        }
        cur = cur.get_mut(k).expect("just set");
    }
    cur.set(last, value);
}

/// [`set_path`] through `index`, which it keeps true: the same tree in time linear in the
/// keys set rather than quadratic.
fn set_indexed(node: &mut Node, index: &mut KeyIndex, path: &[String], value: Node) {
    let Some((first, rest)) = path.split_first() else { return };
    let Some(m) = node.as_map_mut() else { return };
    if !index.built {
        index.pos.clear();
        index.below.clear();
        for (i, (k, _)) in m.iter().enumerate() {
            if let Some(k) = k.as_str() {
                index.pos.entry(k.to_string()).or_insert(i);
            }
        }
        index.built = true;
    }
    let at = match index.pos.get(first) {
        Some(&i) => {
            if rest.is_empty() || m[i].1.as_map().is_none() {
                // A replaced value's keys are no longer where the index says.
                index.below.remove(first);
            }
            if rest.is_empty() {
                m[i].1 = value;
                return;
            }
            if m[i].1.as_map().is_none() {
                m[i].1 = Node::map();
            }
            i
        }
        None => {
            index.pos.insert(first.clone(), m.len());
            if rest.is_empty() {
                m.push((Node::str(first.as_str()), value));
                return;
            }
            m.push((Node::str(first.as_str()), Node::map()));
            m.len() - 1
        }
    };
    set_indexed(&mut m[at].1, index.below.entry(first.clone()).or_default(), rest, value);
}

/// Descriptions for keys the handlers group things under (the kinds' plural slot keys are
/// described from their descriptors when the handlers start, see `generate::new_gen`).
pub fn fallback_description(path: &[String]) -> String {
    let key = path.last().map(String::as_str).unwrap_or("");
    match key {
        "sidecars" => "Sidecar containers, by container name.".into(),
        "initContainers" => "Init containers, by container name.".into(),
        other => format!("Settings of `{other}`."),
    }
}

/// One line of a comment. Descriptions quote input names, and a YAML parser ends a comment at
/// any line break (`\r`, NEL, U+2028 too) and refuses control characters: those are escaped.
fn push_comment_text(out: &mut String, line: &str) {
    for c in line.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_index_gives_the_tree_a_scan_gives() {
        let p = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        let steps = ["a.b", "a.c", "x", "a.b.d", "x.y", "a.c", "a.b.e", "a", "a.f", "z.q"];
        let mut v = Values::default();
        let mut plain = Node::map();
        for (i, step) in steps.iter().enumerate() {
            let value = Node::new(Value::Int(i64::try_from(i).unwrap()));
            v.set(&p(step), value.clone(), "", Hint::Plain);
            set_path(&mut plain, &p(step), value);
            assert_eq!(crate::yaml::emit_document(v.root()), crate::yaml::emit_document(&plain), "after {step}");
        }
        for step in steps {
            assert_eq!(
                v.lookup(&p(step)).map(crate::yaml::emit_document),
                plain.path(&step.split('.').collect::<Vec<_>>()).map(crate::yaml::emit_document)
            );
        }
        v.root_mut().set("late", Node::str("x"));
        assert!(v.lookup(&["late"]).is_some(), "a change through root_mut is seen");
        v.reindex();
        assert_eq!(v.lookup(&["late"]).and_then(Node::as_str), Some("x"));
        assert!(v.lookup(&["a", "nothing"]).is_none());
    }

    #[test]
    fn values_keep_insertion_order_and_comments() {
        let mut v = Values::default();
        let p = |s: &[&str]| s.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        v.set(&p(&["replicaCount"]), Node::new(Value::Int(2)), "Pods to run.", Hint::Count);
        v.describe(&p(&["image"]), "Container image.");
        v.set(&p(&["image", "tag"]), Node::str("1.20"), "Image tag.", Hint::Plain);
        v.set(&p(&["image", "repository"]), Node::str("nginx"), "Image repository.", Hint::Plain);
        assert_eq!(
            v.to_yaml(),
            "# -- Pods to run.\nreplicaCount: 2\n\n# -- Container image.\nimage:\n  # -- Image tag.\n  tag: \"1.20\"\n  # -- Image repository.\n  repository: nginx\n"
        );
    }
}
