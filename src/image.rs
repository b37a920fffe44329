//! Container image references: one parser for the two ways chartwright reads them. `audit` and
//! the deny-list normalize a reference as the runtimes do ([`ImageRef`]); `generate` splits it
//! into the `repository` and `tag` values of a chart ([`split_image`]).

use std::fmt;

/// Splits `name[:tag]` at the tag's colon, not at a registry port's.
fn split_tag(image: &str) -> (&str, Option<&str>) {
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(i) => (&image[..last_slash + i], Some(&image[last_slash + i + 1..])),
        None => (image, None),
    }
}

/// Splits an image reference into repository and tag for a chart's values. A reference with a
/// digest is kept whole as the repository, so that the digest is never separated from it.
pub fn split_image(image: &str) -> (String, Option<String>) {
    if image.contains('@') {
        return (image.to_string(), None);
    }
    let (name, tag) = split_tag(image);
    (name.to_string(), tag.map(str::to_string))
}

/// True for the host names of Docker Hub.
pub fn is_docker_hub(host: &str) -> bool {
    matches!(host, "docker.io" | "registry-1.docker.io" | "index.docker.io" | "registry.hub.docker.com")
}

/// A container image reference split the way the container runtimes read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host, `docker.io` when none is written.
    pub registry: String,
    /// Repository path, with `library/` for Docker Hub official images.
    pub repository: String,
    /// Tag, if written.
    pub tag: Option<String>,
    /// Digest, if written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `[registry/]repository[:tag][@digest]`; `bitnami/nginx:1.2` and
    /// `docker.io/bitnami/nginx:1.2` give the same reference.
    pub fn parse(image: &str) -> ImageRef {
        let image = image.trim();
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (image, None),
        };
        let (name, tag) = split_tag(rest);
        let tag = tag.map(str::to_owned);
        let (registry, repository) = match name.split_once('/') {
            Some((first, path)) if first.contains('.') || first.contains(':') || first == "localhost" => {
                (first.to_ascii_lowercase(), path.to_owned())
            }
            _ => ("docker.io".to_owned(), name.to_owned()),
        };
        let registry = if is_docker_hub(&registry) { "docker.io".to_owned() } else { registry };
        let repository = if registry == "docker.io" && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        ImageRef { registry, repository, tag, digest }
    }

    /// `registry/repository`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_at_the_tag_not_the_registry_port() {
        assert_eq!(split_image("nginx"), ("nginx".into(), None));
        assert_eq!(split_image("nginx:1.25"), ("nginx".into(), Some("1.25".into())));
        assert_eq!(split_image("reg:5000/app/x:v1"), ("reg:5000/app/x".into(), Some("v1".into())));
        assert_eq!(split_image("reg:5000/app/x"), ("reg:5000/app/x".into(), None));
    }

    /// The two readings differ on digests on purpose: values keep a digest with the repository,
    /// matching splits it off and keeps the tag.
    #[test]
    fn digests_stay_whole_for_values_and_split_for_matching() {
        let image = "reg:5000/app/x:1.2@sha256:ab";
        assert_eq!(split_image(image), (image.to_string(), None));
        let r = ImageRef::parse(image);
        assert_eq!((r.registry.as_str(), r.repository.as_str()), ("reg:5000", "app/x"));
        assert_eq!((r.tag.as_deref(), r.digest.as_deref()), (Some("1.2"), Some("sha256:ab")));
        assert_eq!(r.to_string(), image);
    }
}

/// Whether `s` can be an image reference: `[registry[:port]/]path[:tag][@algorithm:digest]`
/// in the characters the reference grammar allows. Loose on structure (the registry decides),
/// strict on characters: nothing that could end a quoted string or a line.
pub fn is_reference(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 4096
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@' | '+'))
}

#[cfg(test)]
mod reference_tests {
    use super::is_reference;

    #[test]
    fn image_references_with_quotes_spaces_or_line_breaks_are_refused() {
        for ok in
            ["nginx", "nginx:1.27", "ghcr.io/org/app:v1.2_3", "localhost:5000/a/b@sha256:0123abcd", "a@sha256+b64:x"]
        {
            assert!(is_reference(ok), "{ok}");
        }
        for bad in
            ["", "nginx:1.27\"\n securityContext: {privileged: true}", "nginx 1", "{{ .x }}", "-x", "a'b", "a\\b"]
        {
            assert!(!is_reference(bad), "{bad:?}");
        }
    }
}
