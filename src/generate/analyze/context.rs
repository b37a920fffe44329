//! Pass one: facts about the whole input that every kind handler needs before templating
//! (main namespace, workloads and what they own, values slots, and every object's name).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::kube::{self, WorkloadKind};
use crate::manifest::Object;
use crate::yaml::Node;

use super::names::{NameExpr, key_for};
use crate::generate::template::kinds::registry::{self, Naming, Owner, Place};

/// Where an object's values live and how it is named.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Values path of the object's own keys (`[]`, `["service"]`, `["web", "services", "admin"]`).
    pub slot: Vec<String>,
    /// Values path of the workload this object belongs to (`[]` in a single-workload chart).
    pub owner_prefix: Option<Vec<String>>,
    /// Index of the owning workload.
    pub owner: Option<usize>,
    /// The template file under `templates/` (or `crds/` for CRDs); `None` when left out.
    pub file: Option<String>,
}

/// How names render when one chart serves several environments (see [`crate::generate::environments::envs`]).
#[derive(Debug, Clone, Default)]
pub struct EnvNaming {
    /// `(kind, name in this environment)` → the canonical name (without the environment's
    /// prefix, suffix and hash) and the `nameHashes` key of its hash, if it has one.
    pub names: HashMap<(String, String), (String, Option<String>)>,
}

/// Everything pass one learns.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// Chart name.
    pub chart: String,
    /// Objects, in input order.
    pub objects: &'a [Object],
    /// The namespace most objects sit in.
    pub main_namespace: Option<String>,
    /// Indices of pod-running workloads.
    pub workloads: Vec<usize>,
    /// Per object.
    pub plans: Vec<Plan>,
    /// Name expressions by `(kind, name)`.
    pub names: HashMap<(String, String), NameExpr>,
    /// Name expressions by name alone (see [`any_name_map`]).
    pub any_names: HashMap<String, NameExpr>,
    /// Kinds whose namespacing a CRD in the input declares.
    pub crd_scopes: HashMap<String, bool>,
    /// Workload index → the `.Values` path of its autoscaling toggle.
    pub autoscaled: HashMap<usize, Vec<String>>,
    /// Optional objects the input lacks that the chart offers, switched off.
    pub scaffold: Scaffold,
    /// Environment-specific names (multi-environment charts only).
    pub env_naming: Option<EnvNaming>,
    /// The Go expression of the `app.kubernetes.io/version` label: the chart's appVersion, or
    /// the main image's tag value when environments run different tags.
    pub version_label: String,
}

/// The optional objects `helm create` offers and the input did not have, for the one workload
/// of a single-workload chart: each gets a template and an `enabled: false` toggle.
#[derive(Debug, Clone, Default)]
pub struct Scaffold {
    /// The workload they are for.
    pub workload: Option<usize>,
    /// The Service an Ingress would route to (one port, not headless).
    pub ingress_service: Option<usize>,
    /// A HorizontalPodAutoscaler.
    pub autoscaling: bool,
    /// A PodDisruptionBudget.
    pub pdb: bool,
    /// A NetworkPolicy.
    pub network_policy: bool,
}

impl Context<'_> {
    /// The same plans over one environment's version of each object (same order and length),
    /// whose names render through `naming`.
    pub fn for_env<'b>(
        &self,
        objects: &'b [Object],
        main_namespace: Option<String>,
        naming: Option<EnvNaming>,
    ) -> Context<'b> {
        let mut ctx = Context {
            chart: self.chart.clone(),
            objects,
            main_namespace,
            workloads: self.workloads.clone(),
            plans: self.plans.clone(),
            names: HashMap::new(),
            any_names: HashMap::new(),
            crd_scopes: self.crd_scopes.clone(),
            autoscaled: self.autoscaled.clone(),
            scaffold: self.scaffold.clone(),
            env_naming: naming,
            version_label: self.version_label.clone(),
        };
        ctx.names = name_map(&ctx);
        ctx.any_names = any_name_map(&ctx.names);
        ctx
    }

    /// The object's name expression.
    pub fn name_of(&self, kind: &str, name: &str) -> Option<&NameExpr> {
        self.names.get(&(kind.to_string(), name.to_string()))
    }

    /// The name expression of a reference to a `kind` object, or to any object of the chart
    /// with that name when no `kind` object has it (see [`any_name_map`]).
    pub fn name_of_any(&self, kind: &str, name: &str) -> Option<&NameExpr> {
        self.name_of(kind, name).or_else(|| self.any_names.get(name))
    }

    /// True when the object is namespaced (known built-ins, CRD scopes, or a namespace set).
    pub fn is_namespaced(&self, o: &Object) -> bool {
        if let Some(ns) = self.crd_scopes.get(&o.kind) {
            return *ns;
        }
        if kube::is_cluster_scoped(&o.kind, o.group()) {
            return false;
        }
        o.namespace.is_some() || registry::is_known_namespaced(&o.kind)
    }
}

/// Kinds whose names are global or fixed by convention and must never be rewritten.
/// Cluster-wide objects whose name is their identity (an API group version, a class that other
/// objects name): they keep it, so releases side by side share one copy.
pub fn is_shared_cluster_object(kind: &str) -> bool {
    registry::of(kind).is_some_and(|d| d.shared_class)
}

pub fn keeps_literal_name(o: &Object, name: &str) -> bool {
    // `system:` names are reserved for Kubernetes' own objects.
    registry::of(&o.kind).is_some_and(|d| d.keeps_name) || name.starts_with("system:")
}

/// The values key of each workload: none in a single-workload chart, else its name as a key
/// (with its kind when the key is reserved or taken).
fn workload_keys(chart: &str, objects: &[Object], workloads: &[usize]) -> HashMap<usize, Vec<String>> {
    let single = workloads.len() == 1;
    let reserved = [
        "nameOverride",
        "fullnameOverride",
        "config",
        "secrets",
        "ingress",
        "ingresses",
        "global",
        "imagePullSecrets",
        // Chart-wide knobs (see knobs.rs).
        "namespaceOverride",
        "commonLabels",
        "commonAnnotations",
        "extraObjects",
        "serviceMonitor",
        "tests",
        "crds",
    ];
    let mut prefixes: HashMap<usize, Vec<String>> = HashMap::new();
    let mut used: HashSet<String> = HashSet::new();
    for &w in workloads {
        if single {
            prefixes.insert(w, Vec::new());
            continue;
        }
        let name = objects[w].name.clone().unwrap_or_else(|| objects[w].kind.to_lowercase());
        let mut key = key_for(&name, chart);
        if reserved.contains(&key.as_str()) || used.contains(&key) {
            key = format!("{key}{}", objects[w].kind);
        }
        let mut n = 2;
        let base = key.clone();
        while used.contains(&key) {
            key = format!("{base}{n}");
            n += 1;
        }
        used.insert(key.clone());
        prefixes.insert(w, vec![key]);
    }
    prefixes
}

/// Which workload each object belongs to, by its kind's owner rule.
fn owners(objects: &[Object], workloads: &[usize]) -> Vec<Option<usize>> {
    let pod_labels: Vec<(usize, Vec<(String, String)>)> = workloads
        .iter()
        .map(|&w| (w, kube::pod_template(&objects[w].node, &objects[w].kind).map(kube::labels).unwrap_or_default()))
        .collect();
    let select = |sel: Option<&Node>, ns: &Option<String>| -> Option<usize> {
        let sel = sel?;
        if sel.as_map().is_none_or(Vec::is_empty) {
            return None;
        }
        pod_labels
            .iter()
            .find(|(w, labels)| {
                objects[*w].namespace == *ns && !labels.is_empty() && kube::selector_matches(sel, labels)
            })
            .map(|(w, _)| *w)
    };
    let mut owners: Vec<Option<usize>> = vec![None; objects.len()];
    for (i, o) in objects.iter().enumerate() {
        let owner = registry::of(&o.kind).map_or(Owner::None, |d| d.owner);
        owners[i] = match owner {
            Owner::Selector(path) => select(o.node.path(path), &o.namespace),
            Owner::ScaleTarget => {
                let target = o.node.path(&["spec", "scaleTargetRef"]);
                let kind = target.and_then(|t| t.get("kind")).and_then(Node::as_str);
                let name = target.and_then(|t| t.get("name")).and_then(Node::as_str);
                workloads.iter().copied().find(|&w| {
                    Some(objects[w].kind.as_str()) == kind
                        && objects[w].name.as_deref() == name
                        && objects[w].namespace == o.namespace
                })
            }
            Owner::ServiceAccountUser => sole_user(objects, workloads, |pod, w| {
                let sa =
                    pod.str_at(&["spec", "serviceAccountName"]).or_else(|| pod.str_at(&["spec", "serviceAccount"]));
                sa.is_some() && sa == o.name.as_deref() && w.namespace == o.namespace
            }),
            Owner::ClaimUser => sole_user(objects, workloads, |pod, _| {
                pod.path(&["spec", "volumes"]).and_then(Node::as_seq).is_some_and(|vols| {
                    vols.iter().any(|v| v.str_at(&["persistentVolumeClaim", "claimName"]) == o.name.as_deref())
                })
            }),
            Owner::None => None,
        };
    }
    owners
}

/// The one workload whose pod template `uses` accepts (with the workload), if exactly one does.
fn sole_user(objects: &[Object], workloads: &[usize], uses: impl Fn(&Node, &Object) -> bool) -> Option<usize> {
    let mut users = workloads
        .iter()
        .copied()
        .filter(|&w| kube::pod_template(&objects[w].node, &objects[w].kind).is_some_and(|pod| uses(pod, &objects[w])));
    match (users.next(), users.next()) {
        (Some(w), None) => Some(w),
        _ => None,
    }
}

/// Each object's values slot: objects of one slot kind under one owner are grouped; one alone
/// gets the singular key, several the plural key and each its name. A workload's slot is its
/// own key.
fn plans(
    chart: &str,
    objects: &[Object],
    owners: &[Option<usize>],
    prefixes: &HashMap<usize, Vec<String>>,
) -> Vec<Plan> {
    let mut groups: BTreeMap<(Vec<String>, &'static str), Vec<usize>> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        let Some(kind_slot) = slot_kind(&o.kind) else { continue };
        let prefix = owners[i].map(|w| prefixes[&w].clone()).unwrap_or_default();
        groups.entry((prefix, kind_slot)).or_default().push(i);
    }
    let mut plans: Vec<Plan> = vec![Plan::default(); objects.len()];
    for ((prefix, kind_slot), members) in &groups {
        let (singular, plural) = slot_names(kind_slot);
        let keyed =
            members.len() > 1 || registry::by_slot(kind_slot).and_then(|d| d.slot).is_some_and(|s| s.always_keyed);
        // A set: a scan per object made thousands of objects of one kind quadratic.
        let mut used_keys: HashSet<String> = HashSet::new();
        for &i in members {
            let mut slot = prefix.clone();
            if keyed {
                slot.push(plural.to_string());
                let name = objects[i].name.clone().unwrap_or_else(|| "main".into());
                let mut key = key_for(&name, chart);
                let base = key.clone();
                let mut n = 2;
                while used_keys.contains(&key) || key == "existingSecret" || key == "enabled" {
                    key = format!("{base}{n}");
                    n += 1;
                }
                used_keys.insert(key.clone());
                slot.push(key);
            } else {
                slot.push(singular.to_string());
            }
            plans[i].slot = slot;
        }
    }
    for (i, plan) in plans.iter_mut().enumerate() {
        plan.owner = owners[i];
        plan.owner_prefix = owners[i].map(|w| prefixes[&w].clone());
        if let Some(p) = prefixes.get(&i) {
            plan.slot = p.clone();
            plan.owner = Some(i);
            plan.owner_prefix = Some(p.clone());
        }
    }
    plans
}

/// Workload index → the `.Values` path of the toggle of the autoscaler the input has for it.
fn autoscaled(objects: &[Object], owners: &[Option<usize>], plans: &[Plan]) -> HashMap<usize, Vec<String>> {
    let mut autoscaled = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        if registry::of(&o.kind).is_some_and(|d| d.owner == Owner::ScaleTarget) {
            if let Some(w) = owners[i] {
                let mut p = plans[i].slot.clone();
                p.push("enabled".into());
                autoscaled.insert(w, p);
            }
        }
    }
    autoscaled
}

/// The app version label's default expression.
pub const APP_VERSION: &str = ".Chart.AppVersion";

/// Runs pass one.
pub fn analyze<'a>(chart: &str, objects: &'a [Object]) -> Context<'a> {
    let main_namespace = main_namespace(objects);
    let workloads: Vec<usize> =
        objects.iter().enumerate().filter(|(_, o)| WorkloadKind::of(&o.kind).is_some()).map(|(i, _)| i).collect();
    let crd_scopes = crd_scopes(objects);
    let prefixes = workload_keys(chart, objects, &workloads);
    let owners = owners(objects, &workloads);
    let plans = plans(chart, objects, &owners, &prefixes);
    let mut autoscaled = autoscaled(objects, &owners, &plans);

    let scaffold = scaffold(objects, &workloads, &plans);
    if let (Some(w), true) = (scaffold.workload, scaffold.autoscaling) {
        autoscaled.insert(w, vec!["autoscaling".into(), "enabled".into()]);
    }

    let mut ctx = Context {
        scaffold,
        chart: chart.to_string(),
        objects,
        main_namespace,
        workloads,
        plans,
        names: HashMap::new(),
        any_names: HashMap::new(),
        crd_scopes,
        autoscaled,
        env_naming: None,
        version_label: APP_VERSION.to_string(),
    };
    ctx.names = name_map(&ctx);
    ctx.any_names = any_name_map(&ctx.names);
    assign_files(&mut ctx);
    ctx
}

fn scaffold(objects: &[Object], workloads: &[usize], plans: &[Plan]) -> Scaffold {
    let [w] = workloads else { return Scaffold::default() };
    let o = &objects[*w];
    if !matches!(o.kind.as_str(), "Deployment" | "StatefulSet")
        || o.node.path(&["spec", "selector", "matchLabels"]).is_none()
    {
        return Scaffold::default();
    }
    let lacks = |kind: &str| !objects.iter().any(|x| x.kind == kind);
    let ingress_service = objects.iter().enumerate().position(|(i, x)| {
        x.kind == "Service"
            && plans[i].slot == ["service"]
            && x.node.str_at(&["spec", "clusterIP"]) != Some("None")
            && x.node
                .path(&["spec", "ports"])
                .and_then(Node::as_seq)
                .is_some_and(|p| !p.is_empty() && p.iter().all(|p| p.get("port").and_then(Node::as_i64).is_some()))
    });
    Scaffold {
        workload: Some(*w),
        ingress_service: ingress_service.filter(|_| lacks("Ingress")),
        // A KEDA ScaledObject or an evicting VPA already owns the pod count (or sizes): a second
        // autoscaler would fight it.
        autoscaling: lacks("HorizontalPodAutoscaler")
            && !objects
                .iter()
                .filter_map(|x| kube::scaler(&x.kind, &x.node))
                .any(|s| s.target_kind == o.kind && Some(s.target_name) == o.name.as_deref()),
        pdb: lacks("PodDisruptionBudget"),
        network_policy: lacks("NetworkPolicy"),
    }
}

fn slot_kind(kind: &str) -> Option<&'static str> {
    registry::of(kind)?.slot.map(|s| s.singular)
}

fn slot_names(kind_slot: &str) -> (&'static str, &'static str) {
    registry::by_slot(kind_slot).and_then(|d| d.slot).map_or(("persistence", "persistence"), |s| (s.singular, s.plural))
}

/// The keys of a map node (a label map), sorted.
pub fn map_keys(map: Option<&Node>) -> Vec<String> {
    let mut keys: Vec<String> =
        map.and_then(Node::as_map).into_iter().flatten().filter_map(|(k, _)| k.as_str().map(str::to_string)).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Every label key the input's objects and pod templates write themselves: a label the chart
/// adds to all of them must not repeat one.
pub fn literal_label_keys(ctx: &Context<'_>) -> Vec<String> {
    let mut keys: Vec<String> = ctx
        .objects
        .iter()
        .flat_map(|o| {
            let pod = crate::kube::pod_template(&o.node, &o.kind);
            map_keys(o.node.path(&["metadata", "labels"]))
                .into_iter()
                .chain(map_keys(pod.and_then(|p| p.path(&["metadata", "labels"]))))
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

pub fn main_namespace(objects: &[Object]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in objects {
        if let Some(ns) = &o.namespace {
            *counts.entry(ns.as_str()).or_default() += 1;
        }
    }
    // Most objects win; ties go to the name that sorts first, so the choice is stable.
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(ns, _)| ns.to_string())
}

fn crd_scopes(objects: &[Object]) -> HashMap<String, bool> {
    objects
        .iter()
        .filter(|o| o.kind == "CustomResourceDefinition")
        .filter_map(|o| {
            let kind = o.node.str_at(&["spec", "names", "kind"])?;
            let scope = o.node.str_at(&["spec", "scope"]).unwrap_or("Namespaced");
            Some((kind.to_string(), scope == "Namespaced"))
        })
        .collect()
}

fn name_map(ctx: &Context<'_>) -> HashMap<(String, String), NameExpr> {
    let chart = &ctx.chart;
    let mut names = HashMap::new();
    for (i, o) in ctx.objects.iter().enumerate() {
        let Some(name) = &o.name else { continue };
        let base = object_name(ctx, o, name);
        let plan = &ctx.plans[i];
        let expr = match registry::of(&o.kind).map_or(Naming::Base, |d| d.naming) {
            Naming::ServiceAccountHelper if plan.owner.is_some() => {
                NameExpr::Helper(sa_helper(chart, plan), name.clone())
            }
            Naming::ExistingSecret => {
                let mut p = plan.slot.clone();
                p.push("existingSecret".into());
                NameExpr::ExistingOr(super::names::values_ref(&p), Box::new(base))
            }
            _ => base,
        };
        names.insert((o.kind.clone(), name.clone()), expr);
    }
    // Secrets that cert-manager writes for a Certificate of the chart are the chart's too:
    // release-named, so two releases never share one, with every reference following.
    for o in ctx.objects.iter().filter(|o| o.kind == "Certificate" && o.group() == "cert-manager.io") {
        if let Some(secret) = o.node.str_at(&["spec", "secretName"]) {
            names.entry(("Secret".to_string(), secret.to_string())).or_insert_with(|| base_name(chart, o, secret));
        }
    }
    names
}

/// Each name the chart rewrites, whatever the kind: references whose kind is unknown (a flag
/// value, a custom resource's `*Ref`) or an object another object of the input creates (a
/// Secret a Job writes, named like the Job's other objects) follow it.
fn any_name_map(names: &HashMap<(String, String), NameExpr>) -> HashMap<String, NameExpr> {
    let mut sorted: Vec<_> = names.iter().filter(|(_, e)| !matches!(e, NameExpr::Literal(_))).collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = HashMap::new();
    for ((_, name), expr) in sorted {
        out.entry(name.clone()).or_insert_with(|| expr.clone());
    }
    out
}

/// The name of `kind`/`name` as the chart knows it: in a multi-environment chart without the
/// environment's prefix, suffix and hash, so that values keys made from it are the same in
/// every environment.
pub fn canonical_name(ctx: &Context<'_>, kind: &str, name: &str) -> String {
    ctx.env_naming
        .as_ref()
        .and_then(|n| n.names.get(&(kind.to_string(), name.to_string())))
        .map_or_else(|| name.to_string(), |(canonical, _)| canonical.clone())
}

/// [`base_name`], or in a multi-environment chart the environment-aware name.
pub fn object_name(ctx: &Context<'_>, o: &Object, name: &str) -> NameExpr {
    if let Some((canonical, hash)) = ctx
        .env_naming
        .as_ref()
        .filter(|_| !keeps_literal_name(o, name))
        .and_then(|n| n.names.get(&(o.kind.clone(), name.to_string())))
    {
        return NameExpr::EnvName(canonical.clone(), hash.clone(), super::names::name_limit(&o.kind));
    }
    base_name(&ctx.chart, o, name)
}

/// How an object's own name is written, before kind-specific wrapping (service account
/// helpers, `existingSecret`).
pub fn base_name(chart: &str, o: &Object, name: &str) -> NameExpr {
    let limit = super::names::name_limit(&o.kind);
    if keeps_literal_name(o, name) {
        NameExpr::Literal(name.to_string())
    } else if name == chart {
        NameExpr::Fullname(None, limit)
    } else if let Some(rest) = name.strip_prefix(&format!("{chart}-")) {
        NameExpr::Fullname(Some(rest.to_string()), limit)
    } else {
        NameExpr::Component(name.to_string(), limit)
    }
}

/// The named template that yields a workload's service account name.
pub fn sa_helper(chart: &str, plan: &Plan) -> String {
    match plan.owner_prefix.as_deref() {
        Some([]) | None => format!("{chart}.serviceAccountName"),
        Some(p) => format!("{chart}.{}.serviceAccountName", p.join(".")),
    }
}

fn short_kind(kind: &str) -> String {
    registry::of(kind).and_then(|d| d.stem).map_or_else(|| slug(kind, "object"), str::to_string)
}

/// Where an object of `kind` goes in the chart.
pub fn place(kind: &str) -> Place {
    registry::of(kind).map_or(Place::Templates, |d| d.place)
}

/// A file-name slug: lower-case ASCII letters, digits and single dashes, never empty, never
/// starting with `_` or `.` (Helm skips those as partials or hidden files). Kinds and names are
/// input text, so nothing else of theirs may reach a path: no `/`, `\\`, `..`, NUL or newline.
pub fn slug(s: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() { fallback.to_string() } else { out.to_string() }
}

/// Longest template file stem: object names run to 253 characters, file names to 255 bytes, and
/// a namespace or counter suffix may follow.
const MAX_STEM: usize = 100;

/// `stem` cut to [`MAX_STEM`] with a digest of the whole, so long names stay unique.
fn bounded_stem(stem: String) -> String {
    use sha2::Digest as _;
    if stem.len() <= MAX_STEM {
        return stem;
    }
    let digest = format!("{:x}", sha2::Sha256::digest(stem.as_bytes()));
    // slug() leaves ASCII only, so any byte index is a char boundary.
    format!("{}-{}", stem[..MAX_STEM - 11].trim_end_matches('-'), &digest[..10])
}

fn assign_files(ctx: &mut Context<'_>) {
    let mut per_kind: HashMap<String, usize> = HashMap::new();
    for o in ctx.objects {
        *per_kind.entry(o.kind.clone()).or_default() += 1;
    }
    let mut taken: HashSet<String> = HashSet::new();
    for (i, o) in ctx.objects.iter().enumerate() {
        let place = place(&o.kind);
        if place == Place::LeftOut {
            continue;
        }
        let stem = if place == Place::Crds {
            slug(o.name.as_deref().unwrap_or("crd"), "crd")
        } else if per_kind[&o.kind] == 1 {
            short_kind(&o.kind)
        } else {
            let name = o.name.clone().unwrap_or_else(|| {
                o.node.str_at(&["metadata", "generateName"]).unwrap_or("object").trim_end_matches('-').to_string()
            });
            format!("{}-{}", short_kind(&o.kind), slug(&name, "object"))
        };
        let stem = bounded_stem(stem);
        let dir = if place == Place::Crds { "crds" } else { "templates" };
        let mut file = format!("{dir}/{stem}.yaml");
        let mut n = 2;
        while taken.contains(&file) {
            let ns = o.namespace.as_deref().map(|n| slug(n, "")).unwrap_or_default();
            file = if n == 2 && !ns.is_empty() {
                format!("{dir}/{stem}-{ns}.yaml")
            } else {
                format!("{dir}/{stem}-{n}.yaml")
            };
            n += 1;
        }
        taken.insert(file.clone());
        ctx.plans[i].file = Some(file);
    }
}
