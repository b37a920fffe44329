//! The network half of `--online` (the `online` Cargo feature): an HTTP client with timeouts,
//! a size cap, bounded retries, bearer tokens for OCI registries and a revalidating cache.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use semver::Version;

use super::{Catalog, FetchError, Lookups, OnlineOptions, Published, parse_index, redact};
use crate::audit::AuditError;
use crate::audit::repos::RepoConfig;
use crate::repo_url::RepoUrl;

/// Reads one repository; `deadline` ends its budget.
struct Fetcher<'a> {
    client: &'a reqwest::blocking::Client,
    o: &'a OnlineOptions,
    repos: &'a RepoConfig,
    deadline: Instant,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct CacheMeta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else if e.is_redirect() {
        "too many redirects".into()
    } else if e.is_body() || e.is_decode() {
        "the response was cut short".into()
    } else {
        "request failed".into()
    }
}

impl Fetcher<'_> {
    /// The deadline of the next request: the per-request timeout, or what is left of the
    /// repository's budget if less; `None` once the budget is spent.
    fn request_timeout(&self) -> Option<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        (left >= Duration::from_millis(1)).then(|| left.min(self.o.timeout))
    }

    fn backoff(&self, attempt: u32) {
        let left = self.deadline.saturating_duration_since(Instant::now());
        std::thread::sleep(OnlineOptions::backoff(attempt).min(left));
    }

    fn out_of_time(&self) -> FetchError {
        FetchError::Unavailable(format!(
            "timed out (the {:.1} s budget for one repository is spent)",
            self.o.repository_budget().as_secs_f64()
        ))
    }

    /// Adds the basic-auth credentials configured for `url` (see [`RepoConfig::credentials_for`]).
    fn with_creds(&self, rb: reqwest::blocking::RequestBuilder, url: &str) -> reqwest::blocking::RequestBuilder {
        // Credentials written into the URL are sent by the client itself, to that URL only.
        if RepoUrl::parse(url).is_some_and(|u| u.userinfo.is_some()) {
            return rb;
        }
        match self.repos.credentials_for(url) {
            Some(r) => rb.basic_auth(r.username.clone().unwrap_or_default(), r.password.clone()),
            None => rb,
        }
    }

    /// Reads a body up to the cap.
    fn body(&self, resp: reqwest::blocking::Response) -> Result<String, FetchError> {
        let buf = crate::net::read_capped(resp, self.o.max_index_bytes).map_err(|e| {
            FetchError::Unavailable(match e {
                crate::net::BodyError::TooLarge(_) => format!("the index is {e}"),
                _ => e.to_string(),
            })
        })?;
        String::from_utf8(buf).map_err(|_| FetchError::Unavailable("the index is not UTF-8 text".into()))
    }

    fn index(&self, repo_url: &str) -> Result<Catalog, FetchError> {
        use sha2::Digest as _;
        // The key and the stored URL never hold user information, and keep the scheme, so an
        // answer over http is never taken for the https repository.
        let norm = RepoUrl::parse(repo_url).map_or_else(|| redact(repo_url), |u| u.canonical());
        let key = format!("{:x}", sha2::Sha256::digest(norm.as_bytes()));
        let (text_path, meta_path) =
            (self.o.cache_dir.join(format!("{key}.yaml")), self.o.cache_dir.join(format!("{key}.json")));
        let cached_text = std::fs::read_to_string(&text_path).ok();
        let meta: CacheMeta = std::fs::read(&meta_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|m: &CacheMeta| m.url == norm && cached_text.is_some())
            .unwrap_or_default();
        let index_url = format!("{}/index.yaml", repo_url.trim_end_matches('/'));
        self.retrying(&redact(&index_url), &mut |timeout| {
            let mut rb = self.with_creds(self.client.get(&index_url).timeout(timeout), &index_url);
            if let Some(e) = &meta.etag {
                rb = rb.header(reqwest::header::IF_NONE_MATCH, e);
            }
            if let Some(l) = &meta.last_modified {
                rb = rb.header(reqwest::header::IF_MODIFIED_SINCE, l);
            }
            let resp = match rb.send() {
                Ok(r) => r,
                Err(e) => return Attempt::Retry(describe(&e)),
            };
            let status = resp.status();
            if status == reqwest::StatusCode::NOT_MODIFIED {
                if let Some(t) = &cached_text {
                    return Attempt::Done(parse_index(t).map_err(FetchError::Unavailable));
                }
            }
            if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
                return Attempt::Done(Err(FetchError::Gone(format!(
                    "HTTP {} for {}",
                    status.as_u16(),
                    redact(&index_url)
                ))));
            }
            if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                return Attempt::Retry(format!("HTTP {}", status.as_u16()));
            }
            if !status.is_success() {
                let msg = format!("HTTP {} for {}", status.as_u16(), redact(&index_url));
                return Attempt::Done(Err(FetchError::Unavailable(msg)));
            }
            let header = |h| {
                resp.headers().get(h).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_owned)
            };
            let new_meta = CacheMeta {
                url: norm.clone(),
                etag: header(reqwest::header::ETAG),
                last_modified: header(reqwest::header::LAST_MODIFIED),
            };
            let text = match self.body(resp) {
                Ok(t) => t,
                Err(FetchError::Unavailable(m)) if m.contains("cut short") || m.starts_with("timed out") => {
                    return Attempt::Retry(m);
                }
                Err(e) => return Attempt::Done(Err(e)),
            };
            let cat = match parse_index(&text) {
                Ok(cat) => cat,
                Err(m) => return Attempt::Done(Err(FetchError::Unavailable(format!("{}: {m}", redact(&index_url))))),
            };
            // The cache is an optimisation: failing to write it is not worth a finding.
            if create_private_dir(&self.o.cache_dir).is_ok()
                && write_private(&self.o.cache_dir, &text_path, text.as_bytes()).is_ok()
            {
                let _ =
                    write_private(&self.o.cache_dir, &meta_path, &serde_json::to_vec(&new_meta).unwrap_or_default());
            }
            Attempt::Done(Ok(cat))
        })
    }

    /// Runs `attempt` until it is done, at most `1 + retries` times with a backoff between
    /// tries and each within what is left of the repository's time; `what` names the request
    /// in the final error.
    fn retrying<T>(&self, what: &str, attempt: &mut dyn FnMut(Duration) -> Attempt<T>) -> Result<T, FetchError> {
        let mut last = String::new();
        let mut attempts = 0;
        for n in 0..=self.o.retries {
            if n > 0 {
                self.backoff(n);
            }
            let Some(timeout) = self.request_timeout() else { break };
            attempts += 1;
            match attempt(timeout) {
                Attempt::Done(r) => return r,
                Attempt::Retry(why) => last = why,
            }
        }
        if attempts == 0 {
            return Err(self.out_of_time());
        }
        Err(FetchError::Unavailable(format!("{last} after {attempts} attempts for {what}")))
    }

    /// Sends with retries on timeouts, connection errors, 429 and 5xx.
    fn send(
        &self,
        make: &dyn Fn() -> reqwest::blocking::RequestBuilder,
        what: &str,
    ) -> Result<reqwest::blocking::Response, FetchError> {
        self.retrying(what, &mut |timeout| match make().timeout(timeout).send() {
            Ok(r) if r.status().is_server_error() || r.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                Attempt::Retry(format!("HTTP {}", r.status().as_u16()))
            }
            Ok(r) => Attempt::Done(Ok(r)),
            Err(e) => Attempt::Retry(describe(&e)),
        })
    }

    /// Tags of `oci://host/path/<chart>`, through the distribution API with the anonymous
    /// (or basic-auth) token flow when the registry asks for a Bearer token.
    fn oci_tags(&self, repo_url: &str, chart: &str) -> Result<Vec<String>, FetchError> {
        let rest = repo_url.trim_start_matches("oci://").trim_end_matches('/');
        let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
        let host = if crate::denylist::normalize_url(&format!("oci://{host}")) == "oci://docker.io" {
            "registry-1.docker.io"
        } else {
            host
        };
        let scheme = if self.o.plain_http { "http" } else { "https" };
        let name = if path.is_empty() { chart.to_owned() } else { format!("{path}/{chart}") };
        let base = format!("{scheme}://{host}");
        let mut next = Some(format!("{base}/v2/{name}/tags/list?n=1000"));
        let mut token: Option<String> = None;
        let mut tags = Vec::new();
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 50 {
                break;
            }
            let get = |token: &Option<String>| {
                let rb = self.client.get(&url);
                match token {
                    Some(t) => rb.bearer_auth(t),
                    None => rb,
                }
            };
            let mut resp = self.send(&|| get(&token), &redact(&url))?;
            if resp.status() == reqwest::StatusCode::UNAUTHORIZED && token.is_none() {
                let challenge = resp
                    .headers()
                    .get(reqwest::header::WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                token = Some(self.bearer_token(&challenge, repo_url, &name)?);
                resp = self.send(&|| get(&token), &redact(&url))?;
            }
            let status = resp.status();
            if status == reqwest::StatusCode::NOT_FOUND {
                return Err(FetchError::Gone(format!("HTTP 404 for {}", redact(&url))));
            }
            if !status.is_success() {
                return Err(FetchError::Unavailable(format!("HTTP {} for {}", status.as_u16(), redact(&url))));
            }
            next = resp
                .headers()
                .get(reqwest::header::LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| l.split_once('<')?.1.split_once('>').map(|(u, _)| u.to_owned()))
                .map(|u| if u.starts_with('/') { format!("{base}{u}") } else { u });
            let text = self.body(resp)?;
            let j: serde_json::Value =
                serde_json::from_str(&text).map_err(|_| FetchError::Unavailable("the tag list is not JSON".into()))?;
            tags.extend(j["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(str::to_owned)));
        }
        Ok(tags)
    }

    fn bearer_token(&self, challenge: &str, repo_url: &str, name: &str) -> Result<String, FetchError> {
        let Some(params) = challenge.strip_prefix("Bearer ").or_else(|| challenge.strip_prefix("bearer ")) else {
            return Err(FetchError::Unavailable("the registry wants credentials (no Bearer challenge)".into()));
        };
        let mut fields = BTreeMap::new();
        for part in split_challenge(params) {
            if let Some((k, v)) = part.split_once('=') {
                fields.insert(k.trim().to_owned(), v.trim().trim_matches('"').to_owned());
            }
        }
        let realm = fields
            .get("realm")
            .ok_or_else(|| FetchError::Unavailable("the registry's Bearer challenge has no realm".into()))?;
        let scope = fields.get("scope").cloned().unwrap_or_else(|| format!("repository:{name}:pull"));
        let mut query = vec![("scope", scope)];
        if let Some(s) = fields.get("service") {
            query.push(("service", s.clone()));
        }
        // The registry names the token service; the credentials configured for the registry
        // go there only over HTTPS, or over plain HTTP to the registry itself when the user
        // asked for --plain-http.
        let realm_ok = RepoUrl::parse(realm).is_some_and(|r| {
            r.scheme == "https"
                || (self.o.plain_http
                    && r.scheme == "http"
                    && RepoUrl::parse(repo_url).is_some_and(|g| g.host == r.host && g.port == r.port))
        });
        let make = || {
            let rb = self.client.get(realm).query(&query);
            if realm_ok { self.with_creds(rb, repo_url) } else { rb }
        };
        let resp = self.send(&make, &redact(realm))?;
        if !resp.status().is_success() {
            return Err(FetchError::Unavailable(format!("the token service answered HTTP {}", resp.status().as_u16())));
        }
        let j: serde_json::Value = serde_json::from_str(&self.body(resp)?)
            .map_err(|_| FetchError::Unavailable("the token response is not JSON".into()))?;
        j["token"]
            .as_str()
            .or_else(|| j["access_token"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| FetchError::Unavailable("the token response holds no token".into()))
    }
}

/// Tidies cache entries written by earlier versions: entries whose stored URL holds user
/// information are deleted, and the other entries made private. Only files named like ours
/// (`<sha256>.yaml` / `<sha256>.json`) are touched.
fn tidy_cache(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        let Some((stem, ext)) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.split_once('.')) else {
            continue;
        };
        let ours = stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && matches!(ext, "yaml" | "json");
        // Only regular files: a symlink planted in a shared directory is not followed.
        if !ours || !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let leaked = ext == "json"
            && std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<CacheMeta>(&b).ok())
                .is_some_and(|m| RepoUrl::parse(&m.url).is_some_and(|u| u.userinfo.is_some()));
        if leaked {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(path.with_extension("yaml"));
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if e.metadata().is_ok_and(|m| m.permissions().mode() & 0o077 != 0) {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}

/// Creates the cache directory (and missing parents) readable by the user only; an existing
/// directory is left as it is (it may be shared on purpose), its files are private anyway.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Writes a file atomically through a uniquely named temporary file, which `tempfile` creates
/// with mode 0600, so concurrent runs never see half a file and other users see nothing.
fn write_private(dir: &std::path::Path, path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut tmp = tempfile::Builder::new().prefix(".chartwright-cache-").tempfile_in(dir)?;
    tmp.write_all(data)?;
    tmp.persist(path).map(drop).map_err(|e| e.error)
}

/// Splits `a="x,y",b=c` on commas outside quotes.
fn split_challenge(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Reads one repository's index, or one OCI chart's tags, within `f`'s budget.
fn lookup(f: &Fetcher<'_>, original: &str, chart: &str) -> Result<Catalog, FetchError> {
    if chart.is_empty() {
        return f.index(original);
    }
    let tags = f.oci_tags(original, chart)?;
    let mut versions: Vec<Published> = tags
        .iter()
        .filter_map(|t| {
            let t = t.replace('_', "+");
            Version::parse(&t).ok().map(|v| Published { version: v, original: t, deprecated: false })
        })
        .collect();
    versions.sort_by(|a, b| b.version.cmp(&a.version));
    Ok(Catalog { charts: BTreeMap::from([(chart.to_owned(), versions)]) })
}

/// How one try of a request ended.
enum Attempt<T> {
    /// With an answer, or an error no retry would change.
    Done(Result<T, FetchError>),
    /// With a reason to try again.
    Retry(String),
}

/// Runs the lookups on a few worker threads, reporting progress as each repository finishes.
///
/// # Errors
///
/// Only when the HTTP client cannot be built.
pub(super) fn fetch_all(
    o: &OnlineOptions,
    repos: &RepoConfig,
    jobs: Vec<(String, String, String)>,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Lookups, AuditError> {
    tidy_cache(&o.cache_dir);
    let client = &reqwest::blocking::Client::builder()
        .timeout(o.timeout)
        .connect_timeout(o.timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("chartwright/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AuditError::Online(format!("cannot set up HTTP: {e}")))?;
    let total = jobs.len();
    let mut slots: Vec<Option<Result<Catalog, FetchError>>> = (0..total).map(|_| None).collect();
    // The workers take the lookups in order; the results land in their own slots, so the
    // findings come out in the same order however the servers answer.
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Catalog, FetchError>)>();
    std::thread::scope(|scope| {
        for _ in 0..o.concurrency.clamp(1, total.max(1)) {
            let (tx, jobs, next) = (tx.clone(), &jobs, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((_, chart, original)) = jobs.get(i) else { break };
                    let f = Fetcher { client, o, repos, deadline: Instant::now() + o.repository_budget() };
                    if tx.send((i, lookup(&f, original, chart))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        progress(0, total, jobs.first().map(|j| redact(&j.2)).as_deref().unwrap_or(""));
        // The progress callback is not `Send`: it runs here, as each repository finishes.
        for (done, (i, r)) in rx.iter().enumerate() {
            slots[i] = Some(r);
            if done + 1 < total {
                progress(done + 1, total, &redact(&jobs[i].2));
            }
        }
    });
    progress(total, total, "");
    Ok(jobs
        .into_iter()
        .zip(slots)
        .map(|((key, chart, _), r)| {
            ((key, chart), r.unwrap_or_else(|| Err(FetchError::Unavailable("not read".into()))))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_split_outside_quotes() {
        assert_eq!(
            split_challenge(r#"realm="a",scope="repository:x:pull,push""#),
            vec![r#"realm="a""#, r#"scope="repository:x:pull,push""#]
        );
    }
}
