//! `configmap-credentials`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "configmap-credentials",
    category: Category::Secrets,
    severity: Severity::Warning,
    summary: "A ConfigMap holds what looks like a credential.",
    what: "A ConfigMap `data` key is named like a credential (password, passwd, token, secret, api key, private key, access key, credentials) and has a non-empty value, or a value carries a connection string with `user:password@` or a PEM private key. Keys that name a file, path, URL, reference or setting about the credential (`TOKEN_URL`, `PASSWORD_FILE`, `secretName`, `token_ttl`) are not flagged.",
    why: "ConfigMaps are readable by anyone who can read the namespace's configuration, are printed by `kubectl describe`, end up in Git, Helm release history and logs, and are not encrypted at rest the way Secrets can be.",
    fix: "Move the value to a Secret and reference it with secretKeyRef or envFrom.secretRef.",
    example: super::example!("configmap-credentials"),
    check,
};

const SECRET_WORDS: &[&str] = &["password", "passwd", "pwd", "token", "secret", "credential", "credentials", "apikey"];
const KEY_PREFIXES: &[&str] = &["api", "private", "access", "secret", "signing", "encryption", "client"];
const NOT_A_VALUE: &[&str] = &[
    "file",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "name",
    "ref",
    "id",
    "ttl",
    "expiry",
    "expiration",
    "timeout",
    "length",
    "size",
    "header",
    "enabled",
    "enable",
    "type",
    "mode",
    "policy",
    "field",
    "env",
    "source",
    "lifetime",
    "duration",
    "validity",
    "algorithm",
    "format",
    "prefix",
    "location",
    "version",
    "count",
    "min",
    "max",
    "hash",
    "audience",
    "issuer",
    "namespace",
    "kind",
    "provider",
    "store",
    "mount",
    "required",
    "rotation",
    "interval",
];

/// Splits `dbPassword`, `DB_PASSWORD`, `db.password`, `api-key` into lower-case words.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in key.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn credential_key(key: &str) -> bool {
    let w = words(key);
    if w.iter().any(|x| NOT_A_VALUE.contains(&x.as_str())) {
        return false;
    }
    let last_is_key = w.last().is_some_and(|x| x == "key");
    w.iter().any(|x| SECRET_WORDS.contains(&x.as_str()))
        || (last_is_key && w.len() >= 2 && KEY_PREFIXES.contains(&w[w.len() - 2].as_str()))
}

/// `scheme://user:password@host`, with a password that is not a placeholder.
fn has_userinfo_password(value: &str) -> bool {
    value.match_indices("://").any(|(i, _)| {
        let rest = &value[i + 3..];
        let end = rest.find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'').unwrap_or(rest.len());
        let authority = &rest[..end];
        let Some(at) = authority.rfind('@') else { return false };
        let Some((_, pass)) = authority[..at].split_once(':') else { return false };
        !pass.is_empty() && !pass.starts_with('$') && !pass.starts_with('{') && !pass.starts_with('<')
    })
}

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, cm) in cx.of_kind("ConfigMap") {
        let Some(data) = Field::root(&cm.node).get("data") else { continue };
        let Some(entries) = data.node.as_map() else { continue };
        for (k, v) in entries {
            let Some(key) = k.as_str() else { continue };
            let value = crate::yaml::scalar_string(v).unwrap_or_default();
            let at = Field { node: v, pos: k.pos, ptr: data.child_ptr(key) };
            let reason = if value.contains("PRIVATE KEY-----") {
                "holds a PEM private key"
            } else if has_userinfo_password(&value) {
                "holds a connection string with a password"
            } else if credential_key(key) && !value.trim().is_empty() {
                "is named like a credential"
            } else {
                continue;
            };
            out.report(cx, i, &at, format!("key {key} {reason}"), RULE.fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_are_told_from_settings_about_them() {
        for k in ["DB_PASSWORD", "dbPassword", "api-key", "API_KEY", "token", "client_secret", "AWS_SECRET_ACCESS_KEY"]
        {
            assert!(credential_key(k), "{k}");
        }
        for k in ["TOKEN_URL", "PASSWORD_FILE", "secretName", "token_ttl", "cache_key", "log_level", "keyspace"] {
            assert!(!credential_key(k), "{k}");
        }
    }

    #[test]
    fn connection_strings_with_passwords_are_found() {
        assert!(has_userinfo_password("postgres://app:s3cret@db:5432/app"));
        assert!(!has_userinfo_password("postgres://app@db:5432/app"));
        assert!(!has_userinfo_password("postgres://app:${DB_PASSWORD}@db/app"));
        assert!(!has_userinfo_password("http://example.com:8080/x@y"));
    }
}
