//! The deny-list: dead, frozen and deprecated chart sources and container images, as data.
//! Top level because both `audit` and `lint` (image-deny-listed) match against it.
//!
//! The list is a YAML file (format in `schemas/deny-list.schema.json`); the built-in one is
//! embedded from `src/audit/default-deny-list.yaml` so that the facts live in one reviewable place and
//! users can extend, override or disable them without a new release.

use std::collections::BTreeMap;
use std::fmt;

use crate::diag::Severity;
// Re-exported for `generate::deps::catalog`, which reads image references and scalars through this
// module's path.
use crate::image::ImageRef;
use crate::yaml::{self, Node, Pos, Value};

/// The built-in deny-list, as shipped.
pub const DEFAULT_DENY_LIST: &str = include_str!("audit/default-deny-list.yaml");

/// File name used for the built-in list in diagnostics.
pub const BUILTIN_NAME: &str = "<built-in deny-list>";

/// A deny-list file that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{}:{}: {message}", pos.line, pos.col)]
pub struct DenyListError {
    /// The file as named by the user.
    pub file: String,
    /// Where the problem is.
    pub pos: Pos,
    /// One sentence.
    pub message: String,
}

/// What to use instead.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Replacement {
    /// One sentence.
    pub text: String,
    /// The replacement's chart repository, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The replacement chart's name in that repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
}

impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        match (&self.chart, &self.repository) {
            (Some(c), Some(r)) => write!(f, " (chart `{c}` from {r})"),
            (None, Some(r)) => write!(f, " ({r})"),
            _ => Ok(()),
        }
    }
}

/// A deny-list entry that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The entry id, used as the finding's rule id.
    pub id: String,
    /// How serious.
    pub severity: Severity,
    /// Why the source is denied.
    pub reason: String,
    /// What to use instead, specific to the chart when the entry knows one.
    pub replacement: Option<Replacement>,
    /// When the source stopped working (`YYYY-MM-DD`), if known.
    pub since: Option<String>,
}

/// Which tags an image entry applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagRule {
    /// Any reference.
    Any,
    /// A tag other than `latest`, or a digest.
    Versioned,
    /// No tag, or `latest`.
    Latest,
}

#[derive(Debug, Clone)]
enum Matcher {
    Url(String),
    Prefix(String),
    Oci(String),
    Glob(String),
    RepoName(String),
    Image(String, TagRule),
    /// Only `charts` restricts the entry.
    AnyRepository,
}

/// One deny entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Stable id.
    pub id: String,
    /// How serious a match is.
    pub severity: Severity,
    /// Why.
    pub reason: String,
    /// Since when (`YYYY-MM-DD`).
    pub since: Option<String>,
    /// Generic replacement.
    pub replacement: Option<Replacement>,
    /// Replacement by denied chart name.
    pub replacements: BTreeMap<String, Replacement>,
    matcher: Matcher,
    charts: Vec<String>,
    /// Where the entry is defined.
    pub file: String,
    /// Its position.
    pub pos: Pos,
}

/// An allow-list entry: silences findings of one rule, narrowed by chart, repository, image or file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Allow {
    /// The rule (deny entry id or audit check id) to silence.
    pub rule: String,
    /// Only for this dependency name or alias.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// Only for repositories matching this glob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Only for images matching this glob (normalised reference, tag included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Only in files whose path matches this glob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Why the finding is accepted; recorded in the output.
    pub reason: String,
    /// Where the entry is defined (`file:line:col`).
    pub defined_at: String,
}

/// What a finding is about, for allow-list matching.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// Dependency name or alias.
    pub chart: Option<&'a str>,
    /// Dependency repository as written or resolved.
    pub repository: Option<&'a str>,
    /// Image reference.
    pub image: Option<&'a str>,
    /// The file the finding is in.
    pub file: &'a str,
}

impl Allow {
    /// Whether this entry silences a finding of `rule` about `s`.
    pub fn matches(&self, rule: &str, s: &Subject<'_>) -> bool {
        if self.rule != rule {
            return false;
        }
        let opt = |pat: &Option<String>, val: Option<&str>, norm: fn(&str) -> String| match pat {
            None => true,
            Some(p) => val.is_some_and(|v| glob_match(&norm(p), &norm(v))),
        };
        opt(&self.chart, s.chart, str::to_owned)
            && opt(&self.repository, s.repository, normalize_url)
            && opt(&self.image, s.image, |i| ImageRef::parse(i).to_string())
            && opt(&self.file, Some(s.file), str::to_owned)
    }
}

/// An ordered deny-list plus its allow-list.
#[derive(Debug, Clone, Default)]
pub struct DenyList {
    /// Deny entries in matching order.
    pub entries: Vec<Entry>,
    /// Allow entries.
    pub allows: Vec<Allow>,
}

impl DenyList {
    /// The built-in list.
    ///
    /// # Panics
    ///
    /// Never in a released binary: a unit test parses the embedded file.
    pub fn builtin() -> DenyList {
        DenyList::parse(BUILTIN_NAME, DEFAULT_DENY_LIST).expect("the built-in deny-list is valid")
    }

    /// An empty list (for `--no-default-deny-list`).
    pub fn empty() -> DenyList {
        DenyList::default()
    }

    /// Parses a deny-list file.
    ///
    /// # Errors
    ///
    /// A [`DenyListError`] at the offending node for invalid YAML or an invalid entry.
    pub fn parse(file: &str, text: &str) -> Result<DenyList, DenyListError> {
        let err = |pos: Pos, message: String| DenyListError { file: file.to_owned(), pos, message };
        let docs = yaml::parse_stream(text).map_err(|e| err(e.pos, format!("invalid YAML: {}", e.message)))?;
        let mut roots = docs.into_iter().filter_map(|d| d.root);
        let Some(root) = roots.next() else {
            return Ok(DenyList::default());
        };
        if let Some(extra) = roots.next() {
            return Err(err(extra.pos, "a deny-list file holds one YAML document".into()));
        }
        let map = root
            .as_map()
            .ok_or_else(|| err(root.pos, "a deny-list file is a mapping with `deny` and `allow`".into()))?;
        let mut list = DenyList::default();
        for (k, v) in map {
            match k.as_str().unwrap_or_default() {
                "version" => {
                    if v.as_i64() != Some(1) {
                        return Err(err(v.pos, "unsupported deny-list version; only `version: 1` exists".into()));
                    }
                }
                "deny" => {
                    for item in seq_or_null(v).map_err(|m| err(v.pos, format!("`deny` {m}")))? {
                        list.entries.push(parse_entry(file, item)?);
                    }
                }
                "allow" => {
                    for item in seq_or_null(v).map_err(|m| err(v.pos, format!("`allow` {m}")))? {
                        list.allows.push(parse_allow(file, item)?);
                    }
                }
                other => {
                    return Err(err(k.pos, format!("unknown key `{other}`; expected `version`, `deny` or `allow`")));
                }
            }
        }
        let mut seen: BTreeMap<&str, Pos> = BTreeMap::new();
        for e in &list.entries {
            if let Some(first) = seen.insert(&e.id, e.pos) {
                return Err(err(
                    e.pos,
                    format!(
                        "deny entry id `{}` is used twice (first at line {}); ids must be unique",
                        e.id, first.line
                    ),
                ));
            }
        }
        Ok(list)
    }

    /// Appends another list; its entries are tried after this one's.
    pub fn extend(&mut self, other: DenyList) {
        self.entries.extend(other.entries);
        self.allows.extend(other.allows);
    }

    /// The first entry matching a chart repository URL (as written or resolved) for chart `name`.
    pub fn check_repository(&self, url: &str, name: &str) -> Option<Hit> {
        // A query or fragment names the same repository (`index.yaml?x=1` is the same index).
        let url = url.split_once(['?', '#']).map_or(url, |(u, _)| u);
        let norm = normalize_url(url);
        self.entries.iter().find(|e| e.matches_repository(&norm, name)).map(|e| e.hit(name))
    }

    /// The first entry matching an `@name` / `alias:name` reference that nothing resolved.
    pub fn check_repo_name(&self, repo_name: &str, chart: &str) -> Option<Hit> {
        self.entries
            .iter()
            .find(|e| matches!(&e.matcher, Matcher::RepoName(n) if n == repo_name) && e.chart_ok(chart))
            .map(|e| e.hit(chart))
    }

    /// The first entry matching a container image reference such as `bitnami/nginx:1.25`.
    pub fn check_image(&self, image: &str) -> Option<Hit> {
        let r = ImageRef::parse(image);
        self.entries
            .iter()
            .find(|e| match &e.matcher {
                Matcher::Image(pat, tags) => glob_match(pat, &r.name()) && tags.admits(&r),
                _ => false,
            })
            .map(|e| e.hit(""))
    }

    /// The allow entry silencing a finding, if any.
    pub fn allowed(&self, rule: &str, s: &Subject<'_>) -> Option<&Allow> {
        self.allows.iter().find(|a| a.matches(rule, s))
    }
}

impl TagRule {
    fn admits(self, r: &ImageRef) -> bool {
        let latest = r.digest.is_none() && r.tag.as_deref().is_none_or(|t| t == "latest");
        match self {
            TagRule::Any => true,
            TagRule::Versioned => !latest,
            TagRule::Latest => latest,
        }
    }
}

impl Entry {
    fn chart_ok(&self, name: &str) -> bool {
        self.charts.is_empty() || self.charts.iter().any(|c| c == name)
    }

    fn matches_repository(&self, norm: &str, name: &str) -> bool {
        if !self.chart_ok(name) {
            return false;
        }
        match &self.matcher {
            Matcher::Url(u) => norm == u,
            // Whole segments only: `https://charts.bitnami.com` must not match `…bitnami.community`.
            Matcher::Prefix(p) => {
                norm.strip_prefix(p.as_str()).is_some_and(|t| t.is_empty() || t.starts_with('/') || p.ends_with('/'))
            }
            Matcher::Oci(p) => norm
                .strip_prefix("oci://")
                .is_some_and(|rest| rest == p || rest.strip_prefix(p.as_str()).is_some_and(|t| t.starts_with('/'))),
            Matcher::Glob(g) => glob_match(g, norm),
            Matcher::AnyRepository => true,
            Matcher::RepoName(_) | Matcher::Image(..) => false,
        }
    }

    fn hit(&self, chart: &str) -> Hit {
        Hit {
            id: self.id.clone(),
            severity: self.severity,
            reason: self.reason.clone(),
            replacement: self.replacements.get(chart).or(self.replacement.as_ref()).cloned(),
            since: self.since.clone(),
        }
    }
}

fn seq_or_null(v: &Node) -> Result<&[Node], String> {
    match &v.value {
        Value::Null => Ok(&[]),
        Value::Seq(s) => Ok(s),
        _ => Err("must be a list".into()),
    }
}

fn parse_entry(file: &str, item: &Node) -> Result<Entry, DenyListError> {
    let err = |pos: Pos, message: String| DenyListError { file: file.to_owned(), pos, message };
    let map = item.as_map().ok_or_else(|| err(item.pos, "a deny entry is a mapping".into()))?;
    let mut id = None;
    let mut severity = None;
    let mut reason = None;
    let mut since = None;
    let mut replacement = None;
    let mut replacements = BTreeMap::new();
    let mut matcher = None;
    let mut charts = Vec::new();
    let string = |v: &Node, key: &str| {
        yaml::scalar_string(v)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| err(v.pos, format!("`{key}` must be a non-empty string")))
    };
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default();
        match key {
            "id" => {
                let s = string(v, key)?;
                if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
                    return Err(err(v.pos, format!("id `{s}` may only use letters, digits, `-`, `_` and `.`")));
                }
                id = Some(s);
            }
            "severity" => {
                severity = Some(match string(v, key)?.as_str() {
                    "error" => Severity::Error,
                    "warning" | "warn" => Severity::Warning,
                    "info" => Severity::Info,
                    other => return Err(err(v.pos, format!("severity `{other}` is not one of error, warning, info"))),
                });
            }
            "reason" => reason = Some(string(v, key)?),
            "since" => {
                let s = string(v, key)?;
                if !is_date(&s) {
                    return Err(err(v.pos, format!("`since` must be a date like 2025-09-29, not `{s}`")));
                }
                since = Some(s);
            }
            "replacement" => replacement = Some(parse_replacement(file, v)?),
            "replacements" => {
                let m =
                    v.as_map().ok_or_else(|| err(v.pos, "`replacements` maps chart names to replacements".into()))?;
                for (ck, cv) in m {
                    replacements.insert(ck.as_str().unwrap_or_default().to_owned(), parse_replacement(file, cv)?);
                }
            }
            "match" => {
                let (m, c) = parse_match(file, v)?;
                matcher = Some(m);
                charts = c;
            }
            other => {
                return Err(err(
                    k.pos,
                    format!(
                        "unknown key `{other}` in a deny entry; expected id, match, severity, reason, since, replacement, replacements"
                    ),
                ));
            }
        }
    }
    let missing = |what: &str| err(item.pos, format!("deny entry has no `{what}`"));
    let matcher = matcher.ok_or_else(|| missing("match"))?;
    if matches!(matcher, Matcher::Image(..)) && !replacements.is_empty() {
        return Err(err(item.pos, "`replacements` by chart name make no sense for an image entry".into()));
    }
    Ok(Entry {
        id: id.ok_or_else(|| missing("id"))?,
        severity: severity.ok_or_else(|| missing("severity"))?,
        reason: reason.ok_or_else(|| missing("reason"))?,
        since,
        replacement,
        replacements,
        matcher,
        charts,
        file: file.to_owned(),
        pos: item.pos,
    })
}

fn parse_match(file: &str, v: &Node) -> Result<(Matcher, Vec<String>), DenyListError> {
    let err = |pos: Pos, message: String| DenyListError { file: file.to_owned(), pos, message };
    let map = v.as_map().ok_or_else(|| err(v.pos, "`match` is a mapping".into()))?;
    let mut matcher: Option<Matcher> = None;
    let mut charts = Vec::new();
    let mut tag = None;
    for (k, val) in map {
        let key = k.as_str().unwrap_or_default();
        let s = || {
            yaml::scalar_string(val)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| err(val.pos, format!("`{key}` must be a non-empty string")))
        };
        let m = match key {
            "url" => Matcher::Url(normalize_url(&s()?)),
            "prefix" => Matcher::Prefix(normalize_url(&s()?)),
            "oci" => {
                let p = s()?;
                let n = normalize_url(&format!("oci://{}", p.trim_start_matches("oci://")));
                Matcher::Oci(n.trim_start_matches("oci://").to_owned())
            }
            "glob" => Matcher::Glob(normalize_url(&s()?)),
            "repo-name" => Matcher::RepoName(s()?.trim_start_matches('@').trim_start_matches("alias:").to_owned()),
            "image" => Matcher::Image(normalize_image_pattern(&s()?), TagRule::Any),
            "tag" => {
                tag = Some(match s()?.as_str() {
                    "any" => TagRule::Any,
                    "versioned" => TagRule::Versioned,
                    "latest" => TagRule::Latest,
                    other => return Err(err(val.pos, format!("tag `{other}` is not one of any, versioned, latest"))),
                });
                continue;
            }
            "charts" => {
                let items = val.as_seq().ok_or_else(|| err(val.pos, "`charts` is a list of chart names".into()))?;
                for i in items {
                    charts.push(yaml::scalar_string(i).ok_or_else(|| err(i.pos, "a chart name is a string".into()))?);
                }
                continue;
            }
            other => {
                return Err(err(
                    k.pos,
                    format!(
                        "unknown match key `{other}`; expected url, prefix, oci, glob, repo-name, image, tag or charts"
                    ),
                ));
            }
        };
        if matcher.is_some() {
            return Err(err(k.pos, "a match takes one of url, prefix, oci, glob, repo-name, image".into()));
        }
        matcher = Some(m);
    }
    let matcher = match (matcher, tag) {
        (Some(Matcher::Image(p, _)), t) => {
            if !charts.is_empty() {
                return Err(err(v.pos, "`charts` cannot restrict an image match".into()));
            }
            Matcher::Image(p, t.unwrap_or(TagRule::Any))
        }
        (_, Some(_)) => return Err(err(v.pos, "`tag` only goes with `image`".into())),
        (Some(m), None) => m,
        (None, None) if !charts.is_empty() => Matcher::AnyRepository,
        (None, None) => {
            return Err(err(v.pos, "`match` needs one of url, prefix, oci, glob, repo-name, image or charts".into()));
        }
    };
    Ok((matcher, charts))
}

fn parse_replacement(file: &str, v: &Node) -> Result<Replacement, DenyListError> {
    let err = |pos: Pos, message: String| DenyListError { file: file.to_owned(), pos, message };
    if let Some(s) = v.as_str() {
        return Ok(Replacement { text: s.to_owned(), repository: None, chart: None });
    }
    let map = v.as_map().ok_or_else(|| err(v.pos, "a replacement is a string or a mapping with `text`".into()))?;
    let mut r = Replacement { text: String::new(), repository: None, chart: None };
    for (k, val) in map {
        let s = yaml::scalar_string(val).ok_or_else(|| err(val.pos, "a replacement field is a string".into()))?;
        match k.as_str().unwrap_or_default() {
            "text" => r.text = s,
            "repository" => r.repository = Some(s),
            "chart" => r.chart = Some(s),
            other => {
                return Err(err(
                    k.pos,
                    format!("unknown key `{other}` in a replacement; expected text, repository, chart"),
                ));
            }
        }
    }
    if r.text.is_empty() {
        return Err(err(v.pos, "a replacement needs `text`".into()));
    }
    Ok(r)
}

fn parse_allow(file: &str, item: &Node) -> Result<Allow, DenyListError> {
    let err = |pos: Pos, message: String| DenyListError { file: file.to_owned(), pos, message };
    let map = item.as_map().ok_or_else(|| err(item.pos, "an allow entry is a mapping".into()))?;
    let mut a = Allow {
        rule: String::new(),
        chart: None,
        repository: None,
        image: None,
        file: None,
        reason: String::new(),
        defined_at: format!("{file}:{}:{}", item.pos.line, item.pos.col),
    };
    for (k, v) in map {
        let s = yaml::scalar_string(v).filter(|s| !s.is_empty());
        let key = k.as_str().unwrap_or_default();
        let s = || s.clone().ok_or_else(|| err(v.pos, format!("`{key}` must be a non-empty string")));
        match key {
            "rule" => a.rule = s()?,
            "chart" => a.chart = Some(s()?),
            "repository" => a.repository = Some(s()?),
            "image" => a.image = Some(s()?),
            "file" => a.file = Some(s()?),
            "reason" => a.reason = s()?,
            other => {
                return Err(err(
                    k.pos,
                    format!(
                        "unknown key `{other}` in an allow entry; expected rule, chart, repository, image, file, reason"
                    ),
                ));
            }
        }
    }
    if a.rule.is_empty() {
        return Err(err(item.pos, "an allow entry needs `rule` (the id of the finding to silence)".into()));
    }
    if a.reason.is_empty() {
        return Err(err(item.pos, "an allow entry needs `reason`, which is recorded in the output".into()));
    }
    Ok(a)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Normalises a repository URL for deny-list matching, so that spelling cannot dodge an entry:
/// user information dropped, scheme and host lower-cased, default ports (`:443`, `:80`) and
/// trailing or doubled `/` removed, `.`/`..` segments resolved, `http` read as `https`, Docker
/// Hub's registry aliases read as `docker.io`, look-alike host letters mapped to ASCII (IDNA). Not for credentials or caching: it merges `http`
/// with `https` (see [`crate::repo_url::RepoUrl`]).
pub fn normalize_url(url: &str) -> String {
    let Some(mut u) = crate::repo_url::RepoUrl::parse(url) else {
        return url.trim().trim_end_matches('/').to_owned();
    };
    if u.scheme == "http" {
        u = crate::repo_url::RepoUrl::parse(&format!("https://{}", u.canonical().trim_start_matches("http://")))
            .unwrap_or(u);
    }
    if u.scheme == "oci" && crate::image::is_docker_hub(&u.host) {
        u.host = "docker.io".into();
    }
    // `charts.ｂｉｔｎａｍｉ.com` is the host Helm connects to; a query or fragment names the
    // same repository.
    if !u.host.is_ascii() {
        if let Ok(ascii) = idna::domain_to_ascii(&u.host) {
            u.host = ascii;
        }
    }
    u.canonical()
}

/// `*` matches any text (slashes included), `?` one character; everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with one backtrack point: linear in practice, never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn normalize_image_pattern(p: &str) -> String {
    let r = ImageRef::parse(p);
    // A pattern like `bitnami/*` has no registry; the parse put it on docker.io, as a runtime would.
    let mut s = r.name();
    if let Some(t) = &r.tag {
        s.push(':');
        s.push_str(t);
    }
    s
}

#[cfg(test)]
mod tests {

    #[test]
    fn full_width_host_letters_and_a_query_string_do_not_dodge_the_deny_list() {
        let list = DenyList::builtin();
        for url in [
            "https://charts.\u{ff42}\u{ff49}\u{ff54}\u{ff4e}\u{ff41}\u{ff4d}\u{ff49}.com/bitnami",
            "https://charts.bitnami.com/bitnami?x=1",
            "https://charts.bitnami.com/bitnami#frag",
        ] {
            assert!(list.check_repository(url, "redis").is_some(), "{url}");
        }
    }
    use super::*;

    #[test]
    fn builtin_list_parses_and_has_unique_ids() {
        let l = DenyList::builtin();
        assert!(l.entries.len() >= 20, "{}", l.entries.len());
        assert!(l.allows.is_empty());
    }

    #[test]
    fn bitnami_https_repository_is_an_error_with_the_cloudnativepg_suggestion() {
        let l = DenyList::builtin();
        let hit = l.check_repository("https://charts.bitnami.com/bitnami", "postgresql").unwrap();
        assert_eq!(hit.id, "bitnami-charts-https");
        assert_eq!(hit.severity, Severity::Error);
        let r = hit.replacement.unwrap();
        assert_eq!(r.repository.as_deref(), Some("https://cloudnative-pg.github.io/charts"));
        assert_eq!(r.chart.as_deref(), Some("cloudnative-pg"));
        // Anchored replacements are shared by the other Bitnami entries.
        let hit = l.check_repository("oci://registry-1.docker.io/bitnamicharts", "postgresql-ha").unwrap();
        assert_eq!(hit.replacement.unwrap().chart.as_deref(), Some("cloudnative-pg"));
    }

    #[test]
    fn deny_list_is_not_bypassed_by_url_spelling() {
        let l = DenyList::builtin();
        let table = [
            ("https://charts.bitnami.com/bitnami", "bitnami-charts-https"),
            ("https://user:pass@charts.bitnami.com/bitnami", "bitnami-charts-https"),
            ("https://token@charts.bitnami.com/bitnami", "bitnami-charts-https"),
            ("https://charts.bitnami.com:443/bitnami", "bitnami-charts-https"),
            ("http://charts.bitnami.com:80/bitnami", "bitnami-charts-https"),
            ("HTTPS://Charts.Bitnami.COM/bitnami/", "bitnami-charts-https"),
            ("http://charts.bitnami.com/bitnami", "bitnami-charts-https"),
            ("https://charts.bitnami.com", "bitnami-charts-https"),
            ("https://charts.bitnami.com./bitnami", "bitnami-charts-https"),
            ("https://charts.bitnami.com//bitnami//", "bitnami-charts-https"),
            ("https://charts.bitnami.com/x/../bitnami", "bitnami-charts-https"),
            ("https://charts.%62itnami.com/bitnami", "bitnami-charts-https"),
            ("  https://charts.bitnami.com/bitnami  ", "bitnami-charts-https"),
            ("oci://registry-1.docker.io/bitnamicharts", "bitnami-charts-oci"),
            ("OCI://Registry-1.Docker.IO/bitnamicharts/", "bitnami-charts-oci"),
            ("oci://registry-1.docker.io:443/bitnamicharts", "bitnami-charts-oci"),
            ("oci://user:pass@registry-1.docker.io/bitnamicharts", "bitnami-charts-oci"),
            ("oci://docker.io/bitnamicharts", "bitnami-charts-oci"),
            ("oci://index.docker.io/bitnamicharts", "bitnami-charts-oci"),
            ("oci://registry.hub.docker.com/bitnamicharts", "bitnami-charts-oci"),
        ];
        for (url, id) in table {
            assert_eq!(l.check_repository(url, "redis").map(|h| h.id), Some(id.to_owned()), "{url}");
        }
        for clean in [
            "https://charts.bitnami.community/x",
            "https://charts.bitnami.com.evil.example/bitnami",
            "https://charts.bitnami.com:8443@evil.example/bitnami",
            "oci://ghcr.io/bitnamicharts",
        ] {
            assert!(l.check_repository(clean, "redis").is_none(), "{clean}");
        }
    }

    #[test]
    fn oci_paths_match_on_whole_segments_and_docker_hub_aliases() {
        let l = DenyList::builtin();
        assert_eq!(l.check_repository("oci://docker.io/bitnamicharts", "redis").unwrap().id, "bitnami-charts-oci");
        assert_eq!(
            l.check_repository("oci://registry-1.docker.io/bitnamicharts/", "redis").unwrap().id,
            "bitnami-charts-oci"
        );
        assert_eq!(
            l.check_repository("oci://index.docker.io/bitnamicharts/sub", "redis").unwrap().id,
            "bitnami-charts-oci"
        );
        let h = l.check_repository("oci://registry-1.docker.io/bitnamichartssecure", "redis").unwrap();
        assert_eq!((h.id.as_str(), h.severity), ("bitnami-charts-secure", Severity::Warning));
        assert_eq!(
            l.check_repository("oci://registry-1.docker.io/bitnamicharts", "common").unwrap().severity,
            Severity::Warning
        );
        assert!(l.check_repository("oci://registry-1.docker.io/cloudpirates", "postgres").is_none());
        assert!(l.check_repository("oci://ghcr.io/bitnamicharts", "redis").is_none());
    }

    #[test]
    fn stable_incubator_and_chart_name_entries() {
        let l = DenyList::builtin();
        assert_eq!(
            l.check_repository("https://kubernetes-charts.storage.googleapis.com/", "x").unwrap().id,
            "helm-stable-gcs"
        );
        assert_eq!(l.check_repository("https://charts.helm.sh/incubator", "x").unwrap().id, "helm-incubator-archive");
        assert_eq!(l.check_repo_name("stable", "mysql").unwrap().id, "helm-stable-alias");
        assert!(l.check_repo_name("grafana", "loki").is_none());
        assert_eq!(
            l.check_repository("https://kubernetes.github.io/ingress-nginx", "ingress-nginx").unwrap().id,
            "ingress-nginx-retired"
        );
        assert!(l.check_repository("https://helm.elastic.co", "eck-operator").is_none());
        assert_eq!(l.check_repository("https://helm.elastic.co", "kibana").unwrap().id, "elastic-stack-charts");
        assert_eq!(l.check_repository("https://example.com/charts", "minio").unwrap().id, "minio-unmaintained");
        assert!(l.check_repository("https://example.com/charts", "loki").is_none());
        assert_eq!(l.check_repository("https://hub.helm.sh/charts/x", "x").unwrap().id, "helm-hub");
    }

    #[test]
    fn images_normalise_registry_and_split_versioned_from_latest() {
        let l = DenyList::builtin();
        let id = |i: &str| l.check_image(i).map(|h| h.id);
        assert_eq!(id("bitnami/nginx:1.25.3").as_deref(), Some("bitnami-image-removed"));
        assert_eq!(id("docker.io/bitnami/nginx:1.25.3").as_deref(), Some("bitnami-image-removed"));
        assert_eq!(id("registry-1.docker.io/bitnami/postgresql:16").as_deref(), Some("bitnami-image-removed"));
        assert_eq!(id("bitnami/nginx@sha256:abcd").as_deref(), Some("bitnami-image-removed"));
        assert_eq!(id("bitnami/nginx").as_deref(), Some("bitnami-image-latest"));
        assert_eq!(id("bitnami/nginx:latest").as_deref(), Some("bitnami-image-latest"));
        assert_eq!(id("bitnamilegacy/redis:7.2").as_deref(), Some("bitnami-image-legacy"));
        assert_eq!(id("docker.io/bitnamisecure/redis:latest").as_deref(), Some("bitnami-image-secure"));
        assert_eq!(id("public.ecr.aws/bitnami/redis:7").as_deref(), Some("bitnami-image-ecr"));
        assert_eq!(id("quay.io/bitnami/nginx:1.2"), None);
        assert_eq!(id("nginx:1.25"), None);
        assert_eq!(id("ghcr.io/cloudnative-pg/postgresql:16"), None);
    }

    #[test]
    fn image_refs_split_registry_ports_tags_and_digests() {
        let r = ImageRef::parse("localhost:5000/team/app:1.0@sha256:ff");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref(), r.digest.as_deref()),
            ("localhost:5000", "team/app", Some("1.0"), Some("sha256:ff"))
        );
        assert_eq!(ImageRef::parse("nginx").to_string(), "docker.io/library/nginx");
        assert_eq!(ImageRef::parse("index.docker.io/bitnami/x:1").to_string(), "docker.io/bitnami/x:1");
    }

    #[test]
    fn globs() {
        assert!(glob_match("https://*.example.com/*", "https://a.b.example.com/x/y"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "a/c"));
        assert!(glob_match(&"*a".repeat(30), &"a".repeat(60)));
    }

    #[test]
    fn user_lists_report_errors_at_line_and_column() {
        let e = DenyList::parse(
            "mine.yaml",
            "deny:\n  - id: x\n    match: { prefix: https://a }\n    severity: fatal\n    reason: r\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "mine.yaml:4:15: severity `fatal` is not one of error, warning, info");
        let e = DenyList::parse(
            "mine.yaml",
            "deny:\n  - id: x\n    match: { prefix: a, url: b }\n    severity: error\n    reason: r\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("mine.yaml:3:25: a match takes one of"), "{e}");
        let e = DenyList::parse("mine.yaml", "allow:\n  - rule: x\n").unwrap_err();
        assert_eq!(e.to_string(), "mine.yaml:2:5: an allow entry needs `reason`, which is recorded in the output");
        let e = DenyList::parse("mine.yaml", "deny: [1").unwrap_err();
        assert!(e.to_string().starts_with("mine.yaml:"), "{e}");
    }

    #[test]
    fn user_entries_come_first_and_allow_entries_narrow_by_subject() {
        let mut l = DenyList::parse(
            "mine.yaml",
            "deny:\n  - id: internal-mirror\n    match: { glob: 'https://charts.corp.example/*' }\n    severity: warning\n    reason: old mirror\nallow:\n  - rule: bitnami-charts-https\n    chart: redis\n    reason: migration planned\n",
        )
        .unwrap();
        l.extend(DenyList::builtin());
        assert_eq!(l.check_repository("https://charts.corp.example/stable", "x").unwrap().id, "internal-mirror");
        let s = Subject {
            chart: Some("redis"),
            repository: Some("https://charts.bitnami.com/bitnami"),
            image: None,
            file: "Chart.yaml",
        };
        let a = l.allowed("bitnami-charts-https", &s).unwrap();
        assert_eq!((a.reason.as_str(), a.defined_at.as_str()), ("migration planned", "mine.yaml:7:5"));
        let s = Subject { chart: Some("postgresql"), ..s };
        assert!(l.allowed("bitnami-charts-https", &s).is_none());
    }
}
