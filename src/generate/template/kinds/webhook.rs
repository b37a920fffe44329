//! Admission webhook configurations and APIServices: the Services they call follow renamed
//! objects and the release namespace.

use super::registry::Descriptor;
use super::{Gen, release_namespace_at, rename_at};
use crate::generate::template::tpl::Tree;

/// Admission webhook configurations.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    apply: Some(|g, i, t| {
        apply(g, i, t);
        None
    }),
    ..Descriptor::PLAIN
};

/// APIServices: named after the group version they serve, so shared by releases side by side.
pub static API_SERVICE: Descriptor = Descriptor {
    kinds: &["APIService"],
    shared_class: true,
    keeps_name: true,
    apply: DESCRIPTOR.apply,
    ..Descriptor::PLAIN
};

/// Handles a webhook configuration or an APIService.
pub fn apply(g: &mut Gen<'_>, _i: usize, t: &mut Tree) {
    if let Some(svc) = t.path_mut(&["spec", "service"]) {
        rename_at(g, svc, &["name"], "Service");
        release_namespace_at(g, svc, &["namespace"]);
    }
    if let Some(hooks) = t.get_mut("webhooks").and_then(Tree::items_mut) {
        for h in hooks {
            if let Some(svc) = h.path_mut(&["clientConfig", "service"]) {
                rename_at(g, svc, &["name"], "Service");
                release_namespace_at(g, svc, &["namespace"]);
            }
        }
    }
}
