//! The shared services every use-case runs with: one struct the server builds at start
//! and hands to server functions (through Leptos context) and REST handlers alike.

use std::sync::Arc;

use crate::accounts::signup::SignupMode;
use crate::auth::throttle::Throttle;
use crate::repo::Db;

/// Shared server state.
#[derive(Clone)]
pub struct ServerContext {
    /// The database, reached only through `repo`.
    pub db: Db,
    /// Attempt counters of log-ins, password changes and sign-ups.
    pub throttle: Arc<Throttle>,
    /// Who may sign up.
    pub signup: SignupMode,
    /// The bundled MQTT broker's TCP port, when it runs: the account page writes the
    /// command a new broker credential logs in with.
    pub mqtt_port: Option<u16>,
}

impl ServerContext {
    /// A context over `db` with fresh counters.
    pub fn new(db: Db, signup: SignupMode) -> ServerContext {
        ServerContext {
            db,
            throttle: Throttle::new(),
            signup,
            mqtt_port: None,
        }
    }
}
