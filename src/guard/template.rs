//! The Go-template form of the guards: the `fail` lines of `<chart>.validateValues`, which hold
//! even under `--skip-schema-validation`.

use super::{Check, Guard};
use crate::generate::analyze::names::values_ref;
use crate::generate::template::values::join;

impl Guard {
    /// The Go-template lines of the rule's `fail` checks.
    pub fn fail_lines(&self) -> Vec<String> {
        match self {
            Guard::ImageRepository { image } => {
                let r = values_ref(&join(image, &["repository"]));
                fail(&format!("not {r}"), &self.message(Check::ImageRepository))
            }
            Guard::IngressHosts { slot } => {
                let enabled = values_ref(&join(slot, &["enabled"]));
                let hosts = values_ref(&join(slot, &["hosts"]));
                fail(&format!("and {enabled} (not {hosts})"), &self.message(Check::IngressHosts))
            }
            Guard::PdbFields { slot } => {
                let min = values_ref(&join(slot, &["minAvailable"]));
                let max = values_ref(&join(slot, &["maxUnavailable"]));
                let enabled = values_ref(&join(slot, &["enabled"]));
                fail(&format!("and {enabled} {} {}", is_set(&min), is_set(&max)), &self.message(Check::PdbBoth))
            }
            Guard::Pdb { slot, replicas, autoscaling, count_known } => {
                let root = |p: &[String]| values_ref(p).replacen(".Values", "$.Values", 1);
                let mut lines = vec![format!("{{{{- with {} }}}}", values_ref(slot)), "{{- if .enabled }}".into()];
                lines.push(format!("{{{{- $minSet := {} }}}}", is_set(".minAvailable")));
                lines.push(format!("{{{{- $maxSet := {} }}}}", is_set(".maxUnavailable")));
                lines.extend(fail("eq $minSet $maxSet", &self.message(Check::PdbExactlyOne)));
                lines.extend(fail(
                    "and $maxSet (has (toString .maxUnavailable) (list \"0\" \"0%\"))",
                    &self.message(Check::PdbMaxZero),
                ));
                lines.extend(fail(
                    "and $minSet (eq (toString .minAvailable) \"100%\")",
                    &self.message(Check::PdbMinFull),
                ));
                let count = replicas.as_ref().map_or_else(|| "1".to_string(), |p| format!("(int {})", root(p)));
                let scaling_off =
                    autoscaling.as_ref().map_or_else(|| "true".to_string(), |p| format!("(not {})", root(p)));
                if *count_known {
                    lines.extend(fail(
                        &format!("and $minSet {scaling_off} (not (kindIs \"string\" .minAvailable)) (ge (int .minAvailable) {count})"),
                        &self.message(Check::PdbMinReplicas),
                    ));
                }
                lines.push("{{- end }}".into());
                lines.push("{{- end }}".into());
                lines
            }
            Guard::HpaBounds { slot, has_min } => {
                let enabled = values_ref(&join(slot, &["enabled"]));
                let min = values_ref(&join(slot, &["minReplicas"]));
                let max = values_ref(&join(slot, &["maxReplicas"]));
                let mut lines = vec![format!("{{{{- if {enabled} }}}}")];
                if *has_min {
                    lines.extend(fail(&format!("lt (int {min}) 1"), &self.message(Check::HpaMinBelowOne)));
                    lines.extend(fail(&format!("gt (int {min}) (int {max})"), &self.message(Check::HpaMinAboveMax)));
                } else {
                    lines.extend(fail(&format!("lt (int {max}) 1"), &self.message(Check::HpaMaxBelowOne)));
                }
                lines.push("{{- end }}".into());
                lines
            }
            Guard::ServiceType { slot } => {
                let ty = values_ref(&join(slot, &["type"]));
                let policy = values_ref(&join(slot, &["externalTrafficPolicy"]));
                let ranges = values_ref(&join(slot, &["loadBalancerSourceRanges"]));
                let mut lines = fail(
                    &format!("and {policy} (not (has (toString {ty}) (list \"NodePort\" \"LoadBalancer\")))"),
                    &self.message(Check::TrafficPolicyType),
                );
                lines.extend(fail(
                    &format!("and {ranges} (ne (toString {ty}) \"LoadBalancer\")"),
                    &self.message(Check::SourceRangesType),
                ));
                lines
            }
            Guard::SecretSource { slot, keys } => {
                let existing = values_ref(&join(slot, &["existingSecret"]));
                let any: Vec<String> = keys.iter().map(|k| values_ref(&join(slot, &[k]))).collect();
                let any = if any.len() == 1 { any[0].clone() } else { format!("(or {})", any.join(" ")) };
                fail(&format!("and {existing} {any}"), &self.message(Check::SecretBoth))
            }
        }
    }
}

/// Go-template test that a value is present and not an empty string.
fn is_set(reference: &str) -> String {
    format!("(and (not (kindIs \"invalid\" {reference})) (ne (toString {reference}) \"\"))")
}

fn fail(cond: &str, message: &str) -> Vec<String> {
    vec![
        format!("{{{{- if {cond} }}}}"),
        format!("{{{{- fail {} }}}}", crate::generate::analyze::names::go_string(message)),
        "{{- end }}".into(),
    ]
}
