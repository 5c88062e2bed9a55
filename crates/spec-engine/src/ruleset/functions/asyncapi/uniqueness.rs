//! `asyncApi2OperationIdUniqueness`, `asyncApi2MessageIdUniqueness`: an AsyncAPI 2
//! `operationId` (or `messageId`) is used once. The id that counts is the one the last
//! trait setting it gives, else the object's own; each repeat is reported where it is set.

use portico_jsonpath::Segment;
use serde_json::{Map, Value};

use super::{Failure, Lookup, join, key, messages, operations};

pub fn operation_ids(root: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    if !channels_well_formed(root, lookup) {
        return Vec::new();
    }
    repeats(
        operations(root, lookup),
        "operationId",
        "\"operationId\" must be unique across all the operations.",
        lookup,
    )
}

pub fn message_ids(root: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    if !channels_well_formed(root, lookup) {
        return Vec::new();
    }
    repeats(
        messages(root, lookup),
        "messageId",
        "\"messageId\" must be unique across all the messages.",
        lookup,
    )
}

/// The input Spectral's functions accept: `channels`, when present, is an object (and
/// so are its members named `subscribe` and `publish`, which the input schema, written
/// one level too high, checks).
fn channels_well_formed(root: &Value, lookup: &dyn Lookup) -> bool {
    match root.get("channels").map(|c| lookup.follow(c)) {
        None => true,
        Some(Value::Object(channels)) => ["subscribe", "publish"].iter().all(|name| {
            channels
                .get(*name)
                .is_none_or(|member| lookup.follow(member).is_object())
        }),
        Some(_) => false,
    }
}

fn repeats(
    objects: Vec<(Vec<Segment>, &Map<String, Value>)>,
    field: &str,
    message: &str,
    lookup: &dyn Lookup,
) -> Vec<Failure> {
    let mut seen: Vec<String> = Vec::new();
    let mut failures = Vec::new();
    for (path, object) in objects {
        let Some((id, at)) = effective_id(object, field, lookup) else {
            continue;
        };
        if seen.contains(&id) {
            failures.push(Failure::at(join(&path, at), message));
        } else {
            seen.push(id);
        }
    }
    failures
}

/// The id an object ends up with, and where it is written relative to the object.
fn effective_id(
    object: &Map<String, Value>,
    field: &str,
    lookup: &dyn Lookup,
) -> Option<(String, Vec<Segment>)> {
    if let Some(Value::Array(traits)) = object.get("traits").map(|t| lookup.follow(t)) {
        for (index, item) in traits.iter().enumerate().rev() {
            if let Some(Value::String(id)) =
                lookup.follow(item).get(field).map(|i| lookup.follow(i))
            {
                return Some((
                    id.clone(),
                    vec![key("traits"), Segment::Index(index), key(field)],
                ));
            }
        }
    }
    match object.get(field).map(|i| lookup.follow(i)) {
        Some(Value::String(id)) => Some((id.clone(), vec![key(field)])),
        _ => None,
    }
}
