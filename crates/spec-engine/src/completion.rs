//! Completions at the cursor: the keys the official JSON Schema of the document's
//! specification allows at that place (YAML), and the targets of local `$ref`s.
//!
//! The place is found from the text's indentation, not from a parse: while someone
//! types, the text at the cursor rarely parses (`  ke` under a mapping), and the keys
//! above it must still be known.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A completion offered at the cursor, as CodeMirror takes it.
#[derive(Debug, Clone, Serialize)]
pub struct Completion {
    pub label: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply: Option<String>,
}

/// Where completions are asked for (1-based line and column).
#[derive(Debug, Clone, Deserialize)]
pub struct CompletionRequest {
    pub text: String,
    pub line: u32,
    pub column: u32,
    pub prefix: String,
}

/// Most completions offered at once.
const MAX_ITEMS: usize = 300;
/// Deepest `$ref`/combinator chain followed while resolving a path in a schema.
const MAX_HOPS: usize = 24;

/// The completions for a request in the file at `path`.
pub fn completions_at(path: &str, request: &CompletionRequest) -> Vec<Completion> {
    let line_text = request
        .text
        .lines()
        .nth(request.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let before: String = line_text
        .chars()
        .take(request.column.saturating_sub(1) as usize)
        .collect();
    if request.prefix.starts_with('#') || before.contains("$ref") {
        return reference_targets(&request.text);
    }
    if path.to_ascii_lowercase().ends_with(".json") {
        return Vec::new();
    }
    let Some(schema) = schema_for(&request.text) else {
        return Vec::new();
    };
    let key_path = yaml_key_path(&request.text, request.line);
    let written = written_keys(&request.text, request.line);
    let mut keys = keys_at(&schema, &key_path);
    keys.retain(|key| !written.contains(&key.label));
    keys
}

/// The official schema for the document's `asyncapi:` / `openapi:` line.
fn schema_for(text: &str) -> Option<Value> {
    let (field, version) = text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        let key = key.trim().trim_matches(['"', '\'']);
        matches!(key, "asyncapi" | "openapi").then(|| {
            (
                key.to_owned(),
                value.trim().trim_matches(['"', '\'']).to_owned(),
            )
        })
    })?;
    let mut root = Map::new();
    root.insert(field, Value::String(version));
    let detected = crate::detect(&Value::Object(root)).ok()?;
    Some(crate::schema_json(detected.schema))
}

/// The chain of mapping keys that encloses `line` (1-based), by indentation; `*` stands
/// for a sequence item.
pub fn yaml_key_path(text: &str, line: u32) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let index = (line.saturating_sub(1) as usize).min(lines.len());
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    // An item marker on the current line belongs to the enclosing key's value.
    let mut limit = lines.get(index).map_or(0, |l| key_column(l).0);
    let mut path = Vec::new();
    for l in lines[..index].iter().rev() {
        if limit == 0 {
            break;
        }
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(l);
        if indent >= limit {
            // A sibling item of a sequence we are inside: note the item level.
            continue;
        }
        let (item, rest) = match trimmed.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if item && indent + 2 <= limit {
            if let Some((key, _)) = rest.split_once(':')
                && indent + 2 < limit
            {
                path.push(clean_key(key));
            }
            path.push("*".to_owned());
        } else if let Some((key, _)) = rest.split_once(':') {
            path.push(clean_key(key));
        }
        limit = indent;
    }
    path.reverse();
    path
}

/// The keys already written in the mapping that `line` (1-based) belongs to, found by
/// indentation like `yaml_key_path`: offering one again would only make a duplicate key.
/// The key on `line` itself is left out (it is the one being typed).
pub fn written_keys(text: &str, line: u32) -> HashSet<String> {
    let lines: Vec<&str> = text.lines().collect();
    let index = (line.saturating_sub(1) as usize).min(lines.len());
    let mut keys = HashSet::new();
    // The line after a final line break is empty: `lines` has no entry for it.
    let (level, starts_item, _) = key_column(lines.get(index).copied().unwrap_or(""));
    // Upward to where the mapping starts; a line that starts a sequence item has none of
    // its mapping above it.
    if !starts_item {
        for l in lines[..index].iter().rev() {
            match mapping_line(l, level) {
                MappingLine::Key(key, is_item) => {
                    keys.insert(key);
                    if is_item {
                        break;
                    }
                }
                MappingLine::Deeper => {}
                MappingLine::Outside => break,
            }
        }
    }
    // Downward to where it ends: a shallower line or the next item of the sequence.
    for l in lines.iter().skip(index + 1) {
        match mapping_line(l, level) {
            MappingLine::Key(_, true) | MappingLine::Outside => break,
            MappingLine::Key(key, false) => {
                keys.insert(key);
            }
            MappingLine::Deeper => {}
        }
    }
    keys
}

/// Where a line's key starts, whether the line starts a sequence item (`- key: ...`), and
/// what follows the item marker.
fn key_column(line: &str) -> (usize, bool, &str) {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    match trimmed.strip_prefix("- ") {
        Some(rest) => (indent + 2, true, rest),
        None => (indent, false, trimmed),
    }
}

/// What a line is to the mapping whose keys start at column `level`.
enum MappingLine {
    /// One of its keys; `true` when the line also starts a sequence item.
    Key(String, bool),
    /// Inside one of its values, a comment or a blank line.
    Deeper,
    /// Before or after it.
    Outside,
}

fn mapping_line(line: &str, level: usize) -> MappingLine {
    let (column, is_item, rest) = key_column(line);
    if rest.trim().is_empty() || rest.starts_with('#') || column > level {
        return MappingLine::Deeper;
    }
    if column < level {
        return MappingLine::Outside;
    }
    match rest.split_once(':') {
        Some((key, _)) => MappingLine::Key(clean_key(key), is_item),
        None => MappingLine::Outside,
    }
}

fn clean_key(key: &str) -> String {
    key.trim().trim_matches(['"', '\'']).to_owned()
}

/// Follows `$ref`s to the schema that describes a value (for its description).
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..MAX_HOPS {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| lookup(root, reference))
        {
            Some(next) => current = next,
            None => return current,
        }
    }
    current
}

/// The schema a `$ref` in the official bundles points at: `#/...` pointers, and
/// AsyncAPI's `definitions` keyed by full ids.
fn lookup<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    match reference.strip_prefix('#') {
        Some(pointer) => root.pointer(pointer),
        None => root.get("definitions").and_then(|d| d.get(reference)),
    }
}

/// Every schema a value at this place may have to satisfy: the schema itself, what its
/// `$ref` points at (2020-12 schemas keep keywords beside `$ref`), and its combinators.
fn alternatives<'a>(root: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > MAX_HOPS || out.len() > 64 {
        return;
    }
    out.push(schema);
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| lookup(root, reference))
    {
        alternatives(root, target, out, depth + 1);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            for branch in branches {
                alternatives(root, branch, out, depth + 1);
            }
        }
    }
    for key in ["then", "else"] {
        if let Some(branch) = schema.get(key) {
            alternatives(root, branch, out, depth + 1);
        }
    }
}

/// The schemas of the value under `key` in an object described by `schema`.
fn child<'a>(root: &'a Value, schema: &'a Value, key: &str) -> Vec<&'a Value> {
    let mut all = Vec::new();
    alternatives(root, schema, &mut all, 0);
    let mut found = Vec::new();
    for s in all {
        if key == "*" {
            if let Some(items) = s.get("items") {
                found.push(items);
            }
            continue;
        }
        if let Some(property) = s.get("properties").and_then(|p| p.get(key)) {
            found.push(property);
            continue;
        }
        // Pattern properties (`^x-` extensions aside) and additional properties describe
        // maps keyed by names the author chooses: channels, messages, schemas.
        if !key.starts_with("x-") {
            if let Some(patterns) = s.get("patternProperties").and_then(Value::as_object) {
                for (pattern, value) in patterns {
                    if !pattern.contains("x-") {
                        found.push(value);
                    }
                }
            }
            if let Some(extra) = s.get("additionalProperties").filter(|v| v.is_object()) {
                found.push(extra);
            }
        }
    }
    found
}

/// Property names allowed at `path`, with their descriptions.
pub fn keys_at(root: &Value, path: &[String]) -> Vec<Completion> {
    let mut level: Vec<&Value> = vec![root];
    for key in path {
        level = level
            .into_iter()
            .flat_map(|s| child(root, s, key))
            .collect();
        level.truncate(64);
        if level.is_empty() {
            return Vec::new();
        }
    }
    let mut keys: BTreeMap<String, Option<String>> = BTreeMap::new();
    for schema in level {
        let mut all = Vec::new();
        alternatives(root, schema, &mut all, 0);
        for s in all {
            if let Some(properties) = s.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    let description = resolve(root, property)
                        .get("description")
                        .and_then(Value::as_str)
                        .map(|d| d.chars().take(120).collect());
                    let entry = keys.entry(name.clone()).or_default();
                    if entry.is_none() {
                        *entry = description;
                    }
                }
            }
        }
    }
    keys.into_iter()
        .take(MAX_ITEMS)
        .map(|(name, description)| Completion {
            apply: Some(format!("{name}: ")),
            label: name,
            kind: "property",
            detail: description,
        })
        .collect()
}

/// `#/...` pointers to the reusable parts of the document.
pub fn reference_targets(text: &str) -> Vec<Completion> {
    let Ok((root, _)) = crate::parse_text(text, &crate::Limits::default()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    if let Some(components) = root.get("components").and_then(Value::as_object) {
        for (section, entries) in components {
            for name in entries.as_object().into_iter().flat_map(|m| m.keys()) {
                out.push((
                    format!("#/components/{section}/{}", escape(name)),
                    section.as_str(),
                ));
            }
        }
    }
    for top in ["channels", "operations", "servers"] {
        for (name, value) in root
            .get(top)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            out.push((format!("#/{top}/{}", escape(name)), top));
            if top == "channels" {
                for message in value
                    .get("messages")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|m| m.keys())
                {
                    out.push((
                        format!("#/channels/{}/messages/{}", escape(name), escape(message)),
                        "messages",
                    ));
                }
            }
        }
    }
    out.into_iter()
        .take(MAX_ITEMS)
        .map(|(pointer, section)| Completion {
            label: pointer,
            kind: "variable",
            detail: Some(section.to_owned()),
            apply: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(items: &[Completion]) -> Vec<&str> {
        items.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn the_key_path_follows_indentation() {
        let text = "asyncapi: 3.0.0\ninfo:\n  title: x\n  \nchannels:\n  order:\n    messages:\n      A:\n        ";
        assert_eq!(yaml_key_path(text, 4), ["info"]);
        assert_eq!(
            yaml_key_path(text, 9),
            ["channels", "order", "messages", "A"]
        );
        assert_eq!(yaml_key_path(text, 1), Vec::<String>::new());
    }

    #[test]
    fn sequence_items_are_stepped_into() {
        let text = "openapi: 3.1.0\nservers:\n  - url: x\n    ";
        assert_eq!(yaml_key_path(text, 4), ["servers", "*"]);
    }

    #[test]
    fn asyncapi_keys_come_from_the_official_schema() {
        let text = "asyncapi: 3.0.0\ninfo:\n  title: x\n  \n";
        let request = CompletionRequest {
            text: text.into(),
            line: 4,
            column: 3,
            prefix: String::new(),
        };
        let items = completions_at("a.yaml", &request);
        let names = labels(&items);
        assert!(
            names.contains(&"version") && names.contains(&"contact"),
            "{names:?}"
        );

        let top = CompletionRequest {
            text: "asyncapi: 3.0.0\n".into(),
            line: 2,
            column: 1,
            prefix: String::new(),
        };
        let names: Vec<String> = completions_at("a.yaml", &top)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert!(
            names.contains(&"channels".to_owned()) && names.contains(&"operations".to_owned()),
            "{names:?}"
        );

        let channel = "asyncapi: 3.0.0\nchannels:\n  order:\n    \n";
        let request = CompletionRequest {
            text: channel.into(),
            line: 4,
            column: 5,
            prefix: String::new(),
        };
        let names: Vec<String> = completions_at("a.yaml", &request)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert!(
            names.contains(&"address".to_owned()) && names.contains(&"messages".to_owned()),
            "{names:?}"
        );
    }

    #[test]
    fn keys_already_written_are_not_offered_again() {
        let text = "asyncapi: 3.0.0\ninfo:\n  title: x\n  \n  version: 1.0.0\nchannels: {}\n";
        assert_eq!(
            written_keys(text, 4),
            HashSet::from(["title".to_owned(), "version".to_owned()])
        );
        let names = |line: u32, column: u32| -> Vec<String> {
            let request = CompletionRequest {
                text: text.into(),
                line,
                column,
                prefix: String::new(),
            };
            completions_at("a.yaml", &request)
                .into_iter()
                .map(|c| c.label)
                .collect()
        };
        let in_info = names(4, 3);
        assert!(in_info.contains(&"contact".to_owned()), "{in_info:?}");
        assert!(
            !in_info.contains(&"title".to_owned()) && !in_info.contains(&"version".to_owned()),
            "{in_info:?}"
        );
        // The empty line after the final line break.
        let at_top = names(7, 1);
        assert!(at_top.contains(&"operations".to_owned()), "{at_top:?}");
        assert!(
            !at_top.contains(&"info".to_owned()) && !at_top.contains(&"asyncapi".to_owned()),
            "{at_top:?}"
        );
    }

    #[test]
    fn each_sequence_item_is_its_own_mapping() {
        let text =
            "servers:\n  - url: a\n    description: b\n  - \n  - url: c\n    variables: {}\n";
        // A new item: neither its neighbours' keys nor those after it.
        assert!(written_keys(text, 4).is_empty());
        // Inside the first item: its own keys only.
        let first = "servers:\n  - url: a\n    \n    description: b\n  - url: c\n";
        assert_eq!(
            written_keys(first, 3),
            HashSet::from(["url".to_owned(), "description".to_owned()])
        );
    }

    #[test]
    fn openapi_keys_come_from_the_official_schema() {
        let text = "openapi: 3.1.0\npaths:\n  /items:\n    get:\n      \n";
        let request = CompletionRequest {
            text: text.into(),
            line: 5,
            column: 7,
            prefix: String::new(),
        };
        let names: Vec<String> = completions_at("o.yaml", &request)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert!(
            names.contains(&"operationId".to_owned()) && names.contains(&"responses".to_owned()),
            "{names:?}"
        );
    }

    #[test]
    fn local_reference_targets_are_offered() {
        let text = "asyncapi: 3.0.0\nchannels:\n  order:\n    messages:\n      Order:\n        $ref: '#/components/messages/Order'\ncomponents:\n  messages:\n    Order: {}\n  schemas:\n    A/B: {}\n";
        let request = CompletionRequest {
            text: text.into(),
            line: 6,
            column: 16,
            prefix: "#/".into(),
        };
        let items = completions_at("a.yaml", &request);
        let names = labels(&items);
        assert!(names.contains(&"#/components/messages/Order"), "{names:?}");
        assert!(names.contains(&"#/components/schemas/A~1B"), "{names:?}");
        assert!(
            names.contains(&"#/channels/order/messages/Order"),
            "{names:?}"
        );
    }
}
