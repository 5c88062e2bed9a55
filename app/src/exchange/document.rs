//! What the exchange needs to know about a document before it accepts it: valid or not
//! (with diagnostics), its kind and spec version, the title, description and tags to list
//! it by, and the names inside it that search should find.
//!
//! Interim: this reads the document tree directly and checks only what listing needs
//! (kind, version, info.title). The spec engine (`spec` crate) replaces it with full
//! validation and its content index.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AssetKind;

/// One problem in a document, located by JSON pointer and by line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDiagnostic {
    pub severity: String,
    pub message: String,
    pub pointer: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl DocumentDiagnostic {
    fn error(message: impl Into<String>, pointer: &str) -> DocumentDiagnostic {
        DocumentDiagnostic {
            severity: "error".into(),
            message: message.into(),
            pointer: pointer.into(),
            line: None,
            column: None,
        }
    }
}

/// The facts of a valid document that the exchange stores beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    pub kind: AssetKind,
    pub spec_version: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Space-separated names from inside the document, for full-text search.
    pub search_terms: String,
}

/// Checks a document; the facts when it has no error, else every diagnostic.
pub fn inspect_document(text: &str) -> Result<DocumentFacts, Vec<DocumentDiagnostic>> {
    let tree: Value = serde_yaml::from_str(text).map_err(|error| {
        let mut diagnostic = DocumentDiagnostic::error(
            format!("The document is not valid YAML or JSON: {error}"),
            "",
        );
        if let Some(location) = error.location() {
            diagnostic.line = u32::try_from(location.line()).ok();
            diagnostic.column = u32::try_from(location.column()).ok();
        }
        vec![diagnostic]
    })?;
    let (kind, spec_version) = match (
        tree.get("asyncapi").and_then(Value::as_str),
        tree.get("openapi").and_then(Value::as_str),
    ) {
        (Some(version), None) => (AssetKind::AsyncApi, version.to_owned()),
        (None, Some(version)) => (AssetKind::OpenApi, version.to_owned()),
        _ => {
            return Err(vec![DocumentDiagnostic::error(
                "The document is neither AsyncAPI nor OpenAPI: it needs a top-level `asyncapi` or `openapi` version string.",
                "",
            )]);
        }
    };
    let title = tree
        .pointer("/info/title")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            vec![DocumentDiagnostic::error(
                "info.title is required.",
                "/info",
            )]
        })?;
    let description = tree
        .pointer("/info/description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let tags = tree
        .get("tags")
        .or_else(|| tree.pointer("/info/tags"))
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut terms = Vec::new();
    collect_terms(&tree, 0, &mut terms);
    Ok(DocumentFacts {
        kind,
        spec_version,
        title: title.to_owned(),
        description: description.to_owned(),
        tags,
        search_terms: terms.join(" "),
    })
}

/// Collects the keys and identifying strings of the document (channel and message names,
/// operation ids, schema property names, addresses), bounded in depth.
fn collect_terms(value: &Value, depth: usize, terms: &mut Vec<String>) {
    if depth > 64 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if !key.starts_with('$') {
                    terms.push(key.clone());
                }
                let names_something = matches!(
                    key.as_str(),
                    "operationId" | "address" | "name" | "title" | "messageId"
                );
                if let (true, Some(text)) = (names_something, child.as_str()) {
                    terms.push(text.to_owned());
                }
                collect_terms(child, depth + 1, terms);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_terms(item, depth + 1, terms)),
        _ => {}
    }
}
