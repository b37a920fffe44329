//! The chart-wide templates that are no input object: `extraObjects`, a `helm test` pod per
//! Service, the ServiceMonitors (`monitoring`), and CRDs as templates (`--crds templates`).
//! They sit apart from `knobs` because they run the kind handlers' helpers (`kinds`), which
//! themselves read the knobs' examples: one direction, no import circle.

use std::collections::BTreeMap;

use crate::yaml::{Node, Value};

use super::knobs::{path, slot_stem};
use super::values::Hint;

/// The chart-wide templates the knobs need, added to `out` under names no input object took.
pub fn templates(g: &mut super::kinds::Gen<'_>, out: &mut BTreeMap<String, String>) {
    let file = free_name(out, &["extra-objects", "extraobjects", "chartwright-extra-objects"]);
    out.insert(file, extra_objects_template());
    for (file, text) in connection_tests(g) {
        out.insert(file, text);
    }
    for (file, doc) in super::monitoring::documents(g) {
        let file = if out.contains_key(&file) { free_name(out, &["chartwright-servicemonitor"]) } else { file };
        out.insert(file, super::tpl::render(&doc));
    }
}

/// A `helm test` pod per Service with a TCP port, as `helm create` writes one: busybox's wget
/// connects to the Service by its name and port.
fn connection_tests(g: &mut super::kinds::Gen<'_>) -> Vec<(String, String)> {
    let ctx = g.ctx;
    let chart = ctx.chart.clone();
    let mut out = Vec::new();
    let mut enabled = None;
    for (i, o) in ctx.objects.iter().enumerate() {
        if o.kind != "Service" || ctx.plans[i].file.is_none() {
            continue;
        }
        let spec = o.node.get("spec");
        if spec.and_then(|s| s.get("type")).and_then(Node::as_str) == Some("ExternalName") {
            continue;
        }
        let ports = spec.and_then(|s| s.get("ports")).and_then(Node::as_seq).map_or(&[][..], Vec::as_slice);
        let Some((idx, first)) =
            ports.iter().enumerate().find(|(_, p)| p.get("protocol").and_then(Node::as_str).is_none_or(|p| p == "TCP"))
        else {
            continue;
        };
        let Some(name) = o.name.as_ref().and_then(|n| ctx.name_of("Service", n)).map(|e| e.tpl(&chart)) else {
            continue;
        };
        let slot = &ctx.plans[i].slot;
        let port = if g.values.has(&join_path(slot, "port")) {
            format!("{{{{ {} }}}}", crate::generate::analyze::names::values_ref(&join_path(slot, "port")))
        } else if g.values.has(&join_path(slot, "ports")) {
            format!(
                "{{{{ (index {} {idx}).port }}}}",
                crate::generate::analyze::names::values_ref(&join_path(slot, "ports"))
            )
        } else {
            match first.get("port").and_then(Node::as_i64) {
                Some(n) => n.to_string(),
                None => continue,
            }
        };
        let enabled = enabled.get_or_insert_with(|| {
            g.values.describe(&path(&["tests"]), "`helm test` pods that connect to each Service.");
            let r = g.values.set(
                &path(&["tests", "enabled"]),
                Node::new(Value::Bool(true)),
                "Render the test pods (`helm test` runs them; they are not installed).",
                Hint::Plain,
            );
            g.values.describe(&path(&["tests", "image"]), "Image of the test pods (needs wget).");
            g.values.set(
                &path(&["tests", "image", "repository"]),
                Node::str("busybox"),
                "Image repository.",
                Hint::Plain,
            );
            g.values.set(&path(&["tests", "image", "tag"]), Node::str("1.36"), "Image tag.", Hint::Plain);
            g.guards.push(crate::guard::Guard::ImageRepository { image: path(&["tests", "image"]) });
            r
        });
        let stem = if slot.is_empty() {
            "test-connection".to_string()
        } else {
            format!("test-connection-{}", slot_stem(slot))
        };
        let ns = crate::generate::analyze::names::release_namespace(&chart);
        let text = [
            format!("{{{{- if {enabled} }}}}"),
            "apiVersion: v1".into(),
            "kind: Pod".into(),
            "metadata:".into(),
            format!("  name: \"{name}-test-connection\""),
            format!("  namespace: {ns}"),
            "  labels:".into(),
            format!("    {{{{- include \"{chart}.labels\" . | nindent 4 }}}}"),
            "    {{- with .Values.commonLabels }}".into(),
            "    {{- toYaml . | nindent 4 }}".into(),
            "    {{- end }}".into(),
            "  annotations:".into(),
            "    \"helm.sh/hook\": test".into(),
            "    {{- with .Values.commonAnnotations }}".into(),
            "    {{- toYaml . | nindent 4 }}".into(),
            "    {{- end }}".into(),
            "spec:".into(),
            // As locked down as chartwright's own lint asks of any pod: a fresh chart passes
            // `chartwright lint --fail-on warning`.
            "  automountServiceAccountToken: false".into(),
            "  securityContext:".into(),
            "    runAsNonRoot: true".into(),
            "    runAsUser: 65534".into(),
            "    seccompProfile:".into(),
            "      type: RuntimeDefault".into(),
            "  containers:".into(),
            "    - name: wget".into(),
            format!(
                "      image: \"{{{{ include \"{chart}.imageRepository\" (list $ .Values.tests.image.repository) }}}}:{{{{ .Values.tests.image.tag }}}}\""
            ),
            "      command: ['wget']".into(),
            // The page goes nowhere: the root filesystem is read-only.
            format!("      args: ['-q', '-O', '/dev/null', '{name}:{port}']"),
            "      securityContext:".into(),
            "        allowPrivilegeEscalation: false".into(),
            "        readOnlyRootFilesystem: true".into(),
            "        capabilities:".into(),
            "          drop: [ALL]".into(),
            "      resources:".into(),
            "        requests:".into(),
            "          cpu: 10m".into(),
            "          memory: 16Mi".into(),
            "        limits:".into(),
            "          cpu: 100m".into(),
            "          memory: 32Mi".into(),
            "  restartPolicy: Never".into(),
            "{{- end }}".into(),
        ]
        .join("\n")
            + "\n";
        out.push((format!("templates/tests/{stem}.yaml"), text));
    }
    out
}

/// A CRD as a template under `templates/crds/` (`--crds templates`): rendered while
/// `crds.enabled`, and kept on uninstall (`helm.sh/resource-policy: keep`) while `crds.keep`.
pub fn crd_template(g: &mut super::kinds::Gen<'_>, i: usize, file: &str) -> (String, String) {
    let p = |keys: &[&str]| path(keys);
    if !g.values.has(&p(&["crds", "enabled"])) {
        g.values.describe(&p(&["crds"]), "The CustomResourceDefinitions, rendered as templates.");
        g.values.set(
            &p(&["crds", "enabled"]),
            Node::new(Value::Bool(true)),
            "Install and upgrade the CRDs with the release.",
            Hint::Plain,
        );
        g.values.set(
            &p(&["crds", "keep"]),
            Node::new(Value::Bool(true)),
            "Keep the CRDs (and so every custom resource) when the release is uninstalled.",
            Hint::Plain,
        );
    }
    let node = g.ctx.objects[i].node.clone();
    let mut t = super::tpl::Tree::from_node(&node);
    super::kinds::metadata::object_metadata(g, i, &mut t);
    let keep = super::tpl::Entry::If(
        ".Values.crds.keep".into(),
        vec![super::tpl::Entry::Pair(
            "helm.sh/resource-policy".into(),
            super::tpl::Tree::Lit(Value::Str("keep".into())),
        )],
    );
    if let Some(meta) = t.get_mut("metadata") {
        match meta.get_mut("annotations") {
            Some(super::tpl::Tree::Map(m)) => m.insert(0, keep),
            _ => {
                // No annotations in the input: the block holds the keep annotation and the
                // common ones, and renders only when one of them is there.
                if let super::tpl::Tree::Map(entries) = meta {
                    entries.retain(|e| {
                        !matches!(e, super::tpl::Entry::Lines(l) if l.iter().any(|l| l.starts_with("annotations:")))
                    });
                    entries.push(super::tpl::Entry::Lines(vec![
                        format!("{{{{- if or .Values.crds.keep {} }}}}", super::kinds::metadata::COMMON_ANNOTATIONS),
                        "annotations:".into(),
                        "  {{- if .Values.crds.keep }}".into(),
                        "  helm.sh/resource-policy: keep".into(),
                        "  {{- end }}".into(),
                        format!("  {{{{- with {} }}}}", super::kinds::metadata::COMMON_ANNOTATIONS),
                        "  {{- toYaml . | nindent {N+2} }}".into(),
                        "  {{- end }}".into(),
                        "{{- end }}".into(),
                    ]));
                }
            }
        }
    }
    let file = format!("templates/crds/{}", file.strip_prefix("crds/").unwrap_or(file));
    let doc = super::tpl::Document { body: t, condition: Some(".Values.crds.enabled".into()) };
    (file, super::tpl::render(&doc))
}

fn join_path(slot: &[String], key: &str) -> Vec<String> {
    super::values::join(slot, &[key])
}

/// The first `templates/<stem>.yaml` not taken (an input object may own the name already).
pub(in crate::generate) fn free_name(out: &BTreeMap<String, String>, stems: &[&str]) -> String {
    stems
        .iter()
        .map(|s| format!("templates/{s}.yaml"))
        .find(|f| !out.contains_key(f))
        .unwrap_or_else(|| format!("templates/chartwright-{}-{}.yaml", stems[0], out.len()))
}

/// The template of `extraObjects`.
pub fn extra_objects_template() -> String {
    "{{- /* extraObjects from the values; strings in them are templates. */}}\n\
     {{- range .Values.extraObjects }}\n---\n{{ tpl (toYaml .) $ }}\n{{- end }}\n"
        .to_string()
}
