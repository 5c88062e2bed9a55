//! A semantic, direction-aware diff of two versions of an API document (AsyncAPI 2.x and
//! 3.x, across them too, and OpenAPI 3.x): what was added, removed or changed, whether it
//! breaks consumers, and the semver bump it calls for. See [`rules`] for the catalog.
//!
//! Both sides are analysed with [`crate::analyze_outline`] (or [`crate::analyze`]); the
//! comparers read the model (which parts exist, where each is written) and the resolved
//! documents (details, schemas).

mod asyncapi;
mod common;
mod differ;
mod locate;
mod openapi;
mod overrides;
pub mod rules;
mod schema;
#[cfg(test)]
mod tests;

use crate::analysis::{Analysis, analyze_outline};
use crate::detect::Kind;
use crate::diagnostic::{Diagnostic, Severity as DiagnosticSeverity};
use crate::input::Input;

pub use overrides::{OverridesError, RuleOverrides};
pub use portico_types::diff::{
    Bump, Change, DiffReport, DiffWarning, Direction, Group, GroupKind, Location, Severity, Side,
};
/// The report's types live in `portico_types::diff`, so pages and errors can carry them.
mod report {
    pub use portico_types::diff::*;
}
pub use rules::{RuleInfo, Scope, rule, rules};

/// How to compare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Severity overrides (an organisation's setting, `--rules FILE`).
    pub overrides: RuleOverrides,
}

/// Why two documents could not be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// A side is not JSON or YAML, or is not an AsyncAPI or OpenAPI document of a known
    /// version; its diagnostics say where.
    #[error("The {side} document cannot be compared: {}", .diagnostics.first().map_or("it does not parse.", |d| d.message.as_str()))]
    Unreadable {
        side: &'static str,
        diagnostics: Vec<Diagnostic>,
    },
    /// One side is AsyncAPI and the other OpenAPI.
    #[error(
        "The old document is {old} and the new one is {new}; only two AsyncAPI or two OpenAPI documents can be compared."
    )]
    KindMismatch {
        old: &'static str,
        new: &'static str,
    },
}

/// The model, documents and kind of an analysis, or why it has none.
fn readable<'x>(
    analysis: &'x Analysis,
    side: &'static str,
) -> Result<(&'x crate::model::Model, &'x crate::refs::Documents, Kind), DiffError> {
    match (&analysis.model, &analysis.documents, analysis.kind) {
        (Some(model), Some(documents), Some(kind)) => Ok((model, documents, kind)),
        _ => Err(DiffError::Unreadable {
            side,
            diagnostics: analysis
                .diagnostics
                .iter()
                .filter(|d| d.severity == DiagnosticSeverity::Error)
                .cloned()
                .collect(),
        }),
    }
}

/// Compares two versions of an API document.
pub fn diff(old: &Input, new: &Input, options: &DiffOptions) -> Result<DiffReport, DiffError> {
    let (old_analysis, new_analysis) = (analyze_outline(old), analyze_outline(new));
    diff_analyzed(old, &old_analysis, new, &new_analysis, options)
}

/// [`diff`] of inputs already analysed (the server keeps analyses of published versions).
pub fn diff_analyzed(
    old: &Input,
    old_analysis: &Analysis,
    new: &Input,
    new_analysis: &Analysis,
    options: &DiffOptions,
) -> Result<DiffReport, DiffError> {
    let (old_model, old_documents, old_kind) = readable(old_analysis, "old")?;
    let (new_model, new_documents, new_kind) = readable(new_analysis, "new")?;
    if old_kind != new_kind {
        let name = |kind: Kind| match kind {
            Kind::AsyncApi => "AsyncAPI",
            Kind::OpenApi => "OpenAPI",
        };
        return Err(DiffError::KindMismatch {
            old: name(old_kind),
            new: name(new_kind),
        });
    }
    let mut warnings = Vec::new();
    for (analysis, side) in [(old_analysis, Side::Old), (new_analysis, Side::New)] {
        for d in analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == DiagnosticSeverity::Error)
        {
            warnings.push(DiffWarning {
                side: Some(side),
                message: format!("Not valid: {}", d.message),
                file: Some(d.file.clone()),
                pointer: Some(d.pointer.clone()),
                line: d.line,
                column: d.column,
            });
        }
    }
    let major = |version: &str| version.split('.').next().unwrap_or_default().to_owned();
    if old_kind == Kind::AsyncApi
        && major(&old_model.spec_version) != major(&new_model.spec_version)
    {
        warnings.push(DiffWarning {
            side: None,
            message: format!(
                "AsyncAPI {} is compared with AsyncAPI {} through the version-independent model (2.x `publish` is 3.x `receive`, `subscribe` is `send`); channels are matched by address.",
                old_model.spec_version, new_model.spec_version
            ),
            file: None,
            pointer: None,
            line: None,
            column: None,
        });
    }
    let mut differ = differ::Differ::new(
        differ::Side::new(old_documents, old_model, old),
        differ::Side::new(new_documents, new_model, new),
        &options.overrides,
    );
    match old_kind {
        Kind::AsyncApi => differ.compare_asyncapi(),
        Kind::OpenApi => differ.compare_openapi(),
    }
    let changes = locate::finish(&differ);
    Ok(DiffReport::new(changes, warnings))
}
