//! `port-name-invalid`

use crate::diag::Severity;
use crate::yaml::Value;

use super::common::label;
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "port-name-invalid",
    category: Category::Wiring,
    severity: Severity::Error,
    summary: "A port name is one the API server rejects.",
    what: "A container port `name` or a Service `targetPort` given by name is not a valid IANA service name (1 to 15 characters of lower-case letters, digits and `-`, at least one letter, no `-` at either end and no `--`), or a Service port `name` is not a DNS label (1 to 63 characters of lower-case letters, digits and `-`, starting and ending with a letter or digit).",
    why: "The API server rejects the whole object, so the release fails to apply; the 15-character limit surprises most often, with names like `http-metrics-admin`.",
    fix: "Shorten the name to at most 15 characters of lower-case letters, digits and single hyphens (63 for Service port names).",
    example: super::example!("port-name-invalid"),
    check,
};

/// `IANA_SVC_NAME` as Kubernetes validates it.
pub fn valid_iana_svc_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 15
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn valid_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            for port in c.field.get("ports").map(|p| p.items()).unwrap_or_default() {
                let Some(name) = port.get("name") else { continue };
                let Some(s) = name.str() else { continue };
                if !valid_iana_svc_name(s) {
                    out.report(
                        cx,
                        w.index,
                        &name,
                        format!("{}: port name {s:?} is not a valid IANA service name", label(&c)),
                        RULE.fix,
                    );
                }
            }
        }
    }
    for (i, svc) in cx.of_kind("Service") {
        for port in Field::root(&svc.node).path(&["spec", "ports"]).map(|p| p.items()).unwrap_or_default() {
            if let Some(name) = port.get("name") {
                if let Some(s) = name.str().filter(|s| !valid_dns_label(s)) {
                    out.report(cx, i, &name, format!("port name {s:?} is not a DNS label"), RULE.fix);
                }
            }
            if let Some(target) = port.get("targetPort") {
                if let Value::Str(s) = &target.node.value {
                    if s.parse::<i64>().is_err() && !valid_iana_svc_name(s) {
                        out.report(
                            cx,
                            i,
                            &target,
                            format!("targetPort {s:?} is not a valid IANA service name"),
                            RULE.fix,
                        );
                    }
                }
            }
        }
    }
}
