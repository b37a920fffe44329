//! `chartwright validate`: values files against a chart's values.schema.json, as Helm sees them.
