//! Checks of operations: a success response, formData with a form media type, unique
//! operationIds, unique parameters, tags that are declared.

use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup, join, key, keys, operations};
use crate::ruleset::format::Format;
use crate::ruleset::functions::js;

/// `oasOpSuccessResponse`: some response is 2xx or 3xx (`2XX`/`3XX` count in OpenAPI 3).
pub fn success_response(responses: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let Value::Object(responses) = responses else {
        return Vec::new();
    };
    let oas3 = lookup.formats().contains(&Format::Oas3);
    let success = responses.keys().any(|code| {
        if oas3 && (code == "2XX" || code == "3XX") {
            return true;
        }
        let number = js::number(&Value::String(code.clone()));
        (200.0..400.0).contains(&number)
    });
    if success {
        Vec::new()
    } else {
        vec![Failure::at_target(
            "Operation must define at least a single 2xx or 3xx response",
        )]
    }
}

/// `oasOpFormDataConsumeCheck`: an operation with formData parameters consumes a form
/// media type. Like Spectral, only an operation that has both `consumes` and
/// `parameters` of its own is checked.
pub fn form_data_consume(operation: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let (Some(Value::Array(parameters)), Some(Value::Array(consumes))) = (
        operation.get("parameters").map(|v| lookup.follow(v)),
        operation.get("consumes").map(|v| lookup.follow(v)),
    ) else {
        return Vec::new();
    };
    let form_data = parameters.iter().any(|parameter| {
        lookup.follow(parameter).get("in").and_then(Value::as_str) == Some("formData")
    });
    let joined = consumes.iter().map(js_string).collect::<Vec<_>>().join(",");
    let form_type = joined.contains("application/x-www-form-urlencoded")
        || joined.contains("multipart/form-data");
    if form_data && !form_type {
        vec![Failure::at_target(
            "Consumes must include urlencoded, multipart, or form-data media type when using formData parameter.",
        )]
    } else {
        Vec::new()
    }
}

/// `oasOpIdUnique`: the second and later operations with an operationId already used.
pub fn operation_id_unique(paths: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let mut seen: Vec<&Value> = Vec::new();
    let mut failures = Vec::new();
    for (path, method, operation) in operations(paths, lookup) {
        let Some(id) = operation.get("operationId") else {
            continue;
        };
        let id = lookup.follow(id);
        if seen.iter().any(|other| same_value(other, id)) {
            failures.push(Failure::at(
                keys(&["paths", path, method, "operationId"]),
                "operationId must be unique.",
            ));
        } else {
            seen.push(id);
        }
    }
    failures
}

/// `oasOpParams`: no two parameters with the same `in` and `name`, no body next to
/// formData, a single body.
pub fn parameters(parameters: &Value, path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    let Value::Array(parameters) = parameters else {
        return Vec::new();
    };
    if parameters.len() < 2 {
        return Vec::new();
    }
    let mut fingerprints: Vec<String> = Vec::new();
    let mut duplicates = Vec::new();
    let mut bodies = Vec::new();
    let mut form_data = 0;
    for (index, parameter) in parameters.iter().enumerate() {
        let Value::Object(parameter) = lookup.follow(parameter) else {
            continue;
        };
        if parameter.contains_key("$ref") {
            continue;
        }
        let text = |name: &str| parameter.get(name).map_or("undefined".into(), js_string);
        let fingerprint = format!("{}-{}", text("in"), text("name"));
        if fingerprints.contains(&fingerprint) {
            duplicates.push(index);
        } else {
            fingerprints.push(fingerprint);
        }
        match parameter.get("in").and_then(Value::as_str) {
            Some("body") => bodies.push(index),
            Some("formData") => form_data += 1,
            _ => {}
        }
    }
    let mut failures: Vec<Failure> = duplicates
        .into_iter()
        .map(|index| {
            Failure::at(
                join(path, [Segment::Index(index)]),
                "A parameter in this operation already exposes the same combination of \"name\" and \"in\" values.",
            )
        })
        .collect();
    if !bodies.is_empty() && form_data > 0 {
        failures.push(Failure::at_target(
            "Operation must not have both \"in:body\" and \"in:formData\" parameters.",
        ));
    }
    for index in bodies.into_iter().skip(1) {
        failures.push(Failure::at(
            join(path, [Segment::Index(index)]),
            "Operation must not have more than a single instance of the \"in:body\" parameter.",
        ));
    }
    failures
}

/// `oasTagDefined`: every tag of an operation is declared in the top-level `tags`.
pub fn tag_defined(root: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let Value::Object(root) = root else {
        return Vec::new();
    };
    let declared: Vec<&str> = match root.get("tags").map(|t| lookup.follow(t)) {
        Some(Value::Array(tags)) => tags
            .iter()
            .filter_map(|tag| lookup.follow(tag).get("name").and_then(Value::as_str))
            .collect(),
        _ => Vec::new(),
    };
    let Some(paths) = root.get("paths") else {
        return Vec::new();
    };
    let mut failures = Vec::new();
    for (path, method, operation) in operations(paths, lookup) {
        let Some(Value::Array(tags)) = operation.get("tags").map(|t| lookup.follow(t)) else {
            continue;
        };
        for (index, tag) in tags.iter().enumerate() {
            let known = matches!(lookup.follow(tag), Value::String(name) if declared.contains(&name.as_str()));
            if !known {
                failures.push(Failure::at(
                    vec![
                        key("paths"),
                        key(path),
                        key(method),
                        key("tags"),
                        Segment::Index(index),
                    ],
                    "Operation tags must be defined in global tags.",
                ));
            }
        }
    }
    failures
}

/// `String(value)` in JavaScript, for the values JSON has.
pub(super) fn js_string(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "null".into(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => match number.as_f64() {
            Some(n) if n.fract() == 0.0 && n.abs() < 1e21 => format!("{n:.0}"),
            _ => number.to_string(),
        },
        Value::Array(items) => items.iter().map(js_string).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// `Array.prototype.includes` equality (SameValueZero): containers by identity.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(_) | Value::Object(_), _) => std::ptr::eq(a, b),
        _ => js::strict_equals(a, b),
    }
}
