//! Image references in values files, in the shapes charts use: `image: repo:tag`,
//! `image: {registry, repository, tag, digest}`, and `global.imageRegistry` overriding registries.

use crate::yaml::{Node, Pos, Value};

/// One image reference found in a values tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundImage {
    /// The reference as the chart would render it (`registry/repository:tag`).
    pub reference: String,
    /// The dotted values path (`primary.image`).
    pub path: String,
    /// Where it is.
    pub pos: Pos,
}

/// A scalar as text; booleans are never part of an image reference.
fn scalar(n: &Node) -> Option<String> {
    crate::yaml::scalar_string(n).filter(|_| n.as_bool().is_none())
}

fn looks_like_image(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains("{{") && !s.starts_with('/')
}

fn image_key(k: &str) -> bool {
    k == "image" || k.ends_with("Image")
}

/// Every image reference in a values tree, in document order.
pub fn scan(root: &Node) -> Vec<FoundImage> {
    let global_registry =
        root.str_at(&["global", "imageRegistry"]).filter(|s| !s.is_empty() && !s.contains("{{")).map(str::to_owned);
    let mut out = Vec::new();
    walk(root, "", global_registry.as_deref(), &mut out, 0);
    out
}

fn walk(n: &Node, path: &str, global: Option<&str>, out: &mut Vec<FoundImage>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &n.value {
        Value::Map(m) => {
            for (k, v) in m {
                let key = k.as_str().unwrap_or_default();
                let p = if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
                if image_key(key) {
                    if let Some(s) = v.as_str().filter(|s| looks_like_image(s)) {
                        out.push(FoundImage { reference: s.to_owned(), path: p.clone(), pos: v.pos });
                        continue;
                    }
                }
                if let Some(found) = structured(v, global) {
                    out.push(FoundImage { reference: found.0, path: p, pos: found.1 });
                    continue;
                }
                walk(v, &p, global, out, depth + 1);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), global, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `{registry?, repository, tag?, digest?}`; Bitnami-style charts let `global.imageRegistry`
/// replace `registry`, so it does here too.
fn structured(n: &Node, global: Option<&str>) -> Option<(String, Pos)> {
    let repo_node = n.get("repository")?;
    let repo = repo_node.as_str().filter(|s| looks_like_image(s))?;
    // `repository` alone also names chart repositories and git repos; require an image-ish sibling.
    let tag = n.get("tag").and_then(scalar).filter(|t| !t.is_empty() && !t.contains("{{"));
    let digest = n.get("digest").and_then(scalar).filter(|t| !t.is_empty() && !t.contains("{{"));
    let registry = n.get("registry").and_then(scalar).filter(|s| !s.is_empty() && !s.contains("{{"));
    if tag.is_none()
        && digest.is_none()
        && registry.is_none()
        && n.get("tag").is_none()
        && n.get("pullPolicy").is_none()
    {
        return None;
    }
    if repo.contains("://") {
        return None;
    }
    let registry = global.map(str::to_owned).or(registry);
    let mut r = match registry {
        Some(reg) => format!("{}/{repo}", reg.trim_end_matches('/')),
        None => repo.to_owned(),
    };
    if let Some(t) = tag {
        r.push(':');
        r.push_str(&t);
    }
    if let Some(d) = digest {
        r.push('@');
        r.push_str(&d);
    }
    Some((r, repo_node.pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<(String, String)> {
        let root = crate::yaml::parse_stream(src).unwrap().remove(0).root.unwrap();
        scan(&root).into_iter().map(|f| (f.path, f.reference)).collect()
    }

    #[test]
    fn every_usual_shape() {
        let got = refs(
            "image: bitnami/nginx:1.25\nprimary:\n  image:\n    registry: docker.io\n    repository: bitnami/postgresql\n    tag: 16\nsidecars:\n  - name: x\n    image: busybox\ninitImage: alpine:3\n",
        );
        assert_eq!(
            got,
            vec![
                ("image".into(), "bitnami/nginx:1.25".into()),
                ("primary.image".into(), "docker.io/bitnami/postgresql:16".into()),
                ("sidecars[0].image".into(), "busybox".into()),
                ("initImage".into(), "alpine:3".into()),
            ]
        );
    }

    #[test]
    fn global_image_registry_overrides_registry() {
        let got = refs(
            "global:\n  imageRegistry: docker.io\nredis:\n  image:\n    registry: quay.io\n    repository: bitnami/redis\n    tag: 7.2.4\n",
        );
        assert_eq!(got, vec![("redis.image".into(), "docker.io/bitnami/redis:7.2.4".into())]);
    }

    #[test]
    fn templates_and_chart_repositories_are_not_images() {
        assert!(refs("image: '{{ .Values.x }}'\nhelm:\n  repository: https://charts.example.com\n").is_empty());
    }
}
