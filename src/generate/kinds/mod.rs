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
mod secret;
mod service;
mod serviceaccount;
mod webhook;
mod workload;

use super::context::Context;
use super::tpl::T;
use super::values::Values;
use super::{Notes, SecretsMode};

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
    /// Cross-field rules for the schema and `validateValues`.
    pub rules: Vec<super::rules::Rule>,
}

/// Runs the handler for object `i`; returns the condition the whole document renders under.
pub fn process(g: &mut Gen<'_>, i: usize, t: &mut T) -> Option<String> {
    let kind = g.ctx.objects[i].kind.clone();
    let cond = match kind.as_str() {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "ReplicaSet" | "ReplicationController" => {
            workload::apply(g, i, t);
            None
        }
        "Pod" => {
            workload::apply_pod(g, i, t);
            None
        }
        "Service" => service::apply(g, i, t),
        "Ingress" => ingress::apply(g, i, t),
        "ConfigMap" => configmap::apply(g, i, t),
        "Secret" => secret::apply(g, i, t),
        "HorizontalPodAutoscaler" => hpa::apply(g, i, t),
        "PodDisruptionBudget" => pdb::apply(g, i, t),
        "NetworkPolicy" => networkpolicy::apply(g, i, t),
        "ServiceAccount" => serviceaccount::apply(g, i, t),
        "PersistentVolumeClaim" => pvc::apply(g, i, t),
        "RoleBinding" | "ClusterRoleBinding" => {
            rbac::apply(g, i, t);
            None
        }
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" | "APIService" => {
            webhook::apply(g, i, t);
            None
        }
        _ => None,
    };
    metadata::object_metadata(g, i, t);
    cond
}

/// Replaces the name at `path` inside `t` with the chart name expression of a `kind` object,
/// when the input defines that object.
pub fn rename_at(g: &Gen<'_>, t: &mut T, path: &[&str], kind: &str) {
    let Some(slot) = t.path_mut(path) else { return };
    let T::Lit(crate::yaml::Value::Str(name)) = slot else { return };
    if let Some(expr) = g.ctx.name_of(kind, name) {
        let text = expr.tpl(&g.ctx.chart);
        *slot = if text.contains("{{") { T::Expr(text) } else { T::Lit(crate::yaml::Value::Str(text)) };
    }
}

/// [`rename_at`] for every item of a list.
pub fn rename_list(g: &Gen<'_>, t: Option<&mut T>, kind: &str, path: &[&str]) {
    if let Some(items) = t.and_then(T::items_mut) {
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
    format!("eq (include \"{chart}.fullname\" .) .Chart.Name")
}

/// Makes a set of labels follow the release: an `app.kubernetes.io/instance` value written in
/// the input stays as written for the adopting release and becomes the release name for any
/// other. With `add`, a label map that lacks it gains it for other releases, so the selectors of
/// two releases side by side never select each other's pods (pods carry the label already).
pub fn scope_to_release(g: &Gen<'_>, labels: Option<&mut T>, add: bool) {
    let Some(labels) = labels else { return };
    let chart = &g.ctx.chart;
    if let Some(slot) = labels.get_mut(INSTANCE_LABEL) {
        if let T::Lit(crate::yaml::Value::Str(v)) = slot {
            let adopt = adopting(chart);
            *slot = T::Expr(format!("\"{{{{ if {adopt} }}}}{v}{{{{ else }}}}{{{{ .Release.Name }}}}{{{{ end }}}}\""));
        }
    } else if add && matches!(labels, T::Map(m) if !m.is_empty()) {
        labels.push(super::tpl::Entry::If(
            format!("ne (include \"{chart}.fullname\" .) .Chart.Name"),
            vec![super::tpl::Entry::Pair(INSTANCE_LABEL.into(), T::Expr("{{ .Release.Name }}".into()))],
        ));
    }
}

/// Replaces a namespace that is the input's main namespace with the release namespace.
pub fn release_namespace_at(g: &Gen<'_>, t: &mut T, path: &[&str]) {
    let Some(slot) = t.path_mut(path) else { return };
    if let T::Lit(crate::yaml::Value::Str(ns)) = slot {
        if Some(ns.as_str()) == g.ctx.main_namespace.as_deref() {
            *slot = T::Expr("{{ .Release.Namespace }}".into());
        }
    }
}
