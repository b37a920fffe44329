//! Helm's `repositories.yaml`: resolves `@name` / `alias:name` references to URLs and holds
//! the credentials `--online` uses (never printed).

use std::path::{Path, PathBuf};

use crate::yaml;

use super::AuditError;
use crate::repo_url::RepoUrl;

/// One `helm repo add`ed repository.
#[derive(Clone, PartialEq, Eq)]
pub struct Repo {
    /// Its name.
    pub name: String,
    /// Its URL.
    pub url: String,
    /// Basic-auth user.
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
}

impl std::fmt::Debug for Repo {
    /// Credentials stay out of debug output too.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("name", &self.name).field("url", &self.url).finish_non_exhaustive()
    }
}

/// The parsed `repositories.yaml`.
#[derive(Debug, Clone, Default)]
pub struct RepoConfig {
    /// Repositories in file order.
    pub repos: Vec<Repo>,
}

impl RepoConfig {
    /// Reads a `repositories.yaml`.
    ///
    /// # Errors
    ///
    /// An unreadable file or invalid YAML, with `file:line:col`.
    pub fn load(path: &Path) -> Result<RepoConfig, AuditError> {
        let shown = path.to_string_lossy().to_string();
        let text = crate::textfile::read(path, &shown)?;
        RepoConfig::parse(&shown, &text)
    }

    /// Parses the text of a `repositories.yaml`.
    ///
    /// # Errors
    ///
    /// Invalid YAML, with `file:line:col`.
    pub fn parse(shown: &str, text: &str) -> Result<RepoConfig, AuditError> {
        let docs = yaml::parse_stream(text).map_err(|e| AuditError::yaml(shown, &e))?;
        let mut cfg = RepoConfig::default();
        let Some(root) = docs.into_iter().find_map(|d| d.root) else { return Ok(cfg) };
        for r in root.get("repositories").and_then(|r| r.as_seq()).map(Vec::as_slice).unwrap_or_default() {
            let (Some(name), Some(url)) = (r.str_at(&["name"]), r.str_at(&["url"])) else { continue };
            let opt = |k: &str| r.str_at(&[k]).filter(|s| !s.is_empty()).map(str::to_owned);
            cfg.repos.push(Repo {
                name: name.to_owned(),
                url: url.to_owned(),
                username: opt("username"),
                password: opt("password"),
            });
        }
        Ok(cfg)
    }

    /// Helm's default location: `$HELM_REPOSITORY_CONFIG`, else `$HELM_CONFIG_HOME/repositories.yaml`,
    /// else `$XDG_CONFIG_HOME/helm/repositories.yaml`, else `~/.config/helm/repositories.yaml`.
    pub fn default_path() -> Option<PathBuf> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        var("HELM_REPOSITORY_CONFIG")
            .or_else(|| var("HELM_CONFIG_HOME").map(|d| d.join("repositories.yaml")))
            .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("helm/repositories.yaml")))
            .or_else(|| var("HOME").map(|d| d.join(".config/helm/repositories.yaml")))
    }

    /// The URL behind a repository name.
    pub fn resolve(&self, name: &str) -> Option<&Repo> {
        self.repos.iter().find(|r| r.name == name)
    }

    /// The entry whose credentials may be sent to `url`: same scheme, host and port, and `url`'s
    /// path inside the entry's (the longest such entry wins). Plain `http://` gets credentials
    /// only from an entry written with `http://` itself.
    pub fn credentials_for(&self, url: &str) -> Option<&Repo> {
        let target = RepoUrl::parse(url)?;
        self.repos
            .iter()
            .filter(|r| r.username.is_some() || r.password.is_some())
            .filter_map(|r| RepoUrl::parse(&r.url).filter(|c| c.covers(&target)).map(|c| (c.path.len(), r)))
            .max_by_key(|(len, _)| *len)
            .map(|(_, r)| r)
    }
}

/// `@name` or `alias:name` → `name`.
pub fn repo_reference(repository: &str) -> Option<&str> {
    repository.strip_prefix('@').or_else(|| repository.strip_prefix("alias:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_and_hides_credentials_in_debug() {
        let c = RepoConfig::parse(
            "r.yaml",
            "apiVersion: ''\nrepositories:\n- name: corp\n  url: https://charts.corp.example/\n  username: u\n  password: s3cret\n",
        )
        .unwrap();
        assert_eq!(c.resolve("corp").unwrap().url, "https://charts.corp.example/");
        assert!(c.credentials_for("https://charts.corp.example").is_some());
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(repo_reference("alias:stable"), Some("stable"));
        assert_eq!(repo_reference("@grafana"), Some("grafana"));
        assert_eq!(repo_reference("https://x"), None);
    }

    #[test]
    fn credentials_match_scheme_host_port_and_path_prefix() {
        let c = RepoConfig::parse(
            "r.yaml",
            "repositories:\n- {name: a, url: https://h.example/charts, username: a, password: pa}\n- {name: b, url: https://h.example/charts/team, username: b, password: pb}\n- {name: c, url: http://plain.example:8080, username: c, password: pc}\n- {name: d, url: https://h.example/public}\n",
        )
        .unwrap();
        let who = |u: &str| c.credentials_for(u).map(|r| r.name.as_str());
        assert_eq!(who("https://h.example/charts"), Some("a"));
        assert_eq!(who("https://H.example:443/charts/other/"), Some("a"));
        assert_eq!(who("https://h.example/charts/team/x"), Some("b"), "the most specific entry wins");
        assert_eq!(who("http://h.example/charts"), None, "https credentials never go over http");
        assert_eq!(who("https://h.example:8443/charts"), None);
        assert_eq!(who("https://other.example/charts"), None);
        assert_eq!(who("https://h.example/chartsX"), None);
        assert_eq!(who("https://h.example/public"), None, "an entry without credentials gives none");
        assert_eq!(who("http://plain.example:8080/x"), Some("c"), "configured as http itself");
        assert_eq!(who("https://plain.example:8080/x"), None);
    }
}
