//! JSON pointers (RFC 6901) of paths of keys, shared by `validate` and the guard rules.

/// The JSON pointer of `key` under the object at `parent` (RFC 6901 escaping).
pub fn child_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The JSON pointer of a path of keys.
pub fn pointer_of(path: &[String]) -> String {
    path.iter().fold(String::new(), |p, k| child_pointer(&p, k))
}
