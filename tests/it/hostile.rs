//! Hostile local input (issue 16): archives, YAML, `--set` strings, special files and long
//! lines that once hung chartwright, blew up its memory or its output. Each test runs the real
//! binary, asserts the exit code and the message, and bounds the child's own resources:
//! its address space is capped with `setrlimit(RLIMIT_AS)` (as `prlimit --as` does), so a
//! run that needed gigabytes dies and fails the exit-code assertion, and its CPU time comes
//! from `wait4`. (`ru_maxrss` is no use here: Linux carries the spawning test process's peak
//! over `fork` and `exec` into the child's figure.) Bounds are generous: debug build, shared
//! machine.

use crate::common;

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{SECS, assert_bounded, chartwright, root, run_bounded};

fn cw(args: &[&str], dir: &Path) -> Command {
    let mut c = chartwright();
    c.args(args).current_dir(dir);
    c
}

/// A `.tgz` of `(path, bytes)` entries.
fn tgz(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best()));
    for (path, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, path, data.as_slice()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

fn chart_yaml(name: &str) -> Vec<u8> {
    format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n").into_bytes()
}

const SCHEMA: &[u8] = br#"{"type": "object", "additionalProperties": {"type": "string"}}"#;

/// A chart `c` in `dir`, with a schema wanting every value a string when `schema` is set.
fn chart_dir(dir: &Path, schema: bool) {
    std::fs::create_dir(dir.join("c")).unwrap();
    std::fs::write(dir.join("c/Chart.yaml"), chart_yaml("c")).unwrap();
    if schema {
        std::fs::write(dir.join("c/values.schema.json"), SCHEMA).unwrap();
    }
}

// ---- item 3: one chart loader with Helm's limits ----

#[test]
fn a_chart_archive_with_an_oversized_values_file_is_refused_by_validate_and_audit() {
    let tmp = tempfile::tempdir().unwrap();
    // 6 MiB of values compress to a few kilobytes: a small bomb past Helm's 5 MiB per file.
    let mut values = b"a: ".to_vec();
    values.extend(std::iter::repeat_n(b'x', 6 * 1024 * 1024));
    let bytes = tgz(&[("c/Chart.yaml", chart_yaml("c")), ("c/values.yaml", values)]);
    std::fs::write(tmp.path().join("c.tgz"), bytes).unwrap();
    let r = run_bounded(cw(&["validate", "c.tgz"], tmp.path()), SECS);
    assert_bounded(&r, 2, "validate");
    assert!(
        r.stderr.contains("c.tgz: cannot load the chart archive: file \"c/values.yaml\" is larger than 5242880 bytes"),
        "{}",
        r.stderr
    );
    let r = run_bounded(cw(&["audit", "c.tgz"], tmp.path()), SECS);
    assert_bounded(&r, 2, "audit");
    assert!(r.stderr.contains("larger than 5242880 bytes"), "{}", r.stderr);
}

/// Writes chart `c` with `n` more entries made by `entry` as `c.tgz`, and checks that
/// `validate` refuses it with `want`.
fn assert_validate_refuses_archive(n: usize, entry: impl Fn(usize) -> (String, Vec<u8>), want: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let mut entries = vec![("c/Chart.yaml".to_string(), chart_yaml("c"))];
    entries.extend((0..n).map(entry));
    let refs: Vec<(&str, Vec<u8>)> = entries.iter().map(|(p, d)| (p.as_str(), d.clone())).collect();
    std::fs::write(tmp.path().join("c.tgz"), tgz(&refs)).unwrap();
    let r = run_bounded(cw(&["validate", "c.tgz"], tmp.path()), SECS);
    assert_bounded(&r, 2, "validate");
    assert!(r.stderr.contains(want), "{}", r.stderr);
}

#[test]
fn a_chart_archive_past_the_total_limit_is_refused() {
    // 21 templates of 5 MiB: each file is allowed, the sum (105 MiB) is not.
    let big = vec![b'#'; 5 * 1024 * 1024];
    let entry = |i| (format!("c/templates/t{i}.yaml"), big.clone());
    assert_validate_refuses_archive(21, entry, "decompresses to more than 104857600 bytes");
}

#[test]
fn subchart_archives_nested_past_the_limit_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut inner = tgz(&[("c40/Chart.yaml", chart_yaml("c40"))]);
    for level in (0..40).rev() {
        let name = format!("c{level}");
        let sub = format!("{name}/charts/c{}.tgz", level + 1);
        inner = tgz(&[(&format!("{name}/Chart.yaml"), chart_yaml(&name)), (&sub, inner)]);
    }
    std::fs::write(tmp.path().join("c.tgz"), inner).unwrap();
    for cmd in ["validate", "audit"] {
        let r = run_bounded(cw(&[cmd, "c.tgz"], tmp.path()), SECS);
        assert_bounded(&r, 2, cmd);
        assert!(r.stderr.contains("subcharts nest more than 16 levels deep"), "{cmd}: {}", r.stderr);
    }
}

#[test]
fn many_sibling_subchart_archives_draw_on_one_budget() {
    // 3,000 subchart archives of 40 KiB each: 117 MiB in total, past the chart's one budget.
    let pad = vec![b'#'; 40 * 1024];
    let sub = tgz(&[("s/Chart.yaml", chart_yaml("s")), ("s/templates/x.yaml", pad)]);
    let entry = |i| (format!("c/charts/s{i}.tgz"), sub.clone());
    assert_validate_refuses_archive(3000, entry, "decompresses to more than 104857600 bytes");
}

#[test]
fn subchart_archives_of_a_chart_directory_draw_on_one_budget_in_audit() {
    // 21 subchart archives of one 5 MiB file each beside a chart directory: each is allowed,
    // their sum (105 MiB) is not, as for a chart archive.
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    std::fs::create_dir(tmp.path().join("c/charts")).unwrap();
    let sub = tgz(&[("s/Chart.yaml", chart_yaml("s")), ("s/templates/x.yaml", vec![b'#'; 5 * 1024 * 1024])]);
    for i in 0..21 {
        std::fs::write(tmp.path().join(format!("c/charts/s{i:02}.tgz")), &sub).unwrap();
    }
    let r = run_bounded(cw(&["audit", "c"], tmp.path()), SECS);
    assert_bounded(&r, 2, "audit");
    assert!(r.stderr.contains("decompresses to more than 104857600 bytes"), "{}", r.stderr);
}

#[test]
fn garbage_after_the_gzip_stream_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = tgz(&[("c/Chart.yaml", chart_yaml("c"))]);
    bytes.extend_from_slice(b"trailing garbage");
    std::fs::write(tmp.path().join("c.tgz"), bytes).unwrap();
    for cmd in ["validate", "audit"] {
        let r = run_bounded(cw(&[cmd, "c.tgz"], tmp.path()), SECS);
        assert_bounded(&r, 2, cmd);
        assert!(r.stderr.contains("unexpected data after the end of the gzip stream"), "{cmd}: {}", r.stderr);
    }
}

#[test]
fn archive_entries_escaping_the_chart_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let data = chart_yaml("c");
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_entry_type(tar::EntryType::Regular);
    // tar::Builder refuses '..' itself, so the name goes into the header by hand.
    h.as_gnu_mut().unwrap().name[..15].copy_from_slice(b"c/../Chart.yaml");
    h.set_cksum();
    b.append(&h, data.as_slice()).unwrap();
    std::fs::write(tmp.path().join("c.tgz"), b.into_inner().unwrap().finish().unwrap()).unwrap();
    let r = run_bounded(cw(&["validate", "c.tgz"], tmp.path()), SECS);
    assert_bounded(&r, 2, "validate");
    assert!(r.stderr.contains("has an absolute path or a '..' component"), "{}", r.stderr);
}

// ---- items 5 and 7: YAML merge keys and alias bytes ----

#[test]
fn a_merge_of_a_hundred_thousand_keys_is_linear() {
    let tmp = tempfile::tempdir().unwrap();
    let mut y = String::from("base: &b\n");
    for i in 0..100_000 {
        y.push_str(&format!("  k{i}: v\n"));
    }
    y.push_str("merged:\n  <<: *b\n  k0: w\n");
    std::fs::write(tmp.path().join("v.yaml"), &y).unwrap();
    chart_dir(tmp.path(), true);
    let r = run_bounded(cw(&["validate", "c", "-f", "v.yaml"], tmp.path()), SECS);
    // "merged" is a map where the schema wants strings: one error, after the whole merge.
    assert_bounded(&r, 1, "validate");
    assert!(r.stdout.contains("at '/base'") && r.stdout.contains("at '/merged'"), "{}", r.stdout);
}

#[test]
fn aliases_copying_more_than_eight_mib_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut y = format!("s: &s {}\nl:\n", "x".repeat(100_000));
    for _ in 0..20_000 {
        y.push_str("- *s\n");
    }
    std::fs::write(tmp.path().join("bomb.yaml"), &y).unwrap();
    let r = run_bounded(cw(&["lint", "bomb.yaml"], tmp.path()), SECS);
    assert_bounded(&r, 2, "lint");
    assert!(r.stderr.contains("aliases expand to more than 8388608 bytes"), "{}", r.stderr);
    assert!(r.stderr.contains("bomb.yaml:"), "{}", r.stderr);
}

#[test]
fn nested_anchors_without_any_alias_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    // 200 nested anchors around 200,000 items: each anchor keeps its own copy (40M nodes, 2.8 GB before).
    let opens: String = (0..200).map(|i| format!("&a{i} [")).collect();
    let y = format!("v: {opens}{}{}\n", vec!["x"; 200_000].join(", "), "]".repeat(200));
    std::fs::write(tmp.path().join("anchors.yaml"), y).unwrap();
    let r = run_bounded(cw(&["lint", "anchors.yaml"], tmp.path()), SECS);
    assert_bounded(&r, 2, "lint");
    assert!(r.stderr.contains("anchored values hold more than 1000000 nodes in one document"), "{}", r.stderr);
}

#[test]
fn chained_aliases_cannot_build_a_tree_deep_enough_to_overflow_the_stack() {
    let tmp = tempfile::tempdir().unwrap();
    // 60 anchors, each 200 levels deep around the previous one: 12,000 levels from 24 KB.
    let mut y = format!("a0: &a0 {}1{}\n", "[".repeat(200), "]".repeat(200));
    for k in 1..60 {
        y.push_str(&format!("a{k}: &a{k} {}*a{}{}\n", "[".repeat(200), k - 1, "]".repeat(200)));
    }
    std::fs::write(tmp.path().join("deep.yaml"), &y).unwrap();
    chart_dir(tmp.path(), true);
    for args in [vec!["lint", "deep.yaml"], vec!["generate", "deep.yaml", "--name", "x", "--output", "o"]] {
        let r = run_bounded(cw(&args, tmp.path()), SECS);
        assert_bounded(&r, 2, args[0]);
        assert!(
            r.stderr.contains("deep.yaml:2:209: invalid YAML: input is nested deeper than 256 levels"),
            "{}",
            r.stderr
        );
    }
    let r = run_bounded(cw(&["validate", "c", "-f", "deep.yaml"], tmp.path()), SECS);
    assert_bounded(&r, 1, "validate");
    assert!(r.stdout.contains("input is nested deeper than 256 levels"), "{}", r.stdout);
}

// ---- item 6: diagnostics on long lines and many errors ----

#[test]
fn findings_on_one_long_line_print_bounded_excerpts() {
    let tmp = tempfile::tempdir().unwrap();
    let items: Vec<String> = (0..400)
        .map(|i| {
            format!(
                r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"d{i}"}},"spec":{{"selector":{{"matchLabels":{{"a":"b"}}}},"template":{{"metadata":{{"labels":{{"a":"b"}}}},"spec":{{"containers":[{{"name":"c","image":"nginx:latest"}}]}}}}}}}}"#
            )
        })
        .collect();
    let list = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, items.join(","));
    std::fs::write(tmp.path().join("list.json"), &list).unwrap();
    let r = run_bounded(cw(&["lint", "list.json"], tmp.path()), SECS);
    // Warnings and infos only: exit 0 under the default --fail-on error.
    assert_bounded(&r, 0, "lint");
    let findings = r.stdout.matches("list.json:1:").count();
    assert!(findings > 400, "{findings} findings");
    // Every finding quotes at most ~160 characters of the 120 KB line.
    assert!(r.stdout_len < 2_000 * 400 * 4, "{} bytes for {} findings", r.stdout_len, findings);
    assert!(r.stdout.lines().all(|l| l.chars().count() < 400), "a line of output is not clipped");
}

#[test]
fn many_errors_in_one_values_file_are_located_quickly_and_clipped() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), true);
    let one_line: Vec<String> = (0..15_000).map(|i| format!("\"k{i}\": {i}")).collect();
    std::fs::write(tmp.path().join("one.yaml"), format!("{{{}}}\n", one_line.join(", "))).unwrap();
    let r = run_bounded(cw(&["validate", "c", "-f", "one.yaml"], tmp.path()), SECS);
    assert_bounded(&r, 1, "one line");
    assert!(r.stdout.contains("15000 error(s)") || r.stdout_len > 0, "{}", r.stdout);
    assert!(r.stdout_len < 15_000 * 1_000, "{} bytes", r.stdout_len);
    let many: String = (0..50_000).map(|i| format!("k{i}: {i}\n")).collect();
    std::fs::write(tmp.path().join("many.yaml"), many).unwrap();
    let r = run_bounded(cw(&["validate", "c", "-f", "many.yaml", "--format", "json"], tmp.path()), SECS);
    assert_bounded(&r, 1, "one per line");
}

#[test]
fn a_huge_value_failing_a_pattern_is_quoted_clipped() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    std::fs::write(
        tmp.path().join("c/values.schema.json"),
        r#"{"type": "object", "additionalProperties": {"type": "string", "pattern": "^a+$"}}"#,
    )
    .unwrap();
    let values: String = (0..4).map(|i| format!("k{i}: {}b\n", "a".repeat(1024 * 1024))).collect();
    std::fs::write(tmp.path().join("v.yaml"), values).unwrap();
    for format in ["json", "text"] {
        let r = run_bounded(cw(&["validate", "c", "-f", "v.yaml", "--format", format], tmp.path()), SECS);
        assert_bounded(&r, 1, format);
        assert!(r.stdout.contains("does not match pattern '^a+$'"), "{}", r.stdout);
        assert!(r.stdout_len < 50_000, "{format}: {} bytes for 4 errors", r.stdout_len);
    }
}

// ---- item 8: recursion and memory of --set ----

#[test]
fn deeply_nested_set_indices_are_an_error_not_a_stack_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    for flag in [format!("a{}=1", "[0]".repeat(4000)), format!("a{}=1", "[0].b".repeat(4000))] {
        let r = run_bounded(cw(&["validate", "c", "--set", &flag], tmp.path()), SECS);
        assert_bounded(&r, 2, "--set");
        assert!(r.stderr.contains("keys and indices nest deeper than 256 levels"), "{}", r.stderr);
        assert!(r.stderr.len() < 2_000, "the flag is echoed whole: {} bytes", r.stderr.len());
    }
}

#[test]
fn a_long_set_json_flag_is_read_in_linear_time() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    // 12,000 JSON values in one 97 KB flag: each once copied the rest of the flag (42 s of CPU).
    let flag: Vec<String> = (0..12_000).map(|i| format!("k{i}=1")).collect();
    let r = run_bounded(cw(&["validate", "c", "--set-json", &flag.join(",")], tmp.path()), SECS);
    assert_bounded(&r, 0, "--set-json");
    assert!(r.cpu < Duration::from_secs(10), "{:?} of CPU", r.cpu);
}

#[test]
fn set_lists_are_bounded_in_total() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    let mut args: Vec<String> = vec!["validate".into(), "c".into()];
    for i in 0..1000 {
        args.push("--set".into());
        args.push(format!("b{i}[65536]=1"));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run_bounded(cw(&argv, tmp.path()), SECS);
    assert_bounded(&r, 2, "--set lists");
    assert!(r.stderr.contains("create more than 1048592 list entries in total"), "{}", r.stderr);
    // One flag nesting large indices: 100 lists of 65,537 slots.
    let flag = format!("a{}=1", "[65536]".repeat(100));
    let r = run_bounded(cw(&["validate", "c", "--set", &flag], tmp.path()), SECS);
    assert_bounded(&r, 2, "--set nested lists");
    assert!(r.stderr.contains("create more than 1048592 list entries in total"), "{}", r.stderr);
}

// ---- item 9: special files and symlink cycles ----

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn fifos_and_devices_are_refused_with_a_message_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    mkfifo(&d.join("fifo.yaml"));
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.yaml")).unwrap();
    std::fs::create_dir(d.join("c")).unwrap();
    std::fs::write(d.join("c/Chart.yaml"), chart_yaml("c")).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["lint", "fifo.yaml"], "fifo.yaml: not a regular file (a FIFO)"),
        (vec!["lint", "zero.yaml"], "zero.yaml: not a regular file (a character device)"),
        (vec!["generate", "fifo.yaml", "--name", "x", "--output", "out"], "not a regular file (a FIFO)"),
        (vec!["validate", "c", "-f", "fifo.yaml"], "fifo.yaml: not a regular file (a FIFO)"),
        (vec!["validate", "c", "fifo.yaml"], "fifo.yaml: not a regular file (a FIFO)"),
        (vec!["validate", "c", "--set-file", "a=zero.yaml"], "zero.yaml: not a regular file (a character device)"),
        (vec!["audit", "--deny-list", "fifo.yaml", "c"], "fifo.yaml: not a regular file (a FIFO)"),
    ];
    for (args, want) in cases {
        let r = run_bounded(cw(&args, d), Duration::from_secs(30));
        assert_bounded(&r, 2, &args.join(" "));
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    }
    assert!(!d.join("out").exists());
}

#[test]
fn special_files_inside_a_chart_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    std::fs::create_dir(&c).unwrap();
    std::fs::write(c.join("Chart.yaml"), chart_yaml("c")).unwrap();
    mkfifo(&c.join("values.yaml"));
    std::os::unix::fs::symlink("/dev/zero", c.join("values.schema.json")).unwrap();
    let r = run_bounded(cw(&["validate", "c"], tmp.path()), Duration::from_secs(30));
    assert_bounded(&r, 2, "validate");
    // The link to a device is out of the chart (issue 21), refused before it is opened.
    assert!(r.stderr.contains("c/values.schema.json: a symbolic link to /dev/zero, outside the chart"), "{}", r.stderr);
    let r = run_bounded(cw(&["audit", "c"], tmp.path()), Duration::from_secs(30));
    assert_bounded(&r, 2, "audit");
    assert!(r.stderr.contains("values.yaml: not a regular file (a FIFO)"), "{}", r.stderr);
}

#[test]
fn a_schema_ref_to_a_device_or_fifo_is_refused_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    let fifo = tmp.path().join("ref.json");
    mkfifo(&fifo);
    for target in ["file:///dev/zero".to_string(), format!("file://{}", fifo.display())] {
        let schema = format!(r#"{{"type": "object", "properties": {{"a": {{"$ref": "{target}"}}}}}}"#);
        std::fs::write(tmp.path().join("c/values.schema.json"), schema).unwrap();
        let r = run_bounded(cw(&["validate", "c"], tmp.path()), Duration::from_secs(30));
        // Refused (as not a regular file, or as outside the chart): either way never read.
        assert_bounded(&r, 2, &target);
        assert!(r.stderr.contains("c/values.schema.json"), "{}", r.stderr);
    }
}

#[test]
fn a_file_dependency_that_is_a_fifo_does_not_hang_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    std::fs::create_dir_all(tmp.path().join("dep")).unwrap();
    mkfifo(&tmp.path().join("dep/Chart.yaml"));
    std::fs::create_dir(&c).unwrap();
    std::fs::write(
        c.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: dep\n  version: 1.0.0\n  repository: file://../dep\n",
    )
    .unwrap();
    let r = run_bounded(cw(&["audit", "c"], tmp.path()), Duration::from_secs(30));
    // The unreadable Chart.yaml makes the dependency a finding, not a hang.
    assert_bounded(&r, 1, "audit");
    assert!(r.stdout.contains("file-dependency-missing"), "{}", r.stdout);
}

#[test]
fn symlink_cycles_in_a_walked_directory_are_skipped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    std::fs::write(d.join("a/b/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n").unwrap();
    // Two links back up the tree: without cycle detection the walk grows exponentially.
    std::os::unix::fs::symlink("..", d.join("a/b/up1")).unwrap();
    std::os::unix::fs::symlink("../..", d.join("a/b/up2")).unwrap();
    mkfifo(&d.join("a/pipe.yaml"));
    let r = run_bounded(cw(&["lint", "in"], tmp.path()), SECS);
    assert_bounded(&r, 0, "lint");
    assert!(r.stderr.contains("symlink cycle"), "{}", r.stderr);
    assert!(r.stderr.contains("pipe.yaml: not a regular file (a FIFO)"), "{}", r.stderr);
    let r = run_bounded(cw(&["audit", "in"], tmp.path()), SECS);
    // Nothing to audit in there: exit 2 with that message, after a walk that terminated.
    assert_bounded(&r, 2, "audit");
    assert!(r.stderr.contains("symlink cycle") && r.stderr.contains("pipe.yaml: not a regular file"), "{}", r.stderr);
}

// ---- item 13: smaller ones ----

#[test]
fn an_overflowing_float_is_a_string_as_in_helm() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), true);
    std::fs::write(tmp.path().join("v.yaml"), "v: 1e400\n").unwrap();
    let r = run_bounded(cw(&["validate", "c", "-f", "v.yaml"], tmp.path()), SECS);
    assert_bounded(&r, 0, "validate");
}

#[test]
fn a_nul_byte_is_reported_where_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("n.yaml"), b"a: 1\nb: xy\0z\n").unwrap();
    let r = run_bounded(cw(&["lint", "n.yaml"], tmp.path()), SECS);
    assert_bounded(&r, 2, "lint");
    assert!(r.stderr.contains("n.yaml:2:6: invalid YAML: control characters are not allowed"), "{}", r.stderr);
}

#[test]
fn a_missing_or_misspelled_template_override_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = root().join("tests/fixtures/generate");
    let manifest = std::fs::read_dir(&input)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .unwrap();
    let m = manifest.to_str().unwrap();
    let r = run_bounded(
        cw(&["generate", m, "--name", "x", "--output", "o1", "--templates", "/nonexistent"], tmp.path()),
        SECS,
    );
    assert_bounded(&r, 2, "missing dir");
    assert!(r.stderr.contains("/nonexistent: cannot read"), "{}", r.stderr);
    std::fs::create_dir(tmp.path().join("tpl")).unwrap();
    std::fs::write(tmp.path().join("tpl/Chart.yml.tera"), "x").unwrap();
    let r = run_bounded(cw(&["generate", m, "--name", "x", "--output", "o2", "--templates", "tpl"], tmp.path()), SECS);
    assert_bounded(&r, 2, "unknown name");
    assert!(r.stderr.contains("tpl/Chart.yml.tera: not one of chartwright's templates"), "{}", r.stderr);
    assert!(!tmp.path().join("o1").exists() && !tmp.path().join("o2").exists());
}

#[test]
fn a_missing_deny_list_names_the_os_error_once() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    let r = run_bounded(cw(&["audit", "--deny-list", "nope.yaml", "c"], tmp.path()), SECS);
    assert_bounded(&r, 2, "audit");
    assert_eq!(r.stderr.matches("No such file or directory").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("nope.yaml: cannot read"), "{}", r.stderr);
}

#[test]
fn stdin_is_read_up_to_the_limit_only() {
    // 70 MiB of zeros on stdin: refused at the 64 MiB input limit, memory bounded by it.
    let mut child = chartwright()
        .args(["lint", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'#'; 1024 * 1024];
        for _ in 0..70 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    writer.join().unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("<stdin>: larger than 67108864 bytes"), "{err}");
}

// ---- issue 21 item 12: memory follows nodes, and nodes are bounded ----

#[test]
fn a_values_file_of_millions_of_flow_items_is_refused_within_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    chart_dir(tmp.path(), false);
    let mut values = String::from("a: [");
    values.push_str(&vec!["1"; 10_000_000].join(","));
    values.push_str("]\n");
    std::fs::write(tmp.path().join("big.yaml"), values).unwrap();
    let r = run_bounded(cw(&["validate", "c", "big.yaml"], tmp.path()), SECS);
    assert!(r.code == Some(1) || r.code == Some(2), "exit {:?}: {}", r.code, r.stderr);
    assert!(r.stdout.contains("more than 4000000 YAML nodes") || r.stderr.contains("more than 4000000 YAML nodes"));
    assert!(r.cpu < common::CPU, "{:?} of CPU", r.cpu);
}
