//! The environments of `generate --env NAME=PATH`: the flag's syntax, and each environment's
//! manifests, read the way a single-environment run reads them, or rendered from a kustomize
//! directory by `kustomize build` or `kubectl kustomize` under a time and size bound.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::manifest::{self, LoadError, Loaded};
use crate::process::{RunError, run_bounded};

/// The files that make a directory a kustomization, as kustomize looks for them.
pub const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// One `--env NAME=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSpec {
    /// The environment's name (`values-<name>.yaml`).
    pub name: String,
    /// Its manifests: a file, a directory, or a kustomize directory.
    pub path: PathBuf,
}

/// Why the environments could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// The flag is not `NAME=PATH`.
    #[error("--env {0:?} is not NAME=PATH (for example --env prod=overlays/prod)")]
    Syntax(String),
    /// The name is not a DNS label.
    #[error(
        "--env {0:?}: an environment name must be a DNS label (lower-case letters, digits and dashes, starting and ending with a letter or digit, at most 63 characters), since it names values-<env>.yaml"
    )]
    BadName(String),
    /// Two environments share a name.
    #[error("--env {0} is given more than once; each environment needs its own name")]
    Repeated(String),
    /// A kustomize directory, and nothing to render it with.
    #[error(
        "--env {name}: {path} is a kustomize directory, and neither `kustomize` nor `kubectl` was found on PATH; install one (kubectl ships `kubectl kustomize`), name one with --kustomize CMD, or pass the rendered manifests instead (`kubectl kustomize {path} > {name}.yaml`, then --env {name}={name}.yaml)"
    )]
    NoRenderer {
        /// The environment.
        name: String,
        /// Its directory.
        path: String,
    },
    /// The renderer failed, ran too long or wrote too much. (The cause is quoted in the
    /// message, not chained, so that `{:#}` does not print it twice.)
    #[error("--env {name}: {cause}")]
    Render {
        /// The environment.
        name: String,
        /// What went wrong.
        cause: RenderError,
    },
    /// The manifests (or the rendered output) could not be loaded.
    #[error("--env {name}: {cause}")]
    Load {
        /// The environment.
        name: String,
        /// What went wrong.
        cause: LoadError,
    },
    /// The environment has no Kubernetes objects.
    #[error("--env {name}: {path} holds no Kubernetes objects")]
    NoObjects {
        /// The environment.
        name: String,
        /// Its path.
        path: String,
    },
}

/// Why a kustomize render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The program could not be started.
    #[error("cannot run `{command}`: {cause}")]
    Spawn {
        /// The command line.
        command: String,
        /// The OS error.
        cause: std::io::Error,
    },
    /// It exited unsuccessfully.
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed {
        /// The command line.
        command: String,
        /// Exit status.
        status: String,
        /// Its standard error, summarised.
        stderr: String,
    },
    /// It ran past the time limit and was killed.
    #[error("`{command}` did not finish within {} s and was stopped", .limit.as_secs())]
    Timeout {
        /// The command line.
        command: String,
        /// The limit.
        limit: Duration,
    },
    /// It wrote more than the size limit and was killed.
    #[error("`{command}` wrote more than {limit} bytes, the limit for one environment's manifests")]
    TooLarge {
        /// The command line.
        command: String,
        /// The limit.
        limit: u64,
    },
    /// Its output is not UTF-8.
    #[error("`{command}` wrote output that is not UTF-8")]
    NotUtf8 {
        /// The command line.
        command: String,
    },
}

/// Parses `NAME=PATH`.
pub fn parse_env(arg: &str) -> Result<EnvSpec, EnvError> {
    let (name, path) = arg.split_once('=').ok_or_else(|| EnvError::Syntax(arg.to_string()))?;
    if path.is_empty() {
        return Err(EnvError::Syntax(arg.to_string()));
    }
    if !valid_env_name(name) {
        return Err(EnvError::BadName(name.to_string()));
    }
    Ok(EnvSpec { name: name.to_string(), path: PathBuf::from(path) })
}

/// Parses every `--env`, refusing a name given twice.
pub fn parse_envs(args: &[String]) -> Result<Vec<EnvSpec>, EnvError> {
    let mut specs: Vec<EnvSpec> = Vec::new();
    for a in args {
        let spec = parse_env(a)?;
        if specs.iter().any(|s| s.name == spec.name) {
            return Err(EnvError::Repeated(spec.name));
        }
        specs.push(spec);
    }
    Ok(specs)
}

/// A DNS label (RFC 1123): what Kubernetes accepts as a namespace, so it also reads well in a
/// file name.
pub fn valid_env_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// True when `path` is a directory holding a kustomization file.
pub fn is_kustomization_dir(path: &Path) -> bool {
    path.is_dir() && KUSTOMIZATION_FILES.iter().any(|f| path.join(f).is_file())
}

/// Every path the environments read, which `--force` must never replace: each `--env` path,
/// and for a kustomize directory the bases and files it reads, wherever they are.
pub fn input_paths(specs: &[EnvSpec]) -> Vec<PathBuf> {
    specs
        .iter()
        .flat_map(|s| if is_kustomization_dir(&s.path) { local_sources(&s.path) } else { vec![s.path.clone()] })
        .collect()
}

/// The local files and directories a kustomize directory reads, itself included: `resources`,
/// `bases`, `components`, `crds`, patch files and generator sources, followed into the bases
/// they name. `--force` must never replace any of them (a base outside the overlay is an input
/// too). Remote references are skipped; a kustomization that cannot be read adds only itself.
pub fn local_sources(dir: &Path) -> Vec<PathBuf> {
    // Bounds the walk: kustomize trees are small, and a cycle must not loop.
    const MAX_DIRS: usize = 256;
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out: Vec<PathBuf> = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let key = d.canonicalize().unwrap_or_else(|_| d.clone());
        if seen.contains(&key) || seen.len() >= MAX_DIRS {
            continue;
        }
        seen.push(key);
        out.push(d.clone());
        // Bounded and regular files only: a FIFO or a huge file named like a kustomization
        // must not hang or exhaust this walk (kustomize itself then runs under its bounds).
        let Some(text) = KUSTOMIZATION_FILES.iter().find_map(|f| {
            let p = d.join(f);
            crate::textfile::read_limited(&p, &p.display().to_string(), crate::limits::MAX_INPUT_BYTES).ok()
        }) else {
            continue;
        };
        let Ok(docs) = crate::yaml::parse_stream(&text) else { continue };
        let Some(root) = docs.into_iter().find_map(|doc| doc.root) else { continue };
        for reference in kustomization_paths(&root) {
            if reference.contains("://") || reference.contains("?ref=") || reference.starts_with("github.com/") {
                continue;
            }
            let p = d.join(&reference);
            if is_kustomization_dir(&p) {
                todo.push(p);
            } else if p.exists() {
                out.push(p);
            }
        }
    }
    out
}

/// The path strings of one kustomization file.
fn kustomization_paths(root: &crate::yaml::Node) -> Vec<String> {
    let strings = |n: Option<&crate::yaml::Node>| -> Vec<String> {
        n.and_then(crate::yaml::Node::as_seq)
            .map(|s| s.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for key in ["resources", "bases", "components", "crds", "patchesStrategicMerge", "configurations"] {
        out.extend(strings(root.get(key)));
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for item in root.get(key).and_then(crate::yaml::Node::as_seq).into_iter().flatten() {
            out.extend(item.get("path").and_then(crate::yaml::Node::as_str).map(str::to_string));
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for item in root.get(key).and_then(crate::yaml::Node::as_seq).into_iter().flatten() {
            for list in ["files", "envs"] {
                // `key=path` names the data key; the file is after the `=`.
                out.extend(strings(item.get(list)).into_iter().map(|f| f.rsplit('=').next().unwrap_or(&f).to_string()));
            }
            out.extend(item.get("env").and_then(crate::yaml::Node::as_str).map(str::to_string));
        }
    }
    out
}

/// Which command line a renderer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `kustomize build DIR`.
    Kustomize,
    /// `kubectl kustomize DIR`.
    Kubectl,
}

/// A program that renders kustomize directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renderer {
    /// The program (a path, or a name looked up on PATH).
    pub program: PathBuf,
    /// Its command line.
    pub tool: Tool,
}

/// Bounds on one render.
#[derive(Debug, Clone, Copy)]
pub struct RenderLimits {
    /// Wall time before the renderer is killed.
    pub time: Duration,
    /// Bytes of standard output before it is killed.
    pub output: u64,
}

impl Default for RenderLimits {
    fn default() -> Self {
        RenderLimits { time: crate::limits::KUSTOMIZE_TIMEOUT, output: crate::limits::MAX_INPUT_BYTES }
    }
}

impl Renderer {
    /// The program `--kustomize` names: `kubectl kustomize` when its file name starts with
    /// `kubectl`, otherwise `kustomize build`.
    pub fn named(program: &Path) -> Renderer {
        let kubectl = program.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("kubectl"));
        Renderer { program: program.to_path_buf(), tool: if kubectl { Tool::Kubectl } else { Tool::Kustomize } }
    }

    /// `kustomize`, else `kubectl`, from the directories of `path` (a PATH value).
    pub fn find_on(path: &std::ffi::OsStr) -> Option<Renderer> {
        let dirs: Vec<PathBuf> = std::env::split_paths(path).collect();
        [("kustomize", Tool::Kustomize), ("kubectl", Tool::Kubectl)].into_iter().find_map(|(name, tool)| {
            dirs.iter().map(|d| d.join(name)).find(|p| is_executable(p)).map(|program| Renderer { program, tool })
        })
    }

    /// The command line, as error messages show it.
    pub fn command_line(&self, dir: &Path) -> String {
        let verb = match self.tool {
            Tool::Kustomize => "build",
            Tool::Kubectl => "kustomize",
        };
        format!("{} {verb} {}", self.program.display(), dir.display())
    }

    /// Renders `dir`, killing the renderer (and anything it started) past the limits.
    pub fn render(&self, dir: &Path, limits: RenderLimits) -> Result<String, RenderError> {
        let command = self.command_line(dir);
        let mut cmd = Command::new(&self.program);
        cmd.arg(match self.tool {
            Tool::Kustomize => "build",
            Tool::Kubectl => "kustomize",
        });
        cmd.arg(dir);
        let out = run_bounded(cmd, limits.time, limits.output).map_err(|e| match e {
            RunError::Spawn(cause) => RenderError::Spawn { command: command.clone(), cause },
            RunError::Timeout => RenderError::Timeout { command: command.clone(), limit: limits.time },
            RunError::TooLarge => RenderError::TooLarge { command: command.clone(), limit: limits.output },
        })?;
        if !out.status.success() {
            return Err(RenderError::Failed {
                command,
                status: out.status.to_string(),
                stderr: summarize_stderr(&out.stderr),
            });
        }
        String::from_utf8(out.stdout).map_err(|_| RenderError::NotUtf8 { command })
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The lines of a renderer's standard error worth a sentence: its `Error:` lines when it has
/// some (kustomize prints deprecation warnings first), else its last lines; clipped.
pub fn summarize_stderr(stderr: &[u8]) -> String {
    const LINES: usize = 5;
    const CHARS: usize = 1000;
    // A remote base may carry credentials in its URL; error messages are shown and logged.
    let text = crate::repo_url::redact_text(&String::from_utf8_lossy(stderr));
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let errors: Vec<&str> = lines.iter().copied().filter(|l| l.to_ascii_lowercase().contains("error")).collect();
    let chosen = if errors.is_empty() { &lines[lines.len().saturating_sub(LINES)..] } else { &errors[..] };
    let mut s = chosen.iter().take(LINES).copied().collect::<Vec<_>>().join("; ");
    if s.is_empty() {
        return "no error message".into();
    }
    if s.chars().count() > CHARS {
        s = s.chars().take(CHARS).collect::<String>() + "…";
    }
    s
}

/// How `load_envs` finds a renderer: the `--kustomize` program, else PATH.
#[derive(Debug, Clone, Default)]
pub struct Rendering {
    /// The `--kustomize` program.
    pub program: Option<PathBuf>,
    /// The bounds of each render.
    pub limits: RenderLimits,
}

impl Rendering {
    fn renderer(&self) -> Option<Renderer> {
        match &self.program {
            Some(p) => Some(Renderer::named(p)),
            None => Renderer::find_on(&std::env::var_os("PATH").unwrap_or_default()),
        }
    }
}

/// Reads every environment, the kustomize ones rendered in parallel; the first error in
/// `--env` order is returned.
pub fn load_envs(specs: &[EnvSpec], rendering: &Rendering) -> Result<Vec<(String, Loaded)>, EnvError> {
    let renderer = if specs.iter().any(|s| is_kustomization_dir(&s.path)) { rendering.renderer() } else { None };
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            specs.iter().map(|s| scope.spawn(|| load_env(s, renderer.as_ref(), rendering.limits))).collect();
        handles
            .into_iter()
            .zip(specs)
            .map(|(h, s)| Ok((s.name.clone(), h.join().expect("environment loader thread")?)))
            .collect()
    })
}

/// One environment's objects.
fn load_env(spec: &EnvSpec, renderer: Option<&Renderer>, limits: RenderLimits) -> Result<Loaded, EnvError> {
    let name = spec.name.clone();
    let loaded = if is_kustomization_dir(&spec.path) {
        let renderer = renderer
            .ok_or_else(|| EnvError::NoRenderer { name: name.clone(), path: spec.path.display().to_string() })?;
        let text =
            renderer.render(&spec.path, limits).map_err(|cause| EnvError::Render { name: name.clone(), cause })?;
        // Positions in the output point at the overlay, marked as rendered, since the user
        // reproduces them with the same command.
        let shown = format!("{} (rendered by {})", spec.path.display(), renderer_name(renderer));
        let mut loaded = Loaded::default();
        manifest::load_text(&shown, text, &mut loaded)
            .and_then(|()| manifest::check_duplicates(&loaded.objects))
            .map_err(|cause| EnvError::Load { name: name.clone(), cause })?;
        loaded
    } else {
        manifest::load_inputs(std::slice::from_ref(&spec.path))
            .map_err(|cause| EnvError::Load { name: name.clone(), cause })?
    };
    if loaded.objects.is_empty() {
        return Err(EnvError::NoObjects { name, path: spec.path.display().to_string() });
    }
    Ok(loaded)
}

fn renderer_name(r: &Renderer) -> &'static str {
    match r.tool {
        Tool::Kustomize => "kustomize build",
        Tool::Kubectl => "kubectl kustomize",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn local_sources_follow_bases_and_end_on_cycles_and_fifos() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        // a and b name each other: the walk must end, with both and a's generator file.
        std::fs::write(
            a.join("kustomization.yaml"),
            "resources: [../b]\nconfigMapGenerator:\n  - name: c\n    files: [k=app.env]\n",
        )
        .unwrap();
        std::fs::write(a.join("app.env"), "K=v\n").unwrap();
        std::fs::write(b.join("kustomization.yaml"), "resources: [../a, https://example.com/x.yaml]\n").unwrap();
        let got = local_sources(&a);
        assert!(got.contains(&a) && got.contains(&a.join("../b")) && got.contains(&a.join("app.env")), "{got:?}");
        // A FIFO named kustomization.yaml beside a real kustomization.yml is skipped, not read.
        let c = tmp.path().join("c");
        std::fs::create_dir_all(&c).unwrap();
        let fifo = std::ffi::CString::new(c.join("kustomization.yaml").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        std::fs::write(c.join("kustomization.yml"), "resources: [../a]\n").unwrap();
        let got = local_sources(&c);
        assert!(got.contains(&c.join("../a")), "{got:?}");
    }

    #[test]
    fn renderer_errors_never_show_url_credentials() {
        let s = summarize_stderr(
            b"Error: accumulating resources: https://bot:s3cret@github.com/acme/base?ref=v1: 404\nerror: git clone 'https://tok@example.com/x.git' failed\n",
        );
        assert!(!s.contains("s3cret") && !s.contains("tok@") && !s.contains("bot"), "{s}");
        assert!(s.contains("https://github.com/acme/base?ref=v1") && s.contains("https://example.com/x.git"), "{s}");
    }

    #[test]
    fn env_names_are_dns_labels() {
        for ok in ["dev", "prod-eu-1", "a", "1st", &"a".repeat(63)] {
            assert!(valid_env_name(ok), "{ok}");
        }
        for bad in ["", "Prod", "-dev", "dev-", "dev_1", "dev.1", "dév", &"a".repeat(64)] {
            assert!(!valid_env_name(bad), "{bad}");
        }
    }

    #[test]
    fn env_flag_syntax() {
        assert_eq!(parse_env("prod=a=b").unwrap(), EnvSpec { name: "prod".into(), path: "a=b".into() });
        assert!(matches!(parse_env("prod"), Err(EnvError::Syntax(_))));
        assert!(matches!(parse_env("prod="), Err(EnvError::Syntax(_))));
        assert!(matches!(parse_env("Prod=x"), Err(EnvError::BadName(n)) if n == "Prod"));
        let twice = parse_envs(&["dev=a".into(), "prod=b".into(), "dev=c".into()]).unwrap_err();
        assert_eq!(twice.to_string(), "--env dev is given more than once; each environment needs its own name");
    }

    #[test]
    fn renderer_by_name() {
        assert_eq!(Renderer::named(Path::new("/opt/kubectl-1.35")).tool, Tool::Kubectl);
        assert_eq!(Renderer::named(Path::new("kustomize")).tool, Tool::Kustomize);
        assert_eq!(
            Renderer::named(Path::new("/k/kubectl")).command_line(Path::new("overlays/prod")),
            "/k/kubectl kustomize overlays/prod"
        );
    }

    #[test]
    fn stderr_summary_prefers_error_lines() {
        let s = summarize_stderr(b"# Warning: 'bases' is deprecated\n\nError: accumulating resources: no such file\n");
        assert_eq!(s, "Error: accumulating resources: no such file");
        assert_eq!(summarize_stderr(b"a\nb\n"), "a; b");
        assert_eq!(summarize_stderr(b""), "no error message");
        assert!(summarize_stderr("error ".repeat(1000).as_bytes()).ends_with('…'));
    }

    /// A stand-in renderer written as a shell script: the bounds are about processes, not
    /// about kustomize.
    fn script(dir: &Path, body: &str) -> Renderer {
        use std::os::unix::fs::PermissionsExt as _;
        let p = dir.join("kustomize");
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        Renderer::named(&p)
    }

    /// Renders with a script written moments ago. Another test thread may fork while the
    /// script's write descriptor is open, and until that child execs, running the script fails
    /// with "text file busy" (ETXTBSY): that is retried, anything else is the answer.
    fn render(r: &Renderer, dir: &Path, limits: RenderLimits) -> Result<String, RenderError> {
        for _ in 0..100 {
            match r.render(dir, limits) {
                Err(RenderError::Spawn { cause, .. }) if cause.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
        r.render(dir, limits)
    }

    #[test]
    fn a_renderer_past_its_time_is_killed_with_its_children() {
        let tmp = tempfile::tempdir().unwrap();
        let r = script(tmp.path(), "sleep 30 & sleep 30");
        let start = Instant::now();
        let e = render(&r, tmp.path(), RenderLimits { time: Duration::from_millis(300), output: 1024 }).unwrap_err();
        assert!(matches!(e, RenderError::Timeout { .. }), "{e}");
        // The background sleep holds stdout too: it must have been killed, or this waits 30 s.
        assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    }

    #[test]
    fn a_helper_left_behind_holding_the_output_is_ended_with_the_renderer() {
        let tmp = tempfile::tempdir().unwrap();
        let r = script(tmp.path(), "sleep 30 &\necho 'kind: x'");
        let start = Instant::now();
        let out = render(&r, tmp.path(), RenderLimits::default()).unwrap();
        assert_eq!(out, "kind: x\n");
        assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    }

    #[test]
    fn a_renderer_that_writes_too_much_is_killed() {
        let tmp = tempfile::tempdir().unwrap();
        let r = script(tmp.path(), "yes 'kind: x'");
        let e = render(&r, tmp.path(), RenderLimits { time: Duration::from_secs(30), output: 100_000 }).unwrap_err();
        assert!(e.to_string().contains("wrote more than 100000 bytes"), "{e}");
    }

    #[test]
    fn a_failing_renderer_is_summarised() {
        let tmp = tempfile::tempdir().unwrap();
        let r = script(tmp.path(), "echo '# Warning: deprecated' >&2; echo 'Error: no kustomization' >&2; exit 3");
        let e = render(&r, tmp.path(), RenderLimits::default()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.ends_with("failed (exit status: 3): Error: no kustomization"), "{msg}");
    }

    #[test]
    fn a_kustomize_dir_without_a_renderer_says_how_to_go_on() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("kustomization.yaml"), "resources: []\n").unwrap();
        let spec = EnvSpec { name: "prod".into(), path: tmp.path().to_path_buf() };
        let e = load_env(&spec, None, RenderLimits::default()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("is a kustomize directory") && msg.contains("--kustomize CMD"), "{msg}");
        assert!(msg.contains("--env prod=prod.yaml"), "{msg}");
    }

    #[test]
    fn path_search_prefers_kustomize_then_kubectl() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        assert_eq!(Renderer::find_on(&path), None);
        script(&b, "true");
        std::fs::rename(b.join("kustomize"), b.join("kubectl")).unwrap();
        assert_eq!(Renderer::find_on(&path).unwrap().tool, Tool::Kubectl);
        script(&a, "true");
        assert_eq!(Renderer::find_on(&path).unwrap(), Renderer { program: a.join("kustomize"), tool: Tool::Kustomize });
    }
}
