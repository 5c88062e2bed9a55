//! Inlines `$ref`s of a schema so consumers (docs, examples, payload checks) get one
//! self-contained tree. Recursion stays a `$ref` marker and the size is bounded, so a
//! recursive or huge schema never loops or balloons.

use serde_json::{Map, Value};

use crate::refs::{Documents, Target, resolve_target};

/// Most nodes one inlined schema may have; beyond, references stay references.
const NODE_BUDGET: usize = 20_000;
/// Deepest nesting followed while inlining.
const MAX_DEPTH: usize = 48;

/// The schema at `value` (found in `file`) with its references inlined.
pub fn inline_schema(documents: &Documents, file: &str, value: &Value) -> Value {
    let mut budget = NODE_BUDGET;
    let mut trail = Vec::new();
    inline(documents, file, value, &mut trail, &mut budget, 0)
}

fn inline(
    documents: &Documents,
    file: &str,
    value: &Value,
    trail: &mut Vec<String>,
    budget: &mut usize,
    depth: usize,
) -> Value {
    if *budget == 0 || depth > MAX_DEPTH {
        return value.clone();
    }
    *budget -= 1;
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let Ok(Target::Local {
                    file: target_file,
                    pointer,
                }) = resolve_target(file, reference)
                else {
                    return value.clone();
                };
                let key = format!("{target_file}#{pointer}");
                if trail.contains(&key) {
                    // Recursive schema: keep the reference, marked, instead of looping.
                    let mut marker = Map::new();
                    marker.insert("$ref".into(), Value::String(reference.to_owned()));
                    marker.insert("x-portico-recursive".into(), Value::Bool(true));
                    return Value::Object(marker);
                }
                let Some(target) = documents.get(&target_file, &pointer) else {
                    return value.clone();
                };
                trail.push(key);
                let result = inline(documents, &target_file, target, trail, budget, depth + 1);
                trail.pop();
                return result;
            }
            let mut out = Map::with_capacity(map.len());
            for (key, child) in map {
                let literal = matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                );
                let inlined = if literal {
                    child.clone()
                } else {
                    inline(documents, file, child, trail, budget, depth + 1)
                };
                out.insert(key.clone(), inlined);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| inline(documents, file, item, trail, budget, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Format;
    use crate::refs::LoadedFile;
    use serde_json::json;

    #[test]
    fn inlines_and_stops_at_recursion() {
        let mut documents = Documents::default();
        documents.files.insert(
            "m.yaml".into(),
            LoadedFile {
                value: json!({"defs": {"Node": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/defs/Node"}}
                }}}}),
                format: Format::Yaml,
            },
        );
        let inlined = inline_schema(&documents, "m.yaml", &json!({"$ref": "#/defs/Node"}));
        assert_eq!(inlined["properties"]["name"]["type"], "string");
        assert_eq!(
            inlined["properties"]["children"]["items"]["x-portico-recursive"],
            true
        );
    }
}
