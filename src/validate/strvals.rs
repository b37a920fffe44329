//! The `--set` family's `key.path[0]=value` syntax, as Helm's `pkg/strvals` reads it: dots nest
//! maps, `\` escapes the next character, `[i]` indexes lists (padding with nulls), `{a,b}` makes
//! a list, and `--set` types `true`/`false`/`null`/decimal integers while the others keep strings.

use super::tree::{Entry, Map, Origin, ValueKind, ValueNode};

/// Which flag the text came from; it decides how values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `--set-json`: the value is JSON.
    Json,
    /// `--set`: `true`, `false`, `null` and integers are typed; the rest are strings.
    Typed,
    /// `--set-string`: always strings.
    Str,
    /// `--set-file`: the value names a file whose content becomes the string.
    File,
    /// `--set-literal`: the whole rest of the text is one string, no escapes, no lists.
    Literal,
}

impl SetKind {
    /// The flag name as typed on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            SetKind::Json => "--set-json",
            SetKind::Typed => "--set",
            SetKind::Str => "--set-string",
            SetKind::File => "--set-file",
            SetKind::Literal => "--set-literal",
        }
    }
}

/// Helm's limits on indices and key nesting.
const MAX_INDEX: i64 = 65536;
const MAX_NESTED_NAME_LEVEL: usize = 30;

enum Stop {
    Eof,
    Msg(String),
}

type R<T> = Result<T, Stop>;

struct Parser<'a> {
    s: Vec<char>,
    i: usize,
    /// The text, and the byte offset of every character (plus the end), so that a JSON value
    /// is read in place: copying the rest of the text for each one was quadratic.
    text: &'a str,
    offsets: Vec<usize>,
    /// Current nesting of keys and indices: Helm recurses without bound over `a[0][0]...`,
    /// which would overflow our stack; past [`crate::limits::MAX_NESTING`] it is an error.
    nest: usize,
    /// List slots created so far (padding included).
    slots: usize,
    kind: SetKind,
    at: Option<Origin>,
    read_file: &'a dyn Fn(&str) -> Result<String, String>,
}

/// Applies one flag's text to `dest`, as Helm's `strvals.Parse*Into` does.
///
/// # Errors
/// One sentence naming what Helm would refuse (an empty key, a bad index, a value that is
/// not JSON, an unreadable `--set-file`).
pub fn parse_into(
    text: &str,
    kind: SetKind,
    dest: &mut Map,
    at: Option<Origin>,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    parse_into_counted(text, kind, dest, at, read_file).map(|_| ())
}

/// [`parse_into`], returning how many list slots (nulls of padding included) the text created,
/// so that the caller can bound their sum over all flags.
///
/// # Errors
/// As [`parse_into`].
pub fn parse_into_counted(
    text: &str,
    kind: SetKind,
    dest: &mut Map,
    at: Option<Origin>,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<usize, String> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    offsets.push(text.len());
    let mut p = Parser { s: text.chars().collect(), i: 0, text, offsets, nest: 0, slots: 0, kind, at, read_file };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(p.slots),
            Err(Stop::Msg(m)) => return Err(m),
        }
    }
}

/// The message for more list slots than [`crate::limits::MAX_SET_LIST_SLOTS`].
pub fn too_many_slots_message() -> String {
    format!(
        "the --set flags create more than {} list entries in total (see README, Limits)",
        crate::limits::MAX_SET_LIST_SLOTS
    )
}

fn too_many_slots() -> Stop {
    Stop::Msg(too_many_slots_message())
}

fn too_deep() -> Stop {
    Stop::Msg(format!("keys and indices nest deeper than {} levels", crate::limits::MAX_NESTING))
}

fn go_type_name(v: Option<&ValueNode>) -> &'static str {
    v.map_or("<nil>", ValueNode::go_type)
}

impl Parser<'_> {
    fn node(&self, kind: ValueKind) -> ValueNode {
        ValueNode { kind, at: self.at }
    }

    fn set(&self, data: &mut Map, key: String, val: ValueNode) {
        if key.is_empty() {
            return;
        }
        data.insert(key, Entry { key_at: self.at, val });
    }

    fn read(&mut self) -> Option<char> {
        let c = self.s.get(self.i).copied();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    /// Characters up to one of `stop`; `None` as the stop means the text ended.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            let Some(c) = self.read() else { return (v, None) };
            if stop.contains(&c) {
                return (v, Some(c));
            }
            if c == '\\' && self.kind != SetKind::Literal {
                match self.read() {
                    Some(n) => v.push(n),
                    None => return (v, None),
                }
            } else {
                v.push(c);
            }
        }
    }

    fn typed(&self, rs: &str) -> R<ValueNode> {
        let kind = match self.kind {
            SetKind::Str | SetKind::Literal | SetKind::Json => ValueKind::Str(rs.to_string()),
            SetKind::File => ValueKind::Str((self.read_file)(rs).map_err(Stop::Msg)?),
            SetKind::Typed => {
                if rs.eq_ignore_ascii_case("true") {
                    ValueKind::Bool(true)
                } else if rs.eq_ignore_ascii_case("false") {
                    ValueKind::Bool(false)
                } else if rs.eq_ignore_ascii_case("null") {
                    ValueKind::Null
                } else if rs == "0" {
                    ValueKind::Int(0)
                } else if !rs.is_empty() && !rs.starts_with('0') && is_go_decimal(rs) {
                    rs.parse::<i64>().map_or_else(|_| ValueKind::Str(rs.to_string()), ValueKind::Int)
                } else {
                    ValueKind::Str(rs.to_string())
                }
            }
        };
        Ok(self.node(kind))
    }

    fn key(&mut self, data: &mut Map, mut level: usize) -> R<()> {
        let stop: &[char] = if self.kind == SetKind::Literal { &['=', '[', '.'] } else { &['=', '[', ',', '.'] };
        let (k, last) = self.until(stop);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(Stop::Msg(format!("key {k:?} has no value")))
                }
            }
            Some('[') => {
                let i = self.key_index()?;
                let list = match data.remove(&k) {
                    None => Vec::new(),
                    Some(Entry { val: ValueNode { kind: ValueKind::Seq(l), .. }, .. }) => l,
                    Some(e) => {
                        let t = go_type_name(Some(&e.val));
                        data.insert(k, e);
                        return Err(Stop::Msg(format!(
                            "unable to parse key: interface conversion: interface {{}} is {t}, not []interface {{}}"
                        )));
                    }
                };
                let (list, res) = self.list_item(list, i, level);
                let v = self.node(ValueKind::Seq(list));
                self.set(data, k, v);
                res
            }
            Some('=') => self.assign(data, k),
            Some(',') => {
                let v = self.node(ValueKind::Str(String::new()));
                self.set(data, k.clone(), v);
                Err(Stop::Msg(format!("key {k:?} has no value (cannot end with ,)")))
            }
            Some(_) => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Stop::Msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let existed = data.contains_key(&k);
                let mut inner = match data.remove(&k) {
                    None => ValueNode { kind: ValueKind::Map(Map::new()), at: self.at },
                    Some(Entry { val: v @ ValueNode { kind: ValueKind::Map(_), .. }, .. }) => v,
                    Some(e) => {
                        let t = go_type_name(Some(&e.val));
                        data.insert(k, e);
                        return Err(Stop::Msg(format!(
                            "unable to parse key: interface conversion: interface {{}} is {t}, not map[string]interface {{}}"
                        )));
                    }
                };
                if self.nest >= crate::limits::MAX_NESTING {
                    return Err(too_deep());
                }
                self.nest += 1;
                let res = self.key(inner.as_map_mut().expect("map"), level);
                self.nest -= 1;
                let empty = inner.as_map().is_none_or(Map::is_empty);
                if existed || !empty {
                    if !empty {
                        inner.at = inner.at.or(self.at);
                    }
                    data.insert(k.clone(), Entry { key_at: self.at, val: inner });
                }
                match res {
                    Ok(()) if empty => Err(Stop::Msg(format!("key map {k:?} has no value"))),
                    r => r,
                }
            }
        }
    }

    fn assign(&mut self, data: &mut Map, k: String) -> R<()> {
        match self.kind {
            SetKind::Literal => {
                let rest: String = self.s[self.i..].iter().collect();
                self.i = self.s.len();
                let v = self.node(ValueKind::Str(rest));
                self.set(data, k, v);
                Ok(())
            }
            SetKind::Json => {
                if self.empty_val() {
                    let v = self.node(ValueKind::Null);
                    self.set(data, k, v);
                    return Ok(());
                }
                let v = self.json_value()?;
                self.set(data, k, v);
                self.empty_val();
                Ok(())
            }
            _ => match self.val_list()? {
                Some(Ok(list)) => {
                    let v = self.node(ValueKind::Seq(list));
                    self.set(data, k, v);
                    Ok(())
                }
                Some(Err(e)) => Err(e),
                None if self.i >= self.s.len() => {
                    let v = self.node(ValueKind::Str(String::new()));
                    self.set(data, k, v);
                    Err(Stop::Eof)
                }
                None => {
                    let (rs, _) = self.until(&[',']);
                    let v = self.typed(&rs)?;
                    self.set(data, k, v);
                    Ok(())
                }
            },
        }
    }

    fn json_value(&mut self) -> R<ValueNode> {
        let start = self.offsets[self.i];
        let rest = &self.text[start..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(j)) => {
                let end = start + stream.byte_offset();
                // serde_json stops on a character boundary, so the offset is one of ours.
                self.i = self.offsets.partition_point(|&b| b < end);
                Ok(ValueNode::from_json(&j, self.at))
            }
            Some(Err(e)) => Err(Stop::Msg(e.to_string())),
            None => Err(Stop::Eof),
        }
    }

    /// Skips spaces; true at the end of the text or after a `,`.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.s.get(self.i) {
                None => return true,
                Some(',') => {
                    self.i += 1;
                    return true;
                }
                Some(c) if c.is_whitespace() => self.i += 1,
                Some(_) => return false,
            }
        }
    }

    /// `Some(Ok(list))` for `{a,b}`, `None` when the value is not a list (or the text ended).
    #[allow(clippy::type_complexity)]
    fn val_list(&mut self) -> R<Option<Result<Vec<ValueNode>, Stop>>> {
        match self.s.get(self.i) {
            None => return Ok(None),
            Some('{') => self.i += 1,
            Some(_) => return Ok(None),
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return Ok(Some(Err(Stop::Msg("list must terminate with '}'".into())))),
                Some('}') => {
                    if self.s.get(self.i) == Some(&',') {
                        self.i += 1;
                    }
                    match self.typed(&rs) {
                        Ok(v) => list.push(v),
                        Err(e) => return Ok(Some(Err(e))),
                    }
                    return Ok(Some(Ok(list)));
                }
                Some(_) => match self.typed(&rs) {
                    Ok(v) => list.push(v),
                    Err(e) => return Ok(Some(Err(e))),
                },
            }
        }
    }

    fn key_index(&mut self) -> R<i64> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Stop::Eof);
        }
        v.parse::<i64>()
            .map_err(|_| Stop::Msg(format!("error parsing index: strconv.Atoi: parsing {v:?}: invalid syntax")))
    }

    fn set_index(&mut self, mut list: Vec<ValueNode>, index: i64, val: ValueNode) -> (Vec<ValueNode>, R<()>) {
        if index < 0 {
            return (list, Err(Stop::Msg(format!("negative {index} index not allowed"))));
        }
        if index > MAX_INDEX {
            return (
                list,
                Err(Stop::Msg(format!("index of {index} is greater than maximum supported index of {MAX_INDEX}"))),
            );
        }
        let i = usize::try_from(index).unwrap_or(0);
        if list.len() <= i {
            self.slots += i + 1 - list.len();
            // Checked here too: one flag nesting large indices would fill memory before the
            // caller could add its slots up.
            if self.slots > crate::limits::MAX_SET_LIST_SLOTS {
                return (list, Err(too_many_slots()));
            }
            list.resize(i + 1, ValueNode::new(ValueKind::Null));
        }
        list[i] = val;
        (list, Ok(()))
    }

    fn list_item(&mut self, list: Vec<ValueNode>, i: i64, level: usize) -> (Vec<ValueNode>, R<()>) {
        if i < 0 {
            return (list, Err(Stop::Msg(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return (list, Err(Stop::Msg(format!("unexpected data at end of array index: {k:?}"))));
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => self.list_value(list, i),
            Some('[') => self.list_in_list(list, i, level),
            Some(_) => self.map_in_list(list, i, level),
        }
    }

    /// `name[i]=value`: the value, read as this flag reads values, at index `i`.
    fn list_value(&mut self, list: Vec<ValueNode>, i: i64) -> (Vec<ValueNode>, R<()>) {
        let val = match self.kind {
            SetKind::Literal => {
                let rest: String = self.s[self.i..].iter().collect();
                self.i = self.s.len();
                self.node(ValueKind::Str(rest))
            }
            SetKind::Json => {
                if self.empty_val() {
                    self.node(ValueKind::Null)
                } else {
                    match self.json_value() {
                        Ok(v) => {
                            let (l, r) = self.set_index(list, i, v);
                            if r.is_err() {
                                return (l, r);
                            }
                            self.empty_val();
                            return (l, Ok(()));
                        }
                        Err(e) => return (list, Err(e)),
                    }
                }
            }
            _ => match self.val_list() {
                Ok(Some(Ok(l))) => self.node(ValueKind::Seq(l)),
                Ok(Some(Err(e))) | Err(e) => return (list, Err(e)),
                Ok(None) if self.i >= self.s.len() => self.node(ValueKind::Str(String::new())),
                Ok(None) => {
                    let (rs, _) = self.until(&[',']);
                    match self.typed(&rs) {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    }
                }
            },
        };
        self.set_index(list, i, val)
    }

    /// `name[i][j]...`: a list at index `i` (a new one where there is none or null).
    fn list_in_list(&mut self, list: Vec<ValueNode>, i: i64, level: usize) -> (Vec<ValueNode>, R<()>) {
        let idx = usize::try_from(i).unwrap_or(usize::MAX);
        let next = match self.key_index() {
            Ok(n) => n,
            Err(e) => return (list, Err(e)),
        };
        if self.nest >= crate::limits::MAX_NESTING {
            return (list, Err(too_deep()));
        }
        let current = match list.get(idx).map(|v| &v.kind) {
            None | Some(ValueKind::Null) => Vec::new(),
            Some(ValueKind::Seq(l)) => l.clone(),
            Some(_) => {
                let t = go_type_name(list.get(idx));
                return (
                    list,
                    Err(Stop::Msg(format!(
                        "unable to parse key: interface conversion: interface {{}} is {t}, not []interface {{}}"
                    ))),
                );
            }
        };
        self.nest += 1;
        let (inner, res) = self.list_item(current, next, level);
        self.nest -= 1;
        if res.is_err() {
            return (list, res);
        }
        let v = self.node(ValueKind::Seq(inner));
        self.set_index(list, i, v)
    }

    /// `name[i].key...`: a map at index `i` (replacing what is there unless it is a map).
    fn map_in_list(&mut self, mut list: Vec<ValueNode>, i: i64, level: usize) -> (Vec<ValueNode>, R<()>) {
        let idx = usize::try_from(i).unwrap_or(usize::MAX);
        let mut inner = match list.get_mut(idx) {
            Some(v) if v.is_map() => std::mem::replace(v, ValueNode::new(ValueKind::Null)),
            Some(v) => {
                *v = self.node(ValueKind::Map(Map::new()));
                std::mem::replace(v, ValueNode::new(ValueKind::Null))
            }
            None => self.node(ValueKind::Map(Map::new())),
        };
        if self.nest >= crate::limits::MAX_NESTING {
            return (list, Err(too_deep()));
        }
        self.nest += 1;
        let res = self.key(inner.as_map_mut().expect("map"), level);
        self.nest -= 1;
        if let Err(e) = res {
            if let Some(slot) = list.get_mut(idx) {
                *slot = inner;
            }
            return (list, Err(e));
        }
        self.set_index(list, i, inner)
    }
}

/// What Go's `strconv.ParseInt(s, 10, 64)` accepts: an optional sign and ASCII digits.
fn is_go_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: SetKind, texts: &[&str]) -> Result<serde_json::Value, String> {
        let mut m = Map::new();
        for t in texts {
            parse_into(t, kind, &mut m, None, &|p| Ok(format!("content of {p}")))?;
        }
        Ok(ValueNode::new(ValueKind::Map(m)).to_json())
    }

    #[test]
    fn set_types_values_like_helm() {
        let got = run(SetKind::Typed, &["a=true,b=FALSE,c=null,d=0,e=012,f=1.20,g=42,h=-3,i=+7"]).unwrap();
        assert_eq!(
            got,
            serde_json::json!({"a": true, "b": false, "c": null, "d": 0, "e": "012", "f": "1.20", "g": 42, "h": -3, "i": 7})
        );
    }

    #[test]
    fn dots_nest_escapes_keep_dots_and_indices_pad_with_nulls() {
        let got = run(SetKind::Typed, &[r"a.b\.c=x", "l[2]=y", "m[0].n=1", "o={p,q}"]).unwrap();
        assert_eq!(
            got,
            serde_json::json!({"a": {"b.c": "x"}, "l": [null, null, "y"], "m": [{"n": 1}], "o": ["p", "q"]})
        );
    }

    #[test]
    fn set_string_json_file_and_literal() {
        assert_eq!(run(SetKind::Str, &["a=true"]).unwrap(), serde_json::json!({"a": "true"}));
        assert_eq!(
            run(SetKind::Json, &[r#"a={"b":[1,2]},c=3"#]).unwrap(),
            serde_json::json!({"a": {"b": [1, 2]}, "c": 3})
        );
        assert_eq!(run(SetKind::File, &["a=x.txt"]).unwrap(), serde_json::json!({"a": "content of x.txt"}));
        assert_eq!(run(SetKind::Literal, &["a.b=x,y=z"]).unwrap(), serde_json::json!({"a": {"b": "x,y=z"}}));
    }

    #[test]
    fn malformed_flags_are_errors_not_panics() {
        assert!(run(SetKind::Typed, &["a"]).unwrap_err().contains("has no value"));
        assert!(run(SetKind::Typed, &["a[x]=1"]).unwrap_err().contains("index"));
        assert!(run(SetKind::Typed, &["a[-1]=1"]).unwrap_err().contains("negative"));
        assert!(run(SetKind::Typed, &["a=1", "a.b=2"]).unwrap_err().contains("interface conversion"));
        assert!(run(SetKind::Json, &["a={"]).is_err());
        assert!(run(SetKind::Typed, &["a={x"]).unwrap_err().contains("terminate"));
    }

    #[test]
    fn nesting_is_bounded_where_helm_recurses_without_end() {
        let deep = format!("a{}=1", "[0]".repeat(crate::limits::MAX_NESTING + 5));
        assert!(run(SetKind::Typed, &[&deep]).unwrap_err().contains("nest deeper than"));
        let mixed = format!("a{}=1", "[0].b".repeat(crate::limits::MAX_NESTING + 5));
        assert!(run(SetKind::Typed, &[&mixed]).unwrap_err().contains("nest deeper than"));
        let ok = format!("a{}=1", "[0]".repeat(100));
        assert!(run(SetKind::Typed, &[&ok]).is_ok());
    }

    #[test]
    fn json_values_after_multibyte_characters_are_read_in_place() {
        assert_eq!(
            run(SetKind::Json, &[r#"é={"ü":[1]},b="ß",c=3"#]).unwrap(),
            serde_json::json!({"é": {"ü": [1]}, "b": "ß", "c": 3})
        );
    }

    #[test]
    fn list_slots_are_counted_with_their_padding() {
        let mut m = Map::new();
        let n = parse_into_counted("a[9]=1,b[0][4]=2", SetKind::Typed, &mut m, None, &|_| Ok(String::new())).unwrap();
        assert_eq!(n, 10 + 1 + 5);
    }

    #[test]
    fn set_merges_into_maps_from_earlier_flags() {
        assert_eq!(run(SetKind::Typed, &["a.b=1", "a.c=2"]).unwrap(), serde_json::json!({"a": {"b": 1, "c": 2}}));
    }
}
