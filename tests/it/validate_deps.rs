//! Dependencies declared in Chart.yaml but not in charts/: `chartwright validate` gives the
//! verdict of real `helm template` 3.17.2 and 4.1.4 on every layout, and names the dependency,
//! its Chart.yaml line and the fix.

use crate::common;

use std::path::Path;

use common::{chartwright, each_helm, helm};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A chart named `name` with one ConfigMap and the given dependencies block.
fn chart(dir: &Path, name: &str, version: &str, deps: &str, values: &str) {
    write(&dir.join("Chart.yaml"), &format!("apiVersion: v2\nname: {name}\nversion: {version}\n{deps}"));
    write(&dir.join("values.yaml"), values);
    write(
        &dir.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Release.Name }}\n",
    );
}

const DB_DEP: &str =
    "dependencies:\n  - name: db\n    version: 1.x.x\n    repository: https://charts.example.invalid\n";

/// `(name, build the chart in the directory, Helm refuses it)`.
type Layout = (&'static str, fn(&Path), bool);

fn layouts() -> Vec<Layout> {
    vec![
        (
            "vendored directory",
            |d| {
                chart(d, "app", "0.1.0", DB_DEP, "");
                chart(&d.join("charts/db"), "db", "1.2.0", "", "");
            },
            false,
        ),
        (
            "directory named otherwise, chart named db",
            |d| {
                chart(d, "app", "0.1.0", DB_DEP, "");
                chart(&d.join("charts/database"), "db", "1.2.0", "", "");
            },
            false,
        ),
        (
            "vendored with a version outside the range",
            |d| {
                chart(d, "app", "0.1.0", DB_DEP, "");
                chart(&d.join("charts/db"), "db", "2.0.0", "", "");
            },
            false,
        ),
        ("missing", |d| chart(d, "app", "0.1.0", DB_DEP, ""), true),
        (
            "missing and disabled by its condition",
            |d| {
                let deps = format!("{DB_DEP}    condition: db.enabled\n");
                chart(d, "app", "0.1.0", &deps, "db:\n  enabled: false\n");
            },
            true,
        ),
        (
            "missing and disabled by a tag",
            |d| {
                let deps = format!("{DB_DEP}    tags: [storage]\n");
                chart(d, "app", "0.1.0", &deps, "tags:\n  storage: false\n");
            },
            true,
        ),
        (
            "missing under an alias",
            |d| {
                let deps = format!("{DB_DEP}    alias: primary\n");
                chart(d, "app", "0.1.0", &deps, "");
            },
            true,
        ),
        (
            "vendored under an alias",
            |d| {
                let deps = format!("{DB_DEP}    alias: primary\n");
                chart(d, "app", "0.1.0", &deps, "");
                chart(&d.join("charts/db"), "db", "1.0.0", "", "");
            },
            false,
        ),
        (
            "a subchart's own dependency missing",
            |d| {
                chart(d, "app", "0.1.0", DB_DEP, "");
                let inner = "dependencies:\n  - name: common\n    version: 2.x.x\n    repository: https://charts.example.invalid\n";
                chart(&d.join("charts/db"), "db", "1.0.0", inner, "");
            },
            false,
        ),
        (
            "vendored as a .tgz",
            |d| {
                chart(d, "app", "0.1.0", DB_DEP, "");
                let src = d.parent().unwrap().join("db-src");
                chart(&src, "db", "1.3.0", "", "");
                let (_, h4) = common::helms();
                let out = helm(h4, &["package", src.to_str().unwrap(), "-d", d.join("charts").to_str().unwrap()]);
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            },
            false,
        ),
        (
            "one of two missing",
            |d| {
                let deps = format!(
                    "{DB_DEP}  - name: cache\n    version: 1.x.x\n    repository: https://charts.example.invalid\n"
                );
                chart(d, "app", "0.1.0", &deps, "");
                chart(&d.join("charts/db"), "db", "1.2.0", "", "");
            },
            true,
        ),
    ]
}

#[test]
fn missing_dependencies_get_helms_verdict_on_helm_3_and_4() {
    let mut compared = 0;
    for (name, build, refused) in layouts() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("app");
        build(&dir);
        for (label, bin) in each_helm() {
            let h = helm(bin, &["template", "x", dir.to_str().unwrap()]);
            assert_eq!(!h.status.success(), refused, "{label} on '{name}': {}", String::from_utf8_lossy(&h.stderr));
            if refused {
                assert!(String::from_utf8_lossy(&h.stderr).contains("missing in charts/ directory"), "{label} {name}");
            }
            let compat = if label.contains("helm 3") { "3" } else { "4" };
            let ours = chartwright().args(["validate", "--helm-compat", compat]).arg(&dir).output().unwrap();
            let text = String::from_utf8_lossy(&ours.stdout);
            assert_eq!(ours.status.code(), Some(if refused { 1 } else { 0 }), "{compat} '{name}': {text}");
            compared += 1;
        }
    }
    assert_eq!(compared, 22);
}

#[test]
fn a_missing_dependency_is_named_at_its_chart_yaml_line_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    let deps = format!("{DB_DEP}    condition: db.enabled\n");
    chart(&dir, "app", "0.1.0", &deps, "db:\n  enabled: false\n");
    let out = chartwright().args(["validate", "app"]).current_dir(tmp.path()).env("NO_COLOR", "1").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "app/Chart.yaml:5:11: error[dependency]: app: dependency 'db' is declared but missing from charts/"
        ),
        "{text}"
    );
    assert!(text.contains("(even when its condition or tags disable it)"), "{text}");
    assert!(text.contains("help: run `helm dependency build app` to fetch it into charts/"), "{text}");
}

#[test]
fn a_missing_dependency_of_requirements_yaml_is_named_at_its_line_there() {
    // An apiVersion v1 chart declares its dependencies in requirements.yaml; Helm refuses the
    // missing one as it does for Chart.yaml, and the error points into requirements.yaml.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    write(&dir.join("Chart.yaml"), "apiVersion: v1\nname: app\nversion: 0.1.0\n");
    write(&dir.join("requirements.yaml"), &format!("# fetched by helm dependency build\n{DB_DEP}"));
    write(&dir.join("templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
    for (label, bin) in each_helm() {
        let h = helm(bin, &["template", "x", dir.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&h.stderr);
        assert!(!h.status.success() && stderr.contains("missing in charts/ directory"), "{label}: {stderr}");
    }
    let out = chartwright().args(["validate", "app"]).current_dir(tmp.path()).env("NO_COLOR", "1").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "app/requirements.yaml:3:11: error[dependency]: app: dependency 'db' is declared but missing from charts/"
        ),
        "{text}"
    );
    assert!(text.contains("3 |   - name: db"), "{text}");
}
