//! `oasExample` (examples and defaults match their schema) and `oasSchema` (the `schema`
//! function in the JSON Schema dialect of the document's OpenAPI version).

use jsonschema::Draft;
use portico_jsonpath::Segment;
use serde_json::{Map, Value};

use super::{Failure, Lookup, Target, join, key, only_known, options_object};
use crate::ruleset::format::Format;
use crate::ruleset::functions::schema::SchemaCheck;

pub struct ExampleOptions {
    version: u8,
    /// `$` for the target itself, else the member holding the schema.
    schema_field: String,
    media: bool,
}

impl ExampleOptions {
    pub fn prepare(options: Option<&Value>) -> Result<ExampleOptions, String> {
        let map = options_object(
            "oasExample",
            options,
            r#"{ "oasVersion": 3, "schemaField": "schema", "type": "media" }"#,
        )?;
        only_known("oasExample", map, &["oasVersion", "schemaField", "type"])?;
        let version = match map.get("oasVersion") {
            Some(v) if *v == 2 => 2,
            Some(v) if *v == 3 => 3,
            _ => return Err("\"oasExample\" function and its \"oasVersion\" option accepts only the following values: 2, 3".into()),
        };
        let schema_field = match map.get("schemaField") {
            Some(Value::String(field)) => field.clone(),
            _ => return Err("\"oasExample\" function and its \"schemaField\" option accepts only the following types: string".into()),
        };
        let media = match map.get("type").and_then(Value::as_str) {
            Some("media") => true,
            Some("schema") => false,
            _ => return Err("\"oasExample\" function and its \"type\" option accepts only the following values: \"media\", \"schema\"".into()),
        };
        Ok(ExampleOptions {
            version,
            schema_field,
            media,
        })
    }
}

/// The values to check: (value, where it is); a keyed example without `value` is
/// checked as missing, as Spectral does.
type Items = Vec<(Option<Value>, Vec<Segment>)>;

pub fn example(
    target: &Value,
    options: &ExampleOptions,
    path: &[Segment],
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    if !target.is_object() {
        return Vec::new();
    }
    let target = lookup.resolved(target);
    let Value::Object(object) = target.as_ref() else {
        return Vec::new();
    };
    let schema = if options.schema_field == "$" {
        Some(target.as_ref())
    } else {
        object.get(&options.schema_field)
    };
    let Some(schema) = schema else {
        return Vec::new();
    };
    let mut schema = schema.clone();
    if lookup.formats().contains(&Format::Oas2)
        && let Value::Object(map) = &mut schema
        && map.get("required").is_some_and(Value::is_boolean)
    {
        map.remove("required");
    }
    clean_ids(&mut schema, None);
    if options.media {
        let request = is_subpath(path, REQUEST_MEDIA_PATHS[usize::from(options.version == 3)]);
        let response = is_subpath(
            path,
            RESPONSE_MEDIA_PATHS[usize::from(options.version == 3)],
        );
        if request || response {
            relax_required(&mut schema, request, response);
        }
    }
    let items = if options.media {
        media_items(object, path, options.version)
    } else {
        let fields: &[&str] = if options.version == 2 {
            &["example", "x-example", "default"]
        } else {
            &["example", "default"]
        };
        fields
            .iter()
            .filter_map(|field| {
                object
                    .get(*field)
                    .map(|value| (Some(value.clone()), join(path, [key(field)])))
            })
            .collect()
    };
    let mut failures = Vec::new();
    for (value, at) in items {
        failures.extend(oas_schema(value.as_ref(), &schema, &at, lookup));
    }
    failures
}

const REQUEST_MEDIA_PATHS: [&[&[&str]]; 2] = [
    &[],
    &[
        &["components", "requestBodies"],
        &["paths", "*", "*", "requestBody"],
    ],
];
const RESPONSE_MEDIA_PATHS: [&[&[&str]]; 2] = [
    &[&["responses"], &["paths", "*", "*", "responses"]],
    &[
        &["components", "responses"],
        &["paths", "*", "*", "responses"],
    ],
];

fn is_subpath(path: &[Segment], prefixes: &[&[&str]]) -> bool {
    prefixes.iter().any(|prefix| {
        prefix.iter().enumerate().all(|(index, part)| {
            *part == "*" || matches!(path.get(index), Some(Segment::Key(k)) if k == part)
        })
    })
}

fn media_items(object: &Map<String, Value>, path: &[Segment], version: u8) -> Items {
    if version == 3
        && let Some(example) = object.get("example")
    {
        return vec![(Some(example.clone()), join(path, [key("example")]))];
    }
    let Some(Value::Object(examples)) = object.get("examples") else {
        return Vec::new();
    };
    let mut items = Vec::new();
    for (name, example) in examples {
        if version == 2 {
            items.push((
                Some(example.clone()),
                join(path, [key("examples"), key(name)]),
            ));
            continue;
        }
        let Value::Object(example) = example else {
            continue;
        };
        if example.contains_key("externalValue") {
            continue;
        }
        items.push((
            example.get("value").cloned(),
            join(path, [key("examples"), key(name), key("value")]),
        ));
    }
    items
}

/// Schema keywords whose value is a schema, a list of schemas, or a map of them
/// (`json-schema-traverse`'s lists).
const SCHEMA_KEYWORDS: [&str; 9] = [
    "additionalItems",
    "items",
    "contains",
    "additionalProperties",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
];
const ARRAY_KEYWORDS: [&str; 4] = ["items", "allOf", "anyOf", "oneOf"];
const MAP_KEYWORDS: [&str; 5] = [
    "$defs",
    "definitions",
    "properties",
    "patternProperties",
    "dependencies",
];
const SKIP_KEYWORDS: [&str; 18] = [
    "default",
    "enum",
    "const",
    "required",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "multipleOf",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
];

/// Drops `id` from objects under members that are not schema keywords (an example's
/// `id` field), as Spectral does before compiling: a draft 4 validator reads `id` as
/// the schema's identifier.
fn clean_ids(node: &mut Value, parent_keyword: Option<&str>) {
    let Value::Object(map) = node else {
        return;
    };
    let known = |k: &str| {
        SCHEMA_KEYWORDS.contains(&k) || ARRAY_KEYWORDS.contains(&k) || MAP_KEYWORDS.contains(&k)
    };
    if parent_keyword.is_some_and(|k| !known(k)) {
        map.remove("id");
    }
    for (name, child) in map.iter_mut() {
        match child {
            Value::Array(items) if ARRAY_KEYWORDS.contains(&name.as_str()) => {
                for item in items {
                    clean_ids(item, Some(name));
                }
            }
            Value::Array(_) => {}
            Value::Object(members) if MAP_KEYWORDS.contains(&name.as_str()) => {
                for member in members.values_mut() {
                    clean_ids(member, Some(name));
                }
            }
            _ if SCHEMA_KEYWORDS.contains(&name.as_str())
                || !SKIP_KEYWORDS.contains(&name.as_str()) =>
            {
                clean_ids(child, Some(name));
            }
            _ => {}
        }
    }
}

/// Removes read-only properties from `required` in request examples, write-only ones in
/// response examples (outside `not`).
fn relax_required(node: &mut Value, read_only: bool, write_only: bool) {
    let Value::Object(map) = node else {
        return;
    };
    if let Some(Value::Object(properties)) = map.get("properties") {
        let relaxed: Vec<String> = properties
            .iter()
            .filter(|(_, property)| {
                (read_only && property.get("readOnly") == Some(&Value::Bool(true)))
                    || (write_only && property.get("writeOnly") == Some(&Value::Bool(true)))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if !relaxed.is_empty()
            && let Some(Value::Array(required)) = map.get_mut("required")
        {
            required.retain(|name| {
                !name
                    .as_str()
                    .is_some_and(|n| relaxed.iter().any(|r| r == n))
            });
            if required.is_empty() {
                map.remove("required");
            }
        }
    }
    for (name, child) in map.iter_mut() {
        if name == "not" {
            continue;
        }
        match child {
            Value::Array(items) if ARRAY_KEYWORDS.contains(&name.as_str()) => {
                for item in items {
                    relax_required(item, read_only, write_only);
                }
            }
            Value::Object(members) if MAP_KEYWORDS.contains(&name.as_str()) => {
                for member in members.values_mut() {
                    relax_required(member, read_only, write_only);
                }
            }
            Value::Object(_) if SCHEMA_KEYWORDS.contains(&name.as_str()) => {
                relax_required(child, read_only, write_only);
            }
            _ => {}
        }
    }
}

/// `oasSchema`: `value` against `schema` in the dialect of the document: draft 4 for
/// OpenAPI 2.0 and 3.0, `jsonSchemaDialect` (2020-12 by default) for 3.1 and later.
pub fn oas_schema(
    value: Option<&Value>,
    schema: &Value,
    path: &[Segment],
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    PreparedSchema::new(schema, dialect_of(lookup)).call(value, path, lookup)
}

/// A schema ready to check values in one dialect: compiled, or why it checks nothing or
/// cannot be used.
pub enum PreparedSchema {
    Check(SchemaCheck),
    /// Left with a reference it cannot follow: nothing is reported.
    Ignored,
    /// Reported at each target, as Spectral's validator refuses the schema there.
    Invalid(String),
}

impl PreparedSchema {
    pub fn new(schema: &Value, draft: Draft) -> PreparedSchema {
        if has_foreign_reference(schema) {
            // A reference to another file that stayed a reference: Spectral's validator
            // cannot resolve it and the rule, seeing a resolved document, ignores that.
            return PreparedSchema::Ignored;
        }
        let mut schema = schema.clone();
        if let Err(message) = nullable_types(&mut schema) {
            return PreparedSchema::Invalid(message);
        }
        match SchemaCheck::compile(&schema, draft, false) {
            Ok(check) => PreparedSchema::Check(check),
            Err(error) if error.reference => PreparedSchema::Ignored,
            Err(error) => PreparedSchema::Invalid(error.message),
        }
    }

    pub fn call(
        &self,
        value: Option<&Value>,
        path: &[Segment],
        lookup: &dyn Lookup,
    ) -> Vec<Failure> {
        match self {
            PreparedSchema::Check(check) => check.call(Target { value, path }, lookup),
            PreparedSchema::Ignored => Vec::new(),
            PreparedSchema::Invalid(message) => vec![Failure::at(path.to_vec(), message.clone())],
        }
    }
}

/// The `oasSchema` function's own schema, compiled once per dialect it is met in (a
/// rule such as `duplicated-entry-in-enum` calls it on every `enum` of the document).
pub struct FixedSchema {
    schema: Value,
    prepared: [std::sync::OnceLock<PreparedSchema>; DIALECT_COUNT],
}

impl FixedSchema {
    pub fn new(schema: Value) -> FixedSchema {
        FixedSchema {
            schema,
            prepared: Default::default(),
        }
    }

    pub fn call(
        &self,
        value: Option<&Value>,
        path: &[Segment],
        lookup: &dyn Lookup,
    ) -> Vec<Failure> {
        let draft = dialect_of(lookup);
        let slot = DIALECTS
            .iter()
            .position(|d| *d == draft)
            .unwrap_or(DIALECTS.len() - 1);
        self.prepared[slot]
            .get_or_init(|| PreparedSchema::new(&self.schema, draft))
            .call(value, path, lookup)
    }
}

/// The dialects [`dialect_of`] answers.
const DIALECTS: [Draft; DIALECT_COUNT] = [
    Draft::Draft4,
    Draft::Draft6,
    Draft::Draft7,
    Draft::Draft201909,
    Draft::Draft202012,
];
const DIALECT_COUNT: usize = 5;

/// The JSON Schema dialect of the document's schemas.
fn dialect_of(lookup: &dyn Lookup) -> Draft {
    let formats = lookup.formats();
    if formats.contains(&Format::Oas3_1) || formats.contains(&Format::Oas3_2) {
        match lookup
            .document()
            .get("jsonSchemaDialect")
            .and_then(Value::as_str)
        {
            Some(dialect) if dialect.contains("2019-09") => Draft::Draft201909,
            Some(dialect) if dialect.contains("draft-07") => Draft::Draft7,
            Some(dialect) if dialect.contains("draft-06") => Draft::Draft6,
            Some(dialect) if dialect.contains("draft-04") => Draft::Draft4,
            _ => Draft::Draft202012,
        }
    } else if formats.contains(&Format::Oas3_0) || formats.contains(&Format::Oas2) {
        Draft::Draft4
    } else {
        Draft::Draft7
    }
}

/// OpenAPI's `nullable: true` as Spectral's validator (Ajv) reads it in every dialect:
/// `null` joins the `type`. Ajv refuses `nullable` without a `type`; so does this.
fn nullable_types(node: &mut Value) -> Result<(), String> {
    let Value::Object(map) = node else {
        return Ok(());
    };
    if let Some(nullable) = map.get("nullable") {
        let nullable = nullable.clone();
        match map.get_mut("type") {
            None => return Err("\"nullable\" cannot be used without \"type\"".into()),
            Some(Value::String(single)) if nullable == true && single != "null" => {
                let single = std::mem::take(single);
                map.insert(
                    "type".into(),
                    Value::Array(vec![Value::String(single), Value::String("null".into())]),
                );
            }
            Some(Value::Array(types)) if nullable == true && !types.iter().any(|t| t == "null") => {
                types.push(Value::String("null".into()));
            }
            _ => {}
        }
    }
    for (name, child) in map.iter_mut() {
        match child {
            Value::Array(items) if ARRAY_KEYWORDS.contains(&name.as_str()) => {
                for item in items {
                    nullable_types(item)?;
                }
            }
            Value::Object(members)
                if ["properties", "patternProperties", "dependencies"].contains(&name.as_str()) =>
            {
                for member in members.values_mut() {
                    nullable_types(member)?;
                }
            }
            Value::Object(_) if SCHEMA_KEYWORDS.contains(&name.as_str()) => nullable_types(child)?,
            _ => {}
        }
    }
    Ok(())
}

/// Whether a `$ref` that is not a pointer into the schema itself is left anywhere.
fn has_foreign_reference(node: &Value) -> bool {
    match node {
        Value::Object(map) => map.iter().any(|(name, value)| {
            (name == "$ref" && value.as_str().is_some_and(|r| !r.starts_with('#')))
                || has_foreign_reference(value)
        }),
        Value::Array(items) => items.iter().any(has_foreign_reference),
        _ => false,
    }
}
