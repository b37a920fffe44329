//! Names: chart-relative object names, camelCase values keys, and `.Values` references.

/// How an object's name is written in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameExpr {
    /// The release fullname, optionally followed by `-suffix` (names that start with the
    /// chart name).
    Fullname(Option<String>),
    /// Another name: kept as is when the release is named after the chart (so objects that
    /// already run are adopted) and prefixed with the fullname otherwise.
    Component(String),
    /// A named template that yields the name (service accounts), and the input's name.
    Helper(String, String),
    /// `existingSecret` when set, else the generated name.
    ExistingOr(String, Box<NameExpr>),
    /// Kept literally (CRDs, APIServices, cluster-wide classes, `system:` names).
    Literal(String),
    /// A multi-environment chart's name: the canonical name with the environment's
    /// `namePrefix`, `nameSuffix` and hash (the `nameHashes` key) around it, then named like
    /// [`NameExpr::Fullname`] or [`NameExpr::Component`] by what it turns out to be.
    EnvName(String, Option<String>),
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
            NameExpr::Fullname(None) => format!("include \"{chart}.fullname\" {root}"),
            NameExpr::Fullname(Some(s)) if plain(s) => {
                format!("printf \"%s-{s}\" (include \"{chart}.fullname\" {root})")
            }
            NameExpr::Fullname(Some(s)) => {
                format!("printf \"%s-%s\" (include \"{chart}.fullname\" {root}) {}", go_string(s))
            }
            NameExpr::Component(n) => format!("include \"{chart}.componentName\" (list {root} {})", go_string(n)),
            NameExpr::Helper(h, _) => format!("include {} {root}", go_string(h)),
            NameExpr::ExistingOr(v, inner) => {
                let v = if root == "$" { v.replacen(".Values", "$.Values", 1) } else { v.clone() };
                format!("{v} | default ({})", inner.pipeline_in(chart, root))
            }
            NameExpr::Literal(s) => go_string(s),
            NameExpr::EnvName(n, hash) => format!(
                "include \"{chart}.envName\" (list {root} {} {})",
                go_string(n),
                go_string(hash.as_deref().unwrap_or_default())
            ),
        }
    }

    /// The name as template text for a YAML value. A name that YAML would not read back as the
    /// same plain string (quotes, `: `, newlines, `{{`, `true`, `123`) is written quoted.
    pub fn tpl(&self, chart: &str) -> String {
        match self {
            NameExpr::Fullname(Some(s)) if plain(s) => format!("{{{{ include \"{chart}.fullname\" . }}}}-{s}"),
            NameExpr::Literal(s) if plain(s) => s.clone(),
            NameExpr::Literal(s) => crate::yaml::escape_template(&crate::yaml::quote_double(s)),
            _ if self.literal().is_some_and(|l| !plain(l)) => format!("{{{{ {} | quote }}}}", self.pipeline(chart)),
            _ => format!("{{{{ {} }}}}", self.pipeline(chart)),
        }
    }

    /// The name as a value of a template tree: a literal when it is kept as written (so it is
    /// emitted and escaped like any input string), template text otherwise.
    pub fn tree(&self, chart: &str) -> crate::generate::tpl::Tree {
        use crate::generate::tpl::Tree;
        match self {
            NameExpr::Literal(s) => Tree::Lit(crate::yaml::Value::Str(s.clone())),
            _ => Tree::Expr(self.tpl(chart)),
        }
    }

    /// The input's text in the name, when it has some.
    fn literal(&self) -> Option<&str> {
        match self {
            NameExpr::Fullname(s) => s.as_deref(),
            NameExpr::Component(n) | NameExpr::Literal(n) | NameExpr::EnvName(n, _) | NameExpr::Helper(_, n) => Some(n),
            NameExpr::ExistingOr(_, inner) => inner.literal(),
        }
    }

    /// Whether the name renders as a plain YAML string in any text around it (see [`plain`]).
    pub fn is_plain(&self) -> bool {
        self.literal().is_none_or(plain)
    }
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
/// when it starts with `<chart>-`, `componentName` otherwise.
pub fn env_name_helper(chart: &str) -> String {
    format!(
        r#"
{{{{/*
An object's name in this environment: namePrefix, the name, nameSuffix and its nameHashes entry
(kustomize's configMapGenerator hash), then named under the release like any other name.
Usage: include "{chart}.envName" (list . "config" "config")
*/}}}}
{{{{- define "{chart}.envName" -}}}}
{{{{- $root := index . 0 }}}}
{{{{- $name := printf "%s%s%s" ($root.Values.namePrefix | default "") (index . 1) ($root.Values.nameSuffix | default "") }}}}
{{{{- with index . 2 }}}}
{{{{- with index ($root.Values.nameHashes | default dict) . }}}}
{{{{- $name = printf "%s-%s" $name . }}}}
{{{{- end }}}}
{{{{- end }}}}
{{{{- if eq $name $root.Chart.Name }}}}
{{{{- include "{chart}.fullname" $root }}}}
{{{{- else if hasPrefix (printf "%s-" $root.Chart.Name) $name }}}}
{{{{- printf "%s-%s" (include "{chart}.fullname" $root) (trimPrefix (printf "%s-" $root.Chart.Name) $name) }}}}
{{{{- else }}}}
{{{{- include "{chart}.componentName" (list $root $name) }}}}
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
        assert_eq!(NameExpr::Fullname(None).tpl("app"), "{{ include \"app.fullname\" . }}");
        assert_eq!(NameExpr::Fullname(Some("config".into())).tpl("app"), "{{ include \"app.fullname\" . }}-config");
        assert_eq!(
            NameExpr::Component("redis".into()).tpl("app"),
            "{{ include \"app.componentName\" (list . \"redis\") }}"
        );
    }
}
