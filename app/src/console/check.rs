//! What the console checks in the browser before a publish leaves it: the payload
//! against the channel's message schemas (in the engine worker, the same spec engine the
//! server uses), and the example a payload editor starts with.

use serde_json::Value;
use spec_engine::{Channel, Model};

/// The payload schema of each of the channel's messages (`None` for one that accepts any
/// payload), as the engine's `closest_problems` takes them.
pub fn payload_schemas(model: &Model, channel: &Channel) -> Vec<Option<Value>> {
    channel
        .messages
        .iter()
        .filter_map(|id| model.message(id))
        .map(|m| m.checkable_payload().cloned())
        .collect()
}

/// `Ok` when some schema accepts `text` (or there is none), otherwise the problems of
/// the closest one as "path: message" lines. The check runs in the engine worker.
pub async fn check_payload(schemas: &[Option<Value>], text: &str) -> Result<(), Vec<String>> {
    if schemas.is_empty() || schemas.iter().any(Option::is_none) {
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
        .example_payload()
        .unwrap_or(Value::Object(Default::default()));
    match example {
        Value::String(text) => text,
        other => serde_json::to_string_pretty(&other).unwrap_or_default(),
    }
}
