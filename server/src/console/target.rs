//! The broker a console connection talks to: the bundled one (in process) by default,
//! or an external `mqtt`/`mqtts` server of the document that the user chose explicitly.

use std::time::UNIX_EPOCH;

use bytes::Bytes;

use mqtt_broker::{BrokerMessage, Subscription};

use super::bundled::BundledBroker;
use super::external::ExternalBroker;

/// Where publishes go and subscriptions come from.
pub enum Target {
    Bundled(BundledBroker),
    External(ExternalBroker),
}

impl Target {
    /// Subscribes to an MQTT filter.
    pub async fn subscribe(&self, filter: &str) -> Result<Subscription, String> {
        match self {
            Target::Bundled(bundled) => Ok(bundled.handle.subscribe(filter)),
            Target::External(external) => external.subscribe(filter).await,
        }
    }

    /// The last (at most) `limit` messages seen on topics matching `filter`, oldest first.
    /// An external broker has no recent traffic (the server only sees what it subscribed).
    pub fn recent(&self, filter: &str, limit: usize) -> Vec<BrokerMessage> {
        match self {
            Target::Bundled(bundled) => {
                let mut messages = bundled.recent.query(filter);
                messages.sort_by_key(|m| m.received_at.duration_since(UNIX_EPOCH).ok());
                let skip = messages.len().saturating_sub(limit);
                messages.split_off(skip)
            }
            Target::External(_) => Vec::new(),
        }
    }

    /// Publishes one message. The bundled broker's in-process link delivers in memory
    /// (nothing to acknowledge); an external broker gets the requested QoS.
    pub async fn publish(
        &self,
        topic: &str,
        payload: Bytes,
        qos: u8,
        retain: bool,
        headers: Vec<(String, String)>,
    ) -> Result<(), String> {
        match self {
            Target::Bundled(bundled) => bundled
                .handle
                .publish_with_properties(topic, payload, retain, headers)
                .map_err(|e| e.to_string()),
            Target::External(external) => external.publish(topic, payload, qos, retain).await,
        }
    }
}
