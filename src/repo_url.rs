//! Repository URLs taken apart once, so that the deny-list, credentials and the cache agree on
//! what "the same repository" means and none of them can be fooled by spelling.

/// Removes `user:pass@` so that URLs can be shown; the rest stays as written.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((s, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{s}://{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// [`redact`] for every URL inside free text (another program's error message): `user:pass@`
/// after each `scheme://` goes, the rest stays as written.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end =
            after.find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '>' | ')' | ']') || c.is_whitespace());
        let authority = &after[..end.unwrap_or(after.len())];
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        out.push_str(host);
        rest = &after[authority.len()..];
    }
    out.push_str(rest);
    out
}

/// A repository URL in canonical form: scheme and host in lower case, the default port dropped,
/// user information held apart, the path without empty, `.` and `..` segments.
#[derive(Clone, PartialEq, Eq)]
pub struct RepoUrl {
    /// Lower-case scheme (`https`, `http`, `oci`, …).
    pub scheme: String,
    /// `user:pass` written in the URL; never shown or stored.
    pub userinfo: Option<String>,
    /// Lower-case host without a trailing dot (`[…]` kept for IPv6).
    pub host: String,
    /// The port, unless it is the scheme's default.
    pub port: Option<String>,
    /// Path segments joined by `/`, without leading or trailing slash.
    pub path: String,
    /// `?query` as written (empty when none); fragments are dropped.
    pub query: String,
}

impl std::fmt::Debug for RepoUrl {
    /// The user information stays out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// The port a scheme implies; `oci://` talks HTTPS unless told otherwise.
fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "https" | "oci" => Some("443"),
        "http" => Some("80"),
        _ => None,
    }
}

impl RepoUrl {
    /// Takes `scheme://[userinfo@]host[:port][/path][?query][#fragment]` apart; `None` without `://`.
    pub fn parse(url: &str) -> Option<RepoUrl> {
        let (scheme, rest) = url.trim().split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (path, query) = tail.split_once('?').map_or((tail, ""), |(p, q)| (p, q));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_owned()), h),
            None => (None, authority),
        };
        let (host, port) = split_port(hostport);
        let host = decode_unreserved(host).to_ascii_lowercase();
        let host = host.strip_suffix('.').unwrap_or(&host).to_owned();
        // `:0443` is port 443; an empty port is no port.
        let port = port.filter(|p| !p.is_empty()).map(|p| match p.parse::<u16>() {
            Ok(n) => n.to_string(),
            Err(_) => p.to_owned(),
        });
        let port = port.filter(|p| Some(p.as_str()) != default_port(&scheme));
        let mut segments: Vec<String> = Vec::new();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(decode_unreserved(s)),
            }
        }
        let query = if query.is_empty() { String::new() } else { format!("?{query}") };
        Some(RepoUrl { scheme, userinfo, host, port, path: segments.join("/"), query })
    }

    /// The URL without user information, as used for cache keys and stored metadata.
    pub fn canonical(&self) -> String {
        let mut s = format!("{}://{}", self.scheme, self.host);
        if let Some(p) = &self.port {
            s.push(':');
            s.push_str(p);
        }
        if !self.path.is_empty() {
            s.push('/');
            s.push_str(&self.path);
        }
        s.push_str(&self.query);
        s
    }

    /// The port actually used, for comparing origins.
    fn effective_port(&self) -> Option<&str> {
        self.port.as_deref().or_else(|| default_port(&self.scheme))
    }

    /// Whether credentials configured for `self` may be sent to `target`: same scheme, host and
    /// port, and `target`'s path inside `self`'s on whole segments. The scheme must match exactly,
    /// so credentials set up for `https://` never travel over plain `http://`.
    pub fn covers(&self, target: &RepoUrl) -> bool {
        self.scheme == target.scheme
            && self.host == target.host
            && self.effective_port() == target.effective_port()
            && (self.path.is_empty()
                || target.path == self.path
                || target.path.strip_prefix(self.path.as_str()).is_some_and(|t| t.starts_with('/')))
    }
}

/// `host:port` → (`host`, `port`), IPv6 brackets understood; a non-numeric tail after the last
/// colon stays with the host only when the host is bracketed.
fn split_port(hostport: &str) -> (&str, Option<&str>) {
    if hostport.starts_with('[') {
        return match hostport.find(']') {
            Some(i) => (&hostport[..=i], hostport[i + 1..].strip_prefix(':')),
            None => (hostport, None),
        };
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    }
}

/// Decodes `%XX` escapes of unreserved characters (RFC 3986 §6.2.2.2); other escapes keep their
/// meaning and are only upper-cased.
fn decode_unreserved(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        // Both digits are checked as ASCII first, so slicing cannot split a character.
        if b[i] == b'%' && i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() {
            let hex = &s[i + 1..i + 3];
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                let c = char::from(v);
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
                    out.push(c);
                } else {
                    out.push('%');
                    out.push_str(&hex.to_ascii_uppercase());
                }
                i += 3;
                continue;
            }
        }
        // Multi-byte characters are copied whole.
        let ch = s[i..].chars().next().unwrap_or_default();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> RepoUrl {
        RepoUrl::parse(s).unwrap()
    }

    #[test]
    fn canonical_forms_agree() {
        for form in [
            "https://charts.example.com/stable",
            "HTTPS://Charts.Example.COM/stable/",
            "https://charts.example.com:443/stable",
            "https://charts.example.com:0443/stable",
            "https://u:p@charts.example.com/stable",
            "https://charts.example.com./stable",
            "https://charts.example.com//stable//",
            "https://charts.example.com/./x/../stable",
            "https://charts.example.com/%73table",
            "https://charts.example.com/stable#frag",
            " https://charts.example.com/stable ",
        ] {
            assert_eq!(p(form).canonical(), "https://charts.example.com/stable", "{form}");
        }
        assert_eq!(p("http://h:80/x").canonical(), "http://h/x");
        assert_eq!(p("http://h:443/x").canonical(), "http://h:443/x");
        assert_eq!(p("oci://R.io:443/a").canonical(), "oci://r.io/a");
        assert_eq!(p("https://[::1]:8443/a").canonical(), "https://[::1]:8443/a");
        assert_eq!(p("https://h/a%2Fb").canonical(), "https://h/a%2Fb");
        assert!(RepoUrl::parse("charts.example.com/stable").is_none());
    }

    #[test]
    fn user_information_is_kept_apart_and_out_of_debug() {
        let u = p("https://user:s3cret@h.example/x");
        assert_eq!(u.userinfo.as_deref(), Some("user:s3cret"));
        assert!(!format!("{u:?}").contains("s3cret"));
        assert!(!u.canonical().contains("user"));
    }

    #[test]
    fn credentials_cover_same_scheme_host_port_and_path_prefix_only() {
        let cfg = p("https://charts.example.com/private");
        for yes in [
            "https://charts.example.com/private",
            "https://CHARTS.example.com:443/private/",
            "https://charts.example.com/private/sub",
        ] {
            assert!(cfg.covers(&p(yes)), "{yes}");
        }
        for no in [
            "http://charts.example.com/private",
            "https://charts.example.com:8443/private",
            "https://evil.example.com/private",
            "https://charts.example.com/privateer",
            "https://charts.example.com/",
            "https://charts.example.com/private/../public",
            "oci://charts.example.com/private",
        ] {
            assert!(!cfg.covers(&p(no)), "{no}");
        }
        assert!(p("http://h:8080/").covers(&p("http://h:8080/x")));
    }
}
