//! The integration tests: one test binary (linked once, so the suite builds faster on two
//! cores), one module per command area. Run one area with a filter: `cargo test --test it lint::`.

mod common;

mod audit;
mod audit_online;
mod cli_shell;
mod fuzz;
mod generate;
mod generate_bounds;
mod generate_deps;
mod generate_envs;
mod generate_envs_cli;
mod generate_envs_corpus;
mod generate_envs_knobs;
mod generate_knobs;
mod generate_names;
mod generate_output;
mod generate_regressions;
mod generate_schema;
mod hostile;
mod hostile_cli;
mod hostile_generate;
mod integrations;
mod lint;
mod schemas;
mod validate_cli;
mod validate_corpus;
mod validate_deps;
mod validate_helm;
mod validate_helmignore;
mod validate_kube;
mod validate_refs;
mod validate_render;
mod validate_render_corpus;
