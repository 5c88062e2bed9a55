//! What the exchange needs to know about a document before it accepts it: valid or not
//! (with diagnostics), its kind and spec version, the title, description and tags to list
//! it by, the names inside it that search should find and the channels it sends and
//! receives on.
//!
//! The spec engine decides; this module only maps its answer to what the exchange stores.

use portico_types::{AssetKind, DocumentDiagnostic};

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
    /// The channels its application sends and receives on (AsyncAPI; empty otherwise),
    /// for the event map.
    pub channels: Vec<spec_engine::ChannelSide>,
}

/// Validates a document with the spec engine; the facts when it has no error, else every
/// diagnostic (warnings included, so the author sees them too).
pub fn inspect_document(text: &str) -> Result<DocumentFacts, Vec<DocumentDiagnostic>> {
    facts_of_analysis(
        &spec_engine::analyze(&spec_engine::Input::single("document", text)),
        false,
    )
}

/// The facts of an analysed document or project when it has no error, else every
/// diagnostic; `name_files` puts each diagnostic's file before its message (for a
/// project of several files).
pub fn facts_of_analysis(
    analysis: &spec_engine::Analysis,
    name_files: bool,
) -> Result<DocumentFacts, Vec<DocumentDiagnostic>> {
    match &analysis.model {
        Some(model) if !analysis.has_errors() => Ok(facts_of(model)),
        _ => Err(analysis
            .diagnostics
            .iter()
            .map(|d| document_diagnostic(d, name_files))
            .collect()),
    }
}

/// A diagnostic as the exchange reports it; `name_files` puts its file before its
/// message (for a project of several files).
pub fn document_diagnostic(d: &spec_engine::Diagnostic, name_files: bool) -> DocumentDiagnostic {
    DocumentDiagnostic {
        severity: d.severity.to_string(),
        message: if name_files {
            format!("{}: {}", d.file, d.message)
        } else {
            d.message.clone()
        },
        pointer: d.pointer.clone(),
        line: d.line,
        column: d.column,
        rule: d.rule.clone(),
    }
}

fn facts_of(model: &spec_engine::Model) -> DocumentFacts {
    let kind = match model.kind {
        spec_engine::Kind::AsyncApi => AssetKind::AsyncApi,
        spec_engine::Kind::OpenApi => AssetKind::OpenApi,
    };
    DocumentFacts {
        kind,
        spec_version: model.spec_version.clone(),
        title: model.info.title.clone(),
        description: model.info.description.clone().unwrap_or_default(),
        tags: model.tags.iter().map(|t| t.name.clone()).collect(),
        search_terms: spec_engine::content_index(model).terms().join(" "),
        channels: spec_engine::channel_sides(model),
    }
}
