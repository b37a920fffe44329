//! The chart files written from chartwright's own Tera templates (`templates/` in the repo,
//! embedded at build time, overridable with `--templates DIR`).

use std::path::Path;

use serde::Serialize;

/// The embedded templates, by file name.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("Chart.yaml.tera", include_str!("../../../templates/Chart.yaml.tera")),
    ("_helpers.tpl.tera", include_str!("../../../templates/_helpers.tpl.tera")),
    ("NOTES.txt.tera", include_str!("../../../templates/NOTES.txt.tera")),
    ("helmignore.tera", include_str!("../../../templates/helmignore.tera")),
    ("README.md.tera", include_str!("../../../templates/README.md.tera")),
];

/// Why the generator's own templates failed.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The override directory or one of its files could not be read.
    #[error(transparent)]
    Read(#[from] crate::textfile::ReadError),
    /// A file in the override directory that is none of the templates (a typo would
    /// otherwise be ignored without a word).
    #[error("{path}: not one of chartwright's templates (they are: {known})")]
    Unknown {
        /// The file.
        path: String,
        /// The template names.
        known: String,
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
    if let Some(dir) = overrides {
        check_override_dir(dir)?;
    }
    for (name, text) in EMBEDDED {
        let owned;
        let body = match overrides.map(|d| d.join(name)).filter(|p| p.exists()) {
            Some(p) => {
                owned = crate::textfile::read(&p, &p.display().to_string())?;
                owned.as_str()
            }
            None => text,
        };
        tera.add_raw_template(name, body)
            .map_err(|e| TemplateError::Tera { name: (*name).to_string(), message: tera_message(&e) })?;
    }
    Ok(tera)
}

/// The override directory must exist and hold only templates chartwright knows (dot files
/// aside).
fn check_override_dir(dir: &Path) -> Result<(), TemplateError> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| crate::textfile::ReadError::io(shown.clone(), e))?;
    let mut names: Vec<String> = Vec::new();
    for e in entries {
        let e = e.map_err(|e| crate::textfile::ReadError::io(shown.clone(), e))?;
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    for name in names {
        if !name.starts_with('.') && !EMBEDDED.iter().any(|(n, _)| *n == name) {
            let known: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
            return Err(TemplateError::Unknown {
                path: dir.join(&name).display().to_string(),
                known: known.join(", "),
            });
        }
    }
    Ok(())
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
        let ctx = serde_json::json!({"name": "demo", "service_accounts": [], "validate_lines": ["{{- if .Values.x }}", "{{- end }}"], "version_label": ".Chart.AppVersion"});
        let text = render(&tera, "_helpers.tpl.tera", &ctx).unwrap();
        assert!(text.contains("{{- define \"demo.fullname\" -}}"), "{text}");
        assert!(text.contains("app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}"), "{text}");
        assert!(
            text.contains("{{- include \"demo.truncName\" (list (printf \"%s-%s\" .Release.Name $name) 63) }}"),
            "{text}"
        );
        assert!(
            text.contains("{{- define \"demo.validateValues\" -}}\n{{- if .Values.x }}\n{{- end }}\n{{- end }}"),
            "{text}"
        );
        assert!(
            !text.contains("{%") && !text.contains("%}") && !text.contains("{#"),
            "no Tera syntax may leak: {text}"
        );
        let notes = render(
            &tera,
            "NOTES.txt.tera",
            &serde_json::json!({"name": "demo", "ingresses": [], "services": ["svc"], "secrets": []}),
        )
        .unwrap();
        assert!(notes.starts_with("{{ .Chart.Name }} {{ .Chart.Version }} is installed"), "{notes}");
    }
}
