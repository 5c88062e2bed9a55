//! Spectral's `schema` function: the target must match a JSON Schema. The dialect comes
//! from the options or the schema's `$schema` (draft 7 otherwise); without `allErrors`
//! only the first problem is reported, as Spectral's validator stops at it. Schemas
//! never fetch anything: references that leave the schema fail to compile and say so.

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup, Target, only_known, options_object};

/// Why a schema does not compile; `reference` when a `$ref` leads nowhere (which
/// Spectral ignores in resolved rules: the reference was left in place on purpose).
pub struct CompileError {
    pub reference: bool,
    pub message: String,
}

/// A compiled `schema` check.
pub struct SchemaCheck {
    validator: Validator,
    all_errors: bool,
}

const DIALECTS: [&str; 6] = [
    "auto",
    "draft4",
    "draft6",
    "draft7",
    "draft2019-09",
    "draft2020-12",
];

impl SchemaCheck {
    pub fn prepare(options: Option<&Value>) -> Result<SchemaCheck, String> {
        let map = options_object(
            "schema",
            options,
            r#"{ "schema": { /* any JSON Schema can be defined here */ } , { "schema": { "type": "object" }, "dialect": "auto" }"#,
        )?;
        only_known(
            "schema",
            map,
            &["schema", "dialect", "allErrors", "prepareResults"],
        )?;
        let schema = match map.get("schema") {
            Some(schema @ (Value::Object(_) | Value::Bool(_))) => schema,
            Some(_) => {
                return Err("\"schema\" function and its \"schema\" option accepts only the following types: object".into());
            }
            None => return Err("\"schema\" function is missing \"schema\" option".into()),
        };
        let dialect = match map.get("dialect") {
            None => "auto",
            Some(Value::String(name)) if DIALECTS.contains(&name.as_str()) => name.as_str(),
            Some(_) => {
                return Err(format!(
                    "\"schema\" function and its \"dialect\" option accepts only the following values: \"{}\"",
                    DIALECTS.join("\", \"")
                ));
            }
        };
        let all_errors = match map.get("allErrors") {
            None => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => {
                return Err("\"schema\" function and its \"allErrors\" option accepts only the following types: boolean".into());
            }
        };
        let draft = match dialect {
            "auto" => detect_draft(schema),
            "draft4" => Draft::Draft4,
            "draft6" => Draft::Draft6,
            "draft2019-09" => Draft::Draft201909,
            "draft2020-12" => Draft::Draft202012,
            _ => Draft::Draft7,
        };
        SchemaCheck::compile(schema, draft, all_errors).map_err(|error| {
            format!(
                "\"schema\" function: the schema cannot be used: {}",
                error.message
            )
        })
    }

    /// A check for a schema met at run time (OpenAPI examples against their schema).
    pub fn compile(
        schema: &Value,
        draft: Draft,
        all_errors: bool,
    ) -> Result<SchemaCheck, CompileError> {
        let validator = jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .build(schema)
            .map_err(|error| CompileError {
                reference: matches!(error.kind(), ValidationErrorKind::Referencing(_)),
                message: error.to_string(),
            })?;
        Ok(SchemaCheck {
            validator,
            all_errors,
        })
    }

    pub fn call(&self, target: Target<'_>, lookup: &dyn Lookup) -> Vec<Failure> {
        let Some(value) = target.value else {
            return vec![Failure::at(
                target.path.to_vec(),
                "#{{print(\"property\")}}must exist",
            )];
        };
        let value = lookup.resolved(value);
        let mut failures = Vec::new();
        for error in self.validator.iter_errors(&value) {
            describe(&error, &value, target.path, &mut failures);
            if !self.all_errors && !failures.is_empty() {
                failures.truncate(1);
                break;
            }
        }
        failures
    }
}

/// The draft a schema declares with `$schema`; draft 7 when it declares none it knows.
fn detect_draft(schema: &Value) -> Draft {
    let declared = schema.get("$schema").and_then(Value::as_str).unwrap_or("");
    if declared.contains("draft-04") {
        Draft::Draft4
    } else if declared.contains("draft-06") {
        Draft::Draft6
    } else if declared.contains("2019-09") {
        Draft::Draft201909
    } else if declared.contains("2020-12") {
        Draft::Draft202012
    } else {
        Draft::Draft7
    }
}

/// One error as Spectral words it (`"name" property must be string`), at its path.
fn describe(error: &ValidationError<'_>, value: &Value, base: &[Segment], out: &mut Vec<Failure>) {
    let instance = error.instance_path().to_string();
    let mut path = base.to_vec();
    let mut node = Some(value);
    for token in instance.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        match (node, key.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(index)) => {
                node = items.get(index);
                path.push(Segment::Index(index));
            }
            _ => {
                node = node.and_then(|n| n.get(&key));
                path.push(Segment::Key(key));
            }
        }
    }
    let property = instance
        .rsplit('/')
        .next()
        .filter(|_| !instance.is_empty())
        .map(|token| token.replace("~1", "/").replace("~0", "~"));
    let subject = match &property {
        Some(name) if name.bytes().all(|b| b.is_ascii_digit()) => format!("Item at index {name}"),
        Some(name) => format!("\"{name}\" property"),
        None => "The document".to_owned(),
    };
    let message = match error.kind() {
        ValidationErrorKind::Required { property } => format!(
            "{subject} must have required property {}",
            property_name(property)
        ),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                let mut at = path.clone();
                at.push(Segment::Key(name.clone()));
                out.push(Failure::at(
                    at,
                    format!("Property \"{name}\" is not expected to be here"),
                ));
            }
            return;
        }
        ValidationErrorKind::Type { kind } => {
            format!("{subject} type must be {}", type_names(kind))
        }
        ValidationErrorKind::Enum { options } => format!(
            "{subject} must be equal to one of the allowed values: {}",
            allowed(options)
        ),
        ValidationErrorKind::Constant { expected_value } => format!(
            "{subject} must be equal to one of the allowed values: {}",
            allowed(&Value::Array(vec![Value::clone(expected_value)]))
        ),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{subject} must match pattern \"{pattern}\"")
        }
        ValidationErrorKind::OneOfNotValid { .. } => {
            format!("{subject} must match exactly one schema in oneOf")
        }
        ValidationErrorKind::AnyOf { .. } => format!("{subject} must match a schema in anyOf"),
        _ => format!("{subject} {}", error.to_string().trim_end_matches('.')),
    };
    out.push(Failure::at(path, message));
}

fn property_name(property: &Value) -> String {
    match property {
        Value::String(name) => format!("\"{name}\""),
        other => other.to_string(),
    }
}

fn type_names(kind: &jsonschema::error::TypeKind) -> String {
    match kind {
        jsonschema::error::TypeKind::Single(single) => single.to_string(),
        jsonschema::error::TypeKind::Multiple(many) => many
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn allowed(options: &Value) -> String {
    match options {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
