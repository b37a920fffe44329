//! Compiling a chart's `values.schema.json` as Helm does, and turning validation errors into
//! Helm 4's pointers and messages.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Retrieve, Uri, ValidationError, Validator};

use super::ValidateError;
use super::coalesce::Compat;

/// How schemas are compiled.
#[derive(Debug, Clone, Copy)]
pub struct SchemaOptions {
    /// Helm 3.17 (gojsonschema) or Helm 4 (santhosh-tekuri v6) rules.
    pub compat: Compat,
    /// Fetch `http(s)` `$ref`s (Helm always does; air-gapped CI must not).
    pub allow_remote_refs: bool,
}

/// A compiled schema.
pub struct Compiled {
    validator: Validator,
    doc: serde_json::Value,
    /// The draft in force.
    pub draft: Draft,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// JSON pointer into the chart's values, as Helm 4 prints it (`''` is the root).
    pub pointer: String,
    /// The JSON Schema keyword that failed.
    pub keyword: String,
    /// Helm 4's wording.
    pub message: String,
    /// For `additionalProperties`/`unevaluatedProperties`: the object's pointer and the key
    /// that is not allowed.
    pub key: Option<(String, String)>,
    /// For unknown keys: an allowed key one or two edits away.
    pub suggestion: Option<String>,
    /// The failing value is a number or bool where the schema wants a string.
    pub wants_string: bool,
    /// Pointers of the innermost causes (`anyOf`/`oneOf` branches), for comparing with Helm.
    pub leaves: Vec<String>,
    /// Plain words for a combinator failure.
    pub explain: Option<super::explain::Explain>,
    /// Each alternative of a `oneOf`/`anyOf` and why it failed.
    pub branches: Vec<super::explain::Branch>,
}

/// The draft Helm would use for this schema document.
pub fn draft_for(doc: &serde_json::Value, compat: Compat) -> Draft {
    let uri = doc.get("$schema").and_then(serde_json::Value::as_str).unwrap_or("");
    let trimmed = uri.trim_end_matches('#');
    match compat {
        // gojsonschema recognises only these exact URLs; anything else is its "hybrid" mode,
        // which accepts draft 4, 6 and 7 keywords; draft 7 is the closest single draft.
        Compat::Helm3 => match trimmed {
            "http://json-schema.org/draft-04/schema" => Draft::Draft4,
            "http://json-schema.org/draft-06/schema" => Draft::Draft6,
            _ => Draft::Draft7,
        },
        Compat::Helm4 => {
            let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://")).unwrap_or("");
            match rest {
                "json-schema.org/draft-04/schema" => Draft::Draft4,
                "json-schema.org/draft-06/schema" => Draft::Draft6,
                "json-schema.org/draft-07/schema" => Draft::Draft7,
                "json-schema.org/draft/2019-09/schema" => Draft::Draft201909,
                _ => Draft::Draft202012,
            }
        }
    }
}

/// The largest remote `$ref` document accepted, counted while reading (Content-Length is not
/// trusted): far above any real schema, far below what hurts.
pub const MAX_REMOTE_REF_BYTES: u64 = 16 * 1024 * 1024;
/// Remote documents fetched for one chart's schema at most (each may `$ref` further ones).
pub const MAX_REMOTE_REFS: usize = 32;
/// Deadline of one remote document, from connecting to the last byte.
pub const REMOTE_REF_TIMEOUT: Duration = Duration::from_secs(15);
/// Time all remote documents of one chart's schema may take together.
pub const REMOTE_REFS_BUDGET: Duration = Duration::from_secs(60);

/// Where the schema seems to live, for resolving relative `$ref`s. Helm 4 uses
/// `file:///values.schema.json`, so its relative refs read the machine's root directory; here
/// they resolve inside the chart, and a resolved path outside this directory has left it.
const CHART_ROOT: &str = "/chart/";

struct Fetcher {
    allow_remote: bool,
    compat: Compat,
    /// The chart's JSON files, by path in the chart.
    files: Arc<BTreeMap<String, Vec<u8>>>,
    fetched: AtomicUsize,
    deadline: Instant,
}

type RetrieveError = Box<dyn std::error::Error + Send + Sync>;

impl Fetcher {
    fn remote(&self, uri: &Uri<String>) -> Result<serde_json::Value, RetrieveError> {
        if !self.allow_remote {
            return Err(format!(
                "remote $ref {uri} was not fetched; pass --allow-remote-refs to fetch it as Helm would"
            )
            .into());
        }
        if self.fetched.fetch_add(1, Ordering::Relaxed) >= MAX_REMOTE_REFS {
            return Err(
                format!("remote $ref {uri} was not fetched: more than {MAX_REMOTE_REFS} remote documents").into()
            );
        }
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!(
                "remote $ref {uri} was not fetched: the {} s for all remote documents are spent",
                REMOTE_REFS_BUDGET.as_secs()
            )
            .into());
        }
        get_json(uri, left.min(REMOTE_REF_TIMEOUT))
    }

    /// A `file:` ref: one of the chart's JSON files, never anything else on the machine.
    fn local(&self, uri: &Uri<String>) -> Result<serde_json::Value, RetrieveError> {
        let path = uri.path().decode().to_string_lossy().into_owned();
        let inside = uri.authority().is_none_or(|a| a.as_str().is_empty());
        let Some(rel) = path.strip_prefix(CHART_ROOT).filter(|_| inside) else {
            return Err(format!(
                "$ref {uri} leaves the chart: local $refs resolve inside the chart directory and may not leave it"
            )
            .into());
        };
        let data = self.files.get(rel).ok_or_else(|| {
            format!("$ref {uri}: the chart has no JSON file {rel} (local $refs resolve inside the chart)")
        })?;
        // serde_json's message names a line and column, never the content.
        Ok(serde_json::from_slice(data).map_err(|e| format!("$ref {uri}: {rel} is not JSON: {e}"))?)
    }
}

/// One remote `$ref` document, read within `timeout` and [`MAX_REMOTE_REF_BYTES`].
#[cfg(feature = "online")]
fn get_json(uri: &Uri<String>, timeout: Duration) -> Result<serde_json::Value, RetrieveError> {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("chartwright/", env!("CARGO_PKG_VERSION")))
        .build()?;
    // A request timeout (unlike the client's) bounds the body too.
    let resp = client
        .get(uri.as_str())
        .timeout(timeout)
        .send()
        .map_err(|e| format!("fetching $ref {uri}: {}", reqwest_reason(e)))?;
    if resp.status() != reqwest::StatusCode::OK {
        return Err(format!("fetching $ref {uri}: HTTP status {}", resp.status().as_u16()).into());
    }
    let buf = crate::net::read_capped(resp, MAX_REMOTE_REF_BYTES).map_err(|e| match e {
        crate::net::BodyError::TooLarge(_) => format!("$ref {uri} is {e}"),
        _ => format!("fetching $ref {uri}: {e}"),
    })?;
    Ok(serde_json::from_slice(&buf).map_err(|e| format!("$ref {uri} is not JSON: {e}"))?)
}

/// Without the `online` feature there is no HTTP client; the CLI refuses `--allow-remote-refs`
/// before this is reached.
#[cfg(not(feature = "online"))]
fn get_json(uri: &Uri<String>, _: Duration) -> Result<serde_json::Value, RetrieveError> {
    Err(format!("remote $ref {uri} was not fetched: {}", crate::net::NOT_BUILT).into())
}

#[cfg(feature = "online")]
fn reqwest_reason(e: reqwest::Error) -> String {
    if e.is_timeout() { "timed out".into() } else { e.without_url().to_string() }
}

impl Retrieve for Fetcher {
    fn retrieve(&self, uri: &Uri<String>) -> Result<serde_json::Value, RetrieveError> {
        match uri.scheme().as_str() {
            "http" | "https" => self.remote(uri),
            "file" => self.local(uri),
            // Helm 4.1 replaces an unresolved URN by a permissive `true` schema.
            "urn" if self.compat == Compat::Helm4 => Ok(serde_json::Value::Bool(true)),
            _ => Err(format!("$ref {uri} cannot be resolved").into()),
        }
    }
}

/// Compiles a schema document.
///
/// # Errors
/// The schema does not compile, or a `$ref` cannot be resolved (named in the message).
pub fn compile(
    doc: &serde_json::Value,
    path: &str,
    files: &Arc<BTreeMap<String, Vec<u8>>>,
    opts: SchemaOptions,
) -> Result<Compiled, ValidateError> {
    let draft = draft_for(doc, opts.compat);
    let mut stripped = doc.clone();
    // The draft is decided above, exactly as Helm decides it; the crate must not second-guess
    // it (or try to download an unknown meta-schema).
    if let Some(obj) = stripped.as_object_mut() {
        obj.remove("$schema");
    }
    let formats = match opts.compat {
        Compat::Helm3 => true,
        // santhosh-tekuri asserts `format` only for drafts before 2019-09 unless asked to.
        Compat::Helm4 => matches!(draft, Draft::Draft4 | Draft::Draft6 | Draft::Draft7),
    };
    check_patterns(&stripped).map_err(|reason| ValidateError::SchemaCompile { path: path.to_string(), reason })?;
    let validator = jsonschema::options()
        .with_draft(draft)
        .with_pattern_options(
            jsonschema::PatternOptions::fancy_regex()
                .size_limit(crate::limits::MAX_PATTERN_BYTES)
                .backtrack_limit(crate::limits::MAX_PATTERN_BACKTRACK),
        )
        .with_base_uri(format!("file://{CHART_ROOT}values.schema.json"))
        .with_retriever(Fetcher {
            allow_remote: opts.allow_remote_refs,
            compat: opts.compat,
            files: files.clone(),
            fetched: AtomicUsize::new(0),
            deadline: Instant::now() + REMOTE_REFS_BUDGET,
        })
        .should_validate_formats(formats)
        .build(&stripped)
        .map_err(|e| ValidateError::SchemaCompile { path: path.to_string(), reason: e.to_string() })?;
    Ok(Compiled { validator, doc: stripped, draft })
}

/// Refuses a `pattern` (or `patternProperties` key) with a repeat count Go's `regexp` refuses,
/// as Helm does when it compiles the schema.
fn check_patterns(doc: &serde_json::Value) -> Result<(), String> {
    let mut stack = vec![doc];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(p)) = m.get("pattern") {
                    check_repeats(p)?;
                }
                if let Some(serde_json::Value::Object(pp)) = m.get("patternProperties") {
                    for k in pp.keys() {
                        check_repeats(k)?;
                    }
                }
                stack.extend(m.values());
            }
            serde_json::Value::Array(a) => stack.extend(a),
            _ => {}
        }
    }
    Ok(())
}

/// The repeat counts `{n}`, `{n,}`, `{n,m}` of a pattern, outside escapes and classes, are at
/// most [`crate::limits::MAX_PATTERN_REPEAT`].
fn check_repeats(pattern: &str) -> Result<(), String> {
    let b = pattern.as_bytes();
    let (mut i, mut in_class) = (0, false);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'{' if !in_class => {
                let close = b[i..].iter().position(|&c| c == b'}').map(|p| i + p);
                if let Some(close) = close {
                    let inner = &pattern[i + 1..close];
                    let counts: Vec<&str> = inner.split(',').collect();
                    let numeric = counts.len() <= 2
                        && !counts[0].is_empty()
                        && counts.iter().all(|c| c.bytes().all(|d| d.is_ascii_digit()));
                    if numeric {
                        let max = crate::limits::MAX_PATTERN_REPEAT;
                        if counts.iter().any(|c| !c.is_empty() && c.parse::<u32>().map_or(true, |n| n > max)) {
                            let shown: String = pattern.chars().take(80).collect();
                            return Err(format!(
                                "pattern {shown:?} repeats more than {max} times ({{{inner}}}), which Helm's regular expressions refuse"
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

impl Compiled {
    /// True when the instance passes.
    pub fn is_valid(&self, instance: &serde_json::Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// Validates an instance; the failures in Helm 4's terms, sorted by pointer.
    pub fn validate(&self, instance: &serde_json::Value) -> Vec<Failure> {
        let mut out: Vec<Failure> = Vec::new();
        // Most runs are valid; the boolean check is much cheaper than collecting errors.
        if self.validator.is_valid(instance) {
            return out;
        }
        for e in self.validator.iter_errors(instance) {
            self.convert(&e, &mut out);
        }
        out.sort_by(|a, b| (&a.pointer, &a.keyword, &a.message).cmp(&(&b.pointer, &b.keyword, &b.message)));
        out.dedup();
        out
    }

    fn convert(&self, e: &ValidationError<'_>, out: &mut Vec<Failure>) {
        let pointer = e.instance_path().as_str().to_string();
        let keyword = e.kind().keyword().to_string();
        let base = Failure {
            pointer: pointer.clone(),
            keyword: keyword.clone(),
            message: String::new(),
            key: None,
            suggestion: None,
            wants_string: false,
            leaves: vec![pointer.clone()],
            explain: None,
            branches: Vec::new(),
        };
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = self.allowed_keys(e);
                for k in unexpected {
                    out.push(Failure {
                        message: format!("additional properties {} not allowed", quote(k)),
                        key: Some((pointer.clone(), k.clone())),
                        suggestion: suggest(k, &allowed),
                        ..base.clone()
                    });
                }
            }
            // santhosh-tekuri reports each unevaluated property at its own pointer as a
            // failed `false` schema.
            ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed = self.allowed_keys(e);
                for k in unexpected {
                    let ptr = super::tree::child_pointer(&pointer, k);
                    out.push(Failure {
                        pointer: ptr.clone(),
                        message: format!("false schema: property {} is not evaluated by the schema", quote(k)),
                        key: Some((pointer.clone(), k.clone())),
                        suggestion: suggest(k, &allowed),
                        leaves: vec![ptr],
                        ..base.clone()
                    });
                }
            }
            kind => {
                let mut f = base;
                f.message = message(kind, e.instance());
                if let ValidationErrorKind::Type { kind } = kind {
                    let wants_string = match kind {
                        TypeKind::Single(t) => t.to_string() == "string",
                        TypeKind::Multiple(ts) => ts.iter().any(|t| t.to_string() == "string"),
                    };
                    f.wants_string = wants_string && (e.instance().is_number() || e.instance().is_boolean());
                }
                let ctx = match kind {
                    ValidationErrorKind::AnyOf { context }
                    | ValidationErrorKind::OneOfNotValid { context }
                    | ValidationErrorKind::OneOfMultipleValid { context } => Some(context),
                    _ => None,
                };
                if let Some(ctx) = ctx {
                    let leaves: Vec<String> =
                        ctx.iter().flatten().map(|c| c.instance_path().as_str().to_string()).collect();
                    if !leaves.is_empty() && !matches!(kind, ValidationErrorKind::OneOfMultipleValid { .. }) {
                        f.leaves = leaves;
                    }
                    f.branches = super::explain::branches(ctx, &message);
                }
                f.explain = super::explain::explain(e, &self.doc, &f.branches);
                out.push(f);
            }
        }
    }

    /// The property names the failing schema object declares (for "did you mean").
    fn allowed_keys(&self, e: &ValidationError<'_>) -> Vec<String> {
        let Some(loc) = e.absolute_keyword_location() else { return Vec::new() };
        let Some(fragment) = loc.fragment() else { return Vec::new() };
        let frag = fragment.as_str().replace("%24", "$");
        let parent = match frag.rfind('/') {
            Some(i) => &frag[..i],
            None => "",
        };
        let Some(obj) = self.doc.pointer(parent) else { return Vec::new() };
        let mut keys: Vec<String> = obj
            .get("properties")
            .and_then(serde_json::Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }
}

/// A key or value from the values, quoted bounded and redacted ([`crate::diag::quote_value`]).
fn quote(s: &str) -> String {
    format!("'{}'", crate::diag::quote_value(s))
}

/// A value as messages quote it ([`crate::diag::quote_value`]): cut around its start so that
/// a megabyte string failing a pattern does not become a megabyte message per error, and
/// `<redacted>` when it looks like a credential.
fn json_short(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => quote(s),
        other => crate::diag::quote_value(&other.to_string()),
    }
}

fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// santhosh-tekuri's wording (what Helm 4 prints) for the common keywords.
pub(crate) fn message(kind: &ValidationErrorKind, instance: &serde_json::Value) -> String {
    use ValidationErrorKind as E;
    let got = json_short(instance);
    match kind {
        E::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "),
            };
            format!("got {}, want {want}", type_name(instance))
        }
        E::Required { property } => {
            format!("missing property {}", property.as_str().map_or_else(|| property.to_string(), quote))
        }
        E::Enum { options } => {
            let opts = options.as_array().map(|a| a.iter().map(json_short).collect::<Vec<_>>().join(", "));
            format!("value must be one of {}", opts.unwrap_or_else(|| options.to_string()))
        }
        E::Constant { expected_value } => format!("value must be {}", json_short(expected_value)),
        E::Minimum { limit } => format!("minimum: got {got}, want {limit}"),
        E::Maximum { limit } => format!("maximum: got {got}, want {limit}"),
        E::ExclusiveMinimum { limit } => format!("exclusiveMinimum: got {got}, want {limit}"),
        E::ExclusiveMaximum { limit } => format!("exclusiveMaximum: got {got}, want {limit}"),
        E::MultipleOf { multiple_of } => format!("multipleOf: got {got}, want {multiple_of}"),
        E::MinLength { limit } => {
            format!("minLength: got {}, want {limit}", instance.as_str().map_or(0, |s| s.chars().count()))
        }
        E::MaxLength { limit } => {
            format!("maxLength: got {}, want {limit}", instance.as_str().map_or(0, |s| s.chars().count()))
        }
        E::MinItems { limit } => format!("minItems: got {}, want {limit}", instance.as_array().map_or(0, Vec::len)),
        E::MaxItems { limit } => format!("maxItems: got {}, want {limit}", instance.as_array().map_or(0, Vec::len)),
        E::MinProperties { limit } => {
            format!("minProperties: got {}, want {limit}", instance.as_object().map_or(0, |o| o.len()))
        }
        E::MaxProperties { limit } => {
            format!("maxProperties: got {}, want {limit}", instance.as_object().map_or(0, |o| o.len()))
        }
        E::Pattern { pattern } => format!("{got} does not match pattern '{}'", crate::diag::clip_line(pattern, 1).0),
        E::Format { format } => format!("{got} is not valid {format}"),
        E::AnyOf { .. } => "'anyOf' failed".into(),
        E::OneOfNotValid { .. } => "'oneOf' failed, none matched".into(),
        E::OneOfMultipleValid { .. } => "'oneOf' failed, more than one subschema matched".into(),
        E::Not { .. } => "'not' failed".into(),
        E::FalseSchema => "false schema".into(),
        E::UniqueItems => "items are not unique".into(),
        E::Contains => "no items match contains schema".into(),
        other => format!("{} failed", other.keyword()),
    }
}

/// An allowed key one or two edits away (insertions, deletions, substitutions, swaps).
pub fn suggest(key: &str, allowed: &[String]) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    let len = key.chars().count();
    for a in allowed {
        // More than two characters apart in length is more than two edits: skip the quadratic
        // distance (a hostile key can be megabytes long).
        if a.chars().count().abs_diff(len) > 2 {
            continue;
        }
        let d = edit_distance(key, a);
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, a));
        }
    }
    best.map(|(_, a)| a.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Shared compiled schemas, one per chart id.
pub type Schemas = Vec<Option<Arc<Compiled>>>;

#[cfg(test)]
mod tests {

    #[test]
    fn a_pattern_repeating_more_than_go_allows_is_refused_and_a_slow_one_is_bounded() {
        let opts = SchemaOptions { compat: Compat::Helm4, allow_remote_refs: false };
        for p in ["[\\u0000-\\uffff]{0,5000}x", "a{1001}", "(ab){2,99999999999}"] {
            let doc = serde_json::json!({"properties": {"a": {"type": "string", "pattern": p}}});
            let Err(e) = compile(&doc, "s", &Arc::default(), opts) else { panic!("{p} compiled") };
            assert!(e.to_string().contains("repeats more than 1000 times"), "{e}");
        }
        for p in ["a{1000}", "\\{5000}", "[{]5000}"] {
            let doc = serde_json::json!({"properties": {"a": {"type": "string", "pattern": p}}});
            assert!(compile(&doc, "s", &Arc::default(), opts).is_ok(), "{p}");
        }
        let doc = serde_json::json!({"patternProperties": {"^a{2000}$": {}}});
        assert!(compile(&doc, "s", &Arc::default(), opts).is_err());
    }
    use super::*;

    #[test]
    fn draft_follows_schema_uri_per_helm_version() {
        let doc = |s: &str| serde_json::json!({"$schema": s});
        assert_eq!(draft_for(&serde_json::json!({}), Compat::Helm4), Draft::Draft202012);
        assert_eq!(draft_for(&doc("http://json-schema.org/draft-07/schema#"), Compat::Helm4), Draft::Draft7);
        assert_eq!(draft_for(&doc("https://json-schema.org/draft-07/schema"), Compat::Helm4), Draft::Draft7);
        assert_eq!(draft_for(&doc("https://json-schema.org/draft-04/schema"), Compat::Helm3), Draft::Draft7);
        assert_eq!(draft_for(&doc("http://json-schema.org/draft-04/schema#"), Compat::Helm3), Draft::Draft4);
        assert_eq!(draft_for(&doc("http://json-schema.org/schema#"), Compat::Helm4), Draft::Draft202012);
        assert_eq!(draft_for(&doc("https://json-schema.org/draft/2019-09/schema"), Compat::Helm4), Draft::Draft201909);
    }

    #[test]
    fn suggestions_are_at_most_two_edits_away() {
        let allowed = vec!["image".to_string(), "pullPolicy".to_string(), "replicaCount".to_string()];
        assert_eq!(suggest("imgae", &allowed).as_deref(), Some("image"));
        assert_eq!(suggest("pullPolcy", &allowed).as_deref(), Some("pullPolicy"));
        assert_eq!(suggest("replicas", &allowed), None);
    }

    #[test]
    fn formats_are_asserted_only_where_helm_asserts_them() {
        let opts4 = SchemaOptions { compat: Compat::Helm4, allow_remote_refs: false };
        let opts3 = SchemaOptions { compat: Compat::Helm3, allow_remote_refs: false };
        let bad = serde_json::json!({"e": "not-an-email"});
        let modern = serde_json::json!({"properties": {"e": {"format": "email"}}});
        let draft7 = serde_json::json!({"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"e": {"format": "email"}}});
        assert!(compile(&modern, "s", &Arc::default(), opts4).unwrap().validate(&bad).is_empty());
        assert_eq!(compile(&draft7, "s", &Arc::default(), opts4).unwrap().validate(&bad)[0].keyword, "format");
        assert_eq!(compile(&modern, "s", &Arc::default(), opts3).unwrap().validate(&bad)[0].keyword, "format");
    }

    #[test]
    fn remote_refs_are_refused_by_name_without_the_flag() {
        let opts = SchemaOptions { compat: Compat::Helm4, allow_remote_refs: false };
        let doc = serde_json::json!({"properties": {"a": {"$ref": "https://example.invalid/x.json"}}});
        let Err(e @ ValidateError::SchemaCompile { .. }) = compile(&doc, "s", &Arc::default(), opts) else {
            panic!("expected an error")
        };
        let message = e.to_string();
        assert!(
            message.contains("https://example.invalid/x.json") && message.contains("--allow-remote-refs"),
            "{message}"
        );
    }
}
