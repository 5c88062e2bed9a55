//! The shared services every use-case runs with: one struct the server builds at start
//! and hands to server functions (through Leptos context) and REST handlers alike.

use std::sync::Arc;

use crate::auth::throttle::LoginThrottle;
use crate::repo::Db;

/// Shared server state.
#[derive(Clone)]
pub struct ServerContext {
    /// The database, reached only through `repo`.
    pub db: Db,
    /// Failed-login counters per account and per client address.
    pub login_throttle: Arc<LoginThrottle>,
}
