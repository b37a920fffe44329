//! Shared test support: real Helm binaries, the chartwright binary, and golden-file checks.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The chartwright binary under test.
pub fn chartwright() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chartwright"))
}

static HELMS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();

/// Paths of Helm 3.17.2 and 4.1.4: from `CHARTWRIGHT_HELM3`/`CHARTWRIGHT_HELM4`, or provisioned
/// by `scripts/fetch-helm.sh` (cached). A test that needs Helm never skips: it fails loudly when
/// Helm cannot be provisioned.
pub fn helms() -> &'static (PathBuf, PathBuf) {
    HELMS.get_or_init(|| {
        if let (Some(h3), Some(h4)) = (std::env::var_os("CHARTWRIGHT_HELM3"), std::env::var_os("CHARTWRIGHT_HELM4")) {
            return (PathBuf::from(h3), PathBuf::from(h4));
        }
        let out = Command::new("bash")
            .arg(root().join("scripts/fetch-helm.sh"))
            .arg("--print-env")
            .output()
            .expect("run scripts/fetch-helm.sh");
        assert!(out.status.success(), "scripts/fetch-helm.sh failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .map(PathBuf::from)
                .unwrap_or_else(|| panic!("fetch-helm.sh printed no {k}"))
        };
        (get("CHARTWRIGHT_HELM3"), get("CHARTWRIGHT_HELM4"))
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
