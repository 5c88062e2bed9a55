//! The one error every use-case answers with: it says what went wrong in words a person
//! can act on, and knows the HTTP status it maps to, so server functions, the REST API
//! and the pages agree on both.

use serde::{Deserialize, Serialize};

use crate::dependencies::BrokenDependent;
use crate::diagnostic::DocumentDiagnostic;
use crate::diff::DiffReport;

/// Errors shown to users; the message is the user-facing text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Error {
    /// The request was understood but a field is wrong; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// The visitor must sign in first.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Signed in, but the role is not enough; the message says which role is needed.
    #[error("{0}")]
    Forbidden(String),
    /// The thing asked for does not exist (or is not visible to this user).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with what exists (a taken name, an immutable version).
    #[error("{0}")]
    Conflict(String),
    /// A document failed validation; every diagnostic is included.
    #[error("The document has {} problem(s); the first: {}", .0.len(), .0.first().map(|d| d.message.as_str()).unwrap_or("unknown"))]
    InvalidDocument(Vec<DocumentDiagnostic>),
    /// A release would break consumers in a way its version number does not allow: the
    /// report lists the changes against the release `base` it was compared with, and
    /// `breaks` the assets depending on an older version (those the caller may see).
    #[error("{message}")]
    BreakingChange {
        message: String,
        base: String,
        report: Box<DiffReport>,
        #[serde(default)]
        breaks: Vec<BrokenDependent>,
    },
    /// Too many failed attempts; the caller may retry after the given number of seconds.
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A server fault; the details are in the server log, never shown to the user.
    #[error("Something went wrong on the server. The details are in the server log.")]
    Internal,
}

impl Error {
    /// The HTTP status this error maps to: the single place where that decision is made.
    pub fn status_code(&self) -> u16 {
        match self {
            Error::Invalid(_) | Error::InvalidDocument(_) => 422,
            Error::Unauthenticated => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound(_) => 404,
            Error::Conflict(_) | Error::BreakingChange { .. } => 409,
            Error::TooManyAttempts { .. } => 429,
            Error::Internal => 500,
        }
    }
}

/// A database fault is the server's, never the user's: logged, answered as `Internal`.
#[cfg(feature = "sqlx")]
impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        Error::Internal
    }
}
