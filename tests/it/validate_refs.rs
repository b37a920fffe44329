//! `validate` with `$ref`s that point away from the schema: remote documents from a loopback
//! server (size and count capped, whatever the server claims) and local files (resolved inside
//! the chart, never outside it).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A loopback server handing each request's path and connection to `talk`; counts requests.
fn serve(talk: fn(&str, &mut TcpStream)) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut b = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut b) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&b[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let text = String::from_utf8_lossy(&buf).into_owned();
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                talk(&path, &mut s);
            });
        }
    });
    (port, count)
}

/// Streams a JSON array of 300 MiB, until the client hangs up.
fn stream_array(s: &mut TcpStream) {
    let chunk = "0,".repeat(512 * 1024);
    if s.write_all(b"[").is_err() {
        return;
    }
    for _ in 0..300 {
        if s.write_all(chunk.as_bytes()).is_err() {
            return;
        }
    }
    let _ = s.write_all(b"0]");
}

fn huge(path: &str, s: &mut TcpStream) {
    let head = if path.starts_with("/liar") {
        // Claims a small body, sends a huge one: the client must stop at what was promised.
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
    } else {
        // No length at all: the body ends when the connection closes.
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
    };
    if s.write_all(head.as_bytes()).is_ok() {
        stream_array(s);
    }
}

/// A chart whose schema is `schema`, with `values` and extra files.
fn chart(schema: &str, values: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::write(c.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    std::fs::write(c.join("values.yaml"), values).unwrap();
    std::fs::write(c.join("values.schema.json"), schema).unwrap();
    for (name, text) in files {
        let p = c.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Runs `chartwright validate` under GNU time: the output, the peak resident memory in KiB and
/// the elapsed time.
fn validate_measured(dir: &Path, args: &[&str]) -> (Output, u64, Duration) {
    let time = Path::new("/usr/bin/time");
    assert!(time.is_file(), "GNU time (/usr/bin/time) is needed to measure memory: apt-get install time");
    let report = dir.join("time.txt");
    let started = Instant::now();
    let o = std::process::Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_chartwright"))
        .arg("validate")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let took = started.elapsed();
    let kib = std::fs::read_to_string(&report).unwrap().trim().lines().last().unwrap().parse().unwrap();
    (o, kib, took)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn remote_ref_documents_are_capped_while_reading() {
    let (port, _) = serve(huge);
    for path in ["/endless.json", "/liar.json"] {
        let url = format!("http://127.0.0.1:{port}{path}");
        let dir = chart(&format!(r#"{{"properties": {{"a": {{"$ref": "{url}"}}}}}}"#), "a: 1\n", &[]);
        let (o, kib, took) = validate_measured(dir.path(), &["c", "--allow-remote-refs"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{path}: {err}");
        if path == "/liar.json" {
            // Cut at the promised length, so the document is not JSON.
            assert!(err.contains("is not JSON"), "{err}");
        } else {
            assert!(err.contains("larger than the 16777216-byte limit"), "{err}");
        }
        assert!(kib < 150 * 1024, "{path}: peak memory {kib} KiB");
        assert!(took < Duration::from_secs(20), "{path}: took {took:?}");
    }
}

#[test]
fn a_declared_huge_remote_document_is_refused_before_reading() {
    fn declared(_: &str, s: &mut TcpStream) {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4000000000\r\nConnection: close\r\n\r\n");
        stream_array(s);
    }
    let (port, _) = serve(declared);
    let url = format!("http://127.0.0.1:{port}/big.json");
    let dir = chart(&format!(r#"{{"properties": {{"a": {{"$ref": "{url}"}}}}}}"#), "a: 1\n", &[]);
    let (o, kib, took) = validate_measured(dir.path(), &["c", "--allow-remote-refs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than the 16777216-byte limit"), "{}", stderr(&o));
    assert!(kib < 100 * 1024, "peak memory {kib} KiB");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_chain_of_remote_documents_stops_at_the_count_limit() {
    fn chain(path: &str, s: &mut TcpStream) {
        let n: u32 = path.trim_start_matches("/d").trim_end_matches(".json").parse().unwrap_or(0);
        let body = format!(r#"{{"$ref": "/d{}.json"}}"#, n + 1);
        let _ = s.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes(),
        );
    }
    let (port, count) = serve(chain);
    let dir =
        chart(&format!(r#"{{"properties": {{"a": {{"$ref": "http://127.0.0.1:{port}/d0.json"}}}}}}"#), "a: 1\n", &[]);
    let (o, _, took) = validate_measured(dir.path(), &["c", "--allow-remote-refs"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("more than 32 remote documents"), "{}", stderr(&o));
    assert!(count.load(Ordering::SeqCst) <= 32, "{} requests", count.load(Ordering::SeqCst));
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

const LOCAL_SCHEMA: &str = r#"{"properties": {"port": {"$ref": "schemas/defs.json#/definitions/port"}}}"#;
const DEFS: &str = r#"{"definitions": {"port": {"$ref": "port.json"}}}"#;
const PORT: &str = r#"{"type": "integer", "maximum": 65535}"#;

#[test]
fn local_refs_resolve_inside_the_chart_directory_and_archive() {
    let dir = chart(LOCAL_SCHEMA, "port: 80\n", &[("schemas/defs.json", DEFS), ("schemas/port.json", PORT)]);
    let (ok, _, _) = validate_measured(dir.path(), &["c"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let (bad, _, _) = validate_measured(dir.path(), &["c", "--set", "port=70000"]);
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("maximum: got 70000, want 65535"));

    // The same chart packaged: refs resolve among the archive's files.
    let tgz = dir.path().join("c-0.1.0.tgz");
    let gz = flate2::write::GzEncoder::new(std::fs::File::create(&tgz).unwrap(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all("c", dir.path().join("c")).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    let (packed, _, _) = validate_measured(dir.path(), &["c-0.1.0.tgz", "--set", "port=70000"]);
    assert_eq!(packed.status.code(), Some(1), "{}", stderr(&packed));
}

#[test]
fn local_refs_never_leave_the_chart_or_show_what_is_outside() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.json");
    // Were it read, a value outside the enum would print the secret in the message.
    std::fs::write(&secret, r#"{"enum": ["TOPSECRET-VALUE"]}"#).unwrap();
    let secret_url = format!("file://{}", secret.display());
    let depth = "../".repeat(secret.components().count() + 2);
    let relative = format!("{depth}{}", secret.display().to_string().trim_start_matches('/'));
    for r in [
        secret_url.as_str(),
        secret.to_str().unwrap(),
        relative.as_str(),
        "../secret.json",
        "file:///etc/passwd",
        "../../../../../../../../etc/passwd",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let dir = chart(&format!(r#"{{"properties": {{"a": {{"$ref": "{r}"}}}}}}"#), "a: x\n", &[]);
        std::fs::copy(&secret, dir.path().join("secret.json")).unwrap();
        let (o, _, took) = validate_measured(dir.path(), &["c"]);
        let (out, err) = (String::from_utf8_lossy(&o.stdout), stderr(&o));
        assert_eq!(o.status.code(), Some(2), "{r}: {out}{err}");
        assert!(err.contains("leaves the chart") || err.contains("the chart has no JSON file"), "{r}: {err}");
        assert!(!out.contains("TOPSECRET") && !err.contains("TOPSECRET"), "{r}: {out}{err}");
        assert!(!err.contains("root:"), "{r}: {err}");
        assert!(took < Duration::from_secs(10));
    }
}
