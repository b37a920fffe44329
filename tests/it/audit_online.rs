//! `chartwright audit --online` against real servers on 127.0.0.1: an HTTP server started by the
//! test serving index.yaml files, and a real OCI registry (Debian's docker-registry, distribution
//! 2.8) with a chart pushed by real `helm push`.

use crate::common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{chartwright, helms};

/// What the test server saw.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, k: &str) -> Option<&str> {
        self.headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Seen, usize) -> Option<Vec<u8>> + Send + Sync + 'static;

/// A one-thread HTTP/1.1 server on 127.0.0.1; the handler gets the request and its index and
/// returns raw response bytes, or `None` to stall past any client timeout.
fn serve(handler: Box<Handler>) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let handler: Arc<Handler> = Arc::from(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let (log, handler) = (log.clone(), handler.clone());
            // One thread per connection, so a stalled answer does not hold up the retry.
            std::thread::spawn(move || {
                let Some(req) = read_request(&mut s) else { return };
                let n = {
                    let mut l = log.lock().unwrap();
                    l.push(req.clone());
                    l.len() - 1
                };
                match handler(&req, n) {
                    Some(bytes) => {
                        let _ = s.write_all(&bytes);
                    }
                    None => std::thread::sleep(Duration::from_secs(3)),
                }
            });
        }
    });
    (port, seen)
}

fn read_request(s: &mut TcpStream) -> Option<Seen> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut b = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut b).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&b[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.lines();
    let path = lines.next()?.split_whitespace().nth(1)?.to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned())))
        .collect();
    Some(Seen { path, headers })
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

const INDEX: &str = "apiVersion: v1\nentries:\n  app:\n    - version: 2.1.0\n      urls: [app-2.1.0.tgz]\n    - version: 1.4.2\n      urls: [app-1.4.2.tgz]\n    - version: 1.4.0\n      urls: [app-1.4.0.tgz]\n  old:\n    - version: 0.9.0\n      deprecated: true\n      urls: [old-0.9.0.tgz]\n";

fn chart_dir(repo: &str, deps: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut y = String::from("apiVersion: v2\nname: probe\nversion: 1.0.0\ndependencies:\n");
    for (name, version) in deps {
        y.push_str(&format!("  - name: {name}\n    version: \"{version}\"\n    repository: {repo}\n"));
    }
    std::fs::write(dir.path().join("Chart.yaml"), y).unwrap();
    dir
}

fn online(dir: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    online_with(dir, &["--timeout", "1", "--retries", "1"], extra)
}

/// `audit --online` with its own `--timeout` and `--retries` in `limits`.
fn online_with(dir: &Path, limits: &[&str], extra: &[&str]) -> (Output, serde_json::Value) {
    let o = chartwright()
        .current_dir(dir)
        .args(["audit", ".", "--online", "--format", "json"])
        .args(limits)
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(extra)
        .env_remove("HELM_REPOSITORY_CONFIG")
        .env("HELM_CONFIG_HOME", dir.join("helm"))
        .output()
        .unwrap();
    let j = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    });
    (o, j)
}

fn findings(j: &serde_json::Value) -> Vec<(String, String)> {
    j["charts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned()))
        .collect()
}

fn has(j: &serde_json::Value, rule: &str, text: &str) -> bool {
    findings(j).iter().any(|(r, m)| r == rule && m.contains(text))
}

#[test]
fn index_findings_newer_deprecated_unsatisfiable_gone_and_locked_version_gone() {
    let (port, _) = serve(Box::new(|_, _| Some(response("200 OK", &[], INDEX.as_bytes()))));
    let repo = format!("http://127.0.0.1:{port}/charts");
    let dir = chart_dir(&repo, &[("app", "~1.4.0"), ("old", "0.x"), ("app", "^3.0.0"), ("vanished", "1.x")]);
    // alias the duplicates so Helm would accept the chart
    let y = std::fs::read_to_string(dir.path().join("Chart.yaml")).unwrap();
    let y = y.replacen(
        "  - name: app\n    version: \"^3.0.0\"",
        "  - name: app\n    alias: next\n    version: \"^3.0.0\"",
        1,
    );
    std::fs::write(dir.path().join("Chart.yaml"), y).unwrap();
    std::fs::write(
        dir.path().join("Chart.lock"),
        format!("dependencies:\n- name: app\n  repository: {repo}\n  version: 1.4.1\n- name: old\n  repository: {repo}\n  version: 0.9.0\n- name: app\n  repository: {repo}\n  version: 3.0.0\n- name: vanished\n  repository: {repo}\n  version: 1.0.0\ndigest: sha256:x\n"),
    )
    .unwrap();
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{j:#}");
    assert!(has(&j, "newer-version", "`app` 1.4.1 is behind: 2.1.0 is published (major update)"), "{j:#}");
    assert!(has(&j, "locked-version-gone", "the locked version 1.4.1 of `app` is no longer listed"), "{j:#}");
    assert!(has(&j, "deprecated-chart", "chart `old` is deprecated"), "{j:#}");
    assert!(has(&j, "constraint-unsatisfiable", "satisfies \"^3.0.0\" (latest is 2.1.0)"), "{j:#}");
    assert!(has(&j, "chart-gone", "chart `vanished` is no longer published"), "{j:#}");
}

#[test]
fn not_found_is_a_gone_repository() {
    let (port, _) = serve(Box::new(|_, _| Some(response("404 Not Found", &[], b"nope"))));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/charts"), &[("app", "1.x")]);
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(has(&j, "repository-gone", "HTTP 404"), "{j:#}");
}

#[test]
fn server_error_then_success_is_retried() {
    let (port, seen) = serve(Box::new(|_, n| {
        Some(if n == 0 {
            response("500 Internal Server Error", &[], b"")
        } else {
            response("200 OK", &[], INDEX.as_bytes())
        })
    }));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/charts"), &[("app", "2.1.0")]);
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    assert!(findings(&j).is_empty(), "{j:#}");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn timeouts_are_bounded_and_reported() {
    let (port, seen) = serve(Box::new(|_, _| None));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/charts"), &[("app", "1.x")]);
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "unreachable is a warning");
    assert!(has(&j, "repository-unavailable", "timed out after 2 attempts"), "{j:#}");
    assert_eq!(seen.lock().unwrap().len(), 2, "one try plus one retry");
}

#[test]
fn truncated_oversized_and_invalid_indexes() {
    // Content-Length promises more than is sent.
    let (port, _) = serve(Box::new(|_, _| {
        let mut r = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n".to_vec();
        r.extend_from_slice(&INDEX.as_bytes()[..60]);
        Some(r)
    }));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/c"), &[("app", "1.x")]);
    let (_, j) = online(dir.path(), &[]);
    assert!(has(&j, "repository-unavailable", "cut short"), "{j:#}");

    // Complete but cut in the middle of the YAML: no apiVersion or broken syntax.
    let (port, _) = serve(Box::new(|_, _| Some(response("200 OK", &[], &INDEX.as_bytes()[INDEX.len() / 2..]))));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/c"), &[("app", "1.x")]);
    let (_, j) = online(dir.path(), &[]);
    assert!(findings(&j).iter().any(|(r, _)| r == "repository-unavailable"), "{j:#}");

    let (port, _) = serve(Box::new(|_, _| Some(response("200 OK", &[], INDEX.as_bytes()))));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/c"), &[("app", "1.x")]);
    let (_, j) = online(dir.path(), &["--max-index-size", "100"]);
    assert!(has(&j, "repository-unavailable", "larger than the 100-byte limit"), "{j:#}");

    let (port, _) = serve(Box::new(|_, _| Some(response("200 OK", &[], b"apiVersion: v1\nentries: {app: [\n"))));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/c"), &[("app", "1.x")]);
    let (_, j) = online(dir.path(), &[]);
    assert!(has(&j, "repository-unavailable", "invalid YAML"), "{j:#}");
}

#[test]
fn redirects_gzip_and_etag_revalidation() {
    let (port, seen) = serve(Box::new(|req, _| {
        Some(match req.path.as_str() {
            "/old/index.yaml" => response("301 Moved Permanently", &[("Location", "/new/index.yaml")], b""),
            "/new/index.yaml" if req.header("if-none-match") == Some("\"v1\"") => {
                response("304 Not Modified", &[], b"")
            }
            "/new/index.yaml" => {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                gz.write_all(INDEX.as_bytes()).unwrap();
                response("200 OK", &[("Content-Encoding", "gzip"), ("ETag", "\"v1\"")], &gz.finish().unwrap())
            }
            _ => response("404 Not Found", &[], b""),
        })
    }));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/old"), &[("app", "~1.4.0")]);
    let (_, first) = online(dir.path(), &[]);
    assert!(has(&first, "newer-version", "`app` 1.4.2 is behind: 2.1.0"), "{first:#}");
    let (_, second) = online(dir.path(), &[]);
    assert_eq!(findings(&first), findings(&second), "the cached index answers the same");
    let seen = seen.lock().unwrap();
    assert!(seen[1].header("accept-encoding").is_some_and(|e| e.contains("gzip")));
    assert_eq!(seen.last().unwrap().header("if-none-match"), Some("\"v1\""), "{seen:#?}");
}

#[test]
fn credentials_from_repositories_yaml_are_sent_and_never_printed() {
    let (port, seen) = serve(Box::new(|req, _| {
        Some(if req.header("authorization") == Some("Basic dXNlcjpzM2NyZXQtcGFzcw==") {
            response("200 OK", &[], INDEX.as_bytes())
        } else {
            response("401 Unauthorized", &[], b"")
        })
    }));
    let repo = format!("http://127.0.0.1:{port}/private");
    let dir = chart_dir("\"@private\"", &[("app", "^9.0.0")]);
    let rc = dir.path().join("repositories.yaml");
    std::fs::write(
        &rc,
        format!("repositories:\n- name: private\n  url: {repo}\n  username: user\n  password: s3cret-pass\n"),
    )
    .unwrap();
    let (o, j) = online(dir.path(), &["--repository-config", rc.to_str().unwrap()]);
    assert!(has(&j, "constraint-unsatisfiable", "\"^9.0.0\""), "{j:#}");
    assert!(!seen.lock().unwrap().is_empty());
    for out in [&o.stdout, &o.stderr] {
        assert!(!String::from_utf8_lossy(out).contains("s3cret-pass"));
    }
}

#[test]
fn oci_anonymous_token_flow_then_bearer() {
    let (port, seen) = serve(Box::new(move |req, _| {
        Some(if req.path.starts_with("/token") {
            assert!(req.path.contains("scope=repository%3Acharts%2Fapp%3Apull"), "{}", req.path);
            response("200 OK", &[], br#"{"token":"anon-token"}"#)
        } else if req.header("authorization") == Some("Bearer anon-token") {
            response("200 OK", &[], br#"{"name":"charts/app","tags":["1.0.0","1.2.0","1.2.0_build.1","latest"]}"#)
        } else {
            let port = req.header("host").unwrap().rsplit(':').next().unwrap().to_owned();
            let challenge = format!(
                "Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"test\",scope=\"repository:charts/app:pull\""
            );
            response("401 Unauthorized", &[("WWW-Authenticate", &challenge)], b"")
        })
    }));
    let dir = chart_dir(&format!("oci://127.0.0.1:{port}/charts"), &[("app", "~1.0.0")]);
    let (_, j) = online(dir.path(), &["--plain-http"]);
    assert!(has(&j, "newer-version", "`app` 1.0.0 is behind: 1.2.0+build.1 is published (minor update)"), "{j:#}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "{seen:#?}");
}

/// A real distribution 2.8 registry on a free loopback port, storage in a temp dir.
struct Registry {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_registry() -> Registry {
    let bin = Path::new("/usr/bin/docker-registry");
    assert!(bin.is_file(), "docker-registry is missing: run scripts/provision-registry.sh (scripts/test.sh does)");
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = dir.path().join("config.yml");
    std::fs::write(
        &cfg,
        format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let child = Command::new(bin)
        .arg("serve")
        .arg(&cfg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Owned by the guard from here on, so the process is killed and reaped on every path.
    let reg = Registry { child, port, _dir: dir };
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return reg;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("docker-registry did not start on 127.0.0.1:{port}");
}

#[test]
fn real_oci_registry_with_a_chart_pushed_by_helm() {
    let reg = start_registry();
    let helm4 = &helms().1;
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("helm");
    let h = |args: &[&str]| {
        let o = Command::new(helm4)
            .args(args)
            .current_dir(work.path())
            .env("HELM_CACHE_HOME", home.join("cache"))
            .env("HELM_CONFIG_HOME", home.join("config"))
            .env("HELM_DATA_HOME", home.join("data"))
            .output()
            .unwrap();
        assert!(o.status.success(), "helm {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    for v in ["0.1.0", "0.2.0", "1.0.0"] {
        let c = work.path().join(format!("src-{v}/pushed"));
        std::fs::create_dir_all(&c).unwrap();
        std::fs::write(c.join("Chart.yaml"), format!("apiVersion: v2\nname: pushed\nversion: {v}\n")).unwrap();
        h(&["package", c.to_str().unwrap(), "-d", work.path().to_str().unwrap()]);
        h(&["push", &format!("pushed-{v}.tgz"), &format!("oci://127.0.0.1:{}/charts", reg.port), "--plain-http"]);
    }
    let dir = chart_dir(&format!("oci://127.0.0.1:{}/charts", reg.port), &[("pushed", "^0.1.0"), ("missing", "1.x")]);
    let y = std::fs::read_to_string(dir.path().join("Chart.yaml")).unwrap()
        + &format!(
            "  - name: pushed\n    alias: future\n    version: \">=2.0.0\"\n    repository: oci://127.0.0.1:{}/charts\n",
            reg.port
        );
    std::fs::write(dir.path().join("Chart.yaml"), y).unwrap();
    let (o, j) = online(dir.path(), &["--plain-http"]);
    assert_eq!(o.status.code(), Some(1), "{j:#}");
    assert!(has(&j, "newer-version", "`pushed` 0.1.0 is behind: 1.0.0 is published (major update)"), "{j:#}");
    assert!(has(&j, "chart-gone", "chart `missing` is not in"), "{j:#}");
    assert!(has(&j, "constraint-unsatisfiable", "satisfies \">=2.0.0\" (latest is 1.0.0)"), "{j:#}");
}

/// Runs chartwright under a pseudo-terminal (util-linux `script`), so stderr is a terminal.
fn on_a_terminal(dir: &Path, args: &[&str]) -> String {
    let bin = env!("CARGO_BIN_EXE_chartwright");
    let cmd =
        std::iter::once(bin.to_string()).chain(args.iter().map(|a| format!("'{a}'"))).collect::<Vec<_>>().join(" ");
    let o = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(dir)
        .env("HELM_CONFIG_HOME", dir.join("helm"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run script(1)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn progress_bar_on_a_terminal_only_and_never_with_quiet() {
    let (port, _) = serve(Box::new(|_, _| Some(response("200 OK", &[], INDEX.as_bytes()))));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/charts"), &[("app", "~1.4.0")]);
    let cache = dir.path().join("cache");
    let args = ["audit", ".", "--online", "--timeout", "1", "--cache-dir", cache.to_str().unwrap()];
    let tty = on_a_terminal(dir.path(), &args);
    assert!(tty.contains("] 0/1"), "a terminal shows the bar: {tty:?}");
    assert!(tty.contains("\r\u{1b}[2K"), "the bar is cleared when done: {tty:?}");
    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let tty_quiet = on_a_terminal(dir.path(), &quiet);
    assert!(!tty_quiet.contains("] 0/1"), "--quiet hides the bar: {tty_quiet:?}");
    let (piped, _) = online(dir.path(), &[]);
    assert!(!String::from_utf8_lossy(&piped.stderr).contains('\r'), "no bar when piped");
}

/// A chart whose dependencies are all `app` under distinct aliases, one per repository.
fn chart_with_repos(repos: &[&str], constraint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut y = String::from("apiVersion: v2\nname: probe\nversion: 1.0.0\ndependencies:\n");
    for (i, repo) in repos.iter().enumerate() {
        y.push_str(&format!(
            "  - name: app\n    alias: app{i}\n    version: \"{constraint}\"\n    repository: \"{repo}\"\n"
        ));
    }
    std::fs::write(dir.path().join("Chart.yaml"), y).unwrap();
    dir
}

fn basic(user: &str, pass: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}")))
}

#[test]
fn credentials_go_only_to_the_configured_scheme_host_port_and_path() {
    let (other_port, other_seen) = serve(Box::new(|_, _| Some(response("200 OK", &[], INDEX.as_bytes()))));
    let (port, seen) = serve(Box::new(move |req, _| {
        Some(if req.path == "/redirecting/index.yaml" {
            let to = format!("http://127.0.0.1:{other_port}/landing/index.yaml");
            response("302 Found", &[("Location", &to)], b"")
        } else {
            response("200 OK", &[], INDEX.as_bytes())
        })
    }));
    let dir = chart_with_repos(
        &[
            &format!("http://127.0.0.1:{port}/tls-only"),
            &format!("http://127.0.0.1:{port}/private"),
            &format!("http://127.0.0.1:{port}/privateer"),
            &format!("http://127.0.0.1:{port}/public"),
            &format!("http://127.0.0.1:{port}/elsewhere"),
            &format!("http://127.0.0.1:{port}/redirecting"),
            &format!("http://127.0.0.1:{port}/byname"),
        ],
        "^2.0.0",
    );
    let rc = dir.path().join("repositories.yaml");
    std::fs::write(
        &rc,
        format!(
            "repositories:\n\
             - {{name: tls, url: https://127.0.0.1:{port}/tls-only, username: tls-user, password: tls-pass}}\n\
             - {{name: plain, url: http://127.0.0.1:{port}/private, username: plain-user, password: plain-pass}}\n\
             - {{name: far, url: http://127.0.0.1:{other_port}/elsewhere, username: far-user, password: far-pass}}\n\
             - {{name: hop, url: http://127.0.0.1:{port}/redirecting, username: hop-user, password: hop-pass}}\n\
             - {{name: host, url: http://localhost:{port}/byname, username: host-user, password: host-pass}}\n"
        ),
    )
    .unwrap();
    let (o, j) = online(dir.path(), &["--repository-config", rc.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    let auth = |seen: &Arc<Mutex<Vec<Seen>>>, path: &str| {
        let seen = seen.lock().unwrap();
        let hits: Vec<&Seen> = seen.iter().filter(|s| s.path == path).collect();
        assert_eq!(hits.len(), 1, "{path} fetched once: {seen:#?}");
        hits[0].header("authorization").map(str::to_owned)
    };
    assert_eq!(auth(&seen, "/tls-only/index.yaml"), None, "https credentials were sent over plain http");
    assert_eq!(auth(&seen, "/private/index.yaml"), Some(basic("plain-user", "plain-pass")), "the very URL configured");
    assert_eq!(auth(&seen, "/privateer/index.yaml"), None, "a longer name is not a path inside");
    assert_eq!(auth(&seen, "/public/index.yaml"), None);
    assert_eq!(auth(&seen, "/elsewhere/index.yaml"), None, "credentials of another port");
    assert_eq!(auth(&seen, "/redirecting/index.yaml"), Some(basic("hop-user", "hop-pass")));
    assert_eq!(auth(&other_seen, "/landing/index.yaml"), None, "a redirect to another port drops them");
    assert_eq!(auth(&seen, "/byname/index.yaml"), None, "credentials of another host name");
    for out in [&o.stdout, &o.stderr] {
        let out = String::from_utf8_lossy(out);
        assert!(!out.contains("-pass") && !out.contains("-user"), "{out}");
    }
}

#[cfg(unix)]
#[test]
fn inline_credentials_never_reach_the_cache_and_the_cache_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let (port, seen) = serve(Box::new(|_, _| Some(response("200 OK", &[("ETag", "\"e1\"")], INDEX.as_bytes()))));
    let dir = chart_with_repos(&[&format!("http://cache-user:cache-s3cret@127.0.0.1:{port}/charts")], "~1.4.0");
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    assert!(has(&j, "newer-version", "2.1.0 is published"), "{j:#}");
    assert_eq!(seen.lock().unwrap()[0].header("authorization"), Some(basic("cache-user", "cache-s3cret").as_str()));
    let cache = dir.path().join("cache");
    assert_eq!(std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777, 0o700);
    let files: Vec<_> = std::fs::read_dir(&cache).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2, "index and metadata, no temporary files left: {files:?}");
    for f in &files {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        let name = f.to_string_lossy();
        for secret in ["cache-user", "cache-s3cret"] {
            assert!(!text.contains(secret) && !name.contains(secret), "{name} holds {secret}: {text}");
        }
        assert_eq!(std::fs::metadata(f).unwrap().permissions().mode() & 0o777, 0o600, "{name}");
    }
    // The credential-free key still finds the entry: the second run revalidates it.
    let (_, again) = online(dir.path(), &[]);
    assert_eq!(findings(&j), findings(&again));
    assert_eq!(seen.lock().unwrap().last().unwrap().header("if-none-match"), Some("\"e1\""));
    for out in [&o.stdout, &o.stderr] {
        assert!(!String::from_utf8_lossy(out).contains("cache-s3cret"));
    }
}

/// A server that answers every request by handing the connection to `talk`, on its own thread.
fn serve_stream(talk: fn(&Seen, &mut TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                if let Some(req) = read_request(&mut s) {
                    talk(&req, &mut s);
                }
            });
        }
    });
    port
}

/// Sends a valid start of an index and then one byte every 100 ms for up to a minute, so that
/// no single read ever waits long: only a deadline on the whole request stops it.
fn drip(_: &Seen, s: &mut TcpStream) {
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\napiVersion: v1\nentries:\n";
    if s.write_all(head.as_bytes()).is_err() {
        return;
    }
    for _ in 0..600 {
        std::thread::sleep(Duration::from_millis(100));
        if s.write_all(b"#").and_then(|()| s.flush()).is_err() {
            return;
        }
    }
}

#[test]
fn a_server_dripping_bytes_is_cut_off_at_the_request_deadline() {
    let port = serve_stream(drip);
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/charts"), &[("app", "1.x")]);
    let started = std::time::Instant::now();
    let (o, j) = online_with(dir.path(), &["--retries", "0", "--timeout", "2"], &[]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "unreadable is a warning: {j:#}");
    assert!(has(&j, "repository-unavailable", "timed out while reading the response after 1 attempts"), "{j:#}");
    // Per-read timeouts never fire here (a byte every 100 ms); the deadline is 2 s.
    assert!(took >= Duration::from_millis(1900) && took < Duration::from_secs(6), "took {took:?}");
}

#[test]
fn unresponsive_repositories_are_read_in_parallel_within_one_budget() {
    let (port, seen) = serve(Box::new(|_, _| None));
    let repos: Vec<String> = (0..4).map(|i| format!("http://127.0.0.1:{port}/r{i}")).collect();
    let dir = chart_with_repos(&repos.iter().map(String::as_str).collect::<Vec<_>>(), "1.x");
    let started = std::time::Instant::now();
    let (o, j) = online_with(dir.path(), &["--retries", "0", "--timeout", "2"], &[]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    let messages: Vec<String> = findings(&j).into_iter().map(|(_, m)| m).collect();
    assert_eq!(messages.len(), 4, "{j:#}");
    for (i, m) in messages.iter().enumerate() {
        // In dependency order, whatever order the answers came in.
        assert!(m.contains(&format!("/r{i} of `app{i}`")) && m.contains("timed out after 1 attempts"), "{m}");
    }
    assert_eq!(seen.lock().unwrap().len(), 4);
    // One after another would take 8 s; four at a time, about one 2 s deadline.
    assert!(took >= Duration::from_millis(1900) && took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn findings_keep_dependency_order_when_later_repositories_answer_first() {
    let (port, _) = serve(Box::new(|req, _| {
        // The first repository answers last.
        if req.path.starts_with("/r0/") {
            std::thread::sleep(Duration::from_millis(600));
        }
        Some(response("200 OK", &[], INDEX.as_bytes()))
    }));
    let repos: Vec<String> = (0..3).map(|i| format!("http://127.0.0.1:{port}/r{i}")).collect();
    let dir = chart_with_repos(&repos.iter().map(String::as_str).collect::<Vec<_>>(), "~1.4.0");
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    let deps: Vec<String> = j["charts"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["dependency"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(deps, ["app0", "app1", "app2"], "{j:#}");
}

#[test]
fn endless_slow_tag_pages_stop_at_the_repository_budget() {
    // Every page takes 400 ms and links to another: only the per-repository budget ends it.
    let (port, seen) = serve(Box::new(|_, n| {
        std::thread::sleep(Duration::from_millis(400));
        let next = format!("</v2/charts/app/tags/list?n=1000&last={n}>; rel=\"next\"");
        Some(response("200 OK", &[("Link", &next)], br#"{"name":"charts/app","tags":["1.0.0"]}"#))
    }));
    let dir = chart_dir(&format!("oci://127.0.0.1:{port}/charts"), &[("app", "1.x")]);
    let started = std::time::Instant::now();
    let (o, j) = online_with(dir.path(), &["--retries", "0", "--timeout", "1"], &["--plain-http"]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    assert!(has(&j, "repository-unavailable", "timed out"), "{j:#}");
    assert!(seen.lock().unwrap().len() <= 4, "{:#?}", seen.lock().unwrap());
    assert!(took < Duration::from_secs(4), "took {took:?}");
}

#[test]
fn registry_credentials_reach_a_plain_http_token_service_only_on_the_registry_itself() {
    for same_origin in [false, true] {
        let (token_port, token_seen) = serve(Box::new(|_, _| Some(response("200 OK", &[], br#"{"token":"t0k"}"#))));
        let (port, seen) = serve(Box::new(move |req, _| {
            Some(if req.path.starts_with("/token") {
                response("200 OK", &[], br#"{"token":"t0k"}"#)
            } else if req.header("authorization") == Some("Bearer t0k") {
                response("200 OK", &[], br#"{"name":"charts/app","tags":["1.0.0"]}"#)
            } else {
                let host = req.header("host").unwrap().to_owned();
                let realm = if same_origin {
                    format!("http://{host}/token")
                } else {
                    format!("http://127.0.0.1:{token_port}/token")
                };
                response("401 Unauthorized", &[("WWW-Authenticate", &format!("Bearer realm=\"{realm}\""))], b"")
            })
        }));
        let dir = chart_dir(&format!("oci://127.0.0.1:{port}/charts"), &[("app", "1.x")]);
        let rc = dir.path().join("repositories.yaml");
        std::fs::write(
            &rc,
            format!("repositories:\n- {{name: reg, url: oci://127.0.0.1:{port}/charts, username: reg-user, password: reg-pass}}\n"),
        )
        .unwrap();
        let (o, j) = online(dir.path(), &["--plain-http", "--repository-config", rc.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{j:#}");
        assert!(findings(&j).is_empty(), "the token flow worked: {j:#}");
        let token_request = if same_origin {
            seen.lock().unwrap().iter().find(|s| s.path.starts_with("/token")).cloned()
        } else {
            token_seen.lock().unwrap().first().cloned()
        };
        let auth = token_request.expect("the token service was asked").header("authorization").map(str::to_owned);
        if same_origin {
            assert_eq!(auth, Some(basic("reg-user", "reg-pass")), "--plain-http to the registry itself");
        } else {
            assert_eq!(auth, None, "a plain-http token service elsewhere gets no credentials");
        }
    }
}

#[cfg(unix)]
#[test]
fn cache_entries_of_older_versions_holding_credentials_are_removed() {
    use std::os::unix::fs::PermissionsExt as _;
    let (port, _) = serve(Box::new(|_, _| Some(response("200 OK", &[], INDEX.as_bytes()))));
    let dir = chart_dir(&format!("http://127.0.0.1:{port}/charts"), &[("app", "2.1.0")]);
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let (old, other) = ("a".repeat(64), "b".repeat(64));
    std::fs::write(cache.join(format!("{old}.json")), r#"{"url":"https://olduser:old-s3cret@h.example/x"}"#).unwrap();
    std::fs::write(cache.join(format!("{old}.yaml")), INDEX).unwrap();
    std::fs::write(cache.join(format!("{other}.json")), r#"{"url":"https://h.example/y"}"#).unwrap();
    std::fs::set_permissions(cache.join(format!("{other}.json")), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(cache.join("notes.txt"), "not ours").unwrap();
    let (o, j) = online(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{j:#}");
    assert!(!cache.join(format!("{old}.json")).exists() && !cache.join(format!("{old}.yaml")).exists());
    let mode = |n: &str| std::fs::metadata(cache.join(n)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&format!("{other}.json")), 0o600);
    assert_eq!(std::fs::read_to_string(cache.join("notes.txt")).unwrap(), "not ours", "other files are left alone");
    for e in std::fs::read_dir(&cache).unwrap() {
        assert!(!std::fs::read_to_string(e.unwrap().path()).unwrap().contains("old-s3cret"));
    }
}
