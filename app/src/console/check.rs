//! What the console checks in the browser before a publish leaves it: the payload
//! against the channel's message schemas (the same spec engine the server uses), and
//! the example a payload editor starts with.

use serde_json::Value;
use spec::{Channel, Model, PayloadSchema};

/// `Ok` when some message of the channel accepts `text` (or none can be checked),
/// otherwise the problems of the closest message, as "path: message" lines.
pub fn check_payload(model: &Model, channel: &Channel, text: &str) -> Result<(), Vec<String>> {
    let schemas: Vec<PayloadSchema> = channel
        .messages
        .iter()
        .filter_map(|id| model.message(id))
        .filter(|m| {
            m.schema_format
                .as_deref()
                .is_none_or(spec::is_json_schema_format)
        })
        .filter_map(|m| m.payload.as_ref())
        .filter_map(|schema| PayloadSchema::compile(schema).ok())
        .collect();
    if schemas.is_empty() {
        return Ok(());
    }
    let Ok(json) = serde_json::from_str::<Value>(text) else {
        return Err(vec![
            "The payload is not JSON, so it cannot match the message schema.".into(),
        ]);
    };
    let mut closest: Option<Vec<String>> = None;
    for schema in &schemas {
        let problems: Vec<String> = schema.check(&json).into_iter().map(|p| p.message).collect();
        if problems.is_empty() {
            return Ok(());
        }
        if closest.as_ref().is_none_or(|c| problems.len() < c.len()) {
            closest = Some(problems);
        }
    }
    Err(closest.unwrap_or_default())
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
        .or_else(|| message.payload.as_ref().map(spec::example_for))
        .unwrap_or(Value::Object(Default::default()));
    match example {
        Value::String(text) => text,
        other => serde_json::to_string_pretty(&other).unwrap_or_default(),
    }
}
