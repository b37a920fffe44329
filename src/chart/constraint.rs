//! Helm's version constraints for `dependencies[].version`.
//!
//! Helm reads these with Masterminds/semver v3, not with Cargo's rules, and the
//! two disagree on which chart version gets picked: a bare `1.2.3` is exact
//! rather than a caret range, comparators may be separated by spaces, `||`,
//! hyphen ranges, `!=`, `=>`, `~>` and `v` prefixes are accepted, partial
//! versions mean different things under different operators, and one
//! prerelease comparator opens its whole AND group to the prereleases of every
//! version in range. `semver::VersionReq` therefore cannot stand in for Helm;
//! this module reimplements Masterminds' rules on top of `semver::Version`,
//! quirks included, because the auditor must predict what `helm dependency
//! update` will actually resolve. The rules are those of Masterminds v3.4.0
//! and of its main branch as of April 2026, whose matching is unchanged.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use semver::{BuildMetadata, Prerelease, Version};

/// Why a constraint or a version string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// The constraint is empty or blank, which Helm refuses to resolve.
    #[error("version constraint {constraint:?} is empty; Helm needs a version or a range such as \"^1.2.0\"")]
    Empty {
        /// The constraint as written.
        constraint: String,
    },
    /// The constraint does not follow Masterminds/semver syntax.
    #[error("invalid version constraint {constraint:?}: {reason}")]
    InvalidConstraint {
        /// The constraint as written.
        constraint: String,
        /// What is wrong with it, naming the offending part.
        reason: String,
    },
    /// The version is not one Helm's lenient version parser accepts.
    #[error("invalid version {version:?}: {reason}")]
    InvalidVersion {
        /// The version as written.
        version: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A parsed Helm/Masterminds version constraint such as `^1.2, !=1.3.0 || 2.x`.
#[derive(Debug, Clone)]
pub struct Constraint {
    original: String,
    /// Alternatives separated by `||`; a version must satisfy one of them.
    groups: Vec<Group>,
}

impl Constraint {
    /// Parse a constraint the way Helm's `semver.NewConstraint` does.
    ///
    /// # Errors
    ///
    /// Returns [`ConstraintError::Empty`] for a blank constraint and
    /// [`ConstraintError::InvalidConstraint`] for anything Helm would refuse.
    pub fn parse(s: &str) -> Result<Constraint, ConstraintError> {
        if s.bytes().all(is_space) {
            return Err(ConstraintError::Empty { constraint: s.to_owned() });
        }
        let invalid = |reason: String| ConstraintError::InvalidConstraint { constraint: s.to_owned(), reason };
        // Masterminds rewrites hyphen ranges before splitting on `||`, and its
        // version pattern admits `|`, so `1||2 - 3` becomes `>= 1||2, <= 3`.
        // Keeping that order keeps such inputs resolving as Helm resolves them.
        let rewritten = rewrite_hyphen_ranges(s);
        let groups =
            rewritten.split("||").map(|group| parse_group(group).map_err(invalid)).collect::<Result<Vec<_>, _>>()?;
        Ok(Constraint { original: s.to_owned(), groups })
    }

    /// Whether `v` satisfies the constraint under Helm's rules.
    ///
    /// Build metadata is ignored. A prerelease version only matches an
    /// alternative that itself names a prerelease somewhere, as Helm does not
    /// set Masterminds' `IncludePrerelease`.
    #[must_use]
    pub fn matches(&self, v: &Version) -> bool {
        self.groups.iter().any(|group| group.matches(v))
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

impl FromStr for Constraint {
    type Err = ConstraintError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Constraint::parse(s)
    }
}

/// Helm's `IsCompatibleRange`: whether `version` satisfies `constraint`, false when either
/// does not parse.
pub fn compatible(constraint: &str, version: &str) -> bool {
    match (Constraint::parse(constraint), parse_version(version)) {
        (Ok(c), Ok(v)) => c.matches(&v),
        _ => false,
    }
}

/// Parse a version the lenient way Helm reads chart versions (v prefix, partial versions).
///
/// This is Masterminds' `NewVersion`: `v1.2` and `1.2` both give `1.2.0`, `1`
/// gives `1.0.0`, and leading zeros in the numbers are dropped. Helm writes
/// the index entry's text as written (`v` included) into `Chart.lock`, which
/// a `semver::Version` cannot carry, so keep the original string alongside.
///
/// # Errors
///
/// Returns [`ConstraintError::InvalidVersion`] for anything `NewVersion`
/// rejects, such as `1.2.3.4`, `1.2.beta` or a prerelease number with a
/// leading zero.
pub fn parse_version(s: &str) -> Result<Version, ConstraintError> {
    let invalid = |reason: String| ConstraintError::InvalidVersion { version: s.to_owned(), reason };
    if s.is_empty() {
        return Err(invalid("the version is empty".to_owned()));
    }
    let shape =
        || invalid("expected MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD], optionally prefixed with \"v\"".to_owned());
    let b = s.as_bytes();
    let mut i = usize::from(b[0] == b'v');
    let mut numbers = [0u64; 3];
    for (n, number) in numbers.iter_mut().enumerate() {
        let start = if n == 0 {
            i
        } else if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i + 1
        } else {
            break;
        };
        let end = run_end(b, start, |c| c.is_ascii_digit());
        if end == start {
            return Err(shape());
        }
        *number = parse_number(&s[start..end]).map_err(invalid)?;
        i = end;
    }
    let pre = match identifiers_after(b, i, b'-') {
        Some(end) => {
            let pre = &s[i + 1..end];
            check_prerelease(pre).map_err(invalid)?;
            i = end;
            pre
        }
        None => "",
    };
    let build = match identifiers_after(b, i, b'+') {
        Some(end) => {
            let build = &s[i + 1..end];
            i = end;
            build
        }
        None => "",
    };
    if i != b.len() {
        return Err(shape());
    }
    let [major, minor, patch] = numbers;
    Ok(Version {
        major,
        minor,
        patch,
        pre: Prerelease::new(pre).map_err(|e| invalid(e.to_string()))?,
        build: BuildMetadata::new(build).map_err(|e| invalid(e.to_string()))?,
    })
}

/// Comparators that must all hold (separated by spaces or commas).
#[derive(Debug, Clone)]
struct Group {
    comparators: Vec<Comparator>,
    /// Masterminds admits prereleases into a group only when one of its
    /// comparators carries a prerelease; then it admits them for the whole
    /// group and for every major.minor.patch, unlike Cargo and npm.
    allows_prereleases: bool,
}

impl Group {
    fn matches(&self, v: &Version) -> bool {
        (v.pre.is_empty() || self.allows_prereleases) && self.comparators.iter().all(|c| c.matches(v))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// No operator or `=`: exact for a full version, tilde for a partial one.
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

/// The first version part that was a wildcard or left out, which is what
/// Masterminds' `dirty`, `minorDirty` and `patchDirty` flags record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    None,
    /// `1.2`, `1.2.x`
    Patch,
    /// `1`, `1.x`, `1.x.x`
    Minor,
    /// `*`, `x`, `x.2.3`; the base becomes 0.0.0 and, unlike the other two,
    /// Masterminds then gives it no special treatment of its own, hence quirks
    /// such as `^*` matching only 0.0.0 and `<=*` only 0.0.x.
    Major,
}

#[derive(Debug, Clone)]
struct Comparator {
    op: Op,
    wild: Wild,
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
}

impl Comparator {
    fn new(op: Op, raw: &RawVersion<'_>) -> Result<Comparator, String> {
        let number = |segment: &str| -> Result<u64, String> {
            if segment.bytes().all(|c| c.is_ascii_digit()) {
                return parse_number(segment);
            }
            let hint = if segment.contains('|') { "; alternatives are separated by \"||\"" } else { "" };
            Err(format!("{segment:?} in {:?} is not a number or a wildcard (x, X or *){hint}", raw.text))
        };
        // Later parts are only read while earlier ones are concrete, so junk
        // after a wildcard (`1.x.|`) is accepted just as Masterminds accepts it.
        let (wild, major, minor, patch) = if is_x(raw.major) {
            (Wild::Major, 0, 0, 0)
        } else {
            let major = number(raw.major)?;
            match raw.minor.filter(|m| !is_x(m)) {
                None => (Wild::Minor, major, 0, 0),
                Some(minor) => {
                    let minor = number(minor)?;
                    match raw.patch.filter(|p| !is_x(p)) {
                        None => (Wild::Patch, major, minor, 0),
                        Some(patch) => (Wild::None, major, minor, number(patch)?),
                    }
                }
            }
        };
        let pre = raw.pre.unwrap_or("");
        check_prerelease(pre).map_err(|e| format!("{e} in {:?}", raw.text))?;
        Ok(Comparator { op, wild, major, minor, patch, pre: pre.to_owned() })
    }

    /// Ordering of `v` against this comparator's base version, ignoring build
    /// metadata as Masterminds' `Compare` does.
    fn compare(&self, v: &Version) -> Ordering {
        (v.major, v.minor, v.patch).cmp(&(self.major, self.minor, self.patch)).then_with(|| {
            match (v.pre.is_empty(), self.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(v.pre.as_str(), &self.pre),
            }
        })
    }

    /// Prereleases are filtered per group before this is called.
    fn matches(&self, v: &Version) -> bool {
        let ord = self.compare(v);
        match self.op {
            Op::Equal if self.wild == Wild::None => ord == Ordering::Equal,
            Op::Equal | Op::Tilde => self.tilde(v, ord),
            Op::NotEqual => self.not_equal(v, ord),
            Op::Greater => match self.wild {
                Wild::None | Wild::Major => ord == Ordering::Greater,
                // `>1` means `>=2.0.0`: nothing inside the named major counts.
                Wild::Minor => v.major > self.major,
                Wild::Patch => (v.major, v.minor) > (self.major, self.minor),
            },
            // `<1.2` and `<1.2.x` both mean `<1.2.0`.
            Op::Less => ord == Ordering::Less,
            Op::GreaterEqual => ord != Ordering::Less,
            Op::LessEqual => match self.wild {
                Wild::None => ord != Ordering::Greater,
                // `<=1.2` takes in all of 1.2.x, `<=1` all of 1.x.
                Wild::Minor => v.major <= self.major,
                Wild::Patch | Wild::Major => (v.major, v.minor) <= (self.major, self.minor),
            },
            Op::Caret => self.caret(v, ord),
        }
    }

    fn tilde(&self, v: &Version, ord: Ordering) -> bool {
        if ord == Ordering::Less {
            return false;
        }
        // Masterminds lets `~0.0.0` (and `*`) through unconditionally rather
        // than pinning major and minor to 0.
        if (self.major, self.minor, self.patch) == (0, 0, 0) && matches!(self.wild, Wild::None | Wild::Major) {
            return true;
        }
        v.major == self.major && (self.wild == Wild::Minor || v.minor == self.minor)
    }

    fn not_equal(&self, v: &Version, ord: Ordering) -> bool {
        match self.wild {
            Wild::None => ord != Ordering::Equal,
            // `!=1.x` excludes the whole major, `!=1.2` the whole minor.
            Wild::Minor => v.major != self.major,
            Wild::Patch => v.major != self.major || v.minor != self.minor || v.pre.as_str() != self.pre,
            Wild::Major => {
                v.major != self.major || v.minor != self.minor || v.patch != self.patch || ord != Ordering::Equal
            }
        }
    }

    /// `^1.2.3` is `>=1.2.3 <2`, `^0.2.3` is `>=0.2.3 <0.3`, `^0.0.3` is exactly
    /// 0.0.3, `^0.0` is `<0.1`, `^0` is `<1`.
    fn caret(&self, v: &Version, ord: Ordering) -> bool {
        if ord == Ordering::Less {
            return false;
        }
        if self.major > 0 || self.wild == Wild::Minor {
            return v.major == self.major;
        }
        if v.major > 0 {
            return false;
        }
        if self.minor > 0 || self.wild == Wild::Patch {
            return v.minor == self.minor;
        }
        v.minor == 0 && v.patch == self.patch
    }
}

/// One version inside a constraint, split as Masterminds' pattern splits it.
struct RawVersion<'a> {
    /// The whole version including any `v` prefix and build metadata.
    text: &'a str,
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: Option<&'a str>,
}

/// Masterminds' `\s`, which is ASCII-only and excludes vertical tab.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Characters Masterminds' constraint pattern allows in a number part; `|` is
/// there by accident (`[0-9|x|X|\*]`) and matters for hyphen-range rewriting.
fn is_segment_char(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'x' | b'X' | b'*' | b'|')
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn is_x(segment: &str) -> bool {
    matches!(segment, "x" | "X" | "*")
}

fn run_end(b: &[u8], start: usize, class: impl Fn(u8) -> bool) -> usize {
    start + b[start..].iter().take_while(|&&c| class(c)).count()
}

fn skip_spaces(b: &[u8], start: usize) -> usize {
    run_end(b, start, is_space)
}

/// End of `<sigil>ident(.ident)*` starting at `i`, if there is one.
fn identifiers_after(b: &[u8], i: usize, sigil: u8) -> Option<usize> {
    if b.get(i) != Some(&sigil) || !b.get(i + 1).copied().is_some_and(is_ident_char) {
        return None;
    }
    let mut end = run_end(b, i + 1, is_ident_char);
    while b.get(end) == Some(&b'.') && b.get(end + 1).copied().is_some_and(is_ident_char) {
        end = run_end(b, end + 1, is_ident_char);
    }
    Some(end)
}

/// Greedy match of one constraint version at `start`. Greedy is always right
/// here: every shorter match ends before a version character, which can never
/// be followed by a separator.
fn scan_version(s: &str, start: usize) -> Option<(RawVersion<'_>, usize)> {
    let b = s.as_bytes();
    let at = start + usize::from(b.get(start) == Some(&b'v'));
    let major_end = run_end(b, at, is_segment_char);
    if major_end == at {
        return None;
    }
    let mut i = major_end;
    let mut dotted = || {
        if b.get(i) == Some(&b'.') && b.get(i + 1).copied().is_some_and(is_segment_char) {
            let end = run_end(b, i + 1, is_segment_char);
            let part = &s[i + 1..end];
            i = end;
            Some(part)
        } else {
            None
        }
    };
    let minor = dotted();
    let patch = dotted();
    let pre = identifiers_after(b, i, b'-').map(|end| {
        let pre = &s[i + 1..end];
        i = end;
        pre
    });
    if let Some(end) = identifiers_after(b, i, b'+') {
        i = end;
    }
    let raw = RawVersion { text: &s[start..i], major: &s[at..major_end], minor, patch, pre };
    Some((raw, i))
}

/// Rewrite every `A - B` into `>= A, <= B `, matching Masterminds'
/// `rewriteRange`: spaces are required around the hyphen, and each range is
/// found leftmost-first from the end of the previous one.
fn rewrite_hyphen_ranges(s: &str) -> String {
    let b = s.as_bytes();
    let range_at = |p: usize| -> Option<(&str, &str, usize)> {
        let (low, i) = scan_version(s, skip_spaces(b, p))?;
        let j = skip_spaces(b, i);
        if j == i || b.get(j) != Some(&b'-') {
            return None;
        }
        let k = skip_spaces(b, j + 1);
        if k == j + 1 {
            return None;
        }
        let (high, end) = scan_version(s, k)?;
        Some((low.text, high.text, skip_spaces(b, end)))
    };
    let mut out = String::with_capacity(s.len() + 8);
    let mut copied = 0;
    let mut p = 0;
    while p < b.len() {
        match range_at(p) {
            Some((low, high, end)) => {
                out.push_str(&s[copied..p]);
                // Writing into a String cannot fail.
                let _ = write!(out, ">= {low}, <= {high} ");
                copied = end;
                p = end;
            }
            None => p += 1,
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// Longest operator at the start of `b`; a shorter one would leave an
/// operator character where the version must start, so longest is the only
/// reading that can succeed.
fn scan_op(b: &[u8]) -> (Op, usize) {
    const OPS: [(&[u8], Op); 11] = [
        (b"!=", Op::NotEqual),
        (b">=", Op::GreaterEqual),
        (b"=>", Op::GreaterEqual),
        (b"<=", Op::LessEqual),
        (b"=<", Op::LessEqual),
        (b"~>", Op::Tilde),
        (b">", Op::Greater),
        (b"<", Op::Less),
        (b"=", Op::Equal),
        (b"~", Op::Tilde),
        (b"^", Op::Caret),
    ];
    OPS.iter().find(|(text, _)| b.starts_with(text)).map_or((Op::Equal, 0), |&(text, op)| (op, text.len()))
}

/// Parse one `||` alternative: comparators separated by whitespace or by a
/// single comma with optional whitespace around it.
fn parse_group(group: &str) -> Result<Group, String> {
    let b = group.as_bytes();
    let rest = |i: usize| group[i..].trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8));
    let mut i = skip_spaces(b, 0);
    if i == b.len() {
        return Err("an alternative next to \"||\" is empty".to_owned());
    }
    let mut comparators = Vec::new();
    loop {
        let (op, op_len) = scan_op(&b[i..]);
        let at = skip_spaces(b, i + op_len);
        let Some((raw, end)) = scan_version(group, at) else {
            return Err(if at == b.len() && op_len > 0 {
                format!("operator {:?} is not followed by a version", rest(i))
            } else {
                format!("expected a version at {:?}", rest(at))
            });
        };
        comparators.push(Comparator::new(op, &raw)?);
        let after = skip_spaces(b, end);
        if after == b.len() {
            break;
        }
        if b[after] == b',' {
            i = skip_spaces(b, after + 1);
            if i == b.len() {
                return Err(format!("nothing follows the comma after {:?}", raw.text));
            }
        } else if after == end {
            return Err(format!(
                "unexpected {:?} after {:?}; separate comparisons with a space or a comma",
                rest(end),
                raw.text
            ));
        } else {
            i = after;
        }
    }
    let allows_prereleases = comparators.iter().any(|c| !c.pre.is_empty());
    Ok(Group { comparators, allows_prereleases })
}

fn parse_number(digits: &str) -> Result<u64, String> {
    digits.parse().map_err(|_| format!("{digits:?} is too large for a version number"))
}

/// Masterminds and the semver spec both refuse numeric prerelease identifiers
/// with leading zeros; the rest of the syntax is already enforced by the scanner.
fn check_prerelease(pre: &str) -> Result<(), String> {
    match pre.split('.').find(|id| id.len() > 1 && id.starts_with('0') && id.bytes().all(|c| c.is_ascii_digit())) {
        Some(id) => Err(format!("prerelease identifier {id:?} has a leading zero")),
        None => Ok(()),
    }
}

/// Masterminds' prerelease ordering. It matches the semver spec except that a
/// numeric identifier too large for `u64` is compared as text, as Go's
/// `ParseUint` fails on it.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let (l, r) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (l, r) => (l.unwrap_or(""), r.unwrap_or("")),
        };
        let ord = if l == r {
            Ordering::Equal
        } else if l.is_empty() {
            Ordering::Less
        } else if r.is_empty() {
            Ordering::Greater
        } else {
            let number = |s: &str| s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse::<u64>().ok()).flatten();
            match (number(l), number(r)) {
                (Some(x), Some(y)) => x.cmp(&y).then_with(|| l.cmp(r)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => l.cmp(r),
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Cargo's `semver::VersionReq` makes of the same row; the test checks
    /// these labels, so every Cargo/Helm disagreement in the table is measured.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Cargo {
        /// `VersionReq` parses the constraint and gives the same answer.
        Same,
        /// `VersionReq` parses it but answers differently.
        Differs,
        /// `VersionReq` refuses the constraint.
        Rejects,
    }
    use Cargo::{Differs, Rejects, Same};

    /// (constraint, version, does Helm accept the version, Cargo's behaviour)
    const CASES: &[(&str, &str, bool, Cargo)] = &[
        // Masterminds README.md, "Basic Comparisons".
        (">= 1.2 < 3.0.0 || >= 4.2.3", "2.5.0", true, Rejects),
        (">= 1.2 < 3.0.0 || >= 4.2.3", "3.0.0", false, Rejects),
        (">= 1.2 < 3.0.0 || >= 4.2.3", "4.2.3", true, Rejects),
        (">= 1.2 < 3.0.0 || >= 4.2.3", "1.1.9", false, Rejects),
        // README.md, "Hyphen Range Comparisons"; `1.2-1.4.5` is one version,
        // 1.2.0 with prerelease 1.4.5, read as a tilde range.
        ("1.2 - 1.4.5", "1.2.0", true, Rejects),
        ("1.2 - 1.4.5", "1.4.5", true, Rejects),
        ("1.2 - 1.4.5", "1.4.6", false, Rejects),
        ("2.3.4 - 4.5", "4.5.9", true, Rejects),
        ("2.3.4 - 4.5", "4.6.0", false, Rejects),
        ("1.2-1.4.5", "1.2.1", true, Rejects),
        ("1.2-1.4.5", "1.4.5", false, Rejects),
        // README.md, "Wildcards In Comparisons".
        ("1.2.x", "1.2.9", true, Same),
        ("1.2.x", "1.3.0", false, Same),
        (">= 1.2.x", "1.2.0", true, Same),
        (">= 1.2.x", "1.1.9", false, Same),
        ("<= 2.x", "2.9.9", true, Same),
        ("<= 2.x", "3.0.0", false, Same),
        ("*", "4.5.6", true, Same),
        ("*", "1.2.3-alpha.1", false, Same),
        // README.md, "Tilde Range Comparisons".
        ("~1.2.3", "1.2.9", true, Same),
        ("~1.2.3", "1.3.0", false, Same),
        ("~1", "1.9.0", true, Same),
        ("~1", "2.0.0", false, Same),
        ("~2.3", "2.3.9", true, Same),
        ("~2.3", "2.4.0", false, Same),
        ("~1.2.x", "1.2.5", true, Same),
        ("~1.x", "1.9.9", true, Same),
        // README.md, "Caret Range Comparisons".
        ("^1.2.3", "1.9.9", true, Same),
        ("^1.2.3", "2.0.0", false, Same),
        ("^1.2.x", "1.3.0", true, Same),
        ("^2.3", "2.9.0", true, Same),
        ("^2.3", "3.0.0", false, Same),
        ("^2.x", "2.0.0", true, Same),
        ("^0.2.3", "0.2.9", true, Same),
        ("^0.2.3", "0.3.0", false, Same),
        ("^0.2", "0.2.5", true, Same),
        ("^0.0.3", "0.0.3", true, Same),
        ("^0.0.3", "0.0.4", false, Same),
        ("^0.0", "0.0.9", true, Same),
        ("^0.0", "0.1.0", false, Same),
        ("^0", "0.9.9", true, Same),
        ("^0", "1.0.0", false, Same),
        // constraints_test.go, TestConstraintsCheck: exact and partial `=`.
        ("0.0.0", "1.2.3", false, Same),
        ("0.0.0", "0.0.0", true, Same),
        ("0.x.x", "1.2.3", false, Same),
        ("0.0.x", "1.2.3", false, Same),
        ("~0.0.0", "1.2.3", true, Differs),
        ("^0.0.0", "1.2.3", false, Same),
        ("= 2.0", "2.0.0", true, Same),
        ("= 2.0", "1.2.3", false, Same),
        ("4.1", "4.1.0", true, Same),
        ("4.1.x", "4.1.3", true, Same),
        ("1.x", "1.4", true, Same),
        // TestConstraintsCheck: `!=`, which Cargo lacks.
        ("!=4.1", "4.1.0", false, Rejects),
        ("!=4.1", "5.1.0", true, Rejects),
        ("!=4.x", "4.1.0", false, Rejects),
        ("!=4.x", "5.1.0", true, Rejects),
        ("!=4.1.x", "4.2.0", true, Rejects),
        ("!=4.2.x", "4.2.3", false, Rejects),
        ("!=4.1-alpha", "4.1.0", true, Rejects),
        ("!=4.1-alpha", "4.1.0-alpha", false, Rejects),
        // TestConstraintsCheck: partial versions under `<`, `<=`, `>`.
        (">1.1", "4.1.0", true, Same),
        (">1.1", "1.1.0", false, Same),
        ("<1.1", "1.1.1", false, Same),
        ("<1.x", "1.1.1", false, Same),
        ("<1.x", "0.1.1", true, Same),
        ("<1.1.x", "1.1.500", false, Same),
        ("<1.1.x", "1.0.500", true, Same),
        ("<=1.1", "1.1.1", true, Same),
        ("<=1.1", "0.1.0-alpha", false, Same),
        ("<=1.1-a", "0.1.0-alpha", true, Rejects),
        ("<=1.1.x", "1.2.500", false, Same),
        ("<=4.5", "4.6.3", false, Same),
        (">=1.1", "4.1.0-beta", false, Same),
        // TestConstraintCheck (single comparators).
        ("<=11", "11.2.3", true, Same),
        ("<=11", "12.2.3", false, Same),
        (">11", "11.1.0", false, Same),
        (">11.1", "11.1.1", false, Same),
        (">11.1", "11.2.1", true, Same),
        (">0", "0", false, Same),
        (">0", "1", true, Same),
        (">0.0.0-0", "0.0.0-alpha", true, Same),
        (">1.2.3-alpha.1", "1.3.3-alpha.2", true, Differs),
        ("<0-z", "0.0.0-alpha", true, Rejects),
        ("*-0", "1.2.3-alpha.1", true, Rejects),
        ("2", "2.1.1", true, Same),
        ("2", "3.4.5", false, Same),
        // TestConstraintsCheck: AND with commas or spaces, and OR.
        (">1.1, <2", "1.2.1", true, Same),
        (">1.1, <2", "1.1.1", false, Same),
        (">1.1 <2", "1.2.1", true, Rejects),
        (">=1.1    <2    !=1.2.3", "1.2.3", false, Rejects),
        (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true, Rejects),
        (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false, Rejects),
        (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true, Rejects),
        (">   1.1, <2", "1.2.1", true, Same),
        ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true, Rejects),
        ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true, Rejects),
        // TestConstraintsCheck: prereleases. One prerelease comparator opens
        // the whole AND group, at any major.minor.patch, but not other `||`
        // alternatives.
        (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true, Rejects),
        (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false, Rejects),
        (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", false, Rejects),
        (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true, Rejects),
        ("~1.2.3-beta.2", "1.2.3-beta.4", true, Same),
        ("~1.2.3-beta.2", "1.2.4-beta.2", true, Differs),
        ("~1.2.3-beta.2", "1.3.4-beta.2", false, Same),
        ("^1.2.0-alpha.0", "1.2.1-alpha.1", true, Differs),
        ("^1.2.0-alpha.2", "1.2.0-alpha.1", false, Same),
        ("^1.1.2-alpha", "1.2.1-beta1", true, Differs),
        ("^1.2.x-alpha", "1.1.1-beta1", false, Rejects),
        ("^0.2.3-beta.2", "0.2.4-beta.2", true, Differs),
        ("^1.x", "1.1.1-beta1", false, Same),
        ("~1.1-alpha", "1.1.1-beta", true, Rejects),
        ("~1.1.1-beta", "1.1.1-alpha", false, Same),
        ("~1.1.1-beta", "1.1.1", true, Same),
        ("1.1 - 2", "1.1.1", true, Rejects),
        ("1.1-3", "4.3.2", false, Rejects),
        ("~*", "2.1.1", true, Rejects),
        // chart-dependencies.md §2.2, measured Helm-vs-Cargo differences.
        ("1.2.3", "1.2.4", false, Differs),
        ("1.2.3", "1.2.3", true, Same),
        ("1.2", "1.5.0", false, Differs),
        ("1.2", "1.2.7", true, Same),
        ("~>1.2", "1.2.7", true, Rejects),
        (">=1.2 <2.0.0", "1.9.0", true, Rejects),
        (">=1.2, <2.0.0", "1.9.0", true, Same),
        ("1.0.0 || 2.x", "2.3.0", true, Rejects),
        ("=>1.2", "1.3.0", true, Rejects),
        ("=<1.2", "1.2.9", true, Rejects),
        ("v1.2.3", "1.2.3", true, Rejects),
        ("01.2.3", "1.2.3", true, Rejects),
        ("*-0", "1.0.0-beta", true, Rejects),
        (">=1.0.0-0 <2.0.0", "1.5.0-beta.1", true, Rejects),
        (">=1.0.0-0, <2.0.0", "1.5.0-beta.1", true, Differs),
        ("~1.2.3-0", "1.2.5-beta.1", true, Differs),
        ("~1.2.3-0", "1.2.3-1", true, Same),
        // Derived from constraints.go (parseConstraint and the operator
        // functions) and confirmed against the Go code: partial versions per
        // operator, wildcard quirks, build metadata, whitespace.
        (">1", "1.9.9", false, Same),
        (">1", "2.0.0", true, Same),
        (">1.2", "1.2.9", false, Same),
        (">1.2", "1.3.0", true, Same),
        ("<=1.2", "1.2.9", true, Same),
        ("<=1.2", "1.3.0", false, Same),
        ("<1.2", "1.2.0", false, Same),
        ("=1.2", "1.2.7", true, Same),
        ("!=1.2", "1.2.7", false, Rejects),
        ("!=1.2.3", "1.2.4", true, Rejects),
        ("1.2.3", "1.2.3-rc.1", false, Same),
        ("1.2.3-rc.1", "1.2.3-rc.1", true, Same),
        ("1.2.3-rc.1", "1.2.3", false, Differs),
        ("1.2.3", "1.2.3+build.5", true, Same),
        ("=1.2.3+build.1", "1.2.3+build.2", true, Same),
        ("x", "3.0.0", true, Same),
        ("X.x.X", "3.0.0", true, Rejects),
        ("0.x.x", "0.9.0", true, Same),
        ("0.x.x", "1.0.0", false, Same),
        ("^*", "1.2.3", false, Rejects),
        ("^*", "0.0.0", true, Rejects),
        ("<=*", "0.0.5", true, Rejects),
        ("<=*", "0.1.0", false, Rejects),
        (">*", "0.0.1", true, Rejects),
        ("!=*", "1.0.0", true, Rejects),
        ("!=*", "0.0.0", false, Rejects),
        ("~0.0.5", "0.0.9", true, Same),
        ("~0.0.5", "0.1.0", false, Same),
        ("1 - 2", "2.9.9", true, Rejects),
        ("1 - 2", "3.0.0", false, Rejects),
        ("1.2.3 || 1.2.5", "1.2.5", true, Rejects),
        ("1.2.3 || 1.2.5", "1.2.4", false, Rejects),
        ("1 || 2 - 3", "5.0.0", false, Rejects),
        // Hyphen ranges are rewritten before `||` is split and `|` is a
        // version character there, so this is `>=1 || (2.x, <=3)`.
        ("1||2 - 3", "5.0.0", true, Rejects),
        ("  >=  1.2.0  ,  <2  ", "1.5.0", true, Same),
        ("\t^1.2\n", "1.5.0", true, Rejects),
        ("1.2.3 ,1.2.3", "1.2.3", true, Same),
        ("1.2.3 ,1.2.3", "1.2.4", false, Differs),
        ("v1.2.x", "1.2.4", true, Rejects),
        ("1.x.|", "1.5.0", true, Rejects),
        ("1.2.3-beta+meta", "1.2.3-beta", true, Same),
        ("1.2.3-alpha.10", "1.2.3-alpha.11", false, Differs),
        (">=1.2.3-alpha.9", "1.2.3-alpha.10", true, Same),
        (">=1.2.3-BETA", "1.2.3-alpha", true, Same),
    ];

    #[test]
    fn constraint_table() {
        assert!(CASES.len() >= 80, "the table shrank to {} rows", CASES.len());
        let mut failures = Vec::new();
        for &(text, version, want, cargo) in CASES {
            let c = Constraint::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"));
            let v = parse_version(version).unwrap_or_else(|e| panic!("{version:?} should parse: {e}"));
            if c.matches(&v) != want {
                failures.push(format!("{text:?} vs {version:?}: expected {want}"));
            }
            let measured = match semver::VersionReq::parse(text) {
                Err(_) => Rejects,
                Ok(req) if req.matches(&v) == want => Same,
                Ok(_) => Differs,
            };
            if measured != cargo {
                failures.push(format!("{text:?} vs {version:?}: Cargo is {measured:?}, labelled {cargo:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn invalid_constraints() {
        let cases = [
            // constraints_test.go, TestNewConstraint and TestParseConstraint.
            "foo",
            ">= bar",
            "BAR >= 1.2.3",
            "v1.2.3-beta.01",
            "12.3.4.1234",
            "12.23.4.1234",
            "12.3.34~ 1.2.3",
            // Helm's resolver: an empty constraint is an error, not `*`.
            "",
            "   ",
            // Derived from the grammar in constraints.go.
            "1.2.3,",
            "1.2.3, ,1.4",
            "1.2 ||",
            "|| 1.2",
            "1.2 | 1.3",
            "==1.2",
            "> = 1.2",
            ">=1.2<2",
            "~>",
            ">=",
            "1.2.3 -1.4",
            "1x",
            "x1",
            "V1.2.3",
            "v",
            "1.2.3-",
            "1.2.3-alpha_beta",
            "1.2.beta",
            "99999999999999999999",
            "1.2.3 - ",
            "1 - 2 - 3",
            ">1.0 - 2.0",
        ];
        for text in cases {
            assert!(Constraint::parse(text).is_err(), "{text:?} should be rejected");
        }
    }

    #[test]
    fn error_messages_name_the_input() {
        let message = |s: &str| Constraint::parse(s).unwrap_err().to_string();
        assert_eq!(message(""), "version constraint \"\" is empty; Helm needs a version or a range such as \"^1.2.0\"");
        assert_eq!(
            message(">= 1.2 <"),
            "invalid version constraint \">= 1.2 <\": operator \"<\" is not followed by a version"
        );
        assert_eq!(
            message("1.2.3,"),
            "invalid version constraint \"1.2.3,\": nothing follows the comma after \"1.2.3\""
        );
        assert_eq!(message("1.2 ||"), "invalid version constraint \"1.2 ||\": an alternative next to \"||\" is empty");
        assert_eq!(message(">= bar"), "invalid version constraint \">= bar\": expected a version at \"bar\"");
        assert_eq!(
            message("1.2.3.4"),
            "invalid version constraint \"1.2.3.4\": unexpected \".4\" after \"1.2.3\"; \
             separate comparisons with a space or a comma"
        );
        assert_eq!(
            message("1|2"),
            "invalid version constraint \"1|2\": \"1|2\" in \"1|2\" is not a number or a \
             wildcard (x, X or *); alternatives are separated by \"||\""
        );
        assert_eq!(
            message("~1.2.3-beta.01"),
            "invalid version constraint \"~1.2.3-beta.01\": prerelease identifier \"01\" \
             has a leading zero in \"1.2.3-beta.01\""
        );
        assert_eq!(
            message("^99999999999999999999.1"),
            "invalid version constraint \"^99999999999999999999.1\": \
             \"99999999999999999999\" is too large for a version number"
        );
        assert_eq!(
            parse_version("1.2.beta").unwrap_err().to_string(),
            "invalid version \"1.2.beta\": expected MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD], \
             optionally prefixed with \"v\""
        );
    }

    #[test]
    fn display_prints_the_original_text() {
        for text in ["^1.2, !=1.3.0 || 2.x", "  1.2 - 1.4.5 ", "v1.2.3"] {
            assert_eq!(Constraint::parse(text).unwrap().to_string(), text);
            assert_eq!(text.parse::<Constraint>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn lenient_versions() {
        // version_test.go, TestNewVersion ("With loose NewVersion"), plus the
        // coercions Helm relies on for index.yaml entries.
        let valid = [
            ("1.2.3", "1.2.3"),
            ("v1.2.3", "1.2.3"),
            ("1", "1.0.0"),
            ("v1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("v1.2", "1.2.0"),
            ("01.02.03", "1.2.3"),
            ("1.2-5", "1.2.0-5"),
            ("v1.2-beta.5", "1.2.0-beta.5"),
            ("1.2.3+test.01", "1.2.3+test.01"),
            ("1.2.3-alpha.-1", "1.2.3-alpha.-1"),
            ("1.2.3-0abc123", "1.2.3-0abc123"),
            ("1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"),
            ("v1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen"),
            ("1.2.2147483648", "1.2.2147483648"),
            ("20221209-update-renovatejson-v4", "20221209.0.0-update-renovatejson-v4"),
        ];
        for (text, want) in valid {
            let v = parse_version(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(v.to_string(), want, "{text:?}");
        }
        let invalid = [
            "",
            "foo",
            "1.2.beta",
            "v1.2.beta",
            "\n1.2",
            " 1.2.3",
            "1.2.3 ",
            "V1.2.3",
            "1.2.3.4",
            "12.3.4.1234",
            "1.2.3-alpha.01",
            "1.2.3-beta.01",
            "1.0.0-alpha_beta",
            "1.0.0-alpha..",
            "1.0.0-alpha..1",
            "1.1.2+.123",
            "9.8.7+meta+meta",
            "1.2.3-",
            "1.2.3+",
            "1.x",
            "+invalid",
            "-invalid",
            "18446744073709551616.0.0",
        ];
        for text in invalid {
            assert!(parse_version(text).is_err(), "{text:?} should be rejected");
        }
        // Cargo's parser is strict where Helm's is not.
        for text in ["1", "1.2", "v1.2.3", "01.2.3"] {
            assert!(Version::parse(text).is_err(), "{text:?}");
            assert!(parse_version(text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn hyphen_ranges_rewrite_like_masterminds() {
        // constraints_test.go, TestRewriteRange.
        let cases = [
            ("2 - 3", ">= 2, <= 3 "),
            ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
            ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
            ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
            ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
        ];
        for (text, want) in cases {
            assert_eq!(rewrite_hyphen_ranges(text), want, "{text:?}");
        }
    }

    #[test]
    fn prerelease_ordering_follows_masterminds() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for pair in ordered.windows(2) {
            let c = Constraint::parse(&format!("<{}", pair[1])).unwrap();
            let low = parse_version(pair[0]).unwrap();
            let high = parse_version(pair[1]).unwrap();
            // Every `low` is a prerelease, which `<1.0.0` alone does not admit.
            assert_eq!(c.matches(&low), pair[1].contains('-'), "{pair:?}");
            assert!(!c.matches(&high), "{pair:?}");
        }
        // Too large for u64, so Masterminds compares it as text, where the
        // spec would put any numeric identifier first.
        assert_eq!(compare_prerelease("99999999999999999999999", "1a"), Ordering::Greater);
    }
}
