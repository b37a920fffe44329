//! One handler per Kubernetes kind. Each parameterizes its object's template tree and records
//! values; anything a handler does not know is carried verbatim.

mod configmap;
mod hpa;
mod ingress;
pub mod metadata;
mod networkpolicy;
mod pdb;
mod pod;
mod pvc;
mod rbac;
pub mod registry;
mod secret;
mod service;
mod serviceaccount;
mod webhook;
mod workload;

use super::tpl::{Entry, Tree};
use super::values::Values;
use crate::generate::analyze::context::Context;
use crate::generate::{Notes, SecretsMode};
use registry::Descriptor;

/// Every kind `generate` knows, one descriptor each (see [`registry`]).
pub static KINDS: &[&Descriptor] = &[
    &workload::DESCRIPTOR,
    &workload::POD,
    &service::DESCRIPTOR,
    &ingress::DESCRIPTOR,
    &configmap::DESCRIPTOR,
    &secret::DESCRIPTOR,
    &hpa::DESCRIPTOR,
    &pdb::DESCRIPTOR,
    &networkpolicy::DESCRIPTOR,
    &serviceaccount::DESCRIPTOR,
    &pvc::DESCRIPTOR,
    &rbac::DESCRIPTOR,
    &rbac::CLUSTER,
    &webhook::DESCRIPTOR,
    &webhook::API_SERVICE,
    &registry::NAMESPACED,
    &registry::CLASSES,
    &registry::CRD,
    &registry::NAMESPACE,
];

/// State shared by the handlers while the chart is built.
pub struct Gen<'a> {
    /// Pass-one facts.
    pub ctx: &'a Context<'a>,
    /// The values being built.
    pub values: Values,
    /// How Secret data is handled.
    pub secrets: SecretsMode,
    /// Facts for NOTES.txt and the README.
    pub notes: Notes,
    /// The values guards (cross-field checks) for the schema and `validateValues`.
    pub guards: Vec<crate::guard::Guard>,
    /// Names of the input's objects, for references inside strings.
    pub refs: crate::generate::analyze::refs::RefIndex,
    /// Words that might name a Service, left as written (`file:line: word`).
    pub maybe_refs: Vec<String>,
    /// The object being templated.
    pub current: usize,
    /// User label and annotation maps the handler of the current object adds to its metadata
    /// (`("labels" | "annotations", .Values reference)`), besides the common ones.
    pub extra_metadata: Vec<(String, String)>,
    /// Every knob the chart offers, with a value that shows its effect (the `ci/` values file
    /// that sets them all is written from these).
    pub knobs: super::knobs::Knobs,
}

/// Runs the handler for object `i`; returns the condition the whole document renders under.
pub fn process(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    g.current = i;
    let cond = match registry::of(&g.ctx.objects[i].kind).and_then(|d| d.apply) {
        Some(apply) => apply(g, i, t),
        None => {
            if let Some(spec) = t.get_mut("spec") {
                custom_refs(g, spec);
            }
            None
        }
    };
    metadata::object_metadata(g, i, t);
    cond
}

/// Replaces the name at `path` inside `t` with the chart name expression of a `kind` object,
/// when the input defines that object.
pub fn rename_at(g: &Gen<'_>, t: &mut Tree, path: &[&str], kind: &str) {
    if let Some(slot) = t.path_mut(path) {
        rename(g, slot, kind);
    }
}

/// Replaces the literal name `slot` with the chart name expression of a `kind` object (or of
/// any object of the chart with that name), when the input defines it.
fn rename(g: &Gen<'_>, slot: &mut Tree, kind: &str) {
    let Tree::Lit(crate::yaml::Value::Str(name)) = slot else { return };
    if let Some(expr) = g.ctx.name_of_any(kind, name) {
        *slot = expr.tree(&g.ctx.chart);
    }
}

/// Reference fields of custom resources (cert-manager's `issuerRef` and `secretName`, and the
/// usual `*Ref.name`, `secretRef`, `configMapRef`, `serviceName` shapes, and certificate host
/// names): names of the chart's objects follow them.
fn custom_refs(g: &mut Gen<'_>, t: &mut Tree) {
    match t {
        Tree::Map(entries) => {
            for e in entries {
                let Entry::Pair(key, v) = e else { continue };
                let by_field = match key.as_str() {
                    "secretName" => Some("Secret"),
                    "serviceName" => Some("Service"),
                    "configMapName" => Some("ConfigMap"),
                    "claimName" => Some("PersistentVolumeClaim"),
                    _ => None,
                };
                if let Some(kind) = by_field {
                    rename(g, v, kind);
                    continue;
                }
                // Host names a certificate is for: the Services' names as they render.
                if key == "dnsNames" || key == "commonName" {
                    match v {
                        Tree::Seq(items) => items.iter_mut().for_each(|i| {
                            follow_refs_in(g, i, crate::generate::analyze::refs::Site::Host);
                        }),
                        other => {
                            follow_refs_in(g, other, crate::generate::analyze::refs::Site::Host);
                        }
                    }
                    continue;
                }
                if key.ends_with("Ref") && v.get_mut("name").is_some() {
                    let kind = match key.as_str() {
                        "secretRef" => "Secret".to_string(),
                        "configMapRef" => "ConfigMap".to_string(),
                        _ => match v.get_mut("kind") {
                            Some(Tree::Lit(crate::yaml::Value::Str(k))) => k.clone(),
                            _ => String::new(),
                        },
                    };
                    rename_at(g, v, &["name"], &kind);
                    continue;
                }
                custom_refs(g, v);
            }
        }
        Tree::Seq(items) => items.iter_mut().for_each(|i| custom_refs(g, i)),
        _ => {}
    }
}

/// [`rename_at`] for every item of a list.
pub fn rename_list(g: &Gen<'_>, t: Option<&mut Tree>, kind: &str, path: &[&str]) {
    if let Some(items) = t.and_then(Tree::items_mut) {
        for item in items {
            rename_at(g, item, path, kind);
        }
    }
}

/// The standard label that tells releases apart.
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

/// Template condition: the release is named after the chart, so names and selectors render as
/// written and objects that already run are adopted (the same test as `componentName`).
pub fn adopting(chart: &str) -> String {
    format!("eq {}", fullname_and_chart_name(chart))
}

/// Template condition: a release not named after the chart, whose selectors must tell it apart.
fn apart(chart: &str) -> String {
    format!("ne {}", fullname_and_chart_name(chart))
}

/// The two operands `componentName` compares.
fn fullname_and_chart_name(chart: &str) -> String {
    format!("(include \"{chart}.fullname\" .) .Chart.Name")
}

/// Makes a set of labels follow the release: an `app.kubernetes.io/instance` value written in
/// the input stays as written for the adopting release and becomes the release name for any
/// other. With `add`, a label map that lacks it gains it for other releases, so the selectors of
/// two releases side by side never select each other's pods (pods carry the label already).
pub fn scope_to_release(g: &Gen<'_>, labels: Option<&mut Tree>, add: bool) {
    let Some(labels) = labels else { return };
    let chart = &g.ctx.chart;
    if let Some(slot) = labels.get_mut(INSTANCE_LABEL) {
        if let Tree::Lit(crate::yaml::Value::Str(v)) = slot {
            let adopt = adopting(chart);
            let v = super::tpl::in_double_quotes(v);
            *slot =
                Tree::Expr(format!("\"{{{{ if {adopt} }}}}{v}{{{{ else }}}}{{{{ .Release.Name }}}}{{{{ end }}}}\""));
        }
    } else if add && matches!(labels, Tree::Map(m) if !m.is_empty()) {
        labels.push(Entry::If(
            apart(chart),
            vec![Entry::Pair(INSTANCE_LABEL.into(), Tree::Expr("{{ .Release.Name }}".into()))],
        ));
    }
}

/// Rewrites names of the input's objects inside the literal string `t` (see [`crate::generate::analyze::refs`]);
/// true when it did.
pub fn follow_refs_in(g: &mut Gen<'_>, t: &mut Tree, site: crate::generate::analyze::refs::Site) -> bool {
    let Tree::Lit(crate::yaml::Value::Str(s)) = t else { return false };
    let found = g.refs.scan(s, site);
    let o = &g.ctx.objects[g.current];
    for word in found.maybe {
        let note = format!(
            "{}:{}: {}: the word `{word}` may name the Service {word}; left as written, so it keeps that name under every release",
            o.file,
            o.line,
            o.display_name()
        );
        if !g.maybe_refs.contains(&note) {
            g.maybe_refs.push(note);
        }
    }
    match found.template {
        Some(text) => {
            *t = Tree::Expr(text);
            true
        }
        None => false,
    }
}

/// Replaces a namespace that is the input's main namespace with the release namespace.
pub fn release_namespace_at(g: &Gen<'_>, t: &mut Tree, path: &[&str]) {
    let Some(slot) = t.path_mut(path) else { return };
    if let Tree::Lit(crate::yaml::Value::Str(ns)) = slot {
        if Some(ns.as_str()) == g.ctx.main_namespace.as_deref() {
            *slot = Tree::Expr(crate::generate::analyze::names::release_namespace(&g.ctx.chart));
        }
    }
}
