//! `api-deprecated`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::apis;
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "api-deprecated",
    category: Category::Apis,
    severity: Severity::Warning,
    summary: "The object uses a deprecated apiVersion that has a stable replacement.",
    what: "The object's apiVersion and kind are in the deprecated-API table (`src/lint/apis.yaml`) without a removal release yet; today these are Istio's `networking.istio.io/v1alpha3` and `v1beta1`, `security.istio.io/v1beta1` and `telemetry.istio.io/v1alpha1` kinds that have `v1` since Istio 1.22 (EnvoyFilter and ProxyConfig have no v1 and are not flagged).",
    why: "Deprecated versions are removed in a later release; moving while both are served is a one-line change, moving after the removal is an outage.",
    fix: "Change apiVersion to the replacement named in the finding.",
    example: super::example!("api-deprecated"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, o) in cx.objects.iter().enumerate() {
        let Some(entry) = apis::lookup(&o.api_version, &o.kind) else { continue };
        if entry.removed_in.is_some() {
            continue;
        }
        let (Some(r), Some(at)) = (&entry.replacement, Field::root(&o.node).get("apiVersion")) else { continue };
        let since = entry.since.as_deref().map(|s| format!(" (since {s})")).unwrap_or_default();
        out.report(
            cx,
            i,
            &at,
            format!("{} {} is deprecated; {r} exists{since}", o.api_version, o.kind),
            format!("Change apiVersion to {r}."),
        );
    }
}
