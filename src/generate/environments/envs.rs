//! One chart for several environments (`generate --env`): `values.yaml` is the first
//! environment's values and `values-<env>.yaml` holds only what differs from it.
//!
//! 1. Identity (`affixes`): per environment, the name prefix and suffix that differ per environment
//!    (kustomize `namePrefix`/`nameSuffix`) and kustomize's hash suffixes on ConfigMap and
//!    Secret names are split off, so `(group, kind, canonical name)` finds the same object in
//!    every environment. They come back as values (`namePrefix`, `nameSuffix`, `nameHashes`)
//!    read by the `envName` helper, so each environment renders its own names, every reference
//!    follows, and other release names still prefix them.
//! 2. Union: every object of any environment; one absent from some gets a toggle.
//! 3. Pass one runs once over the union (same slots and files for all); pass two runs per
//!    environment over that environment's objects; `envmerge` merges the trees.
//! 4. Values (`values_diff`): the union of the environments' values, the base environment winning; each
//!    environment's file is the difference, with `null` where Helm must drop a default.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::manifest::{Loaded, Object};
use crate::yaml::{Node, Value};

use super::affixes::{Affixes, Key, canonical, detect_affixes, key_of, renamable, split_hash};
use super::context::{self, EnvNaming};
use super::envmerge::{self, Lifted, Merger};
use super::values::{Hint, Values};
use super::values_diff::{add_missing, diff, keep_ignored_replicas, keep_switched_off, overlay, remove_path};
use super::{Chart, GenerateError, Options, check_options, files, finish, name_generated, new_gen, template_objects};

/// One environment's input to a multi-environment chart.
pub struct EnvInput {
    /// The environment's name (a DNS label: `dev`, `prod`).
    pub name: String,
    /// Its objects.
    pub loaded: Loaded,
}

/// The environment's main namespace: the one most of its objects sit in (`None` when none
/// names one).
pub fn env_namespace(env: &EnvInput) -> Option<String> {
    context::main_namespace(&env.loaded.objects)
}

/// Why environments cannot make one chart.
fn check_envs(envs: &[EnvInput]) -> Result<(), GenerateError> {
    if envs.is_empty() {
        return Err(GenerateError::NoObjects);
    }
    for (i, e) in envs.iter().enumerate() {
        let ok = !e.name.is_empty()
            && e.name.len() <= 63
            && e.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !e.name.starts_with('-')
            && !e.name.ends_with('-');
        if !ok {
            return Err(GenerateError::BadEnvName(e.name.clone()));
        }
        if envs[..i].iter().any(|x| x.name == e.name) {
            return Err(GenerateError::RepeatedEnv(e.name.clone()));
        }
        if e.loaded.objects.is_empty() {
            return Err(GenerateError::EnvNoObjects(e.name.clone()));
        }
    }
    Ok(())
}

/// Builds one chart for several environments: values.yaml is the first environment's, and
/// `values-<env>.yaml` holds only what differs from it.
pub fn generate_envs(envs: &[EnvInput], opts: &Options) -> Result<Chart, GenerateError> {
    check_options(opts)?;
    check_envs(envs)?;
    super::bounds::check_objects(envs.iter().map(|e| e.loaded.objects.len()).sum())?;
    for e in envs {
        super::check_images(&e.loaded.objects)?;
    }
    let n = envs.len();
    let tera = files::load(opts.templates.as_deref())?;
    let mut env_notes: Vec<Vec<String>> = vec![Vec::new(); n];
    let objects: Vec<Vec<Object>> =
        envs.iter().zip(env_notes.iter_mut()).map(|(e, notes)| name_generated(&e.loaded.objects, notes)).collect();
    let mains: Vec<Option<String>> = objects.iter().map(|o| context::main_namespace(o)).collect();
    let affixes = detect_affixes(&objects);

    let at = union_rows(&objects, &affixes, &mains);
    let (union, renames) = union_objects(&at, &objects, &affixes, &mains);
    let hash_keys = hash_keys_of(&at, &objects, &affixes, &union);
    let naming_on = affixes.any() || !hash_keys.is_empty();
    let ctx_u = context::analyze(&opts.name, &union);
    let (env_objects, namings): (Vec<Vec<Object>>, Vec<EnvNaming>) =
        (0..n).map(|e| env_objects_of(e, &at, &objects, &union, &affixes, &mains, &hash_keys)).unzip();
    let mut ctxs: Vec<context::Context<'_>> = env_objects
        .iter()
        .zip(namings)
        .enumerate()
        .map(|(e, (objs, naming))| ctx_u.for_env(objs, mains[e].clone(), naming_on.then_some(naming)))
        .collect();
    if opts.app_version.is_none() {
        version_from_image_tags(&mut ctxs);
    }

    // Pass two per environment, the environments side by side.
    let runs: Vec<(super::kinds::Gen<'_>, super::Templates)> = std::thread::scope(|scope| {
        let handles: Vec<_> = ctxs
            .iter()
            .zip(env_notes.iter_mut())
            .enumerate()
            .map(|(e, (ctx, notes))| {
                let (affixes, hash_keys, at, objects) = (&affixes, &hash_keys, &at, &objects);
                scope.spawn(move || {
                    let mut values = super::base_values();
                    if naming_on {
                        naming_values(&mut values, affixes, e, hash_keys, at, objects);
                    }
                    let mut g = new_gen(ctx, opts, values);
                    let t = template_objects(&mut g, opts, notes);
                    (g, t)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    let (mut gens, mut templates): (Vec<_>, Vec<_>) = runs.into_iter().unzip();

    // The union of the values: the base environment's, then what the others add.
    let mut union_values = gens[0].values.clone();
    for g in &gens[1..] {
        add_missing(union_values.root_mut(), g.values.root(), &mut Vec::new(), &g.values);
        for (k, m) in &g.values.meta {
            union_values.meta.entry(k.clone()).or_insert_with(|| m.clone());
        }
    }
    union_values.reindex();

    // Merge the templates.
    let uv = &union_values;
    let taken = move |p: &[String]| uv.lookup(p).is_some();
    let uv2 = &union_values;
    let chart_map = move |p: &[String]| {
        let is_map = if p.is_empty() { true } else { uv2.lookup(p).is_some_and(|n| n.as_map().is_some()) };
        is_map
            && !(1..=p.len()).any(|k| {
                uv2.meta(&p[..k]).is_some_and(|m| matches!(m.hint, Hint::StringMap | Hint::OpenMap | Hint::Resources))
            })
    };
    let gens_ref = &gens;
    let value_of = move |e: usize, r: &str| -> Option<Node> {
        let keys: Vec<&str> = r.strip_prefix(".Values.")?.split('.').collect();
        gens_ref[e].values.lookup(&keys).cloned()
    };
    let mut merger = Merger::new(n, &taken, &chart_map, &value_of);
    merger.chart = opts.name.clone();
    let Merged { files: merged, moved, homes } =
        merge_templates(&mut merger, &ctx_u, &union, &at, &templates, &env_objects, &union_values, &chart_map);
    let absent = std::mem::take(&mut merger.absent);
    let lifted = merger.lifted;

    // Each environment's full values, and the chart's defaults.
    let mut env_values: Vec<Values> = gens.iter().map(|g| g.values.clone()).collect();
    for l in &lifted {
        let resolved = l.resolved();
        // A handler's own switch keeps its description.
        let desc = match union_values.meta(&l.path) {
            Some(m) if l.desc.is_empty() => m.desc.clone(),
            _ => l.desc.clone(),
        };
        for (e, v) in env_values.iter_mut().enumerate() {
            v.set(&l.path, resolved[e].clone(), desc.clone(), Hint::Plain);
        }
        // A switch of its own (`argsDebug.enabled`): its map says what it switches too.
        if let Some((last, parent)) = l.path.split_last() {
            if last == "enabled" && union_values.meta(parent).is_none() && l.desc.starts_with("Render ") {
                union_values.describe(parent, "A part only some environments have; `enabled` renders it.");
            }
        }
        union_values.set(&l.path, resolved[0].clone(), desc, Hint::Plain);
    }
    // Keys whose presence is the switch: out of the defaults when the first environment lacks
    // them, out of each environment's values where it lacks them (null in its file).
    for (p, off) in &absent {
        if off.contains(&0) {
            union_values.unset(p);
            // values.yaml still names the key, so a maintainer finds it.
            if let Some((key, map)) = p.split_last() {
                if let Some(m) = union_values.meta(map) {
                    let desc = format!("{} `{key}` renders only where set (some environments set it).", m.desc);
                    union_values.describe_again(map, desc);
                }
            }
        } else {
            union_values.mark_optional(p);
        }
    }
    super::describe_plural_keys(&mut union_values);
    describe_env_keys(&mut union_values, &homes);
    let full: Vec<Node> = env_values
        .iter()
        .map(|v| {
            let mut f = overlay(union_values.root(), v.root(), &mut Vec::new(), v);
            keep_switched_off(union_values.root(), &mut f, &mut Vec::new(), &union_values);
            keep_ignored_replicas(union_values.root(), &mut f);
            f
        })
        .collect();
    let mut full = full;
    for (p, off) in &absent {
        for &e in off {
            remove_path(&mut full[e], p);
        }
    }
    // Descriptions name objects as the base environment does; the chart's names are canonical.
    for m in union_values.meta.values_mut() {
        if m.desc.contains('`') {
            m.desc = canonical_quotes(&m.desc, &renames[0]);
        }
    }

    let mut base = gens.swap_remove(0);
    let base_templates = templates.swap_remove(0);
    base.values = union_values.clone();
    let mut t0 = base_templates;
    for (file, text) in merged {
        t0.out.insert(file, text);
    }
    for file in moved {
        // With `--crds templates` the CRD was also templated under templates/crds/.
        t0.out.remove(&format!("templates/{file}"));
        t0.out.remove(&file);
    }
    let object_count = envs[0].loaded.objects.len();
    // The other environments' notes (objects left out, words that may name a Service), once each.
    let others: Vec<String> = env_notes[1..]
        .iter()
        .flatten()
        .cloned()
        .chain(gens.iter().flat_map(|g| g.maybe_refs.iter().cloned()))
        .collect();
    let env_values: Vec<(String, serde_json::Value)> =
        envs.iter().zip(&full).skip(1).map(|(env, f)| (format!("values-{}.yaml", env.name), f.to_json())).collect();
    let mut chart = finish(&tera, base, t0, opts, std::mem::take(&mut env_notes[0]), object_count, &env_values)?;
    let mut said: HashSet<String> = chart.notes.iter().cloned().collect();
    for note in others {
        if said.insert(note.clone()) {
            chart.notes.push(note);
        }
    }

    values_files(&mut chart, envs, &union_values, &full);
    add_env_docs(&mut chart, envs, &mains, opts);
    chart.notes.extend(naming_notes(envs, &affixes, hash_keys.len()));
    super::bounds::check_chart(&chart)?;
    Ok(chart)
}

/// Environments that run different tags of the main image label their objects with their own
/// tag (the image tag value, else the appVersion) rather than all with the first one's.
fn version_from_image_tags(ctxs: &mut [context::Context<'_>]) {
    let tags: Vec<Option<String>> = ctxs.iter().map(super::main_tag).collect();
    if tags.iter().all(|t| *t == tags[0]) {
        return;
    }
    for ctx in ctxs {
        let Some(&w) = ctx.workloads.first() else { return };
        let mut path = ctx.plans[w].slot.clone();
        path.extend(["image".to_string(), "tag".to_string()]);
        ctx.version_label = format!("({} | default {})", super::names::values_ref(&path), context::APP_VERSION);
    }
}

/// Which object of each environment is which: one row per object of the union (in the first
/// environment's order, each addition after its neighbour), holding its index in each
/// environment that has it.
fn union_rows(objects: &[Vec<Object>], affixes: &Affixes, mains: &[Option<String>]) -> Vec<Row> {
    let n = objects.len();
    // Rows in creation order, threaded into union order by `next` (a list, so inserting after
    // the last row an environment touched is O(1)), and found by key through `index`: a
    // position scan per object made thousands of objects quadratic (issue 21 item 9).
    let mut rows: Vec<Row> = Vec::new();
    let mut next: Vec<Option<usize>> = Vec::new();
    let mut head: Option<usize> = None;
    let mut index: HashMap<Key, usize> = HashMap::new();
    for (e, objs) in objects.iter().enumerate() {
        // The row the next new object goes after (`None`: first of the union).
        let mut prev: Option<usize> = None;
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for (j, o) in objs.iter().enumerate() {
            let mut k = key_of(affixes, e, o, &mains[e]);
            // Objects that collide within an environment stay apart.
            let dup = seen.entry(k.clone()).or_default();
            *dup += 1;
            if *dup > 1 {
                k.2 = format!("{}\u{0}{dup}", k.2);
            }
            match index.get(&k) {
                Some(&p) => {
                    rows[p][e] = Some(j);
                    prev = Some(p);
                }
                None => {
                    let id = rows.len();
                    let mut row = vec![None; n];
                    row[e] = Some(j);
                    rows.push(row);
                    match prev {
                        Some(p) => {
                            next.push(next[p]);
                            next[p] = Some(id);
                        }
                        None => {
                            next.push(head);
                            head = Some(id);
                        }
                    }
                    index.insert(k, id);
                    prev = Some(id);
                }
            }
        }
    }
    let mut order = Vec::with_capacity(rows.len());
    let mut at = head;
    while let Some(id) = at {
        order.push(id);
        at = next[id];
    }
    let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|id| rows[id].take()).collect()
}

/// An object of the union in each environment (`None` where it lacks it).
type Row = Vec<Option<usize>>;

/// The union's objects for pass one: each as its first environment has it, with canonical
/// names, whole-string references to renamed objects and the main namespace made canonical;
/// and each environment's renames (name → canonical name).
fn union_objects(
    at: &[Row],
    objects: &[Vec<Object>],
    affixes: &Affixes,
    mains: &[Option<String>],
) -> (Vec<Object>, Vec<HashMap<String, String>>) {
    let mut renames: Vec<HashMap<String, String>> = vec![HashMap::new(); objects.len()];
    for (e, objs) in objects.iter().enumerate() {
        for o in objs {
            if let (Some(name), Some((c, _))) = (&o.name, canonical(affixes, e, o)) {
                if *name != c {
                    renames[e].insert(name.clone(), c);
                }
            }
        }
    }
    let union = at
        .iter()
        .map(|row| {
            let e = row.iter().position(Option::is_some).unwrap_or(0);
            let mut o = objects[e][row[e].unwrap_or(0)].clone();
            canonicalize_strings(&mut o.node, &renames[e]);
            if let Some(name) = &o.name {
                let c = renames[e].get(name).cloned().unwrap_or_else(|| name.clone());
                set_name(&mut o, &c);
            }
            if o.namespace == mains[e] && mains[e].is_some() {
                set_namespace(&mut o, mains[0].clone());
            }
            o
        })
        .collect();
    (union, renames)
}

/// The `nameHashes` key of each union object whose name carries a kustomize hash in some
/// environment: its canonical name (numbered if two share one).
fn hash_keys_of(at: &[Row], objects: &[Vec<Object>], affixes: &Affixes, union: &[Object]) -> BTreeMap<usize, String> {
    let mut hash_keys = BTreeMap::new();
    let mut used: HashSet<String> = HashSet::new();
    for (u, row) in at.iter().enumerate() {
        let hashed = row
            .iter()
            .enumerate()
            .any(|(e, j)| j.and_then(|j| canonical(affixes, e, &objects[e][j])).is_some_and(|(_, h)| h.is_some()));
        if hashed {
            let base = union[u].name.clone().unwrap_or_default();
            let mut key = base.clone();
            let mut i = 2;
            while used.contains(&key) {
                key = format!("{base}-{i}");
                i += 1;
            }
            used.insert(key.clone());
            hash_keys.insert(u, key);
        }
    }
    hash_keys
}

/// Environment `e`'s objects in union order, and how their names render. Objects it lacks
/// stand in from the union under the names they would have there (their trees are left out of
/// the merge).
fn env_objects_of(
    e: usize,
    at: &[Row],
    objects: &[Vec<Object>],
    union: &[Object],
    affixes: &Affixes,
    mains: &[Option<String>],
    hash_keys: &BTreeMap<usize, String>,
) -> (Vec<Object>, EnvNaming) {
    let mut objs = Vec::new();
    let mut naming = EnvNaming::default();
    for (u, row) in at.iter().enumerate() {
        let o = match row[e] {
            Some(j) => objects[e][j].clone(),
            None => {
                let mut o = union[u].clone();
                if renamable(&o).is_some() {
                    let canonical = o.name.clone().unwrap_or_default();
                    set_name(&mut o, &format!("{}{canonical}{}", affixes.prefix[e], affixes.suffix[e]));
                }
                if o.namespace == mains[0] && o.namespace.is_some() {
                    set_namespace(&mut o, mains[e].clone());
                }
                o
            }
        };
        if let (Some(name), Some(_)) = (&o.name, renamable(&o)) {
            let c = canonical(affixes, e, &o).map(|(c, _)| c).unwrap_or_else(|| name.clone());
            naming.names.insert((o.kind.clone(), name.clone()), (c, hash_keys.get(&u).cloned()));
        }
        objs.push(o);
    }
    (objs, naming)
}

/// values-<env>.yaml, and the checks of each environment's values against a schema that
/// admits each environment's own scalars (a Service type one environment leaves empty...).
fn values_files(chart: &mut Chart, envs: &[EnvInput], union_values: &Values, full: &[Node]) {
    for (e, env) in envs.iter().enumerate() {
        let file = format!("values-{}.yaml", env.name);
        let diff = if e == 0 { None } else { diff(union_values.root(), &full[e]) };
        let mut text = if e == 0 {
            format!(
                "# The {} environment: the chart's defaults (values.yaml) are its values, so this file sets nothing.\n",
                env.name
            )
        } else {
            format!("# The {} environment: only what differs from values.yaml.\n", env.name)
        };
        if let Some(d) = diff {
            let mut v = Values::from_root(d, union_values.meta.clone());
            describe_data_keys(&mut v);
            text.push('\n');
            text.push_str(&v.to_yaml());
        }
        chart.files.insert(file, text);
    }
}

/// The merged template files, the `crds/` files that became templates, and the objects whose
/// keys went under `environment.<object>`.
struct Merged {
    files: BTreeMap<String, String>,
    moved: Vec<String>,
    homes: BTreeMap<Vec<String>, String>,
}

/// Merges every object's templates from the environments that have it.
#[allow(clippy::too_many_arguments)]
fn merge_templates(
    m: &mut Merger<'_>,
    ctx_u: &context::Context<'_>,
    union: &[Object],
    at: &[Row],
    templates: &[super::Templates],
    env_objects: &[Vec<Object>],
    union_values: &Values,
    chart_map: &dyn Fn(&[String]) -> bool,
) -> Merged {
    let n = m.envs;
    let file_index: HashMap<String, usize> =
        ctx_u.plans.iter().enumerate().filter_map(|(i, p)| Some((p.file.clone()?, i))).collect();
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    let mut homes: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let files: Vec<String> = templates[0].docs.keys().cloned().collect();
    for file in &files {
        let u = file_index.get(file).copied();
        let present: Vec<usize> = (0..n).filter(|&e| u.is_none_or(|u| at[u][e].is_some())).collect();
        let docs: Vec<(usize, &super::tpl::Document)> =
            present.iter().filter_map(|&e| Some((e, templates[e].docs.get(file)?))).collect();
        if docs.is_empty() {
            continue;
        }
        let (slot, home, what) = match u {
            Some(u) => {
                let slot = ctx_u.plans[u].slot.clone();
                let own = if slot.is_empty() { ctx_u.workloads == [u] } else { chart_map(&slot) };
                let o = &union[u];
                let home = envmerge::home_of(&slot, &o.kind, o.name.as_deref().unwrap_or_default(), own);
                if !own {
                    homes.insert(home.clone(), o.display_name());
                }
                (slot, home, o.display_name())
            }
            None => (Vec::new(), Vec::new(), file.clone()),
        };
        let mut out = m.merge_doc(&home, &what, &docs);
        if present.len() < n {
            let cond = if out.len() == 1 { out[0].condition.take() } else { None };
            let p = presence(m, union_values, (&slot, &home), &what, &present, cond);
            for doc in &mut out {
                doc.condition = Some(doc.condition.take().map_or_else(|| p.clone(), |c| format!("and {p} ({c})")));
            }
        }
        merged.insert(file.clone(), render_all(&out));
    }
    // CRDs under crds/ are installed as written: one that differs between environments, or
    // that some lack, becomes a template like any other object.
    let mut moved: Vec<String> = Vec::new();
    for (u, row) in at.iter().enumerate() {
        let o = &union[u];
        let Some(file) = ctx_u.plans[u].file.clone().filter(|_| o.kind == "CustomResourceDefinition") else {
            continue;
        };
        let present: Vec<usize> = (0..n).filter(|&e| row[e].is_some()).collect();
        let nodes: Vec<&Node> = present.iter().map(|&e| &env_objects[e][u].node).collect();
        if present.len() == n && nodes.iter().all(|x| *x == nodes[0]) {
            continue;
        }
        let docs: Vec<super::tpl::Document> = nodes
            .iter()
            .map(|x| super::tpl::Document { body: super::tpl::Tree::from_node(x), condition: None })
            .collect();
        let refs: Vec<(usize, &super::tpl::Document)> = present.iter().copied().zip(&docs).collect();
        let home = envmerge::home_of(&[], &o.kind, o.name.as_deref().unwrap_or_default(), false);
        homes.insert(home.clone(), o.display_name());
        let what = o.display_name();
        let mut out = m.merge_doc(&home, &what, &refs);
        if present.len() < n {
            let p = presence(m, union_values, (&[], &home), &what, &present, None);
            for doc in &mut out {
                doc.condition = Some(doc.condition.take().map_or_else(|| p.clone(), |c| format!("and {p} ({c})")));
            }
        }
        let stem = file.trim_start_matches("crds/");
        let mut target = format!("templates/crd-{stem}");
        let mut i = 2;
        while templates[0].out.contains_key(&target) || merged.contains_key(&target) {
            target = format!("templates/crd-{i}-{stem}");
            i += 1;
        }
        merged.insert(target, render_all(&out));
        moved.push(file);
    }
    Merged { files: merged, moved, homes }
}

/// One or more documents of a template file.
fn render_all(docs: &[super::tpl::Document]) -> String {
    docs.iter().map(super::tpl::render).collect::<Vec<_>>().join("---\n")
}

/// The condition of a document only some environments have: the handler's own `enabled`
/// toggle when it has one, else a new `enabled` value.
fn presence(
    m: &mut Merger<'_>,
    values: &Values,
    (slot, home): (&[String], &[String]),
    what: &str,
    present: &[usize],
    cond: Option<String>,
) -> String {
    let per_env: Vec<Option<Node>> = (0..m.envs).map(|e| Some(Node::new(Value::Bool(present.contains(&e))))).collect();
    let own = super::values::join(slot, &["enabled"]);
    let own_ref = super::names::values_ref(&own);
    if cond.as_deref() == Some(own_ref.as_str()) && values.lookup(&own).is_some_and(|v| v.as_bool() == Some(true)) {
        let desc = values.meta(&own).map_or_else(|| format!("Create {what}."), |meta| meta.desc.clone());
        m.lift(Lifted { path: own, per_env, desc });
        return own_ref;
    }
    let p = m.alloc(super::values::join(home, &["enabled"]));
    let r = m.add(p, per_env, format!("Create {what} (only some environments have it)."));
    match cond {
        Some(c) => format!("and {r} ({c})"),
        None => r,
    }
}

/// A `# --` line for each key of an environment's file that the model does not describe (keys
/// of passed-through maps: ConfigMap data, resources, annotations).
fn describe_data_keys(v: &mut Values) {
    fn walk(node: &Node, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
        let Some(m) = node.as_map() else { return };
        for (k, child) in m {
            path.push(k.as_str().unwrap_or_default().to_string());
            let desc = if child.is_null() {
                "Not in this environment: null drops the default.".to_string()
            } else {
                format!("`{}` in this environment.", path.last().map(String::as_str).unwrap_or_default())
            };
            out.push((path.clone(), desc));
            walk(child, path, out);
            path.pop();
        }
    }
    let mut found = Vec::new();
    walk(v.root(), &mut Vec::new(), &mut found);
    for (path, desc) in found {
        v.describe(&path, desc);
    }
}

/// Descriptions of the maps the merge adds keys under.
fn describe_env_keys(values: &mut Values, homes: &BTreeMap<Vec<String>, String>) {
    let env = ["environment".to_string()];
    if values.has(&env) {
        values
            .describe(&env, "Settings that differ per environment, of objects without values of their own, by object.");
    }
    for (path, what) in homes {
        if values.has(path) {
            values.describe(path, format!("{what}: its settings that differ per environment."));
        }
    }
    let annotations = ["environmentAnnotations".to_string()];
    if values.has(&annotations) {
        values.describe(
            &annotations,
            "Annotations whose values differ per environment (kustomize commonAnnotations), by annotation; every object that carries one reads it here.",
        );
    }
    let labels = ["environmentLabels".to_string()];
    if values.has(&labels) {
        values.describe(
            &labels,
            "Labels whose values differ per environment (kustomize commonLabels), by label; every object, selector and pod template that carries one reads it here, so selectors keep matching.",
        );
    }
}

/// The name values of environment `e`: its prefix and suffix, and the hash of each hashed
/// object it has.
fn naming_values(
    values: &mut Values,
    affixes: &Affixes,
    e: usize,
    hash_keys: &BTreeMap<usize, String>,
    at: &[Vec<Option<usize>>],
    objects: &[Vec<Object>],
) {
    if affixes.any() {
        values.set(
            &["namePrefix".to_string()],
            Node::str(affixes.prefix[e].clone()),
            "Put before every object name (kustomize namePrefix; differs per environment).",
            Hint::Plain,
        );
        values.set(
            &["nameSuffix".to_string()],
            Node::str(affixes.suffix[e].clone()),
            "Put after every object name (kustomize nameSuffix; differs per environment).",
            Hint::Plain,
        );
    }
    if hash_keys.is_empty() {
        return;
    }
    let mut hashes = Node::map();
    for (u, key) in hash_keys {
        // An environment without the object keeps the default, so its file says nothing.
        let from = if at[*u][e].is_some() { e } else { at[*u].iter().position(Option::is_some).unwrap_or(e) };
        let hash = at[*u][from]
            .map(|j| &objects[from][j])
            .and_then(|o| split_hash(&o.kind, o.name.as_deref().unwrap_or_default()).1)
            .unwrap_or_default();
        hashes.set(key, Node::str(hash));
    }
    values.set(
        &["nameHashes".to_string()],
        hashes,
        "The content hash after a generated ConfigMap's or Secret's name (kustomize configMapGenerator), by name; empty for none.",
        Hint::StringMap,
    );
}

fn set_name(o: &mut Object, name: &str) {
    o.name = Some(name.to_string());
    if let Some(m) = o.node.get_mut("metadata") {
        m.set("name", Node::str(name));
    }
}

fn set_namespace(o: &mut Object, ns: Option<String>) {
    o.namespace = ns.clone();
    if let Some(m) = o.node.get_mut("metadata") {
        match ns {
            Some(ns) => {
                if m.get("namespace").is_some() {
                    m.set("namespace", Node::str(ns));
                }
            }
            None => {
                m.remove("namespace");
            }
        }
    }
}

/// Whole strings that name a renamed object become its canonical name (pass one only: owners,
/// service accounts and claims are found by name).
fn canonicalize_strings(node: &mut Node, renames: &HashMap<String, String>) {
    match &mut node.value {
        Value::Str(s) => {
            if let Some(c) = renames.get(s.as_str()) {
                *s = c.clone();
            }
        }
        Value::Map(m) => m.iter_mut().for_each(|(_, v)| canonicalize_strings(v, renames)),
        Value::Seq(items) => items.iter_mut().for_each(|v| canonicalize_strings(v, renames)),
        _ => {}
    }
}

/// `text` with each back-quoted name that `renames` renames replaced by its new name.
fn canonical_quotes(text: &str, renames: &HashMap<String, String>) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| match renames.get(part) {
            Some(c) if i % 2 == 1 => c.as_str(),
            _ => part,
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// What the user should know about names: the prefixes, suffixes and hashes that became values.
fn naming_notes(envs: &[EnvInput], affixes: &Affixes, hashed: usize) -> Vec<String> {
    let mut notes = Vec::new();
    let list =
        |v: &[String]| envs.iter().zip(v).map(|(e, a)| format!("{} {a:?}", e.name)).collect::<Vec<_>>().join(", ");
    if affixes.prefix.iter().any(|p| !p.is_empty()) {
        notes.push(format!(
            "names differ per environment by a prefix ({}): it is the value namePrefix",
            list(&affixes.prefix)
        ));
    }
    if affixes.suffix.iter().any(|p| !p.is_empty()) {
        notes.push(format!(
            "names differ per environment by a suffix ({}): it is the value nameSuffix",
            list(&affixes.suffix)
        ));
    }
    if hashed > 0 {
        notes.push(format!(
            "{hashed} ConfigMap or Secret name{} end{} in a kustomize content hash: each environment's hash is in nameHashes",
            if hashed == 1 { "" } else { "s" },
            if hashed == 1 { "s" } else { "" }
        ));
    }
    notes
}

/// The chart README's environments section and the NOTES.txt line on the defaults.
fn add_env_docs(chart: &mut Chart, envs: &[EnvInput], mains: &[Option<String>], opts: &Options) {
    let name = &opts.name;
    let mut section = format!(
        "\n## Environments\n\nOne chart serves {} environments. `values.yaml` holds the `{}` environment's values \
         (the defaults); each `values-<env>.yaml` holds only what differs from them.\n\n\
         | Environment | Namespace | Install |\n|-------------|-----------|---------|\n",
        envs.len(),
        envs[0].name
    );
    for (e, env) in envs.iter().enumerate() {
        let ns = mains[e].clone().unwrap_or_else(|| "default".into());
        section.push_str(&format!(
            "| `{}` | `{ns}` | `helm upgrade --install {name} ./{name} -n {ns} -f ./{name}/values-{}.yaml` |\n",
            env.name, env.name
        ));
    }
    if let Some(readme) = chart.files.get_mut("README.md") {
        let at = readme.find("\n## Values").unwrap_or(readme.len());
        readme.insert_str(at, &section);
    }
    if let Some(notes) = chart.files.get_mut("templates/NOTES.txt") {
        let list: Vec<String> = envs.iter().map(|e| format!("values-{}.yaml", e.name)).collect();
        notes.push_str(&format!(
            "\nThe chart's defaults are the {} environment; install another with -f and its file ({}).\n",
            envs[0].name,
            list.join(", ")
        ));
    }
}
