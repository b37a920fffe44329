//! The rule registry. Each rule is one file with its metadata (id, default severity, doc block)
//! and its check; `--list-rules`, SARIF rule metadata and `docs/rules.md` are all built from
//! [`RULES`].

use crate::diag::Severity;

use super::context::{Ctx, Out};

mod common;

mod api_deprecated;
mod api_removed;
mod capabilities_not_dropped;
mod config_ref_missing;
mod configmap_credentials;
mod cpu_limit_missing;
mod cpu_request_missing;
mod duplicate_env_var;
mod duplicate_key;
mod duplicate_object;
mod egress_blocks_dns;
mod host_network;
mod host_pid;
mod host_port;
mod hpa_duplicate_target;
mod hpa_min_above_max;
mod hpa_target_missing;
mod hpa_with_fixed_replicas;
mod image_deny_listed;
mod image_latest_tag;
mod ingress_port_missing;
mod ingress_service_missing;
mod label_invalid;
mod liveness_same_as_readiness;
mod liveness_without_readiness;
mod memory_limit_far_above_request;
mod memory_limit_missing;
mod memory_request_missing;
mod networkpolicy_selects_nothing;
mod pdb_blocks_drain;
mod pdb_both_min_and_max;
mod pdb_selects_nothing;
mod pdb_unhealthy_pod_eviction_policy;
mod port_name_invalid;
mod privilege_escalation_allowed;
mod privileged_container;
mod probe_failure_threshold_one;
mod probe_initial_delay_only;
mod probe_port_missing;
mod readiness_probe_missing;
mod replicas_not_spread;
mod request_above_limit;
mod rolling_update_cannot_progress;
mod root_filesystem_writable;
mod run_as_non_root_unset;
mod selector_template_mismatch;
mod service_account_token_automount;
mod service_selects_nothing;
mod service_target_port_missing;
mod serviceaccount_missing;
mod single_replica_with_pdb;
mod statefulset_service_missing;

/// The family a rule belongs to (the sections of `docs/rules.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Probes that race the application's start-up.
    Probes,
    /// CPU and memory requests and limits.
    Resources,
    /// PodDisruptionBudgets and rollouts.
    Disruption,
    /// HorizontalPodAutoscalers.
    Autoscaling,
    /// Image references.
    Images,
    /// Removed and deprecated apiVersions.
    Apis,
    /// References between objects.
    Wiring,
    /// Things written twice: objects, mapping keys, environment variables.
    Duplicates,
    /// NetworkPolicies.
    Network,
    /// Pod and container security settings.
    Security,
    /// Credentials where they do not belong.
    Secrets,
}

impl Category {
    /// The section title.
    pub fn title(self) -> &'static str {
        match self {
            Category::Probes => "Probes",
            Category::Resources => "Resources",
            Category::Disruption => "Disruption",
            Category::Autoscaling => "Autoscaling",
            Category::Images => "Images",
            Category::Apis => "APIs",
            Category::Wiring => "Wiring",
            Category::Duplicates => "Duplicates",
            Category::Network => "Network",
            Category::Security => "Security",
            Category::Secrets => "Secrets",
        }
    }
}

/// One rule: its metadata and its check.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id; reads well after "allow".
    pub id: &'static str,
    /// Section.
    pub category: Category,
    /// Default severity (a config file may override it).
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// Why it matters in production.
    pub why: &'static str,
    /// How to fix it, in one sentence.
    pub fix: &'static str,
    /// A manifest the rule flags (the rule's failing fixture).
    pub example: &'static str,
    /// The check.
    pub check: fn(&Ctx<'_>, &mut Out<'_>),
}

/// Every rule, in documentation order.
pub static RULES: &[&Rule] = &[
    &probe_initial_delay_only::RULE,
    &liveness_same_as_readiness::RULE,
    &liveness_without_readiness::RULE,
    &probe_failure_threshold_one::RULE,
    &probe_port_missing::RULE,
    &readiness_probe_missing::RULE,
    &cpu_request_missing::RULE,
    &cpu_limit_missing::RULE,
    &memory_request_missing::RULE,
    &memory_limit_missing::RULE,
    &memory_limit_far_above_request::RULE,
    &request_above_limit::RULE,
    &pdb_both_min_and_max::RULE,
    &pdb_blocks_drain::RULE,
    &pdb_selects_nothing::RULE,
    &rolling_update_cannot_progress::RULE,
    &single_replica_with_pdb::RULE,
    &pdb_unhealthy_pod_eviction_policy::RULE,
    &replicas_not_spread::RULE,
    &host_port::RULE,
    &hpa_with_fixed_replicas::RULE,
    &hpa_min_above_max::RULE,
    &hpa_target_missing::RULE,
    &hpa_duplicate_target::RULE,
    &image_latest_tag::RULE,
    &image_deny_listed::RULE,
    &api_removed::RULE,
    &api_deprecated::RULE,
    &service_selects_nothing::RULE,
    &service_target_port_missing::RULE,
    &ingress_service_missing::RULE,
    &ingress_port_missing::RULE,
    &config_ref_missing::RULE,
    &serviceaccount_missing::RULE,
    &selector_template_mismatch::RULE,
    &statefulset_service_missing::RULE,
    &port_name_invalid::RULE,
    &label_invalid::RULE,
    &duplicate_object::RULE,
    &duplicate_key::RULE,
    &duplicate_env_var::RULE,
    &egress_blocks_dns::RULE,
    &networkpolicy_selects_nothing::RULE,
    &run_as_non_root_unset::RULE,
    &privilege_escalation_allowed::RULE,
    &root_filesystem_writable::RULE,
    &capabilities_not_dropped::RULE,
    &privileged_container::RULE,
    &host_network::RULE,
    &host_pid::RULE,
    &service_account_token_automount::RULE,
    &configmap_credentials::RULE,
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The failing fixture of a rule, used as its documented example.
macro_rules! example {
    ($id:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint/rules/", $id, "/fail.yaml"))
    };
}
pub(crate) use example;
