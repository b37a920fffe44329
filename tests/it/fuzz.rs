//! Property-based fuzzing of the parsers and loaders that take untrusted input: YAML with
//! positions, `--set` strings, chart archives, Chart.yaml/requirements.yaml, index.yaml and
//! deny-list files. None may panic, and what they report must point inside the input.
//!
//! The normal test run tries 256 cases per property (well under a minute in all). For a long
//! run: `PROPTEST_CASES=100000 cargo test --test fuzz` (proptest reads the variable). A failure
//! prints the minimal input; it becomes a named regression test below or in the module it hit.

use std::sync::Arc;

use chartwright::audit::chart::FileKind;
use chartwright::validate::SetKind;
use chartwright::validate::tree::Map;
use proptest::prelude::*;

/// Pieces of YAML that exercise the scanner, anchors, merges, tags, scalars and oddities.
const YAML_TOKENS: &[&str] = &[
    "a",
    "b",
    "key",
    ": ",
    ":",
    " ",
    "  ",
    "\n",
    "\n  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&x ",
    "*x",
    "&y ",
    "*y",
    "<<: ",
    "'",
    "\"",
    "|\n",
    ">-\n",
    "# c",
    "---\n",
    "...\n",
    "!!str ",
    "!!int ",
    "!!float ",
    "1e400",
    "-1e400",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    ".inf",
    "~",
    "null",
    "yes",
    "on",
    "\t",
    "? ",
    "é",
    "\u{0}",
    "\u{7}",
    "\\",
    "%YAML 1.1\n",
    "\r\n",
    "🦀",
    "1.20",
    "true",
];

fn yaml_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(YAML_TOKENS), 0..60).prop_map(|t| t.concat())
}

/// Walks a tree (iteratively) checking that positions lie inside `text`.
fn positions_inside(root: &chartwright::yaml::Node, lines: u32) -> Result<(), String> {
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        if n.pos.line == 0 || n.pos.line > lines + 1 || n.pos.col == 0 {
            return Err(format!("position {:?} outside a text of {lines} lines", n.pos));
        }
        match &n.value {
            chartwright::yaml::Value::Seq(items) => todo.extend(items),
            chartwright::yaml::Value::Map(entries) => {
                for (k, v) in entries {
                    todo.push(k);
                    todo.push(v);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn line_count(text: &str) -> u32 {
    u32::try_from(text.split('\n').count()).unwrap()
}

proptest! {
    #[test]
    fn yaml_parses_or_fails_with_a_position_inside_the_text(text in yaml_text()) {
        let lines = line_count(&text);
        match chartwright::yaml::parse_stream(&text) {
            Ok(docs) => {
                for d in docs {
                    if let Some(root) = &d.root {
                        prop_assert!(positions_inside(root, lines).is_ok(), "{:?}", positions_inside(root, lines));
                        // The recursive consumers of trees must cope with whatever the parser allows.
                        let _ = root.to_json();
                        let _ = chartwright::validate::tree::ValueNode::from_yaml(root, 0);
                        let _ = chartwright::yaml::emit_document(root);
                    }
                }
            }
            Err(e) => {
                prop_assert!(e.pos.line >= 1 && e.pos.line <= lines + 1 && e.pos.col >= 1, "{e:?} for {text:?}");
                prop_assert!(!e.message.contains("could not read this input"), "parser panicked on {text:?}");
            }
        }
    }

    #[test]
    fn values_files_read_or_fail_with_a_message(text in yaml_text()) {
        if let Err(e) = chartwright::validate::values::read_values(&text, 0, true) {
            prop_assert!(e.line >= 1 && !e.message.is_empty());
        }
    }

    #[test]
    fn set_strings_never_panic(text in "[a-c.\\[\\]0-9,={}\\\\ -]{0,40}", kind in 0..4usize) {
        let kind = [SetKind::Typed, SetKind::Str, SetKind::Literal, SetKind::Json][kind];
        let mut m = Map::new();
        let _ = chartwright::validate::strvals::parse_into(&text, kind, &mut m, None, &|p| Ok(p.to_string()));
    }

    #[test]
    fn random_bytes_are_never_a_chart_archive_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let budget = chartwright::chart::Budget::default();
        let _ = chartwright::chart::read_archive(&bytes, 0, &budget, &|_| true);
        let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
        gz.extend_from_slice(&bytes);
        let _ = chartwright::chart::read_archive(&gz, 0, &budget, &|_| true);
    }

    #[test]
    fn damaged_chart_archives_fail_cleanly_and_intact_ones_load(
        entries in prop::collection::vec(("[a-c./]{1,12}", prop::collection::vec(any::<u8>(), 0..300)), 1..6),
        damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        let mut written = Vec::new();
        for (path, data) in &entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_entry_type(tar::EntryType::Regular);
            if b.append_data(&mut h, path, data.as_slice()).is_ok() {
                written.push(path.clone());
            }
        }
        let Ok(enc) = b.into_inner() else { return Ok(()) };
        let mut bytes = enc.finish().unwrap();
        let budget = chartwright::chart::Budget::default();
        if damage.is_empty() {
            let got = chartwright::chart::read_archive(&bytes, 0, &budget, &|_| true);
            prop_assert!(got.is_ok() || written.iter().any(|p| p.split('/').any(|c| c == "..")), "{got:?}");
        }
        for (at, byte) in damage {
            let i = at.index(bytes.len());
            bytes[i] ^= byte | 1;
        }
        let _ = chartwright::chart::read_archive(&bytes, 0, &budget, &|_| true);
        let _ = chartwright::audit::source::archive_charts("x.tgz", &bytes, 0, Arc::default());
    }

    #[test]
    fn dependency_files_parse_or_fail_with_a_position(text in yaml_text(), kind in 0..4usize) {
        let kind = [FileKind::Chart, FileKind::Requirements, FileKind::Lock, FileKind::RequirementsLock][kind];
        let _ = chartwright::audit::chart::parse("Chart.yaml", kind, &text);
    }

    #[test]
    fn structured_chart_yaml_never_panics(
        deps in prop::collection::vec(
            ("[a-z]{0,5}", prop::sample::select(vec!["1.0.0", "^1", ">=1 <2", "x", "", "~1.2.3-0", "*"]),
             prop::sample::select(vec!["https://h/c", "file://../x", "oci://r/c", "@alias", "", "http://u:p@h:80/"]),
             prop::sample::select(vec!["", "alias: a", "condition: a.enabled", "tags: [t]", "import-values: [data]",
                                       "import-values: [{child: a, parent: b}]", "enabled: yes", "alias: ''"])),
            0..5),
    ) {
        let mut text = String::from("apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n");
        for (name, version, repo, extra) in &deps {
            text.push_str(&format!("- name: {name:?}\n  version: {version:?}\n  repository: {repo:?}\n"));
            if !extra.is_empty() {
                text.push_str(&format!("  {extra}\n"));
            }
        }
        let _ = chartwright::audit::chart::parse("Chart.yaml", FileKind::Chart, &text);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Chart.yaml"), &text).unwrap();
        let _ = chartwright::validate::chart::load(dir.path(), true, &mut Vec::new());
    }

    #[test]
    fn index_files_parse_or_fail(text in yaml_text()) {
        let _ = chartwright::audit::online::parse_index(&text);
        let entries = format!("apiVersion: v1\nentries:\n  c:\n  - {}\n", text.replace('\n', " "));
        let _ = chartwright::audit::online::parse_index(&entries);
    }

    #[test]
    fn deny_list_files_parse_or_fail(text in yaml_text()) {
        let _ = chartwright::denylist::DenyList::parse("deny.yaml", &text);
        let rules = format!("version: 1\ndeny:\n- {}\n", text.replace('\n', " "));
        let _ = chartwright::denylist::DenyList::parse("deny.yaml", &rules);
    }

    #[test]
    fn structured_deny_lists_never_panic(
        key in prop::sample::select(vec!["url", "prefix", "oci", "glob", "repo-name", "image", "charts"]),
        pattern in "[a-zA-Z:/.*?@\\[\\]%-]{0,30}",
        extra in prop::sample::select(vec!["", "tag: latest", "tag: x", "severity: warn", "severity: error", "charts: [a]"]),
        url in "[a-zA-Z:/.*?@%0-9-]{0,30}",
    ) {
        let text = format!(
            "version: 1\ndeny:\n  - id: r\n    match: {{ {key}: {pattern:?} }}\n    severity: error\n    reason: r\n    {extra}\n"
        );
        if let Ok(list) = chartwright::denylist::DenyList::parse("deny.yaml", &text) {
            let _ = list.check_repository(&url, "c");
            let _ = list.check_image(&url);
            let _ = list.check_repo_name(&url, "c");
        }
    }
}
