//! `config-ref-missing`

use crate::diag::Severity;
use crate::yaml::Node;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "config-ref-missing",
    category: Category::Wiring,
    severity: Severity::Warning,
    summary: "A pod references a ConfigMap or Secret (or a key of one) that is not in the input.",
    what: "A `configMapKeyRef`, `secretKeyRef`, `envFrom` source, or `configMap`/`secret`/projected volume names a ConfigMap or Secret that no object in the input defines, or a key that the ConfigMap or Secret in the input does not have. References marked `optional: true` are skipped, and so are objects that something in the input creates: a cert-manager Certificate's `secretName`, a SealedSecret, an ExternalSecret's target, a Secret a Job names in its arguments (the admission-webhook certificate pattern), and a kustomize `configMapGenerator`/`secretGenerator` entry in a `kustomization.yaml` of the input.",
    why: "The pod stays in CreateContainerConfigError (env) or ContainerCreating (volumes) until the object appears. It may be created elsewhere (an operator, another release, a sealed secret), hence a warning, but a typo in the name fails the rollout.",
    fix: "Create the ConfigMap or Secret in the same release, fix the name or key, or mark the reference optional: true if the pod can run without it.",
    example: super::example!("config-ref-missing"),
    check,
};

struct Ref<'a> {
    kind: &'static str,
    name: Field<'a>,
    key: Option<Field<'a>>,
}

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let obj = cx.object(w.index);
        for r in refs(w) {
            let Some(name) = r.name.str() else { continue };
            match cx.find(obj, r.kind, name) {
                None if crate::lint::producers::produced(cx, obj, r.kind, name) => {}
                None => out.report(cx, w.index, &r.name, format!("{} {name} is not in the input", r.kind), RULE.fix),
                Some((_, target)) => {
                    let Some(key) = &r.key else { continue };
                    let Some(k) = key.str() else { continue };
                    let has = ["data", "binaryData", "stringData"]
                        .iter()
                        .any(|section| target.node.path(&[section, k]).is_some());
                    if !has {
                        out.report(cx, w.index, key, format!("{} {name} has no key {k}", r.kind), RULE.fix);
                    }
                }
            }
        }
    }
}

fn optional(f: &Field<'_>) -> bool {
    f.node.get("optional").and_then(Node::as_bool) == Some(true)
}

fn refs<'a>(w: &crate::lint::context::Workload<'a>) -> Vec<Ref<'a>> {
    let mut out = Vec::new();
    let mut push = |kind: &'static str, src: Field<'a>, name_key: &str, key: Option<&str>| {
        if optional(&src) {
            return;
        }
        if let Some(name) = src.get(name_key) {
            out.push(Ref { kind, name, key: key.and_then(|k| src.get(k)) });
        }
    };
    for c in w.containers() {
        for env in c.field.get("env").map(|e| e.items()).unwrap_or_default() {
            if let Some(s) = env.path(&["valueFrom", "configMapKeyRef"]) {
                push("ConfigMap", s, "name", Some("key"));
            }
            if let Some(s) = env.path(&["valueFrom", "secretKeyRef"]) {
                push("Secret", s, "name", Some("key"));
            }
        }
        for src in c.field.get("envFrom").map(|e| e.items()).unwrap_or_default() {
            if let Some(s) = src.get("configMapRef") {
                push("ConfigMap", s, "name", None);
            }
            if let Some(s) = src.get("secretRef") {
                push("Secret", s, "name", None);
            }
        }
    }
    let volumes = w.spec.as_ref().and_then(|s| s.get("volumes")).map(|v| v.items()).unwrap_or_default();
    for v in volumes {
        if let Some(s) = v.get("configMap") {
            push("ConfigMap", s, "name", None);
        }
        if let Some(s) = v.get("secret") {
            push("Secret", s, "secretName", None);
        }
        for src in v.path(&["projected", "sources"]).map(|p| p.items()).unwrap_or_default() {
            if let Some(s) = src.get("configMap") {
                push("ConfigMap", s, "name", None);
            }
            if let Some(s) = src.get("secret") {
                push("Secret", s, "name", None);
            }
        }
    }
    out
}
