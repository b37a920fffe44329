//! `api-removed`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::apis;
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "api-removed",
    category: Category::Apis,
    severity: Severity::Error,
    summary: "The object uses an apiVersion that Kubernetes no longer serves.",
    what: "The object's apiVersion and kind are in the removed-API table (`src/lint/apis.yaml`, from the Kubernetes deprecation guide): extensions/v1beta1, apps/v1beta*, policy/v1beta1, autoscaling/v2beta*, networking.k8s.io/v1beta1, batch/v1beta1 CronJob and others.",
    why: "A current cluster rejects the object (\"no matches for kind ... in version ...\"), so the install or upgrade fails; Helm upgrades of releases that still contain the old object can fail too.",
    fix: "Change apiVersion to the replacement named in the finding and adjust any fields the new version renamed.",
    example: super::example!("api-removed"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, o) in cx.objects.iter().enumerate() {
        let Some(entry) = apis::lookup(&o.api_version, &o.kind) else { continue };
        let Some(removed) = &entry.removed_in else { continue };
        let Some(at) = Field::root(&o.node).get("apiVersion") else { continue };
        let (message, help) = match &entry.replacement {
            Some(r) => (
                format!("{} {} was removed in Kubernetes {removed}; use {r}", o.api_version, o.kind),
                format!("Change apiVersion to {r}."),
            ),
            None => (
                format!("{} {} was removed in Kubernetes {removed} with no replacement", o.api_version, o.kind),
                "Remove the object (PodSecurityPolicy is replaced by Pod Security Admission labels).".to_string(),
            ),
        };
        out.report(cx, i, &at, message, help);
    }
}
