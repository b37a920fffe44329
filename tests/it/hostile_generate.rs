//! Hostile manifests given to `generate` (issue 21, items 1-3 and 15): a manifest in a pull
//! request must not make CI write outside the output, run a template action of its choosing or
//! add fields through a string. Every hostile string is put in every position a manifest offers
//! (names, kinds, namespaces, keys, labels, annotations, values, ports, env, RBAC names); the
//! chart must land inside its output, render on Helm 3.17.2 and 4.1.4 under its own name and
//! side by side (`--verify`), reproduce the input exactly, and carry no action the input brought.

use crate::common;

use std::path::Path;

use common::{chartwright, each_helm, helm};

/// Strings that broke out of a quoted name, a YAML scalar, a `printf` format or a file name.
const HOSTILE: &[&str] = &[
    r#"x") }}{{ fail "PWNED" }}{{ ("#,
    r#"{{ fail "PWNED" }}"#,
    r#"{{ print "INJ" "ECTED" }}"#,
    "a\"b\n  privileged: true",
    "line1\nline2",
    r"back\slash\0",
    "nul\u{0}byte",
    "%s-%d-%%",
    "true",
    "0123",
    ": x",
    "- y #z",
    "'single'",
    "tab\tbell\u{7}",
    "uni\u{2028}code\u{200d}\u{fb01}",
    "zwj\u{200d}\u{fb01}\u{1f600}",
];

/// A path-segment name as Kubernetes' API allows for RBAC kinds (anything but `/` and `%`), and
/// the same hostile text where a name is looser still.
fn manifests(h: &str) -> String {
    let q = yaml_string;
    let name = q(&format!("cm-{h}"));
    let key = q(&format!("key-{h}"));
    let val = q(&format!("value-{h}"));
    let role = q(&format!("role-{h}"));
    format!(
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  labels:
    {key}: {val}
  annotations:
    {key}: {val}
data:
  {key}: {val}
---
apiVersion: v1
kind: Secret
metadata:
  name: {secret}
stringData:
  {key}: {val}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    {key}: {val}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
      annotations:
        {key}: {val}
    spec:
      serviceAccountName: {sa}
      containers:
      - name: web
        image: nginx:1.27
        args: [{val}]
        env:
        - {{name: PLAIN, value: {val}}}
        - {{name: FROM_CM, valueFrom: {{configMapKeyRef: {{name: {name}, key: {key}}}}}}}
        ports:
        - {{name: http, containerPort: 8080}}
        volumeMounts:
        - {{name: config, mountPath: /etc/config}}
      volumes:
      - name: config
        configMap: {{name: {name}}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {sa}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    {key}: {val}
spec:
  selector: {{app: web}}
  ports:
  - {{name: http, port: 80, targetPort: http}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {role}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {role}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {role}}}
subjects:
- {{kind: ServiceAccount, name: {sa}, namespace: default}}
---
apiVersion: example.com/v1
kind: {kind}
metadata:
  name: {cr}
spec:
  text: {val}
"#,
        secret = q(&format!("secret-{h}")),
        sa = q(&format!("sa-{h}")),
        kind = q(&format!("../../../../escaped/{h}/Kind")),
        cr = q(&format!("../{h}")),
    )
}

/// A double-quoted YAML string with everything outside printable ASCII escaped (a raw U+2028 is
/// a line break to a YAML 1.1 parser, which would change the input itself).
fn yaml_string(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap();
    json.chars()
        .map(|c| match c as u32 {
            0..0x80 => c.to_string(),
            n @ 0x80..0x10000 => format!("\\u{n:04x}"),
            n => format!("\\U{n:08x}"),
        })
        .collect()
}

/// Text Helm's `toYaml` cannot write back (go-yaml emits a line separator raw): `generate`
/// refuses it with exit 2 instead of writing a chart that does not render.
fn refused_separator(h: &str) -> bool {
    h.contains(['\u{2028}', '\u{2029}', '\u{85}'])
}

/// Files under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn hostile_strings_in_every_field_stay_data_and_inside_the_output() {
    for (i, h) in HOSTILE.iter().enumerate() {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join("a/b/c/d/work");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(work.join("in.yaml"), manifests(h)).unwrap();
        if refused_separator(h) {
            let o = chartwright().current_dir(&work).args(["generate", "in.yaml", "--name", "app"]).output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "case {i}: {stderr}");
            assert!(stderr.contains("in.yaml:4:9: a string holds the Unicode line separator"), "case {i}: {stderr}");
            assert!(!work.join("app").exists());
            continue;
        }
        for (label, bin) in each_helm() {
            let o = chartwright()
                .current_dir(&work)
                .args(["generate", "in.yaml", "--name", "app", "-o", "chart", "--force", "--verify", "--helm"])
                .arg(bin)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            // Exit 1 only for lint errors about the input (a label key Kubernetes refuses).
            let lint_only = stderr.lines().filter(|l| l.contains(": error")).all(|l| l.contains(": error[label-"));
            assert!(
                o.status.code() == Some(0) || o.status.code() == Some(1) && lint_only,
                "case {i} {h:?} on {label}: {stderr}"
            );
            assert!(stderr.contains("verified: helm template reproduces all"), "case {i} on {label}: {stderr}");
            // The release under another name renders the hostile text as data, never as an action.
            let r = helm(bin, &["template", "other", work.join("chart").to_str().unwrap()]);
            let out = String::from_utf8_lossy(&r.stdout);
            assert!(r.status.success(), "case {i} on {label}: {}", String::from_utf8_lossy(&r.stderr));
            assert!(!out.contains("INJECTED"), "case {i} on {label}: an input action ran:\n{out}");
        }
        // Nothing but the chart and the input appeared anywhere under the temporary root.
        let outside: Vec<String> =
            tree(tmp.path()).into_iter().filter(|p| !p.starts_with("a/b/c/d/work/chart")).collect();
        assert_eq!(outside, ["a", "a/b", "a/b/c", "a/b/c/d", "a/b/c/d/work", "a/b/c/d/work/in.yaml"], "case {i}");
        // Template file names are slugs: no directories below templates/ and crds/ but `tests`.
        for f in tree(&work.join("chart")).into_iter().filter(|f| f.starts_with("templates/") || f.starts_with("crds/"))
        {
            if f == "templates/NOTES.txt" {
                continue;
            }
            let ok = f.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_./".contains(c));
            assert!(ok, "case {i}: file name {f:?}");
            assert!(f.matches('/').count() <= 2, "case {i}: {f:?}");
        }
    }
}

/// `system:` names are kept as written (they are Kubernetes' own); a hostile one is still data.
#[test]
fn a_hostile_system_name_kept_as_written_renders_as_itself() {
    for (i, h) in HOSTILE.iter().enumerate() {
        let tmp = tempfile::tempdir().unwrap();
        let name = format!("system:{h}");
        let text = format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {}\nrules: []\n",
            serde_json::to_string(&name).unwrap()
        );
        std::fs::write(tmp.path().join("in.yaml"), text).unwrap();
        let o = chartwright().current_dir(tmp.path()).args(["generate", "in.yaml", "--name", "app"]).output().unwrap();
        if refused_separator(h) {
            assert_eq!(o.status.code(), Some(2), "case {i}");
            continue;
        }
        assert!(o.status.success(), "case {i}: {}", String::from_utf8_lossy(&o.stderr));
        for (label, bin) in each_helm() {
            let r = helm(bin, &["template", "other", tmp.path().join("app").to_str().unwrap()]);
            assert!(r.status.success(), "case {i} on {label}: {}", String::from_utf8_lossy(&r.stderr));
            let mut l = chartwright::manifest::Loaded::default();
            chartwright::manifest::load_text("<rendered>", String::from_utf8(r.stdout).unwrap(), &mut l).unwrap();
            let names: Vec<_> = l.objects.iter().filter_map(|o| o.name.clone()).collect();
            assert_eq!(names, std::slice::from_ref(&name), "case {i} on {label}");
        }
    }
}

#[test]
fn an_image_that_is_not_a_reference_is_refused_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: \"nginx:1.27\\\"\\n securityContext: {privileged: true}\"\n";
    std::fs::write(tmp.path().join("in.yaml"), bad).unwrap();
    let o = chartwright().current_dir(tmp.path()).args(["generate", "in.yaml", "--name", "app"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("in.yaml:7:12: image \"nginx:1.27"), "{stderr}");
    assert!(stderr.contains("is not an image reference"), "{stderr}");
    assert!(!tmp.path().join("app").exists(), "no chart is written");
}

#[test]
fn a_kind_with_path_separators_gets_a_slug_file_name_inside_templates() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("x/y");
    std::fs::create_dir_all(&work).unwrap();
    let kinds = ["../../../../escaped/.github/workflows/ci", "..", "a\\b", "_Partial", ".Hidden", &"K".repeat(300)];
    let mut text = String::new();
    for k in kinds {
        text.push_str(&format!(
            "---\napiVersion: example.com/v1\nkind: {}\nmetadata: {{name: obj}}\n",
            serde_json::to_string(k).unwrap()
        ));
    }
    std::fs::write(work.join("in.yaml"), text).unwrap();
    let o =
        chartwright().current_dir(&work).args(["generate", "in.yaml", "--name", "app", "-o", "out"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!tmp.path().join("escaped").exists());
    let files = tree(&work.join("out/templates"));
    for f in &files {
        assert!(!f.contains('/') && !f.starts_with(['.', '_']) || f == "_helpers.tpl", "{f:?} in {files:?}");
        assert!(f.len() <= 110, "{f:?}");
    }
    for want in ["escaped-github-workflows-ci.yaml", "object.yaml", "a-b.yaml", "partial.yaml", "hidden.yaml"] {
        assert!(files.iter().any(|f| f == want), "{want} in {files:?}");
    }
}

mod property {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    /// Strings drawn from the characters that end quotes, scalars, actions, comments and lines.
    fn hostile() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "{{", "}}", "\"", "'", "\\", ": ", "#", "\n", "\r", "%", "- ", "|", ">", "&a", "*a", "!", "`", "$", "(",
            ")", "fail", "lookup", ".Files", "x", "7", "true", "\t", "\u{2028}", "\u{0}", "é", " ",
        ]);
        prop::collection::vec(pieces, 1..8).prop_map(|v| v.concat())
    }

    /// Random hostile strings in every position: the chart lands inside its output, renders on
    /// Helm 3.17.2 and 4.1.4, reproduces the input and keeps two releases apart (`--verify`). A
    /// fixed seed keeps CI's verdict deterministic.
    #[test]
    fn random_hostile_strings_in_every_field_round_trip_on_both_helms() {
        let config = Config { cases: 24, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
        let n = std::cell::Cell::new(0usize);
        runner
            .run(&hostile(), |h| {
                let (label, bin) = each_helm()[n.get() % 2];
                n.set(n.get() + 1);
                let tmp = tempfile::tempdir().unwrap();
                let work = tmp.path().join("w");
                std::fs::create_dir(&work).unwrap();
                std::fs::write(work.join("in.yaml"), manifests(&h)).unwrap();
                let o = chartwright()
                    .current_dir(&work)
                    .args(["generate", "in.yaml", "--name", "app", "-o", "chart", "--verify", "--helm"])
                    .arg(bin)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&o.stderr);
                if refused_separator(&h) {
                    prop_assert_eq!(o.status.code(), Some(2), "{}", stderr);
                    prop_assert!(stderr.contains("Unicode line separator"), "{}", stderr);
                    return Ok(());
                }
                let lint_only = stderr.lines().filter(|l| l.contains(": error")).all(|l| l.contains(": error[label-"));
                prop_assert!(
                    o.status.code() == Some(0) || o.status.code() == Some(1) && lint_only,
                    "{h:?} on {label}: {stderr}"
                );
                prop_assert!(stderr.contains("verified: helm template reproduces all"), "{h:?} on {label}: {stderr}");
                let outside: Vec<String> = tree(tmp.path()).into_iter().filter(|p| !p.starts_with("w/chart")).collect();
                prop_assert_eq!(outside, vec!["w".to_string(), "w/in.yaml".to_string()]);
                Ok(())
            })
            .unwrap();
    }
}
