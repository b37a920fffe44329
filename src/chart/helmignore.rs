//! `.helmignore`: the files Helm leaves out when it loads a chart directory. Same rules as
//! Helm's `pkg/ignore`: one pattern a line, `#` comments, `!` negates, a trailing `/` matches
//! directories only, a leading `/` anchors at the chart root, a pattern with a `/` matches the
//! whole relative path and one without matches the base name (`filepath.Match` syntax; `**` is
//! not supported, as in Helm). The first rule that matches decides.

/// Parsed rules.
#[derive(Debug, Clone, Default)]
pub struct HelmIgnore {
    rules: Vec<Guard>,
}

#[derive(Debug, Clone)]
struct Guard {
    pattern: String,
    negate: bool,
    dir_only: bool,
    whole_path: bool,
}

impl HelmIgnore {
    /// Parses a `.helmignore` text; lines Helm would reject (`**`) are skipped.
    pub fn parse(text: &str) -> HelmIgnore {
        let mut rules = Vec::new();
        for line in text.lines() {
            let mut p = line.trim();
            if p.is_empty() || p.starts_with('#') || p.contains("**") {
                continue;
            }
            let negate = p.starts_with('!');
            if negate {
                p = &p[1..];
            }
            let dir_only = p.ends_with('/');
            let p = p.trim_end_matches('/');
            let (pattern, whole_path) = match p.strip_prefix('/') {
                Some(rest) => (rest.to_string(), true),
                None => (p.to_string(), p.contains('/')),
            };
            if !pattern.is_empty() {
                rules.push(Guard { pattern, negate, dir_only, whole_path });
            }
        }
        HelmIgnore { rules }
    }

    /// True when `rel` (a `/`-separated path relative to the chart) is left out.
    pub fn ignored(&self, rel: &str, is_dir: bool) -> bool {
        if rel.is_empty() || rel == "." {
            return false;
        }
        let base = rel.rsplit('/').next().unwrap_or(rel);
        for r in &self.rules {
            if r.dir_only && !is_dir {
                continue;
            }
            let subject = if r.whole_path { rel } else { base };
            if glob(&r.pattern, subject) {
                return !r.negate;
            }
        }
        false
    }
}

/// Go's `filepath.Match` on `/`-separated paths: `*` and `?` stop at `/`, `[...]` classes with
/// ranges and `^`/`!` negation, `\` escapes.
fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    matches(&p, &n)
}

fn matches(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).take_while(|&i| i == 0 || n[i - 1] != '/').any(|i| matches(&p[1..], &n[i..])),
        Some('?') => n.first().is_some_and(|&c| c != '/') && matches(&p[1..], &n[1..]),
        Some('[') => {
            let Some(&c) = n.first() else { return false };
            let Some(end) = p.iter().skip(1).position(|&x| x == ']').map(|e| e + 1) else { return false };
            let class = &p[1..end];
            let (negated, class) = match class.first() {
                Some('^' | '!') => (true, &class[1..]),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit != negated && c != '/' && matches(&p[end + 1..], &n[1..])
        }
        Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && matches(&p[2..], &n[1..]),
        Some(&c) => n.first() == Some(&c) && matches(&p[1..], &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_helms_ignore_package() {
        let ig = HelmIgnore::parse("# comment\n*.tmp\ncharts/old/\n/values.schema.json\n!keep.tmp\nci/*\n**/x\n");
        assert!(ig.ignored("a.tmp", false));
        assert!(ig.ignored("charts/sub/b.tmp", false), "base-name patterns match at any depth");
        assert!(ig.ignored("charts/old", true));
        assert!(!ig.ignored("charts/old", false), "a trailing / matches directories only");
        assert!(ig.ignored("values.schema.json", false));
        assert!(!ig.ignored("charts/sub/values.schema.json", false), "a leading / anchors at the root");
        assert!(ig.ignored("ci/test.yaml", false));
        assert!(!ig.ignored("ci/deep/test.yaml", false), "* does not cross /");
        assert!(ig.ignored("keep.tmp", false), "the first matching rule decides");
        assert!(!HelmIgnore::parse("!keep.tmp\n*.tmp\n").ignored("keep.tmp", false));
    }

    #[test]
    fn globs_match_like_filepath_match() {
        assert!(glob("a?c", "abc") && !glob("a?c", "a/c"));
        assert!(glob("[a-c]x", "bx") && !glob("[!a-c]x", "bx") && glob("[^a-c]x", "dx"));
        assert!(glob("\\*", "*") && !glob("\\*", "a"));
        assert!(glob("*", "") && glob("a*", "abc") && !glob("a*", "ab/c"));
    }
}
