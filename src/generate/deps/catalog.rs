//! The catalog of maintained charts `generate --dependency` adds, as data.
//!
//! Same style as the audit deny-list: a YAML file (format in `schemas/catalog.schema.json`), the
//! built-in one embedded from `default-catalog.yaml`, user files that add entries or replace
//! built-in ones by name.

use std::collections::BTreeMap;

use crate::chart::constraint::Constraint;
use crate::denylist::glob_match;
use crate::image::ImageRef;
use crate::yaml::scalar_string;
use crate::yaml::{self, Node, Pos, Value};

/// The built-in catalog, as shipped.
pub const DEFAULT_CATALOG: &str = include_str!("default-catalog.yaml");

/// File name used for the built-in catalog in diagnostics.
pub const BUILTIN_NAME: &str = "<built-in catalog>";

/// A catalog file that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{}:{}: {message}", pos.line, pos.col)]
pub struct CatalogError {
    /// The file as named by the user.
    pub file: String,
    /// Where the problem is.
    pub pos: Pos,
    /// One sentence.
    pub message: String,
}

/// One maintained chart (or the statement that none exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What `--dependency` takes.
    pub name: String,
    /// What the chart gives, in a few words.
    pub description: String,
    /// The chart's name in its repository.
    pub chart: Option<String>,
    /// `https://` or `oci://` repository.
    pub repository: Option<String>,
    /// Default version constraint.
    pub version: Option<String>,
    /// Values key of the subchart; its `enabled` is the dependency's condition.
    pub key: Option<String>,
    /// Deny-listed or frozen charts it stands in for (`bitnami/postgresql`).
    pub replaces_charts: Vec<String>,
    /// Image globs (normalised `registry/repository`) it stands in for.
    pub replaces_images: Vec<String>,
    /// Why `--dependency` must not add it, when it must not.
    pub refuse: Option<String>,
    /// A caveat printed with advice.
    pub note: Option<String>,
    /// Where each fact was read, by fact.
    pub sources: BTreeMap<String, String>,
    /// Where the entry is defined (`file:line:col`).
    pub defined_at: String,
}

impl Entry {
    /// Whether an image reference is one this entry stands in for.
    pub fn replaces_image(&self, image: &str) -> bool {
        let name = ImageRef::parse(image).name();
        self.replaces_images.iter().any(|p| glob_match(&normalize_image_glob(p), &name))
    }
}

/// The catalog: entries in order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Entries, each name once.
    pub entries: Vec<Entry>,
}

impl Catalog {
    /// The built-in catalog.
    ///
    /// # Panics
    ///
    /// Never in a released binary: a unit test parses the embedded file.
    pub fn builtin() -> Catalog {
        Catalog::parse(BUILTIN_NAME, DEFAULT_CATALOG).expect("the built-in catalog is valid")
    }

    /// Parses a catalog file.
    ///
    /// # Errors
    ///
    /// A [`CatalogError`] at the offending node.
    pub fn parse(file: &str, text: &str) -> Result<Catalog, CatalogError> {
        let err = |pos: Pos, message: String| CatalogError { file: file.to_owned(), pos, message };
        let docs = yaml::parse_stream(text).map_err(|e| err(e.pos, format!("invalid YAML: {}", e.message)))?;
        let mut roots = docs.into_iter().filter_map(|d| d.root);
        let Some(root) = roots.next() else {
            return Ok(Catalog::default());
        };
        if let Some(extra) = roots.next() {
            return Err(err(extra.pos, "a catalog file holds one YAML document".into()));
        }
        let map = root.as_map().ok_or_else(|| err(root.pos, "a catalog file is a mapping with `charts`".into()))?;
        let mut cat = Catalog::default();
        for (k, v) in map {
            match k.as_str().unwrap_or_default() {
                "version" => {
                    if v.as_i64() != Some(1) {
                        return Err(err(v.pos, "unsupported catalog version; only `version: 1` exists".into()));
                    }
                }
                "charts" => match &v.value {
                    Value::Null => {}
                    Value::Seq(items) => {
                        for item in items {
                            let e = parse_entry(file, item)?;
                            if let Some(first) = cat.entries.iter().find(|x| x.name == e.name) {
                                return Err(err(
                                    item.pos,
                                    format!(
                                        "catalog entry `{}` is defined twice (first at {}); names must be unique",
                                        e.name, first.defined_at
                                    ),
                                ));
                            }
                            cat.entries.push(e);
                        }
                    }
                    _ => return Err(err(v.pos, "`charts` must be a list".into())),
                },
                other => return Err(err(k.pos, format!("unknown key `{other}`; expected `version` or `charts`"))),
            }
        }
        Ok(cat)
    }

    /// Adds another catalog's entries: an entry with a name already here replaces it in place.
    pub fn overlay(&mut self, other: Catalog) {
        for e in other.entries {
            match self.entries.iter_mut().find(|x| x.name == e.name) {
                Some(slot) => *slot = e,
                None => self.entries.push(e),
            }
        }
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Entry names, comma separated, for messages.
    pub fn names(&self) -> String {
        self.entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The entries that stand in for a deny-listed chart name such as `bitnami/postgresql`,
    /// addable ones first.
    pub fn replacing_chart(&self, chart: &str) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self.entries.iter().filter(|e| e.replaces_charts.iter().any(|c| c == chart)).collect();
        v.sort_by_key(|e| e.refuse.is_some());
        v
    }
}

/// Image globs are written like the deny-list's: `bitnami/*` means `docker.io/bitnami/*`.
fn normalize_image_glob(p: &str) -> String {
    ImageRef::parse(p).name()
}

/// A Helm dependency alias and a values key both: letters, digits, `-` and `_`.
pub fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn parse_entry(file: &str, item: &Node) -> Result<Entry, CatalogError> {
    let err = |pos: Pos, message: String| CatalogError { file: file.to_owned(), pos, message };
    let map = item.as_map().ok_or_else(|| err(item.pos, "a catalog entry is a mapping".into()))?;
    let mut e = Entry {
        name: String::new(),
        description: String::new(),
        chart: None,
        repository: None,
        version: None,
        key: None,
        replaces_charts: Vec::new(),
        replaces_images: Vec::new(),
        refuse: None,
        note: None,
        sources: BTreeMap::new(),
        defined_at: format!("{file}:{}:{}", item.pos.line, item.pos.col),
    };
    let string = |v: &Node, key: &str| {
        scalar_string(v)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| err(v.pos, format!("`{key}` must be a non-empty string")))
    };
    let list = |v: &Node, key: &str| -> Result<Vec<String>, CatalogError> {
        let items = v.as_seq().ok_or_else(|| err(v.pos, format!("`{key}` is a list of strings")))?;
        items.iter().map(|i| string(i, key)).collect()
    };
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default();
        match key {
            "name" => {
                let s = string(v, key)?;
                if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                    return Err(err(v.pos, format!("name `{s}` may only use lower-case letters, digits and `-`")));
                }
                e.name = s;
            }
            "description" => e.description = string(v, key)?,
            "chart" => e.chart = Some(string(v, key)?),
            "repository" => {
                let s = string(v, key)?;
                if !(s.starts_with("https://") || s.starts_with("oci://") || s.starts_with("http://")) {
                    return Err(err(v.pos, format!("repository `{s}` must be an https://, http:// or oci:// URL")));
                }
                e.repository = Some(s);
            }
            "version" => {
                let s = string(v, key)?;
                if let Err(m) = Constraint::parse(&s) {
                    return Err(err(v.pos, format!("version `{s}` is not a constraint Helm accepts: {m}")));
                }
                e.version = Some(s);
            }
            "key" => {
                let s = string(v, key)?;
                if !valid_key(&s) {
                    return Err(err(v.pos, format!("key `{s}` may only use letters, digits, `-` and `_`")));
                }
                e.key = Some(s);
            }
            "replaces" => {
                let m =
                    v.as_map().ok_or_else(|| err(v.pos, "`replaces` maps `charts` and `images` to lists".into()))?;
                for (rk, rv) in m {
                    match rk.as_str().unwrap_or_default() {
                        "charts" => e.replaces_charts = list(rv, "charts")?,
                        "images" => e.replaces_images = list(rv, "images")?,
                        other => {
                            return Err(err(
                                rk.pos,
                                format!("unknown key `{other}` in `replaces`; expected charts or images"),
                            ));
                        }
                    }
                }
            }
            "refuse" => e.refuse = Some(string(v, key)?),
            "note" => e.note = Some(string(v, key)?),
            "sources" => {
                let m = v.as_map().ok_or_else(|| err(v.pos, "`sources` maps facts to URLs".into()))?;
                for (sk, sv) in m {
                    let url = string(sv, "sources")?;
                    if !url.starts_with("https://") {
                        return Err(err(sv.pos, format!("source `{url}` must be an https:// URL")));
                    }
                    e.sources.insert(sk.as_str().unwrap_or_default().to_owned(), url);
                }
            }
            other => {
                return Err(err(
                    k.pos,
                    format!(
                        "unknown key `{other}` in a catalog entry; expected name, description, chart, repository, version, key, replaces, refuse, note, sources"
                    ),
                ));
            }
        }
    }
    if e.name.is_empty() {
        return Err(err(item.pos, "a catalog entry needs `name`".into()));
    }
    if e.description.is_empty() {
        return Err(err(item.pos, format!("catalog entry `{}` needs `description`", e.name)));
    }
    if e.refuse.is_none() {
        let missing: Vec<&str> = [
            ("chart", e.chart.is_none()),
            ("repository", e.repository.is_none()),
            ("version", e.version.is_none()),
            ("key", e.key.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            return Err(err(
                item.pos,
                format!(
                    "catalog entry `{}` needs {} (or `refuse` with the reason no chart can be added)",
                    e.name,
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_and_covers_the_issue_list() {
        let c = Catalog::builtin();
        for name in [
            "cloudnative-pg",
            "cnpg-cluster",
            "mariadb-cluster",
            "mysql",
            "valkey",
            "mongodb-community-operator",
            "rabbitmq",
            "strimzi",
            "kube-prometheus-stack",
            "cert-manager",
        ] {
            let e = c.get(name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(!e.sources.is_empty(), "{name} has no source");
        }
        assert_eq!(c.get("cnpg-cluster").unwrap().chart.as_deref(), Some("cluster"));
        assert!(c.get("rabbitmq").unwrap().refuse.is_some());
        assert!(c.get("cert-manager").unwrap().refuse.is_some());
        assert_eq!(c.replacing_chart("bitnami/postgresql")[0].name, "cloudnative-pg");
    }

    #[test]
    fn images_match_on_normalised_names() {
        let c = Catalog::builtin();
        let pg = c.get("cnpg-cluster").unwrap();
        assert!(pg.replaces_image("postgres:16"));
        assert!(pg.replaces_image("docker.io/bitnami/postgresql:16.4.0"));
        assert!(pg.replaces_image("bitnamilegacy/postgresql-repmgr:15"));
        assert!(!pg.replaces_image("ghcr.io/cloudnative-pg/postgresql:16"));
        assert!(c.get("valkey").unwrap().replaces_image("redis:7.2"));
    }

    #[test]
    fn user_catalogs_replace_by_name_and_report_positions() {
        let mut c = Catalog::builtin();
        let mine = Catalog::parse(
            "mine.yaml",
            "charts:\n  - name: valkey\n    description: ours\n    chart: valkey\n    repository: oci://registry.example/charts\n    version: 1.2.3\n    key: cache\n",
        )
        .unwrap();
        let before = c.entries.len();
        c.overlay(mine);
        assert_eq!(c.entries.len(), before);
        assert_eq!(c.get("valkey").unwrap().key.as_deref(), Some("cache"));
        let e = Catalog::parse("mine.yaml", "charts:\n  - name: x\n    description: d\n    version: \">=1 <\"\n")
            .unwrap_err();
        assert!(e.to_string().starts_with("mine.yaml:4:14: version `>=1 <` is not a constraint"), "{e}");
        let e = Catalog::parse("mine.yaml", "charts:\n  - name: x\n    description: d\n").unwrap_err();
        assert!(e.to_string().contains("mine.yaml:2:5: catalog entry `x` needs `chart`"), "{e}");
        let e = Catalog::parse("mine.yaml", "charts:\n  - name: x\n    descripton: d\n").unwrap_err();
        assert!(e.to_string().starts_with("mine.yaml:3:5: unknown key `descripton`"), "{e}");
    }
}
