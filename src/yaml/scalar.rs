//! YAML 1.1 plain-scalar typing, as `sigs.k8s.io/yaml` (yaml.v2) resolves it.

use super::Value;

/// Types a plain (unquoted, untagged) scalar the way Helm and kubectl read it.
pub fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(s.to_string());
    }
    if let Some(i) = parse_int(s) {
        return Value::Int(i);
    }
    if is_float(s) {
        // Go's ParseFloat fails on overflow (`1e400`) and yaml.v2 then keeps the text a string.
        if let Ok(f) =
            s.replace('_', "").parse::<f64>().map_err(|_| ()).and_then(|f| if f.is_finite() { Ok(f) } else { Err(()) })
        {
            return Value::Float(f);
        }
    }
    Value::Str(s.to_string())
}

/// Go's `strconv.ParseInt(s, 0, 64)` after yaml.v2 drops underscores: decimal, `0x`, `0o`,
/// `0b`, and a leading `0` for octal.
fn parse_int(s: &str) -> Option<i64> {
    let cleaned = s.replace('_', "");
    let (neg, body) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, r)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// yaml.v2's float pattern: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float(s: &str) -> bool {
    let b: Vec<u8> = s.bytes().filter(|&c| c != b'_').collect();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// A scalar node as text, floats in the form that reads back as the same float (`1.0` stays
/// `1.0`); `None` for null and collections. The one conversion audit, validate, the deny-list
/// and lint use.
pub fn scalar_string(n: &super::Node) -> Option<String> {
    match &n.value {
        Value::Str(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(format_float(*f)),
        _ => None,
    }
}

/// Formats a float so that it reads back as the same float (never as an integer).
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E']) { s } else { format!("{s}.0") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_strings_keep_a_float_a_float_and_refuse_collections() {
        let node = crate::yaml::Node::new;
        assert_eq!(scalar_string(&node(Value::Float(1.0))).as_deref(), Some("1.0"));
        assert_eq!(scalar_string(&node(Value::Float(0.5))).as_deref(), Some("0.5"));
        assert_eq!(scalar_string(&node(Value::Int(3))).as_deref(), Some("3"));
        assert_eq!(scalar_string(&node(Value::Bool(true))).as_deref(), Some("true"));
        assert_eq!(scalar_string(&node(Value::Null)), None);
        assert_eq!(scalar_string(&crate::yaml::Node::map()), None);
    }

    #[test]
    fn a_float_that_overflows_stays_a_string_as_in_yaml_v2() {
        assert!(matches!(resolve_plain("1e400"), Value::Str(s) if s == "1e400"));
        assert!(matches!(resolve_plain("-1e400"), Value::Str(_)));
        assert!(matches!(resolve_plain("1e300"), Value::Float(f) if f == 1e300));
        assert!(matches!(resolve_plain(".inf"), Value::Float(f) if f.is_infinite()));
    }

    fn typed(s: &str) -> String {
        match resolve_plain(s) {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("bool {b}"),
            Value::Int(i) => format!("int {i}"),
            Value::Float(f) => format!("float {f}"),
            Value::Str(s) => format!("str {s}"),
            _ => unreachable!(),
        }
    }

    #[test]
    fn yaml_1_1_booleans_and_octals_read_as_helm_reads_them() {
        let cases = [
            ("yes", "bool true"),
            ("on", "bool true"),
            ("Off", "bool false"),
            ("y", "bool true"),
            ("n", "bool false"),
            ("0755", "int 493"),
            ("0o755", "int 493"),
            ("0x1F", "int 31"),
            ("1_000", "int 1000"),
            ("1.20", "float 1.2"),
            ("1234e10", "float 12340000000000"),
            ("2024-01-01", "str 2024-01-01"),
            ("1.2.3", "str 1.2.3"),
            ("-", "str -"),
            ("+1", "int 1"),
            ("089", "float 89"),
            ("12345678901234567890", "float 12345678901234567000"),
            ("~", "null"),
            ("", "null"),
            (".5", "float 0.5"),
            ("v1", "str v1"),
        ];
        for (input, want) in cases {
            assert_eq!(typed(input), want, "input {input:?}");
        }
    }

    #[test]
    fn floats_never_format_as_integers() {
        assert_eq!(format_float(1.0), "1.0");
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(f64::INFINITY), ".inf");
    }
}
