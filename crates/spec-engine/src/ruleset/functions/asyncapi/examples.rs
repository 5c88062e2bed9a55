//! Values checked against the schema that describes them, with Spectral's `schema`
//! function (all errors): a message's examples against its payload and headers
//! (`asyncApi2MessageExamplesValidation`), a schema's `default` or `examples`
//! (`asyncApiSchemaValidation`).

use std::borrow::Cow;

use portico_jsonpath::Segment;
use serde_json::{Map, Value};

use super::{Failure, Lookup, Target, join, key, merge_traits};
use crate::ruleset::functions::schema::{SchemaCheck, detect_draft};

/// Which values of a schema `asyncApiSchemaValidation` checks.
#[derive(Clone, Copy)]
pub enum Relevant {
    Default,
    Examples,
}

/// `value` against `schema` as Spectral's `schema` function with `allErrors` checks it;
/// the results sit under `path`.
fn validate(value: &Value, schema: &Value, path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    match SchemaCheck::compile(schema, detect_draft(schema), true) {
        Ok(check) => check.call(
            Target {
                value: Some(value),
                path,
            },
            lookup,
        ),
        // A reference left unresolved: the resolved rule ignores it, as Spectral does.
        Err(error) if error.reference => Vec::new(),
        Err(error) => vec![Failure::at(path.to_vec(), error.message)],
    }
}

/// `asyncApi2MessageExamplesValidation`: each example's `payload` and `headers` against
/// the message's (its traits applied).
pub fn message_examples(message: &Value, path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    let Value::Object(message) = message else {
        return Vec::new();
    };
    // Spectral's input: `name` and `summary`, when present, are text.
    if ["name", "summary"].iter().any(|field| {
        message
            .get(*field)
            .is_some_and(|v| !lookup.follow(v).is_string())
    }) {
        return Vec::new();
    }
    let merged = merge_traits(message, lookup);
    let examples = merged.get("examples").map(|e| lookup.resolved(e));
    let Some(Value::Array(examples)) = examples.as_deref() else {
        return Vec::new();
    };
    let empty = Value::Object(Map::new());
    let mut failures = Vec::new();
    for (index, example) in examples.iter().enumerate() {
        for part in ["payload", "headers"] {
            let Some(value) = example.get(part) else {
                continue;
            };
            let schema = merged
                .get(part)
                .map_or(Cow::Borrowed(&empty), |s| lookup.resolved(s));
            let at = join(path, [key("examples"), Segment::Index(index), key(part)]);
            failures.extend(validate(value, &schema, &at, lookup));
        }
    }
    failures
}

/// `asyncApiSchemaValidation`: a schema's `default`, or each of its `examples`, against
/// the schema itself. Like Spectral, a value that is text is never reported.
pub fn schema_items(
    schema: &Value,
    relevant: Relevant,
    path: &[Segment],
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    let schema = lookup.resolved(schema);
    let well_formed = match &*schema {
        Value::Object(map) => map.get("examples").is_none_or(Value::is_array),
        _ => false,
    };
    if !well_formed {
        let name = match path.last() {
            Some(Segment::Key(name)) => name.clone(),
            Some(Segment::Index(index)) => index.to_string(),
            None => String::new(),
        };
        return vec![Failure::at_target(format!(
            "\"{name}\" property must be an object containing \"default\" or an \"examples\" array"
        ))];
    }
    let items: Vec<(Vec<Segment>, Option<&Value>)> = match relevant {
        Relevant::Default => vec![(vec![key("default")], schema.get("default"))],
        Relevant::Examples => match schema.get("examples") {
            Some(Value::Array(examples)) => examples
                .iter()
                .enumerate()
                .map(|(i, v)| (vec![key("examples"), Segment::Index(i)], Some(v)))
                .collect(),
            _ => Vec::new(),
        },
    };
    let mut failures = Vec::new();
    for (relative, value) in items {
        let at = join(path, relative);
        match value {
            Some(Value::String(_)) => {}
            Some(value) => failures.extend(validate(value, &schema, &at, lookup)),
            None => failures.push(Failure::at(at, "#{{print(\"property\")}}must exist")),
        }
    }
    failures
}
