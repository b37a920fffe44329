//! `generate --verify`: the chart rendered by `helm template` under its own release name (the
//! round trip, [`super::compare`]) and under three other names side by side
//! ([`super::sidebyside`]), the four renders at once, each bounded in time and output.

use std::path::Path;

use crate::manifest::{self, LoadError, Loaded};
use crate::process::{self, RunError};

/// Release names unlike any chart name, for the side-by-side check.
const OTHER_RELEASES: [&str; 4] = ["blue", "green", "amber", "violet"];

/// Release names of Helm's maximum length (53), so every name the chart cuts is cut in one of
/// the renders; the first that neither holds the chart name nor is held by it is used.
const LONG_RELEASES: [&str; 3] = [
    "verify-with-a-release-name-of-helms-maximum-length-53",
    "q0000000000000000000000000000000000000000000000000009",
    "w1111111111111111111111111111111111111111111111111118",
];

/// Why Helm could not be run to the end (a chart Helm refuses is an [`Outcome`], not this).
#[derive(Debug, thiserror::Error)]
pub enum HelmError {
    /// The Helm binary could not be started.
    #[error("cannot run {program}")]
    Spawn {
        /// The Helm binary as given.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A render ran past [`crate::limits::HELM_TEMPLATE_TIMEOUT`].
    #[error("--verify: `{command}` did not finish within {secs} s and was stopped")]
    Timeout {
        /// The command line, shortened.
        command: String,
        /// The limit, in seconds.
        secs: u64,
    },
    /// A render wrote more than [`crate::limits::MAX_INPUT_BYTES`].
    #[error("--verify: `{command}` wrote more than {bytes} bytes and was stopped")]
    TooLarge {
        /// The command line, shortened.
        command: String,
        /// The limit.
        bytes: u64,
    },
    /// Helm's output is not YAML.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// What `--verify` found for one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every render reproduces the input and the releases keep apart.
    Verified {
        /// Objects of the input.
        objects: usize,
        /// The releases rendered beside the chart's own name: two short ones and one of Helm's
        /// maximum length.
        others: [&'static str; 3],
    },
    /// `helm template` of this release failed (the first failing one, in render order).
    HelmFailed {
        /// The release name.
        release: String,
        /// Helm's standard error.
        stderr: String,
    },
    /// What the renders got wrong, one sentence each.
    Problems(Vec<String>),
}

/// Renders `chart` as release `name` and three others (on top of `values`, an environment's
/// `values-<env>.yaml`) and checks the renders against `loaded`, the input.
pub fn verify_chart(
    loaded: &Loaded,
    chart: &Path,
    name: &str,
    helm: &Path,
    placeholders: bool,
    values: Option<&Path>,
) -> Result<Outcome, HelmError> {
    let main_ns = crate::generate::main_namespace(&loaded.objects);
    let ns = main_ns.clone().unwrap_or_else(|| "default".into());
    // Two names unlike the chart's (a release whose name holds the chart's adopts its objects).
    let mut others = OTHER_RELEASES.into_iter().filter(|r| !r.contains(name) && !name.contains(r));
    let (a, b) = (others.next().unwrap_or("blue"), others.next().unwrap_or("green"));
    let long = LONG_RELEASES.into_iter().find(|r| !r.contains(name) && !name.contains(r)).unwrap_or(LONG_RELEASES[2]);
    let releases = [name, a, b, long];
    let renders = std::thread::scope(|s| {
        let handles: Vec<_> = releases.iter().map(|r| s.spawn(|| template(helm, chart, r, &ns, values))).collect();
        handles.into_iter().map(|h| h.join().expect("helm thread")).collect::<Result<Vec<_>, _>>()
    })?;
    let mut rendered = Vec::new();
    for (release, r) in releases.iter().zip(renders) {
        match r {
            Ok(l) => rendered.push(l),
            Err(stderr) => return Ok(Outcome::HelmFailed { release: (*release).to_string(), stderr }),
        }
    }
    let mut problems: Vec<String> =
        super::compare(&loaded.objects, &rendered[0].objects, main_ns.as_deref(), &ns, placeholders)
            .iter()
            .map(ToString::to_string)
            .collect();
    problems.extend(super::sidebyside::check(
        name,
        &loaded.objects,
        [
            super::sidebyside::Release { name: a, objects: &rendered[1].objects },
            super::sidebyside::Release { name: b, objects: &rendered[2].objects },
            super::sidebyside::Release { name: long, objects: &rendered[3].objects },
        ],
        &ns,
    ));
    if problems.is_empty() {
        Ok(Outcome::Verified { objects: loaded.objects.len(), others: [a, b, long] })
    } else {
        Ok(Outcome::Problems(problems))
    }
}

/// `helm template` of `chart` as `release` in `ns`: the rendered objects, or Helm's standard
/// error when it refuses the chart.
pub fn template(
    helm: &Path,
    chart: &Path,
    release: &str,
    ns: &str,
    values: Option<&Path>,
) -> Result<Result<Loaded, String>, HelmError> {
    let mut cmd = std::process::Command::new(helm);
    cmd.args(["template", release]).arg(chart).args(["--namespace", ns, "--include-crds"]);
    if let Some(v) = values {
        cmd.arg("--values").arg(v);
    }
    // Bounded like a kustomize render: a chart (or a helm) that hangs or writes without end
    // must not hold CI.
    let limits = process::Limits { time: crate::limits::HELM_TEMPLATE_TIMEOUT, output: crate::limits::MAX_INPUT_BYTES };
    let command = format!("{} template {release} {}", helm.display(), chart.display());
    let out = match process::run_bounded(cmd, limits) {
        Ok(out) => out,
        Err(RunError::Spawn(source)) => {
            return Err(HelmError::Spawn { program: helm.display().to_string(), source });
        }
        Err(RunError::Timeout) => return Err(HelmError::Timeout { command, secs: limits.time.as_secs() }),
        Err(RunError::TooLarge) => return Err(HelmError::TooLarge { command, bytes: limits.output }),
    };
    if !out.status.success() {
        return Ok(Err(String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    let mut rendered = Loaded::default();
    manifest::load_text("<helm template>", String::from_utf8_lossy(&out.stdout).into_owned(), &mut rendered)?;
    Ok(Ok(rendered))
}
