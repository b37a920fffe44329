//! Names of the input's objects inside strings: `redis:6379`, `http://api/path`, `db.shop.svc`,
//! `db-0.db`, `--publish-service=$(POD_NAMESPACE)/web`, `--webhook-name=admission`,
//! `shop/serving-cert`. Each becomes the name the object renders under the release, and the
//! input's main namespace becomes `.Release.Namespace`, so references follow renamed objects.
//!
//! A string is scanned for DNS tokens (runs of `[a-z0-9.-]`); a token is a reference only in a
//! context that says so (a port, a URL, a namespace or `svc` suffix, a flag value, a
//! `namespace/name` pair, or a whole value that is a Service's name). A whitespace-separated
//! word equal to a Service name is only *possibly* a reference (`redis-cli -h cache` or a word
//! in prose): it stays as written and is reported, for the user to decide.

use std::collections::BTreeMap;

use super::context::Context;
use super::names::NameExpr;

/// What the scan found in one string.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The string as a double-quoted template scalar, when it holds references.
    pub template: Option<String>,
    /// Words that might name a Service but were left as written.
    pub maybe: Vec<String>,
}

/// Where a string comes from, which decides what counts as a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// An environment variable's value: a value that is exactly a Service name is a host, and
    /// one that is exactly another renamed object's name names that object.
    EnvValue,
    /// A host name (a certificate's `dnsNames`, `commonName`): a value that is exactly a
    /// Service name is that Service.
    Host,
    /// A container argument or command word: a word equal to a Service name is reported as a
    /// possible reference.
    Arg,
    /// Other text (annotations, config files).
    Text,
}

/// The renamed objects of the input, indexed for the scan.
#[derive(Debug, Default)]
pub struct RefIndex {
    chart: String,
    main_namespace: Option<String>,
    /// Service name → (name expression, namespace).
    services: BTreeMap<String, (NameExpr, Option<String>)>,
    /// Any renamed object's name → its expression (flag values, `namespace/name`).
    objects: BTreeMap<String, (NameExpr, Option<String>)>,
    /// StatefulSet name → (its expression, the Service its pods are named under, its
    /// namespace).
    statefulsets: BTreeMap<String, (NameExpr, String, Option<String>)>,
}

impl RefIndex {
    /// Indexes the objects of `ctx` whose names the chart rewrites.
    pub fn new(ctx: &Context<'_>) -> RefIndex {
        // An input that names no namespace is applied to the current one, `default` unless set:
        // a reference written into it (`db-0.db.default.svc`) names that namespace.
        let main_namespace = ctx.main_namespace.clone().or_else(|| Some("default".to_string()));
        let mut idx = RefIndex { chart: ctx.chart.clone(), main_namespace, ..RefIndex::default() };
        for o in ctx.objects {
            let Some(name) = &o.name else { continue };
            // Only names that read back bare are rewritten inside strings: a quoted one cannot
            // sit inside the double-quoted string a reference becomes.
            let Some(expr) = ctx.name_of(&o.kind, name).filter(|e| !matches!(e, NameExpr::Literal(_)) && e.is_plain())
            else {
                continue;
            };
            let ns = o.namespace.clone().or_else(|| idx.main_namespace.clone());
            if o.kind == "Service" {
                idx.services.insert(name.clone(), (expr.clone(), ns.clone()));
            }
            if o.kind == "StatefulSet" {
                if let Some(svc) = o.node.str_at(&["spec", "serviceName"]) {
                    idx.statefulsets.insert(name.clone(), (expr.clone(), svc.to_string(), ns.clone()));
                }
            }
            idx.objects.entry(name.clone()).or_insert((expr.clone(), ns));
        }
        idx
    }

    /// Scans `s`, found at `site`.
    pub fn scan(&self, s: &str, site: Site) -> Found {
        let mut found = Found::default();
        if self.objects.is_empty() {
            return found;
        }
        let mut parts: Vec<Part> = Vec::new();
        let mut last = 0;
        for (start, end) in tokens(s) {
            let token = &s[start..end];
            let before = &s[..start];
            let after = &s[end..];
            let whole = matches!(site, Site::EnvValue | Site::Host) && start == 0 && end == s.len();
            match self.token(token, before, after, whole, site == Site::EnvValue) {
                Some((consumed, mut rendered)) => {
                    // A namespace before `/` is replaced too, unless it was itself a reference.
                    let (cut, rendered) = if start - consumed >= last {
                        (start - consumed, rendered)
                    } else {
                        rendered.drain(..rendered.len() - 1);
                        (start, rendered)
                    };
                    parts.push(Part::Lit(s[last..cut].to_string()));
                    parts.extend(rendered);
                    last = end;
                }
                None => {
                    let word = (before.is_empty() || before.ends_with(char::is_whitespace))
                        && (after.is_empty() || after.starts_with(char::is_whitespace));
                    if site == Site::Arg
                        && word
                        && self.services.contains_key(token)
                        && !found.maybe.iter().any(|m| m == token)
                    {
                        found.maybe.push(token.to_string());
                    }
                }
            }
        }
        if parts.is_empty() {
            return found;
        }
        parts.push(Part::Lit(s[last..].to_string()));
        let mut text = String::from("\"");
        for p in parts {
            match p {
                Part::Lit(l) => text.push_str(&crate::generate::template::tpl::in_double_quotes(&l)),
                Part::Expr(e) => text.push_str(&e),
            }
        }
        text.push('"');
        found.template = Some(text);
        found
    }

    /// The rendered parts of one token, when it is a reference, with how many bytes of the text
    /// before it they replace (a namespace in `namespace/name`; its replacement is all parts
    /// but the last).
    fn token(
        &self,
        token: &str,
        before: &str,
        after: &str,
        whole: bool,
        env_value: bool,
    ) -> Option<(usize, Vec<Part>)> {
        let host = token.trim_end_matches('.');
        let labels: Vec<&str> = host.split('.').collect();
        let port_follows = port_follows(after);
        let url_host = before.ends_with("://") || before.ends_with('@');
        // `svc.$(POD_NAMESPACE).svc`: the namespace comes from the pod's environment.
        let env_namespace_follows = token.ends_with('.') && after.starts_with("$(");
        // `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`.
        if let Some((expr, ns)) = self.services.get(labels[0]) {
            let suffix_ok = match &labels[1..] {
                [] => port_follows || url_host || whole || env_namespace_follows,
                // `name.ns` and anything longer under it (`.svc.cluster.local`, or a cluster
                // domain of its own).
                [n, ..] => Some(*n) == ns.as_deref(),
            };
            if suffix_ok {
                let mut parts = vec![Part::Expr(expr.tpl(&self.chart))];
                parts.extend(self.namespace_suffix(&labels[1..], &token[host.len()..]));
                return Some((0, parts));
            }
        }
        // StatefulSet pods: `db-0.db` and the longer forms.
        if labels.len() >= 2 {
            if let Some((sts, ordinal)) = labels[0].rsplit_once('-') {
                if let Some((sts_expr, svc, sts_ns)) = self.statefulsets.get(sts) {
                    // The pods' namespace: the governing Service's, or the StatefulSet's own
                    // when the Service is not in the input.
                    let ns = self.services.get(svc.as_str()).map_or(sts_ns, |(_, ns)| ns);
                    let rest_ok = match &labels[2..] {
                        [] => true,
                        [n, ..] => Some(*n) == ns.as_deref(),
                    };
                    if labels[1] == svc && !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit()) && rest_ok
                    {
                        let svc_expr =
                            self.services.get(svc).map_or_else(|| svc.to_string(), |(e, _)| e.tpl(&self.chart));
                        let mut parts = vec![
                            Part::Expr(sts_expr.tpl(&self.chart)),
                            Part::Lit(format!("-{ordinal}.")),
                            Part::Expr(svc_expr),
                        ];
                        parts.extend(self.namespace_suffix(&labels[2..], &token[host.len()..]));
                        return Some((0, parts));
                    }
                }
            }
        }
        if labels.len() != 1 {
            return None;
        }
        let (expr, ns) = self.objects.get(token)?;
        // An environment variable whose whole value is a renamed object's name
        // (`METALLB_DEPLOYMENT: controller`) names that object, as a Service's name does.
        if whole && env_value {
            return Some((0, vec![Part::Expr(expr.tpl(&self.chart))]));
        }
        // `--flag=name` and `--flag=a,name`.
        let flag_value = before
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| w.starts_with('-') && w.contains('=') && (w.ends_with('=') || w.ends_with(',')));
        if flag_value && (after.is_empty() || after.starts_with(|c: char| c.is_whitespace() || c == ',')) {
            return Some((0, vec![Part::Expr(expr.tpl(&self.chart))]));
        }
        // `namespace/name`, where the namespace is the object's own or the pod's own.
        let qualifier = before.strip_suffix('/')?;
        let ns_word = qualifier.rsplit(|c: char| c.is_whitespace() || c == '=' || c == ',').next().unwrap_or("");
        let pods_own = ns_word == "$(POD_NAMESPACE)" || ns_word.ends_with("$(POD_NAMESPACE)");
        if pods_own || Some(ns_word) == ns.as_deref() {
            let name = Part::Expr(expr.tpl(&self.chart));
            if !pods_own && ns.is_some() && *ns == self.main_namespace {
                let release_ns = Part::Expr(format!("{}/", super::names::release_namespace(&self.chart)));
                return Some((ns_word.len() + 1, vec![release_ns, name]));
            }
            return Some((0, vec![name]));
        }
        None
    }

    /// The `.ns[.svc[.cluster.local]]` part after a name, with the main namespace following
    /// the release.
    fn namespace_suffix(&self, labels: &[&str], trailing_dot: &str) -> Vec<Part> {
        let mut parts = Vec::new();
        if let Some((ns, rest)) = labels.split_first() {
            parts.push(Part::Lit(".".into()));
            if Some(*ns) == self.main_namespace.as_deref() {
                parts.push(Part::Expr(super::names::release_namespace(&self.chart)));
            } else {
                parts.push(Part::Lit((*ns).to_string()));
            }
            for r in rest {
                parts.push(Part::Lit(format!(".{r}")));
            }
        }
        parts.push(Part::Lit(trailing_dot.to_string()));
        parts
    }
}

/// A piece of the rewritten string.
#[derive(Debug)]
enum Part {
    Lit(String),
    Expr(String),
}

/// `:<port>` and then the end or a path, not an image tag such as `:4.1`.
fn port_follows(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(':') else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && !rest[digits..].starts_with(|c: char| c == '.' || c.is_ascii_alphanumeric() || c == '-')
}

/// Byte ranges of DNS tokens in `s`.
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let dns = c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
        match (dns, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Loaded, load_text};

    const INPUT: &str = "\
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec: {ports: [{port: 6379}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {clusterIP: None, ports: [{port: 5432}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres}]}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: admission}
webhooks: []
";

    fn scan(s: &str, site: Site) -> Found {
        let mut l = Loaded::default();
        load_text("in.yaml", INPUT.to_string(), &mut l).unwrap();
        let ctx = super::super::context::analyze("app", &l.objects);
        RefIndex::new(&ctx).scan(s, site)
    }

    fn rendered(s: &str, site: Site) -> String {
        scan(s, site).template.unwrap_or_else(|| panic!("no reference found in {s:?}"))
    }

    const REDIS: &str = "{{ include \"app.componentName\" (list . \"redis\" 63) }}";
    const DB: &str = "{{ include \"app.componentName\" (list . \"db\" 63) }}";
    const DB_STS: &str = "{{ include \"app.componentName\" (list . \"db\" 52) }}";

    #[test]
    fn service_names_with_ports_urls_and_namespace_suffixes_follow() {
        assert_eq!(rendered("redis:6379", Site::Text), format!("\"{REDIS}:6379\""));
        assert_eq!(rendered("http://redis:6379/x", Site::Text), format!("\"http://{REDIS}:6379/x\""));
        assert_eq!(rendered("redis.shop", Site::Text), format!("\"{REDIS}.{{{{ include \"app.namespace\" . }}}}\""));
        assert_eq!(
            rendered("redis.shop.svc.cluster.local:6379", Site::Text),
            format!("\"{REDIS}.{{{{ include \"app.namespace\" . }}}}.svc.cluster.local:6379\"")
        );
        assert_eq!(rendered("redis", Site::EnvValue), format!("\"{REDIS}\""));
        assert_eq!(rendered("redis.$(NS).svc", Site::Text), format!("\"{REDIS}.$(NS).svc\""));
    }

    #[test]
    fn statefulset_pod_names_flags_and_namespaced_names_follow() {
        assert_eq!(rendered("db-0.db:5432", Site::Text), format!("\"{DB_STS}-0.{DB}:5432\""));
        let hook = "{{ include \"app.componentName\" (list . \"admission\") }}";
        assert_eq!(rendered("--webhook-name=admission", Site::Arg), format!("\"--webhook-name={hook}\""));
        assert_eq!(rendered("--hosts=redis,db", Site::Arg), format!("\"--hosts={REDIS},{DB}\""));
        assert_eq!(
            rendered("--publish-service=$(POD_NAMESPACE)/redis", Site::Arg),
            format!("\"--publish-service=$(POD_NAMESPACE)/{REDIS}\"")
        );
        assert_eq!(rendered("shop/redis", Site::Text), format!("\"{{{{ include \"app.namespace\" . }}}}/{REDIS}\""));
    }

    #[test]
    fn namespace_qualified_pod_dns_and_whole_env_values_follow() {
        let ns = "{{ include \"app.namespace\" . }}";
        assert_eq!(
            rendered("db-0.db.shop.svc.cluster.local", Site::EnvValue),
            format!("\"{DB_STS}-0.{DB}.{ns}.svc.cluster.local\"")
        );
        // A whole env value equal to any renamed object's name is that object's name.
        let hook = "{{ include \"app.componentName\" (list . \"admission\") }}";
        assert_eq!(rendered("admission", Site::EnvValue), format!("\"{hook}\""));
        assert_eq!(scan("admission", Site::Text), Found::default());
        // A host name equal to a Service's name is that Service; another object's name is not a host.
        assert_eq!(rendered("redis", Site::Host), format!("\"{REDIS}\""));
        assert_eq!(scan("admission", Site::Host), Found::default());
        assert_eq!(scan("admission-x", Site::EnvValue), Found::default());
    }

    #[test]
    fn an_input_without_namespaces_lives_in_default() {
        const NO_NS: &str = "\
apiVersion: v1
kind: Service
metadata: {name: cassandra}
spec: {clusterIP: None, ports: [{port: 9042}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cassandra}
spec:
  serviceName: cassandra
  selector: {matchLabels: {app: cassandra}}
  template: {metadata: {labels: {app: cassandra}}, spec: {containers: [{name: c, image: cassandra}]}}
";
        let mut l = Loaded::default();
        load_text("in.yaml", NO_NS.to_string(), &mut l).unwrap();
        let ctx = super::super::context::analyze("app", &l.objects);
        let found = RefIndex::new(&ctx).scan("cassandra-0.cassandra.default.svc.cluster.local", Site::EnvValue);
        let sts = "{{ include \"app.componentName\" (list . \"cassandra\" 52) }}";
        let svc = "{{ include \"app.componentName\" (list . \"cassandra\" 63) }}";
        let ns = "{{ include \"app.namespace\" . }}";
        assert_eq!(found.template, Some(format!("\"{sts}-0.{svc}.{ns}.svc.cluster.local\"")));
        // Another namespace is another cluster's name.
        let other = RefIndex::new(&ctx).scan("cassandra-0.cassandra.other.svc.cluster.local", Site::EnvValue);
        assert_eq!(other.template, None);
    }

    #[test]
    fn words_that_only_might_be_references_are_left_and_reported() {
        let f = scan("redis-cli -h redis ping", Site::Arg);
        assert_eq!(f.template, None);
        assert_eq!(f.maybe, ["redis"]);
        assert_eq!(scan("redis", Site::Text), Found::default());
        // Longer tokens and other namespaces are other names.
        assert_eq!(scan("redis-cart:6379 redis.other", Site::Text), Found::default());
        assert_eq!(scan("/data/redis/x", Site::Text), Found::default());
        // An image reference is not a host and port.
        assert_eq!(scan("redis:7.2 redis:7-alpine", Site::Text), Found::default());
    }

    #[test]
    fn literal_text_around_references_is_escaped() {
        assert_eq!(
            rendered("say \"{{hi}}\" redis:1", Site::Text),
            format!("\"say \\\"{{{{ \"{{{{\" }}}}hi}}}}\\\" {REDIS}:1\"")
        );
    }
}
