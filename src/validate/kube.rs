//! Rendered objects checked against the Kubernetes API's own schemas, as kubeconform does:
//! built-in kinds against the compact schemas shipped in `schemas/kubernetes/` for the target
//! Kubernetes version (strict: an unknown field is an error, as `kubectl apply`'s default
//! server-side field validation makes it), custom resources against the `openAPIV3Schema` of
//! the chart's own CRDs (its `crds/` directories and rendered CustomResourceDefinitions).
//! Each validator is compiled once per kind and shared by every run.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::yaml::Node;

/// The Kubernetes minor versions whose schemas are shipped (`scripts/gen-kube-schemas.sh`).
const SHIPPED: &[(u32, &[u8])] = &[
    (25, include_bytes!("../../schemas/kubernetes/v1.25.json.gz")),
    (26, include_bytes!("../../schemas/kubernetes/v1.26.json.gz")),
    (27, include_bytes!("../../schemas/kubernetes/v1.27.json.gz")),
    (28, include_bytes!("../../schemas/kubernetes/v1.28.json.gz")),
    (29, include_bytes!("../../schemas/kubernetes/v1.29.json.gz")),
    (30, include_bytes!("../../schemas/kubernetes/v1.30.json.gz")),
    (31, include_bytes!("../../schemas/kubernetes/v1.31.json.gz")),
    (32, include_bytes!("../../schemas/kubernetes/v1.32.json.gz")),
    (33, include_bytes!("../../schemas/kubernetes/v1.33.json.gz")),
    (34, include_bytes!("../../schemas/kubernetes/v1.34.json.gz")),
    (35, include_bytes!("../../schemas/kubernetes/v1.35.json.gz")),
    (36, include_bytes!("../../schemas/kubernetes/v1.36.json.gz")),
    (37, include_bytes!("../../schemas/kubernetes/v1.37.json.gz")),
];

/// Schema failures reported per object, at most: one broken template repeats the same
/// mistake in every field.
const MAX_PER_OBJECT: usize = 20;

/// Why the Kubernetes schemas cannot be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// `--kube-version` is not a Kubernetes version.
    #[error("--kube-version {given}: not a Kubernetes version (expected 1.MINOR or v1.MINOR.PATCH)")]
    Invalid {
        /// As given.
        given: String,
    },
    /// No schemas shipped for that version.
    #[error(
        "--kube-version {given}: no Kubernetes schemas shipped for 1.{minor}; supported: 1.{min} to 1.{max} (or pass --no-render)"
    )]
    Unsupported {
        /// As given.
        given: String,
        /// Its minor version.
        minor: u32,
        /// Oldest shipped.
        min: u32,
        /// Newest shipped.
        max: u32,
    },
    /// A shipped schema file does not decode (a build defect, never the user's input).
    #[error("the shipped schemas of Kubernetes 1.{minor} do not decode: {reason}")]
    Corrupt {
        /// The version.
        minor: u32,
        /// Why.
        reason: String,
    },
}

/// The oldest and newest shipped minor versions.
pub fn supported_range() -> (u32, u32) {
    (SHIPPED[0].0, SHIPPED[SHIPPED.len() - 1].0)
}

/// `1.30`, `v1.30.2`, `1.30.0-rc.1` → 30; anything else (another major included) → `None`.
pub fn parse_minor(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts = s.splitn(3, '.');
    if parts.next()? != "1" {
        return None;
    }
    let minor = parts.next()?;
    let minor: u32 = minor.split(['-', '+']).next()?.parse().ok()?;
    if let Some(patch) = parts.next() {
        patch.split(['-', '+']).next()?.parse::<u32>().ok()?;
    }
    Some(minor)
}

/// The Kubernetes version Helm's `helm template` assumes without `--kube-version` (its
/// `Capabilities.KubeVersion`: 1.32 for Helm 3.17, 1.35 for Helm 4.1), read by rendering a
/// one-line chart; `None` when that fails.
pub fn helm_default(program: &Path) -> Option<u32> {
    let dir = tempfile::tempdir().ok()?;
    let chart = dir.path().join("probe");
    std::fs::create_dir_all(chart.join("templates")).ok()?;
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.1.0\n").ok()?;
    std::fs::write(chart.join("templates/v.yaml"), "kube: {{ .Capabilities.KubeVersion.Version }}\n").ok()?;
    let mut cmd = std::process::Command::new(program);
    cmd.arg("template").arg("--").arg("probe").arg(&chart);
    let limits = crate::process::Limits { time: crate::limits::HELM_RENDER_TIMEOUT, output: 64 * 1024 };
    let out = crate::process::run_bounded(cmd, limits).ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix("kube: ")).and_then(parse_minor)
}

/// The minor version to check against: `given` (`--kube-version`) when set, else Helm's
/// default, clamped to the shipped range with a note when outside it.
///
/// # Errors
/// `given` is not a version, or no schemas are shipped for it.
pub fn resolve(given: Option<&str>, helm: &Path, notes: &mut Vec<String>) -> Result<u32, KubeError> {
    let (min, max) = supported_range();
    if let Some(g) = given {
        let minor = parse_minor(g).ok_or_else(|| KubeError::Invalid { given: g.to_string() })?;
        if !(min..=max).contains(&minor) {
            return Err(KubeError::Unsupported { given: g.to_string(), minor, min, max });
        }
        return Ok(minor);
    }
    match helm_default(helm) {
        Some(m) if (min..=max).contains(&m) => Ok(m),
        Some(m) => {
            let near = m.clamp(min, max);
            notes.push(format!(
                "{} assumes Kubernetes 1.{m}, for which no schemas are shipped: rendered objects were checked against 1.{near} (pass --kube-version)",
                helm.display()
            ));
            Ok(near)
        }
        None => {
            notes.push(format!(
                "could not read the Kubernetes version {} assumes: rendered objects were checked against 1.{max} (pass --kube-version)",
                helm.display()
            ));
            Ok(max)
        }
    }
}

/// One version of a CRD's kind.
#[derive(Debug, Clone)]
struct CrdVersion {
    name: String,
    served: bool,
    schema: Option<serde_json::Value>,
}

/// What a CustomResourceDefinition declares.
#[derive(Debug, Clone)]
struct Crd {
    group: String,
    kind: String,
    versions: Vec<CrdVersion>,
}

impl Crd {
    fn from_object(root: &Node) -> Option<Crd> {
        if root.str_at(&["kind"]) != Some("CustomResourceDefinition") {
            return None;
        }
        let group = root.str_at(&["spec", "group"])?.to_string();
        let kind = root.str_at(&["spec", "names", "kind"])?.to_string();
        let common = root.path(&["spec", "validation", "openAPIV3Schema"]).map(Node::to_json);
        let mut versions = Vec::new();
        if let Some(list) = root.path(&["spec", "versions"]).and_then(Node::as_seq) {
            for v in list {
                let Some(name) = v.str_at(&["name"]) else { continue };
                versions.push(CrdVersion {
                    name: name.to_string(),
                    served: v.get("served").and_then(Node::as_bool).unwrap_or(true),
                    schema: v.path(&["schema", "openAPIV3Schema"]).map(Node::to_json).or_else(|| common.clone()),
                });
            }
        } else if let Some(v) = root.str_at(&["spec", "version"]) {
            versions.push(CrdVersion { name: v.to_string(), served: true, schema: common });
        }
        Some(Crd { group, kind, versions })
    }
}

/// A schema failure of one rendered object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The template that rendered it, as Helm names it (`chart/templates/x.yaml`).
    pub template: Option<String>,
    /// The object, `Kind name`.
    pub object: String,
    /// JSON pointer into the object (`/spec/replicas`).
    pub pointer: String,
    /// The schema's complaint.
    pub message: String,
    /// The rendered line of the offending field (1-based, within the template's output).
    pub rendered_line: u32,
    /// That line's text, trimmed.
    pub rendered_text: String,
}

/// What checking one run's rendered output found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Failures, in output order.
    pub failures: Vec<Failure>,
    /// `apiVersion/kind` of objects no schema covers (custom kinds without a CRD in the chart).
    pub skipped: BTreeMap<String, usize>,
}

/// The schemas of one Kubernetes version plus the chart's CRDs, with compiled validators.
pub struct Checker {
    minor: u32,
    /// `apps/v1/Deployment` → definition name.
    kinds: HashMap<String, String>,
    /// Kind → the apiVersions serving it.
    served: HashMap<String, Vec<String>>,
    /// `{"defs": {...}}`: the document every built-in `$ref` points into.
    root: serde_json::Value,
    /// CRDs of the chart's `crds/` directories.
    crds: Vec<Crd>,
    /// Compiled validators by key (`apps/v1/Deployment`, or a CRD schema's JSON text).
    cache: Mutex<HashMap<String, Option<Arc<jsonschema::Validator>>>>,
}

impl Checker {
    /// The checker for Kubernetes `1.minor` (a shipped version) and the CRDs under `chart`.
    ///
    /// # Errors
    /// The shipped file does not decode.
    pub fn new(minor: u32, chart: &Path) -> Result<Checker, KubeError> {
        let corrupt = |reason: String| KubeError::Corrupt { minor, reason };
        let gz =
            SHIPPED.iter().find(|(m, _)| *m == minor).map(|(_, b)| *b).ok_or_else(|| corrupt("not shipped".into()))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz).read_to_string(&mut text).map_err(|e| corrupt(e.to_string()))?;
        let mut doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        let kinds: HashMap<String, String> = doc
            .get("kinds")
            .and_then(serde_json::Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        let mut served: HashMap<String, Vec<String>> = HashMap::new();
        for key in kinds.keys() {
            if let Some((api, kind)) = key.rsplit_once('/') {
                served.entry(kind.to_string()).or_default().push(api.to_string());
            }
        }
        for v in served.values_mut() {
            v.sort();
        }
        let defs = doc.get_mut("defs").map(serde_json::Value::take).unwrap_or_default();
        Ok(Checker {
            minor,
            kinds,
            served,
            root: serde_json::json!({ "defs": defs }),
            crds: chart_crds(chart),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The Kubernetes minor version checked against.
    pub fn minor(&self) -> u32 {
        self.minor
    }

    fn validator(
        &self,
        key: &str,
        schema: impl FnOnce() -> serde_json::Value,
        draft: jsonschema::Draft,
    ) -> Option<Arc<jsonschema::Validator>> {
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(key.to_string())
            .or_insert_with(|| {
                jsonschema::options()
                    .with_draft(draft)
                    .should_validate_formats(false)
                    .build(&schema())
                    .ok()
                    .map(Arc::new)
            })
            .clone()
    }

    /// Checks the objects of `helm template`'s output.
    pub fn check(&self, stdout: &str) -> Outcome {
        let mut out = Outcome::default();
        let docs: Vec<(Option<String>, String, Vec<Node>)> = super::render::split_documents(stdout)
            .into_iter()
            .map(|d| {
                let roots = crate::yaml::parse_stream(&d.text)
                    .map(|ds| ds.into_iter().filter_map(|x| x.root).collect())
                    .unwrap_or_default();
                (d.source, d.text, roots)
            })
            .collect();
        let mut crds = self.crds.clone();
        crds.extend(docs.iter().flat_map(|(_, _, roots)| roots.iter().filter_map(Crd::from_object)));
        for (source, text, roots) in &docs {
            for root in roots {
                self.check_object(source.as_deref(), text, root, &crds, &mut out);
            }
        }
        out
    }

    fn check_object(&self, source: Option<&str>, text: &str, root: &Node, crds: &[Crd], out: &mut Outcome) {
        let (Some(api), Some(kind)) = (root.str_at(&["apiVersion"]), root.str_at(&["kind"])) else { return };
        let name = root.str_at(&["metadata", "name"]).unwrap_or("(unnamed)");
        let object = format!("{kind} {name}");
        let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
        let fail = |pointer: String, message: String, at: &Node| {
            let line = at.pos.line;
            let rendered_text = text.lines().nth(line.saturating_sub(1) as usize).unwrap_or("").trim().to_string();
            Failure {
                template: source.map(str::to_string),
                object: object.clone(),
                pointer,
                message,
                rendered_line: line,
                rendered_text,
            }
        };
        let key = format!("{api}/{kind}");
        let validator = if let Some(def) = self.kinds.get(&key) {
            let schema = || {
                let mut s = self.root.clone();
                s["$ref"] = serde_json::Value::String(format!("#/defs/{def}"));
                s
            };
            self.validator(&key, schema, jsonschema::Draft::Draft202012)
        } else if let Some(crd) = crds.iter().find(|c| c.group == group && c.kind == kind) {
            let at = root.get("apiVersion").unwrap_or(root);
            match crd.versions.iter().find(|v| v.name == version && v.served) {
                Some(CrdVersion { schema: Some(schema), .. }) => {
                    let text = serde_json::to_string(schema).unwrap_or_default();
                    self.validator(&format!("crd:{text}"), || schema.clone(), jsonschema::Draft::Draft4)
                }
                Some(_) => None,
                None => {
                    let served: Vec<String> =
                        crd.versions.iter().filter(|v| v.served).map(|v| format!("{group}/{}", v.name)).collect();
                    out.failures.push(fail(
                        "/apiVersion".into(),
                        format!(
                            "apiVersion {api} not served by the chart's CRD for {kind} (served: {})",
                            served.join(", ")
                        ),
                        at,
                    ));
                    return;
                }
            }
        } else if is_builtin_group(group)
            && let Some(apis) = self.served.get(kind)
        {
            let at = root.get("apiVersion").unwrap_or(root);
            out.failures.push(fail(
                "/apiVersion".into(),
                format!(
                    "apiVersion {api} not served for {kind} by Kubernetes 1.{} (served: {})",
                    self.minor,
                    apis.join(", ")
                ),
                at,
            ));
            return;
        } else {
            *out.skipped.entry(key).or_default() += 1;
            return;
        };
        let Some(validator) = validator else {
            // A CRD schema that does not compile is the CRD's problem, not this object's.
            *out.skipped.entry(key).or_default() += 1;
            return;
        };
        let instance = root.to_json();
        if validator.is_valid(&instance) {
            return;
        }
        let mut found: BTreeSet<(String, String)> = BTreeSet::new();
        for e in validator.iter_errors(&instance) {
            let pointer = e.instance_path().as_str().to_string();
            let mut at_key = None;
            if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } = e.kind() {
                for k in unexpected {
                    found.insert((crate::pointer::child_pointer(&pointer, k), format!("unknown field {k:?}")));
                    at_key = Some(());
                }
            }
            if at_key.is_none() {
                found.insert((pointer, e.to_string()));
            }
        }
        let against = if self.kinds.contains_key(&key) {
            format!("the Kubernetes 1.{} schema", self.minor)
        } else {
            "the chart's CRD".to_string()
        };
        for (pointer, message) in found.into_iter().take(MAX_PER_OBJECT) {
            let message = format!("{message} ({against})");
            let at = node_at(root, &pointer).unwrap_or(root);
            out.failures.push(fail(pointer, message, at));
        }
    }
}

/// Groups Kubernetes serves itself: the core group, groups without a dot (`apps`, `batch`,
/// `extensions`) and `*.k8s.io` ones.
fn is_builtin_group(group: &str) -> bool {
    group.is_empty() || !group.contains('.') || group.ends_with(".k8s.io")
}

/// The node at a JSON pointer (for a map key: its key node, which is where the line is).
fn node_at<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    let mut cur = root;
    let mut key_node = None;
    for seg in crate::pointer::segments(pointer) {
        if let Some(list) = cur.as_seq() {
            cur = list.get(seg.parse::<usize>().ok()?)?;
            key_node = None;
        } else {
            let (k, v) = cur.get_entry(&seg)?;
            key_node = Some(k);
            cur = v;
        }
    }
    Some(key_node.unwrap_or(cur))
}

/// The CRDs of the chart's `crds/` directory and of its subchart directories' (a packaged
/// chart's are not read: its objects of custom kinds are then counted as unchecked).
fn chart_crds(chart: &Path) -> Vec<Crd> {
    let mut dirs = vec![chart.join("crds")];
    if let Ok(subs) = std::fs::read_dir(chart.join("charts")) {
        let mut subs: Vec<_> = subs.flatten().map(|e| e.path().join("crds")).collect();
        subs.sort();
        dirs.extend(subs);
    }
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "yaml" | "yml" | "json") {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&f) else { continue };
            if meta.len() > crate::limits::MAX_RENDER_BYTES {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            let Ok(docs) = crate::yaml::parse_stream(&text) else { continue };
            out.extend(docs.iter().filter_map(|d| d.root.as_ref()).filter_map(Crd::from_object));
        }
    }
    out
}

/// The line of a template that most likely wrote `rendered` (a trimmed rendered line): the
/// only line with the same text, else the only line setting the same key; `None` when unsure.
pub fn template_line(template: &str, rendered: &str) -> Option<u32> {
    let lines: Vec<&str> = template.lines().map(|l| l.trim().trim_start_matches("- ")).collect();
    let wanted = rendered.trim_start_matches("- ");
    let only = |hits: Vec<usize>| (hits.len() == 1).then(|| u32::try_from(hits[0] + 1).ok()).flatten();
    let same: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| **l == wanted).map(|(i, _)| i).collect();
    if let Some(l) = only(same) {
        return Some(l);
    }
    let (key, value) = wanted.split_once(':')?;
    let key = format!("{}:", key.trim());
    if let Some(l) = only(lines.iter().enumerate().filter(|(_, l)| l.starts_with(&key)).map(|(i, _)| i).collect()) {
        return Some(l);
    }
    // A templated key with a literal value (`{{ .Values.k }}: IfNotPresent`).
    let value = format!(": {}", value.trim());
    if value.len() <= 2 {
        return None;
    }
    only(lines.iter().enumerate().filter(|(_, l)| l.ends_with(&value) && l.starts_with("{{")).map(|(i, _)| i).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_as_helm_accepts_them() {
        assert_eq!(parse_minor("1.30"), Some(30));
        assert_eq!(parse_minor("v1.32.0"), Some(32));
        assert_eq!(parse_minor("1.31.2-rc.1"), Some(31));
        assert_eq!(parse_minor("2.1"), None);
        assert_eq!(parse_minor("1.x"), None);
    }

    #[test]
    fn every_shipped_version_decodes_and_knows_the_common_kinds() {
        for (minor, _) in SHIPPED {
            let c = Checker::new(*minor, Path::new("/nonexistent")).unwrap();
            for k in ["apps/v1/Deployment", "v1/Service", "v1/ConfigMap", "batch/v1/CronJob"] {
                assert!(c.kinds.contains_key(k), "1.{minor} {k}");
            }
        }
    }

    #[test]
    fn a_wrong_type_and_an_unknown_field_are_failures_at_their_lines() {
        let c = Checker::new(30, Path::new("/nonexistent")).unwrap();
        let out = "---\n# Source: c/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"two\"\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers:\n        - name: x\n          image: nginx\n          imagePullPolice: Always\n";
        let o = c.check(out);
        let got: Vec<(&str, u32)> = o.failures.iter().map(|f| (f.pointer.as_str(), f.rendered_line)).collect();
        assert_eq!(got, [("/spec/replicas", 7), ("/spec/template/spec/containers/0/imagePullPolice", 17)], "{o:?}");
    }

    #[test]
    fn a_removed_api_is_not_served_and_a_custom_kind_is_skipped() {
        let c = Checker::new(30, Path::new("/nonexistent")).unwrap();
        let out = "---\n# Source: c/templates/i.yaml\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n---\n# Source: c/templates/x.yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";
        let o = c.check(out);
        assert_eq!(o.failures.len(), 1, "{o:?}");
        assert!(o.failures[0].message.contains("not served"), "{o:?}");
        assert_eq!(o.skipped.get("example.com/v1/Widget"), Some(&1));
    }

    #[test]
    fn the_template_line_is_the_only_one_that_could_have_written_the_field() {
        let t = "spec:\n  replicas: {{ .Values.replicas | quote }}\n  containers:\n    - name: x\n";
        assert_eq!(template_line(t, "replicas: \"two\""), Some(2));
        assert_eq!(template_line(t, "- name: x"), Some(4));
        assert_eq!(template_line("a: 1\na: 2\n", "a: 3"), None);
        assert_eq!(template_line("x: 1\n  {{ .Values.k }}: Always\n", "imagePullPolice: Always"), Some(2));
    }
}
