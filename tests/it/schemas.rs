//! The editor schemas in `schemas/` agree with the parsers: what chartwright accepts validates,
//! typos that chartwright refuses are refused by the schema too.

use crate::common;

use chartwright::lint::{LintConfig, RULES};

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("schemas").join(name)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn yaml_json(src: &str) -> serde_json::Value {
    chartwright::yaml::parse_stream(src).unwrap().remove(0).root.unwrap().to_json()
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

/// The `.chartwright.yaml` example of docs/rules.md (written from the same text as the docs test).
fn documented_config() -> String {
    let doc = std::fs::read_to_string(common::root().join("docs/rules.md")).unwrap();
    let after = doc.split_once("**In `.chartwright.yaml`.**").expect("config section").1;
    let block = after.split_once("```yaml\n").unwrap().1;
    block.split_once("```").unwrap().0.to_string()
}

#[test]
fn config_schema_accepts_the_documented_example() {
    let v = schema("chartwright-config.schema.json");
    let example = documented_config();
    LintConfig::from_text("docs/rules.md", &example).expect("the example is a valid config");
    assert_eq!(errors(&v, &yaml_json(&example)), Vec::<String>::new());
    // Other commands' sections and an empty file are fine, as for the parser.
    assert!(v.is_valid(&yaml_json("audit: {x: 1}\nlint:\n  disable: cpu-limit-missing\n")));
    assert!(v.is_valid(&serde_json::Value::Null));
}

#[test]
fn config_schema_rejects_the_typos_the_parser_rejects() {
    let v = schema("chartwright-config.schema.json");
    for bad in [
        "lint:\n  disabled: [cpu-limit-missing]\n",
        "lint:\n  disable: [cpu-limits-missing]\n",
        "lint:\n  severity: {image-latest-tag: fatal}\n",
        "lint:\n  severity: {image-latest-tags: error}\n",
        "lint:\n  memoryLimitRatio: 0.5\n",
        "lint:\n  ignore:\n  - rules: '*'\n    objects: Deployment/web\n",
        "lint:\n  ignore:\n  - object: Deployment/web\n",
    ] {
        assert!(LintConfig::from_text("c.yaml", bad).is_err(), "the parser accepts {bad:?}");
        assert!(!v.is_valid(&yaml_json(bad)), "the schema accepts {bad:?}");
    }
}

#[test]
fn config_schema_rule_ids_are_generated_from_the_registry() {
    let path = common::root().join("schemas/chartwright-config.schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let generated = chartwright::lint::docs::config_schema(&text).expect("$defs.ruleId.enum in the schema");
    common::assert_golden(&path, &generated);
    let schema: serde_json::Value = serde_json::from_str(&generated).unwrap();
    let listed: Vec<&str> =
        schema["$defs"]["ruleId"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let mut expected: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    expected.push("*");
    assert_eq!(listed, expected);
}

#[test]
fn deny_list_schema_accepts_the_default_list_and_rejects_a_typo() {
    let v = schema("deny-list.schema.json");
    let default = chartwright::denylist::DEFAULT_DENY_LIST;
    assert_eq!(errors(&v, &yaml_json(default)), Vec::<String>::new());
    let bad = "deny:\n  - id: x\n    match: { prefix: \"https://a.example/\" }\n    severty: error\n    reason: r\n";
    assert!(chartwright::denylist::DenyList::parse("bad.yaml", bad).is_err(), "the parser accepts the typo");
    assert!(!v.is_valid(&yaml_json(bad)), "the schema accepts `severty`");
}

#[test]
fn catalog_schema_accepts_the_default_catalog_and_rejects_what_the_parser_rejects() {
    use chartwright::generate::deps::catalog::{Catalog, DEFAULT_CATALOG};
    let v = schema("catalog.schema.json");
    assert_eq!(errors(&v, &yaml_json(DEFAULT_CATALOG)), Vec::<String>::new());
    let entry = "charts:\n  - name: x\n    description: d\n    sources: {chart: \"https://x.example\"}\n";
    for bad in [
        entry.replace("description", "descripton"),
        // Neither a chart nor the reason there is none.
        entry.to_string(),
        format!("{entry}    chart: c\n    repository: ftp://x\n    version: '1'\n    key: k\n"),
    ] {
        assert!(Catalog::parse("bad.yaml", &bad).is_err(), "the parser accepts {bad:?}");
        assert!(!v.is_valid(&yaml_json(&bad)), "the schema accepts {bad:?}");
    }
    let good = format!("{entry}    refuse: no chart\n");
    assert!(Catalog::parse("ok.yaml", &good).is_ok());
    assert!(v.is_valid(&yaml_json(&good)));
}

#[test]
fn readme_shows_the_yaml_language_server_line_for_both_schemas() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    for name in ["chartwright-config.schema.json", "deny-list.schema.json", "catalog.schema.json"] {
        assert!(common::root().join("schemas").join(name).is_file());
        assert!(
            readme.lines().any(|l| l.starts_with("# yaml-language-server: $schema=") && l.ends_with(name)),
            "README lacks the yaml-language-server line for {name}"
        );
    }
}
