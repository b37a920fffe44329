//! `chartwright validate`.

use std::path::PathBuf;

use chartwright::diag::{Format, color_wanted};
use chartwright::validate::{self, Compat, Options, SetKind};

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chart: a directory or a packaged .tgz (its charts/ subcharts are loaded as Helm does).
    pub chart: PathBuf,
    /// Values files, each checked as its own run on top of the -f files. Without any (and
    /// without -f): the chart's values.yaml, values-*.yaml and ci/*values*.yaml, one run each.
    pub values_files: Vec<PathBuf>,
    /// Values files merged, in order, under every run (like helm -f).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub base: Vec<PathBuf>,
    /// Set a value (typed: true/false/null/integers), as helm --set.
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,
    /// Set a string value, as helm --set-string.
    #[arg(long = "set-string", value_name = "K=V")]
    pub set_string: Vec<String>,
    /// Set a JSON value, as helm --set-json.
    #[arg(long = "set-json", value_name = "K=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to a file's content, as helm --set-file.
    #[arg(long = "set-file", value_name = "K=PATH")]
    pub set_file: Vec<String>,
    /// Set a literal string value, as helm --set-literal.
    #[arg(long = "set-literal", value_name = "K=V")]
    pub set_literal: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Follow Helm 4.1 (default) or Helm 3.17 (gojsonschema, draft 7 without $schema).
    #[arg(long = "helm-compat", value_name = "3|4", default_value = "4", value_parser = ["3", "4"])]
    pub helm_compat: String,
    /// Fetch http(s) $refs in schemas (off by default, for air-gapped CI).
    #[arg(long)]
    pub allow_remote_refs: bool,
    /// Also warn about keys the schema allows but no template reads (likely typos); warnings
    /// make the exit code 1.
    #[arg(long)]
    pub strict: bool,
    /// The Helm that renders each run (`helm template`) to check the rules the chart's templates
    /// enforce; default: `helm` on PATH.
    #[arg(long, value_name = "PATH")]
    pub helm: Option<PathBuf>,
    /// Skip the render stage: only the schema, guards and dependencies are checked (a note
    /// says so).
    #[arg(long, conflicts_with_all = ["helm", "require_render"])]
    pub no_render: bool,
    /// Fail (exit 2) when no Helm is found instead of warning that template rules were not
    /// checked.
    #[arg(long)]
    pub require_render: bool,
    /// Release name the render stage passes to helm template.
    #[arg(long, value_name = "NAME", default_value = "release-name")]
    pub release_name: String,
    /// Namespace the render stage passes to helm template.
    #[arg(short = 'n', long, value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Kubernetes version for the chart's Capabilities (helm template --kube-version) and for
    /// the API schemas rendered objects are checked against (1.25 to 1.37); default: the
    /// version the Helm assumes (1.32 for Helm 3.17, 1.35 for Helm 4.1).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Also run the lint rules on each run's rendered objects, with the per-file policy of the
    /// config's `validate.lint` section (needs Helm: a missing one is an error).
    #[arg(long, conflicts_with = "no_render")]
    pub lint: bool,
    /// Configuration file for --lint [default: ./.chartwright.yaml when it exists].
    #[arg(long, value_name = "FILE", requires = "lint")]
    pub config: Option<PathBuf>,
}

/// A values file named relative to the chart directory (`validate out/app values-prod.yaml`
/// with the file beside the chart's values.yaml) when no such file exists relative to the
/// working directory.
fn in_chart_dir(chart: &std::path::Path, file: PathBuf) -> PathBuf {
    if file.is_relative() && file.as_os_str() != "-" && !file.exists() && chart.is_dir() {
        let beside = chart.join(&file);
        if beside.is_file() {
            return beside;
        }
    }
    file
}

/// Runs `validate`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    if a.allow_remote_refs && !chartwright::net::AVAILABLE {
        anyhow::bail!("--allow-remote-refs: {}", chartwright::net::NOT_BUILT);
    }
    let mut sets = Vec::new();
    for (kind, list) in [
        (SetKind::Json, &a.set_json),
        (SetKind::Typed, &a.set),
        (SetKind::Str, &a.set_string),
        (SetKind::File, &a.set_file),
        (SetKind::Literal, &a.set_literal),
    ] {
        sets.extend(list.iter().map(|s| (kind, s.clone())));
    }
    let discovered = a.values_files.is_empty() && a.base.is_empty();
    let in_chart = |files: Vec<PathBuf>| files.into_iter().map(|f| in_chart_dir(&a.chart, f)).collect::<Vec<_>>();
    let values_files = if discovered { validate::chart_values_files(&a.chart) } else { in_chart(a.values_files) };
    let base = in_chart(a.base);
    if discovered && !values_files.is_empty() {
        eprintln!(
            "note: no values files given: checking {}'s values.yaml and the {} values file(s) it keeps (values-*.yaml, ci/*values*.yaml), one run each",
            a.chart.display(),
            values_files.len()
        );
    }
    let no_render = a.no_render;
    let render = if no_render {
        None
    } else {
        match validate::render::find_helm(a.helm.as_deref(), &std::env::var_os("PATH").unwrap_or_default())? {
            Some(program) => Some(validate::render::Engine {
                program,
                release: a.release_name,
                namespace: a.namespace,
                kube_version: a.kube_version,
                time: chartwright::limits::HELM_RENDER_TIMEOUT,
                output: chartwright::limits::MAX_RENDER_BYTES,
            }),
            None if a.require_render || a.lint => return Err(validate::render::RenderError::Required.into()),
            None => None,
        }
    };
    let lint = if a.lint {
        let default = PathBuf::from(".chartwright.yaml");
        match a.config.or_else(|| default.is_file().then_some(default)) {
            Some(path) => Some(validate::policy::Policy::from_file(&path)?),
            None => Some(validate::policy::Policy::default()),
        }
    } else {
        None
    };
    let opts = Options {
        render,
        lint,
        chart: a.chart,
        defaults_run: discovered,
        strict: a.strict,
        values_files,
        base_files: base,
        sets,
        compat: if a.helm_compat == "3" { Compat::Helm3 } else { Compat::Helm4 },
        allow_remote_refs: a.allow_remote_refs,
    };
    let report = validate::validate(&opts)?;
    // Said once the chart has loaded, so that a broken invocation prints only its error.
    if no_render {
        eprintln!("note: --no-render: template rules (fail, required, rendered objects) were not checked");
    } else if !report.rendered {
        eprintln!("warning: template rules were not checked: no helm found; pass --helm PATH");
    }
    for n in report.all_notes() {
        eprintln!("note: {n}");
    }
    super::print_out(&report.render(a.format, a.format == Format::Text && color_wanted()))?;
    Ok(if report.all_valid() && !report.has_warnings() { 0 } else { 1 })
}
