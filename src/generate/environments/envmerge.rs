//! Merging the template trees of one object from several environments into one template.
//!
//! Each environment's tree comes from the same handlers over that environment's version of the
//! object, so values the handlers made (replicas, images, resources...) already differ through
//! the values. What the handlers left literal and still differs is lifted here into a value per
//! environment; a mapping entry or a list item that only some environments have renders under a
//! boolean value; a node whose environments cannot share a template (a literal in one, a
//! template expression in another) renders each variant under its own boolean. Rendering the
//! merged template with an environment's values gives that environment's own template text, so
//! exactness carries over from the single-environment pipeline.

use std::collections::{BTreeMap, HashSet};

use crate::yaml::{Node, Value};

use super::names::{camel, tokens, values_ref};
use super::tpl::{Document, Entry, Tree, render};

/// A value the merge adds, with each environment's value (`None`: the environment does not
/// read it, so it keeps the chart's default).
#[derive(Debug, Clone)]
pub struct Lifted {
    /// Values path.
    pub path: Vec<String>,
    /// Per environment.
    pub per_env: Vec<Option<Node>>,
    /// The `# --` description.
    pub desc: String,
}

impl Lifted {
    /// Each environment's value, with the ones that do not matter set like the first
    /// environment's (or the first that matters), so they cost no line in values-<env>.yaml.
    pub fn resolved(&self) -> Vec<Node> {
        let fallback = self.per_env.iter().flatten().next().cloned().unwrap_or_else(|| Node::new(Value::Null));
        let base = self.per_env.first().cloned().flatten().unwrap_or(fallback);
        self.per_env.iter().map(|v| v.clone().unwrap_or_else(|| base.clone())).collect()
    }
}

/// Trees of one node, by environment.
type Bodies<'t> = Vec<(usize, &'t Tree)>;

/// An environment's value of a `.Values...` reference.
pub type ValueOf<'a> = dyn Fn(usize, &str) -> Option<Node> + 'a;

/// The merge of every object of a chart: the values it added so far.
pub struct Merger<'a> {
    /// The chart's name (values keys of sidecars leave it out).
    pub chart: String,
    /// Each environment's value of a reference.
    pub value_of: &'a ValueOf<'a>,
    /// Number of environments.
    pub envs: usize,
    /// True when a values path is already used (by the handlers or the merge).
    pub taken: &'a dyn Fn(&[String]) -> bool,
    /// True when new keys may go under this path (a map of the chart's own keys).
    pub chart_map: &'a dyn Fn(&[String]) -> bool,
    /// Values the merge added; add through [`Merger::lift`], which indexes their paths (one
    /// pushed directly is still seen, by a scan).
    pub lifted: Vec<Lifted>,
    /// Label values lifted once and shared: label key → indices in `lifted`.
    shared: BTreeMap<String, Vec<usize>>,
    /// The paths of `lifted[..indexed]`, and every prefix of them, so [`Merger::used`] does
    /// not scan every lifted value for every object (quadratic with thousands of objects).
    lifted_paths: HashSet<Vec<String>>,
    lifted_prefixes: HashSet<Vec<String>>,
    indexed: usize,
    /// Values keys that are the switch themselves (an environment variable kept in the `env`
    /// map renders when its key is present): each path and the environments that leave it out.
    pub absent: Vec<(Vec<String>, Vec<usize>)>,
    /// Where the current object's values go, and what it is called (for descriptions).
    slot: Vec<String>,
    what: String,
}

/// Path segments that say nothing about what a value is.
const STRUCTURAL: &[&str] = &["spec", "template", "metadata", "containers", "initContainers", "items", "data"];

fn text(t: &Tree) -> String {
    render(&Document { body: t.clone(), condition: None })
}

fn all_equal(ts: &[(usize, &Tree)]) -> bool {
    let first = text(ts[0].1);
    ts[1..].iter().all(|(_, t)| text(t) == first)
}

impl<'a> Merger<'a> {
    /// A merger over `envs` environments.
    pub fn new(
        envs: usize,
        taken: &'a dyn Fn(&[String]) -> bool,
        chart_map: &'a dyn Fn(&[String]) -> bool,
        value_of: &'a ValueOf<'a>,
    ) -> Merger<'a> {
        Merger {
            chart: String::new(),
            value_of,
            envs,
            taken,
            chart_map,
            lifted: Vec::new(),
            lifted_paths: HashSet::new(),
            lifted_prefixes: HashSet::new(),
            indexed: 0,
            shared: BTreeMap::new(),
            absent: Vec::new(),
            slot: Vec::new(),
            what: String::new(),
        }
    }

    /// True when reference `r` is set (not empty, false or zero) in environment `e`.
    fn is_set(&self, e: usize, r: &str) -> bool {
        (self.value_of)(e, r)
            .is_some_and(|v| !v.is_empty_value() && !matches!(v.value, Value::Bool(false) | Value::Int(0)))
    }

    /// True when the merge already added `path` or a key under it, or above it.
    fn used(&self, path: &[String]) -> bool {
        let related = |l: &[String]| l.starts_with(path) || path.starts_with(l);
        (self.taken)(path)
            || self.lifted_prefixes.contains(path)
            || (0..=path.len()).any(|n| self.lifted_paths.contains(&path[..n]))
            || self.lifted[self.indexed..].iter().any(|l| related(&l.path))
    }

    /// Records a lifted value (see [`Merger::lifted`]), indexing its path for [`Merger::used`].
    pub fn lift(&mut self, l: Lifted) {
        self.lifted.push(l);
        for l in &self.lifted[self.indexed..] {
            for n in 0..=l.path.len() {
                self.lifted_prefixes.insert(l.path[..n].to_vec());
            }
            self.lifted_paths.insert(l.path.clone());
        }
        self.indexed = self.lifted.len();
    }

    /// A free values path near `wanted` (a number appended to the last key when taken).
    pub fn alloc(&self, wanted: Vec<String>) -> Vec<String> {
        let mut path = wanted.clone();
        let mut n = 2;
        while self.used(&path) {
            let last = path.len() - 1;
            path[last] = format!("{}{n}", wanted[last]);
            n += 1;
        }
        path
    }

    /// Records a value the merge adds.
    pub fn add(&mut self, path: Vec<String>, per_env: Vec<Option<Node>>, desc: String) -> String {
        let r = values_ref(&path);
        self.lift(Lifted { path, per_env, desc });
        r
    }

    /// Where the merge's own keys for the current object go (see [`Merger::merge_doc`]).
    fn home(&self, key: &str) -> Vec<String> {
        let mut p = self.slot.clone();
        p.push(key.to_string());
        p
    }

    /// A boolean value that is true in `on` environments and false in the others of `among`.
    fn condition(&mut self, path: &[String], on: &[usize], among: &[usize], what: &str) -> String {
        let (p, desc) = match self.own_toggle(path) {
            Some((p, thing)) => (p, format!("Render {thing} (only some environments have it).")),
            // A switch of its own, nested as a maintainer would write it (`argsDryRun.enabled`).
            // Inside a container with values of its own (`initContainers.migrate`), it goes there.
            None => {
                let at = path.iter().rposition(|s| s == "containers" || s == "initContainers");
                let own = at.and_then(|at| {
                    let values = self.container_values(&path[at], path.get(at + 1)?);
                    (values != self.slot && path.len() > at + 2).then(|| (values, key_name(&path[at + 2..])))
                });
                let wanted = match own {
                    Some((mut values, key)) => {
                        values.push(key);
                        values
                    }
                    None => self.home(&key_name(path)),
                };
                let mut p = self.alloc(wanted);
                p.push("enabled".to_string());
                (p, format!("Render {what} of {} (only some environments have it).", self.what))
            }
        };
        let per_env =
            (0..self.envs).map(|e| among.contains(&e).then(|| Node::new(Value::Bool(on.contains(&e))))).collect();
        self.add(p, per_env, desc)
    }

    /// The values of a container (`<slot>`, `<slot>.sidecars.<key>` or
    /// `<slot>.initContainers.<key>`) named at `path[i]`, where `path[i - 1]` is the list.
    fn container_values(&self, list: &str, name: &str) -> Vec<String> {
        let key = super::names::key_for(name, &self.chart);
        let group = if list == "containers" { "sidecars" } else { "initContainers" };
        let own: Vec<String> = self.slot.iter().cloned().chain([group.to_string(), key]).collect();
        if (self.chart_map)(&own) && (self.taken)(&own) { own } else { self.slot.clone() }
    }

    /// An `enabled` key beside the values of what the condition is about: a sidecar
    /// (`sidecars.<key>.enabled`) or a probe (`livenessProbe.enabled`).
    /// Returns the path and what it switches.
    fn own_toggle(&self, path: &[String]) -> Option<(Vec<String>, String)> {
        let at = path.iter().rposition(|s| s == "containers" || s == "initContainers")?;
        let name = path.get(at + 1)?;
        let mut p = self.container_values(&path[at], name);
        let kind = if path[at] == "containers" { "the container" } else { "the init container" };
        let thing = match &path[at + 2..] {
            [] if p != self.slot => format!("{kind} `{name}`"),
            [key] => {
                p.push(key.clone());
                format!("`{key}` of {kind} `{name}`")
            }
            _ => return None,
        };
        if p.is_empty() || !(self.chart_map)(&p) || !(self.taken)(&p) {
            return None;
        }
        p.push("enabled".to_string());
        (!self.used(&p)).then_some((p, thing))
    }

    /// `replicas` written always in environment `e` and only when not 1 in another (the input
    /// left it out there): where the count is not 1 both forms render the same, so `e` takes
    /// the other's form and no switch between the two is needed.
    fn unless_one(&self, e: usize, x: &Entry, lists: &[(usize, &Vec<Entry>)]) -> Option<Entry> {
        let Entry::If(c, body) = x else { return None };
        let prefix = format!("and ({c}) (ne (int ");
        lists.iter().flat_map(|(_, l)| l.iter()).find_map(|other| {
            let Entry::If(c2, body2) = other else { return None };
            let r = c2.strip_prefix(&prefix)?.strip_suffix(") 1)")?;
            let n = (self.value_of)(e, r)?;
            (text(&Tree::Map(body2.clone())) == text(&Tree::Map(body.clone())) && !matches!(n.value, Value::Int(1)))
                .then(|| other.clone())
        })
    }

    /// The handler's own switch of a block only some environments have (`livenessProbe.enabled`
    /// around the probe it templated): the block keeps it, and it becomes false in the
    /// environments without the block, rather than a second switch gating the first.
    fn handler_toggle(&mut self, path: &[String], entry: &Entry, on: &[usize], among: &[usize]) -> bool {
        let Entry::If(cond, _) = entry else { return false };
        let at = path.iter().rposition(|s| s == "containers" || s == "initContainers");
        let Some(at) = at else { return false };
        let (Some(name), [key]) = (path.get(at + 1), &path[(at + 2).min(path.len())..]) else { return false };
        let mut p = self.container_values(&path[at], name);
        p.push(key.clone());
        p.push("enabled".to_string());
        let r = values_ref(&p);
        let switches = cond == &r || cond.starts_with(&format!("and {r} "));
        let lifted = self.lifted_paths.contains(&p) || self.lifted[self.indexed..].iter().any(|l| l.path == p);
        if !switches || lifted || !(self.taken)(&p) || !on.iter().all(|&e| self.is_set(e, &r)) {
            return false;
        }
        let per_env =
            (0..self.envs).map(|e| among.contains(&e).then(|| Node::new(Value::Bool(on.contains(&e))))).collect();
        self.lift(Lifted { path: p, per_env, desc: String::new() });
        true
    }

    /// Merges one document of several environments (`docs`: those that have it); the values the
    /// merge adds for it go under `home` (see [`home_of`]).
    pub fn merge_doc(&mut self, slot: &[String], what: &str, docs: &[(usize, &Document)]) -> Vec<Document> {
        self.slot = slot.to_vec();
        self.what = what.to_string();
        // Handlers that render the object under different conditions per environment: one
        // document per condition, each under its own boolean.
        let mut groups: Vec<(Option<String>, Bodies<'_>)> = Vec::new();
        for (e, d) in docs {
            match groups.iter_mut().find(|g| g.0 == d.condition) {
                Some(g) => g.1.push((*e, &d.body)),
                None => groups.push((d.condition.clone(), vec![(*e, &d.body)])),
            }
        }
        let among: Vec<usize> = docs.iter().map(|(e, _)| *e).collect();
        let single = groups.len() == 1;
        let mut out = Vec::new();
        for (i, (condition, bodies)) in groups.into_iter().enumerate() {
            let body = self.merge_value(&bodies, &mut Vec::new()).unwrap_or_else(|| {
                // Bodies are mappings, which always merge; keep the first should that change.
                bodies[0].1.clone()
            });
            let condition = if single {
                condition
            } else {
                let on: Vec<usize> = bodies.iter().map(|(e, _)| *e).collect();
                let v = self.condition(&[format!("variant{}", i + 1)], &on, &among, &format!("variant {}", i + 1));
                Some(condition.map_or_else(|| v.clone(), |c| format!("and {v} ({c})")))
            };
            out.push(Document { body, condition });
        }
        out
    }

    fn merge_value(&mut self, ts: &[(usize, &Tree)], path: &mut Vec<String>) -> Option<Tree> {
        if ts.len() == 1 || all_equal(ts) {
            return Some(ts[0].1.clone());
        }
        if ts.iter().all(|(_, t)| matches!(t, Tree::Lit(_))) {
            return Some(self.lift_scalar(ts, path));
        }
        if ts.iter().all(|(_, t)| matches!(t, Tree::Expr(_))) {
            // An image whose tag some environments leave off.
            let forms: Vec<String> = ts
                .iter()
                .map(|(e, t)| match t {
                    Tree::Expr(x) => optional_tag(x, &|r| self.is_set(*e, r)),
                    _ => String::new(),
                })
                .collect();
            if forms.iter().all(|f| *f == forms[0]) {
                return Some(Tree::Expr(forms[0].clone()));
            }
        }
        if ts.iter().all(|(_, t)| matches!(t, Tree::Map(_))) {
            let lists: Vec<(usize, &Vec<Entry>)> = ts
                .iter()
                .filter_map(|(e, t)| match t {
                    Tree::Map(m) => Some((*e, m)),
                    _ => None,
                })
                .collect();
            return Some(Tree::Map(self.merge_entries(&lists, path)));
        }
        if ts.iter().all(|(_, t)| matches!(t, Tree::Seq(_))) {
            let lists: Vec<(usize, &Vec<Tree>)> = ts
                .iter()
                .filter_map(|(e, t)| match t {
                    Tree::Seq(s) => Some((*e, s)),
                    _ => None,
                })
                .collect();
            return self.merge_items(&lists, path).map(Tree::Seq);
        }
        None
    }

    /// A literal that differs: a value per environment.
    fn lift_scalar(&mut self, ts: &[(usize, &Tree)], path: &[String]) -> Tree {
        let mut per_env: Vec<Option<Node>> = vec![None; self.envs];
        for (e, t) in ts {
            if let Tree::Lit(v) = t {
                per_env[*e] = Some(Node::new(v.clone()));
            }
        }
        let values: Vec<&Value> = ts
            .iter()
            .filter_map(|(_, t)| match t {
                Tree::Lit(v) => Some(v),
                _ => None,
            })
            .collect();
        let pipe = if values.iter().all(|v| matches!(v, Value::Str(_))) {
            " | quote"
        } else if values.iter().all(|v| matches!(v, Value::Int(_))) {
            " | int64"
        } else if values.iter().all(|v| matches!(v, Value::Bool(_))) {
            ""
        } else {
            " | toJson"
        };
        let leaf = path.last().cloned().unwrap_or_default();
        let parent = path.len().checked_sub(2).map(|i| path[i].as_str()).unwrap_or("");
        let r = if let Some(group) = shared_group(parent) {
            self.shared_label(group, &leaf, per_env)
        } else {
            let p = self.alloc(self.home(&key_name(path)));
            let desc = format!("`{}` of {} (differs per environment).", path.join("."), self.what);
            self.add(p, per_env, desc)
        };
        Tree::Expr(format!("{{{{ {r}{pipe} }}}}"))
    }

    /// A label that differs per environment (kustomize commonLabels) is one value, shared by
    /// every object, selector and pod template that carries it, so selectors keep matching
    /// their pods in each environment. Environments that do not render the label agree with
    /// any value.
    /// Annotations (kustomize commonAnnotations) are shared the same way under `group`.
    fn shared_label(&mut self, group: &str, leaf: &str, per_env: Vec<Option<Node>>) -> String {
        let id = format!("{group}/{leaf}");
        let shared = self.shared.get(&id).and_then(|paths| {
            paths
                .iter()
                .position(|p| {
                    self.lifted[*p].per_env.iter().zip(&per_env).all(|(a, b)| match (a, b) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    })
                })
                .map(|i| paths[i])
        });
        match shared {
            Some(i) => {
                for (slot, v) in self.lifted[i].per_env.iter_mut().zip(per_env) {
                    if slot.is_none() {
                        *slot = v;
                    }
                }
                values_ref(&self.lifted[i].path)
            }
            None => {
                let p = self.alloc(vec![group.to_string(), leaf.to_string()]);
                self.shared.entry(id).or_default().push(self.lifted.len());
                let what = if group == LABELS { "label" } else { "annotation" };
                let desc = format!("The {what} `{leaf}`, which differs per environment.");
                self.add(p, per_env, desc)
            }
        }
    }

    /// A label only some environments carry: `with` the shared label value, empty where the
    /// environment lacks it. None when a value is empty (then absence and `""` differ).
    fn optional_label(&mut self, group: &str, present: &[(usize, &Entry)], among: &[usize]) -> Option<Entry> {
        let Entry::Pair(k, _) = present[0].1 else { return None };
        let mut per_env: Vec<Option<Node>> = vec![None; self.envs];
        for &e in among {
            per_env[e] = Some(Node::str(""));
        }
        for (e, x) in present {
            match x {
                Entry::Pair(_, Tree::Lit(Value::Str(v))) if !v.is_empty() => per_env[*e] = Some(Node::str(v.clone())),
                _ => return None,
            }
        }
        let r = self.shared_label(group, k, per_env);
        Some(super::tpl::with_scalar(&r, k, true))
    }

    /// An `annotations` map only some environments have, of plain strings: each annotation
    /// shared like [`Merger::optional_label`], the map rendered when any of them is set.
    fn optional_annotations(&mut self, present: &[(usize, &Entry)], among: &[usize]) -> Option<Entry> {
        let mut lists: Vec<(usize, &Vec<Entry>)> = Vec::new();
        for (e, x) in present {
            match x {
                Entry::Pair(k, Tree::Map(m)) if k == "annotations" && !m.is_empty() => lists.push((*e, m)),
                _ => return None,
            }
        }
        let ids: Vec<(usize, Vec<String>)> =
            lists.iter().map(|(e, l)| (*e, l.iter().map(entry_id).collect())).collect();
        let mut entries = Vec::new();
        let mut refs = Vec::new();
        for id in merged_order(&ids) {
            let have: Vec<(usize, &Entry)> =
                lists.iter().filter_map(|(e, l)| l.iter().find(|x| entry_id(x) == id).map(|x| (*e, x))).collect();
            let entry = self.optional_label(ANNOTATIONS, &have, among)?;
            if let Entry::Lines(l) = &entry {
                refs.push(l[0].trim_start_matches("{{- with ").trim_end_matches(" }}").to_string());
            }
            entries.push(entry);
        }
        let cond = if refs.len() == 1 { refs[0].clone() } else { format!("or {}", refs.join(" ")) };
        Some(Entry::If(cond, vec![Entry::Pair("annotations".into(), Tree::Map(entries))]))
    }

    fn merge_entries(&mut self, lists: &[(usize, &Vec<Entry>)], path: &mut Vec<String>) -> Vec<Entry> {
        // A key some environments write always and others only when set shares the `with` form.
        let ids: Vec<Vec<String>> = lists.iter().map(|(_, l)| l.iter().map(entry_id).collect()).collect();
        let owned: Vec<(usize, Vec<Entry>)> = lists
            .iter()
            .zip(&ids)
            .map(|((e, l), mine)| {
                let entries = l
                    .iter()
                    .zip(mine)
                    .map(|(x, id)| {
                        if ids.iter().all(|other| other.contains(id)) {
                            return x.clone();
                        }
                        match with_form(x, &|r| self.is_set(*e, r)) {
                            Some(w) if ids.iter().any(|other| other.contains(&entry_id(&w))) => w,
                            _ => self.unless_one(*e, x, lists).unwrap_or_else(|| x.clone()),
                        }
                    })
                    .collect();
                (*e, entries)
            })
            .collect();
        let lists: Vec<(usize, &Vec<Entry>)> = owned.iter().map(|(e, l)| (*e, l)).collect();
        let lists = &lists[..];
        let among: Vec<usize> = lists.iter().map(|(e, _)| *e).collect();
        let ids: Vec<(usize, Vec<String>)> =
            lists.iter().map(|(e, l)| (*e, l.iter().map(entry_id).collect())).collect();
        let order = merged_order(&ids);
        let mut out = Vec::new();
        let mut made: Vec<(Vec<usize>, String)> = Vec::new();
        for id in order {
            let present: Vec<(usize, &Entry)> =
                lists.iter().filter_map(|(e, l)| l.iter().find(|x| entry_id(x) == id).map(|x| (*e, x))).collect();
            let on: Vec<usize> = present.iter().map(|(e, _)| *e).collect();
            if on.len() < among.len() {
                let shared = match path.last().and_then(|p| shared_group(p)) {
                    Some(group) => self.optional_label(group, &present, &among),
                    None => self.optional_annotations(&present, &among),
                };
                if let Some(entry) = shared {
                    out.push(entry);
                    continue;
                }
            }
            let mut entries = match present[0].1 {
                Entry::Pair(k, _) => {
                    let ts: Vec<(usize, &Tree)> = present
                        .iter()
                        .filter_map(|(e, x)| match x {
                            Entry::Pair(_, v) => Some((*e, v)),
                            _ => None,
                        })
                        .collect();
                    path.push(k.clone());
                    let merged = self.merge_value(&ts, path);
                    let entries = match merged {
                        Some(v) => vec![Entry::Pair(k.clone(), v)],
                        None => self
                            .variants(&ts, path, &on, |t| Entry::Pair(k.clone(), t))
                            .into_iter()
                            .map(|(c, x)| Entry::If(c, vec![x]))
                            .collect(),
                    };
                    path.pop();
                    entries
                }
                other => vec![other.clone()],
            };
            let own: Vec<String> = path.iter().cloned().chain([id_name(&id)]).collect();
            if on.len() < among.len() && entries.len() == 1 && self.handler_toggle(&own, &entries[0], &on, &among) {
                out.extend(entries);
                continue;
            }
            if on.len() < among.len() {
                let what = match present[0].1 {
                    Entry::Pair(k, _) => format!("`{}`", path.iter().chain([k]).cloned().collect::<Vec<_>>().join(".")),
                    _ => format!("a block under `{}`", path.join(".")),
                };
                // Two entries that stand for each other (`emptyDir` in one environment,
                // `gcePersistentDisk` in the other) share one boolean.
                let complement: Vec<usize> = among.iter().copied().filter(|e| !on.contains(e)).collect();
                let cond = match made.iter().find(|(set, _)| *set == complement) {
                    Some((_, r)) => format!("not {r}"),
                    None => {
                        let mut p = path.clone();
                        p.push(id_name(&id));
                        let c = self.condition(&p, &on, &among, &what);
                        made.push((on.clone(), c.clone()));
                        c
                    }
                };
                entries = vec![Entry::If(cond, entries)];
            }
            out.extend(entries);
        }
        out
    }

    /// Each distinct version of a node under its own condition.
    fn variants<X>(
        &mut self,
        ts: &[(usize, &Tree)],
        path: &[String],
        among: &[usize],
        wrap: impl Fn(Tree) -> X,
    ) -> Vec<(String, X)>
    where
        X: Clone,
    {
        let mut groups: Vec<(String, Vec<usize>, Tree)> = Vec::new();
        for (e, t) in ts {
            let tx = text(t);
            match groups.iter_mut().find(|g| g.0 == tx) {
                Some(g) => g.1.push(*e),
                None => groups.push((tx, vec![*e], (*t).clone())),
            }
        }
        let two = groups.len() == 2;
        let mut out: Vec<(String, X)> = Vec::new();
        for (i, (_, envs, t)) in groups.into_iter().enumerate() {
            let cond = match out.first() {
                // The second of two variants is rendered when the first is not.
                Some((first, _)) if two => format!("not {first}"),
                _ => {
                    let mut p = path.to_vec();
                    p.push(format!("variant{}", i + 1));
                    let what = format!("variant {} of `{}`", i + 1, path.join("."));
                    self.condition(&p, &envs, among, &what)
                }
            };
            out.push((cond, wrap(t)));
        }
        out
    }

    fn merge_items(&mut self, lists: &[(usize, &Vec<Tree>)], path: &mut Vec<String>) -> Option<Vec<Tree>> {
        // An empty list renders `[]`; a list whose items are all switched off renders null.
        if lists.iter().any(|(_, l)| l.is_empty()) {
            return None;
        }
        let among: Vec<usize> = lists.iter().map(|(e, _)| *e).collect();
        let named = lists.iter().all(|(_, l)| {
            let ids: Vec<Option<String>> = l.iter().map(item_name).collect();
            ids.iter().all(Option::is_some) && {
                let mut s: Vec<&Option<String>> = ids.iter().collect();
                s.sort();
                s.dedup();
                s.len() == ids.len()
            }
        });
        let same_len = lists.iter().all(|(_, l)| l.len() == lists[0].1.len());
        let ids: Vec<(usize, Vec<String>)> = lists
            .iter()
            .map(|(e, l)| {
                let ids = if named {
                    l.iter().map(|t| item_name(t).unwrap_or_default()).collect()
                } else if same_len {
                    (0..l.len()).map(|i| format!("#{i}")).collect()
                } else {
                    numbered(l.iter().map(text).collect())
                };
                (*e, ids)
            })
            .collect();
        let order = merged_order(&ids);
        for (_, l) in &ids {
            if !is_subsequence(l, &order) {
                return None;
            }
        }
        let mut out = Vec::new();
        for id in order {
            let present: Vec<(usize, &Tree)> = ids
                .iter()
                .zip(lists)
                .filter_map(|((e, l), (_, items))| l.iter().position(|x| *x == id).map(|i| (*e, &items[i])))
                .collect();
            let on: Vec<usize> = present.iter().map(|(e, _)| *e).collect();
            path.push(id_name(&id));
            let merged = match self.merge_value(&present, path) {
                Some(t) => vec![t],
                None => self
                    .variants(&present, path, &on, |t| t)
                    .into_iter()
                    .map(|(c, t)| Tree::Cond(c, Box::new(t)))
                    .collect(),
            };
            if on.len() < among.len() && merged.len() == 1 {
                if let Some((map, key)) = env_entry(&merged[0]) {
                    let absent: Vec<usize> = among.iter().copied().filter(|e| !on.contains(e)).collect();
                    let mut p: Vec<String> = map.clone();
                    p.push(key.clone());
                    self.absent.push((p, absent));
                    let cond = format!("hasKey .Values.{} {:?}", map.join("."), key);
                    out.extend(merged.into_iter().map(|t| Tree::Cond(cond.clone(), Box::new(t))));
                    path.pop();
                    continue;
                }
            }
            if on.len() < among.len() {
                let what = format!("the item `{}`", path.join("."));
                let cond = self.condition(path, &on, &among, &what);
                out.extend(merged.into_iter().map(|t| Tree::Cond(cond.clone(), Box::new(t))));
            } else {
                out.extend(merged);
            }
            path.pop();
        }
        Some(out)
    }
}

/// An environment variable whose value is a key of an `env` map of the values
/// (`value: {{ .Values.env.REGION | quote }}`): the map and the key.
fn env_entry(t: &Tree) -> Option<(Vec<String>, String)> {
    let Tree::Map(entries) = t else { return None };
    if entries.len() != 2 {
        return None;
    }
    let (mut name, mut value) = (None, None);
    for e in entries {
        match e {
            Entry::Pair(k, Tree::Lit(Value::Str(v))) if k == "name" => name = Some(v.clone()),
            Entry::Pair(k, Tree::Expr(x)) if k == "value" => value = Some(x.clone()),
            _ => return None,
        }
    }
    let (name, value) = (name?, value?);
    let r = value.strip_prefix("{{ .Values.")?.strip_suffix(" | quote }}")?;
    let mut p: Vec<String> = r.split('.').map(str::to_string).collect();
    let key = p.pop()?;
    (key == name && p.last().is_some_and(|l| l == "env")).then_some((p, key))
}

/// The `with` form of `key: toYaml P` or `key: {{ P }}` when P is set in this environment
/// (`set`), which renders the same there: the form an environment without the key shares.
fn with_form(entry: &Entry, set: &dyn Fn(&str) -> bool) -> Option<Entry> {
    match entry {
        Entry::Pair(k, Tree::ToYaml(p)) if set(p) => Some(super::tpl::with_block(p, k)),
        Entry::Pair(k, Tree::Expr(x)) => {
            let inner = x.strip_prefix("{{ ")?.strip_suffix(" }}")?;
            let (r, quote) = match inner.strip_suffix(" | quote") {
                Some(r) => (r, true),
                None => (inner, false),
            };
            (r.starts_with(".Values.") && !r.contains(' ') && set(r)).then(|| super::tpl::with_scalar(r, k, quote))
        }
        _ => None,
    }
}

/// `:{{ TAG | default $.Chart.AppVersion }}` → `{{ with TAG }}:{{ . }}{{ end }}` when TAG is set.
fn optional_tag(x: &str, set: &dyn Fn(&str) -> bool) -> String {
    let marker = " | default $.Chart.AppVersion }}";
    let Some(end) = x.find(marker) else { return x.to_string() };
    let Some(start) = x[..end].rfind(":{{ ") else { return x.to_string() };
    let tag = &x[start + 4..end];
    if !set(tag) {
        return x.to_string();
    }
    format!("{}{{{{ with {tag} }}}}:{{{{ . }}}}{{{{ end }}}}{}", &x[..start], &x[end + marker.len()..])
}

/// Where the merge's keys for an object go: its slot when that is a map of the chart's own
/// keys (`service`, a workload's key, the root of a single-workload chart), else
/// `environment.<kind><Name>` (objects without values of their own, or whose slot is data such
/// as ConfigMap data).
pub fn home_of(slot: &[String], kind: &str, name: &str, own_map: bool) -> Vec<String> {
    if own_map {
        return slot.to_vec();
    }
    let kind = if kind == "CustomResourceDefinition" { "crd" } else { kind };
    let words: Vec<String> = tokens(kind).into_iter().chain(tokens(name)).collect();
    vec!["environment".to_string(), camel(&words)]
}

/// Where values shared by every object that carries them go.
const LABELS: &str = "environmentLabels";
const ANNOTATIONS: &str = "environmentAnnotations";

/// The shared values of a label map (object and pod labels, selectors) or an annotation map.
fn shared_group(key: &str) -> Option<&'static str> {
    match key {
        "labels" | "matchLabels" | "selector" => Some(LABELS),
        "annotations" => Some(ANNOTATIONS),
        _ => None,
    }
}

/// The identity of a mapping entry across environments.
fn entry_id(e: &Entry) -> String {
    match e {
        Entry::Pair(k, _) => format!("key:{k}"),
        Entry::Lines(l) => format!("lines:{}", l.join("\n")),
        Entry::If(c, body) => format!("if:{c}:{}", text(&Tree::Map(body.clone()))),
    }
}

/// The identity of a named list item (containers, env, ports, volumes, mounts...).
fn item_name(t: &Tree) -> Option<String> {
    match t {
        Tree::Map(entries) => {
            let lit = |key: &str| {
                entries.iter().find_map(|e| match e {
                    Entry::Pair(k, Tree::Lit(Value::Str(v))) if k == key => Some(v.clone()),
                    _ => None,
                })
            };
            let name = lit("name")?;
            Some(match lit("mountPath") {
                Some(m) => format!("name:{name}@{m}"),
                None => format!("name:{name}"),
            })
        }
        Tree::Lines(l) => Some(format!("lines:{}", l.join("\n"))),
        _ => None,
    }
}

/// Identities for unnamed items: their text, numbered when repeated.
fn numbered(texts: Vec<String>) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    texts
        .into_iter()
        .map(|t| {
            let n = seen.entry(t.clone()).or_default();
            *n += 1;
            format!("text{n}:{t}")
        })
        .collect()
}

/// One order holding every environment's identities: the first environment's, then each
/// identity another one adds, right after the identity it follows there.
fn merged_order(ids: &[(usize, Vec<String>)]) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    for (_, l) in ids {
        let mut at = 0;
        for id in l {
            match order.iter().position(|x| x == id) {
                Some(p) => at = p + 1,
                None => {
                    order.insert(at, id.clone());
                    at += 1;
                }
            }
        }
    }
    order
}

fn is_subsequence(l: &[String], order: &[String]) -> bool {
    let mut it = order.iter();
    l.iter().all(|x| it.any(|o| o == x))
}

/// A readable name of an identity for values keys.
fn id_name(id: &str) -> String {
    if let Some(n) = id.strip_prefix('#') {
        return format!("item{n}");
    }
    let (kind, rest) = id.split_once(':').unwrap_or(("", id));
    match kind {
        "key" | "name" => return rest.split('@').next().unwrap_or(rest).to_string(),
        k if k.starts_with("text") => {
            // An unnamed item: its words (`--dry-run` → dryRun).
            let words = tokens(rest.trim().trim_start_matches("- "));
            if !words.is_empty() && words.len() <= 4 {
                return camel(&words);
            }
        }
        _ => {}
    }
    // A template block: the first key it writes (after an `if` block's condition).
    let body = if kind == "if" { rest.split_once(':').map_or(rest, |(_, b)| b) } else { rest };
    body.lines()
        .find_map(|l| {
            let l = l.trim().trim_start_matches("- ");
            let (k, _) = l.split_once(':')?;
            (!k.contains('{') && !k.contains(' ') && !k.is_empty()).then(|| k.to_string())
        })
        .unwrap_or_else(|| "block".to_string())
}

/// A values key for a node at `path`: its last two meaningful segments, in camelCase.
pub fn key_name(path: &[String]) -> String {
    let mut meaningful: Vec<&String> = path.iter().filter(|s| !STRUCTURAL.contains(&s.as_str())).collect();
    if meaningful.is_empty() {
        meaningful.extend(path.last());
    }
    let start = meaningful.len().saturating_sub(2);
    let words: Vec<String> = meaningful[start..].iter().flat_map(|s| tokens(s)).collect();
    camel(&words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn merged_order_keeps_each_environments_order_and_places_additions_after_their_neighbour() {
        let order = merged_order(&[(0, ids(&["a", "c"])), (1, ids(&["a", "b", "c", "d"])), (2, ids(&["x", "c"]))]);
        assert_eq!(order, ids(&["x", "a", "b", "c", "d"]));
        assert!(is_subsequence(&ids(&["a", "c"]), &order));
        assert!(!is_subsequence(&ids(&["c", "a"]), &order));
    }

    #[test]
    fn value_keys_name_what_differs_without_structural_words() {
        let p = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert_eq!(key_name(&p(&["spec", "type"])), "type");
        assert_eq!(
            key_name(&p(&["spec", "template", "spec", "containers", "app", "livenessProbe"])),
            "appLivenessProbe"
        );
        assert_eq!(key_name(&p(&["metadata", "annotations", "example.com/tier"])), "annotationsExampleComTier");
    }

    fn tree(src: &str) -> Tree {
        Tree::from_node(&crate::yaml::parse_stream(src).unwrap().remove(0).root.unwrap())
    }

    /// Merges one object's trees from each environment and returns the template and the
    /// values the merge added.
    fn merge(srcs: &[&str]) -> (String, Vec<Lifted>) {
        let docs: Vec<Document> = srcs.iter().map(|s| Document { body: tree(s), condition: None }).collect();
        let refs: Vec<(usize, &Document)> = docs.iter().enumerate().collect();
        let taken = |_: &[String]| false;
        let chart_map = |_: &[String]| true;
        let value_of = |_: usize, _: &str| None;
        let mut m = Merger::new(srcs.len(), &taken, &chart_map, &value_of);
        let doc = m.merge_doc(&["web".to_string()], "Deployment/web", &refs).remove(0);
        (render(&doc), m.lifted)
    }

    #[test]
    fn a_literal_that_differs_becomes_one_value_per_environment() {
        let (text, lifted) = merge(&["spec: {type: ClusterIP, port: 80}\n", "spec: {type: NodePort, port: 80}\n"]);
        assert_eq!(text, "spec:\n  type: {{ .Values.web.type | quote }}\n  port: 80\n");
        assert_eq!(lifted.len(), 1);
        assert_eq!(lifted[0].path, ["web", "type"]);
        assert_eq!(lifted[0].resolved(), [Node::str("ClusterIP"), Node::str("NodePort")]);
    }

    #[test]
    fn labels_that_differ_share_one_value_so_selectors_keep_matching() {
        let (text, lifted) = merge(&[
            "metadata: {labels: {env: dev}}\nspec: {selector: {matchLabels: {env: dev}}}\n",
            "metadata: {labels: {env: prod}}\nspec: {selector: {matchLabels: {env: prod}}}\n",
        ]);
        assert_eq!(text.matches(".Values.environmentLabels.env").count(), 2, "{text}");
        assert_eq!(lifted.len(), 1);
    }

    #[test]
    fn a_sidecar_some_environments_lack_renders_under_a_condition() {
        let (text, lifted) = merge(&[
            "containers:\n- {name: app, image: a}\n- {name: proxy, image: p}\n",
            "containers:\n- {name: app, image: a}\n",
            "containers:\n- {name: app, image: a}\n- {name: proxy, image: p}\n",
        ]);
        assert_eq!(
            text,
            "containers:\n  - name: app\n    image: a\n  {{- if .Values.web.proxy.enabled }}\n  - name: proxy\n    image: p\n  {{- end }}\n"
        );
        assert_eq!(lifted[0].resolved(), [true, false, true].map(|b| Node::new(Value::Bool(b))));
    }

    #[test]
    fn a_key_some_environments_lack_renders_under_a_condition() {
        let (text, _) = merge(&["probe: {path: /x}\n", "{}\n"]);
        assert_eq!(text, "{{- if .Values.web.probe.enabled }}\nprobe:\n  path: /x\n{{- end }}\n");
    }

    #[test]
    fn nodes_that_cannot_share_a_template_render_as_variants_under_one_boolean() {
        let mut a = tree("host: x\n");
        a.replace("host", Tree::Expr("{{ include \"c.name\" . }}".into()));
        let docs = [Document { body: a, condition: None }, Document { body: tree("host: other\n"), condition: None }];
        let refs: Vec<(usize, &Document)> = docs.iter().enumerate().collect();
        let (taken, chart_map, value_of) = (|_: &[String]| false, |_: &[String]| true, |_: usize, _: &str| None);
        let mut m = Merger::new(2, &taken, &chart_map, &value_of);
        let text = render(&m.merge_doc(&["web".to_string()], "Deployment/web", &refs).remove(0));
        assert_eq!(
            text,
            "{{- if .Values.web.hostVariant1.enabled }}\nhost: {{ include \"c.name\" . }}\n{{- end }}\n\
             {{- if not .Values.web.hostVariant1.enabled }}\nhost: other\n{{- end }}\n"
        );
    }

    #[test]
    fn documents_under_different_conditions_render_as_one_document_per_condition() {
        let docs = [
            Document { body: tree("kind: Secret\n"), condition: Some("not .Values.x".into()) },
            Document { body: tree("kind: Secret\n"), condition: None },
        ];
        let refs: Vec<(usize, &Document)> = docs.iter().enumerate().collect();
        let (taken, chart_map, value_of) = (|_: &[String]| false, |_: &[String]| true, |_: usize, _: &str| None);
        let mut m = Merger::new(2, &taken, &chart_map, &value_of);
        let out = m.merge_doc(&["secrets".to_string()], "Secret/s", &refs);
        let conditions: Vec<Option<String>> = out.into_iter().map(|d| d.condition).collect();
        assert_eq!(
            conditions,
            [
                Some("and .Values.secrets.variant1.enabled (not .Values.x)".to_string()),
                Some(".Values.secrets.variant2.enabled".to_string())
            ]
        );
        assert_eq!(m.lifted[0].resolved(), [true, false].map(|b| Node::new(Value::Bool(b))));
    }

    #[test]
    fn keys_that_stand_for_each_other_share_one_boolean() {
        let (text, lifted) = merge(&[
            "volumes:\n- {name: data, emptyDir: {}}\n",
            "volumes:\n- {name: data, gcePersistentDisk: {pdName: disk}}\n",
        ]);
        assert_eq!(lifted.len(), 1, "{text}");
        let r = values_ref(&lifted[0].path);
        assert!(text.contains(&format!("{{{{- if {r} }}}}")), "{text}");
        assert!(text.contains(&format!("{{{{- if not {r} }}}}")), "{text}");
    }
}
