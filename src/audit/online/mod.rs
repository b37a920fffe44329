//! `--online`: chart repository indexes and OCI tag lists, fetched with timeouts, a size cap,
//! bounded retries and a revalidating cache, then compared with each dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use semver::Version;

use crate::diag::{Diagnostic, Severity};
use crate::yaml;

use super::repos::RepoConfig;
use super::{AuditError, RemoteDep};
use crate::chart::constraint;
use crate::repo_url::RepoUrl;

#[cfg(feature = "online")]
mod fetch;

/// Without the `online` feature there is no HTTP client: `check` refuses, and the CLI says so
/// before reading anything ([`crate::net::AVAILABLE`]).
#[cfg(not(feature = "online"))]
mod fetch {
    use super::{AuditError, Lookups, OnlineOptions, RepoConfig};

    pub(super) fn fetch_all(
        _: &OnlineOptions,
        _: &RepoConfig,
        _: Vec<(String, String, String)>,
        _: &mut dyn FnMut(usize, usize, &str),
    ) -> Result<Lookups, AuditError> {
        Err(AuditError::Online(crate::net::NOT_BUILT.into()))
    }
}

/// Settings for live checks.
#[derive(Debug, Clone)]
pub struct OnlineOptions {
    /// Where indexes are cached with their ETag / Last-Modified.
    pub cache_dir: PathBuf,
    /// Deadline of one request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Largest index accepted, in bytes.
    pub max_index_bytes: u64,
    /// Retries after a timeout, connection error, 429 or 5xx.
    pub retries: u32,
    /// Talk plain HTTP to OCI registries (like `helm push --plain-http`).
    pub plain_http: bool,
    /// Repositories read at the same time.
    pub concurrency: usize,
}

/// Repositories read at the same time by default: enough to overlap slow servers, few enough
/// not to look like a flood to one host.
pub const DEFAULT_CONCURRENCY: usize = 4;

impl OnlineOptions {
    /// The pause before retry `attempt` (1-based): 200 ms, 400 ms, … capped at 3.2 s.
    pub fn backoff(attempt: u32) -> Duration {
        Duration::from_millis(100u64 << attempt.min(5))
    }

    /// The most one repository may take: every attempt running into the deadline, plus the
    /// pauses between them. Every request for a repository (index, OCI token, tag pages) draws
    /// on this one budget, so a repository never takes longer, whatever the server does.
    pub fn repository_budget(&self) -> Duration {
        let pauses: Duration = (1..=self.retries).map(Self::backoff).sum();
        self.timeout.saturating_mul(self.retries.saturating_add(1)) + pauses
    }

    /// The most `lookups` distinct repositories (or OCI charts) may take, read
    /// [`Self::concurrency`] at a time.
    pub fn worst_case(&self, lookups: usize) -> Duration {
        let waves = lookups.div_ceil(self.concurrency.max(1));
        self.repository_budget().saturating_mul(u32::try_from(waves).unwrap_or(u32::MAX))
    }
}

impl Default for OnlineOptions {
    fn default() -> Self {
        OnlineOptions {
            cache_dir: default_cache_dir(),
            timeout: Duration::from_secs(30),
            max_index_bytes: 64 * 1024 * 1024,
            retries: 2,
            plain_http: false,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// `$XDG_CACHE_HOME/chartwright/repositories`, else `~/.cache/chartwright/repositories`.
pub fn default_cache_dir() -> PathBuf {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("chartwright/repositories")
}

/// Why a repository could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// 404 or 410.
    Gone(String),
    /// Anything else, with one sentence.
    Unavailable(String),
}

/// One published version.
#[derive(Debug, Clone)]
pub struct Published {
    /// Parsed.
    pub version: Version,
    /// As written.
    pub original: String,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// Versions of each chart in one repository, highest first.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Chart name → versions.
    pub charts: BTreeMap<String, Vec<Published>>,
}

pub use crate::repo_url::redact;

/// Parses an `index.yaml` (JSON is YAML too) into a catalog, as Helm's loader reads it.
///
/// # Errors
///
/// One sentence when the text is not an index.
pub fn parse_index(text: &str) -> Result<Catalog, String> {
    let docs = yaml::parse_stream(text).map_err(|e| format!("invalid YAML at line {}: {}", e.pos.line, e.message))?;
    let root = docs.into_iter().find_map(|d| d.root).ok_or("the index is empty")?;
    if root.get("apiVersion").and_then(|v| v.as_str()).is_none_or(str::is_empty) {
        return Err("the index has no apiVersion (truncated or not a Helm repository)".into());
    }
    let mut cat = Catalog::default();
    let Some(entries) = root.get("entries").and_then(|e| e.as_map()) else { return Ok(cat) };
    for (k, list) in entries {
        let mut versions = Vec::new();
        for v in list.as_seq().map(Vec::as_slice).unwrap_or_default() {
            let Some(orig) = v.get("version").and_then(|x| match &x.value {
                yaml::Value::Str(s) => Some(s.clone()),
                yaml::Value::Int(i) => Some(i.to_string()),
                yaml::Value::Float(f) => Some(yaml::format_float(*f)),
                _ => None,
            }) else {
                continue;
            };
            // Helm skips entries without download URLs and versions it cannot parse.
            if v.get("urls").and_then(|u| u.as_seq()).is_none_or(Vec::is_empty) {
                continue;
            }
            let Ok(version) = constraint::parse_version(&orig) else { continue };
            versions.push(Published {
                version,
                original: orig,
                deprecated: v.get("deprecated").and_then(|d| d.as_bool()) == Some(true),
            });
        }
        versions.sort_by(|a, b| b.version.cmp(&a.version));
        cat.charts.insert(k.as_str().unwrap_or_default().to_owned(), versions);
    }
    Ok(cat)
}

/// What makes two dependencies one lookup: the URL as fetched (the scheme kept, so `http` and
/// `https` stay apart) and its user information (held in memory only).
fn lookup_key(url: &str) -> String {
    match RepoUrl::parse(url) {
        Some(u) => {
            let base = if u.scheme == "oci" { crate::denylist::normalize_url(url) } else { u.canonical() };
            match &u.userinfo {
                Some(i) => format!("{base} {i}"),
                None => base,
            }
        }
        None => url.trim().to_owned(),
    }
}

/// What each lookup (repository key, OCI chart) found.
type Lookups = BTreeMap<(String, String), Result<Catalog, FetchError>>;

/// Allow-list subject of an online finding: (dependency name, repository).
pub type OnlineSubject = (Option<String>, Option<String>);

/// Fetches every distinct repository once and turns what it says into findings.
///
/// # Errors
///
/// Only when the HTTP client cannot be built, or the build has no online checks ([`crate::net::NOT_BUILT`]).
pub fn check(
    o: &OnlineOptions,
    repos: &RepoConfig,
    deps: &[RemoteDep],
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Vec<(usize, Diagnostic, OnlineSubject)>, AuditError> {
    let results = fetch::fetch_all(o, repos, lookups(deps), progress)?;
    let mut out = Vec::new();
    for d in deps {
        let subject: OnlineSubject = (Some(d.display_name.clone()), Some(d.repository.clone()));
        let found = match &results[&lookup_of(d)] {
            Ok(cat) => published_findings(d, cat),
            Err(e) => vec![fetch_failure(d, e)],
        };
        out.extend(found.into_iter().map(|dg| (d.group, dg, subject.clone())));
    }
    Ok(out)
}

/// What one dependency is looked up by: the repository's index key, and for OCI the chart.
fn lookup_of(d: &RemoteDep) -> (String, String) {
    let oci = d.repository.to_ascii_lowercase().starts_with("oci://");
    (lookup_key(&d.repository), if oci { d.name.clone() } else { String::new() })
}

/// The distinct lookups in a stable order, each with the repository as first written.
fn lookups(deps: &[RemoteDep]) -> Vec<(String, String, String)> {
    let keys: BTreeSet<(String, String)> = deps.iter().map(lookup_of).collect();
    keys.into_iter()
        .map(|(key, chart)| {
            let original =
                deps.iter().find(|d| lookup_key(&d.repository) == key).map_or(key.clone(), |d| d.repository.clone());
            (key, chart, original)
        })
        .collect()
}

/// A finding of `check` about dependency `d`, at its position.
fn online_diag(d: &RemoteDep, check: &super::Check, msg: String) -> Diagnostic {
    check
        .diagnostic(msg)
        .at(d.file.clone(), d.pos.line, d.pos.col)
        .field("dependency", d.display_name.as_str())
        .field("repository", redact(&d.repository).as_str())
}

/// The repository (or, for OCI, the chart) of `d` could not be read.
fn fetch_failure(d: &RemoteDep, e: &FetchError) -> Diagnostic {
    let oci = d.repository.to_ascii_lowercase().starts_with("oci://");
    let shown = redact(&d.repository);
    match e {
        FetchError::Gone(m) if oci => {
            online_diag(d, &super::checks::CHART_GONE, format!("chart `{}` is not in {shown} ({m})", d.name))
        }
        FetchError::Gone(m) => online_diag(
            d,
            &super::checks::REPOSITORY_GONE,
            format!("repository {shown} of `{}` is gone ({m})", d.display_name),
        ),
        FetchError::Unavailable(m) => online_diag(
            d,
            &super::checks::REPOSITORY_UNAVAILABLE,
            format!("repository {shown} of `{}` could not be read: {m}", d.display_name),
        ),
    }
}

/// What the repository's list of versions says about `d`: gone, deprecated, unsatisfiable,
/// its locked version withdrawn, or behind the latest.
fn published_findings(d: &RemoteDep, cat: &Catalog) -> Vec<Diagnostic> {
    let shown = redact(&d.repository);
    let Some(versions) = cat.charts.get(&d.name).filter(|v| !v.is_empty()) else {
        let msg = format!("chart `{}` is no longer published in {shown}", d.name);
        return vec![online_diag(d, &super::checks::CHART_GONE, msg)];
    };
    let mut out = Vec::new();
    let latest = versions.iter().find(|p| p.version.pre.is_empty()).unwrap_or(&versions[0]);
    if latest.deprecated {
        let msg = format!(
            "chart `{}` is deprecated in {shown} (latest version {} is marked deprecated)",
            d.name, latest.original
        );
        out.push(online_diag(d, &super::checks::DEPRECATED_CHART, msg));
    }
    let resolved = d.constraint.as_ref().map(|c| versions.iter().find(|p| c.matches(&p.version)));
    if let (Some(None), Some(c)) = (&resolved, &d.constraint) {
        let msg = format!(
            "no published version of `{}` in {shown} satisfies \"{c}\" (latest is {})",
            d.name, latest.original
        );
        out.push(online_diag(d, &super::checks::CONSTRAINT_UNSATISFIABLE, msg));
    }
    let locked = d.locked.as_deref().and_then(|l| constraint::parse_version(l).ok().map(|v| (l.to_owned(), v)));
    if let Some((l, lv)) = &locked {
        if !versions.iter().any(|p| p.version == *lv) {
            let msg = format!("the locked version {l} of `{}` is no longer listed in {shown}", d.name);
            out.push(online_diag(d, &super::checks::LOCKED_VERSION_GONE, msg));
        }
    }
    let current = locked.or_else(|| resolved.flatten().map(|p| (p.original.clone(), p.version.clone())));
    out.extend(current.and_then(|(cur, cv)| newer_version(d, latest, &cur, &cv)));
    out
}

/// `d` at `cur` is behind the latest published version.
fn newer_version(d: &RemoteDep, latest: &Published, cur: &str, cv: &Version) -> Option<Diagnostic> {
    if latest.version <= *cv {
        return None;
    }
    let kind = if latest.version.major != cv.major {
        "major"
    } else if latest.version.minor != cv.minor {
        "minor"
    } else {
        "patch"
    };
    let msg = format!("`{}` {cur} is behind: {} is published ({kind} update)", d.name, latest.original);
    let mut dg = online_diag(d, &super::checks::NEWER_VERSION, msg)
        .field("current", cur)
        .field("latest", latest.original.as_str())
        .field("update", kind);
    // A major jump usually breaks values: worth more than the check's default.
    if kind == "major" {
        dg.severity = Severity::Warning;
    }
    Some(dg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_parsing_skips_unparsable_and_urlless_entries_and_sorts() {
        let c = parse_index(
            "apiVersion: v1\nentries:\n  app:\n    - version: 1.2.0\n      urls: [a]\n    - version: v1.10.0\n      urls: [b]\n    - version: nope\n      urls: [c]\n    - version: 9.0.0\n",
        )
        .unwrap();
        let v: Vec<&str> = c.charts["app"].iter().map(|p| p.original.as_str()).collect();
        assert_eq!(v, ["v1.10.0", "1.2.0"]);
        assert!(parse_index("entries: {}\n").unwrap_err().contains("apiVersion"));
        assert!(parse_index("apiVersion: v1\nentries: [\n").unwrap_err().starts_with("invalid YAML"));
    }

    #[test]
    fn worst_case_is_the_budget_per_wave_of_repositories() {
        let o = OnlineOptions::default();
        // 3 attempts of 30 s plus pauses of 0.2 s and 0.4 s.
        assert_eq!(o.repository_budget(), Duration::from_millis(90_600));
        assert_eq!(o.worst_case(1), Duration::from_millis(90_600));
        assert_eq!(o.worst_case(4), Duration::from_millis(90_600));
        assert_eq!(o.worst_case(5), Duration::from_millis(181_200));
        let single = OnlineOptions { timeout: Duration::from_secs(10), retries: 0, concurrency: 1, ..o };
        assert_eq!(single.worst_case(3), Duration::from_secs(30));
    }

    #[test]
    fn redaction_drops_user_info() {
        assert_eq!(redact("https://u:p@host/x/index.yaml"), "https://host/x/index.yaml");
        assert_eq!(redact("https://host"), "https://host");
        assert_eq!(redact("https://host/"), "https://host/");
        assert_eq!(redact("https://a@b@host:1?q=@x"), "https://host:1?q=@x");
    }
}
