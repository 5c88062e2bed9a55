//! What the engine hands a page: an analysis (diagnostics and model, without the parsed
//! files) and a conversion. The engine worker sends them and the page reads them, so
//! both name one type.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Diagnostics and model of a project, and how long the analysis took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    pub model: Option<Model>,
    pub millis: f64,
    /// The published assets' documents (`portico:…` files) the project references and
    /// the input lacked: the page fetches them and analyses again.
    #[serde(default)]
    pub missing_dependencies: Vec<String>,
}

/// The answer to a conversion between YAML and JSON: the new text, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Converted {
    Text(String),
    Error(String),
}
