//! `chartwright generate`.

use std::path::{Path, PathBuf};

use chartwright::denylist::DenyList;
use chartwright::diag::{self, Diagnostic, Group, Severity};
use chartwright::generate::deps::catalog::Catalog;
use chartwright::generate::verify::helm::Outcome;
use chartwright::generate::{self, EnvInput, Options, SecretsMode};
use chartwright::kustomize::{self, Rendering};
use chartwright::lint;
use chartwright::manifest;

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (walked recursively), or `-` for stdin.
    #[arg(required_unless_present_any = ["print_catalog", "envs"], value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// One environment of a multi-environment chart (repeatable; the first is the defaults):
    /// its manifests, a file, a directory, or a kustomize directory rendered with
    /// `kustomize build` or `kubectl kustomize`.
    #[arg(long = "env", value_name = "NAME=PATH", allow_hyphen_values = true, value_parser = clap::value_parser!(std::ffi::OsString))]
    envs: Vec<std::ffi::OsString>,
    /// The program that renders kustomize directories of --env [default: kustomize, else
    /// kubectl, from PATH].
    #[arg(long, value_name = "CMD")]
    kustomize: Option<PathBuf>,
    /// Let kustomize fetch the remote bases (URLs, `github.com/...`, `git::...`) an --env
    /// kustomization names; without it they are refused before anything is rendered.
    #[arg(long)]
    allow_remote_bases: bool,
    /// Chart name (lower case, digits and dashes).
    #[arg(long, required_unless_present = "print_catalog")]
    name: Option<String>,
    /// Output directory [default: ./<NAME>].
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Chart version.
    #[arg(long, default_value = "0.1.0")]
    chart_version: String,
    /// Application version [default: the main image's tag].
    #[arg(long)]
    app_version: Option<String>,
    /// Keep Secret values out of values.yaml (placeholder) or copy them in (inline).
    #[arg(long, value_enum, default_value_t = SecretsMode::Placeholder)]
    secrets: SecretsMode,
    /// Where CRDs go: crds/ (installed once) or templates behind crds.enabled and crds.keep.
    #[arg(long, value_enum, default_value_t = generate::CrdsMode::CrdsDir)]
    crds: generate::CrdsMode,
    /// Replace an existing non-empty output directory.
    #[arg(long)]
    force: bool,
    /// Directory with overrides of chartwright's own templates (Chart.yaml.tera, ...).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// After writing, render the chart with `helm template` and check that it reproduces the
    /// input objects (exit 1 when it does not); with --env, every environment on top of its
    /// values-<env>.yaml.
    #[arg(long)]
    verify: bool,
    /// The Helm binary `--verify` runs.
    #[arg(long, value_name = "PATH", default_value = "helm")]
    helm: PathBuf,
    /// Add a maintained chart from the catalog as a dependency (repeatable); CONSTRAINT
    /// replaces the catalog's default version constraint.
    #[arg(long = "dependency", value_name = "NAME[@CONSTRAINT]")]
    dependencies: Vec<String>,
    /// Extra catalog file (format: schemas/catalog.schema.json); its entries add to the
    /// built-in catalog and replace built-in entries of the same name.
    #[arg(long = "catalog", value_name = "FILE")]
    catalogs: Vec<PathBuf>,
    /// Do not use the built-in catalog.
    #[arg(long)]
    no_default_catalog: bool,
    /// Print the built-in catalog of maintained charts and exit.
    #[arg(long)]
    print_catalog: bool,
    /// Print errors only: no lint warnings about the input, no notes, no progress.
    #[arg(long, short)]
    quiet: bool,
}

/// The catalog from the built-in one and the `--catalog` files, and the built-in deny-list.
fn catalog(a: &Args) -> anyhow::Result<Catalog> {
    let mut cat = if a.no_default_catalog { Catalog::default() } else { Catalog::builtin() };
    for f in &a.catalogs {
        let text = chartwright::textfile::read(f, &f.display().to_string())?;
        cat.overlay(Catalog::parse(&f.to_string_lossy(), &text)?);
    }
    Ok(cat)
}

/// Runs `generate`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    if a.print_catalog {
        super::print_out(generate::deps::catalog::DEFAULT_CATALOG)?;
        return Ok(0);
    }
    if !a.envs.is_empty() && !a.inputs.is_empty() {
        anyhow::bail!(
            "positional inputs and --env do not mix: give every environment as --env NAME=PATH, or generate one environment from INPUT... without --env"
        );
    }
    if a.verify && !a.dependencies.is_empty() {
        // helm template cannot render a chart whose dependencies are not in charts/ yet, and
        // fetching them here would make generate reach the network.
        anyhow::bail!(
            "--verify cannot render a chart with --dependency before `helm dependency build`; generate without --verify, run `helm dependency build`, then `helm template`"
        );
    }
    // Bad --env flags are refused before anything is read or rendered.
    let specs = kustomize::parse_envs(&a.envs)?;
    let rendering =
        Rendering { program: a.kustomize.clone(), allow_remote: a.allow_remote_bases, ..Rendering::default() };
    rendering.check()?;
    let name = a.name.clone().unwrap_or_default();
    let catalog = catalog(&a)?;
    let deny = DenyList::builtin();
    let dependencies = generate::deps::resolve_all(&a.dependencies, &catalog, &deny)?;
    let envs: Vec<EnvInput> = if specs.is_empty() {
        vec![EnvInput { name: String::new(), loaded: manifest::load_inputs(&a.inputs)? }]
    } else {
        kustomize::load_envs(&specs, &rendering)?.into_iter().map(|(name, loaded)| EnvInput { name, loaded }).collect()
    };
    for env in &envs {
        let diagnostics = env.loaded.warnings.iter().filter(|d| !a.quiet || d.severity == Severity::Error).cloned();
        let warnings = Group { name: "generate".into(), diagnostics: diagnostics.collect() };
        eprint!("{}", diag::render_text(&[warnings], &env.loaded.sources, false));
    }
    let opts = Options {
        name: name.clone(),
        chart_version: a.chart_version,
        app_version: a.app_version,
        secrets: a.secrets,
        templates: a.templates,
        dependencies,
        crds: a.crds,
    };
    let chart = if specs.is_empty() {
        generate::generate(&envs[0].loaded, &opts)?
    } else {
        generate::generate_envs(&envs, &opts)?
    };
    let all_objects: Vec<manifest::Object> = envs.iter().flat_map(|e| e.loaded.objects.iter().cloned()).collect();
    let advice = generate::deps::advise(&all_objects, &catalog, &deny, &opts.dependencies);
    // Environments share most objects: each note once.
    let mut said = std::collections::HashSet::new();
    for n in chart.notes.iter().chain(&advice).filter(|n| !a.quiet && said.insert(n.as_str())) {
        eprintln!("note: {n}");
    }
    // The names' per-environment prefixes and suffixes (none for one environment).
    let env_objects: Vec<Vec<manifest::Object>> =
        if envs.len() > 1 { envs.iter().map(|e| e.loaded.objects.clone()).collect() } else { vec![Vec::new()] };
    let affixes = generate::environments::affixes::detect_affixes(&env_objects);
    let findings: Vec<Env<'_>> = envs
        .iter()
        .enumerate()
        .map(|(i, e)| Env {
            name: e.name.as_str(),
            affix: (affixes.prefix[i].as_str(), affixes.suffix[i].as_str()),
            findings: lint_findings(&e.loaded),
        })
        .collect();
    let mut has_errors = findings.iter().flat_map(|e| &e.findings).any(|d| d.severity == Severity::Error);
    eprint!("{}", render_findings(&findings, a.quiet));
    for p in &chart.problems {
        eprintln!("warning: {p}");
    }
    for p in &chart.unrenderable {
        eprintln!("error: {p}");
    }
    let out = a.output.unwrap_or_else(|| PathBuf::from(&name));
    let inputs: Vec<PathBuf> = if specs.is_empty() { a.inputs } else { kustomize::input_paths(&specs) };
    // `WriteError::Io` quotes its OS error in its own message: print it without the chain.
    generate::write_chart(&chart, &out, a.force, &inputs).map_err(|e| anyhow::Error::msg(e.to_string()))?;
    if !a.quiet {
        eprintln!("wrote chart {} ({} files) to {}", name, chart.files.len(), out.display());
    }
    let mut verified = 0;
    if a.verify {
        let placeholders = opts.secrets == SecretsMode::Placeholder;
        for env in &envs {
            let values = (!specs.is_empty()).then_some(env.name.as_str());
            verified = verified.max(verify(&env.loaded, &out, &name, &a.helm, placeholders, values, a.quiet)?);
        }
    }
    has_errors |= !chart.problems.is_empty() || !chart.unrenderable.is_empty();
    Ok(if has_errors { 1 } else { verified })
}

/// The `lint` rules over the input worth a look before the chart ships (the chart keeps what
/// the input had).
fn lint_findings(loaded: &manifest::Loaded) -> Vec<Diagnostic> {
    lint::lint_objects(loaded, &lint::LintConfig::default())
        .into_iter()
        // The generated chart already renders no replicas while autoscaling is enabled.
        .filter(|d| d.rule != "hpa-with-fixed-replicas" && d.severity >= Severity::Warning)
        .collect()
}

/// One environment's lint findings, and the prefix and suffix its object names carry.
struct Env<'a> {
    name: &'a str,
    affix: (&'a str, &'a str),
    findings: Vec<Diagnostic>,
}

/// `Kind/name` references in `text` with the environment's name prefix and suffix taken off,
/// so that a finding reads the same in every environment.
fn canonical_refs(text: &str, (prefix, suffix): (&str, &str)) -> String {
    if prefix.is_empty() && suffix.is_empty() {
        return text.to_string();
    }
    let word = |w: &str| {
        let Some((kind, rest)) = w.split_once('/') else { return w.to_string() };
        if !kind.starts_with(|c: char| c.is_ascii_uppercase()) || !kind.chars().all(|c| c.is_ascii_alphanumeric()) {
            return w.to_string();
        }
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')).unwrap_or(rest.len());
        let (name, tail) = rest.split_at(end);
        let name = name.strip_prefix(prefix).unwrap_or(name);
        let name = name.strip_suffix(suffix).unwrap_or(name);
        format!("{kind}/{name}{tail}")
    };
    text.split(' ').map(word).collect::<Vec<_>>().join(" ")
}

/// The findings of every environment, compactly: a finding several environments share (same
/// rule, object and words, names taken without the environments' prefixes and suffixes) is
/// printed once, at its first place, with the environments it occurs in. With `quiet`,
/// errors only.
fn render_findings(envs: &[Env<'_>], quiet: bool) -> String {
    let multi = envs.len() > 1;
    let mut merged: Vec<(Diagnostic, Vec<&str>)> = Vec::new();
    let mut at: std::collections::HashMap<(String, String, String), usize> = std::collections::HashMap::new();
    for env in envs {
        for d in env.findings.iter().filter(|d| !quiet || d.severity == Severity::Error) {
            let object = d.fields.get("object").and_then(|o| o.as_str()).unwrap_or_default();
            let key = (d.rule.clone(), canonical_refs(object, env.affix), canonical_refs(&d.message, env.affix));
            match at.entry(key) {
                std::collections::hash_map::Entry::Occupied(i) => merged[*i.get()].1.push(env.name),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(merged.len());
                    merged.push((d.clone(), vec![env.name]));
                }
            }
        }
    }
    if merged.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for (d, in_envs) in &merged {
        let mut d = d.clone();
        if multi {
            let which = if in_envs.len() == envs.len() {
                "every environment".to_string()
            } else {
                format!("environment{} {}", if in_envs.len() == 1 { "" } else { "s" }, in_envs.join(", "))
            };
            d.message = format!("{} ({which})", d.message);
        }
        out.push_str(&diag::render_concise(std::slice::from_ref(&d)));
    }
    let errors = merged.iter().filter(|(d, _)| d.severity == Severity::Error).count();
    let _ = std::fmt::Write::write_fmt(
        &mut out,
        format_args!(
            "lint: {} finding(s) in the input, {errors} error(s); `chartwright lint` explains each one\n",
            merged.len()
        ),
    );
    out
}

/// `--verify` of one environment (`env`: on top of its `values-<env>.yaml`), reported on
/// stderr: 0 when the chart reproduces the input and releases keep apart, else 1.
fn verify(
    loaded: &manifest::Loaded,
    chart: &Path,
    name: &str,
    helm: &Path,
    placeholders: bool,
    env: Option<&str>,
    quiet: bool,
) -> anyhow::Result<u8> {
    let values = env.map(|e| chart.join(format!("values-{e}.yaml")));
    let label = env.map(|e| format!("environment {e} (values-{e}.yaml): ")).unwrap_or_default();
    match generate::verify::helm::verify_chart(loaded, chart, name, helm, placeholders, values.as_deref())? {
        Outcome::Verified { objects, others: [a, b, long] } => {
            if !quiet {
                eprintln!(
                    "verified: {label}helm template reproduces all {objects} input objects, and releases {a}, {b} and a {}-character {long} side by side keep apart",
                    long.len()
                );
            }
            Ok(0)
        }
        Outcome::HelmFailed { release, stderr } => {
            eprintln!("chartwright: verify: {label}helm template {release} failed:\n{stderr}");
            Ok(1)
        }
        Outcome::Problems(problems) => {
            for p in &problems {
                eprintln!("verify: {label}{p}");
            }
            Ok(1)
        }
    }
}
