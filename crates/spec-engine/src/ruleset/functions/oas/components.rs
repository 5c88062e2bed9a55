//! Reusable parts: components no reference uses, Swagger discriminators, tag names
//! given twice, and `$ref`s with siblings.

use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup, join, key};
use crate::diagnostic::escape_token;

const COMPONENT_TYPES: [&str; 8] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

/// `oasUnusedComponent`: components of these eight kinds that no `$ref` points at.
pub fn unused(root: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let Some(Value::Object(components)) = root.get("components") else {
        return Vec::new();
    };
    let mut failures = Vec::new();
    for kind in COMPONENT_TYPES {
        let Some(Value::Object(members)) = components.get(kind) else {
            continue;
        };
        for name in members.keys() {
            let pointer = format!("/components/{kind}/{}", escape_token(name));
            if !lookup.is_referenced(&pointer) {
                failures.push(Failure::at(
                    vec![key("components"), key(kind), key(name)],
                    "Potential orphaned reusable object has been detected",
                ));
            }
        }
    }
    failures
}

/// `oasDiscriminator` (Swagger 2.0): the discriminator is a property, and a required one.
pub fn discriminator(schema: &Value, path: &[Segment], _lookup: &dyn Lookup) -> Vec<Failure> {
    let Some(Value::String(name)) = schema.get("discriminator") else {
        return Vec::new();
    };
    let mut failures = Vec::new();
    let defined = match schema.get("properties") {
        Some(Value::Object(properties)) => properties.contains_key(name),
        Some(Value::Array(items)) => (0..items.len()).any(|i| i.to_string() == *name),
        _ => false,
    };
    if !defined {
        failures.push(Failure::at(
            join(path, [key("properties")]),
            "The discriminator property must be defined in this schema.",
        ));
    }
    let required = matches!(schema.get("required"), Some(Value::Array(items)) if items.iter().any(|item| item.as_str() == Some(name)));
    if !required {
        failures.push(Failure::at(
            join(path, [key("required")]),
            "The discriminator property must be in the required property list.",
        ));
    }
    failures
}

/// `uniquenessTags`: every tag after the first with a name already used.
pub fn uniqueness_tags(tags: &Value, path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    let Value::Array(tags) = tags else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for tag in tags {
        match lookup.follow(tag).get("name") {
            Some(Value::String(name)) => names.push(name.as_str()),
            // Spectral takes only a list of tags with names.
            _ => return Vec::new(),
        }
    }
    names
        .iter()
        .enumerate()
        .filter(|(index, name)| names.iter().position(|other| other == *name) != Some(*index))
        .map(|(index, name)| {
            Failure::at(
                join(path, [Segment::Index(index), key("name")]),
                format!("\"tags\" object contains duplicate tag name \"{name}\"."),
            )
        })
        .collect()
}

/// `refSiblings`: the members next to a `$ref` (the target is the `$ref` itself).
pub fn ref_siblings(path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    let Some((_, parent_path)) = path.split_last() else {
        return Vec::new();
    };
    let mut node = lookup.document();
    for segment in parent_path {
        node = match (node, segment) {
            (Value::Object(map), Segment::Key(name)) => match map.get(name) {
                Some(next) => next,
                None => return Vec::new(),
            },
            (Value::Array(items), Segment::Index(index)) => match items.get(*index) {
                Some(next) => next,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    let Value::Object(object) = node else {
        return Vec::new();
    };
    if object.len() == 1 {
        return Vec::new();
    }
    object
        .keys()
        .filter(|name| *name != "$ref")
        .map(|name| {
            Failure::at(
                join(parent_path, [key(name)]),
                "$ref must not be placed next to any other properties",
            )
        })
        .collect()
}
