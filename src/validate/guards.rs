//! The cross-field rules a generated chart ships under `x-chartwright-guards` in its
//! `values.schema.json`; they are evaluated by [`crate::guard::check`], the same code that
//! checks a chart's own defaults when it is generated, so that `validate` fails where
//! `helm template` fails.

use serde_json::Value as Json;

use super::ValidateError;
use crate::guard::Guard;
pub use crate::guard::{Violation, check};

/// The rules of a schema document (none when it has no guard keyword).
///
/// # Errors
/// The keyword is present but is not a list of rules this chartwright knows.
pub fn parse(doc: &Json, schema_path: &str) -> Result<Vec<Guard>, ValidateError> {
    crate::guard::parse(doc).map_err(|e| ValidateError::Guards { path: schema_path.to_string(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unknown_guard_rule_is_a_schema_error_naming_the_file() {
        let doc = json!({"x-chartwright-guards": [{"rule": "teleport", "slot": ["a"]}]});
        let Err(e @ ValidateError::Guards { .. }) = parse(&doc, "c/values.schema.json") else {
            panic!("expected a schema error")
        };
        let message = e.to_string();
        assert!(message.starts_with("c/values.schema.json: x-chartwright-guards is not a list of rules"), "{message}");
        assert_eq!(parse(&json!({}), "x").unwrap(), Vec::new());
    }
}
