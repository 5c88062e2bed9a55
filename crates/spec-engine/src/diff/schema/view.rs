//! A schema as its readers see it: the schema itself and, flattened, the subschemas of
//! its `allOf` (inheritance), so a property moved into a base schema is the same
//! property and a keyword set in a base applies.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diff::differ::{FastSet, Id, Node, Side};

/// Most levels of `allOf` flattened.
const MAX_FLATTEN: usize = 8;

pub(crate) struct View<'a> {
    /// The schema itself, references followed.
    pub node: Node<'a>,
    /// The schema, then each `allOf` subschema (depth first), references followed.
    parts: Vec<Node<'a>>,
}

impl<'a> View<'a> {
    pub fn of(side: &Side<'a>, node: Node<'a>) -> View<'a> {
        if node.value.get("allOf").is_none() {
            return View {
                parts: vec![node.clone()],
                node,
            };
        }
        let mut parts = Vec::new();
        let mut seen = FastSet::default();
        flatten(side, node.clone(), &mut parts, &mut seen, 0);
        View { node, parts }
    }

    /// Whether the schema has no `allOf` subschemas: it is all there is.
    pub fn single(&self) -> bool {
        self.parts.len() == 1
    }

    /// The first value of `key` in the schema or its `allOf` subschemas.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.parts.iter().find_map(|part| part.get(key))
    }

    /// Whether `key` is `true`.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|n| n.value == &Value::Bool(true))
    }

    /// Every property, where it is declared (the first declaration wins).
    pub fn properties(&self) -> Vec<(&'a str, Node<'a>)> {
        let mut out: Vec<(&'a str, Node<'a>)> = Vec::new();
        let mut names = FastSet::default();
        for part in &self.parts {
            let Some(properties) = part.get("properties") else {
                continue;
            };
            for (name, node) in properties.entries() {
                if names.insert(name) {
                    out.push((name, node));
                }
            }
        }
        out
    }

    /// The names listed as required anywhere in the schema.
    pub fn required(&self) -> BTreeSet<&'a str> {
        self.parts
            .iter()
            .filter_map(|part| part.value.get("required").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// Whether properties beyond the listed ones are rejected.
    pub fn closed(&self) -> bool {
        let closed = |key: &str| {
            self.get(key)
                .is_some_and(|n| n.value == &Value::Bool(false))
        };
        closed("additionalProperties") || closed("unevaluatedProperties")
    }

    /// The declared types without `null`; inferred from object or array keywords when
    /// `type` is absent; `None` when any type is allowed.
    pub fn types(&self) -> Option<BTreeSet<String>> {
        match self.get("type").map(|n| n.value) {
            Some(Value::String(t)) => Some(
                BTreeSet::from([t.clone()])
                    .into_iter()
                    .filter(|t| t != "null")
                    .collect(),
            ),
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .map(str::to_owned)
                    .collect(),
            ),
            _ => {
                let has = |key: &str| self.get(key).is_some();
                if has("properties") || has("additionalProperties") || has("required") {
                    Some(BTreeSet::from(["object".to_owned()]))
                } else if has("items") || has("prefixItems") {
                    Some(BTreeSet::from(["array".to_owned()]))
                } else {
                    None
                }
            }
        }
    }

    /// Whether `type` is written (rather than inferred or absent).
    pub fn typed(&self) -> bool {
        self.get("type").is_some()
    }

    /// Whether `null` is allowed (`nullable: true`, `null` in `type`, `null` in `enum`).
    pub fn nullable(&self) -> bool {
        let in_type = match self.get("type").map(|n| n.value) {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(items)) => items.iter().any(|t| t == "null"),
            _ => false,
        };
        in_type || self.flag("nullable")
    }

    /// The `oneOf` or `anyOf` alternatives of the schema itself, with the keyword.
    pub fn alternatives(&self) -> Option<(&'static str, Node<'a>)> {
        ["oneOf", "anyOf"].into_iter().find_map(|key| {
            self.node
                .get(key)
                .filter(|n| n.value.is_array())
                .map(|n| (key, n))
        })
    }

    /// The `allOf` subschemas of the schema itself, as written.
    pub fn all_of(&self) -> Vec<Node<'a>> {
        self.node
            .get("allOf")
            .map(|n| n.items())
            .unwrap_or_default()
    }
}

fn flatten<'a>(
    side: &Side<'a>,
    node: Node<'a>,
    parts: &mut Vec<Node<'a>>,
    seen: &mut FastSet<Id>,
    depth: usize,
) {
    if depth > MAX_FLATTEN || !seen.insert(node.id) {
        return;
    }
    let subschemas = node.get("allOf").map(|n| n.items()).unwrap_or_default();
    parts.push(node);
    for subschema in subschemas {
        let resolved = side.resolve(subschema);
        flatten(side, resolved, parts, seen, depth + 1);
    }
}
