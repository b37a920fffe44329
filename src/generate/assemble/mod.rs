//! The chart's files from the templates and the values model: the schema, the generator's own
//! templates (Chart.yaml, helpers, NOTES, README), Helm's size limits, and the atomic write.

pub(in crate::generate) mod bounds;
pub(in crate::generate) mod files;
pub mod schema;
pub(in crate::generate) mod write;
