//! `duplicate-env-var`

use crate::diag::Severity;

use super::common::label;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "duplicate-env-var",
    category: Category::Duplicates,
    severity: Severity::Warning,
    summary: "A container's env sets the same variable twice.",
    what: "Two entries of one container's `env` list have the same `name`.",
    why: "The container sees only the last one, silently: the value someone added later (or the one a values file overrides) is not the one the process reads, and `kubectl apply` reports the list differently from what runs. Server-side apply, which Helm 4 uses, treats `env` as a map keyed by name and may refuse the duplicate.",
    fix: "Keep one entry per variable name.",
    example: super::example!("duplicate-env-var"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let mut seen: Vec<(&str, u32)> = Vec::new();
            for env in c.field.get("env").map(|e| e.items()).unwrap_or_default() {
                let Some(name_field) = env.get("name") else { continue };
                let Some(name) = name_field.str() else { continue };
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    out.report(
                        cx,
                        w.index,
                        &name_field,
                        format!("{}: env {name} is already set at line {first}; this later value wins", label(&c)),
                        RULE.fix,
                    );
                } else {
                    seen.push((name, name_field.pos.line));
                }
            }
        }
    }
}
