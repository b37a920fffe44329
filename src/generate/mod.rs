//! `chartwright generate`: loose manifests in, a parameterized Helm chart out.
//!
//! One folder per stage of the pipeline, in order: [`crate::manifest`] and [`crate::kustomize`]
//! read the input (they stay at the top: `lint` and `validate` share them); [`analyze`] is pass
//! one, learning the whole input (namespace, workloads, owners, names, references);
//! [`template`] is pass two, one handler per kind over a template tree of each object while
//! building the values model; [`environments`] merges several environments into one chart;
//! [`assemble`] writes the schema and the chart's files within Helm's limits; [`deps`] adds
//! maintained charts as dependencies; [`verify`] renders the chart with Helm and compares.

// The pipeline, one folder per stage.
pub mod analyze;
pub mod assemble;
pub mod deps;
pub mod environments;
pub mod template;
pub mod verify;

use analyze::{context, names, refs};
use assemble::{bounds, files, schema};
use environments::{envs, values_diff};
use template::{extras, kinds, knobs, scaffold, tpl, values};

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::manifest::Loaded;
use crate::yaml::{Node, Value, emit_document, emit_scalar_inline};

pub use assemble::write::{WriteError, write_chart};
pub use envs::{EnvInput, env_namespace, generate_envs};
pub use files::TemplateError;

/// What to do with Secret data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SecretsMode {
    /// Empty placeholders in values.yaml, supplied at install time.
    #[default]
    Placeholder,
    /// Keep the input's secret values in values.yaml.
    Inline,
}

/// Where the input's CustomResourceDefinitions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CrdsMode {
    /// `crds/`: installed once, never upgraded or deleted by Helm.
    #[default]
    CrdsDir,
    /// Templates behind `crds.enabled`, kept on uninstall with `crds.keep`, upgraded with the
    /// release.
    Templates,
}

/// Options of one generation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Chart name.
    pub name: String,
    /// Chart version.
    pub chart_version: String,
    /// appVersion; defaults to the main image tag.
    pub app_version: Option<String>,
    /// Secret handling.
    pub secrets: SecretsMode,
    /// Directory with template overrides.
    pub templates: Option<PathBuf>,
    /// Maintained charts to depend on (`--dependency`), resolved against the catalog.
    pub dependencies: Vec<deps::Dependency>,
    /// Where CRDs go (`--crds`).
    pub crds: CrdsMode,
}

/// Facts the handlers collect for NOTES.txt and the README.
#[derive(Debug, Default)]
pub struct Notes {
    /// Secrets of the chart.
    pub secrets: Vec<SecretInfo>,
}

/// A Secret whose values the user supplies.
#[derive(Debug, Clone)]
pub struct SecretInfo {
    /// The Secret's name in the input.
    pub name: String,
    /// Values path of its keys (and `existingSecret`).
    pub slot: Vec<String>,
    /// Its parameterized data keys.
    pub keys: Vec<String>,
}

/// Why a chart could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The chart name is not a valid Helm chart name.
    #[error(
        "chart name {0:?} is invalid: use lower-case letters, digits and dashes, starting with a letter (at most 53 characters)"
    )]
    BadName(String),
    /// The input has no Kubernetes objects.
    #[error("the input holds no Kubernetes objects to put in a chart")]
    NoObjects,
    /// The chart version is not SemVer.
    #[error("chart version {0:?} is not a SemVer 2 version (e.g. 0.1.0)")]
    BadVersion(String),
    /// A dependency's values key is one of the chart's own keys.
    #[error(
        "--dependency {0}: its values key `{1}` is already one of the chart's own values keys; give the dependency another `key` in a --catalog file"
    )]
    DependencyKey(String, String),
    /// An environment name is not a DNS label.
    #[error(
        "environment name {0:?} is invalid: use lower-case letters, digits and dashes, starting and ending with a letter or digit (at most 63 characters)"
    )]
    BadEnvName(String),
    /// Two environments have one name.
    #[error("environment {0:?} is given twice; give each environment once")]
    RepeatedEnv(String),
    /// An environment's input is empty.
    #[error("environment {0:?} holds no Kubernetes objects to put in a chart")]
    EnvNoObjects(String),
    /// A container image that is not an image reference: the chart writes images inside a
    /// quoted string, so one holding quotes or line breaks could add fields to the container.
    #[error(
        "{at}: image {image:?} is not an image reference ([registry/]repository[:tag][@digest]: letters, digits and . _ - / : @ +); fix the manifest"
    )]
    BadImage {
        /// `file:line:col` of the image.
        at: String,
        /// The image, clipped.
        image: String,
    },
    /// A string holding a Unicode line or paragraph separator, which Helm's YAML library
    /// (`toYaml`) writes as a document it cannot read back.
    #[error(
        "{at}: a string holds the Unicode line separator {what}, which Helm's toYaml cannot write back as YAML; write it as \\u escapes in the application's own format or remove it"
    )]
    LineSeparator {
        /// `file:line:col` of the string.
        at: String,
        /// `U+2028`, `U+2029` or `U+0085`.
        what: &'static str,
    },
    /// More input objects than one chart may be made from ([`crate::limits::MAX_GENERATE_OBJECTS`]).
    #[error(
        "the input holds {count} Kubernetes objects (all environments together), over the {limit} one chart is made from: split the input into several charts"
    )]
    TooManyObjects {
        /// Objects in the input.
        count: usize,
        /// The cap.
        limit: usize,
    },
    /// A file of the chart would be larger than Helm loads ([`crate::limits::MAX_CHART_FILE_BYTES`]).
    #[error("{file} would be {size}, over Helm's 5 MiB per file: split the input into several charts")]
    FileTooLarge {
        /// The chart file.
        file: String,
        /// Its size, in MiB.
        size: String,
    },
    /// The chart would be larger than Helm loads ([`crate::limits::MAX_CHART_BYTES`]).
    #[error("the chart would be {size}, over Helm's 100 MiB per chart: split the input into several charts")]
    ChartTooLarge {
        /// Its size, in MiB.
        size: String,
    },
    /// The generator's own templates failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// The top-level keys of a single-workload chart in the order `helm create` writes them.
const HELM_CREATE_ORDER: &[&str] = &[
    "replicaCount",
    "image",
    "imagePullSecrets",
    "nameOverride",
    "fullnameOverride",
    // The chart-wide knobs and the rest of every workload's (knobs.rs), each beside its kin.
    "global",
    "namespaceOverride",
    "commonLabels",
    "commonAnnotations",
    "serviceAccount",
    "podAnnotations",
    "podLabels",
    "podSecurityContext",
    "securityContext",
    "service",
    "ingress",
    "env",
    "extraEnv",
    "extraEnvFrom",
    "extraArgs",
    "resources",
    "startupProbe",
    "livenessProbe",
    "readinessProbe",
    "customStartupProbe",
    "customLivenessProbe",
    "customReadinessProbe",
    "lifecycle",
    "autoscaling",
    "podDisruptionBudget",
    "networkPolicy",
    "serviceMonitor",
    "updateStrategy",
    "priorityClassName",
    "terminationGracePeriodSeconds",
    "nodeSelector",
    "tolerations",
    "affinity",
    "topologySpreadConstraints",
    "extraVolumes",
    "extraVolumeMounts",
    "extraContainers",
    "extraInitContainers",
    "extraObjects",
    "tests",
];

/// A generated chart: relative path → file contents, in sorted order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The files.
    pub files: BTreeMap<String, String>,
    /// Notes for the user (objects left out, and why).
    pub notes: Vec<String>,
    /// Default values that fail the chart's own schema: the input holds a value Kubernetes
    /// would refuse (a port that is not a number, annotations that are not strings...).
    pub problems: Vec<String>,
    /// Default values that trip the chart's own guard (a drain-blocking PDB in the input): the
    /// chart does not render until they change. One sentence each, with the key, the value,
    /// why, and a value that passes.
    pub unrenderable: Vec<String>,
}

#[derive(Serialize)]
struct SaHelper {
    helper: String,
    prefix: String,
    create: String,
    name: String,
    default_name: String,
}

#[derive(Serialize)]
struct IngressNote {
    enabled: String,
    hosts: String,
    tls: String,
}

#[derive(Serialize)]
struct SecretKeyNote {
    /// The values path as a Go string literal (Secret keys are input text).
    path: String,
    reference: String,
}

#[derive(Serialize)]
struct SecretNote {
    name: String,
    /// The Secret's name as it renders (NOTES.txt is a template).
    rendered: String,
    existing: String,
    existing_key: String,
    keys: Vec<SecretKeyNote>,
}

#[derive(Serialize)]
struct Row {
    key: String,
    kind: String,
    default: String,
    description: String,
}

/// The namespace most input objects sit in (objects there render into the release namespace).
pub fn main_namespace(objects: &[crate::manifest::Object]) -> Option<String> {
    context::main_namespace(objects)
}

/// Builds the chart in memory.
pub fn generate(loaded: &Loaded, opts: &Options) -> Result<Chart, GenerateError> {
    check_options(opts)?;
    if loaded.objects.is_empty() {
        return Err(GenerateError::NoObjects);
    }
    bounds::check_objects(loaded.objects.len())?;
    check_images(&loaded.objects)?;
    let tera = files::load(opts.templates.as_deref())?;
    let mut notes = Vec::new();
    let objects = name_generated(&loaded.objects, &mut notes);
    let ctx = context::analyze(&opts.name, &objects);
    let mut g = new_gen(&ctx, opts, base_values());
    let templates = template_objects(&mut g, opts, &mut notes);
    let chart = finish(&tera, g, templates, opts, notes, loaded.objects.len(), &[])?;
    bounds::check_chart(&chart)?;
    Ok(chart)
}

/// Refuses a container image that is not an image reference (see [`GenerateError::BadImage`]).
pub(crate) fn check_images(objects: &[crate::manifest::Object]) -> Result<(), GenerateError> {
    for o in objects {
        check_separators(&o.node, &o.file)?;
        let Some(spec) = crate::kube::pod_template(&o.node, &o.kind).and_then(|t| t.get("spec")) else { continue };
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for c in spec.get(list).and_then(Node::as_seq).into_iter().flatten() {
                let Some(image) = c.get("image") else { continue };
                let Some(s) = image.as_str() else { continue };
                if !crate::image::is_reference(s) {
                    let clipped: String = s.chars().take(200).collect();
                    return Err(GenerateError::BadImage {
                        at: format!("{}:{}:{}", o.file, image.pos.line, image.pos.col),
                        image: clipped,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Refuses a key or string holding U+2028, U+2029 or NEL (see [`GenerateError::LineSeparator`]).
fn check_separators(node: &Node, file: &str) -> Result<(), GenerateError> {
    let bad = |s: &str| {
        s.chars().find_map(|c| match c {
            '\u{2028}' => Some("U+2028"),
            '\u{2029}' => Some("U+2029"),
            '\u{85}' => Some("U+0085"),
            _ => None,
        })
    };
    let found =
        |n: &Node, what| GenerateError::LineSeparator { at: format!("{file}:{}:{}", n.pos.line, n.pos.col), what };
    match &node.value {
        crate::yaml::Value::Str(s) => bad(s).map_or(Ok(()), |w| Err(found(node, w))),
        crate::yaml::Value::Seq(items) => items.iter().try_for_each(|n| check_separators(n, file)),
        crate::yaml::Value::Map(entries) => entries.iter().try_for_each(|(k, v)| {
            check_separators(k, file)?;
            check_separators(v, file)
        }),
        _ => Ok(()),
    }
}

/// Refuses a bad chart name or version.
fn check_options(opts: &Options) -> Result<(), GenerateError> {
    if !names::valid_chart_name(&opts.name) {
        return Err(GenerateError::BadName(opts.name.clone()));
    }
    if semver_like(&opts.chart_version).is_none() {
        return Err(GenerateError::BadVersion(opts.chart_version.clone()));
    }
    Ok(())
}

/// The handlers' state for one pass two over `ctx`, starting from `values`.
fn new_gen<'a>(ctx: &'a context::Context<'a>, opts: &Options, values: values::Values) -> kinds::Gen<'a> {
    let mut g = kinds::Gen {
        ctx,
        values,
        secrets: opts.secrets,
        notes: Notes::default(),
        guards: Vec::new(),
        refs: refs::RefIndex::new(ctx),
        maybe_refs: Vec::new(),
        current: 0,
        extra_metadata: Vec::new(),
        knobs: knobs::Knobs::default(),
    };
    knobs::chart_values(&opts.name, &mut g.values, &mut g.knobs, context::literal_label_keys(ctx));
    g
}

/// Describes the keys objects of one kind are grouped under (`autoscalers`, `persistence`...)
/// from the kinds' descriptors, wherever no handler described them, so the values model needs
/// no knowledge of kinds.
pub(crate) fn describe_plural_keys(values: &mut values::Values) {
    fn walk(v: &values::Values, node: &Node, path: &mut Vec<String>, found: &mut Vec<(Vec<String>, &'static str)>) {
        // The keys of a map Kubernetes passes through are data, not slots.
        if v.meta(path).is_some_and(|m| !matches!(m.hint, values::Hint::Plain)) {
            return;
        }
        let Some(m) = node.as_map() else { return };
        for (k, child) in m {
            path.push(k.as_str().unwrap_or_default().to_string());
            if let Some(desc) = path.last().and_then(|k| kinds::registry::plural_description(k)) {
                found.push((path.clone(), desc));
            }
            walk(v, child, path, found);
            path.pop();
        }
    }
    let mut found = Vec::new();
    walk(values, values.root(), &mut Vec::new(), &mut found);
    for (path, desc) in found {
        values.describe(&path, desc);
    }
}

/// Everything after the object templates: Chart.yaml, helpers, NOTES.txt, README, values.yaml,
/// the schema and the self-checks of the defaults.
fn finish(
    tera: &tera::Tera,
    mut g: kinds::Gen<'_>,
    templates: Templates,
    opts: &Options,
    mut notes: Vec<String>,
    object_count: usize,
    env_values: &[(String, serde_json::Value)],
) -> Result<Chart, GenerateError> {
    let ctx = g.ctx;
    let Templates { mut out, ingresses, services, shared, .. } = templates;
    describe_plural_keys(&mut g.values);
    describe_longest_release(ctx, &opts.name, &mut g.values);

    let app_version = opts.app_version.clone().or_else(|| main_tag(ctx));
    let chart_yaml = files::render(
        tera,
        "Chart.yaml.tera",
        &serde_json::json!({
            "name": opts.name,
            "description": emit_scalar_inline(&Value::Str(format!("A Helm chart for {}", opts.name))),
            "version": emit_scalar_inline(&Value::Str(opts.chart_version.clone())),
            "app_version": app_version.as_ref().map(|v| crate::yaml::quote_double(v)),
            "dependencies": deps::chart_yaml(&opts.dependencies),
            "kube_version": knobs::kube_version(&out),
        }),
    )?;
    out.insert("Chart.yaml".into(), ensure_newline(chart_yaml));

    let validate_lines: Vec<String> = g.guards.iter().flat_map(crate::guard::Guard::fail_lines).collect();
    let mut helpers = files::render(
        tera,
        "_helpers.tpl.tera",
        &serde_json::json!({"name": opts.name, "service_accounts": sa_helpers(ctx, &opts.name), "validate_lines": validate_lines, "shared": shared, "version_label": ctx.version_label}),
    )?;
    if ctx.env_naming.is_some() {
        helpers = ensure_newline(helpers);
        helpers.push_str(&names::env_name_helper(&opts.name));
    }
    out.insert("templates/_helpers.tpl".into(), ensure_newline(helpers));

    let secret_notes = secret_notes(&g, &opts.name);
    let notes_txt = files::render(
        tera,
        "NOTES.txt.tera",
        &serde_json::json!({"name": opts.name, "ingresses": ingresses, "services": services, "secrets": secret_notes}),
    )?;
    out.insert("templates/NOTES.txt".into(), ensure_newline(notes_txt));
    out.insert(".helmignore".into(), files::render(tera, "helmignore.tera", &serde_json::json!({}))?);

    if let Some(d) = deps::taken_key(&g.values, &opts.dependencies) {
        return Err(GenerateError::DependencyKey(d.entry.clone(), d.key.clone()));
    }
    if let [w] = ctx.workloads[..] {
        if ctx.plans[w].slot.is_empty() {
            g.values.reorder_root(HELM_CREATE_ORDER, &["config", "secrets", "persistence"]);
        }
    }
    let rows = values_rows(&g.values);
    let readme = files::render(
        tera,
        "README.md.tera",
        &serde_json::json!({
            "name": opts.name,
            "description": format!("A Helm chart for {}.", opts.name),
            "object_count": object_count,
            "namespace": ctx.main_namespace.clone().unwrap_or_else(|| "default".into()),
            "secrets": secret_notes,
            "values_table": rows,
            "dependencies": deps::readme(&opts.dependencies),
        }),
    )?;
    out.insert("README.md".into(), ensure_newline(readme));
    deps::add_values(&mut g.values, &opts.dependencies);
    out.insert("values.yaml".into(), g.values.to_yaml());
    let mut schema_json = schema::build(&g.values, &g.guards);
    let defaults = g.values.root().to_json();
    // Other environments' values files (multi-environment charts): the schema admits their own
    // scalars, and they are checked like the defaults, with one compiled schema.
    for (_, instance) in env_values {
        values_diff::widen(&mut schema_json, &defaults, instance);
    }
    let checked = std::iter::once(("values.yaml", &defaults)).chain(env_values.iter().map(|(f, v)| (f.as_str(), v)));
    let (mut problems, mut unrenderable) = (Vec::new(), Vec::new());
    let validator = compile_schema(&schema_json);
    for (file, instance) in checked {
        match &validator {
            Ok(v) => problems.extend(self_check_with(v, instance, file)),
            Err(problem) => problems.push(format!("{file}: {problem}")),
        }
        unrenderable.extend(guard_check(&g.guards, instance, file));
    }
    let mut schema_text = serde_json::to_string_pretty(&schema_json).unwrap_or_default();
    schema_text.push('\n');
    out.insert("values.schema.json".into(), schema_text);
    out.extend(g.knobs.ci_files());
    notes.extend(g.maybe_refs);
    Ok(Chart { files: out, notes, problems, unrenderable })
}

/// Adds to `fullnameOverride`'s comment the longest release name that keeps every object's name
/// whole, when a release name Helm accepts (53 characters) would cut one.
fn describe_longest_release(ctx: &context::Context<'_>, chart: &str, values: &mut values::Values) {
    let Some(longest) = ctx.names.values().filter_map(|e| e.longest_whole_release(chart)).min() else { return };
    if longest >= 53 {
        return;
    }
    let path = ["fullnameOverride".to_string()];
    let Some(meta) = values.meta(&path) else { return };
    let desc = format!(
        "{} Release names up to {longest} characters keep every object name whole; longer ones \
         cut names over their kind's limit (63 characters for Services and Jobs, 52 for \
         StatefulSets and CronJobs, 253 otherwise) and end them in a hash of the whole name.",
        meta.desc
    );
    values.describe_again(&path, desc);
}

/// The values every chart starts with.
fn base_values() -> values::Values {
    let mut values = values::Values::default();
    values.set(
        &["nameOverride".to_string()],
        Node::str(""),
        "Replaces the chart name in object names.",
        values::Hint::Plain,
    );
    values.set(
        &["fullnameOverride".to_string()],
        Node::str(""),
        "Replaces the release-and-chart full name in object names.",
        values::Hint::Plain,
    );
    values
}

/// The object templates, and what NOTES.txt and the helpers need to know about them.
struct Templates {
    out: BTreeMap<String, String>,
    ingresses: Vec<IngressNote>,
    services: Vec<String>,
    /// Some object is a cluster-wide class rendered once (the `ownsShared` helper is needed).
    shared: bool,
    /// The template trees behind `out`, by file (objects of the input and scaffolded ones).
    docs: BTreeMap<String, tpl::Document>,
}

/// Templates every object of the input (CRDs verbatim), the scaffolded optional objects and
/// the guard template.
fn template_objects(g: &mut kinds::Gen<'_>, opts: &Options, notes: &mut Vec<String>) -> Templates {
    let ctx = g.ctx;
    let mut t_out = Templates {
        out: BTreeMap::new(),
        ingresses: Vec::new(),
        services: Vec::new(),
        shared: false,
        docs: BTreeMap::new(),
    };
    for (i, o) in ctx.objects.iter().enumerate() {
        let Some(file) = ctx.plans[i].file.clone() else {
            notes.push(format!(
                "{}:{}: {} left out: `helm install --create-namespace` creates the release namespace",
                o.file,
                o.line,
                o.display_name()
            ));
            continue;
        };
        if context::place(&o.kind) == kinds::registry::Place::Crds {
            let (file, text) = match opts.crds {
                CrdsMode::CrdsDir => (file, emit_document(&o.node)),
                CrdsMode::Templates => extras::crd_template(g, i, &file),
            };
            t_out.out.insert(file, text);
            continue;
        }
        let mut t = tpl::Tree::from_node(&o.node);
        let mut condition = kinds::process(g, i, &mut t);
        if context::is_shared_cluster_object(&o.kind) {
            let owns = format!(
                "include \"{}.ownsShared\" (list . {} {} {})",
                opts.name,
                names::go_string(&o.api_version),
                names::go_string(&o.kind),
                names::go_string(o.name.as_deref().unwrap_or_default())
            );
            condition = Some(condition.map_or_else(|| owns.clone(), |c| format!("and {c} ({owns})")));
            t_out.shared = true;
        }
        if o.kind == "Ingress" {
            let slot = &ctx.plans[i].slot;
            if g.values.has(&values::join(slot, &["hosts"])) {
                t_out.ingresses.push(ingress_note(slot));
            }
        }
        if o.kind == "Service" {
            if let Some(n) = o.name.as_ref().and_then(|n| ctx.name_of("Service", n)) {
                t_out.services.push(n.tpl(&opts.name));
            }
        }
        let doc = tpl::Document { body: t, condition };
        t_out.out.insert(file.clone(), tpl::render(&doc));
        t_out.docs.insert(file, doc);
    }
    for (file, doc) in scaffold::documents(g) {
        if file == "templates/ingress.yaml" {
            t_out.ingresses.push(ingress_note(&["ingress".to_string()]));
        }
        t_out.out.insert(file.clone(), tpl::render(&doc));
        t_out.docs.insert(file, doc);
    }
    let guard_file = extras::free_name(&t_out.out, &["validate", "validate-values", "chartwright-validate-values"]);
    t_out.out.insert(guard_file, guard_template(&opts.name));
    extras::templates(g, &mut t_out.out);
    t_out
}

/// What NOTES.txt reads of an Ingress under `slot`; it reads them inside `range`, where only
/// `$` reaches the values.
fn ingress_note(slot: &[String]) -> IngressNote {
    let r = |k: &str| names::values_ref(&values::join(slot, &[k])).replacen(".Values", "$.Values", 1);
    IngressNote { enabled: r("enabled"), hosts: r("hosts"), tls: r("tls") }
}

/// The service-account name helpers of workloads that own a ServiceAccount.
fn sa_helpers(ctx: &context::Context<'_>, chart: &str) -> Vec<SaHelper> {
    ctx.objects
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            kinds::registry::of(&o.kind).is_some_and(|d| d.naming == kinds::registry::Naming::ServiceAccountHelper)
                && ctx.plans[*i].owner.is_some()
        })
        .map(|(i, o)| {
            let plan = &ctx.plans[i];
            let slot = &plan.slot;
            let base = context::object_name(ctx, o, o.name.as_deref().unwrap_or_default());
            SaHelper {
                helper: context::sa_helper(chart, plan),
                prefix: plan.owner_prefix.clone().unwrap_or_default().join("."),
                create: names::values_ref(&values::join(slot, &["create"])),
                name: names::values_ref(&values::join(slot, &["name"])),
                default_name: base.pipeline(chart),
            }
        })
        .collect()
}

/// What NOTES.txt and the README say about each Secret whose values the user supplies.
fn secret_notes(g: &kinds::Gen<'_>, chart: &str) -> Vec<SecretNote> {
    g.notes
        .secrets
        .iter()
        .map(|s| {
            let existing = values::join(&s.slot, &["existingSecret"]);
            let keys = s
                .keys
                .iter()
                .map(|k| {
                    let path = values::join(&s.slot, &[k]);
                    SecretKeyNote { path: names::go_string(&path.join(".")), reference: names::values_ref(&path) }
                })
                .collect();
            let rendered = match g.ctx.name_of("Secret", &s.name) {
                Some(names::NameExpr::ExistingOr(_, generated)) => generated.tpl(chart),
                Some(other) => other.tpl(chart),
                None => s.name.clone(),
            };
            SecretNote {
                name: s.name.clone(),
                rendered,
                existing: names::values_ref(&existing),
                existing_key: existing.join("."),
                keys,
            }
        })
        .collect()
}

/// The one template that runs the values checks, so a failing check names this file.
fn guard_template(chart: &str) -> String {
    format!(
        "{{{{- /*\nThe checks of `{chart}.validateValues` (_helpers.tpl), run once per render. They hold\n\
         even with --skip-schema-validation, and a failing one names the values key and the fix.\n*/}}}}\n\
         {{{{- include \"{chart}.validateValues\" . }}}}\n"
    )
}

/// Helm tracks objects by name and cannot upgrade objects that only have `generateName`, so
/// each gets a stable name from its `generateName` (numbered when several share one). Keys
/// of built-in kinds written with no value go too (see [`drop_nulls`]).
fn name_generated(objects: &[crate::manifest::Object], notes: &mut Vec<String>) -> Vec<crate::manifest::Object> {
    // A set: a scan per object made thousands of unnamed objects quadratic.
    let mut taken: std::collections::HashSet<(String, String)> =
        objects.iter().filter_map(|o| Some((o.kind.clone(), o.name.clone()?))).collect();
    objects
        .iter()
        .map(|o| {
            let mut o = o.clone();
            if kinds::registry::of(&o.kind).is_some() {
                drop_nulls(&mut o.node);
            }
            if o.name.is_some() {
                return o;
            }
            let Some(prefix) = o.node.str_at(&["metadata", "generateName"]).map(str::to_string) else { return o };
            let base = prefix.trim_end_matches(['-', '.']).to_string();
            let base = if base.is_empty() { o.kind.to_lowercase() } else { base };
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&(o.kind.clone(), name.clone())) {
                name = format!("{base}-{n}");
                n += 1;
            }
            taken.insert((o.kind.clone(), name.clone()));
            if let Some(meta) = o.node.get_mut("metadata") {
                meta.set("name", Node::str(name.clone()));
            }
            notes.push(format!(
                "{}:{}: {} has only generateName {prefix:?}; it is named {name:?} because Helm tracks objects by name",
                o.file, o.line, o.kind
            ));
            o.name = Some(name);
            o
        })
        .collect()
}

/// Removes the map keys written with no value (`resources:`, `type:`): Kubernetes reads them as
/// absent, and as values they would be nulls the schema's types refuse. Custom resources keep
/// theirs (a CRD may declare a field nullable).
pub(crate) fn drop_nulls(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|(_, v)| v.value != Value::Null);
            for (_, v) in entries {
                drop_nulls(v);
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// The generated schema compiled once, for checking several values files with it.
fn compile_schema(schema: &serde_json::Value) -> Result<jsonschema::Validator, String> {
    jsonschema::validator_for(schema).map_err(|_| "the generated values.schema.json does not compile".to_string())
}

/// Validates values (the defaults, or an environment's) against the compiled schema.
fn self_check_with(validator: &jsonschema::Validator, instance: &serde_json::Value, file: &str) -> Vec<String> {
    let mut out: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| {
            format!(
                "{file}{}: the default from the input fails the schema: {e}",
                pointer_or_root(&e.instance_path().to_string())
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The guard's rules over the defaults, as `helm template` would run them.
fn guard_check(rules: &[crate::guard::Guard], json: &serde_json::Value, file: &str) -> Vec<String> {
    crate::guard::check(rules, json)
        .into_iter()
        .map(|v| {
            let blamed = v.blame.first().cloned().unwrap_or_else(|| v.pointer.clone());
            let key = blamed.trim_start_matches('/').replace('/', ".");
            let value = json.pointer(&blamed).map_or_else(|| "nothing".to_string(), ToString::to_string);
            let fix = v.fix.map(|f| format!("; {f}")).unwrap_or_default();
            format!(
                "{file}: {key} is {value} from the input, and the chart's guard refuses it ({}){fix}; the chart will not render until that changes",
                v.message
            )
        })
        .collect()
}

fn pointer_or_root(p: &str) -> String {
    if p.is_empty() { " (root)".into() } else { format!(" at {p}") }
}

fn ensure_newline(mut s: String) -> String {
    while s.ends_with("\n\n") {
        s.pop();
    }
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn semver_like(v: &str) -> Option<()> {
    let core = v.split(['-', '+']).next()?;
    let parts: Vec<&str> = core.split('.').collect();
    (parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))).then_some(())
}

/// The tag of the first container of the first workload.
pub(super) fn main_tag(ctx: &context::Context<'_>) -> Option<String> {
    let w = *ctx.workloads.first()?;
    let o = &ctx.objects[w];
    let pod = crate::kube::pod_template(&o.node, &o.kind)?;
    let image = pod.path(&["spec", "containers"])?.as_seq()?.first()?.get("image")?.as_str()?;
    crate::image::split_image(image.split('@').next().unwrap_or(image)).1
}

/// The README's values table: one row per leaf key (maps Kubernetes passes through count as
/// leaves), from the same model and with the same types as the schema.
fn values_rows(v: &values::Values) -> Vec<Row> {
    fn walk(v: &values::Values, node: &Node, path: &mut Vec<String>, rows: &mut Vec<Row>) {
        let Some(m) = node.as_map() else { return };
        for (k, child) in m {
            path.push(k.as_str().unwrap_or_default().to_string());
            let meta = v.meta(path);
            let pass_through = meta.is_some_and(|m| {
                matches!(
                    m.hint,
                    values::Hint::OpenMap
                        | values::Hint::StringMap
                        | values::Hint::ExtraLabels(_)
                        | values::Hint::Resources
                )
            });
            if pass_through || !matches!(&child.value, Value::Map(mm) if !mm.is_empty()) {
                let default = serde_json::to_string(&child.to_json()).unwrap_or_default();
                let description = meta.map_or_else(|| values::fallback_description(path), |m| m.desc.clone());
                rows.push(Row {
                    key: path.join("."),
                    kind: schema::type_name(v, path, child),
                    default: default.replace('|', "\\|"),
                    description: description.replace('|', "\\|"),
                });
            } else {
                walk(v, child, path, rows);
            }
            path.pop();
        }
    }
    let mut rows = Vec::new();
    walk(v, v.root(), &mut Vec::new(), &mut rows);
    rows
}
