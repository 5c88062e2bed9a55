//! The error that crosses the server-function boundary: what the server's use-case said
//! (`portico_types::Error`, with its HTTP status), or that the browser could not reach it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use portico_types::Error;
use serde::{Deserialize, Serialize};

/// Errors shown to users; the message is the user-facing text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The server answered with an error.
    #[error(transparent)]
    Server(#[from] Error),
    /// The browser could not talk to the server (network, encoding).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error maps to.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Server(error) => error.status_code(),
            AppError::Transport(_) => 500,
        }
    }

    /// Whether the visitor must sign in first (pages then offer the log-in link).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, AppError::Server(Error::Unauthenticated))
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// Sets the HTTP status (and Retry-After) of the current server-function response from
/// an error, so API clients and no-JS form posts see the right code.
#[cfg(feature = "ssr")]
pub fn respond_with(error: impl Into<AppError>) -> AppError {
    use http::{HeaderValue, StatusCode, header::RETRY_AFTER};
    let error = error.into();
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = StatusCode::from_u16(error.status_code()) {
            response.set_status(status);
        }
        if let AppError::Server(Error::TooManyAttempts { retry_after_secs }) = &error {
            response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    error
}
