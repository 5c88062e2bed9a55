//! What an analysis hands a page: the diagnostics and model, without the parsed files.
//! The engine worker sends it and the page reads it, so both name one type.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Diagnostics and model of a project, and how long the analysis took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    pub model: Option<Model>,
    pub millis: f64,
}
