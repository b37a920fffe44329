//! Names: chart-relative object names, camelCase values keys, and `.Values` references.

/// How an object's name is written in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameExpr {
    /// The release fullname, optionally followed by `-suffix` (names that start with the
    /// chart name), cut to the kind's name limit.
    Fullname(Option<String>, usize),
    /// Another name: kept as is when the release is named after the chart (so objects that
    /// already run are adopted) and prefixed with the fullname otherwise, cut to the limit.
    Component(String, usize),
    /// A named template that yields the name (service accounts), and the input's name.
    Helper(String, String),
    /// `existingSecret` when set, else the generated name.
    ExistingOr(String, Box<NameExpr>),
    /// Kept literally (CRDs, APIServices, cluster-wide classes, `system:` names).
    Literal(String),
    /// A multi-environment chart's name: the canonical name with the environment's
    /// `namePrefix`, `nameSuffix` and hash (the `nameHashes` key) around it, then named like
    /// [`NameExpr::Fullname`] or [`NameExpr::Component`] by what it turns out to be, cut to
    /// the limit.
    EnvName(String, Option<String>, usize),
}

impl NameExpr {
    /// The name as a template pipeline (no braces). The input's literals in it are Go string
    /// literals, so no name can close the action or run one of its own.
    pub fn pipeline(&self, chart: &str) -> String {
        self.pipeline_in(chart, ".")
    }

    /// The pipeline with the chart's context reached through `root` (`$` inside `range`).
    pub fn pipeline_in(&self, chart: &str, root: &str) -> String {
        match self {
            NameExpr::Fullname(None, limit) if *limit >= FULLNAME_LIMIT => {
                format!("include \"{chart}.fullname\" {root}")
            }
            NameExpr::Fullname(None, limit) => {
                format!("include \"{chart}.truncName\" (list (include \"{chart}.fullname\" {root}) {limit})")
            }
            NameExpr::Fullname(Some(s), limit) => {
                let joined = if plain(s) {
                    format!("printf \"%s-{s}\" (include \"{chart}.fullname\" {root})")
                } else {
                    format!("printf \"%s-%s\" (include \"{chart}.fullname\" {root}) {}", go_string(s))
                };
                if fullname_suffix_fits(s, *limit) {
                    joined
                } else {
                    format!("include \"{chart}.truncName\" (list ({joined}) {limit})")
                }
            }
            NameExpr::Component(n, limit) => {
                format!("include \"{chart}.componentName\" (list {root} {}{})", go_string(n), limit_arg(*limit))
            }
            NameExpr::Helper(h, _) => format!("include {} {root}", go_string(h)),
            NameExpr::ExistingOr(v, inner) => {
                let v = if root == "$" { v.replacen(".Values", "$.Values", 1) } else { v.clone() };
                format!("{v} | default ({})", inner.pipeline_in(chart, root))
            }
            NameExpr::Literal(s) => go_string(s),
            NameExpr::EnvName(n, hash, limit) => format!(
                "include \"{chart}.envName\" (list {root} {} {}{})",
                go_string(n),
                go_string(hash.as_deref().unwrap_or_default()),
                limit_arg(*limit)
            ),
        }
    }

    /// The name as template text for a YAML value. A name that YAML would not read back as the
    /// same plain string (quotes, `: `, newlines, `{{`, `true`, `123`) is written quoted.
    pub fn tpl(&self, chart: &str) -> String {
        match self {
            NameExpr::Fullname(Some(s), limit) if plain(s) && fullname_suffix_fits(s, *limit) => {
                format!("{{{{ include \"{chart}.fullname\" . }}}}-{s}")
            }
            NameExpr::Literal(s) if plain(s) => s.clone(),
            NameExpr::Literal(s) => crate::yaml::escape_template(&crate::yaml::quote_double(s)),
            _ if self.literal().is_some_and(|l| !plain(l)) => format!("{{{{ {} | quote }}}}", self.pipeline(chart)),
            _ => format!("{{{{ {} }}}}", self.pipeline(chart)),
        }
    }

    /// The name as a value of a template tree: a literal when it is kept as written (so it is
    /// emitted and escaped like any input string), template text otherwise.
    pub fn tree(&self, chart: &str) -> crate::generate::template::tpl::Tree {
        use crate::generate::template::tpl::Tree;
        match self {
            NameExpr::Literal(s) => Tree::Lit(crate::yaml::Value::Str(s.clone())),
            _ => Tree::Expr(self.tpl(chart)),
        }
    }

    /// The input's text in the name, when it has some.
    fn literal(&self) -> Option<&str> {
        match self {
            NameExpr::Fullname(s, _) => s.as_deref(),
            NameExpr::Component(n, _) | NameExpr::Literal(n) | NameExpr::EnvName(n, _, _) | NameExpr::Helper(_, n) => {
                Some(n)
            }
            NameExpr::ExistingOr(_, inner) => inner.literal(),
        }
    }

    /// The longest release name under which this name is written whole, for a release name that
    /// does not hold the chart name (the fullname is then `<release>-<chart>`) and no
    /// `nameOverride`/`fullnameOverride`; `None` when no release name changes it. A name with an
    /// environment's `namePrefix`/`nameSuffix` is counted without them.
    pub fn longest_whole_release(&self, chart: &str) -> Option<usize> {
        // Characters after the release name, and the limit they must fit.
        let tail = chart.len() + 1;
        let fits = |rest: usize, limit: usize| {
            Some((FULLNAME_LIMIT.saturating_sub(tail)).min(limit.saturating_sub(tail + rest)))
        };
        match self {
            NameExpr::Fullname(None, limit) => fits(0, *limit),
            NameExpr::Fullname(Some(s), limit) | NameExpr::Component(s, limit) => fits(1 + s.len(), *limit),
            NameExpr::EnvName(n, hash, limit) => {
                let rest = n.strip_prefix(&format!("{chart}-")).map_or(n.len() + 1, |r| r.len() + 1);
                // kustomize's name hashes are 10 characters and a dash.
                fits(rest + hash.as_ref().map_or(0, |_| 11), *limit)
            }
            NameExpr::ExistingOr(_, inner) => inner.longest_whole_release(chart),
            NameExpr::Helper(..) | NameExpr::Literal(_) => None,
        }
    }

    /// Whether the name renders as a plain YAML string in any text around it (see [`plain`]).
    pub fn is_plain(&self) -> bool {
        self.literal().is_none_or(plain)
    }
}

/// The longest name of most kinds: a DNS subdomain.
pub const DNS_SUBDOMAIN: usize = 253;

/// The longest fullname (`<chart>.fullname` cuts it here): a DNS label.
pub const FULLNAME_LIMIT: usize = 63;

/// The longest name an object of `kind` may have once Kubernetes derives names and labels from
/// it. A Service's name is a DNS label; a Job's becomes its pods' `job-name` label; a
/// StatefulSet's becomes each pod's hostname and, with a 10-character hash, its
/// `controller-revision-hash` label; a CronJob's gets an 11-character suffix for each Job
/// (the API refuses more than 52). Other kinds take DNS subdomains.
pub fn name_limit(kind: &str) -> usize {
    match kind {
        "Service" | "Job" | "Namespace" => 63,
        "StatefulSet" | "CronJob" => 52,
        _ => DNS_SUBDOMAIN,
    }
}

/// A name cut to `limit` the way the chart's `truncName` helper does: kept when it fits, else
/// its first `limit - 9` characters (without a trailing `-`), `-` and the first 8 hex digits
/// of the whole name's sha256, so two names cut never come out the same.
pub fn cut(name: &str, limit: usize) -> String {
    use sha2::Digest as _;
    if name.len() <= limit {
        return name.to_string();
    }
    // Helm's `trunc` counts bytes; a name cut inside a character keeps the whole character out.
    let mut end = limit - 9;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let keep = &name[..end];
    let keep = keep.strip_suffix('-').unwrap_or(keep);
    let hash = format!("{:x}", sha2::Sha256::digest(name.as_bytes()));
    format!("{keep}-{}", &hash[..8])
}

/// Whether `<fullname>-<suffix>` fits `limit` whatever the release name (the fullname is at
/// most 63 characters), so it is written without a cut.
fn fullname_suffix_fits(suffix: &str, limit: usize) -> bool {
    FULLNAME_LIMIT + 1 + suffix.len() <= limit
}

/// The limit argument of `componentName` and `envName`, which cut to 253 when given none.
fn limit_arg(limit: usize) -> String {
    if limit >= DNS_SUBDOMAIN { String::new() } else { format!(" {limit}") }
}

/// A name that can be written bare: into a YAML value, a `printf` format, a Go string or text
/// around a template action, it reads back as itself. Kubernetes names of most kinds are of this
/// form; other input (RBAC names may hold nearly anything) is quoted wherever it is written.
pub fn plain(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'))
        && !s.ends_with(':')
        && !crate::yaml::needs_quotes(s)
}

/// A Go string literal (as the template parser reads it) holding exactly `s`.
pub fn go_string(s: &str) -> String {
    crate::yaml::emit::quote_go(s)
}

/// The namespace of objects that render into the release namespace, as template text:
/// `namespaceOverride` when set (see `<chart>.namespace` in _helpers.tpl).
pub fn release_namespace(chart: &str) -> String {
    format!("{{{{ include \"{chart}.namespace\" . }}}}")
}

/// The `envName` helper of a multi-environment chart: the environment's name of an object
/// (prefix, canonical name, suffix, `-hash`), named under the release by the same rules as
/// single-environment names: the fullname when it is the chart name, the fullname and the rest
/// when it starts with `<chart>-`, `componentName` otherwise; cut to the kind's limit (253
/// unless given).
pub fn env_name_helper(chart: &str) -> String {
    format!(
        r#"
{{{{/*
An object's name in this environment: namePrefix, the name, nameSuffix and its nameHashes entry
(kustomize's configMapGenerator hash), then named under the release like any other name and cut
to the kind's limit (253 unless given).
Usage: include "{chart}.envName" (list . "config" "config"), or (list . "db" "" 63) for a Service
*/}}}}
{{{{- define "{chart}.envName" -}}}}
{{{{- $root := index . 0 }}}}
{{{{- $max := 253 }}}}
{{{{- if gt (len .) 3 }}}}
{{{{- $max = index . 3 }}}}
{{{{- end }}}}
{{{{- $name := printf "%s%s%s" ($root.Values.namePrefix | default "") (index . 1) ($root.Values.nameSuffix | default "") }}}}
{{{{- with index . 2 }}}}
{{{{- with index ($root.Values.nameHashes | default dict) . }}}}
{{{{- $name = printf "%s-%s" $name . }}}}
{{{{- end }}}}
{{{{- end }}}}
{{{{- if eq $name $root.Chart.Name }}}}
{{{{- include "{chart}.truncName" (list (include "{chart}.fullname" $root) $max) }}}}
{{{{- else if hasPrefix (printf "%s-" $root.Chart.Name) $name }}}}
{{{{- include "{chart}.truncName" (list (printf "%s-%s" (include "{chart}.fullname" $root) (trimPrefix (printf "%s-" $root.Chart.Name) $name)) $max) }}}}
{{{{- else }}}}
{{{{- include "{chart}.componentName" (list $root $name $max) }}}}
{{{{- end }}}}
{{{{- end }}}}
"#
    )
}

/// Splits a name into lower-case word tokens at `-`, `_`, `.`, `/`, `:`, spaces and camel humps.
pub fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// lowerCamelCase of word tokens; a leading digit gets an `n` prefix so the key stays an
/// identifier.
pub fn camel(tokens: &[String]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i == 0 {
            out.push_str(t);
        } else {
            let mut cs = t.chars();
            if let Some(f) = cs.next() {
                out.push(f.to_ascii_uppercase());
                out.extend(cs);
            }
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    if out.is_empty() { "main".into() } else { out }
}

/// A values key for an object name: its word tokens, without the chart name's leading tokens
/// when something is left.
pub fn key_for(name: &str, chart: &str) -> String {
    let t = tokens(name);
    let c = tokens(chart);
    if t.len() > c.len() && t[..c.len()] == c[..] {
        return camel(&t[c.len()..]);
    }
    camel(&t)
}

/// True when `s` can follow a dot in a template field chain.
pub fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `.Values.a.b` or, for keys that are not identifiers, `(index .Values.a "b-c")`.
pub fn values_ref(path: &[String]) -> String {
    let mut expr = String::from(".Values");
    let mut in_index = false;
    for k in path {
        if is_ident(k) && !in_index {
            expr.push('.');
            expr.push_str(k);
        } else {
            expr = format!("(index {expr} {})", go_string(k));
            in_index = true;
        }
    }
    // Once wrapped in `index`, later identifier keys are reached through index as well, so the
    // expression stays one term.
    expr
}

/// Checks a chart name the way Helm does (lower case, digits, dashes; starts with a letter).
pub fn valid_chart_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 53
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_word_tokens_not_character_prefixes() {
        assert_eq!(key_for("products", "shop"), "products");
        assert_eq!(key_for("promotions", "shop"), "promotions");
        assert_eq!(key_for("shop-cart-service", "shop"), "cartService");
        assert_eq!(key_for("shop", "shop"), "shop");
        assert_eq!(key_for("redis_cache", "x"), "redisCache");
        assert_eq!(key_for("2fa", "x"), "n2fa");
    }

    #[test]
    fn values_refs_use_index_for_non_identifiers() {
        let p = |v: &[&str]| values_ref(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["image", "tag"]), ".Values.image.tag");
        assert_eq!(p(&["env", "LOG_LEVEL"]), ".Values.env.LOG_LEVEL");
        assert_eq!(p(&["config", "app.conf"]), "(index .Values.config \"app.conf\")");
    }

    #[test]
    fn name_expressions_render_as_template_text() {
        assert_eq!(NameExpr::Fullname(None, 253).tpl("app"), "{{ include \"app.fullname\" . }}");
        assert_eq!(
            NameExpr::Fullname(Some("config".into()), 253).tpl("app"),
            "{{ include \"app.fullname\" . }}-config"
        );
        assert_eq!(
            NameExpr::Component("redis".into(), 253).tpl("app"),
            "{{ include \"app.componentName\" (list . \"redis\") }}"
        );
        // Kinds limited to a DNS label (or less) pass their limit, and cut a suffixed fullname.
        assert_eq!(
            NameExpr::Component("redis".into(), 63).tpl("app"),
            "{{ include \"app.componentName\" (list . \"redis\" 63) }}"
        );
        assert_eq!(
            NameExpr::Fullname(Some("headless".into()), 63).tpl("app"),
            "{{ include \"app.truncName\" (list (printf \"%s-headless\" (include \"app.fullname\" .)) 63) }}"
        );
        assert_eq!(
            NameExpr::Fullname(None, 52).tpl("app"),
            "{{ include \"app.truncName\" (list (include \"app.fullname\" .) 52) }}"
        );
    }

    #[test]
    fn the_longest_release_name_that_keeps_a_name_whole() {
        // `<release>-app-headless` ≤ 63.
        assert_eq!(NameExpr::Fullname(Some("headless".into()), 63).longest_whole_release("app"), Some(50));
        // `<release>-app` ≤ 63 bounds every name.
        assert_eq!(NameExpr::Component("config".into(), 253).longest_whole_release("app"), Some(59));
        assert_eq!(NameExpr::Fullname(None, 52).longest_whole_release("app"), Some(48));
        assert_eq!(NameExpr::Literal("x".into()).longest_whole_release("app"), None);
    }

    #[test]
    fn cut_names_keep_what_tells_them_apart() {
        assert_eq!(cut("short", 63), "short");
        let a = format!("{}-alpha", "x".repeat(60));
        let b = format!("{}-beta", "x".repeat(60));
        let (ca, cb) = (cut(&a, 63), cut(&b, 63));
        assert_eq!(ca.len(), 63);
        assert_ne!(ca, cb);
        assert!(ca.starts_with(&"x".repeat(54)));
        // A cut that ends at a dash drops it before the hash.
        let c = format!("{}-{}", "y".repeat(53), "z".repeat(20));
        assert!(cut(&c, 63).starts_with(&format!("{}-", "y".repeat(53))) && !cut(&c, 63).contains("--"));
    }
}
