//! `oasDocumentSchema`: the document against the official OpenAPI schema of its version
//! (3.0, 3.1, 3.2; Portico embeds no 2.0 schema, so Swagger 2.0 documents get nothing).
//!
//! Spectral validates with its own rewrite of the official schemas in which every
//! "reference or object" choice is an `if $ref … then … else …`, and every choice of
//! parameter location or security scheme type an `if`: a mistake is reported once, inside
//! the branch that applies, never as "matches none of oneOf". Portico validates against the
//! official schemas and picks the branch the same way from the `oneOf`/`anyOf` failure.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup};
use crate::detect::SchemaId;
use crate::ruleset::format::Format;

/// Most errors reported for one document (Spectral reports them all; this only bounds
/// a pathological document).
const MAX_ERRORS: usize = 20_000;

pub fn check(root: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let formats = lookup.formats();
    let id = if formats.contains(&Format::Oas2) {
        return Vec::new();
    } else if formats.contains(&Format::Oas3_2) {
        SchemaId::OpenApi3_2
    } else if formats.contains(&Format::Oas3_1) {
        SchemaId::OpenApi3_1
    } else {
        SchemaId::OpenApi3_0
    };
    let Some(validator) = validator(id) else {
        return Vec::new();
    };
    let mut out: Vec<(Vec<Segment>, String)> = Vec::new();
    for error in validator.iter_errors(root) {
        flatten(&error, root, &mut out);
        if out.len() >= MAX_ERRORS {
            break;
        }
    }
    let mut failures: Vec<Failure> = Vec::new();
    for (path, message) in out {
        if !failures
            .iter()
            .any(|f| f.path.as_deref() == Some(&path[..]) && f.message == message)
        {
            failures.push(Failure::at(path, message));
        }
    }
    failures
}

/// The official schema compiled with its formats checked (`uri-reference`, `email`…),
/// as Spectral checks them; the engine's own validation leaves formats out.
fn validator(id: SchemaId) -> Option<&'static Validator> {
    static SLOTS: [OnceLock<Option<Validator>>; 3] = [const { OnceLock::new() }; 3];
    let index = match id {
        SchemaId::OpenApi3_0 => 0,
        SchemaId::OpenApi3_1 => 1,
        _ => 2,
    };
    SLOTS[index]
        .get_or_init(|| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(&crate::schemas::schema_json(id))
                .ok()
        })
        .as_ref()
}

fn value_at<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        Some(root)
    } else {
        root.pointer(pointer)
    }
}

fn flatten(error: &ValidationError<'_>, root: &Value, out: &mut Vec<(Vec<Segment>, String)>) {
    let here = error.instance_path().to_string();
    let path = crate::ruleset::resolve::path_of_pointer(root, &here);
    let subject = match path.last() {
        Some(Segment::Key(name)) => format!("\"{name}\" property "),
        Some(Segment::Index(index)) => format!("\"{index}\" property "),
        None => String::new(),
    };
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let instance = value_at(root, &here);
            match branch(context, &here, instance) {
                Some(errors) => errors.iter().for_each(|e| flatten(e, root, out)),
                None => out.push((path, format!("{subject}must match a schema"))),
            }
        }
        // Spectral's `if`s never find two branches that apply.
        ValidationErrorKind::OneOfMultipleValid { .. } => {}
        // Reported at the object, as Spectral reports what it does not rewrite.
        ValidationErrorKind::UnevaluatedProperties { .. } => out.push((
            path,
            format!("{subject}must NOT have unevaluated properties"),
        )),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                let mut at = path.clone();
                at.push(Segment::Key(name.clone()));
                out.push((
                    at,
                    format!("Property \"{name}\" is not expected to be here"),
                ));
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            out.push((
                path,
                format!("{subject}must have required property \"{name}\""),
            ));
        }
        ValidationErrorKind::Type { kind } => {
            let types = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(many) => many
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            out.push((path, format!("{subject}must be {types}")));
        }
        ValidationErrorKind::Enum { options } => {
            let allowed = match &**options {
                Value::Array(items) => items
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            out.push((
                path,
                format!("{subject}must be equal to one of the allowed values: {allowed}"),
            ));
        }
        ValidationErrorKind::Constant { expected_value } => out.push((
            path,
            format!("{subject}must be equal to constant: {expected_value}"),
        )),
        ValidationErrorKind::Pattern { pattern } => {
            out.push((path, format!("{subject}must match pattern \"{pattern}\"")))
        }
        _ => out.push((
            path,
            format!(
                "{subject}{}",
                error.to_string().trim_end_matches('.').replace('\'', "\"")
            ),
        )),
    }
}

/// The branch of a failed `oneOf`/`anyOf` that applies to the value, as Spectral's
/// `if`s choose it: a reference when it has `$ref`, else the branch whose
/// distinguishing members (`in`, `type`) match; `None` when no branch applies.
fn branch<'a>(
    branches: &'a [Vec<ValidationError<'static>>],
    here: &str,
    instance: Option<&Value>,
) -> Option<&'a Vec<ValidationError<'static>>> {
    let has_ref = instance.is_some_and(|v| v.get("$ref").is_some());
    let is_reference_branch = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().any(|e| {
            e.instance_path().to_string() == here
                && matches!(e.kind(), ValidationErrorKind::Required { property } if property.as_str() == Some("$ref"))
        })
    };
    let wrong_shape = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().any(|e| {
            let at = e.instance_path().to_string();
            let child = at
                .strip_prefix(here)
                .is_some_and(|rest| rest.matches('/').count() == 1);
            match e.kind() {
                ValidationErrorKind::Type { .. } | ValidationErrorKind::FalseSchema => at == here,
                ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. } => {
                    at == here || child
                }
                ValidationErrorKind::Not { .. } => at == here,
                _ => false,
            }
        })
    };
    if has_ref {
        return branches.iter().min_by_key(|errors| errors.len());
    }
    let candidates: Vec<&Vec<ValidationError<'static>>> = branches
        .iter()
        .filter(|errors| !is_reference_branch(errors))
        .collect();
    let fitting: Vec<&&Vec<ValidationError<'static>>> = candidates
        .iter()
        .filter(|errors| !wrong_shape(errors))
        .collect();
    match fitting.as_slice() {
        [] => None,
        [only] => Some(only),
        many => many.iter().min_by_key(|errors| errors.len()).map(|e| **e),
    }
}
