//! The table of removed and deprecated apiVersions, kept as data in `apis.yaml`.

use std::sync::OnceLock;

use crate::yaml::{self, Node};

/// One row of the table.
#[derive(Debug, Clone)]
pub struct ApiEntry {
    /// The old apiVersion.
    pub api_version: String,
    /// Kinds it covers.
    pub kinds: Vec<String>,
    /// The apiVersion to use instead; `None` when the kind is gone.
    pub replacement: Option<String>,
    /// The Kubernetes release that stopped serving it; `None` when only deprecated.
    pub removed_in: Option<String>,
    /// Since when the replacement exists, for deprecations outside Kubernetes.
    pub since: Option<String>,
    /// Where the fact comes from.
    pub source: String,
}

/// The table as shipped.
pub const DATA: &str = include_str!("apis.yaml");

/// The parsed table; the data is checked by a unit test, so a parse failure cannot ship.
pub fn table() -> &'static [ApiEntry] {
    static TABLE: OnceLock<Vec<ApiEntry>> = OnceLock::new();
    TABLE.get_or_init(|| parse(DATA).unwrap_or_default())
}

/// Sources by key.
pub fn sources() -> Vec<(String, String)> {
    let Ok(docs) = yaml::parse_stream(DATA) else { return Vec::new() };
    let Some(root) = docs.into_iter().next().and_then(|d| d.root) else { return Vec::new() };
    root.get("sources")
        .and_then(Node::as_map)
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default()
}

fn parse(text: &str) -> Result<Vec<ApiEntry>, String> {
    let docs = yaml::parse_stream(text).map_err(|e| e.to_string())?;
    let root = docs.into_iter().next().and_then(|d| d.root).ok_or("empty table")?;
    let srcs = root.get("sources").ok_or("no sources")?;
    let rows = root.get("apis").and_then(Node::as_seq).ok_or("no apis")?;
    rows.iter()
        .map(|r| {
            let s = |k: &str| r.get(k).and_then(Node::as_str).map(str::to_string);
            let source = s("source").ok_or_else(|| format!("line {}: no source", r.pos.line))?;
            if srcs.get(&source).is_none() {
                return Err(format!("line {}: unknown source {source}", r.pos.line));
            }
            Ok(ApiEntry {
                api_version: s("apiVersion").ok_or_else(|| format!("line {}: no apiVersion", r.pos.line))?,
                kinds: r
                    .get("kinds")
                    .and_then(Node::as_seq)
                    .map(|k| k.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
                    .unwrap_or_default(),
                replacement: s("replacement"),
                removed_in: s("removedIn"),
                since: s("since"),
                source,
            })
        })
        .collect()
}

/// The entry for an object's apiVersion and kind.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static ApiEntry> {
    table().iter().find(|e| e.api_version == api_version && e.kinds.iter().any(|k| k == kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_every_row_names_a_known_source() {
        let rows = parse(DATA).unwrap();
        assert!(rows.len() > 25, "{}", rows.len());
        assert_eq!(lookup("policy/v1beta1", "PodDisruptionBudget").unwrap().replacement.as_deref(), Some("policy/v1"));
        assert!(lookup("networking.istio.io/v1alpha3", "EnvoyFilter").is_none());
        assert!(lookup("networking.istio.io/v1beta1", "VirtualService").unwrap().removed_in.is_none());
        assert_eq!(sources().len(), 2);
    }
}
