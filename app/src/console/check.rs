//! What the console checks in the browser before a publish leaves it: the payload
//! against the channel's message schemas (in the engine worker, the same spec engine the
//! server uses), and the example a payload editor starts with.

use serde_json::Value;
use spec_engine::{Channel, Model};

/// The JSON Schemas of the channel's messages that a payload is checked against.
pub fn payload_schemas(model: &Model, channel: &Channel) -> Vec<Value> {
    channel
        .messages
        .iter()
        .filter_map(|id| model.message(id))
        .filter(|m| {
            m.schema_format
                .as_deref()
                .is_none_or(spec_engine::is_json_schema_format)
        })
        .filter_map(|m| m.payload.clone())
        .collect()
}

/// `Ok` when some schema accepts `text` (or there is none), otherwise the problems of
/// the closest one as "path: message" lines. The check runs in the engine worker.
pub async fn check_payload(schemas: &[Value], text: &str) -> Result<(), Vec<String>> {
    if schemas.is_empty() {
        return Ok(());
    }
    match crate::engine_client::check_payload(schemas, text).await {
        Ok(problems) if problems.is_empty() => Ok(()),
        Ok(problems) => Err(problems),
        Err(error) => Err(vec![error.to_string()]),
    }
}

/// The payload a channel's editor starts with: the first message's own example, else one
/// generated from its schema, pretty-printed.
pub fn example_text(model: &Model, channel: &Channel) -> String {
    let Some(message) = channel.messages.iter().find_map(|id| model.message(id)) else {
        return "{}".into();
    };
    let example = message
        .examples
        .iter()
        .find_map(|e| e.payload.clone())
        .or_else(|| message.payload.as_ref().map(spec_engine::example_for))
        .unwrap_or(Value::Object(Default::default()));
    match example {
        Value::String(text) => text,
        other => serde_json::to_string_pretty(&other).unwrap_or_default(),
    }
}
