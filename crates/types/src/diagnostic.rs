//! A problem in a document as the exchange reports it: to the Publish dialog, in a 422
//! answer of the REST API, and to the CLI.

use serde::{Deserialize, Serialize};

/// One problem in a document, located by JSON pointer and by line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Diagnostic))]
pub struct DocumentDiagnostic {
    /// `error`, `warning`, `info` or `hint`.
    pub severity: String,
    pub message: String,
    pub pointer: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The governance rule that found it; none for the document's own checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}
