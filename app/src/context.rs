//! The server's shared services inside a server function or page render: the `server`
//! crate provides `portico_core::ServerContext` through Leptos context.

use portico_core::Error;
pub use portico_core::ServerContext;

use crate::error::AppError;

/// Fetches the server context inside a server function, or reports an internal error
/// (it is always provided by the server; a missing one is a wiring bug).
pub fn server_context() -> Result<ServerContext, AppError> {
    leptos::prelude::use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext was not provided to this request");
        AppError::Server(Error::Internal)
    })
}
