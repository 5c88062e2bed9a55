//! Why the broker could not start or an in-process operation failed.

use std::net::SocketAddr;

/// Why the broker could not start or an in-process operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The configured address is taken or not ours to bind.
    #[error("cannot listen for MQTT on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The broker's runtime did not come up.
    #[error("the MQTT broker did not start on {addr}: {reason}")]
    Startup { addr: SocketAddr, reason: String },
    /// The TLS certificate or key cannot be read or used.
    #[error("MQTT TLS: {path}: {reason}")]
    Certificate {
        path: std::path::PathBuf,
        reason: String,
    },
    /// The payload is over `max_message_bytes`.
    #[error("message of {size} bytes is over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
}
