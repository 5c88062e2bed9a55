//! What the exchange needs to know about a document before it accepts it: valid or not
//! (with diagnostics), its kind and spec version, the title, description and tags to list
//! it by, and the names inside it that search should find.
//!
//! The spec engine decides; this module only maps its answer to what the exchange stores.

use serde::{Deserialize, Serialize};

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

#[cfg(feature = "ssr")]
/// Validates a document with the spec engine; the facts when it has no error, else every
/// diagnostic (warnings included, so the author sees them too).
pub fn inspect_document(text: &str) -> Result<DocumentFacts, Vec<DocumentDiagnostic>> {
    let analysis = spec::analyze(&spec::Input::single("document", text));
    match analysis.model {
        Some(model) if !analysis.has_errors() => Ok(facts_of(&model)),
        _ => Err(analysis
            .diagnostics
            .into_iter()
            .map(|d| DocumentDiagnostic {
                severity: d.severity.to_string(),
                message: d.message,
                pointer: d.pointer,
                line: d.line,
                column: d.column,
            })
            .collect()),
    }
}

#[cfg(feature = "ssr")]
fn facts_of(model: &spec::Model) -> DocumentFacts {
    let kind = match model.kind {
        spec::Kind::AsyncApi => AssetKind::AsyncApi,
        spec::Kind::OpenApi => AssetKind::OpenApi,
    };
    DocumentFacts {
        kind,
        spec_version: model.spec_version.clone(),
        title: model.info.title.clone(),
        description: model.info.description.clone().unwrap_or_default(),
        tags: model.tags.iter().map(|t| t.name.clone()).collect(),
        search_terms: spec::content_index(model).terms().join(" "),
    }
}
