//! `image-deny-listed`

use std::sync::OnceLock;

use crate::denylist::DenyList;
use crate::diag::Severity;

use super::common::label;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "image-deny-listed",
    category: Category::Images,
    severity: Severity::Error,
    summary: "An image comes from a deny-listed source (the same built-in list as `chartwright audit`).",
    what: "A container image matches an image entry of the built-in deny-list that `chartwright audit` uses (`src/audit/default-deny-list.yaml`), e.g. versioned `docker.io/bitnami/*` images, whose tags were deleted. The finding takes the entry's severity unless `.chartwright.yaml` overrides it, and its message names the entry id and reason.",
    why: "The image no longer exists or no longer gets fixes: the next node that has to pull it fails with ImagePullBackOff, usually during an incident or an autoscaling event rather than at deploy time.",
    fix: "Switch to the replacement the finding names (usually the upstream project's official image, pinned to a version).",
    example: super::example!("image-deny-listed"),
    check,
};

fn builtin() -> &'static DenyList {
    static LIST: OnceLock<DenyList> = OnceLock::new();
    LIST.get_or_init(DenyList::builtin)
}

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let Some(image) = c.field.get("image") else { continue };
            let Some(reference) = image.str().map(str::trim).filter(|s| !s.is_empty()) else { continue };
            let Some(hit) = builtin().check_image(reference) else { continue };
            let help = hit.replacement.as_ref().map_or_else(
                || RULE.fix.to_string(),
                |r| {
                    let mut s = r.to_string();
                    if let Some(first) = s.get(..1) {
                        s = first.to_uppercase() + &s[1..];
                    }
                    if !s.ends_with('.') {
                        s.push('.');
                    }
                    s
                },
            );
            out.report(
                cx,
                w.index,
                &image,
                format!("{}: image {reference} is deny-listed ({}): {}", label(&c), hit.id, hit.reason),
                help,
            );
            if let Some(last) = out.found.last_mut() {
                last.1.severity = hit.severity;
            }
        }
    }
}
