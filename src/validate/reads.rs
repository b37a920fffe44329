//! `--strict`: which `.Values` paths a chart's files can read, found by a conservative text
//! scan, and the keys a user set that nothing reads (a typo that Helm silently ignores).
//!
//! Conservative means that anything unclear counts as reading more: `.Values.a` used whole
//! (`with`, `range`, `include`, `toYaml`, a variable, `if`) counts as reading every key under
//! `a`; `.Values` used whole anywhere (`include "x" .Values`, `$v := .Values`, `dig ... .Values`)
//! means the scan cannot tell, and nothing is reported. Every file of the chart tree is
//! scanned, not only templates (files read with `.Files.Get | tpl` can read values too), as
//! are the string values themselves (`tpl .Values.x .`).

use std::collections::BTreeSet;
use std::path::Path;

use super::tree::{Map, ValueKind};

/// What the files of a chart tree read of `.Values`.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    /// Something reads `.Values` as a whole: any key may be read.
    pub everything: bool,
    /// Paths read (each with everything under it).
    paths: BTreeSet<Vec<String>>,
    /// Every proper prefix of a read path.
    prefixes: BTreeSet<Vec<String>>,
    /// Why `everything` is set, for the note.
    pub why: Option<String>,
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Reads {
    /// Adds what `text` reads. `loose` text (not a template: a README, a config file) can
    /// only add paths: a bare `.Values` there is more likely prose than a read.
    pub fn scan(&mut self, text: &str, file: &str, loose: bool) {
        // Template comments (`{{/* ... */}}`) are prose too.
        let mut comments = Vec::new();
        let mut c = 0;
        while let Some(i) = text[c..].find("/*") {
            let open = c + i;
            // Only `{{/*` and `{{- /*` open a comment (`path: /*` does not).
            if !text[..open].trim_end_matches([' ', '-']).ends_with("{{") {
                c = open + 2;
                continue;
            }
            let close = text[open..].find("*/").map_or(text.len(), |j| open + j + 2);
            comments.push((open, close));
            c = close;
        }
        let mut from = 0;
        while let Some(i) = text[from..].find(".Values") {
            let start = from + i;
            let mut pos = start + ".Values".len();
            from = pos;
            if text[pos..].chars().next().is_some_and(is_ident) {
                continue;
            }
            let mut path = Vec::new();
            while text[pos..].starts_with('.') {
                let name: String = text[pos + 1..].chars().take_while(|c| is_ident(*c)).collect();
                if name.is_empty() {
                    break;
                }
                pos += 1 + name.len();
                path.push(name);
            }
            // `index X "a" "b"` reads X.a.b, `hasKey X "a"` and `get X "a"` read X.a; any other
            // argument leaves X read whole.
            let before = text[..start].trim_end_matches(|c: char| c == '$' || is_ident(c)).trim_end();
            let call = before.rsplit(|c: char| !is_ident(c)).next().unwrap_or_default();
            match call {
                "index" => path.extend(string_args(&text[pos..])),
                "hasKey" | "get" => path.extend(string_args(&text[pos..]).into_iter().take(1)),
                _ => {}
            }
            if path.is_empty() {
                if loose || comments.iter().any(|(a, b)| (*a..*b).contains(&start)) {
                    continue;
                }
                if !self.everything {
                    let line = text[..start].matches('\n').count() + 1;
                    self.why = Some(format!("{file}:{line} uses .Values as a whole"));
                }
                self.everything = true;
                continue;
            }
            self.add(path);
        }
    }

    fn add(&mut self, path: Vec<String>) {
        for n in 1..path.len() {
            self.prefixes.insert(path[..n].to_vec());
        }
        self.paths.insert(path);
    }

    /// True when something reads the key at `path` or everything under it.
    fn reads_whole(&self, path: &[String]) -> bool {
        (1..=path.len()).any(|n| self.paths.contains(&path[..n]))
    }

    /// True when something reads a key below `path`.
    fn reads_below(&self, path: &[String]) -> bool {
        self.prefixes.contains(path)
    }

    /// Scans every file of the chart directory (its subcharts included).
    ///
    /// # Errors
    /// A reason the files cannot be scanned (a packaged chart or subchart).
    pub fn of_chart_dir(dir: &Path) -> Result<Reads, String> {
        let mut r = Reads::default();
        if !dir.is_dir() {
            return Err(format!("{} is a packaged chart", dir.display()));
        }
        r.walk(dir, dir)?;
        Ok(r)
    }

    fn walk(&mut self, root: &Path, dir: &Path) -> Result<(), String> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {}", dir.display(), super::io_reason(&e)))?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if p.is_dir() {
                if name != ".git" {
                    self.walk(root, &p)?;
                }
            } else if name.ends_with(".tgz") && p.parent().is_some_and(|d| d.ends_with("charts")) {
                return Err(format!("{} is a packaged subchart", p.display()));
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
                let template = p.parent().is_some_and(|d| d.components().any(|c| c.as_os_str() == "templates"));
                self.scan(&text, &rel, !template);
            }
        }
        Ok(())
    }

    /// Adds what the string values of `m` read (values passed through `tpl`).
    pub fn scan_values(&mut self, m: &Map) {
        for e in m.values() {
            self.scan_value(&e.val.kind);
        }
    }

    fn scan_value(&mut self, k: &ValueKind) {
        match k {
            ValueKind::Str(s) if s.contains(".Values") => self.scan(s, "a values string", false),
            ValueKind::Map(m) => self.scan_values(m),
            ValueKind::Seq(items) => items.iter().for_each(|v| self.scan_value(&v.kind)),
            _ => {}
        }
    }
}

/// The leading `"..."` arguments of a template call.
fn string_args(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut s = rest;
    loop {
        let t = s.trim_start();
        let Some(body) = t.strip_prefix('"') else { break };
        let Some(end) = body.find('"') else { break };
        let lit = &body[..end];
        if lit.contains('\\') {
            break;
        }
        out.push(lit.to_string());
        s = &body[end + 1..];
    }
    out
}

/// One key the user set that nothing reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    /// The key's path.
    pub path: Vec<String>,
    /// Where the key was written.
    pub at: Option<super::tree::Origin>,
    /// Keys at the same place in the chart's defaults (for "did you mean").
    pub siblings: Vec<String>,
}

/// Keys of the user's values that no file reads, that the chart's defaults do not have and
/// that are not a subchart's or `global`/`tags` (those belong to other charts).
pub fn unread(user: &Map, defaults: &Map, reads: &Reads, skip_top: &[String]) -> Vec<Unread> {
    let mut out = Vec::new();
    if reads.everything {
        return out;
    }
    walk_unread(user, Some(defaults), reads, skip_top, &mut Vec::new(), &mut out);
    out
}

fn walk_unread(
    user: &Map,
    defaults: Option<&Map>,
    reads: &Reads,
    skip_top: &[String],
    path: &mut Vec<String>,
    out: &mut Vec<Unread>,
) {
    for (k, e) in user {
        if path.is_empty() && (k == "global" || k == "tags" || skip_top.contains(k)) {
            continue;
        }
        path.push(k.clone());
        let default = defaults.and_then(|d| d.get(k));
        if reads.reads_whole(path) {
            // Read, with everything under it.
        } else if reads.reads_below(path) {
            if let ValueKind::Map(m) = &e.val.kind {
                let d = default.and_then(|d| d.val.as_map());
                walk_unread(m, d, reads, skip_top, path, out);
            }
        } else if default.is_none() && !e.val.is_null() {
            let mut siblings: Vec<String> = defaults.map(|d| d.keys().cloned().collect()).unwrap_or_default();
            siblings.sort();
            out.push(Unread { path: path.clone(), at: e.key_at.or(e.val.at), siblings });
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn field_chains_index_and_whole_uses_are_told_apart() {
        let mut r = Reads::default();
        r.scan("{{ .Values.image.tag }} {{ index .Values.config \"app.conf\" }} {{- with $.Values.pod }}", "t", false);
        assert!(r.reads_whole(&s(&["image", "tag"])));
        assert!(!r.reads_whole(&s(&["image"])) && r.reads_below(&s(&["image"])));
        assert!(r.reads_whole(&s(&["config", "app.conf"])));
        assert!(r.reads_whole(&s(&["pod", "annotations", "x"])));
        assert!(!r.everything);
        r.scan("{{ include \"x\" (dict \"v\" .Values) }}", "t", false);
        assert!(r.everything);
        let mut r = Reads::default();
        r.scan("{{ $root.Values.a }} {{ .ValuesFoo }} {{ index .Values $k }}", "t", false);
        assert!(r.reads_whole(&s(&["a"])));
        assert!(r.everything, "index with a variable key reads anything");
        let mut r = Reads::default();
        r.scan("{{/* not from `.Values` here */}}{{ if hasKey .Values \"token\" }}", "t", false);
        r.scan("Pass `.Values` to the helper.", "README.md", true);
        assert!(!r.everything, "comments and prose are not reads");
        assert!(r.reads_whole(&s(&["token"])));
    }
}
