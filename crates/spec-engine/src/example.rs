//! Deterministic example values from a schema: what the console prefills and the docs
//! show when a message has no example of its own. Same schema, same example, always.

use serde_json::{Map, Number, Value, json};

/// Deepest nesting generated; deeper parts are left out.
const MAX_DEPTH: usize = 12;

/// An example for an (inlined) schema: its own example/default/const/enum first, else one
/// built from the type.
pub fn example_for(schema: &Value) -> Value {
    generate(schema, 0)
}

fn generate(schema: &Value, depth: usize) -> Value {
    let Some(map) = schema.as_object() else {
        return Value::Null;
    };
    if depth > MAX_DEPTH || map.contains_key("x-portico-recursive") {
        return Value::Null;
    }
    if let Some(first) = map
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["example", "const", "default"] {
        if let Some(value) = map.get(key) {
            return value.clone();
        }
    }
    if let Some(first) = map
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = map
            .get(key)
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return generate(first, depth + 1);
        }
    }
    if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = generate(part, depth + 1) {
                merged.extend(fields);
            }
        }
        if let Some(Value::Object(own)) = object_example(map, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    let kind = match map.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if map.contains_key("properties") => "object",
        _ if map.contains_key("items") => "array",
        _ => "",
    };
    match kind {
        "object" => object_example(map, depth).unwrap_or_else(|| json!({})),
        "array" => {
            let item = map
                .get("items")
                .map(|items| generate(items, depth + 1))
                .unwrap_or(Value::Null);
            let count = map
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .clamp(1, 3) as usize;
            Value::Array(vec![item; count])
        }
        "string" => Value::String(string_example(map)),
        "integer" => {
            let minimum = map.get("minimum").and_then(Value::as_i64).or_else(|| {
                map.get("exclusiveMinimum")
                    .and_then(Value::as_i64)
                    .map(|m| m + 1)
            });
            Value::Number(minimum.unwrap_or(0).into())
        }
        "number" => map
            .get("minimum")
            .cloned()
            .unwrap_or_else(|| Value::Number(Number::from_f64(0.0).unwrap_or_else(|| 0.into()))),
        "boolean" => Value::Bool(true),
        _ => Value::Null,
    }
}

fn object_example(map: &Map<String, Value>, depth: usize) -> Option<Value> {
    let properties = map.get("properties")?.as_object()?;
    Some(Value::Object(
        properties
            .iter()
            .map(|(name, schema)| (name.clone(), generate(schema, depth + 1)))
            .collect(),
    ))
}

fn string_example(map: &Map<String, Value>) -> String {
    let by_format = match map.get("format").and_then(Value::as_str) {
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        Some("date-time") => "2024-01-01T12:00:00Z",
        Some("date") => "2024-01-01",
        Some("time") => "12:00:00Z",
        Some("email") => "user@example.com",
        Some("uri") | Some("url") => "https://example.com",
        Some("hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("byte") => "U3dhZ2dlciByb2Nrcw==",
        _ => "",
    };
    if !by_format.is_empty() {
        return by_format.to_owned();
    }
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut text = "string".to_owned();
    while text.len() < min {
        text.push('x');
    }
    if let Some(max) = map.get("maxLength").and_then(Value::as_u64) {
        text.truncate(max as usize);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_valid_looking_example() {
        let schema = json!({"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"},
            "qty": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "kind": {"const": "order"}
        }});
        assert_eq!(
            example_for(&schema),
            json!({
                "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "qty": 1, "tags": ["a"], "kind": "order"
            })
        );
        assert_eq!(example_for(&schema), example_for(&schema), "deterministic");
    }

    #[test]
    fn prefers_the_schema_s_own_examples() {
        assert_eq!(
            example_for(&json!({"type": "string", "examples": ["hi"]})),
            json!("hi")
        );
    }
}
