//! A JSON Schema shown as a tree people can read: each property with its type, format,
//! whether it is required, its constraints, enum values, default and examples. Deep or
//! recursive schemas stop at a fixed depth with a note instead of growing without end.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::markdown::Markdown;

/// Deepest level drawn; below, a note says the schema continues.
const MAX_DEPTH: usize = 10;
/// Most properties drawn per object; the rest are counted.
const MAX_PROPERTIES: usize = 200;

/// A schema tree.
#[component]
pub fn SchemaTree(schema: Value) -> impl IntoView {
    view! { <div class="schema-tree">{node(None, &schema, false, 0)}</div> }
}

/// A short type label: `string (date-time)`, `array of integer`, `one of 3`, `Order`.
pub fn type_label(schema: &Value) -> String {
    let Some(map) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => "any".into(),
            Value::Bool(false) => "nothing".into(),
            _ => String::new(),
        };
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("{name} (recursive)");
    }
    let mut label = match map.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => {
            if map.contains_key("properties") {
                "object".into()
            } else if let Some(kind) = ["oneOf", "anyOf", "allOf"]
                .into_iter()
                .find(|k| map.contains_key(*k))
            {
                let count = map.get(kind).and_then(Value::as_array).map_or(0, Vec::len);
                let words = match kind {
                    "oneOf" => "one of",
                    "anyOf" => "any of",
                    _ => "all of",
                };
                return format!("{words} {count}");
            } else if map.contains_key("const") {
                "const".into()
            } else if map.contains_key("enum") {
                "enum".into()
            } else {
                "any".into()
            }
        }
    };
    if label == "array"
        && let Some(items) = map.get("items")
    {
        let inner = type_label(items);
        if !inner.is_empty() {
            label = format!("array of {inner}");
        }
    }
    if let Some(format) = map.get("format").and_then(Value::as_str) {
        label.push_str(&format!(" ({format})"));
    }
    label
}

/// Constraints worth showing, as `name value` pairs.
fn constraints(map: &Map<String, Value>) -> Vec<String> {
    const KEYS: [&str; 14] = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "contentEncoding",
    ];
    KEYS.iter()
        .filter_map(|key| map.get(*key).map(|v| format!("{key} {}", compact(v))))
        .collect()
}

/// A value in one short line.
pub fn compact(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    if text.chars().count() > 120 {
        text.chars().take(117).collect::<String>() + "…"
    } else {
        text
    }
}

fn node(name: Option<&str>, schema: &Value, required: bool, depth: usize) -> AnyView {
    let map = schema.as_object();
    let label = type_label(schema);
    let description = map
        .and_then(|m| m.get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let title = map
        .and_then(|m| m.get("title"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let deprecated = map
        .and_then(|m| m.get("deprecated"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let enum_values: Vec<String> = map
        .and_then(|m| m.get("enum"))
        .and_then(Value::as_array)
        .map(|values| values.iter().take(50).map(compact).collect())
        .unwrap_or_default();
    let facts: Vec<String> = map
        .map(|m| {
            let mut facts = constraints(m);
            if let Some(value) = m.get("const") {
                facts.push(format!("const {}", compact(value)));
            }
            if let Some(value) = m.get("default") {
                facts.push(format!("default {}", compact(value)));
            }
            if let Some(value) = m
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
            {
                facts.push(format!("example {}", compact(value)));
            } else if let Some(value) = m.get("example") {
                facts.push(format!("example {}", compact(value)));
            }
            facts
        })
        .unwrap_or_default();
    let children = match map {
        Some(map) if depth < MAX_DEPTH => children(map, depth),
        Some(map) if has_children(map) => Some(
            view! { <p class="schema-more muted">"… nested deeper; see the source."</p> }
                .into_any(),
        ),
        _ => None,
    };
    view! {
        <div class="schema-node" data-depth=depth>
            <div class="schema-line">
                {name.map(|n| view! { <code class="schema-name">{n.to_owned()}</code> })}
                <span class="schema-type">{label}</span>
                {required.then(|| view! { <span class="badge required">"required"</span> })}
                {deprecated.then(|| view! { <span class="badge lifecycle-deprecated">"deprecated"</span> })}
                {title.map(|t| view! { <span class="schema-title">{t}</span> })}
            </div>
            {description.map(|d| view! { <Markdown text=d/> })}
            {(!enum_values.is_empty()).then(|| view! {
                <p class="schema-facts">"one of: "
                    {enum_values.into_iter().map(|v| view! { <code>{v}</code>" " }).collect_view()}
                </p>
            })}
            {(!facts.is_empty()).then(|| view! {
                <p class="schema-facts">{facts.join(" · ")}</p>
            })}
            {children}
        </div>
    }
    .into_any()
}

fn has_children(map: &Map<String, Value>) -> bool {
    [
        "properties",
        "items",
        "oneOf",
        "anyOf",
        "allOf",
        "additionalProperties",
    ]
    .iter()
    .any(|k| map.get(*k).is_some_and(|v| v.is_object() || v.is_array()))
}

fn children(map: &Map<String, Value>, depth: usize) -> Option<AnyView> {
    let mut parts: Vec<AnyView> = Vec::new();
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, property) in properties.iter().take(MAX_PROPERTIES) {
            parts.push(node(
                Some(name),
                property,
                required.contains(&name.as_str()),
                depth + 1,
            ));
        }
        if properties.len() > MAX_PROPERTIES {
            let more = properties.len() - MAX_PROPERTIES;
            parts.push(
                view! { <p class="schema-more muted">{format!("… and {more} more properties; see the source.")}</p> }
                    .into_any(),
            );
        }
    }
    if let Some(items) = map.get("items")
        && items.as_object().is_some_and(has_children)
    {
        parts.push(node(Some("[ ]"), items, false, depth + 1));
    }
    if let Some(extra) = map.get("additionalProperties").filter(|v| v.is_object()) {
        parts.push(node(Some("{ * }"), extra, false, depth + 1));
    }
    for kind in ["oneOf", "anyOf", "allOf"] {
        if let Some(branches) = map.get(kind).and_then(Value::as_array) {
            for (index, branch) in branches.iter().enumerate().take(MAX_PROPERTIES) {
                let name = branch
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{kind} #{}", index + 1));
                parts.push(node(Some(&name), branch, false, depth + 1));
            }
        }
    }
    (!parts.is_empty()).then(|| view! { <div class="schema-children">{parts}</div> }.into_any())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_say_what_a_value_is() {
        assert_eq!(
            type_label(&json!({"type": "string", "format": "date-time"})),
            "string (date-time)"
        );
        assert_eq!(
            type_label(&json!({"type": "array", "items": {"type": "integer"}})),
            "array of integer"
        );
        assert_eq!(type_label(&json!({"oneOf": [{}, {}, {}]})), "one of 3");
        assert_eq!(
            type_label(&json!({"$ref": "#/components/schemas/Node"})),
            "Node (recursive)"
        );
        assert_eq!(
            type_label(&json!({"type": ["string", "null"]})),
            "string | null"
        );
        assert_eq!(type_label(&json!({"properties": {}})), "object");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = Value::String("x".repeat(500));
        assert!(compact(&long).chars().count() <= 120);
    }
}
