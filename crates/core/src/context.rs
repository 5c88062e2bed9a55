//! The shared services every use-case runs with: one struct the server builds at start
//! and hands to server functions (through Leptos context) and REST handlers alike.

use std::sync::Arc;

use crate::accounts::signup::SignupMode;
use crate::auth::throttle::Throttle;
use crate::outbound::AllowList;
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
    /// Where the server may connect for a user (webhooks, a document's broker).
    pub outbound: Arc<AllowList>,
    /// The bundled MQTT broker's TCP port, when it runs: the account page writes the
    /// command a new broker credential logs in with.
    pub mqtt_port: Option<u16>,
    /// Ends the bundled broker's connections granted an identity, answering how many
    /// (`None` when the broker is off): a revoked broker credential's clients are put out
    /// at once, not only refused at their next CONNECT.
    pub disconnect_broker_clients: Option<DisconnectBrokerClients>,
}

/// See [`ServerContext::disconnect_broker_clients`]; core knows no broker, the server
/// hands it this.
pub type DisconnectBrokerClients = Arc<dyn Fn(&str) -> usize + Send + Sync>;

impl ServerContext {
    /// A context over `db` with fresh counters.
    pub fn new(db: Db, signup: SignupMode) -> ServerContext {
        ServerContext {
            db,
            throttle: Throttle::new(),
            signup,
            outbound: Arc::default(),
            mqtt_port: None,
            disconnect_broker_clients: None,
        }
    }

    /// The same context allowing outward connections to `outbound`.
    pub fn with_outbound(self, outbound: Arc<AllowList>) -> ServerContext {
        ServerContext { outbound, ..self }
    }
}
