//! How the broker is run: its address and every memory bound, explicit in one struct.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::Authenticator;
use crate::router::RouterConfig;
use crate::session::QueueLimits;
use crate::tls::TlsConfig;

/// How the bundled broker is run; every memory bound is explicit here.
#[derive(Clone)]
pub struct BrokerConfig {
    /// Where MQTT clients (3.1.1 and 5) connect (`PORTICO_MQTT_ADDR`); port 0 picks a
    /// free port ([`crate::BrokerHandle::addr`] tells which).
    pub addr: SocketAddr,
    /// Largest accepted payload; a client that publishes a bigger one is disconnected.
    pub max_message_bytes: usize,
    /// Queue length of each in-process subscriber before the oldest is dropped.
    pub subscriber_queue: usize,
    /// Simultaneous client connections.
    pub max_connections: usize,
    /// Bytes of messages (topic and payload) waiting for one client; publishers wait for
    /// room beyond this (`PORTICO_MQTT_QUEUE_BYTES`).
    pub queue_bytes_per_client: usize,
    /// QoS 1/2 messages kept for a client with a persistent session while it is away.
    pub offline_messages_per_client: usize,
    /// Persistent sessions kept for absent clients (each holds at most
    /// `queue_bytes_per_client`).
    pub max_offline_sessions: usize,
    /// Retained messages: at most this many topics...
    pub retained_max_topics: usize,
    /// ...and this many bytes (topics and payloads).
    pub retained_max_bytes: usize,
    /// How long a QoS 0 message waits for room at subscribers before those still full
    /// lose it (QoS 1 and 2 messages wait until there is room).
    pub slow_subscriber_grace: Duration,
    /// The longest keep alive accepted, in seconds: an MQTT 5 client asking for more, or
    /// for none, is told to use this one (CONNACK Server Keep Alive).
    pub max_keep_alive: u16,
    /// How often the `$SYS/broker/...` reports are published (retained).
    pub sys_interval: Duration,
    /// Who may connect and what each client may do; `None` lets everyone in on the
    /// whole broker.
    pub authenticator: Option<Arc<dyn Authenticator>>,
    /// A second listener speaking MQTT over TLS; `None`: plain TCP only.
    pub tls: Option<TlsConfig>,
}

impl std::fmt::Debug for BrokerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerConfig")
            .field("addr", &self.addr)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("max_connections", &self.max_connections)
            .field("queue_bytes_per_client", &self.queue_bytes_per_client)
            .field("retained_max_bytes", &self.retained_max_bytes)
            .field("authenticator", &self.authenticator.is_some())
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl BrokerConfig {
    /// The standard bounds on this address: 256 KB messages, 1 MiB queued per client,
    /// 1,000 connections, 1,000 absent sessions of 1,000 messages each, retained
    /// messages on 10,000 topics or 64 MiB, 1,000 messages per in-process subscriber,
    /// a 2 s grace for slow subscribers, a keep alive of at most 60 s and `$SYS` reports
    /// every 10 s; no authentication, no TLS.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            max_message_bytes: 256 * 1024,
            subscriber_queue: 1_000,
            max_connections: 1_000,
            queue_bytes_per_client: 1024 * 1024,
            offline_messages_per_client: 1_000,
            max_offline_sessions: 1_000,
            retained_max_topics: 10_000,
            retained_max_bytes: 64 * 1024 * 1024,
            slow_subscriber_grace: Duration::from_secs(2),
            max_keep_alive: 60,
            sys_interval: Duration::from_secs(10),
            authenticator: None,
            tls: None,
        }
    }

    /// The router's share of the bounds.
    pub(crate) fn router(&self) -> RouterConfig {
        RouterConfig {
            queue: QueueLimits {
                bytes: self.queue_bytes_per_client,
                offline_messages: self.offline_messages_per_client,
            },
            max_offline_sessions: self.max_offline_sessions,
            retained_max_topics: self.retained_max_topics,
            retained_max_bytes: self.retained_max_bytes,
            slow_subscriber_grace: self.slow_subscriber_grace,
            max_connections: self.max_connections,
        }
    }
}
