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
    /// The schema itself, to order errors as Spectral's validator meets them.
    schema: Value,
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
                message: invalid_schema_message(schema, draft, all_errors)
                    .unwrap_or_else(|| error.to_string()),
            })?;
        Ok(SchemaCheck {
            validator,
            schema: schema.clone(),
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
        if !self.all_errors {
            // Spectral's validator stops at its first error; find the one it meets first.
            let first = self
                .validator
                .iter_errors(&value)
                .take(FIRST_ERROR_CANDIDATES)
                .map(|error| (ajv_rank(&error, &self.schema, &value), error))
                .min_by(|(a, _), (b, _)| a.cmp(b));
            if let Some((_, error)) = first {
                describe(&error, &value, target.path, &mut failures);
                failures.truncate(1);
            }
            return failures;
        }
        // All errors: listed and placed as Ajv and better-ajv-errors list them.
        let errors = super::ajv::errors(&self.validator, &value);
        super::ajv::results(&errors, &value, target.path, true)
    }
}

/// Why a schema is not one of its draft, as Spectral's validator (Ajv) says it when it
/// refuses to compile the schema; `None` when the meta-schema finds nothing.
fn invalid_schema_message(schema: &Value, draft: Draft, all_errors: bool) -> Option<String> {
    let meta = match draft {
        Draft::Draft4 => jsonschema::draft4::meta::validator(),
        Draft::Draft6 => jsonschema::draft6::meta::validator(),
        Draft::Draft201909 => jsonschema::draft201909::meta::validator(),
        Draft::Draft202012 => jsonschema::draft202012::meta::validator(),
        _ => jsonschema::draft7::meta::validator(),
    };
    let mut errors = super::ajv::errors(meta.as_ref(), schema);
    if !all_errors {
        errors.truncate(1);
    }
    let listed: Vec<String> = errors
        .iter()
        .map(|e| format!("data{} {}", e.instance_path, e.message))
        .collect();
    (!listed.is_empty()).then(|| format!("schema is invalid: {}", listed.join(", ")))
}

/// How many errors are weighed to find the one Spectral reports first.
const FIRST_ERROR_CANDIDATES: usize = 256;

/// Keywords in the order Ajv (Spectral's validator) applies them, by group: keywords for
/// any type first, then those for numbers, strings, arrays and objects.
const AJV_ORDER: [&[&str]; 5] = [
    &[
        "const", "enum", "not", "anyOf", "oneOf", "allOf", "if", "then", "else",
    ],
    &[
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "multipleOf",
    ],
    &["maxLength", "minLength", "pattern", "format"],
    &[
        "maxItems",
        "minItems",
        "additionalItems",
        "prefixItems",
        "items",
        "contains",
        "uniqueItems",
        "maxContains",
        "minContains",
        "unevaluatedItems",
    ],
    &[
        "maxProperties",
        "minProperties",
        "required",
        "propertyNames",
        "additionalProperties",
        "dependencies",
        "properties",
        "patternProperties",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedProperties",
    ],
];

/// Where Ajv meets an error while validating: at each schema level the keyword's place
/// in [`AJV_ORDER`], then the property (in the schema's order) or item it went into.
/// Lower comes first.
fn ajv_rank(error: &ValidationError<'_>, root: &Value, instance: &Value) -> Vec<(i64, i64, i64)> {
    let unescape = |token: &str| token.replace("~1", "/").replace("~0", "~");
    let path = error.evaluation_path().to_string();
    let tokens: Vec<String> = path.split('/').skip(1).map(unescape).collect();
    let data_path = error.instance_path().to_string();
    let data_tokens: Vec<String> = data_path.split('/').skip(1).map(unescape).collect();
    let mut node = Some(root);
    let mut data = Some(instance);
    let mut data_at = 0;
    let mut out = Vec::new();
    let position = |map: Option<&Value>, name: &str| -> i64 {
        map.and_then(Value::as_object)
            .and_then(|m| m.keys().position(|k| k == name))
            .map_or(0, |p| p as i64)
    };
    let mut at = 0;
    while at < tokens.len() {
        let keyword = tokens[at].as_str();
        if keyword == "$ref" {
            node = node
                .and_then(|n| n.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| root.pointer(pointer));
            at += 1;
            continue;
        }
        let rank = keyword_rank(keyword, node, data);
        let next = tokens.get(at + 1).map(String::as_str);
        let last = at + 1 == tokens.len();
        let data_key = data_tokens.get(data_at).cloned();
        match keyword {
            "properties" | "patternProperties" | "dependencies" | "dependentSchemas" if !last => {
                let name = next.unwrap_or_default();
                let map = node.and_then(|n| n.get(keyword));
                let mut sub = position(map, name);
                node = map.and_then(|m| m.get(name));
                if keyword == "properties" || keyword == "patternProperties" {
                    let key = data_key.unwrap_or_default();
                    if keyword == "patternProperties" {
                        sub = sub * 100_000 + position(data, &key);
                    }
                    data = step_data(data, &key);
                    data_at += 1;
                }
                out.push((rank.0, rank.1, sub));
                at += 2;
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" if !last => {
                let index = next.and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
                node = node
                    .and_then(|n| n.get(keyword))
                    .and_then(|list| list.get(index as usize));
                if keyword == "prefixItems" {
                    data = step_data(data, &data_key.unwrap_or_default());
                    data_at += 1;
                }
                out.push((rank.0, rank.1, index));
                at += 2;
            }
            "items"
                if !last && node.is_some_and(|n| n.get("items").is_some_and(Value::is_array)) =>
            {
                let index = next.and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
                node = node
                    .and_then(|n| n.get("items"))
                    .and_then(|list| list.get(index as usize));
                data = step_data(data, &data_key.unwrap_or_default());
                data_at += 1;
                out.push((rank.0, rank.1, index));
                at += 2;
            }
            "items"
            | "additionalItems"
            | "additionalProperties"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "propertyNames"
                if !last =>
            {
                let key = data_key.unwrap_or_default();
                let sub = match data {
                    Some(Value::Array(_)) => key.parse::<i64>().unwrap_or(0),
                    _ => position(data, &key),
                };
                node = node.and_then(|n| n.get(keyword));
                if keyword != "propertyNames" {
                    data = step_data(data, &key);
                    data_at += 1;
                }
                out.push((rank.0, rank.1, sub));
                at += 1;
            }
            _ => {
                node = node.and_then(|n| n.get(keyword));
                out.push((rank.0, rank.1, 0));
                at += 1;
            }
        }
    }
    out
}

/// The member or item `key` of a value.
fn step_data<'v>(data: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    match data? {
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        other => other.get(key),
    }
}

/// A keyword's (group, place) in [`AJV_ORDER`]. A `type` naming one of the grouped types
/// fails where that group runs; any other `type` is checked before everything.
fn keyword_rank(keyword: &str, node: Option<&Value>, data: Option<&Value>) -> (i64, i64) {
    if keyword == "type" {
        let group = match node.and_then(|n| n.get("type")) {
            Some(Value::String(single)) => match single.as_str() {
                "number" => Some(1),
                "string" => Some(2),
                "array" => Some(3),
                "object" => Some(4),
                _ => None,
            },
            _ => None,
        };
        return group.map_or((-1, 0), |g| (g, 99));
    }
    if keyword == "format" && data.is_some_and(Value::is_number) {
        return (1, 5);
    }
    AJV_ORDER
        .iter()
        .enumerate()
        .find_map(|(group, keywords)| {
            keywords
                .iter()
                .position(|k| *k == keyword)
                .map(|place| (group as i64, place as i64))
        })
        .unwrap_or((5, 0))
}

/// The draft a schema declares with `$schema`; draft 7 when it declares none it knows.
pub(super) fn detect_draft(schema: &Value) -> Draft {
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
    path.extend(crate::ruleset::resolve::path_of_pointer(value, &instance));
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
