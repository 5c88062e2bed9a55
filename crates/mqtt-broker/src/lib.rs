//! The MQTT broker bundled in `portico serve`: one port speaking MQTT 3.1.1 and MQTT 5
//! (QoS 0/1/2, retained messages, wills with their delay, persistent sessions with their
//! expiry, shared subscriptions, subscription identifiers, topic aliases both ways,
//! Server Keep Alive and a `$SYS/broker/` tree) on its own tokio runtime, plus in-process
//! hooks for the server that embeds it: [`BrokerHandle::publish`],
//! [`BrokerHandle::subscribe`] to a topic filter, [`BrokerHandle::observe`] of every
//! message routed, and [`BrokerHandle::stop`].
//!
//! Clients arrive over TCP, over an optional TLS listener ([`TlsConfig`]) or as any byte
//! stream the server hands over ([`BrokerHandle::serve_connection`], for MQTT over
//! WebSocket), all served alike. An optional [`Authenticator`] checks each CONNECT and
//! answers with a [`Grant`]: a mount point (the client's topics live under a prefix it
//! never sees nor leaves), whether it may publish and subscribe, and optionally an
//! identity by which [`BrokerHandle::disconnect`] ends the client's connection once the
//! server has revoked what it logged in with.
//!
//! It is built around one promise: a subscriber that reads slower than a burst is
//! published must neither lose messages nor grow the server. Each client holds at most
//! `queue_bytes_per_client` of waiting messages, freed as soon as they are written to it;
//! a publisher that meets a full queue waits for room (so TCP slows it down) while its
//! PINGREQs are still answered. A QoS 0 message waits at most `slow_subscriber_grace`
//! for all full subscribers together, after which those are marked stalled and lose QoS
//! 0 messages until they catch up; QoS 1 and 2 messages are never dropped for a
//! connected client: their publisher waits until there is room, and a client that
//! accepts no bytes for a minute is disconnected. A per-filter log of fixed size cannot
//! do both: it either drops the oldest of a burst or keeps every filter's log whether or
//! not it was read.
//!
//! Every memory bound is explicit in [`BrokerConfig`]: message size, bytes queued per
//! client, connections, absent sessions and what each keeps, retained topics and bytes,
//! and the queue of each in-process subscriber (which drops its oldest message when
//! full, and counts it). A stored message owns exactly its bytes (copied out of the
//! connection's read buffer) and the stores count all of it, properties included. A few
//! protocol bounds are constants beside the code that enforces them: 128 unacknowledged
//! QoS 1/2 messages to a client, 1,024 from it (Receive Maximum), 64 topic aliases,
//! 1,000 topic filters per session, 100 connections not yet past CONNECT beyond
//! `max_connections`.
//!
//! Wire encoding is rumqttc's MQTT 3.1.1 and MQTT 5 codecs (the short MQTT 5
//! acknowledgements and DISCONNECT are decoded here); nothing else of the crate depends
//! on the protocol version.

mod auth;
mod codec;
mod config;
mod connection;
mod error;
mod filter_tree;
mod handle;
mod listener;
mod local;
mod message;
mod mount;
mod queue;
mod router;
mod session;
mod subscriptions;
mod sys;
mod tls;
mod topic;

use std::sync::{Mutex, MutexGuard};

pub use auth::{AUTH_TIMEOUT, AuthFuture, Authenticator, Grant, Login, ProtocolVersion, Refusal};
pub use config::BrokerConfig;
pub use error::BrokerError;
pub use handle::{BrokerHandle, start};
pub use message::BrokerMessage;
pub use queue::{Subscription, SubscriptionFeed};
pub use tls::TlsConfig;
pub use topic::filter_matches;

/// Locks, recovering from a poisoned mutex: the data inside stays consistent because
/// every critical section leaves it whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
