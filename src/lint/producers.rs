//! Objects that create ConfigMaps and Secrets the input does not define itself, so that a
//! reference to what they create is not reported as missing.
//!
//! Covered: cert-manager `Certificate.spec.secretName`, Bitnami `SealedSecret`, External Secrets
//! `ExternalSecret` (`spec.target.name`, default its own name), a Job whose arguments name the
//! Secret (the admission-webhook certificate pattern of ingress-nginx and many charts), and
//! kustomize `configMapGenerator`/`secretGenerator` entries.

use crate::manifest::Object;
use crate::yaml::Node;

use super::context::Ctx;

/// True when something in the input creates the `kind` (`ConfigMap` or `Secret`) named `name`
/// for a pod in `obj`'s namespace.
pub fn produced(cx: &Ctx<'_>, obj: &Object, kind: &str, name: &str) -> bool {
    if kind == "Secret"
        && ["Certificate", "SealedSecret", "ExternalSecret", "Job"]
            .iter()
            .flat_map(|k| cx.of_kind(k))
            .any(|(_, o)| Ctx::same_namespace(obj, o) && creates_secret(o, name))
    {
        return true;
    }
    let section = if kind == "Secret" { "secretGenerator" } else { "configMapGenerator" };
    cx.kustomizations.iter().any(|k| {
        let default_ns = k.node.get("namespace").and_then(Node::as_str);
        k.node.get(section).and_then(Node::as_seq).is_some_and(|gens| {
            gens.iter().any(|g| {
                g.get("name").and_then(Node::as_str) == Some(name) && {
                    let ns = g.get("namespace").and_then(Node::as_str).or(default_ns);
                    match (ns, &obj.namespace) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    }
                }
            })
        })
    })
}

fn creates_secret(o: &Object, name: &str) -> bool {
    match o.kind.as_str() {
        "Certificate" => o.node.str_at(&["spec", "secretName"]) == Some(name),
        "SealedSecret" => {
            o.name.as_deref() == Some(name) || o.node.str_at(&["spec", "template", "metadata", "name"]) == Some(name)
        }
        "ExternalSecret" => o.node.str_at(&["spec", "target", "name"]).or(o.name.as_deref()) == Some(name),
        "Job" => job_names(o, name),
        _ => false,
    }
}

/// True when an argument, command word or env value of one of the Job's containers is `name`,
/// or a flag (`--secret-name=name`) or list (`a,name`) that holds it.
fn job_names(job: &Object, name: &str) -> bool {
    let Some(spec) = job.node.path(&["spec", "template", "spec"]) else { return false };
    let mut words: Vec<&str> = Vec::new();
    for key in ["containers", "initContainers"] {
        for c in spec.get(key).and_then(Node::as_seq).into_iter().flatten() {
            for list in ["args", "command"] {
                words.extend(c.get(list).and_then(Node::as_seq).into_iter().flatten().filter_map(Node::as_str));
            }
            let env = c.get("env").and_then(Node::as_seq).into_iter().flatten();
            words.extend(env.filter_map(|e| e.get("value").and_then(Node::as_str)));
        }
    }
    words.iter().any(|w| w.split(|c: char| c == '=' || c == ',' || c.is_whitespace()).any(|t| t == name))
}
