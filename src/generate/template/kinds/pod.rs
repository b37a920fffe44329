//! Pod templates and containers, shared by every workload kind.

use crate::image::split_image;
use crate::yaml::{Node, Value};

use super::Gen;
use crate::generate::analyze::names::key_for;
use crate::generate::analyze::refs::Site;
use crate::generate::template::knobs::{
    EXAMPLE_ARG, EXAMPLE_ENV, EXAMPLE_GRACE, EXAMPLE_PRIORITY_CLASS, EXAMPLE_REGISTRY,
};
use crate::generate::template::tpl::{Entry, Tree, extra_items, with_block, with_inline, with_scalar};
use crate::generate::template::values::{Hint, join};

/// Probe fields that are timings (the handler itself stays in the template).
const PROBE_TIMINGS: &[&str] = &[
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
];

/// Parameterizes a pod template (`metadata` + `spec`) whose values live under `prefix`.
pub fn pod_template(g: &mut Gen<'_>, prefix: &[String], t: &mut Tree, node: &Node, checksums: &[(String, String)]) {
    let spec_node = node.get("spec").cloned().unwrap_or_else(Node::map);
    pod_metadata(g, prefix, t, node, checksums);
    if let Some(spec) = t.get_mut("spec") {
        pod_spec_before_containers(g, prefix, spec, &spec_node);
        containers(g, prefix, spec, &spec_node);
        extra_list(
            g,
            prefix,
            spec,
            "containers",
            "extraContainers",
            "Extra containers of the pods, after the input's.",
        );
        extra_list(
            g,
            prefix,
            spec,
            "initContainers",
            "extraInitContainers",
            "Extra init containers of the pods, after the input's.",
        );
        extra_list(g, prefix, spec, "volumes", "extraVolumes", "Extra volumes of the pods, after the input's.");
        optional_field(
            g,
            prefix,
            spec,
            &spec_node,
            Field {
                key: "priorityClassName",
                values_key: "priorityClassName",
                desc: "PriorityClass of the pods; empty keeps the cluster default.",
                hint: Hint::DnsName,
                default: Node::str(""),
                example: Node::str(EXAMPLE_PRIORITY_CLASS),
                block: false,
            },
        );
        let grace = spec_node.get("terminationGracePeriodSeconds").and_then(Node::as_i64);
        optional_field(
            g,
            prefix,
            spec,
            &spec_node,
            Field {
                key: "terminationGracePeriodSeconds",
                values_key: "terminationGracePeriodSeconds",
                desc: "Seconds the pods get to stop (30, the Kubernetes default, renders nothing).",
                hint: Hint::Count,
                default: Node::new(Value::Int(30)),
                example: Node::new(Value::Int(if grace == Some(EXAMPLE_GRACE) {
                    EXAMPLE_GRACE + 15
                } else {
                    EXAMPLE_GRACE
                })),
                block: false,
            },
        );
        pod_spec_scheduling(g, prefix, spec, &spec_node);
    }
}

fn pod_metadata(g: &mut Gen<'_>, prefix: &[String], t: &mut Tree, node: &Node, checksums: &[(String, String)]) {
    if t.get_mut("metadata").is_none() {
        t.push_front(Entry::Pair("metadata".into(), Tree::Map(Vec::new())));
    }
    let own_labels = node.path(&["metadata", "labels"]);
    let annotations = node.path(&["metadata", "annotations"]).cloned().unwrap_or_else(Node::map);
    let ann_ref = g.values.set(
        &join(prefix, &["podAnnotations"]),
        annotations,
        "Annotations added to every pod.",
        Hint::StringMap,
    );
    g.values.mark_optional(&join(prefix, &["podAnnotations"]));
    let labels_ref = g.values.set(
        &join(prefix, &["podLabels"]),
        Node::map(),
        "Extra labels added to every pod (the selector labels stay as they are); not a label the pods already have.",
        Hint::ExtraLabels(crate::generate::analyze::context::map_keys(own_labels)),
    );
    let Some(meta) = t.get_mut("metadata") else { return };
    // Labels: the chart's standard labels, the input's own, then user extras.
    let mut label_entries = super::metadata::standard_label_entries(g, own_labels);
    if let Some(Tree::Map(existing)) = meta.get_mut("labels").cloned() {
        label_entries.extend(existing);
    }
    // One map, so a key in both renders once (podLabels winning).
    label_entries.push(with_inline(&super::metadata::merged_maps(&[
        labels_ref.clone(),
        super::metadata::COMMON_LABELS.to_string(),
    ])));
    let mut labels = Tree::Map(label_entries);
    // Pods carry the release's instance label already; one the input wrote follows the release.
    super::scope_to_release(g, Some(&mut labels), false);
    meta.set("labels", labels);
    // Annotations: config checksums first, then the values.
    if checksums.is_empty() {
        if let Some(Tree::Map(m)) = Some(&mut *meta) {
            m.retain(|e| !matches!(e, Entry::Pair(k, _) if k == "annotations"));
            m.push(with_block(&ann_ref, "annotations"));
        }
    } else {
        let mut entries: Vec<Entry> = checksums
            .iter()
            .map(|(key, file)| {
                Entry::Pair(
                    key.clone(),
                    Tree::Expr(format!("{{{{ include (print $.Template.BasePath \"/{file}\") . | sha256sum }}}}")),
                )
            })
            .collect();
        entries.push(with_inline(&ann_ref));
        meta.set("annotations", Tree::Map(entries));
    }
}

fn pod_spec_before_containers(g: &mut Gen<'_>, prefix: &[String], spec: &mut Tree, node: &Node) {
    if let Some(pull) = node.get("imagePullSecrets") {
        let refs_chart = pull.as_seq().is_some_and(|s| {
            s.iter().any(|p| p.get("name").and_then(Node::as_str).is_some_and(|n| g.ctx.name_of("Secret", n).is_some()))
        });
        if refs_chart {
            super::rename_list(g, spec.get_mut("imagePullSecrets"), "Secret", &["name"]);
        } else {
            let r = g.values.set(
                &join(prefix, &["imagePullSecrets"]),
                pull.clone(),
                "Secrets for pulling images from private registries.",
                Hint::OpenList,
            );
            spec.replace("imagePullSecrets", Tree::ToYaml(r));
        }
    } else {
        let r = g.values.set(
            &join(prefix, &["imagePullSecrets"]),
            Node::new(Value::Seq(vec![])),
            "Secrets for pulling images from private registries.",
            Hint::OpenList,
        );
        spec.push(with_block(&r, "imagePullSecrets"));
    }
    for key in ["serviceAccountName", "serviceAccount"] {
        if let Some(name) = node.get(key).and_then(Node::as_str) {
            if let Some(expr) = g.ctx.name_of("ServiceAccount", name) {
                let text = expr.tpl(&g.ctx.chart);
                spec.replace(key, Tree::Expr(text));
            }
        }
    }
    let sc_desc = "Pod-level security context.";
    match node.get("securityContext") {
        Some(sc) => {
            let r = g.values.set(&join(prefix, &["podSecurityContext"]), sc.clone(), sc_desc, Hint::OpenMap);
            spec.replace("securityContext", Tree::ToYaml(r));
        }
        None => {
            let r = g.values.set(&join(prefix, &["podSecurityContext"]), Node::map(), sc_desc, Hint::OpenMap);
            spec.push(with_block(&r, "securityContext"));
        }
    }
    if let Some(vols) = spec.get_mut("volumes").and_then(Tree::items_mut) {
        for v in vols {
            super::rename_at(g, v, &["configMap", "name"], "ConfigMap");
            super::rename_at(g, v, &["secret", "secretName"], "Secret");
            super::rename_at(g, v, &["persistentVolumeClaim", "claimName"], "PersistentVolumeClaim");
            if let Some(sources) = v.path_mut(&["projected", "sources"]).and_then(Tree::items_mut) {
                for s in sources {
                    super::rename_at(g, s, &["configMap", "name"], "ConfigMap");
                    super::rename_at(g, s, &["secret", "name"], "Secret");
                }
            }
        }
    }
}

fn pod_spec_scheduling(g: &mut Gen<'_>, prefix: &[String], spec: &mut Tree, node: &Node) {
    let fields: [(&str, &str, Hint, Node); 4] = [
        ("nodeSelector", "Node labels the pods must run on.", Hint::StringMap, Node::map()),
        ("tolerations", "Taints the pods tolerate.", Hint::OpenList, Node::new(Value::Seq(vec![]))),
        ("affinity", "Pod affinity and anti-affinity rules.", Hint::OpenMap, Node::map()),
        (
            "topologySpreadConstraints",
            "How pods spread across zones and nodes.",
            Hint::OpenList,
            Node::new(Value::Seq(vec![])),
        ),
    ];
    for (key, desc, hint, empty) in fields {
        match node.get(key) {
            Some(v) => {
                let r = g.values.set(&join(prefix, &[key]), v.clone(), desc, hint);
                spec.replace(key, Tree::ToYaml(r));
            }
            None => {
                let r = g.values.set(&join(prefix, &[key]), empty, desc, hint);
                spec.push(with_block(&r, key));
            }
        }
    }
}

fn containers(g: &mut Gen<'_>, prefix: &[String], spec: &mut Tree, node: &Node) {
    for list in ["containers", "initContainers"] {
        let Some(cnodes) = node.get(list).and_then(Node::as_seq) else { continue };
        let Some(items) = spec.get_mut(list).and_then(Tree::items_mut) else { continue };
        let mut used: Vec<String> = Vec::new();
        for (idx, (c, cn)) in items.iter_mut().zip(cnodes).enumerate() {
            let main = list == "containers" && idx == 0;
            let vprefix = if main {
                prefix.to_vec()
            } else {
                let name = cn.get("name").and_then(Node::as_str).unwrap_or("container");
                let mut key = key_for(name, &g.ctx.chart);
                let base = key.clone();
                let mut n = 2;
                while used.contains(&key) {
                    key = format!("{base}{n}");
                    n += 1;
                }
                used.push(key.clone());
                join(prefix, &[if list == "containers" { "sidecars" } else { "initContainers" }, &key])
            };
            if !main {
                let what = if list == "containers" { "Sidecar container" } else { "Init container" };
                g.values
                    .describe(&vprefix, format!("{what} `{}`.", cn.get("name").and_then(Node::as_str).unwrap_or("")));
            }
            container(g, &vprefix, c, cn, main);
        }
    }
}

fn container(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node, main: bool) {
    image(g, vp, c, node, main);
    pass_through(g, vp, c, node, main, ("securityContext", "Container security context.", Hint::OpenMap));
    env(g, vp, c, node);
    if main {
        main_container_knobs(g, vp, c, node);
    }
    for key in ["command", "args"] {
        for item in c.get_mut(key).and_then(Tree::items_mut).into_iter().flatten() {
            super::follow_refs_in(g, item, Site::Arg);
        }
    }
    pass_through(g, vp, c, node, main, ("resources", "CPU and memory requests and limits.", Hint::Resources));
    probe_values(g, vp, c, node);
    probe_knobs(g, vp, c, node, main);
    if let Some(from) = c.get_mut("envFrom").and_then(Tree::items_mut) {
        for f in from {
            super::rename_at(g, f, &["configMapRef", "name"], "ConfigMap");
            super::rename_at(g, f, &["secretRef", "name"], "Secret");
        }
    }
}

/// The container's image as values (repository, tag, digest under `global.imageRegistry`) and
/// its pull policy.
fn image(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node, main: bool) {
    let Some(image) = node.get("image").and_then(Node::as_str) else { return };
    let (repo, tag, digest) = split_full_image(image);
    g.values.describe(&join(vp, &["image"]), "Container image.");
    let r = g.values.set(&join(vp, &["image", "repository"]), Node::str(repo), "Image repository.", Hint::Plain);
    // Under global.imageRegistry (a mirror) when set.
    let mut text = format!("{{{{ include \"{}.imageRepository\" (list $ {r}) }}}}", g.ctx.chart);
    let tag_ref = g.values.set(
        &join(vp, &["image", "tag"]),
        Node::str(tag.clone().unwrap_or_default()),
        // Says what the template below does: only a tagged main image falls back to appVersion.
        if tag.is_some() && main {
            "Image tag; defaults to the chart's appVersion when empty."
        } else {
            "Image tag; empty leaves the tag off (the registry's latest)."
        },
        Hint::Plain,
    );
    if tag.is_some() && main {
        text.push_str(&format!(":{{{{ {tag_ref} | default $.Chart.AppVersion }}}}"));
    } else {
        text.push_str(&format!("{{{{ with {tag_ref} }}}}:{{{{ . }}}}{{{{ end }}}}"));
    }
    if let Some(d) = digest {
        let dr = g.values.set(&join(vp, &["image", "digest"]), Node::str(d), "Image digest (sha256:...).", Hint::Plain);
        text.push_str(&format!("{{{{ with {dr} }}}}@{{{{ . }}}}{{{{ end }}}}"));
    }
    c.replace("image", Tree::Expr(format!("\"{text}\"")));
    g.guards.push(crate::guard::Guard::ImageRepository { image: join(vp, &["image"]) });
    let policy_desc = "When to pull the image: Always, IfNotPresent or Never.";
    let hint = Hint::Enum(vec!["Always", "IfNotPresent", "Never"]);
    match node.get("imagePullPolicy") {
        Some(p) => {
            let r = g.values.set(&join(vp, &["image", "pullPolicy"]), p.clone(), policy_desc, hint);
            c.replace("imagePullPolicy", Tree::Expr(format!("{{{{ {r} }}}}")));
        }
        None if main => {
            let r = g.values.set(
                &join(vp, &["image", "pullPolicy"]),
                Node::str(""),
                policy_desc.to_string() + " Empty keeps the Kubernetes default.",
                hint,
            );
            c.push(with_scalar(&r, "imagePullPolicy", false));
        }
        None => {}
    }
}

/// A map Kubernetes passes through (security context, resources) as one value; the main
/// container gets an empty one when the input has none, so it can be set.
fn pass_through(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node, main: bool, field: (&str, &str, Hint)) {
    let (key, desc, hint) = field;
    match node.get(key) {
        Some(v) => {
            let r = g.values.set(&join(vp, &[key]), v.clone(), desc, hint);
            c.replace(key, Tree::ToYaml(r));
        }
        None if main => {
            let r = g.values.set(&join(vp, &[key]), Node::map(), desc, hint);
            c.push(with_block(&r, key));
        }
        None => {}
    }
}

/// The knobs only the main container has: extra env, envFrom, mounts and args, and lifecycle.
fn main_container_knobs(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node) {
    extra_list(g, vp, c, "env", "extraEnv", "Extra environment variables (EnvVar objects), after the input's.");
    extra_list(g, vp, c, "envFrom", "extraEnvFrom", "Extra envFrom sources (ConfigMaps, Secrets), after the input's.");
    extra_list(g, vp, c, "volumeMounts", "extraVolumeMounts", "Extra volume mounts, after the input's.");
    extra_list(g, vp, c, "args", "extraArgs", "Extra arguments of the main container, after the input's.");
    optional_field(
        g,
        vp,
        c,
        node,
        Field {
            key: "lifecycle",
            values_key: "lifecycle",
            desc: "Lifecycle hooks (postStart, preStop) of the main container.",
            hint: Hint::OpenMap,
            default: Node::map(),
            example: Node::map_of(vec![(
                "preStop",
                Node::map_of(vec![(
                    "exec",
                    Node::map_of(vec![("command", Node::seq(vec![Node::str("sleep"), Node::str("5")]))]),
                )]),
            )]),
            block: true,
        },
    );
}

/// The input's probe timings, HTTP paths and ports as values.
fn probe_values(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node) {
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
        let Some(pnode) = node.get(probe) else { continue };
        let mut described = false;
        for field in PROBE_TIMINGS {
            let Some(v) = pnode.get(field) else { continue };
            if v.as_i64().is_none() {
                continue;
            }
            if !described {
                g.values.describe(&join(vp, &[probe]), format!("The {probe}."));
                described = true;
            }
            let r = g.values.set(&join(vp, &[probe, field]), v.clone(), format!("{probe} {field}."), Hint::Count);
            if let Some(pt) = c.get_mut(probe) {
                pt.replace(field, Tree::Expr(format!("{{{{ {r} }}}}")));
            }
        }
        // Where the probe looks: the HTTP path and the port (a number or a port name).
        for (handler, field) in [("httpGet", "path"), ("httpGet", "port"), ("tcpSocket", "port"), ("grpc", "port")] {
            let Some(v) = pnode.path(&[handler, field]) else { continue };
            let hint = match (&v.value, field) {
                (Value::Str(_), "path") => Hint::Plain,
                (Value::Int(_) | Value::Str(_), _) => Hint::PortOrName,
                _ => continue,
            };
            if !described {
                g.values.describe(&join(vp, &[probe]), format!("The {probe}."));
                described = true;
            }
            let what = if field == "path" { "HTTP path" } else { "port (number or name)" };
            let r = g.values.set(&join(vp, &[probe, field]), v.clone(), format!("{probe} {what}."), hint);
            if let Some(slot) = c.get_mut(probe).and_then(|pt| pt.get_mut(handler)) {
                // A path is a string; a port may be set to a number or a name, and toYaml
                // writes either so that YAML reads it back with its type.
                let pipe = if field == "path" { "quote" } else { "toYaml" };
                slot.replace(field, Tree::Expr(format!("{{{{ {r} | {pipe} }}}}")));
            }
        }
    }
}

fn env(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node) {
    let Some(items) = node.get("env").and_then(Node::as_seq) else { return };
    let Some(titems) = c.get_mut("env").and_then(Tree::items_mut) else { return };
    let mut described = false;
    for (t, n) in titems.iter_mut().zip(items) {
        super::rename_at(g, t, &["valueFrom", "configMapKeyRef", "name"], "ConfigMap");
        super::rename_at(g, t, &["valueFrom", "secretKeyRef", "name"], "Secret");
        let (Some(name), Some(value)) = (n.get("name").and_then(Node::as_str), n.get("value")) else { continue };
        if !matches!(value.value, Value::Str(_)) {
            continue;
        }
        // A value that names objects of the chart is rendered with the names they get.
        if let Some(v) = t.get_mut("value") {
            if super::follow_refs_in(g, v, Site::EnvValue) {
                continue;
            }
        }
        if !described {
            g.values.describe(&join(vp, &["env"]), "Plain environment variables, by name.");
            described = true;
        }
        let path = join(vp, &["env", name]);
        if g.values.has(&path) {
            continue;
        }
        let r = g.values.set(&path, value.clone(), format!("Environment variable {name}."), Hint::Plain);
        t.replace("value", Tree::Expr(format!("{{{{ {r} | quote }}}}")));
    }
}

/// A list the user can extend without editing templates: its items are appended to the
/// input's (or form the list when the input has none).
fn extra_list(g: &mut Gen<'_>, prefix: &[String], t: &mut Tree, key: &str, values_key: &str, desc: &str) {
    let (hint, example) = extra_example(values_key);
    g.knobs.add(&join(prefix, &[values_key]), example);
    let r = g.values.set(&join(prefix, &[values_key]), Node::new(Value::Seq(vec![])), desc, hint);
    match t.get_mut(key) {
        Some(Tree::Seq(items)) if !items.is_empty() => items.push(extra_items(&r)),
        // An explicit empty list stays `[]` until the user adds items.
        Some(Tree::Seq(_)) => {
            t.replace(
                key,
                Tree::Lines(vec![
                    format!("{{{{- with {r} }}}}"),
                    "{{- toYaml . | nindent {N} }}".to_string(),
                    "{{- else }} []".to_string(),
                    "{{- end }}".to_string(),
                ]),
            );
        }
        Some(_) => {}
        None => t.push(with_block(&r, key)),
    }
}

/// The schema hint of an `extra*` list and a value that shows its effect.
fn extra_example(values_key: &str) -> (Hint, Node) {
    let name = || Node::str("chartwright-knob");
    let container = |n: &str| {
        Node::map_of(vec![
            ("name", Node::str(n)),
            ("image", Node::str(format!("{EXAMPLE_REGISTRY}/busybox:1.36"))),
            ("command", Node::seq(vec![Node::str("sleep"), Node::str("3600")])),
        ])
    };
    match values_key {
        "extraEnv" => (
            Hint::EnvVars,
            Node::seq(vec![Node::map_of(vec![("name", Node::str(EXAMPLE_ENV)), ("value", Node::str("on"))])]),
        ),
        "extraArgs" => (Hint::Strings, Node::seq(vec![Node::str(EXAMPLE_ARG)])),
        "extraEnvFrom" => (
            Hint::ObjectList,
            Node::seq(vec![Node::map_of(vec![(
                "configMapRef",
                Node::map_of(vec![("name", name()), ("optional", Node::new(Value::Bool(true)))]),
            )])]),
        ),
        "extraVolumes" => {
            (Hint::ObjectList, Node::seq(vec![Node::map_of(vec![("name", name()), ("emptyDir", Node::map())])]))
        }
        "extraVolumeMounts" => (
            Hint::ObjectList,
            Node::seq(vec![Node::map_of(vec![("name", name()), ("mountPath", Node::str("/chartwright-knob"))])]),
        ),
        "extraContainers" => (Hint::Containers, Node::seq(vec![container("chartwright-knob")])),
        "extraInitContainers" => (Hint::Containers, Node::seq(vec![container("chartwright-knob-init")])),
        _ => (Hint::OpenList, Node::seq(Vec::new())),
    }
}

/// The probe a `ci/` values file puts in place of every probe, and as every absent probe.
pub fn example_probe() -> Node {
    Node::map_of(vec![
        ("exec", Node::map_of(vec![("command", Node::seq(vec![Node::str("true")]))])),
        ("periodSeconds", Node::new(Value::Int(17))),
    ])
}

/// Probes of a container: `<probe>.enabled` switches the input's off, `custom<Probe>` (a whole
/// probe object) replaces it or adds one the input lacks (the main container only).
fn probe_knobs(g: &mut Gen<'_>, vp: &[String], c: &mut Tree, node: &Node, main: bool) {
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
        let custom_key = format!("custom{}{}", probe[..1].to_uppercase(), &probe[1..]);
        let present = node.get(probe).is_some();
        if !present && !main {
            continue;
        }
        let custom = g.values.set(
            &join(vp, &[&custom_key]),
            Node::map(),
            format!("A whole {probe} object that replaces the input's (or adds one); empty keeps the input's."),
            Hint::OpenMap,
        );
        g.knobs.add(&join(vp, &[&custom_key]), example_probe());
        if present {
            let enabled = g.values.set(
                &join(vp, &[probe, "enabled"]),
                Node::new(Value::Bool(true)),
                format!("Keep the input's {probe}; false switches it off."),
                Hint::Plain,
            );
            g.knobs.add(&join(vp, &[probe, "enabled"]), Node::new(Value::Bool(false)));
            c.wrap_if(probe, &format!("and {enabled} (not {custom})"));
        }
        c.push(with_block(&custom, probe));
    }
}

/// An optional field of `t` set from `<prefix>.<key>`: the input's value when it has one,
/// else `default` (which renders nothing: a Kubernetes default, or empty).
pub fn optional_field(g: &mut Gen<'_>, prefix: &[String], t: &mut Tree, node: &Node, field: Field<'_>) {
    let path = join(prefix, &[field.values_key]);
    g.knobs.add(&path, field.example);
    match node.get(field.key) {
        Some(v) => {
            let r = g.values.set(&path, v.clone(), field.desc, field.hint.clone());
            let value = if field.block { Tree::ToYaml(r) } else { crate::generate::template::tpl::scalar_expr(&r, v) };
            t.replace(field.key, value);
        }
        None => {
            let r = g.values.set(&path, field.default.clone(), field.desc, field.hint.clone());
            let entry = match (&field.default.value, field.block) {
                (_, true) => with_block(&r, field.key),
                // A number whose default is Kubernetes' own renders only when it differs.
                (Value::Int(d), false) => Entry::If(
                    format!("ne (int {r}) {d}"),
                    vec![Entry::Pair(field.key.to_string(), Tree::Expr(format!("{{{{ {r} }}}}")))],
                ),
                _ => with_scalar(&r, field.key, false),
            };
            t.push(entry);
        }
    }
}

/// An optional field (see [`optional_field`]).
pub struct Field<'a> {
    /// The Kubernetes key.
    pub key: &'a str,
    /// The values key.
    pub values_key: &'a str,
    /// Its description.
    pub desc: &'a str,
    /// Its schema hint.
    pub hint: Hint,
    /// Its default when the input has none.
    pub default: Node,
    /// A value that shows its effect.
    pub example: Node,
    /// Rendered with toYaml (maps, lists) rather than inline.
    pub block: bool,
}

/// Repository, tag and digest of an image reference.
pub fn split_full_image(image: &str) -> (String, Option<String>, Option<String>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let (repo, tag) = split_image(rest);
    (repo, tag, digest)
}
