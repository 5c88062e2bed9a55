//! Checking a message payload against its schema, with the path of each failure: what
//! the channel console shows as the valid/invalid badge.

#[cfg(feature = "engine")]
use jsonschema::Validator;
#[cfg(feature = "engine")]
use serde_json::Value;

/// AsyncAPI schema formats that are JSON Schema (or close enough to check payloads with).
pub fn is_json_schema_format(format: &str) -> bool {
    let format = format.to_ascii_lowercase();
    format.starts_with("application/vnd.aai.asyncapi")
        || format.starts_with("application/schema+json")
        || format.starts_with("application/schema+yaml")
}

#[cfg(feature = "engine")]
/// One reason a payload does not match.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PayloadProblem {
    /// JSON pointer into the payload ("" for the payload itself).
    pub pointer: String,
    pub message: String,
}

#[cfg(feature = "engine")]
/// A compiled payload schema: compile once per message, check many payloads.
pub struct PayloadSchema {
    validator: Validator,
}

#[cfg(feature = "engine")]
impl PayloadSchema {
    /// Compiles an (inlined) schema. Draft 7 unless the schema says otherwise; references
    /// that remain (recursion markers, external) never trigger a fetch.
    pub fn compile(schema: &Value) -> Result<PayloadSchema, String> {
        let schema = strip_markers(schema);
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema)
            .map(|validator| PayloadSchema { validator })
            .map_err(|error| format!("the schema cannot be used to check payloads: {error}"))
    }

    /// The problems of a payload, empty when it matches.
    pub fn check(&self, payload: &Value) -> Vec<PayloadProblem> {
        self.validator
            .iter_errors(payload)
            .take(20)
            .map(|error| {
                let pointer = error.instance_path().to_string();
                let place = if pointer.is_empty() {
                    "the payload".to_owned()
                } else {
                    pointer.trim_start_matches('/').replace('/', ".")
                };
                PayloadProblem {
                    message: format!("{place}: {error}"),
                    pointer,
                }
            })
            .collect()
    }
}

#[cfg(feature = "engine")]
/// Recursion markers left by inlining become "anything goes" (the referenced part was
/// checked where it was first inlined), and so do the markers where its budget ran out.
fn strip_markers(schema: &Value) -> Value {
    match schema {
        Value::Object(map)
            if map.get("x-portico-recursive").is_some()
                || map.get(crate::model::TRUNCATED_MARKER).is_some() =>
        {
            Value::Bool(true)
        }
        Value::Object(map)
            if map
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| !r.starts_with('#')) =>
        {
            Value::Bool(true)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), strip_markers(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_markers).collect()),
        other => other.clone(),
    }
}

/// The problems of a payload on a channel whose messages have `schemas` (`None` for a
/// message whose payload cannot be checked, which accepts anything): none when some
/// message accepts it, else those of the message it comes closest to (fewest problems).
/// `payload` is `None` when it is not JSON. The console on the server and the browser's
/// check before a publish both answer with this.
#[cfg(feature = "engine")]
pub fn closest_problems(
    schemas: &[Option<PayloadSchema>],
    payload: Option<&Value>,
) -> Vec<PayloadProblem> {
    if schemas.is_empty() || schemas.iter().any(Option::is_none) {
        return Vec::new();
    }
    let Some(payload) = payload else {
        return vec![PayloadProblem {
            pointer: String::new(),
            message: "The payload is not JSON, so it cannot match the message schema.".into(),
        }];
    };
    let mut closest: Option<Vec<PayloadProblem>> = None;
    for schema in schemas.iter().flatten() {
        let problems = schema.check(payload);
        if problems.is_empty() {
            return problems;
        }
        if closest.as_ref().is_none_or(|c| problems.len() < c.len()) {
            closest = Some(problems);
        }
    }
    closest.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_failing_field() {
        let schema = json!({"type": "object", "required": ["orderId"], "properties": {"qty": {"type": "integer"}}});
        let checker = PayloadSchema::compile(&schema).unwrap();
        assert!(checker.check(&json!({"orderId": "1", "qty": 2})).is_empty());
        let problems = checker.check(&json!({"qty": "two"}));
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().any(|p| p.message.contains("orderId")));
        assert!(problems.iter().any(|p| p.pointer == "/qty"));
    }
}
