//! Admission webhook configurations and APIServices: the Services they call follow renamed
//! objects and the release namespace.

use super::super::tpl::T;
use super::{Gen, release_namespace_at, rename_at};

/// Handles a webhook configuration or an APIService.
pub fn apply(g: &mut Gen<'_>, _i: usize, t: &mut T) {
    if let Some(svc) = t.path_mut(&["spec", "service"]) {
        rename_at(g, svc, &["name"], "Service");
        release_namespace_at(g, svc, &["namespace"]);
    }
    if let Some(hooks) = t.get_mut("webhooks").and_then(T::items_mut) {
        for h in hooks {
            if let Some(svc) = h.path_mut(&["clientConfig", "service"]) {
                rename_at(g, svc, &["name"], "Service");
                release_namespace_at(g, svc, &["namespace"]);
            }
        }
    }
}
