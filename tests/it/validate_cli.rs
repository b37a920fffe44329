//! `chartwright validate` end to end: every output format against golden files, exit codes,
//! and bad input (each with one clear message, never a panic or a hang).

use crate::common;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_golden, chartwright, copy_dir, root};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/validate")
}

/// Runs in the fixture directory so that file names in the output are short and stable, with
/// the render stage on (Helm 4.1.4), so the goldens hold the whole verdict.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let helm = common::helms().1.to_str().unwrap();
    chartwright()
        .arg("validate")
        .args(args)
        .args(["--helm", helm])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs with the render stage off (`--no-render`): for tests of the schema stage and of
/// `--strict`'s template scan over templates that are written to be scanned, not rendered.
fn run_schema_only(dir: &Path, args: &[&str]) -> Output {
    chartwright().arg("validate").args(args).arg("--no-render").current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn every_output_format_matches_its_golden_file() {
    for (format, ext) in
        [("text", "txt"), ("json", "json"), ("github", "github"), ("sarif", "sarif"), ("junit", "junit.xml")]
    {
        let out =
            run_in(&fixtures(), &["legacy", "inputs/values-dev.yaml", "inputs/values-prod.yaml", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", text(&out.stderr));
        assert_golden(&root().join(format!("golden/validate/legacy.{ext}")), &text(&out.stdout));
    }
}

#[test]
fn combinator_failures_are_explained_in_plain_words() {
    let args = ["combinators", "inputs/combinators.yaml", "inputs/combinators-none.yaml"];
    let out = run_in(&fixtures(), &args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("inputs/combinators.yaml:2:17: error[oneOf]: combinators: at '/podDisruptionBudget': set exactly one of minAvailable and maxUnavailable; set maxUnavailable to \"\"\n"),
        "{s}"
    );
    assert_golden(&root().join("golden/validate/combinators.txt"), &s);
    let out = run_in(&fixtures(), &[&args[..], &["--format", "json"]].concat());
    let json = text(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pdb =
        &doc["runs"][0]["errors"].as_array().unwrap().iter().find(|e| e["pointer"] == "/podDisruptionBudget").unwrap();
    // JSON keeps Helm's wording and each alternative's outcome.
    assert_eq!(pdb["message"], "'oneOf' failed, more than one subschema matched");
    assert_eq!(pdb["branches"], serde_json::json!([{"index": 0, "matched": true}, {"index": 1, "matched": true}]));
    assert_golden(&root().join("golden/validate/combinators.json"), &json);
}

#[test]
fn text_points_at_the_file_line_and_column_that_set_the_value() {
    let out = run_in(&fixtures(), &["legacy", "inputs/values-prod.yaml"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("inputs/values-prod.yaml:5:9: error[type]: legacy: at '/labels/team': got number, want string"),
        "{s}"
    );
    assert!(s.contains("5 |   team: 7\n  |         ^"), "{s}");
    assert!(!s.contains('\x1b'), "piped output must not be colored");
}

#[test]
fn json_output_follows_the_published_schema() {
    let out = run_in(&fixtures(), &["legacy", "inputs/values-dev.yaml", "inputs/values-prod.yaml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = common::validate_output_schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    let combinators = run_in(&fixtures(), &["combinators", "inputs/combinators.yaml", "--format", "json"]);
    let c: serde_json::Value = serde_json::from_slice(&combinators.stdout).unwrap();
    let errors = common::validate_output_schema_errors(&c);
    assert!(errors.is_empty() && c["runs"][0]["errors"][0]["branches"].is_null(), "{errors:?}");
    assert!(c["runs"][0]["errors"].as_array().unwrap().iter().any(|e| e["branches"].is_array()));
    assert_eq!(doc["runs"][0]["valid"], true);
    assert_eq!(doc["runs"][1]["valid"], false);
    assert_eq!(doc["runs"][1]["values"], serde_json::json!(["legacy/values.yaml", "inputs/values-prod.yaml"]));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let args = ["legacy", "inputs/values-dev.yaml", "inputs/values-prod.yaml", "--format", "json"];
    let a = run_in(&fixtures(), &args);
    let b = run_in(&fixtures(), &args);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn unknown_keys_get_a_did_you_mean_hint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v.yaml"), "image:\n  pullPolcy: Always\n").unwrap();
    let out = run_in(&fixtures(), &["app", dir.path().join("v.yaml").to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The fixture's `cache` dependency is packaged only by the Helm tests, so it is reported too.
    let errors = doc["runs"][0]["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["keyword"] == "dependency" && e["message"].as_str().unwrap().contains("'cache'")));
    let e = errors.iter().find(|e| e["keyword"] == "additionalProperties").unwrap();
    assert_eq!(e["help"], "did you mean 'pullPolicy'?");
    assert_eq!((e["line"].as_u64(), e["column"].as_u64()), (Some(2), Some(3)));
}

#[test]
fn set_flags_are_located_at_the_flag_and_outrank_files() {
    let out = run_in(&fixtures(), &["legacy", "inputs/values-dev.yaml", "--set", "workers=1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &doc["runs"][0]["errors"][0];
    assert_eq!(e["pointer"], "/workers");
    assert_eq!(e["file"], "--set workers=1");
}

#[test]
fn chart_defaults_are_blamed_on_the_charts_values_yaml() {
    let out = run_in(&fixtures(), &["legacy", "--set", "labels.extra=5", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"][0]["errors"][0]["file"], "--set labels.extra=5");
    let out =
        run_in(&fixtures(), &["legacy", "-f", "inputs/values-prod.yaml", "inputs/values-dev.yaml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // values-dev.yaml overrides workers and labels.team, the rest of prod's base still fails.
    let files: Vec<&str> =
        doc["runs"][0]["errors"].as_array().unwrap().iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert!(files.iter().all(|f| *f == "inputs/values-prod.yaml"), "{files:?}");
    assert!(!files.is_empty());
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn bad_values_files_fail_their_run_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in 'b'..='k' {
        bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = name;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "list.yaml",
            b"- a\n- b\n".to_vec(),
            "list.yaml:1:1: error[yaml]: legacy: cannot read values: values must be a map of keys, but this document is a list",
        ),
        (
            "scalar.yaml",
            b"just words\n".to_vec(),
            "scalar.yaml:1:1: error[yaml]: legacy: cannot read values: values must be a map of keys, but this document is a single value",
        ),
        ("bomb.yaml", bomb.into_bytes(), "alias bomb"),
        ("deep.yaml", "[".repeat(100_000).into_bytes(), "nested deeper than"),
        (
            "latin1.yaml",
            b"a: 1\nname: caf\xe9\n".to_vec(),
            "latin1.yaml:2:10: error[yaml]: legacy: the file is not UTF-8 text",
        ),
        ("broken.yaml", b"a: [1, 2\nb: 3\n".to_vec(), "broken.yaml:"),
        (
            "inf.yaml",
            b"ratio: .inf\n".to_vec(),
            "inf.yaml:1:8: error[yaml]: legacy: cannot read values: .inf is not a number JSON can hold",
        ),
    ];
    for (name, content, want) in cases {
        let f = write(dir.path(), name, &content);
        let out = chartwright().args(["validate", "legacy", &f]).current_dir(fixtures()).output().unwrap();
        let s = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {s}{}", text(&out.stderr));
        assert!(s.contains(want), "{name}: want {want:?} in\n{s}");
    }
}

#[test]
fn an_empty_values_file_is_valid_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "empty.yaml", b"");
    let out = run_in(&fixtures(), &["legacy", &f]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("the file is empty"), "{}", text(&out.stderr));
}

#[test]
fn a_50_mb_values_file_is_read_without_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.yaml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let mut written = 0usize;
    let mut i = 0usize;
    writeln!(f, "workers: 0").unwrap();
    while written < 50 * 1024 * 1024 {
        let line = format!("key{i}: \"some value that pads the line to a realistic length {i}\"\n");
        written += line.len();
        f.write_all(line.as_bytes()).unwrap();
        i += 1;
    }
    drop(f);
    let out = run_in(&fixtures(), &["legacy", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"][0]["errors"][0]["pointer"], "/workers");
    assert_eq!(doc["runs"][0]["errors"][0]["line"], 1);
}

#[test]
fn a_chart_without_a_schema_is_a_note_and_exit_0() {
    let out = run_schema_only(&fixtures(), &["plain", "--set", "anything=1"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("has no values.schema.json"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing to check"));
}

#[test]
fn broken_charts_and_invocations_exit_2_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(&fixtures(), &["no-such-chart"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no-such-chart: cannot read the chart: no such file or directory"),
        "{}",
        text(&out.stderr)
    );

    let chart = |schema: &str| {
        let c = tempfile::tempdir_in(dir.path()).unwrap().keep();
        std::fs::write(c.join("Chart.yaml"), "apiVersion: v2\nname: broken\nversion: 0.1.0\n").unwrap();
        std::fs::write(c.join("values.schema.json"), schema).unwrap();
        c.to_str().unwrap().to_string()
    };
    let bad_json = chart("{\n  \"type\": \"object\",\n}\n");
    let out = run_in(&fixtures(), &[&bad_json]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("values.schema.json:3:1: invalid JSON"), "{}", text(&out.stderr));

    let bad_schema = chart("{\"type\": 5}");
    let out = run_in(&fixtures(), &[&bad_schema]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the schema does not compile"), "{}", text(&out.stderr));

    let out = run_in(&fixtures(), &["legacy", "--set", "a[x]=1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("failed parsing --set data"), "{}", text(&out.stderr));

    let out = run_in(&fixtures(), &["legacy", "-f", "missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.yaml: cannot read"), "{}", text(&out.stderr));
}

/// A one-shot HTTP server on loopback that serves `body` to every request.
fn serve(body: &'static str) -> (String, std::thread::JoinHandle<usize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/defs.json", listener.local_addr().unwrap().port());
    let handle = std::thread::spawn(move || {
        let mut served = 0;
        listener.set_nonblocking(false).unwrap();
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let resp = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            s.write_all(resp.as_bytes()).unwrap();
            served += 1;
        }
        served
    });
    (url, handle)
}

#[test]
fn remote_refs_are_fetched_only_when_allowed() {
    let (url, server) = serve("{\"type\": \"integer\"}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Chart.yaml"), "apiVersion: v2\nname: remote\nversion: 0.1.0\n").unwrap();
    std::fs::write(dir.path().join("values.yaml"), "count: 1\n").unwrap();
    std::fs::write(
        dir.path().join("values.schema.json"),
        format!("{{\"properties\": {{\"count\": {{\"$ref\": \"{url}\"}}}}}}"),
    )
    .unwrap();
    let chart = dir.path().to_str().unwrap();
    let out = run_in(&fixtures(), &[chart]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(&url) && err.contains("--allow-remote-refs"), "{err}");

    let out = run_in(&fixtures(), &[chart, "--allow-remote-refs", "--set-string", "count=x", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"][0]["errors"][0]["message"], "got string, want integer");
    assert_eq!(server.join().unwrap(), 1);
}

#[test]
fn packaged_charts_are_read_like_directories() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("legacy-0.1.0.tgz");
    let file = std::fs::File::create(&tgz).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all("legacy", fixtures().join("legacy")).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    let out = run_in(&fixtures(), &[tgz.to_str().unwrap(), "inputs/values-prod.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"][0]["errors"].as_array().unwrap().len(), 5);
}

#[test]
fn without_values_files_each_values_file_the_chart_keeps_is_its_own_run() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("legacy");
    copy_dir(&fixtures().join("legacy"), &chart);
    std::fs::write(chart.join("values-prod.yaml"), "workers: 1\n").unwrap();
    std::fs::write(chart.join("values-dev.yml"), "workers: 2\n").unwrap();
    std::fs::create_dir_all(chart.join("ci")).unwrap();
    std::fs::write(chart.join("ci/small-values.yaml"), "workers: 3\n").unwrap();
    std::fs::write(chart.join("ci/README.yaml"), "workers: not read\n").unwrap();
    std::fs::write(chart.join("prod.yaml"), "workers: not read\n").unwrap();
    let out = run_in(dir.path(), &["legacy", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "values-prod.yaml breaks exclusiveMinimum");
    assert!(text(&out.stderr).contains("the 3 values file(s) it keeps"), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs: Vec<(serde_json::Value, bool)> =
        doc["runs"].as_array().unwrap().iter().map(|r| (r["values"].clone(), r["valid"].as_bool().unwrap())).collect();
    let v = |files: &[&str]| serde_json::json!(files);
    assert_eq!(
        runs,
        vec![
            (v(&["legacy/values.yaml"]), true),
            (v(&["legacy/values.yaml", "legacy/values-dev.yml"]), true),
            (v(&["legacy/values.yaml", "legacy/values-prod.yaml"]), false),
            (v(&["legacy/values.yaml", "legacy/ci/small-values.yaml"]), true),
        ]
    );
    // Files named on the command line (or -f) turn the search off.
    let out = run_in(dir.path(), &["legacy", "legacy/ci/small-values.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"].as_array().unwrap().len(), 1);
}

/// A chart whose templates read values in every way the `--strict` scan knows.
fn strict_chart(dir: &Path, helper: &str) -> PathBuf {
    let chart = dir.join("reader");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: reader\nversion: 0.1.0\n").unwrap();
    std::fs::write(
        chart.join("values.yaml"),
        "replicaCount: 1\nimage:\n  repository: nginx\n  tag: \"\"\npodAnnotations: {}\nconfig: {}\nextra: \"\"\nenv: []\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("values.schema.json"),
        r#"{"type": "object", "properties": {"replicaCount": {"type": "integer"}}}"#,
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/deploy.yaml"),
        concat!(
            "{{/* .Values is documented here, which is not a read */}}\n",
            "replicas: {{ .Values.replicaCount }}\n",
            "image: {{ .Values.image.repository }}:{{ .Values.image.tag }}\n",
            "{{- with .Values.podAnnotations }}\nannotations: {{ toYaml . }}\n{{- end }}\n",
            "{{- range $k, $v := $.Values.env }}\n- {{ $k }}\n{{- end }}\n",
            "conf: {{ index .Values.config \"app.conf\" }}\n",
            "extra: {{ tpl .Values.extra . }}\n",
            "{{ include \"reader.helper\" . }}\n",
        ),
    )
    .unwrap();
    std::fs::write(chart.join("templates/_helpers.tpl"), helper).unwrap();
    chart
}

#[test]
fn strict_warns_about_keys_no_template_reads_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    strict_chart(dir.path(), "{{- define \"reader.helper\" -}}{{ .Values.service.port }}{{- end }}\n");
    let values = concat!(
        "replicaCont: 3\n",                               // typo: warned, with a hint
        "image:\n  tag: \"1.0\"\n  pullPolcy: Always\n",  // tag read; pullPolcy warned
        "podAnnotations:\n  team: web\n",                 // read whole by `with`
        "env:\n  - name: A\n",                            // read whole by `range`
        "config:\n  app.conf: x\n  other.conf: y\n",      // app.conf read by index; other.conf warned
        "service:\n  port: 80\n",                         // read by the helper
        "extra: \"{{ .Values.fromTpl }}\"\nfromTpl: z\n", // read through tpl
        "global:\n  anything: 1\n",                       // belongs to every chart
    );
    std::fs::write(dir.path().join("v.yaml"), values).unwrap();
    let out = run_schema_only(dir.path(), &["reader", "v.yaml", "--strict", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "warnings under --strict fail the step: {}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = common::validate_output_schema_errors(&doc);
    assert!(errors.is_empty(), "warnings follow the published schema: {errors:?}");
    assert_eq!(doc["runs"][0]["valid"], true, "Helm accepts these values");
    let warned: Vec<(String, u64, Option<String>)> = doc["runs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            assert_eq!(w["keyword"], "unread");
            (
                w["pointer"].as_str().unwrap().to_string(),
                w["line"].as_u64().unwrap(),
                w["help"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        warned,
        vec![
            ("/config/other.conf".to_string(), 11, None),
            ("/image/pullPolcy".to_string(), 4, None),
            ("/replicaCont".to_string(), 1, Some("did you mean 'replicaCount'?".to_string())),
        ]
    );
    // Without --strict the same values are clean.
    let out = run_schema_only(dir.path(), &["reader", "v.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn strict_stays_silent_when_a_template_uses_values_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    strict_chart(
        dir.path(),
        "{{- define \"reader.helper\" -}}{{ $v := deepCopy .Values }}{{ $v.service }}{{- end }}\n",
    );
    std::fs::write(dir.path().join("v.yaml"), "replicaCont: 3\n").unwrap();
    let out = run_schema_only(dir.path(), &["reader", "v.yaml", "--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr)
            .contains("--strict: templates/_helpers.tpl:1 uses .Values as a whole, so any key may be read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_values_file_named_beside_the_charts_values_yaml_is_found_there() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("out/legacy");
    copy_dir(&fixtures().join("legacy"), &chart);
    std::fs::write(chart.join("values-prod.yaml"), "workers: 0\n").unwrap();
    let out = run_in(dir.path(), &["out/legacy", "values-prod.yaml"]);
    assert_eq!(out.status.code(), Some(1), "values-prod.yaml breaks exclusiveMinimum: {}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("out/legacy/values-prod.yaml:1:"), "{}", text(&out.stdout));
    // A file of that name in the working directory comes first, as a path always did.
    std::fs::write(dir.path().join("values-prod.yaml"), "workers: 2\n").unwrap();
    assert_eq!(run_in(dir.path(), &["out/legacy", "values-prod.yaml"]).status.code(), Some(0));
    // Neither: the error still names the file as given.
    let out = run_in(dir.path(), &["out/legacy", "values-none.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("values-none.yaml"), "{}", text(&out.stderr));
}
