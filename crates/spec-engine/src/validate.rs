//! Validation against the official JSON Schema, reported as one root cause per mistake:
//! a failed `oneOf`/`anyOf` is replaced by the errors of the branch that came closest.

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::detect::SchemaId;
use crate::diagnostic::Diagnostic;
use crate::schemas::validator;

/// At most this many schema errors are reported per file; the rest add nothing.
const MAX_SCHEMA_ERRORS: usize = 100;

/// Diagnostics for `root` against the official schema `id`.
pub fn schema_diagnostics(root: &Value, id: SchemaId, file: &str) -> Vec<Diagnostic> {
    let validator = match validator(id) {
        Ok(validator) => validator,
        Err(message) => return vec![Diagnostic::error(file, "", message)],
    };
    if validator.is_valid(root) {
        return Vec::new();
    }
    let mut found: Vec<(String, String)> = Vec::new();
    for error in validator.iter_errors(root) {
        flatten(&error, &mut found);
        if found.len() >= MAX_SCHEMA_ERRORS {
            break;
        }
    }
    found.sort();
    found.dedup();
    drop_cascades(&mut found);
    found
        .into_iter()
        .map(|(pointer, message)| {
            let text = format!("{}: {message}", describe(&pointer));
            Diagnostic::error(file, pointer, text)
        })
        .collect()
}

/// A readable name for a pointer: `channels.order.messages` or `the document`.
pub fn describe(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the document".into();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn flatten(error: &ValidationError<'_>, out: &mut Vec<(String, String)>) {
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let here = error.instance_path().to_string();
            match best_branch(context, &here) {
                Some(branch) => branch.iter().for_each(|e| flatten(e, out)),
                None => out.push((here, error.to_string())),
            }
        }
        // Point at each unknown field itself, so the editor marks the line of the typo.
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let here = error.instance_path().to_string();
            for name in unexpected {
                out.push((
                    crate::diagnostic::child_pointer(&here, name),
                    format!("unknown field {name:?} (not allowed here)"),
                ));
            }
        }
        _ => out.push((error.instance_path().to_string(), message(error))),
    }
}

fn message(error: &ValidationError<'_>) -> String {
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!("the required field {property} is missing")
        }
        _ => error.to_string(),
    }
}

/// The branch whose errors look like "the right shape with a mistake inside" rather than
/// "a different shape altogether": no type/required-`$ref` failure at the branch's own
/// location, then the deepest errors, then the fewest.
fn best_branch<'a>(
    branches: &'a [Vec<ValidationError<'static>>],
    here: &str,
) -> Option<&'a Vec<ValidationError<'static>>> {
    branches
        .iter()
        .filter(|errors| !errors.is_empty())
        .max_by_key(|errors| {
            let shape_mismatch = errors.iter().any(|e| {
                e.instance_path().to_string() == here
                    && match e.kind() {
                        ValidationErrorKind::Type { .. }
                        | ValidationErrorKind::Constant { .. }
                        | ValidationErrorKind::Enum { .. }
                        | ValidationErrorKind::Not { .. }
                        | ValidationErrorKind::FalseSchema => true,
                        ValidationErrorKind::Required { property } => {
                            property.as_str() == Some("$ref")
                        }
                        _ => false,
                    }
            });
            let depth = errors
                .iter()
                .map(|e| e.instance_path().to_string().matches('/').count())
                .max()
                .unwrap_or(0);
            (!shape_mismatch, depth, usize::MAX - errors.len())
        })
}

/// When a field has its own error, a generic complaint about its parent adds nothing.
fn drop_cascades(found: &mut Vec<(String, String)>) {
    let pointers: Vec<String> = found.iter().map(|(p, _)| p.clone()).collect();
    found.retain(|(pointer, message)| {
        let generic = message.contains("is not valid under any of the schemas")
            || message.contains("is valid under more than one");
        !(generic
            && pointers
                .iter()
                .any(|other| other.starts_with(&format!("{pointer}/"))))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_typo_gives_one_error_at_the_field() {
        let doc = json!({
            "asyncapi": "3.0.0",
            "info": {"title": "T", "version": "1.0.0"},
            "channels": {"c": {"address": "c", "messages": {"m": {"payload": {"type": "object"}, "contentTyp": "x"}}}}
        });
        let diagnostics = schema_diagnostics(&doc, SchemaId::AsyncApi3_0, "a.yaml");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(diagnostics[0].pointer, "/channels/c/messages/m/contentTyp");
        assert!(
            diagnostics[0].message.contains("contentTyp"),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn a_missing_title_is_named() {
        let doc = json!({"asyncapi": "2.6.0", "info": {"version": "1"}, "channels": {}});
        let diagnostics = schema_diagnostics(&doc, SchemaId::AsyncApi2_6, "a.yaml");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert!(
            diagnostics[0].message.contains("title"),
            "{}",
            diagnostics[0].message
        );
    }
}
