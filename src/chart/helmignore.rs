//! `.helmignore`: the files Helm leaves out when it loads a chart directory, by the rules of
//! Helm's `pkg/ignore`: one pattern a line, `#` comments, a trailing `/` matches directories
//! only, a leading `/` anchors at the chart root, a pattern with a `/` matches the whole
//! relative path and one without matches the base name (Go's `filepath.Match` syntax). Rules
//! are tried in order and the first that decides wins; `templates/.?*` is always appended.
//!
//! Helm's negation is not gitignore's: a `!` rule *ignores* every path it does not match (and,
//! with a trailing `/`, every file), and lets a path it matches fall through to the next
//! rules. A `**` or a malformed pattern makes Helm refuse the chart, so it is an error here.

/// Parsed rules, Helm's default rule included.
#[derive(Debug, Clone)]
pub struct HelmIgnore {
    rules: Vec<Rule>,
}

/// Why a `.helmignore` cannot be used; Helm refuses the chart for the same lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {reason}")]
pub struct HelmIgnoreError {
    /// The `.helmignore` as shown to the user.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub col: usize,
    /// What is wrong, one sentence.
    pub reason: &'static str,
}

#[derive(Debug, Clone)]
struct Rule {
    pattern: Vec<Tok>,
    negate: bool,
    dir_only: bool,
    whole_path: bool,
}

/// One element of a compiled `filepath.Match` pattern.
#[derive(Debug, Clone)]
enum Tok {
    Lit(char),
    /// `?`: one character other than `/`.
    Any,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `[...]`, `[^...]`: Go's classes do not exclude `/`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// Helm adds this after the file's rules: dotfiles directly in `templates/`.
const DEFAULT_RULE: &str = "templates/.?*";

impl Default for HelmIgnore {
    /// No `.helmignore`: only Helm's default rule.
    fn default() -> Self {
        HelmIgnore { rules: vec![rule(DEFAULT_RULE).expect("the default rule compiles")] }
    }
}

impl HelmIgnore {
    /// Parses a `.helmignore` text shown to the user as `file`.
    ///
    /// # Errors
    /// A line with `**` or a pattern Go's `filepath.Match` rejects (an unclosed `[`, an empty
    /// class, a trailing `\`): Helm refuses to load such a chart.
    pub fn parse(text: &str, file: &str) -> Result<HelmIgnore, HelmIgnoreError> {
        let mut rules = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = raw.chars().count() - raw.trim_start().chars().count();
            let err = |at: usize, reason| HelmIgnoreError {
                file: file.to_string(),
                line: i + 1,
                col: indent + at + 1,
                reason,
            };
            if let Some(at) = trimmed.find("**") {
                return Err(err(trimmed[..at].chars().count(), "double-star (**) syntax is not supported by Helm"));
            }
            // Helm checks the raw line, `!` and `/` included.
            if compile(trimmed).is_none() {
                return Err(err(0, "not a valid filepath.Match pattern (unclosed or empty [...], or a trailing \\)"));
            }
            if let Some(r) = rule(trimmed) {
                rules.push(r);
            }
        }
        rules.extend(rule(DEFAULT_RULE));
        Ok(HelmIgnore { rules })
    }

    /// True when `rel` (a `/`-separated path relative to the chart) is left out.
    pub fn ignored(&self, rel: &str, is_dir: bool) -> bool {
        if rel.is_empty() || rel == "." || rel == "./" {
            return false;
        }
        let base = rel.rsplit('/').next().unwrap_or(rel);
        for r in &self.rules {
            let subject = if r.whole_path { rel } else { base };
            if r.negate {
                // Helm: a negation ignores what it does not match and passes on what it does.
                if (r.dir_only && !is_dir) || !matches(&r.pattern, subject) {
                    return true;
                }
                continue;
            }
            if r.dir_only && !is_dir {
                continue;
            }
            if matches(&r.pattern, subject) {
                return true;
            }
        }
        false
    }
}

/// One rule from a trimmed line: `!` stripped, then a trailing `/`, then a leading `/`.
fn rule(line: &str) -> Option<Rule> {
    let (negate, p) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (dir_only, p) = match p.strip_suffix('/') {
        Some(rest) => (true, rest),
        None => (false, p),
    };
    let (p, whole_path) = match p.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (p, p.contains('/')),
    };
    Some(Rule { pattern: compile(p)?, negate, dir_only, whole_path })
}

/// Compiles Go's `filepath.Match` syntax on `/`-separated paths; `None` where Go reports
/// `ErrBadPattern`. Go's classes negate with `^` only (`[!a]` holds `!` and `a`).
fn compile(pattern: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut it = pattern.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::Any),
            '\\' => out.push(Tok::Lit(it.next()?)),
            '[' => {
                let negated = it.next_if_eq(&'^').is_some();
                let mut ranges = Vec::new();
                loop {
                    if !ranges.is_empty() && it.next_if_eq(&']').is_some() {
                        break;
                    }
                    let lo = class_char(&mut it)?;
                    let hi = if it.next_if_eq(&'-').is_some() { class_char(&mut it)? } else { lo };
                    ranges.push((lo, hi));
                }
                out.push(Tok::Class { negated, ranges });
            }
            c => out.push(Tok::Lit(c)),
        }
    }
    Some(out)
}

/// One character of a class (Go's `getEsc`): not `-` or `]` unescaped, and something must follow.
fn class_char(it: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    let c = match it.next()? {
        '-' | ']' => return None,
        '\\' => it.next()?,
        c => c,
    };
    it.peek()?;
    Some(c)
}

/// Whether the compiled pattern matches all of `name`; a table over (token, position) so
/// hostile patterns with many `*` stay linear in their size times the path's.
fn matches(p: &[Tok], name: &str) -> bool {
    let n: Vec<char> = name.chars().collect();
    // next[j]: tokens p[i+1..] match n[j..]; computed from the last token back.
    let mut next: Vec<bool> = (0..=n.len()).map(|j| j == n.len()).collect();
    for tok in p.iter().rev() {
        let mut cur = vec![false; n.len() + 1];
        for j in (0..=n.len()).rev() {
            let c = n.get(j).copied();
            cur[j] = match tok {
                Tok::Star => next[j] || (c.is_some_and(|c| c != '/') && cur[j + 1]),
                Tok::Any => c.is_some_and(|c| c != '/') && next[j + 1],
                Tok::Lit(l) => c == Some(*l) && next[j + 1],
                Tok::Class { negated, ranges } => {
                    c.is_some_and(|c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated) && next[j + 1]
                }
            };
        }
        next = cur;
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str, n: &str) -> bool {
        matches(&compile(p).unwrap(), n)
    }

    #[test]
    fn rules_follow_helms_ignore_package() {
        let ig = HelmIgnore::parse("# comment\n*.tmp\ncharts/old/\n/values.schema.json\nci/*\n", "x").unwrap();
        assert!(ig.ignored("a.tmp", false));
        assert!(ig.ignored("charts/sub/b.tmp", false), "base-name patterns match at any depth");
        assert!(ig.ignored("charts/old", true));
        assert!(!ig.ignored("charts/old", false), "a trailing / matches directories only");
        assert!(ig.ignored("values.schema.json", false));
        assert!(!ig.ignored("charts/sub/values.schema.json", false), "a leading / anchors at the root");
        assert!(ig.ignored("ci/test.yaml", false));
        assert!(!ig.ignored("ci/deep/test.yaml", false), "* does not cross /");
        assert!(!ig.ignored("Chart.yaml", false));
    }

    #[test]
    fn a_negation_ignores_what_it_does_not_match_as_helm_does() {
        let ig = HelmIgnore::parse("*.tmp\n!keep.tmp\n", "x").unwrap();
        assert!(ig.ignored("keep.tmp", false), "the first rule that matches decides");
        assert!(ig.ignored("Chart.yaml", false), "a path the ! rule does not match is ignored");
        let ig = HelmIgnore::parse("!*.tmp\nkeep.tmp\n", "x").unwrap();
        assert!(!ig.ignored("a.tmp", false));
        assert!(ig.ignored("keep.tmp", false), "a path the ! rule matches goes on to the next rules");
        assert!(ig.ignored("Chart.yaml", false));
        let ig = HelmIgnore::parse("!templates/\n", "x").unwrap();
        assert!(ig.ignored("templates/a.yaml", false), "a directory-only ! rule ignores every file");
        assert!(!ig.ignored("templates", true));
    }

    #[test]
    fn dotfiles_in_templates_are_ignored_by_default() {
        for ig in [HelmIgnore::default(), HelmIgnore::parse("*.tmp\n", "x").unwrap()] {
            assert!(ig.ignored("templates/.hidden", false));
            assert!(!ig.ignored("templates/a.yaml", false));
            assert!(!ig.ignored("templates/sub/.hidden", false), "only directly under templates/");
            assert!(!ig.ignored(".hidden", false));
        }
    }

    #[test]
    fn double_star_and_bad_patterns_are_refused_with_their_place() {
        let e = HelmIgnore::parse("a\n  x/**/y\n", ".helmignore").unwrap_err();
        assert_eq!((e.line, e.col), (2, 5));
        assert!(e.to_string().starts_with(".helmignore:2:5: double-star"), "{e}");
        for bad in ["[a", "[]", "a\\", "[a-]", "[^]"] {
            assert!(HelmIgnore::parse(bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn globs_match_like_filepath_match() {
        assert!(glob("a?c", "abc") && !glob("a?c", "a/c"));
        assert!(glob("[a-c]x", "bx") && !glob("[^a-c]x", "bx") && glob("[^a-c]x", "dx"));
        assert!(glob("[!a-c]x", "bx") && glob("[!a-c]x", "!x"), "Go negates classes with ^ only");
        assert!(compile("[]a]").is_none(), "a class cannot start with ]");
        assert!(glob("\\*", "*") && !glob("\\*", "a"));
        assert!(glob("*", "") && glob("a*", "abc") && !glob("a*", "ab/c"));
        assert!(glob("*a*b*c*d*e*f*", "xaxbxcxdxexfx") && !glob(&"*a".repeat(40), &"a".repeat(39)));
    }
}
