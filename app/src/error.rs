//! The one error type that crosses the server-function boundary: it says what went wrong
//! in words a person can act on, and carries the HTTP status it maps to.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Errors shown to users; the message is the user-facing text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
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
    InvalidDocument(Vec<crate::exchange::document::DocumentDiagnostic>),
    /// Too many failed attempts; the caller may retry after the given number of seconds.
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A server fault; the details are in the server log, never shown to the user.
    #[error("Something went wrong on the server. The details are in the server log.")]
    Internal,
    /// The browser could not talk to the server (network, encoding).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error maps to: the single place where that decision is made.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::InvalidDocument(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

/// Sets the HTTP status (and Retry-After) of the current server-function response from
/// an error, so API clients and no-JS form posts see the right code.
#[cfg(feature = "ssr")]
pub fn respond_with(error: AppError) -> AppError {
    use http::{HeaderValue, StatusCode, header::RETRY_AFTER};
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = StatusCode::from_u16(error.status_code()) {
            response.set_status(status);
        }
        if let AppError::TooManyAttempts { retry_after_secs } = &error {
            response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    error
}
