//! `generate --dependency`: maintained charts from the [catalog] as dependencies
//! of the generated chart, and advice when the input runs a database or broker a catalog entry
//! would replace.

pub mod catalog;

use serde::Serialize;

use crate::chart::constraint::Constraint;
use crate::denylist::DenyList;
use crate::manifest::Object;
use crate::yaml::{Node, Value, emit_scalar_inline, quote_double};

use crate::generate::template::values::{Hint, Values};
use catalog::{Catalog, Entry};

/// A dependency `--dependency` resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The catalog entry's name.
    pub entry: String,
    /// What it gives.
    pub description: String,
    /// Chart name in the repository.
    pub chart: String,
    /// Repository URL.
    pub repository: String,
    /// Version constraint.
    pub version: String,
    /// Values key (the alias when it differs from the chart name).
    pub key: String,
}

/// Why a `--dependency` cannot be added.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DependencyError {
    /// The chart or its repository is deny-listed.
    #[error("--dependency {spec}: {why}; {instead}")]
    Denied {
        /// As given.
        spec: String,
        /// The deny-list's reason.
        why: String,
        /// What to use.
        instead: String,
    },
    /// The catalog entry says it must not be a dependency.
    #[error("--dependency {name}: {reason}")]
    Refused {
        /// The entry.
        name: String,
        /// Its reason.
        reason: String,
    },
    /// No catalog entry has the name.
    #[error(
        "--dependency {name}: no catalog entry has that name; catalog entries: {names} (add your own with --catalog FILE)"
    )]
    Unknown {
        /// As given.
        name: String,
        /// The catalog's names.
        names: String,
    },
    /// The `@CONSTRAINT` part does not parse.
    #[error("--dependency {spec}: `{constraint}` is not a version constraint Helm accepts: {message}")]
    BadConstraint {
        /// As given.
        spec: String,
        /// The constraint.
        constraint: String,
        /// The parser's sentence.
        message: String,
    },
    /// Two dependencies want the same values key.
    #[error(
        "--dependency {second}: its values key `{key}` is already taken by {first}; give one of them another `key` in a --catalog file"
    )]
    SameKey {
        /// The earlier one.
        first: String,
        /// The later one.
        second: String,
        /// The key.
        key: String,
    },
}

/// The Bitnami catalog's conventional repository, for `bitnami/<chart>` names.
const BITNAMI_REPOSITORY: &str = "https://charts.bitnami.com/bitnami";

fn instead(catalog: &Catalog, chart: &str, fallback: Option<String>) -> String {
    let entries = catalog.replacing_chart(&format!("bitnami/{chart}"));
    let addable: Vec<String> = entries
        .iter()
        .filter(|e| e.refuse.is_none())
        .map(|e| format!("--dependency {} ({})", e.name, e.description))
        .collect();
    if !addable.is_empty() {
        return format!("use the maintained {}", addable.join(" with "));
    }
    if let Some(e) = entries.first() {
        return format!("catalog entry {}: {}", e.name, e.refuse.clone().unwrap_or_default());
    }
    fallback.unwrap_or_else(|| "use the project's own maintained chart".into())
}

/// Resolves one `NAME[@CONSTRAINT]` against the catalog, refusing deny-listed charts.
///
/// # Errors
///
/// A [`DependencyError`] naming the replacement or the catalog's names.
pub fn resolve(spec: &str, catalog: &Catalog, deny: &DenyList) -> Result<Dependency, DependencyError> {
    let (name, constraint) = match spec.split_once('@') {
        Some((n, c)) => (n.trim(), Some(c.trim())),
        None => (spec.trim(), None),
    };
    // A chart reference rather than a catalog name: `bitnami/postgresql`, `oci://…/postgresql`.
    if let Some((repo, chart)) = name.rsplit_once('/') {
        let repo_url = if repo.contains("://") { repo.to_owned() } else { String::new() };
        let hit = if repo_url.is_empty() {
            deny.check_repo_name(repo, chart)
                .or_else(|| (repo == "bitnami").then(|| deny.check_repository(BITNAMI_REPOSITORY, chart)).flatten())
        } else {
            deny.check_repository(&repo_url, chart)
        };
        if let Some(h) = hit {
            return Err(DependencyError::Denied {
                spec: spec.to_owned(),
                why: format!("deny-listed ({}: {})", h.id, h.reason),
                instead: instead(catalog, chart, h.replacement.map(|r| r.to_string())),
            });
        }
    }
    let Some(e) = catalog.get(name) else {
        return Err(DependencyError::Unknown { name: name.to_owned(), names: catalog.names() });
    };
    if let Some(reason) = &e.refuse {
        return Err(DependencyError::Refused { name: e.name.clone(), reason: reason.clone() });
    }
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let (chart, repository) = (field(&e.chart), field(&e.repository));
    // A user catalog may point at a dead source; the deny-list has the last word.
    if let Some(h) = deny.check_repository(&repository, &chart) {
        if h.severity == crate::diag::Severity::Error {
            return Err(DependencyError::Denied {
                spec: spec.to_owned(),
                why: format!(
                    "catalog entry {} ({}) uses a deny-listed repository ({}: {})",
                    e.name, e.defined_at, h.id, h.reason
                ),
                instead: instead(catalog, &chart, h.replacement.map(|r| r.to_string())),
            });
        }
    }
    let version = match constraint {
        Some(c) => {
            if let Err(m) = Constraint::parse(c) {
                return Err(DependencyError::BadConstraint {
                    spec: spec.to_owned(),
                    constraint: c.to_owned(),
                    message: m.to_string(),
                });
            }
            c.to_owned()
        }
        None => field(&e.version),
    };
    Ok(Dependency {
        entry: e.name.clone(),
        description: e.description.clone(),
        chart,
        repository,
        version,
        key: field(&e.key),
    })
}

/// Resolves every `--dependency`, in order, refusing two on one values key.
///
/// # Errors
///
/// The first [`DependencyError`].
pub fn resolve_all(specs: &[String], catalog: &Catalog, deny: &DenyList) -> Result<Vec<Dependency>, DependencyError> {
    let mut out: Vec<Dependency> = Vec::new();
    for s in specs {
        let d = resolve(s, catalog, deny)?;
        if let Some(first) = out.iter().find(|o| o.key == d.key) {
            return Err(DependencyError::SameKey { first: first.entry.clone(), second: d.entry, key: d.key });
        }
        out.push(d);
    }
    Ok(out)
}

/// The Chart.yaml `dependencies` entries, values already YAML scalars, for the template.
#[derive(Debug, Serialize)]
pub struct ChartYamlDep {
    name: String,
    version: String,
    repository: String,
    alias: Option<String>,
    condition: String,
}

/// What `Chart.yaml.tera` gets as `dependencies`.
pub fn chart_yaml(deps: &[Dependency]) -> Vec<ChartYamlDep> {
    deps.iter()
        .map(|d| ChartYamlDep {
            name: emit_scalar_inline(&Value::Str(d.chart.clone())),
            version: quote_double(&d.version),
            repository: emit_scalar_inline(&Value::Str(d.repository.clone())),
            // Helm hands a subchart the values under its name or alias, so the key is the alias.
            alias: (d.key != d.chart).then(|| emit_scalar_inline(&Value::Str(d.key.clone()))),
            condition: emit_scalar_inline(&Value::Str(format!("{}.enabled", d.key))),
        })
        .collect()
}

/// The chart's own values key a dependency would collide with, if any.
pub fn taken_key<'a>(values: &Values, deps: &'a [Dependency]) -> Option<&'a Dependency> {
    deps.iter().find(|d| values.has(std::slice::from_ref(&d.key)))
}

/// Adds `<key>: {enabled: true}` per dependency; the schema leaves the key open for the
/// subchart's own values.
pub fn add_values(values: &mut Values, deps: &[Dependency]) {
    for d in deps {
        let mut m = Node::map();
        m.set("enabled", Node::new(Value::Bool(true)));
        values.set(
            std::slice::from_ref(&d.key),
            m,
            format!(
                "Values of the `{}` subchart ({}), from {}; any of its own values go here too.",
                d.chart, d.description, d.repository
            ),
            Hint::Subchart,
        );
        values.set(
            &[d.key.clone(), "enabled".into()],
            Node::new(Value::Bool(true)),
            format!("Installs the `{}` subchart with this chart; false leaves it out.", d.chart),
            Hint::Plain,
        );
    }
}

/// The README's dependency rows.
pub fn readme(deps: &[Dependency]) -> serde_json::Value {
    serde_json::to_value(deps).unwrap_or(serde_json::Value::Null)
}

/// One `note:` per workload container whose image a catalog entry (not already added) stands in
/// for, or that the deny-list flags while an entry replaces it.
pub fn advise(objects: &[Object], catalog: &Catalog, deny: &DenyList, chosen: &[Dependency]) -> Vec<String> {
    let mut notes = Vec::new();
    for o in objects {
        let Some(pod) = crate::kube::pod_template(&o.node, &o.kind) else { continue };
        for list in ["initContainers", "containers"] {
            for c in pod.path(&["spec", list]).and_then(Node::as_seq).into_iter().flatten() {
                let Some(image) = c.get("image").and_then(Node::as_str) else { continue };
                let entries: Vec<&Entry> = catalog
                    .entries
                    .iter()
                    .filter(|e| e.replaces_image(image) && !chosen.iter().any(|d| d.entry == e.name))
                    .collect();
                if entries.is_empty() {
                    continue;
                }
                let denied = deny
                    .check_image(image)
                    .map(|h| format!(" (deny-listed, {}: {})", h.id, h.reason))
                    .unwrap_or_default();
                let advice: Vec<String> = entries
                    .iter()
                    .map(|e| match &e.refuse {
                        Some(r) => format!("catalog entry {}: {r}", e.name),
                        None => format!(
                            "catalog entry {} ({}) replaces it with `--dependency {}`{}",
                            e.name,
                            e.description,
                            e.name,
                            e.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
                        ),
                    })
                    .collect();
                notes.push(format!(
                    "{}:{}: {} runs {image}{denied}; {}",
                    o.file,
                    o.line,
                    o.display_name(),
                    advice.join("; ")
                ));
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_builtin(spec: &str) -> Result<Dependency, DependencyError> {
        resolve(spec, &Catalog::builtin(), &DenyList::builtin())
    }

    #[test]
    fn bitnami_names_and_urls_are_refused_with_the_maintained_replacement() {
        let e = resolve_builtin("bitnami/postgresql").unwrap_err().to_string();
        assert!(e.contains("bitnami-charts-https") && e.contains("--dependency cloudnative-pg"), "{e}");
        assert!(e.contains("--dependency cnpg-cluster"), "{e}");
        let e = resolve_builtin("oci://registry-1.docker.io/bitnamicharts/redis").unwrap_err().to_string();
        assert!(e.contains("bitnami-charts-oci") && e.contains("--dependency valkey"), "{e}");
        let e = resolve_builtin("bitnami/rabbitmq").unwrap_err().to_string();
        assert!(e.contains("catalog entry rabbitmq:"), "{e}");
    }

    #[test]
    fn catalog_names_resolve_with_default_or_given_constraints() {
        let d = resolve_builtin("cnpg-cluster").unwrap();
        assert_eq!((d.chart.as_str(), d.key.as_str()), ("cluster", "postgresql"));
        let d = resolve_builtin("kube-prometheus-stack@~93.6").unwrap();
        assert_eq!(d.version, "~93.6");
        assert!(matches!(resolve_builtin("valkey@>=1 <"), Err(DependencyError::BadConstraint { .. })));
        assert!(matches!(resolve_builtin("cert-manager"), Err(DependencyError::Refused { .. })));
        let e = resolve_builtin("postgres").unwrap_err().to_string();
        assert!(e.contains("catalog entries: cloudnative-pg, cnpg-cluster"), "{e}");
    }

    #[test]
    fn a_user_entry_on_a_deny_listed_repository_is_refused() {
        let mut c = Catalog::builtin();
        c.overlay(
            Catalog::parse(
                "mine.yaml",
                "charts:\n  - name: pg\n    description: d\n    chart: postgresql\n    repository: https://charts.bitnami.com/bitnami\n    version: 1.0.0\n    key: db\n",
            )
            .unwrap(),
        );
        let e = resolve("pg", &c, &DenyList::builtin()).unwrap_err().to_string();
        assert!(e.contains("mine.yaml:2:5") && e.contains("--dependency cloudnative-pg"), "{e}");
    }
}
