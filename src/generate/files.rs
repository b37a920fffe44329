//! The chart files written from chartwright's own Tera templates (`templates/` in the repo,
//! embedded at build time, overridable with `--templates DIR`).

use std::path::Path;

use serde::Serialize;

/// The embedded templates, by file name.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("Chart.yaml.tera", include_str!("../../templates/Chart.yaml.tera")),
    ("_helpers.tpl.tera", include_str!("../../templates/_helpers.tpl.tera")),
    ("NOTES.txt.tera", include_str!("../../templates/NOTES.txt.tera")),
    ("helmignore.tera", include_str!("../../templates/helmignore.tera")),
    ("README.md.tera", include_str!("../../templates/README.md.tera")),
];

/// Why the generator's own templates failed.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// An override file could not be read.
    #[error("{path}: cannot read template override: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A template did not parse or render.
    #[error("template {name}: {message}")]
    Tera {
        /// The template.
        name: String,
        /// Tera's error chain.
        message: String,
    },
}

fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// Loads the templates, taking each file from `overrides` when it exists there.
pub fn load(overrides: Option<&Path>) -> Result<tera::Tera, TemplateError> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    for (name, text) in EMBEDDED {
        let owned;
        let body = match overrides.map(|d| d.join(name)).filter(|p| p.is_file()) {
            Some(p) => {
                owned = std::fs::read_to_string(&p)
                    .map_err(|source| TemplateError::Io { path: p.display().to_string(), source })?;
                owned.as_str()
            }
            None => text,
        };
        tera.add_raw_template(name, body)
            .map_err(|e| TemplateError::Tera { name: (*name).to_string(), message: tera_message(&e) })?;
    }
    Ok(tera)
}

/// Renders one template with a serializable context.
pub fn render(tera: &tera::Tera, name: &str, ctx: &impl Serialize) -> Result<String, TemplateError> {
    let ctx = tera::Context::from_serialize(ctx)
        .map_err(|e| TemplateError::Tera { name: name.to_string(), message: tera_message(&e) })?;
    tera.render(name, &ctx).map_err(|e| TemplateError::Tera { name: name.to_string(), message: tera_message(&e) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_leaves_go_template_text_alone() {
        let tera = load(None).unwrap();
        let ctx = serde_json::json!({"name": "demo", "service_accounts": [], "validate_lines": ["{{- if .Values.x }}", "{{- end }}"]});
        let text = render(&tera, "_helpers.tpl.tera", &ctx).unwrap();
        assert!(text.contains("{{- define \"demo.fullname\" -}}"), "{text}");
        assert!(text.contains("{{- printf \"%s-%s\" .Release.Name $name | trunc 63 | trimSuffix \"-\" }}"), "{text}");
        assert!(
            text.contains("{{- define \"demo.validateValues\" -}}\n{{- if .Values.x }}\n{{- end }}\n{{- end }}"),
            "{text}"
        );
        assert!(
            !text.contains("{%") && !text.contains("%}") && !text.contains("{#"),
            "no Tera syntax may leak: {text}"
        );
        let notes =
            render(&tera, "NOTES.txt.tera", &serde_json::json!({"ingresses": [], "services": ["svc"], "secrets": []}))
                .unwrap();
        assert!(notes.starts_with("{{ .Chart.Name }} {{ .Chart.Version }} is installed"), "{notes}");
    }
}
