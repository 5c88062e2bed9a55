//! The MQTT broker bundled in `portico serve`: one port speaking MQTT 3.1.1 and MQTT 5
//! (QoS 0/1/2, retained messages, wills, persistent sessions) on its own tokio runtime,
//! plus in-process hooks for the server that embeds it: [`BrokerHandle::publish`],
//! [`BrokerHandle::subscribe`] to a topic filter and [`BrokerHandle::observe`] of every
//! message routed.
//!
//! It is built around one promise: a subscriber that reads slower than a burst is
//! published must neither lose messages nor grow the server. Each client holds at most
//! `queue_bytes_per_client` of waiting messages, freed as soon as they are written to it;
//! a publisher that meets a full queue waits for room (so TCP slows it down), up to
//! `slow_subscriber_grace`, after which that subscriber is marked stalled and loses QoS 0
//! messages until it catches up. A per-filter log of fixed size cannot do both: it either
//! drops the oldest of a burst or keeps every filter's log whether or not it was read.
//!
//! Every memory bound is explicit in [`BrokerConfig`]: message size, bytes queued per
//! client, connections, absent sessions and what each keeps, retained topics and bytes,
//! and the queue of each in-process subscriber (which drops its oldest message when
//! full, and counts it). A few protocol bounds are constants beside the code that
//! enforces them: 128 unacknowledged QoS 1/2 messages per client, 1,000 topic filters
//! per session, 100 connections not yet past CONNECT beyond `max_connections`.
//!
//! Wire encoding is rumqttc's MQTT 3.1.1 and MQTT 5 codecs; nothing else of the crate
//! depends on the protocol version.

mod codec;
mod config;
mod connection;
mod error;
mod handle;
mod local;
mod message;
mod queue;
mod router;
mod session;
mod topic;

use std::sync::{Mutex, MutexGuard};

pub use config::BrokerConfig;
pub use error::BrokerError;
pub use handle::{BrokerHandle, start};
pub use message::BrokerMessage;
pub use queue::{Subscription, SubscriptionFeed};
pub use topic::filter_matches;

/// Locks, recovering from a poisoned mutex: the data inside stays consistent because
/// every critical section leaves it whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
