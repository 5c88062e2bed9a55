//! The functions of the built-in AsyncAPI ruleset (`portico:asyncapi`, Spectral's
//! `spectral:asyncapi`), written natively after Spectral's JavaScript ones: same inputs
//! ignored, same messages, same result paths, so findings compare one for one.

mod channels;
mod document_schema;
mod examples;
mod security;
mod uniqueness;

use portico_jsonpath::Segment;
use serde_json::{Map, Value};

use super::{
    Failure, Lookup, Target, join, key, keys, only_known, options_object, without_options,
};

/// An AsyncAPI function with its options checked.
pub enum AsyncApi {
    ChannelParameters,
    ChannelServers,
    MessageIdUniqueness,
    OperationIdUniqueness,
    MessageExamples,
    PayloadValidation,
    /// `asyncApiSchemaValidation`: a schema's `default` or its `examples`.
    SchemaValidation(examples::Relevant),
    /// `asyncApiDocumentSchema`; `resolved` picks the schema and the errors kept.
    DocumentSchema {
        resolved: bool,
    },
    Security {
        object_type: String,
    },
}

impl AsyncApi {
    /// The function by its ruleset name and its options checked; `None` when the name is
    /// not one of these.
    pub fn prepare(name: &str, options: Option<&Value>) -> Option<Result<AsyncApi, String>> {
        let none = |function: AsyncApi| without_options(name, options, function);
        let prepared = match name {
            "asyncApiChannelParameters" => none(AsyncApi::ChannelParameters),
            "asyncApi2ChannelServers" => none(AsyncApi::ChannelServers),
            "asyncApi2MessageIdUniqueness" => none(AsyncApi::MessageIdUniqueness),
            "asyncApi2OperationIdUniqueness" => none(AsyncApi::OperationIdUniqueness),
            "asyncApi2MessageExamplesValidation" => none(AsyncApi::MessageExamples),
            "asyncApiPayloadValidation" => none(AsyncApi::PayloadValidation),
            "asyncApiSchemaValidation" => schema_validation_options(options),
            "asyncApiDocumentSchema" => document_schema_options(options),
            "asyncApiSecurity" => security_options(options),
            _ => return None,
        };
        Some(prepared)
    }

    pub fn call(&self, target: Target<'_>, lookup: &dyn Lookup) -> Vec<Failure> {
        let path = target.path;
        let Some(value) = target.value else {
            return Vec::new();
        };
        match self {
            AsyncApi::ChannelParameters => channels::parameters(value, path, lookup),
            AsyncApi::ChannelServers => channels::servers(value, lookup),
            AsyncApi::MessageIdUniqueness => uniqueness::message_ids(value, lookup),
            AsyncApi::OperationIdUniqueness => uniqueness::operation_ids(value, lookup),
            AsyncApi::MessageExamples => examples::message_examples(value, path, lookup),
            AsyncApi::PayloadValidation => document_schema::payload(value, path, lookup),
            AsyncApi::SchemaValidation(relevant) => {
                examples::schema_items(value, *relevant, path, lookup)
            }
            AsyncApi::DocumentSchema { resolved } => {
                document_schema::check(value, *resolved, path, lookup)
            }
            AsyncApi::Security { object_type } => security::check(value, object_type, path, lookup),
        }
    }
}

fn schema_validation_options(options: Option<&Value>) -> Result<AsyncApi, String> {
    let name = "asyncApiSchemaValidation";
    let map = options_object(name, options, r#"{ "type": "default" }"#)?;
    only_known(name, map, &["type"])?;
    match map.get("type").and_then(Value::as_str) {
        Some("default") => Ok(AsyncApi::SchemaValidation(examples::Relevant::Default)),
        Some("examples") => Ok(AsyncApi::SchemaValidation(examples::Relevant::Examples)),
        _ => Err(format!(
            "\"{name}\" function and its \"type\" option accepts only the following values: \"default\", \"examples\""
        )),
    }
}

fn document_schema_options(options: Option<&Value>) -> Result<AsyncApi, String> {
    let name = "asyncApiDocumentSchema";
    let map = options_object(name, options, r#"{ "resolved": true }"#)?;
    only_known(name, map, &["resolved"])?;
    match map.get("resolved") {
        Some(Value::Bool(resolved)) => Ok(AsyncApi::DocumentSchema {
            resolved: *resolved,
        }),
        Some(_) => Err(format!(
            "\"{name}\" function and its \"resolved\" option accepts only the following types: boolean"
        )),
        None => Err(format!(
            "\"{name}\" function is missing \"resolved\" option"
        )),
    }
}

fn security_options(options: Option<&Value>) -> Result<AsyncApi, String> {
    let name = "asyncApiSecurity";
    let map = options_object(name, options, r#"{ "objectType": "Server" }"#)?;
    only_known(name, map, &["objectType"])?;
    match map.get("objectType") {
        None => Ok(AsyncApi::Security {
            object_type: "undefined".to_owned(),
        }),
        Some(Value::String(kind)) if kind == "Server" || kind == "Operation" => {
            Ok(AsyncApi::Security {
                object_type: kind.clone(),
            })
        }
        Some(_) => Err(format!(
            "\"{name}\" function and its \"objectType\" option accepts only the following values: \"Server\", \"Operation\""
        )),
    }
}

/// Every operation of an AsyncAPI 2 document as Spectral's `getAllOperations` lists
/// them: (path, operation), `subscribe` before `publish`, objects only.
fn operations<'v>(
    root: &'v Value,
    lookup: &'v dyn Lookup,
) -> Vec<(Vec<Segment>, &'v Map<String, Value>)> {
    let mut out = Vec::new();
    let Some(Value::Object(channels)) = root.get("channels").map(|c| lookup.follow(c)) else {
        return out;
    };
    for (address, channel) in channels {
        let Value::Object(channel) = lookup.follow(channel) else {
            continue;
        };
        for kind in ["subscribe", "publish"] {
            if let Some(Value::Object(operation)) = channel.get(kind).map(|o| lookup.follow(o)) {
                out.push((keys(&["channels", address, kind]), operation));
            }
        }
    }
    out
}

/// Every message of an AsyncAPI 2 document as Spectral's `getAllMessages` lists them:
/// an operation's message, or each object of its `oneOf`.
fn messages<'v>(
    root: &'v Value,
    lookup: &'v dyn Lookup,
) -> Vec<(Vec<Segment>, &'v Map<String, Value>)> {
    let mut out = Vec::new();
    for (path, operation) in operations(root, lookup) {
        let Some(Value::Object(message)) = operation.get("message").map(|m| lookup.follow(m))
        else {
            continue;
        };
        match message.get("oneOf").map(|o| lookup.follow(o)) {
            Some(Value::Array(choices)) => {
                for (index, choice) in choices.iter().enumerate() {
                    if let Value::Object(choice) = lookup.follow(choice) {
                        let at = join(&path, [key("message"), key("oneOf"), Segment::Index(index)]);
                        out.push((at, choice));
                    }
                }
            }
            _ => out.push((join(&path, [key("message")]), message)),
        }
    }
    out
}

/// A message or operation with its `traits` applied as Spectral's `mergeTraits` does:
/// each trait's members merged in, objects deeply, `null` deleting a member.
fn merge_traits(object: &Map<String, Value>, lookup: &dyn Lookup) -> Map<String, Value> {
    let mut merged = object.clone();
    if let Some(Value::Array(traits)) = object.get("traits").map(|t| lookup.follow(t)) {
        for item in traits {
            let Value::Object(item) = lookup.resolved(item).into_owned() else {
                continue;
            };
            for (name, patch) in item {
                let slot = merged.entry(name).or_insert(Value::Null);
                *slot = merge(std::mem::take(slot), patch);
            }
        }
    }
    merged
}

fn merge(origin: Value, patch: Value) -> Value {
    let Value::Object(patch) = patch else {
        return patch;
    };
    let mut result = match origin {
        Value::Object(origin) => origin,
        _ => Map::new(),
    };
    for (name, value) in patch {
        if value.is_null() {
            result.remove(&name);
        } else {
            let slot = result.entry(name).or_insert(Value::Null);
            *slot = merge(std::mem::take(slot), value);
        }
    }
    Value::Object(result)
}

#[cfg(test)]
mod tests;
