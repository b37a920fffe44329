//! What `generate` knows about each kind, in one [`Descriptor`] per kind (or family of kinds
//! handled alike). Handler files export their descriptor; [`super::KINDS`] lists them all, and
//! pass one, file naming, slot naming and the dispatch to handlers read it from there.

use super::Gen;
use crate::generate::template::tpl::Tree;

/// Templates object `i` into `t`; returns the condition the whole document renders under.
pub type Handler = fn(&mut Gen<'_>, usize, &mut Tree) -> Option<String>;

/// How an object of the kind finds the workload it belongs to (its values then sit under the
/// workload's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// It belongs to no workload.
    None,
    /// The workload in its namespace whose pod labels the selector at this path selects.
    Selector(&'static [&'static str]),
    /// The workload `spec.scaleTargetRef` names; the owner is then autoscaled.
    ScaleTarget,
    /// The one workload whose pods run under this service account.
    ServiceAccountUser,
    /// The one workload whose pods mount this claim.
    ClaimUser,
}

/// The values key objects of the kind are grouped under, per owner.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// The key of the one object of the kind.
    pub singular: &'static str,
    /// The key of several, each under its own name.
    pub plural: &'static str,
    /// Objects sit under `plural` and their name even when there is one.
    pub always_keyed: bool,
    /// The description of the `plural` key.
    pub plural_description: &'static str,
}

/// Where the object's template goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `templates/<stem>.yaml`.
    Templates,
    /// `crds/<name>.yaml`, verbatim (or a template with `--crds templates`).
    Crds,
    /// Nowhere: the chart leaves it out.
    LeftOut,
}

/// How the names that refer to an object of the kind are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Its own name expression (`base_name`).
    Base,
    /// The workload's service-account helper, when a workload owns it.
    ServiceAccountHelper,
    /// The user's `existingSecret` or else its own name.
    ExistingSecret,
}

/// Everything `generate` knows about one kind (or kinds handled alike).
#[derive(Debug)]
pub struct Descriptor {
    /// The `kind`s it covers.
    pub kinds: &'static [&'static str],
    /// The values slot, for kinds with one.
    pub slot: Option<Slot>,
    /// How the object finds its workload.
    pub owner: Owner,
    /// The template file stem of the kind's one object (several add their names); `None` is
    /// the kind in lower case.
    pub stem: Option<&'static str>,
    /// Where its template goes.
    pub place: Place,
    /// A cluster-wide class whose name is its identity: releases side by side share one copy,
    /// rendered by the release that owns it.
    pub shared_class: bool,
    /// Its name is global or fixed by convention and is never rewritten.
    pub keeps_name: bool,
    /// How references to it are written.
    pub naming: Naming,
    /// The handler; `None` carries the object verbatim, with references inside its spec
    /// following the chart's names.
    pub apply: Option<Handler>,
}

impl Descriptor {
    /// A kind with no slot, owner or handler; fields are then set over it.
    pub const PLAIN: Descriptor = Descriptor {
        kinds: &[],
        slot: None,
        owner: Owner::None,
        stem: None,
        place: Place::Templates,
        shared_class: false,
        keeps_name: false,
        naming: Naming::Base,
        apply: None,
    };
}

/// The descriptor of a kind, if `generate` knows it.
pub fn of(kind: &str) -> Option<&'static Descriptor> {
    super::KINDS.iter().copied().find(|d| d.kinds.contains(&kind))
}

/// The descriptor of the kind whose slot is `singular`.
pub fn by_slot(singular: &str) -> Option<&'static Descriptor> {
    super::KINDS.iter().copied().find(|d| d.slot.is_some_and(|s| s.singular == singular))
}

/// The description of a slot's plural values key (`services`, `persistence`...).
pub fn plural_description(key: &str) -> Option<&'static str> {
    super::KINDS.iter().find_map(|d| d.slot.filter(|s| s.plural == key)).map(|s| s.plural_description)
}

/// True for a kind `generate` knows that is namespaced; whether a kind is cluster-scoped is
/// `crate::kube`'s to say, so the descriptors carry no scope.
pub fn is_known_namespaced(kind: &str) -> bool {
    of(kind).is_some() && !crate::kube::is_cluster_scoped(kind, "")
}

/// Built-in namespaced kinds without a handler: they are carried verbatim.
pub static NAMESPACED: Descriptor = Descriptor {
    kinds: &["Role", "Endpoints", "EndpointSlice", "LimitRange", "ResourceQuota", "Lease"],
    ..Descriptor::PLAIN
};

/// Cluster-wide classes other objects name.
pub static CLASSES: Descriptor = Descriptor {
    kinds: &["PriorityClass", "StorageClass", "IngressClass", "RuntimeClass"],
    shared_class: true,
    keeps_name: true,
    ..Descriptor::PLAIN
};

/// CustomResourceDefinitions: named after their group, installed from `crds/`.
pub static CRD: Descriptor = Descriptor {
    kinds: &["CustomResourceDefinition"],
    stem: Some("crd"),
    place: Place::Crds,
    keeps_name: true,
    ..Descriptor::PLAIN
};

/// Namespaces: left out, `helm install --create-namespace` creates the release namespace.
pub static NAMESPACE: Descriptor =
    Descriptor { kinds: &["Namespace"], place: Place::LeftOut, keeps_name: true, ..Descriptor::PLAIN };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_descriptor_and_its_scope_agrees_with_kube() {
        let mut seen: Vec<&str> = Vec::new();
        for d in super::super::KINDS {
            for k in d.kinds {
                assert!(!seen.contains(k), "{k} has two descriptors");
                seen.push(k);
                assert_eq!(is_known_namespaced(k), !crate::kube::is_cluster_scoped(k, ""), "{k}");
            }
        }
    }

    #[test]
    fn registered_cluster_wide_kinds_are_not_namespaced_and_unknown_kinds_are_not_known() {
        for k in [
            "Namespace",
            "CustomResourceDefinition",
            "ClusterRoleBinding",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "APIService",
            "PriorityClass",
            "StorageClass",
            "IngressClass",
            "RuntimeClass",
        ] {
            assert!(of(k).is_some() && !is_known_namespaced(k), "{k}");
        }
        for k in ["Deployment", "Service", "RoleBinding", "Role", "Lease"] {
            assert!(is_known_namespaced(k), "{k}");
        }
        assert!(!is_known_namespaced("Widget"));
    }

    #[test]
    fn each_slot_is_found_by_its_singular_key() {
        for d in super::super::KINDS {
            let Some(s) = d.slot else { continue };
            assert!(std::ptr::eq(by_slot(s.singular).unwrap(), *d), "{}", s.singular);
            assert_eq!(plural_description(s.plural), Some(s.plural_description));
        }
        assert_eq!(of("HorizontalPodAutoscaler").and_then(|d| d.slot).map(|s| s.plural), Some("autoscalers"));
    }

    /// Adding a kind means adding a golden case for it (CONTRIBUTING.md).
    #[test]
    fn every_kind_with_a_handler_is_in_a_golden_case() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/generate");
        let mut inputs = String::new();
        for case in std::fs::read_dir(root).unwrap() {
            let Ok(files) = std::fs::read_dir(case.unwrap().path().join("input")) else { continue };
            for f in files {
                inputs.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
            }
        }
        for d in super::super::KINDS.iter().filter(|d| d.apply.is_some()) {
            for k in d.kinds {
                assert!(
                    inputs.contains(&format!("kind: {k}\n")) || inputs.contains(&format!("\"kind\": \"{k}\"")),
                    "no golden case under golden/generate has a {k}"
                );
            }
        }
    }
}
