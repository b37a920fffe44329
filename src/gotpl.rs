//! A small reader of Go `text/template` files: enough to find the action at the position Helm
//! reports for a failed render, the `if`/`with`/`range` conditions around it, and the
//! `.Values` paths they read. It lexes actions (`{{ }}`, `{{-`/`-}}` trims, comments, quoted
//! and raw strings, character constants) so that a `}}` inside a string does not end an
//! action; it does not evaluate anything.

/// What went wrong reading a template (the reader then gives no pointer, never a guess).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// An action, comment or string is not closed.
    #[error("unclosed action at byte {0}")]
    Unclosed(usize),
    /// An `end`/`else` without an open block, or a block without `end`.
    #[error("unbalanced block at byte {0}")]
    Unbalanced(usize),
}

/// One token of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// `.a.b`, `$.a.b`, `$x.a` or `$`: a field chain, as written.
    Field(String),
    /// A function or keyword name.
    Ident(String),
    /// A quoted, raw or character literal, unquoted.
    Str(String),
    /// Anything else (numbers, parentheses, `|`, `:=`).
    Other(char),
}

/// One `{{ }}` action: its byte range in the file (from `{{` to past `}}`) and its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Offset of `{{`.
    pub start: usize,
    /// Offset just past `}}`.
    pub end: usize,
    /// The tokens between the delimiters.
    pub toks: Vec<Tok>,
}

impl Action {
    fn keyword(&self) -> Option<&str> {
        match self.toks.first() {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }
}

/// A node of the parsed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An action that opens no block.
    Action(Action),
    /// `if`/`with`/`range`/`define`/`block` up to its `end`.
    Block(Block),
}

/// A block: its branches (`if`, then each `else`/`else if`) in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `if`, `with`, `range`, `define` or `block`.
    pub keyword: String,
    /// The branches; the first one's head is the opening action.
    pub branches: Vec<Branch>,
    /// Offset just past the `end` action.
    pub end: usize,
}

/// One branch of a block: the action that opens it and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// `{{ if X }}`, `{{ else if Y }}`, `{{ else }}`.
    pub head: Action,
    /// What the branch holds.
    pub body: Vec<Node>,
}

/// What a failing action depends on: `.Values` paths and the templates it includes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Paths under `.Values`, in the order they appear, without repeats.
    pub values: Vec<Vec<String>>,
    /// Names passed to `include`/`template`.
    pub includes: Vec<String>,
}

impl Reads {
    /// Adds the paths `toks` read, where `.` is `.Values` at `dot` (inside `with .Values.a`,
    /// `.b` reads `a.b`).
    fn add_in(&mut self, toks: &[Tok], dot: Option<&[String]>, vars: &[Var]) {
        // `$x := ...` declares `$x`: it does not read the old `$x`.
        let declares = matches!(toks.first(), Some(Tok::Field(f)) if f.starts_with('$'))
            && matches!(toks.get(1), Some(Tok::Other(':' | '=')));
        let mut i = usize::from(declares);
        while i < toks.len() {
            match &toks[i] {
                Tok::Ident(f) if f == "index" => {
                    if let Some(Tok::Field(base)) = toks.get(i + 1)
                        && let Some(mut path) = values_path(base)
                    {
                        let mut j = i + 2;
                        while let Some(Tok::Str(k)) = toks.get(j) {
                            path.push(k.clone());
                            j += 1;
                        }
                        self.push_path(path);
                        i = j;
                        continue;
                    }
                }
                Tok::Ident(f) if f == "include" || f == "template" => {
                    if let Some(Tok::Str(name)) = toks.get(i + 1)
                        && !self.includes.contains(name)
                    {
                        self.includes.push(name.clone());
                    }
                }
                Tok::Field(f) => {
                    if let Some(path) = values_path(f) {
                        self.push_path(path);
                    } else if let Some(path) = var_path(f, vars) {
                        self.push_path(path);
                    } else if let (Some(d), Some(rest)) = (dot, f.strip_prefix('.')) {
                        let mut path = d.to_vec();
                        path.extend(rest.split('.').filter(|s| !s.is_empty()).map(str::to_string));
                        self.push_path(path);
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    fn push_path(&mut self, path: Vec<String>) {
        if !path.is_empty() && !self.values.contains(&path) {
            self.values.push(path);
        }
    }

    /// Adds what `other` reads after what this already reads.
    pub fn extend(&mut self, other: Reads) {
        for p in other.values {
            self.push_path(p);
        }
        for n in other.includes {
            if !self.includes.contains(&n) {
                self.includes.push(n);
            }
        }
    }
}

/// A variable set from a `.Values` path (`{{ $cfg := .Values.config }}`): its name with the
/// `$`, the path, and where it was declared.
type Var = (String, Vec<String>, usize);

/// The `.Values` path a field chain on a variable reads: `$cfg.tls` gives `config.tls` when the
/// latest declaration of `$cfg` in `vars` is `.Values.config`.
fn var_path(field: &str, vars: &[Var]) -> Option<Vec<String>> {
    if !field.starts_with('$') || field.starts_with("$.") || field == "$" {
        return None;
    }
    let (name, rest) = field.split_once('.').unwrap_or((field, ""));
    let (_, base, _) = vars.iter().rev().find(|(n, _, _)| n == name)?;
    let mut path = base.clone();
    path.extend(rest.split('.').filter(|s| !s.is_empty()).map(str::to_string));
    Some(path)
}

/// Every `$x := <one .Values path>` (or `=`) of `nodes` declared before `before`, in order,
/// defines left out.
fn declarations(nodes: &[Node], before: usize, out: &mut Vec<Var>) {
    let take = |a: &Action, out: &mut Vec<Var>| {
        if a.start >= before {
            return;
        }
        let t = &a.toks;
        let assign = |i: usize| match (t.get(i), t.get(i + 1)) {
            (Some(Tok::Other(':')), Some(Tok::Other('='))) => Some(i + 2),
            (Some(Tok::Other('=')), _) => Some(i + 1),
            _ => None,
        };
        if let Some(Tok::Field(name)) = t.first()
            && name.starts_with('$')
            && !name.contains('.')
            && name != "$"
            && let Some(from) = assign(1)
        {
            let mut r = Reads::default();
            r.add_in(&t[from..], None, out);
            if r.values.len() == 1 {
                out.push((name.clone(), r.values.remove(0), a.start));
            }
        }
    };
    for n in nodes {
        match n {
            Node::Action(a) => take(a, out),
            // A define is a template of its own: its variables are not the file's.
            Node::Block(b) if matches!(b.keyword.as_str(), "define" | "block") => {}
            Node::Block(b) => {
                for br in &b.branches {
                    take(&br.head, out);
                    declarations(&br.body, before, out);
                }
            }
        }
    }
}

/// The `.Values` path a field chain reads: `.Values.a.b` and `$.Values.a.b` give `[a, b]`.
fn values_path(field: &str) -> Option<Vec<String>> {
    let rest = field.strip_prefix('$').unwrap_or(field);
    let rest = rest.strip_prefix(".Values")?;
    if !(rest.is_empty() || rest.starts_with('.')) {
        return None;
    }
    Some(rest.split('.').filter(|s| !s.is_empty()).map(str::to_string).collect())
}

/// The byte offset of a 1-based `line` and Go's 0-based byte column `col` (as Helm prints
/// `file:line:col`).
pub fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let mut start = 0usize;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let off = start + col;
    (off <= text.len()).then_some(off)
}

/// Parses a template file.
///
/// # Errors
/// An action is not closed or the blocks do not balance.
pub fn parse(text: &str) -> Result<Vec<Node>, ParseError> {
    let actions = lex(text)?;
    let mut iter = actions.into_iter().peekable();
    let (nodes, stop) = parse_nodes(&mut iter)?;
    if let Some(a) = stop {
        return Err(ParseError::Unbalanced(a.start));
    }
    Ok(nodes)
}

type Actions = std::iter::Peekable<std::vec::IntoIter<Action>>;

/// Nodes up to an `else`/`end` (returned) or the end of the file.
fn parse_nodes(it: &mut Actions) -> Result<(Vec<Node>, Option<Action>), ParseError> {
    let mut out = Vec::new();
    while let Some(a) = it.next() {
        match a.keyword() {
            Some("end" | "else") => return Ok((out, Some(a))),
            Some("if" | "with" | "range" | "define" | "block") => {
                let keyword = a.keyword().unwrap_or_default().to_string();
                let start = a.start;
                let mut branches = Vec::new();
                let mut head = a;
                loop {
                    let (body, stop) = parse_nodes(it)?;
                    branches.push(Branch { head, body });
                    match stop {
                        Some(s) if s.keyword() == Some("end") => {
                            out.push(Node::Block(Block { keyword, branches, end: s.end }));
                            break;
                        }
                        Some(s) => head = s,
                        None => return Err(ParseError::Unbalanced(start)),
                    }
                }
            }
            _ => out.push(Node::Action(a)),
        }
    }
    Ok((out, None))
}

/// Every action of the file, comments left out.
fn lex(text: &str) -> Result<Vec<Action>, ParseError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find("{{") {
        let start = i + found;
        let mut j = start + 2;
        // `{{- ` trims; the dash needs a space after it.
        if b.get(j) == Some(&b'-') && b.get(j + 1).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 2;
        }
        let mut k = j;
        while b.get(k).is_some_and(u8::is_ascii_whitespace) {
            k += 1;
        }
        if text[k..].starts_with("/*") {
            let close = text[k + 2..].find("*/").ok_or(ParseError::Unclosed(start))? + k + 4;
            let end = text[close..].find("}}").ok_or(ParseError::Unclosed(start))? + close + 2;
            i = end;
            continue;
        }
        let (toks, end) = lex_action(text, j).ok_or(ParseError::Unclosed(start))?;
        out.push(Action { start, end, toks });
        i = end;
    }
    Ok(out)
}

/// The tokens from `from` up to the closing `}}` (or ` -}}`), and the offset past it.
fn lex_action(text: &str, from: usize) -> Option<(Vec<Tok>, usize)> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = from;
    loop {
        let c = *b.get(i)?;
        if text[i..].starts_with("}}") {
            return Some((toks, i + 2));
        }
        if c.is_ascii_whitespace() {
            if text[i + 1..].starts_with("-}}") {
                return Some((toks, i + 4));
            }
            i += 1;
            continue;
        }
        match c {
            b'"' | b'\'' => {
                let mut j = i + 1;
                let mut s = String::new();
                loop {
                    let d = *b.get(j)?;
                    if d == b'\\' {
                        let e = text[j + 1..].chars().next()?;
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                        j += 1 + e.len_utf8();
                    } else if d == c {
                        break;
                    } else if d == b'\n' {
                        return None;
                    } else {
                        let ch = text[j..].chars().next()?;
                        s.push(ch);
                        j += ch.len_utf8();
                    }
                }
                toks.push(Tok::Str(s));
                i = j + 1;
            }
            b'`' => {
                let close = text[i + 1..].find('`')? + i + 1;
                toks.push(Tok::Str(text[i + 1..close].to_string()));
                i = close + 1;
            }
            b'.' | b'$' => {
                let mut j = i + 1;
                while b.get(j).is_some_and(|d| d.is_ascii_alphanumeric() || *d == b'_' || *d == b'.') {
                    j += 1;
                }
                toks.push(Tok::Field(text[i..j].to_string()));
                i = j;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while b.get(j).is_some_and(|d| d.is_ascii_alphanumeric() || *d == b'_') {
                    j += 1;
                }
                toks.push(Tok::Ident(text[i..j].to_string()));
                i = j;
            }
            _ => {
                let ch = text[i..].chars().next()?;
                toks.push(Tok::Other(ch));
                i += ch.len_utf8();
            }
        }
    }
}

/// What the action at `offset` reads: its own tokens, plus the conditions of every
/// `if`/`with`/`range` around it (for an `else` branch, the conditions before it too). `None`
/// when no action covers `offset`.
pub fn reads_at(nodes: &[Node], offset: usize) -> Option<Reads> {
    let mut reads = Reads::default();
    let mut vars = Vec::new();
    // Variables are scoped to the template: the define holding `offset`, else the file's top.
    let define = nodes.iter().find_map(|n| match n {
        Node::Block(b)
            if matches!(b.keyword.as_str(), "define" | "block")
                && (b.branches[0].head.start..b.end).contains(&offset) =>
        {
            Some(&b.branches[0].body)
        }
        _ => None,
    });
    declarations(define.map_or(nodes, Vec::as_slice), offset, &mut vars);
    find(nodes, offset, None, &vars, &mut reads).then_some(reads)
}

/// The `.Values` path a `with` head sets `.` to: `{{ with .Values.a.b }}` gives `[a, b]`.
fn with_dot(head: &Action, dot: Option<&[String]>) -> Option<Vec<String>> {
    match head.toks.as_slice() {
        [Tok::Ident(w), Tok::Field(f)] if w == "with" => values_path(f).or_else(|| {
            let rest = f.strip_prefix('.')?;
            let mut p = dot?.to_vec();
            p.extend(rest.split('.').filter(|s| !s.is_empty()).map(str::to_string));
            Some(p)
        }),
        _ => None,
    }
}

fn find(nodes: &[Node], offset: usize, dot: Option<&[String]>, vars: &[Var], reads: &mut Reads) -> bool {
    for n in nodes {
        match n {
            Node::Action(a) if (a.start..a.end).contains(&offset) => {
                reads.add_in(&a.toks, dot, vars);
                return true;
            }
            Node::Action(_) => {}
            Node::Block(b) => {
                let start = b.branches[0].head.start;
                if !(start..b.end).contains(&offset) {
                    continue;
                }
                let mut around = Reads::default();
                for (i, br) in b.branches.iter().enumerate() {
                    if b.keyword != "define" && b.keyword != "block" {
                        around.add_in(&br.head.toks, dot, vars);
                    }
                    if (br.head.start..br.head.end).contains(&offset) {
                        reads.extend(around);
                        return true;
                    }
                    // Inside `with`'s first branch `.` moves; inside `range` it is an element.
                    let inner_dot = match b.keyword.as_str() {
                        "with" if i == 0 => with_dot(&br.head, dot),
                        "range" if i == 0 => None,
                        "define" | "block" => None,
                        _ => dot.map(<[String]>::to_vec),
                    };
                    let mut inner = Reads::default();
                    if find(&br.body, offset, inner_dot.as_deref(), vars, &mut inner) {
                        reads.extend(around);
                        reads.extend(inner);
                        return true;
                    }
                }
                // The `end` action itself.
                reads.extend(around);
                return true;
            }
        }
    }
    false
}

/// What the template `name` defined in `nodes` reads wherever it can fail: the conditions
/// around its `fail`/`required` calls and includes, and their arguments.
pub fn define_reads(nodes: &[Node], name: &str) -> Option<Reads> {
    for n in nodes {
        if let Node::Block(b) = n
            && matches!(b.keyword.as_str(), "define" | "block")
            && matches!(b.branches[0].head.toks.get(1), Some(Tok::Str(s)) if s == name)
        {
            let mut reads = Reads::default();
            let mut vars = Vec::new();
            declarations(&b.branches[0].body, usize::MAX, &mut vars);
            failing_reads(&b.branches[0].body, &Reads::default(), &vars, &mut reads);
            return Some(reads);
        }
    }
    None
}

/// The reads of every action that can refuse (`fail`, `required`, `include`, `template`)
/// with the conditions `around` it.
fn failing_reads(nodes: &[Node], around: &Reads, vars: &[Var], out: &mut Reads) {
    for n in nodes {
        match n {
            Node::Action(a) => {
                let refuses = a.toks.iter().any(
                    |t| matches!(t, Tok::Ident(f) if matches!(f.as_str(), "fail" | "required" | "include" | "template")),
                );
                if refuses {
                    out.extend(around.clone());
                    out.add_in(&a.toks, None, vars);
                }
            }
            Node::Block(b) => {
                let mut conds = around.clone();
                for br in &b.branches {
                    conds.add_in(&br.head.toks, None, vars);
                    failing_reads(&br.body, &conds, vars, out);
                }
            }
        }
    }
}

/// Every `fail` and `required` of a file (defines included), each with the `.Values` paths it
/// and the conditions around it read: the rules a values file can trip, for tests that write
/// values from a chart's own conditions.
pub fn refusals(nodes: &[Node]) -> Vec<Reads> {
    let mut out = Vec::new();
    let mut top = Vec::new();
    declarations(nodes, usize::MAX, &mut top);
    collect_refusals(nodes, &Reads::default(), &top, &mut out);
    out
}

fn collect_refusals(nodes: &[Node], around: &Reads, vars: &[Var], out: &mut Vec<Reads>) {
    for n in nodes {
        match n {
            Node::Action(a) => {
                if a.toks.iter().any(|t| matches!(t, Tok::Ident(f) if f == "fail" || f == "required")) {
                    let mut r = around.clone();
                    r.add_in(&a.toks, None, vars);
                    out.push(r);
                }
            }
            Node::Block(b) if matches!(b.keyword.as_str(), "define" | "block") => {
                let mut own = Vec::new();
                declarations(&b.branches[0].body, usize::MAX, &mut own);
                collect_refusals(&b.branches[0].body, &Reads::default(), &own, out);
            }
            Node::Block(b) => {
                let mut conds = around.clone();
                for br in &b.branches {
                    conds.add_in(&br.head.toks, None, vars);
                    collect_refusals(&br.body, &conds, vars, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(r: &Reads) -> Vec<String> {
        r.values.iter().map(|p| p.join(".")).collect()
    }

    fn at(text: &str, line: usize, col: usize) -> Reads {
        let nodes = parse(text).unwrap();
        reads_at(&nodes, offset_of(text, line, col).unwrap()).unwrap()
    }

    #[test]
    fn a_fail_under_nested_ifs_reads_both_conditions() {
        let t = "{{- if .Values.a.enabled }}\n{{- if not .Values.b }}\n  {{- fail \"b\" }}\n{{- end }}\n{{- end }}\n";
        assert_eq!(paths(&at(t, 3, 6)), ["a.enabled", "b"]);
    }

    #[test]
    fn an_else_branch_reads_the_conditions_before_it() {
        let t = "{{ if .Values.x }}ok{{ else if $.Values.y }}{{ fail \"no\" }}{{ else }}{{ fail \"z\" }}{{ end }}";
        let nodes = parse(t).unwrap();
        let off = t.find("fail \"z\"").unwrap();
        assert_eq!(paths(&reads_at(&nodes, off).unwrap()), ["x", "y"]);
        let off = t.find("fail \"no\"").unwrap();
        assert_eq!(paths(&reads_at(&nodes, off).unwrap()), ["x", "y"]);
    }

    #[test]
    fn index_with_literal_keys_reads_the_nested_key() {
        let t = "{{ if index .Values \"my-app\" \"on\" }}{{ required \"r\" (index .Values.a \"b\") }}{{ end }}";
        let nodes = parse(t).unwrap();
        let off = t.find("required").unwrap();
        assert_eq!(paths(&reads_at(&nodes, off).unwrap()), ["my-app.on", "a.b"]);
    }

    #[test]
    fn delimiters_inside_strings_and_comments_do_not_end_actions() {
        let t = "{{/* {{ if .Values.no }} */}}{{- if eq .Values.s \"}}\" -}}\n{{ fail `a }} b` }}{{ end }}";
        let nodes = parse(t).unwrap();
        let off = t.find("fail").unwrap();
        assert_eq!(paths(&reads_at(&nodes, off).unwrap()), ["s"]);
    }

    #[test]
    fn a_define_reads_the_conditions_of_its_fail_calls_and_includes() {
        let t = "{{- define \"c.check\" -}}\n{{- if eq .Values.mode \"bad\" -}}\n{{- fail \"mode\" -}}\n{{- end -}}\n{{ include \"c.other\" . }}{{ .Values.unrelated }}\n{{- end -}}";
        let nodes = parse(t).unwrap();
        let r = define_reads(&nodes, "c.check").unwrap();
        assert_eq!(paths(&r), ["mode"]);
        assert_eq!(r.includes, ["c.other"]);
        assert!(define_reads(&nodes, "nope").is_none());
    }

    #[test]
    fn inside_with_a_field_reads_under_the_with_value() {
        let t =
            "{{- with .Values.hub }}\n{{- if and .token (not .enabled) }}\n{{ fail \"x\" }}\n{{- end }}\n{{- end }}";
        let nodes = parse(t).unwrap();
        let off = t.find("fail").unwrap();
        assert_eq!(paths(&reads_at(&nodes, off).unwrap()), ["hub", "hub.token", "hub.enabled"]);
    }

    #[test]
    fn a_variable_set_from_values_reads_under_its_path() {
        let t = "{{- $hub := .Values.hub }}\n{{- if and $hub.token (not $hub.enabled) }}{{ fail \"x\" }}{{ end }}";
        let nodes = parse(t).unwrap();
        let off = t.find("fail").unwrap();
        assert_eq!(paths(&reads_at(&nodes, off).unwrap()), ["hub.token", "hub.enabled"]);
        let d =
            "{{ define \"x\" }}{{ $c := index .Values \"my-app\" }}{{ if $c.on }}{{ fail \"no\" }}{{ end }}{{ end }}";
        assert_eq!(paths(&define_reads(&parse(d).unwrap(), "x").unwrap()), ["my-app.on"]);
    }

    #[test]
    fn a_variable_of_another_define_is_not_this_ones() {
        let t = "{{ define \"a\" }}{{ $name := .Values.nameOverride }}{{ end }}{{ define \"b\" }}{{ $name := required \"x\" $image.name }}{{ end }}";
        let nodes = parse(t).unwrap();
        let off = t.find("required").unwrap();
        assert!(paths(&reads_at(&nodes, off).unwrap()).is_empty());
    }

    #[test]
    fn refusals_list_each_fail_and_required_with_its_conditions() {
        let t = "{{ if .Values.a }}{{ fail \"x\" }}{{ end }}{{ define \"d\" }}{{ required \"r\" .Values.b }}{{ end }}{{ .Values.c }}";
        let r: Vec<Vec<String>> = refusals(&parse(t).unwrap()).iter().map(paths).collect();
        assert_eq!(r, [vec!["a".to_string()], vec!["b".to_string()]]);
    }

    #[test]
    fn unbalanced_or_unclosed_templates_are_errors_not_guesses() {
        assert!(parse("{{ if .Values.a }}x").is_err());
        assert!(parse("{{ end }}").is_err());
        assert!(parse("{{ .Values.a").is_err());
        assert!(parse("{{ \"}} }}").is_err());
    }
}
