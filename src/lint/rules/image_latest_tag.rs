//! `image-latest-tag`

use crate::diag::Severity;

use super::common::label;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "image-latest-tag",
    category: Category::Images,
    severity: Severity::Warning,
    summary: "An image uses the tag `latest` or no tag at all.",
    what: "A container image has no tag and no digest, or the tag `latest`.",
    why: "The same manifest then runs different code on different nodes and on every restart; a rollback redeploys the new, broken image, and a deleted or rewritten tag makes pods fail with ImagePullBackOff.",
    fix: "Pin the image to a version tag, or better to a digest (image@sha256:...).",
    example: super::example!("image-latest-tag"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let Some(image) = c.field.get("image") else { continue };
            let Some(reference) = image.str().map(str::trim).filter(|s| !s.is_empty()) else { continue };
            let (_, tag) = crate::image::split_image(reference);
            if reference.contains('@') {
                continue;
            }
            let message = match tag.as_deref() {
                None => format!("{}: image {reference} has no tag (pulls latest)", label(&c)),
                Some("latest") => format!("{}: image {reference} uses the tag latest", label(&c)),
                Some(_) => continue,
            };
            out.report(cx, w.index, &image, message, RULE.fix);
        }
    }
}
