//! `values.schema.json`: written from the values model and the rules, draft-07, self-contained
//! (local `definitions` only), using only keywords that both Helm 3.17 (gojsonschema) and
//! Helm 3.18.5+/4 (santhosh-tekuri/jsonschema) enforce: no `format`, no `$defs`, no remote
//! `$ref`.

use serde_json::{Map, Value as Json, json};

use crate::yaml::{Node, Value};

use crate::generate::template::values::{Hint, Values, fallback_description};
use crate::guard::Guard;

/// A Kubernetes quantity: `250m`, `1.5`, `512Mi`, `1e3`, `2G`.
pub const QUANTITY_PATTERN: &str = r"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$";
/// Five cron fields (an optional `CRON_TZ=`/`TZ=` prefix) or a `@` macro.
pub const CRON_PATTERN: &str =
    r"^((CRON_)?TZ=\S+\s+)?(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|@every\s+\S+|(\S+\s+){4}\S+)$";
/// A host name, optionally with a leading wildcard label.
pub const HOST_PATTERN: &str = r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// A DNS-1123 subdomain, or empty.
pub const DNS_PATTERN: &str = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$";

/// The schema of a chart's values.
pub fn build(values: &Values, rules: &[Guard]) -> Json {
    let mut root = object_schema(values, values.root(), &mut Vec::new(), rules);
    let obj = root.as_object_mut().expect("root is an object");
    obj.insert("$schema".into(), json!("http://json-schema.org/draft-07/schema#"));
    obj.insert("title".into(), json!("Values"));
    if let Some(Json::Object(props)) = obj.get_mut("properties") {
        // Open: a parent chart shares its own globals with this one.
        let mut global = json!({"type": "object", "description": "Values Helm shares with every subchart when this chart is used as a dependency."});
        if let Some(Json::Object(own)) = props.get("global").and_then(|g| g.get("properties")) {
            global["properties"] = Json::Object(own.clone());
        }
        props.insert("global".into(), global);
    }
    obj.insert(
        "definitions".into(),
        json!({
            "quantity": {
                "description": "A Kubernetes quantity such as 250m, 1.5, 512Mi or 10Gi.",
                "type": ["string", "number"],
                "pattern": QUANTITY_PATTERN,
                "minimum": 0
            },
            "quantities": {
                "description": "Resource names (cpu, memory, ephemeral-storage or an extended resource) with quantities.",
                "type": "object",
                "additionalProperties": {"$ref": "#/definitions/quantity"}
            }
        }),
    );
    // The rules in machine-readable form, for `chartwright validate` (the guard template is
    // written from the same list).
    if !rules.is_empty() {
        obj.insert(crate::guard::GUARDS_KEYWORD.into(), serde_json::to_value(rules).unwrap_or(Json::Null));
    }
    // Stable key order at the top: $schema first reads best.
    let mut ordered = Map::new();
    for k in [
        "$schema",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "allOf",
        "definitions",
        crate::guard::GUARDS_KEYWORD,
    ] {
        if let Some(v) = obj.remove(k) {
            ordered.insert(k.into(), v);
        }
    }
    ordered.extend(std::mem::take(obj));
    Json::Object(ordered)
}

fn type_of(node: &Node) -> &'static str {
    match &node.value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) => "integer",
        Value::Float(_) => "number",
        Value::Str(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// The JSON Schema type name a value documents as (for the README table too).
pub fn type_name(values: &Values, path: &[String], node: &Node) -> String {
    match values.meta(path).map(|m| &m.hint) {
        Some(Hint::Quantity) => "quantity".into(),
        Some(Hint::IntOrPercent) => "integer or percentage".into(),
        Some(Hint::PortOrName) => "port number or name".into(),
        _ => type_of(node).into(),
    }
}

fn is_empty_default(node: &Node) -> bool {
    node.is_empty_value()
}

fn object_schema(values: &Values, node: &Node, path: &mut Vec<String>, rules: &[Guard]) -> Json {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (k, v) in node.as_map().into_iter().flatten() {
        let key = k.as_str().unwrap_or_default().to_string();
        path.push(key.clone());
        props.insert(key.clone(), value_schema(values, v, path, rules));
        if !is_empty_default(v) && !values.meta(path).is_some_and(|m| m.optional) {
            required.push(json!(key));
        }
        path.pop();
    }
    for (key, v) in values.unset_under(path) {
        path.push(key.clone());
        props.insert(key, value_schema(values, v, path, rules));
        path.pop();
    }
    let mut s = Map::new();
    s.insert("type".into(), json!("object"));
    if let Some(meta) = values.meta(path) {
        s.insert("description".into(), json!(meta.desc));
    } else if path.is_empty() {
        s.insert("description".into(), json!("Values of the chart."));
    }
    s.insert("properties".into(), Json::Object(props));
    if !required.is_empty() {
        s.insert("required".into(), Json::Array(required));
    }
    s.insert("additionalProperties".into(), json!(false));
    let extra: Vec<Json> = rules.iter().filter(|r| r.slot() == path.as_slice()).filter_map(Guard::schema).collect();
    if !extra.is_empty() {
        s.insert("allOf".into(), Json::Array(extra));
    }
    Json::Object(s)
}

fn value_schema(values: &Values, node: &Node, path: &mut Vec<String>, rules: &[Guard]) -> Json {
    let meta = values.meta(path);
    let desc = meta.map(|m| m.desc.clone()).unwrap_or_else(|| fallback_description(path));
    let hint = meta.map_or(Hint::Plain, |m| m.hint.clone());
    let mut s = match hint {
        Hint::StringMap => json!({"type": "object", "additionalProperties": {"type": "string"}}),
        Hint::ExtraLabels(taken) => {
            let mut refused: Vec<String> = crate::generate::template::kinds::metadata::STANDARD_LABEL_KEYS
                .iter()
                .map(|k| (*k).to_string())
                .chain(taken)
                .collect();
            refused.sort();
            refused.dedup();
            json!({
                "type": "object",
                "additionalProperties": {"type": "string"},
                "propertyNames": {"not": {"enum": refused}}
            })
        }
        Hint::OpenMap => json!({"type": "object"}),
        Hint::Resources => json!({
            "type": "object",
            "properties": {
                "requests": {"$ref": "#/definitions/quantities", "description": "Resources the scheduler reserves."},
                "limits": {"$ref": "#/definitions/quantities", "description": "Resources the container may not exceed."},
                "claims": {"type": "array", "description": "Dynamic resource claims."}
            },
            "additionalProperties": false
        }),
        Hint::OpenList => json!({"type": "array"}),
        Hint::ObjectList => json!({"type": "array", "items": {"type": "object"}}),
        Hint::EnvVars => json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "description": "Variable name."},
                    "value": {"type": "string", "description": "Value."},
                    "valueFrom": {"type": "object", "description": "Where the value comes from."}
                },
                "required": ["name"],
                "additionalProperties": false
            }
        }),
        Hint::Containers => json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string", "pattern": DNS_PATTERN, "minLength": 1, "description": "Container name."}},
                "required": ["name"]
            }
        }),
        Hint::Strings => json!({"type": "array", "items": {"type": "string"}}),
        Hint::NodePort => json!({"type": "integer", "minimum": 0, "maximum": 65535}),
        Hint::Enum(options) => {
            let mut opts: Vec<Json> = options.iter().map(|o| json!(o)).collect();
            if node.as_str() == Some("") {
                opts.insert(0, json!(""));
            }
            json!({"type": "string", "enum": opts})
        }
        Hint::Count => json!({"type": "integer", "minimum": 0}),
        Hint::Port => json!({"type": "integer", "minimum": 1, "maximum": 65535}),
        Hint::PortOrName => json!({
            "type": ["integer", "string"],
            "minimum": 1,
            "maximum": 65535,
            "pattern": "^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$"
        }),
        Hint::Quantity => json!({"$ref": "#/definitions/quantity"}),
        Hint::IntOrPercent => json!({"type": ["integer", "string"], "minimum": 0, "pattern": "^([0-9]+%?)?$"}),
        Hint::Cron => json!({"type": "string", "pattern": CRON_PATTERN}),
        Hint::DnsName => json!({"type": "string", "pattern": DNS_PATTERN, "maxLength": 253}),
        Hint::Percent => json!({"type": "integer", "minimum": 1, "maximum": 100}),
        Hint::Positive => json!({"type": "integer", "minimum": 1}),
        Hint::Secret => json!({"type": "string"}),
        Hint::IngressHosts(services) => {
            let mut path_props = json!({
                "path": {"type": "string", "pattern": "^/", "description": "URL path; starts with /."},
                "pathType": {
                    "type": "string",
                    "enum": ["Exact", "Prefix", "ImplementationSpecific"],
                    "description": "How the path matches."
                }
            });
            let mut required = Vec::new();
            if !services.is_empty() {
                path_props["service"] =
                    json!({"type": "string", "enum": services, "description": "The Service the path goes to."});
                path_props["port"] = json!({
                    "type": ["integer", "string"],
                    "minimum": 1,
                    "maximum": 65535,
                    "description": "The Service port, by number or name."
                });
                required = vec!["service", "port"];
            }
            let mut path_item = json!({"type": "object", "properties": path_props, "additionalProperties": false});
            if !required.is_empty() {
                path_item["required"] = json!(required);
            }
            json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "host": {"type": "string", "pattern": HOST_PATTERN, "description": "Host name (a leading `*.` is a wildcard)."},
                        "paths": {"type": "array", "description": "Paths of the host.", "items": path_item}
                    },
                    "additionalProperties": false
                }
            })
        }
        Hint::IngressTls => json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "secretName": {"type": "string", "pattern": DNS_PATTERN, "description": "Secret holding the certificate."},
                    "hosts": {"type": "array", "items": {"type": "string", "pattern": HOST_PATTERN}, "description": "Hosts the certificate covers."}
                },
                "additionalProperties": false
            }
        }),
        Hint::ServicePorts => json!({
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "pattern": DNS_PATTERN, "description": "Port name."},
                    "port": {"type": "integer", "minimum": 1, "maximum": 65535, "description": "Port the Service listens on."},
                    "targetPort": {
                        "type": ["integer", "string"],
                        "minimum": 1,
                        "maximum": 65535,
                        "description": "Container port number or name."
                    },
                    "nodePort": {"type": "integer", "minimum": 1, "maximum": 65535, "description": "Node port."},
                    "protocol": {"type": "string", "enum": ["TCP", "UDP", "SCTP"], "description": "Protocol."},
                    "appProtocol": {"type": "string", "description": "Application protocol."}
                },
                "required": ["port"],
                "additionalProperties": false
            }
        }),
        Hint::Subchart => json!({
            "type": "object",
            "properties": {"enabled": {"type": "boolean", "description": "Installs the subchart with this chart."}}
        }),
        Hint::Plain => match &node.value {
            Value::Map(_) => return with_description(object_schema(values, node, path, rules), &desc),
            v => {
                let t = type_of(&Node::new(v.clone()));
                json!({"type": t})
            }
        },
    };
    if let Json::Object(o) = &mut s {
        o.insert("description".into(), json!(desc));
    }
    s
}

fn with_description(mut s: Json, desc: &str) -> Json {
    if let Json::Object(o) = &mut s {
        o.entry("description").or_insert_with(|| json!(desc));
    }
    s
}
