//! The layering CONTRIBUTING describes, checked on the source: the commands (`audit`,
//! `validate`, `generate`, `lint` and their `cli/<command>.rs`) do not import each other, except
//! for the edges listed in [`ALLOWED`]. A new edge is a design decision: add it there with why.

use std::collections::BTreeSet;
use std::path::Path;

/// The command modules.
const COMMANDS: &[&str] = &["audit", "validate", "generate", "lint"];

/// (from, to, why) for every import between commands that is meant to be there.
const ALLOWED: &[(&str, &str, &str)] = &[
    ("validate", "lint", "validate --lint runs the lint rules on rendered objects"),
    ("cli/generate", "lint", "generate prints the lint findings of its input"),
];

/// The commands named by `prefix::<command>` or `prefix::{<command>, ...}` on one line.
fn named(line: &str, prefix: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices(prefix) {
        let rest = &line[at + prefix.len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
            None => vec![rest],
        };
        for n in names {
            let n = n.trim();
            let word: String = n.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.extend(COMMANDS.iter().filter(|c| **c == word));
        }
    }
    out
}

/// Every (from, to, file:line) where a command's code names another command.
fn edges(src: &Path) -> Vec<(String, &'static str, String)> {
    let mut files = Vec::new();
    for cmd in COMMANDS {
        collect(&src.join(cmd), cmd, &mut files);
        let cli = src.join("cli").join(format!("{cmd}.rs"));
        files.push((format!("cli/{cmd}"), cli));
    }
    let mut out = Vec::new();
    for (from, path) in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let own = from.trim_start_matches("cli/");
        let prefix = if from.starts_with("cli/") { "chartwright::" } else { "crate::" };
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for to in named(line, prefix) {
                if to != own {
                    out.push((from.clone(), to, format!("{}:{}", path.display(), i + 1)));
                }
            }
        }
    }
    out
}

fn collect(dir: &Path, cmd: &str, out: &mut Vec<(String, std::path::PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, cmd, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push((cmd.to_string(), p));
        }
    }
}

#[test]
fn commands_do_not_import_each_other_beyond_the_listed_edges() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = edges(&src);
    let allowed: BTreeSet<(&str, &str)> = ALLOWED.iter().map(|(f, t, _)| (*f, *t)).collect();
    let stray: Vec<String> = found
        .iter()
        .filter(|(f, t, _)| !allowed.contains(&(f.as_str(), *t)))
        .map(|(f, t, at)| format!("{at}: {f} imports {t}"))
        .collect();
    assert!(stray.is_empty(), "commands import each other (move the shared piece below them):\n{}", stray.join("\n"));
    let used: BTreeSet<(&str, &str)> = found.iter().map(|(f, t, _)| (f.as_str(), *t)).collect();
    for (f, t, why) in ALLOWED {
        assert!(used.contains(&(*f, *t)), "{f} -> {t} ({why}) is no longer used: remove it from ALLOWED");
    }
}

#[test]
fn the_scan_sees_paths_and_groups() {
    assert_eq!(named("use crate::lint::LintConfig;", "crate::"), ["lint"]);
    assert_eq!(named("use crate::{audit, yaml::Node, generate};", "crate::"), ["audit", "generate"]);
    assert_eq!(named("let x = crate::linter::y;", "crate::"), Vec::<&str>::new());
    assert_eq!(named("use chartwright::validate;", "chartwright::"), ["validate"]);
}
