//! `chartwright audit`: thin glue between the command line and [`chartwright::audit`].

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::time::Duration;

use chartwright::audit::{self, Options, online::OnlineOptions, repos::RepoConfig};
use chartwright::denylist::{self, DenyList};
use chartwright::diag::{self, FailOn, Format};

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Chart directories, .tgz charts, Chart.yaml / Chart.lock / requirements.yaml /
    /// requirements.lock files, or directories holding them.
    #[arg(required_unless_present_any = ["print_default_deny_list", "explain"])]
    inputs: Vec<PathBuf>,
    /// Extra deny-list file (format: schemas/deny-list.schema.json); tried before the built-in list.
    #[arg(long = "deny-list", value_name = "FILE")]
    deny_lists: Vec<PathBuf>,
    /// Do not use the built-in deny-list.
    #[arg(long)]
    no_default_deny_list: bool,
    /// Print the built-in deny-list and exit.
    #[arg(long, exclusive = true)]
    print_default_deny_list: bool,
    /// Print what a check or deny-list entry means (with its severity and replacement) and exit.
    #[arg(long, value_name = "CHECK")]
    explain: Option<String>,
    /// Extra values file scanned for images (repeatable).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Helm's repositories.yaml, for `@name` / `alias:name` repositories and credentials
    /// [default: Helm's own location].
    #[arg(long, value_name = "FILE")]
    repository_config: Option<PathBuf>,
    /// Check live repositories: unsatisfiable constraints, newer versions, deprecated or gone charts.
    #[arg(long)]
    online: bool,
    /// With --online, talk plain HTTP to OCI registries.
    #[arg(long, requires = "online")]
    plain_http: bool,
    /// With --online, where repository indexes are cached [default: ~/.cache/chartwright/repositories].
    #[arg(long, value_name = "DIR", requires = "online")]
    cache_dir: Option<PathBuf>,
    /// With --online, seconds one request may take, from connecting to the last byte.
    #[arg(long, value_name = "SECS", default_value_t = 30, requires = "online")]
    timeout: u64,
    /// With --online, the largest index accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024, requires = "online")]
    max_index_size: u64,
    /// With --online, retries after timeouts, connection errors, 429 and 5xx.
    #[arg(long, value_name = "N", default_value_t = 2, requires = "online")]
    retries: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `audit`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    if a.online && !chartwright::net::AVAILABLE {
        anyhow::bail!(chartwright::net::NOT_BUILT);
    }
    if a.print_default_deny_list {
        super::print_out(denylist::DEFAULT_DENY_LIST)?;
        return Ok(0);
    }
    let mut deny = DenyList::empty();
    for f in &a.deny_lists {
        let text = read_deny_list(f)?;
        deny.extend(DenyList::parse(&f.to_string_lossy(), &text)?);
    }
    if !a.no_default_deny_list {
        deny.extend(DenyList::builtin());
    }
    if let Some(id) = &a.explain {
        let Some(doc) = audit::output::explain(id, &deny) else {
            let checks: Vec<&str> = audit::CHECKS.iter().map(|c| c.id).collect();
            anyhow::bail!(
                "unknown check `{id}` (checks: {}; deny-list entry ids: chartwright audit --print-default-deny-list)",
                checks.join(", ")
            );
        };
        super::print_out(&doc)?;
        return Ok(0);
    }
    let repos = match &a.repository_config {
        Some(p) => RepoConfig::load(p)?,
        None => match RepoConfig::default_path().filter(|p| p.is_file()) {
            Some(p) => RepoConfig::load(&p)?,
            None => RepoConfig::default(),
        },
    };
    let online = a.online.then(|| OnlineOptions {
        cache_dir: a.cache_dir.clone().unwrap_or_else(audit::online::default_cache_dir),
        timeout: Duration::from_secs(a.timeout.max(1)),
        max_index_bytes: a.max_index_size,
        retries: a.retries,
        plain_http: a.plain_http,
        concurrency: audit::online::DEFAULT_CONCURRENCY,
    });
    let opts = Options { deny, values_files: a.values.clone(), repos, online };
    let bar = a.online && !a.quiet && std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize, what: &str| {
        if !bar {
            return;
        }
        let mut err = std::io::stderr().lock();
        if done >= total {
            let _ = write!(err, "\r\x1b[2K");
        } else {
            let width = 24;
            let filled = done * width / total.max(1);
            let _ =
                write!(err, "\r\x1b[2K[{}{}] {done}/{total} {what}", "#".repeat(filled), "-".repeat(width - filled));
        }
        let _ = err.flush();
    };
    let report = audit::audit(&a.inputs, &opts, &mut progress)?;
    let fail_at = a.fail_on.threshold();
    let output = report.output(&opts.deny, fail_at);
    let out = diag::render(a.format, &output, a.format == Format::Text && diag::color_wanted());
    super::print_out(&out)?;
    let failed = fail_at.is_some_and(|f| report.max_severity().is_some_and(|m| m >= f));
    Ok(u8::from(failed))
}

/// Reads a deny-list file; the message names the file and the OS error once.
fn read_deny_list(f: &std::path::Path) -> anyhow::Result<String> {
    Ok(chartwright::textfile::read(f, &f.display().to_string())?)
}
