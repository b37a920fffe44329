//! JSON pointers (RFC 6901) of paths of keys: the one escaper and reader of pointer segments,
//! shared by `validate`, `lint` and the guard rules.

/// A key as one pointer segment: `~` as `~0`, `/` as `~1`.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The segments of a pointer, unescaped (`/a~1b/0` gives `a/b`, `0`); none for the root `""`.
pub fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(|raw| raw.replace("~1", "/").replace("~0", "~"))
}

/// The JSON pointer of `key` under the object at `parent` (RFC 6901 escaping).
pub fn child_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", escape(key))
}

/// The JSON pointer of a path of keys.
pub fn pointer_of(path: &[String]) -> String {
    path.iter().fold(String::new(), |p, k| child_pointer(&p, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_with_slash_and_tilde_goes_out_and_back_unchanged() {
        let path = vec!["a/b".to_string(), "~c".to_string(), "0".to_string()];
        let p = pointer_of(&path);
        assert_eq!(p, "/a~1b/~0c/0");
        assert_eq!(segments(&p).collect::<Vec<_>>(), path);
        assert_eq!(segments("").count(), 0);
    }
}
