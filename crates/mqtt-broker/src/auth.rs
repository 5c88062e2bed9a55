//! Who may connect and what a client may do: the hook the embedding server implements
//! (it checks tokens in its database), so the broker itself knows no users.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

/// How long an authentication may take before the client is refused (Not authorized):
/// a database that hangs must not pile up half-open connections.
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(10);

/// The MQTT version a client speaks, so an authenticator can log or refuse by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1 (protocol level 4).
    V311,
    /// MQTT 5.
    V5,
}

/// What a client presented in its CONNECT, handed to the [`Authenticator`].
#[derive(Debug, Clone)]
pub struct Login {
    /// The client identifier as sent (empty when the client let the broker assign one).
    pub client_id: String,
    /// The user name, `None` when the CONNECT has none (or an empty one).
    pub username: Option<String>,
    /// The password, `None` when the CONNECT has none (or an empty one).
    pub password: Option<Vec<u8>>,
    /// The protocol version of the CONNECT.
    pub protocol: ProtocolVersion,
    /// Where the connection comes from (for TCP and TLS the socket's peer; for
    /// [`crate::BrokerHandle::serve_connection`] what the caller passed).
    pub peer: SocketAddr,
}

/// What an authenticated client may do, and the namespace it lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// A topic prefix such as `orgs/acme/` (a trailing `/` is added when missing): every
    /// topic the client publishes and every filter it subscribes is put under it, every
    /// topic delivered to it is shown without it, so it sees its namespace from the root
    /// and can never reach outside it (only `$SYS/` stays readable). Empty: the whole
    /// broker. Wildcards or NUL in it refuse the client (Not authorized).
    pub mount: String,
    /// May publish (including a will); refused: PUBACK/PUBREC 0x87 (MQTT 5).
    pub publish: bool,
    /// May subscribe; refused: SUBACK 0x87 (MQTT 5) or 0x80 (MQTT 3.1.1).
    pub subscribe: bool,
    /// What the embedding server calls the credential the client logged in with, when
    /// it may be revoked while the client is connected:
    /// [`crate::BrokerHandle::disconnect`] ends the connections granted this identity.
    pub identity: Option<String>,
}

impl Grant {
    /// Publish and subscribe under `mount` (empty: the whole broker).
    pub fn full(mount: impl Into<String>) -> Self {
        Self {
            mount: mount.into(),
            publish: true,
            subscribe: true,
            identity: None,
        }
    }

    /// Subscribe only, under `mount`: a token with the `read` scope.
    pub fn read_only(mount: impl Into<String>) -> Self {
        Self {
            mount: mount.into(),
            publish: false,
            subscribe: true,
            identity: None,
        }
    }
}

/// Why a client is refused at CONNECT; each maps to its CONNACK code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown user or wrong password: MQTT 5 0x86, MQTT 3.1.1 return code 4.
    BadCredentials,
    /// Known but not allowed here: MQTT 5 0x87, MQTT 3.1.1 return code 5.
    NotAuthorized,
}

/// The future an [`Authenticator`] returns: `Send`, so it runs on the broker's runtime
/// while other connections go on.
pub type AuthFuture = Pin<Box<dyn Future<Output = Result<Grant, Refusal>> + Send>>;

/// Decides at CONNECT whether a client may connect, and with which [`Grant`]. Set in
/// [`crate::BrokerConfig::authenticator`]; without one every client is allowed on the
/// whole broker.
pub trait Authenticator: Send + Sync {
    /// Checks `login`; refused past [`AUTH_TIMEOUT`].
    fn authenticate(&self, login: Login) -> AuthFuture;
}

/// A closure is an authenticator, so the server need not name a type for it.
impl<F> Authenticator for F
where
    F: Fn(Login) -> AuthFuture + Send + Sync,
{
    fn authenticate(&self, login: Login) -> AuthFuture {
        self(login)
    }
}
