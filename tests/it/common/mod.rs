//! Shared test support: real Helm binaries, the chartwright binary, and golden-file checks.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The chartwright binary under test.
pub fn chartwright() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chartwright"))
}

static HELMS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();

/// What `scripts/fetch-helm.sh --print-env` printed (it provisions Helm and kubectl, cached),
/// run once per test binary.
fn provisioned(key: &str) -> PathBuf {
    static PRINTED: OnceLock<String> = OnceLock::new();
    let text = PRINTED.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("scripts/fetch-helm.sh"))
            .arg("--print-env")
            .output()
            .expect("run scripts/fetch-helm.sh");
        assert!(out.status.success(), "scripts/fetch-helm.sh failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    });
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{key} is not set and scripts/fetch-helm.sh printed no {key}"))
}

/// Paths of Helm 3.17.2 and 4.1.4: from `CHARTWRIGHT_HELM3`/`CHARTWRIGHT_HELM4`, or provisioned
/// by `scripts/fetch-helm.sh` (cached). A test that needs Helm never skips: it fails loudly when
/// Helm cannot be provisioned.
pub fn helms() -> &'static (PathBuf, PathBuf) {
    HELMS.get_or_init(|| {
        if let (Some(h3), Some(h4)) = (std::env::var_os("CHARTWRIGHT_HELM3"), std::env::var_os("CHARTWRIGHT_HELM4")) {
            return (PathBuf::from(h3), PathBuf::from(h4));
        }
        (provisioned("CHARTWRIGHT_HELM3"), provisioned("CHARTWRIGHT_HELM4"))
    })
}

/// kubectl 1.35 (for `kubectl kustomize`): from `CHARTWRIGHT_KUBECTL`, which `scripts/test.sh`
/// exports, or provisioned by `scripts/fetch-helm.sh` (cached). Never skips: a test that needs
/// it fails loudly when it cannot be had.
pub fn kubectl() -> &'static Path {
    static KUBECTL: OnceLock<PathBuf> = OnceLock::new();
    KUBECTL.get_or_init(|| {
        std::env::var_os("CHARTWRIGHT_KUBECTL").map_or_else(|| provisioned("CHARTWRIGHT_KUBECTL"), PathBuf::from)
    })
}

/// Both Helm versions with a label.
pub fn each_helm() -> [(&'static str, &'static Path); 2] {
    let (h3, h4) = helms();
    [("helm 3.17.2", h3.as_path()), ("helm 4.1.4", h4.as_path())]
}

/// Runs a command with an isolated Helm home so that no user configuration leaks in.
pub fn helm(bin: &Path, args: &[&str]) -> Output {
    let home = std::env::temp_dir().join("chartwright-test-helm-home");
    Command::new(bin)
        .args(args)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .output()
        .expect("run helm")
}

/// True when golden files should be rewritten (`CHARTWRIGHT_BLESS=1 cargo test`).
pub fn bless() -> bool {
    std::env::var_os("CHARTWRIGHT_BLESS").is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file at `path`, or rewrites it under `CHARTWRIGHT_BLESS=1`.
pub fn assert_golden(path: &Path, actual: &str) {
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing; run CHARTWRIGHT_BLESS=1 cargo test to create it", path.display()));
    if expected != actual {
        panic!(
            "{} differs from the output (CHARTWRIGHT_BLESS=1 cargo test rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}

/// Every file under `dir` (relative path with `/` → contents), in sorted order; empty when
/// `dir` does not exist.
pub fn files_under(dir: &Path) -> std::collections::BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Copies a directory tree (fixtures into a temporary directory).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The Service backend of the first path of the first rule of a rendered Ingress.
pub fn first_service_backend(ingress: &chartwright::yaml::Node) -> chartwright::yaml::Node {
    let rule = &ingress.path(&["spec", "rules"]).and_then(|r| r.as_seq()).expect("rules")[0];
    let path = &rule.path(&["http", "paths"]).and_then(|p| p.as_seq()).expect("paths")[0];
    path.path(&["backend", "service"]).expect("a Service backend").clone()
}

// Bounded runs of the real binary (hostile input, output writing): the child's address space is
// capped with `setrlimit(RLIMIT_AS)`, its CPU time read from `wait4`.

/// What a bounded run produced.
pub struct Run {
    pub code: Option<i32>,
    /// The first 256 KiB of stdout, and its total length.
    pub stdout: String,
    /// Total bytes written to stdout.
    pub stdout_len: usize,
    /// Standard error.
    pub stderr: String,
    /// CPU time of the child (user and system).
    pub cpu: Duration,
    /// Wall time.
    pub elapsed: Duration,
}

fn drain(mut r: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<(Vec<u8>, usize)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut total = 0;
        let mut buf = [0u8; 65536];
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
            if kept.len() < 256 * 1024 {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        (kept, total)
    })
}

/// Runs `cmd`, killing it after `limit`; the child's resource usage comes from `wait4`.
// The child is reaped by `wait4`, which std's `Child::wait` cannot stand in for.
#[allow(clippy::zombie_processes)]
pub fn run_bounded(mut cmd: Command, limit: Duration) -> Run {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).env("NO_COLOR", "1");
    // SAFETY: setrlimit is async-signal-safe, as pre_exec requires.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            let cap = libc::rlimit { rlim_cur: AS_LIMIT, rlim_max: AS_LIMIT };
            if libc::setrlimit(libc::RLIMIT_AS, &cap) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let pid = i32::try_from(child.id()).unwrap();
    let start = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            while start.elapsed() < limit {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // SAFETY: the pid is our own child, not yet reaped (wait4 below reaps it).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        })
    };
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: plain syscall on our child's pid with valid pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let elapsed = start.elapsed();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    let (stdout, stdout_len) = out.join().unwrap();
    let (stderr, _) = err.join().unwrap();
    let code = if libc::WIFEXITED(status) { Some(libc::WEXITSTATUS(status)) } else { None };
    assert!(elapsed < limit, "killed after {limit:?}: the run did not finish");
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap()) + Duration::from_micros(u64::try_from(t.tv_usec).unwrap())
    };
    Run {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stdout_len,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        elapsed,
    }
}

/// Generous: a debug build on a shared two-core machine.
pub const SECS: Duration = Duration::from_secs(60);
/// CPU time a run may take.
pub const CPU: Duration = Duration::from_secs(30);
/// Address space of a run: the debug binary maps ~170 MiB and each thread's malloc arena
/// reserves 64 MiB; the defects this guards needed 3 to 8 GiB.
pub const AS_LIMIT: libc::rlim_t = 1536 * 1024 * 1024;

pub fn assert_bounded(r: &Run, code: i32, what: &str) {
    assert_eq!(
        r.code,
        Some(code),
        "{what}: exit code (134 or none: out of memory or killed)\nstderr: {}\nstdout: {}",
        r.stderr,
        r.stdout
    );
    assert!(r.cpu < CPU, "{what}: {:?} of CPU", r.cpu);
    assert!(!r.stderr.contains("internal error"), "{what}: {}", r.stderr);
    eprintln!("{what}: exit {code}, {:?} wall, {:?} CPU, {} bytes out", r.elapsed, r.cpu, r.stdout_len);
}

/// Errors of `doc` against `schemas/validate-output.schema.json`, the published shape of
/// `validate --format json` (empty when it conforms).
pub fn validate_output_schema_errors(doc: &serde_json::Value) -> Vec<String> {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("schemas/validate-output.schema.json")).unwrap();
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
    });
    validator.iter_errors(doc).map(|e| e.to_string()).collect()
}
