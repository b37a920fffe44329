//! What a rule sees: the objects, an index of workloads, and a cursor that carries positions
//! and JSON pointers so that every finding can name the offending field.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Severity};
use crate::kube::{self, WorkloadKind};
use crate::manifest::{Kustomization, Loaded, Object};
use crate::yaml::{Node, Pos};

use super::config::LintConfig;
use super::rules::Rule;

/// A node inside an object, with the position of its key (or item) and its JSON pointer.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// The value.
    pub node: &'a Node,
    /// Where the field starts: its key for mapping entries, the item for sequence items.
    pub pos: Pos,
    /// JSON pointer from the object root.
    pub ptr: String,
}

impl<'a> Field<'a> {
    /// The object root.
    pub fn root(node: &'a Node) -> Field<'a> {
        Field { node, pos: node.pos, ptr: String::new() }
    }

    /// The entry under `key`, positioned at the key.
    pub fn get(&self, key: &str) -> Option<Field<'a>> {
        let (k, v) = self.node.get_entry(key)?;
        Some(Field { node: v, pos: k.pos, ptr: format!("{}/{}", self.ptr, crate::pointer::escape(key)) })
    }

    /// The field at a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<Field<'a>> {
        keys.iter().try_fold(self.clone(), |f, k| f.get(k))
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> Vec<Field<'a>> {
        self.node
            .as_seq()
            .map(|s| {
                s.iter()
                    .enumerate()
                    .map(|(i, n)| Field { node: n, pos: n.pos, ptr: format!("{}/{i}", self.ptr) })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The pointer of a child that may not exist (for findings about a missing field).
    pub fn child_ptr(&self, key: &str) -> String {
        format!("{}/{}", self.ptr, crate::pointer::escape(key))
    }

    /// The string value, if any.
    pub fn str(&self) -> Option<&'a str> {
        self.node.as_str()
    }
}

/// A container of a pod template.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    /// The container item.
    pub field: Field<'a>,
    /// Its `name`.
    pub name: String,
    /// True for `initContainers`.
    pub init: bool,
}

/// An object that runs pods (a workload kind or a bare Pod).
#[derive(Debug)]
pub struct Workload<'a> {
    /// Index into [`Ctx::objects`].
    pub index: usize,
    /// The pod template (the object itself for a Pod).
    pub template: Field<'a>,
    /// The pod spec.
    pub spec: Option<Field<'a>>,
    /// Labels of the pod template.
    pub labels: Vec<(String, String)>,
    /// The workload kind; `None` for a bare Pod.
    pub kind: Option<WorkloadKind>,
}

impl<'a> Workload<'a> {
    /// Regular containers, then init containers.
    pub fn containers(&self) -> Vec<Container<'a>> {
        let Some(spec) = &self.spec else { return Vec::new() };
        let mut out = Vec::new();
        for (key, init) in [("containers", false), ("initContainers", true)] {
            for f in spec.get(key).map(|c| c.items()).unwrap_or_default() {
                let name = f.node.get("name").and_then(Node::as_str).unwrap_or("").to_string();
                out.push(Container { field: f, name, init });
            }
        }
        out
    }
}

/// Everything a rule can look at.
pub struct Ctx<'a> {
    /// The objects, in input order.
    pub objects: &'a [Object],
    /// The configuration in force.
    pub cfg: &'a LintConfig,
    /// Objects that run pods.
    pub workloads: Vec<Workload<'a>>,
    /// kustomize configurations of the input (their generators create ConfigMaps and Secrets).
    pub kustomizations: &'a [Kustomization],
    /// Positions in `workloads` by pod label: a selector only looks at the workloads carrying
    /// one of its labels, so that matching every selector stays linear in the input.
    by_label: HashMap<(String, String), Vec<usize>>,
    /// Object indices by kind, and by kind and name, for the same reason.
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Objects that set a workload's replica count (see [`kube::scaler`]).
    scalers: Vec<usize>,
}

impl<'a> Ctx<'a> {
    /// Indexes the loaded objects.
    pub fn new(loaded: &'a Loaded, cfg: &'a LintConfig) -> Ctx<'a> {
        let objects = &loaded.objects;
        let workloads: Vec<Workload<'a>> = objects
            .iter()
            .enumerate()
            .filter_map(|(index, o)| {
                let kind = WorkloadKind::of(&o.kind);
                if kind.is_none() && o.kind != "Pod" {
                    return None;
                }
                let root = Field::root(&o.node);
                let template = match kind {
                    Some(k) => root.path(k.pod_template_path())?,
                    None => root,
                };
                let spec = template.get("spec");
                let labels = kube::labels(template.node);
                Some(Workload { index, template, spec, labels, kind })
            })
            .collect();
        let mut by_label: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, w) in workloads.iter().enumerate() {
            for label in &w.labels {
                by_label.entry(label.clone()).or_default().push(i);
            }
        }
        let mut by_kind: HashMap<&'a str, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<(&'a str, &'a str), Vec<usize>> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            by_kind.entry(o.kind.as_str()).or_default().push(i);
            if let Some(name) = &o.name {
                by_name.entry((o.kind.as_str(), name.as_str())).or_default().push(i);
            }
        }
        let scalers = (0..objects.len())
            .filter(|&i| kube::scaler(&objects[i].kind, &objects[i].node).is_some_and(|s| s.sets_replicas))
            .collect();
        Ctx { objects, cfg, workloads, kustomizations: &loaded.kustomizations, by_label, by_kind, by_name, scalers }
    }

    /// The object at `index`.
    pub fn object(&self, index: usize) -> &'a Object {
        &self.objects[index]
    }

    /// Indices of the objects of `kind`.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = (usize, &'a Object)> + '_ {
        let objects = self.objects;
        self.by_kind.get(kind).into_iter().flatten().map(move |&i| (i, &objects[i]))
    }

    /// The objects that set a workload's replica count (HPAs, KEDA `ScaledObject`s...).
    pub fn scalers(&self) -> impl Iterator<Item = &'a Object> + '_ {
        let objects = self.objects;
        self.scalers.iter().map(move |&i| &objects[i])
    }

    /// Objects without a namespace are taken to share it with everything: `helm template`
    /// output usually leaves it to `--namespace` at install time.
    pub fn same_namespace(a: &Object, b: &Object) -> bool {
        match (&a.namespace, &b.namespace) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
    }

    /// Workloads in `obj`'s namespace whose pod labels the selector selects.
    pub fn workloads_selected(&self, obj: &Object, selector: &Node) -> Vec<&Workload<'a>> {
        let selects = |w: &&Workload<'a>| {
            Self::same_namespace(obj, self.object(w.index)) && kube::selector_matches(selector, &w.labels)
        };
        match self.candidates(selector) {
            Some(positions) => positions.iter().map(|&i| &self.workloads[i]).filter(selects).collect(),
            None => self.workloads.iter().filter(selects).collect(),
        }
    }

    /// The workloads that carry the selector's first required label, when it has one (a
    /// `matchLabels` entry, or an entry of a Service's plain selector).
    fn candidates(&self, selector: &Node) -> Option<&[usize]> {
        let structured = selector.get("matchLabels").is_some() || selector.get("matchExpressions").is_some();
        let labels = if structured { selector.get("matchLabels")? } else { selector };
        let (k, v) = labels.as_map()?.first()?;
        let key = (k.as_str()?.to_string(), crate::yaml::scalar_string(v)?);
        Some(self.by_label.get(&key).map_or(&[], Vec::as_slice))
    }

    /// The object of `kind` named `name` in `obj`'s namespace.
    pub fn find(&self, obj: &Object, kind: &str, name: &str) -> Option<(usize, &'a Object)> {
        let objects = self.objects;
        self.by_name
            .get(&(kind, name))
            .into_iter()
            .flatten()
            .map(|&i| (i, &objects[i]))
            .find(|(_, o)| Self::same_namespace(obj, o))
    }
}

/// Collects the findings of one rule.
pub struct Out<'r> {
    pub(crate) rule: &'r Rule,
    pub(crate) found: Vec<(usize, Diagnostic)>,
}

impl Out<'_> {
    /// Reports a finding on `field` of object `index`; `help` is the fix in one sentence.
    pub fn report(&mut self, cx: &Ctx<'_>, index: usize, field: &Field<'_>, message: String, help: impl Into<String>) {
        self.report_at(cx, index, field.pos, &field.ptr, message, help);
    }

    /// Reports a finding at `pos` with an explicit JSON pointer (for a field that is missing).
    pub fn report_at(
        &mut self,
        cx: &Ctx<'_>,
        index: usize,
        pos: Pos,
        ptr: &str,
        message: String,
        help: impl Into<String>,
    ) {
        let o = cx.object(index);
        let severity: Severity = self.rule.severity;
        let mut d = Diagnostic::new(self.rule.id, severity, message)
            .at(o.file.to_string(), pos.line.max(1), pos.col.max(1))
            .help(help)
            .field("object", o.display_name())
            .field("pointer", ptr.to_string());
        if let Some(ns) = &o.namespace {
            d = d.field("namespace", ns.clone());
        }
        if let Some(t) = &o.template {
            d = d.field("template", t.clone());
        }
        self.found.push((index, d));
    }
}
