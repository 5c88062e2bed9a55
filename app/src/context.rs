//! What the server hands to every render and server function: one state struct,
//! provided through Leptos context by the `server` crate.

use std::sync::Arc;

use crate::auth::throttle::LoginThrottle;
use crate::repo::Db;

/// Shared server state available to server functions via `expect_context`.
#[derive(Clone)]
pub struct ServerContext {
    /// The database, reached only through `repo`.
    pub db: Db,
    /// Failed-login counters per account and per client address.
    pub login_throttle: Arc<LoginThrottle>,
}

/// Fetches the server context inside a server function, or reports an internal error
/// (it is always provided by the server; a missing one is a wiring bug).
pub fn server_context() -> Result<ServerContext, crate::error::AppError> {
    leptos::prelude::use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext was not provided to this request");
        crate::error::AppError::Internal
    })
}
