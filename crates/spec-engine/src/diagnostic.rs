//! Diagnostics: what is wrong, how bad it is, and where (JSON pointer, file, line, column).

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is, most serious first; only errors make a document
/// invalid. `Hint` comes from rulesets only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        })
    }
}

/// One finding about a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A sentence a person understands, naming the field.
    pub message: String,
    /// JSON pointer to the offending value in `file` ("" is the whole document).
    pub pointer: String,
    /// The project-relative file the pointer applies to.
    pub file: String,
    /// 1-based line, when the pointer could be located in the source.
    pub line: Option<u32>,
    /// 1-based column, when the pointer could be located in the source.
    pub column: Option<u32>,
    /// The id of the ruleset rule that found it; none for the document's own checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl Diagnostic {
    /// An error at a pointer of a file; the position is filled in later.
    pub fn error(file: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, file, pointer, message)
    }

    /// A warning at a pointer of a file.
    pub fn warning(file: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, file, pointer, message)
    }

    /// A diagnostic of any severity.
    pub fn new(
        severity: Severity,
        file: &str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            pointer: pointer.into(),
            file: file.to_owned(),
            line: None,
            column: None,
            rule: None,
        }
    }

    /// Sets a known position.
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

#[cfg(feature = "engine")]
/// Escapes one reference token for a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(feature = "engine")]
/// Appends a token to a pointer.
pub fn child_pointer(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}
