//! `.helmignore` decides what Helm loads from a chart directory; `validate` follows it.

use crate::common;

use common::{chartwright, each_helm, helm, helms};

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn subcharts_left_out_by_helmignore_are_not_validated_as_helm_does() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("top");
    write(&chart.join("Chart.yaml"), "apiVersion: v2\nname: top\nversion: 0.1.0\n");
    write(&chart.join("values.yaml"), "a: 1\n");
    // A subchart whose own defaults break its own schema.
    write(&chart.join("charts/extra/Chart.yaml"), "apiVersion: v2\nname: extra\nversion: 0.1.0\n");
    write(&chart.join("charts/extra/values.yaml"), "x: text\n");
    write(
        &chart.join("charts/extra/values.schema.json"),
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"x": {"type": "integer"}}}"#,
    );
    let helm4 = &helms().1;
    let verdicts = || {
        let h = helm(helm4, &["template", "r", chart.to_str().unwrap()]).status.success();
        let ours = chartwright().arg("validate").arg(&chart).output().unwrap();
        assert!(matches!(ours.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&ours.stderr));
        (h, ours.status.code() == Some(0))
    };
    assert_eq!(verdicts(), (false, false), "without .helmignore the subchart is checked");
    write(&chart.join(".helmignore"), "# left out\ncharts/extra/\n");
    assert_eq!(verdicts(), (true, true), "with it, neither Helm nor chartwright loads the subchart");
}

/// The files of a chart directory every case starts from: dotfiles at several depths, globs'
/// targets, directories for `dir/` rules.
const CHART_FILES: &[&str] = &[
    "Chart.yaml",
    "values.yaml",
    "values.schema.json",
    ".dotfile",
    "a.tmp",
    "keep.tmp",
    "ci/test-values.yaml",
    "ci/deep/x.yaml",
    "docs/readme.md",
    "docs/deep/x.md",
    "files/conf.txt",
    "templates/cm.yaml",
    "templates/_helpers.tpl",
    "templates/.hidden",
    "templates/sub/.hidden",
    // A subchart directory: the root's rules reach into it, its own .helmignore is only a file.
    "charts/sub/Chart.yaml",
    "charts/sub/values.yaml",
    "charts/sub/.helmignore",
    "charts/sub/b.tmp",
    "charts/sub/templates/cm.yaml",
    "charts/sub/templates/.hidden",
];

/// The files `helm package` puts in the archive for the chart at `dir` (chart directory
/// dropped), or `None` when Helm refuses the chart.
fn packaged(helm_bin: &std::path::Path, dir: &std::path::Path) -> Option<std::collections::BTreeSet<String>> {
    use std::io::Read as _;
    let out = tempfile::tempdir().unwrap();
    let run = helm(helm_bin, &["package", dir.to_str().unwrap(), "-d", out.path().to_str().unwrap()]);
    if !run.status.success() {
        return None;
    }
    let tgz = std::fs::read_dir(out.path()).unwrap().next().unwrap().unwrap().path();
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(tgz).unwrap()).read_to_end(&mut bytes).unwrap();
    let mut archive = tar::Archive::new(bytes.as_slice());
    let mut names = std::collections::BTreeSet::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        if entry.header().entry_type().is_file() {
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            names.insert(path.split_once('/').unwrap().1.to_string());
        }
    }
    Some(names)
}

/// What chartwright's chart loader keeps of the chart at `dir`, or its error.
fn loaded(dir: &std::path::Path) -> Result<std::collections::BTreeSet<String>, String> {
    use chartwright::chart::{Budget, files};
    let select = files::Select { file: &|_| true, dir: &|_| true };
    files::load(dir, "chart", &Budget::default(), &select).map(|f| f.into_keys().collect()).map_err(|e| e.to_string())
}

#[test]
fn the_chart_loader_keeps_exactly_what_helm_package_archives() {
    // (.helmignore, why the case is here); `None`: no .helmignore at all. The last four Helm
    // refuses to package.
    let cases: &[(Option<&str>, &str)] = &[
        (None, "no .helmignore: Helm's default rule still drops templates/.hidden"),
        (Some("# comment\n\n*.tmp\n"), "a base-name glob at every depth"),
        (Some("docs/\nci/*\n"), "a directory rule drops the tree; a path glob does not cross /"),
        (Some("/values.schema.json\n.*\n"), "an anchored rule; .* drops every dotfile, .helmignore too"),
        (Some("[a-k]*.tmp\n?ocs/\n  files/conf.tx[^a]  \n"), "classes, ?, surrounding blanks"),
        (Some("charts/*/templates/\nb.tmp\n"), "rules reach into a subchart directory"),
        (Some("sub/\n"), "a base-name directory rule drops the whole subchart"),
        (Some("*.tmp\n!*\n"), "a negation that matches every base name passes everything on"),
        (Some("!*\n"), "a negation alone: only the default rule is left"),
        (Some("!*.tmp\n"), "a negation ignores what it does not match: Chart.yaml goes, Helm refuses"),
        (Some("!templates/\n"), "a directory-only negation ignores every file"),
        (Some("docs/**/x.md\n"), "** is refused by Helm"),
        (Some("[a\n"), "a malformed pattern is refused by Helm"),
    ];
    for (i, (ignore, why)) in cases.iter().enumerate() {
        let refused = i >= cases.len() - 4;
        let tmp = tempfile::tempdir().unwrap();
        let chart = tmp.path().join("demo");
        for f in CHART_FILES {
            let text = match *f {
                "Chart.yaml" => "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
                "charts/sub/Chart.yaml" => "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                "charts/sub/.helmignore" => "*.yaml\n",
                "values.schema.json" => "{}\n",
                f if f.contains("templates/") && f.ends_with(".yaml") => {
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                }
                _ => "a: 1\n",
            };
            write(&chart.join(f), text);
        }
        if let Some(text) = ignore {
            write(&chart.join(".helmignore"), text);
        }
        let ours = loaded(&chart);
        for (label, bin) in each_helm() {
            let archived = packaged(bin, &chart);
            assert_eq!(archived.is_none(), refused, "{label}: {why}");
            match (archived, &ours) {
                (Some(helms), Ok(ours)) => assert_eq!(ours, &helms, "{label}: {why}"),
                // Helm refuses the chart: either it could not parse .helmignore (so must we) or
                // the rules dropped Chart.yaml (so must we).
                (None, Ok(ours)) => assert!(!ours.contains("Chart.yaml"), "{label}: {why}: {ours:?}"),
                (None, Err(e)) => assert!(e.contains(".helmignore:1:"), "{label}: {why}: {e}"),
                (Some(helms), Err(e)) => panic!("{label}: {why}: Helm packaged {helms:?}, we failed: {e}"),
            }
        }
    }
}

#[test]
fn a_helmignore_helm_refuses_is_one_error_with_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("c");
    write(&chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
    write(&chart.join("values.yaml"), "a: 1\n");
    write(&chart.join(".helmignore"), "*.tmp\n  docs/**\n");
    let out = chartwright().arg("validate").arg(&chart).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(".helmignore:2:8: double-star (**) syntax is not supported by Helm"), "{err}");
}
