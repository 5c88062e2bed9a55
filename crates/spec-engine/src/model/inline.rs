//! Inlines `$ref`s of a schema so consumers (docs, examples, payload checks) get one
//! self-contained tree. Recursion stays a `$ref` marker and the size is bounded, per
//! schema and over a whole analysis, so a recursive or huge schema never loops or
//! balloons, and many messages referencing one large schema do not each copy it.

use std::cell::Cell;

use serde_json::{Map, Value};

use crate::refs::{Documents, Target, resolve_target};

/// Most nodes one inlined schema may have; beyond, references stay references.
const NODE_BUDGET: usize = 20_000;
/// Deepest nesting followed while inlining.
const MAX_DEPTH: usize = 48;
/// What one copied node costs besides its strings: a `Value` and its map entry.
const NODE_BYTES: usize = 64;

/// What inlining may still copy over one analysis, in bytes (64 a node plus its keys and
/// strings): one budget for every schema the rules and the model inline, so the cost of
/// a document's schemas is bounded by the document, not by how often they are used.
#[derive(Debug)]
pub struct InlineBudget {
    remaining: Cell<usize>,
    limit: usize,
    cut: Cell<bool>,
}

impl InlineBudget {
    /// A budget of `bytes` for one analysis.
    pub fn new(bytes: usize) -> InlineBudget {
        InlineBudget {
            remaining: Cell::new(bytes),
            limit: bytes,
            cut: Cell::new(false),
        }
    }

    /// The budget it was made with, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether some schema was cut short because the budget ran out.
    pub fn ran_out(&self) -> bool {
        self.cut.get()
    }

    /// Takes `bytes` if that much is left.
    fn take(&self, bytes: usize) -> bool {
        match self.remaining.get().checked_sub(bytes) {
            Some(left) => {
                self.remaining.set(left);
                true
            }
            None => {
                self.remaining.set(0);
                self.cut.set(true);
                false
            }
        }
    }
}

/// Marks where inlining stopped because the budget ran out (payload checks read it as
/// "anything goes", like a recursion marker).
pub(crate) const TRUNCATED_MARKER: &str = "x-portico-truncated";

/// The schema at `value` (found in `file`) with its references inlined, within what is
/// left of `budget`.
pub fn inline_schema(
    documents: &Documents,
    file: &str,
    value: &Value,
    budget: &InlineBudget,
) -> Value {
    let mut nodes = NODE_BUDGET;
    let mut trail = Vec::new();
    let mut inliner = Inliner {
        documents,
        trail: &mut trail,
        nodes: &mut nodes,
        budget,
    };
    inliner.inline(file, value, 0)
}

struct Inliner<'a> {
    documents: &'a Documents,
    /// `file#pointer` of the references being inlined, outermost first.
    trail: &'a mut Vec<String>,
    /// Nodes left for this schema.
    nodes: &'a mut usize,
    budget: &'a InlineBudget,
}

impl Inliner<'_> {
    fn inline(&mut self, file: &str, value: &Value, depth: usize) -> Value {
        let own = match value {
            Value::String(text) => text.len(),
            _ => 0,
        };
        if *self.nodes == 0 || depth > MAX_DEPTH || !self.budget.take(NODE_BYTES + own) {
            return cut_short(value);
        }
        *self.nodes -= 1;
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    return self.follow(file, value, reference, depth);
                }
                let mut out = Map::with_capacity(map.len());
                for (key, child) in map {
                    if !self.budget.take(key.len()) {
                        out.insert(TRUNCATED_MARKER.into(), Value::Bool(true));
                        break;
                    }
                    let literal = matches!(
                        key.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    );
                    let inlined = if literal {
                        match copy_cost(child, self.budget.remaining.get()) {
                            Some(cost) if self.budget.take(cost) => child.clone(),
                            _ => {
                                self.budget.cut.set(true);
                                continue;
                            }
                        }
                    } else {
                        self.inline(file, child, depth + 1)
                    };
                    out.insert(key.clone(), inlined);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.inline(file, item, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The target of `reference` (written in `file` as `value`) inlined, or a marker
    /// when it is already being inlined further out (recursion).
    fn follow(&mut self, file: &str, value: &Value, reference: &str, depth: usize) -> Value {
        let Ok(Target::Local {
            file: target_file,
            pointer,
        }) = resolve_target(file, reference)
        else {
            return value.clone();
        };
        let key = format!("{target_file}#{pointer}");
        if self.trail.contains(&key) {
            // Recursive schema: keep the reference, marked, instead of looping.
            let mut marker = Map::new();
            marker.insert("$ref".into(), Value::String(reference.to_owned()));
            marker.insert("x-portico-recursive".into(), Value::Bool(true));
            return Value::Object(marker);
        }
        let Some(target) = self.documents.get(&target_file, &pointer) else {
            return value.clone();
        };
        self.trail.push(key);
        let result = self.inline(&target_file, target, depth + 1);
        self.trail.pop();
        result
    }
}

/// Where inlining stops: a reference stays a reference (without its siblings), anything
/// else becomes a marker, so stopping never copies what it did not inline.
fn cut_short(value: &Value) -> Value {
    let mut marker = Map::new();
    match value {
        Value::Object(map) if let Some(reference) = map.get("$ref").and_then(Value::as_str) => {
            marker.insert("$ref".into(), Value::String(reference.to_owned()));
        }
        Value::Object(_) | Value::Array(_) => {
            marker.insert(TRUNCATED_MARKER.into(), Value::Bool(true));
        }
        Value::String(text) if text.len() > NODE_BYTES => {
            marker.insert(TRUNCATED_MARKER.into(), Value::Bool(true));
        }
        other => return other.clone(),
    }
    Value::Object(marker)
}

/// What copying `value` costs in budget bytes, or `None` once that passes `most` (the walk
/// stops there).
fn copy_cost(value: &Value, most: usize) -> Option<usize> {
    let mut cost = 0usize;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        cost += NODE_BYTES;
        match value {
            Value::String(text) => cost += text.len(),
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => {
                for (key, child) in map {
                    cost += key.len();
                    pending.push(child);
                }
            }
            _ => {}
        }
        if cost > most {
            return None;
        }
    }
    Some(cost)
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
        let budget = InlineBudget::new(1 << 20);
        let inlined = inline_schema(
            &documents,
            "m.yaml",
            &json!({"$ref": "#/defs/Node"}),
            &budget,
        );
        assert_eq!(inlined["properties"]["name"]["type"], "string");
        assert_eq!(
            inlined["properties"]["children"]["items"]["x-portico-recursive"],
            true
        );
    }

    #[test]
    fn one_budget_is_shared_by_every_schema_it_inlines() {
        let mut documents = Documents::default();
        let properties: Map<String, Value> = (0..100)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"type": "string", "example": "e".repeat(50)}),
                )
            })
            .collect();
        documents.files.insert(
            "m.yaml".into(),
            LoadedFile {
                value: json!({"defs": {"Big": {"type": "object", "properties": properties}}}),
                format: Format::Yaml,
            },
        );
        let reference = json!({"$ref": "#/defs/Big"});
        // Enough for one copy (~100 properties of ~200 bytes), not for two.
        let budget = InlineBudget::new(30_000);
        let first = inline_schema(&documents, "m.yaml", &reference, &budget);
        assert_eq!(first["properties"].as_object().map(Map::len), Some(100));
        assert!(!budget.ran_out());
        let second = inline_schema(&documents, "m.yaml", &reference, &budget);
        assert!(budget.ran_out());
        let third = inline_schema(&documents, "m.yaml", &reference, &budget);
        assert_eq!(third, reference, "a spent budget keeps the reference");
        assert_ne!(second, first, "the second copy is cut short");
    }
}
