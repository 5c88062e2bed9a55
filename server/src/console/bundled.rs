//! The bundled broker as the console sees it: the broker itself and the recent traffic
//! the console keeps of it.

use std::sync::Arc;

use mqtt_broker::BrokerHandle;

use super::recent::{RecentConfig, RecentTraffic};

/// The bundled broker and its recent traffic, started together so a console never has
/// one without the other.
#[derive(Debug, Clone)]
pub struct BundledBroker {
    /// The broker: publishes, subscriptions, health.
    pub handle: BrokerHandle,
    /// What it routed lately, shown on each new subscription.
    pub recent: Arc<RecentTraffic>,
}

impl BundledBroker {
    /// Starts keeping the recent traffic of `handle`, within `recent`'s bounds (needs a
    /// tokio runtime: the store follows the broker in a task).
    pub fn follow(handle: BrokerHandle, recent: RecentConfig) -> BundledBroker {
        let recent = RecentTraffic::follow(&handle, recent);
        BundledBroker { handle, recent }
    }
}
