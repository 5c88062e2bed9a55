//! The broker a console connection talks to: the bundled one (in process, within the
//! namespace of the document's organisation) by default, or an external `mqtt`/`mqtts`
//! server of the document that the user chose explicitly.

use std::time::UNIX_EPOCH;

use bytes::Bytes;

use mqtt_broker::{BrokerMessage, Subscription};

use super::bundled::BundledBroker;
use super::external::ExternalBroker;
use super::namespace::Namespace;

/// Where publishes go and subscriptions come from. Filters and topics are always as the
/// document writes them; the bundled broker's namespace is added and stripped here.
pub enum Target {
    Bundled(BundledBroker, Namespace),
    External(ExternalBroker),
}

impl Target {
    /// Subscribes to an MQTT filter.
    pub async fn subscribe(&self, filter: &str) -> Result<Subscription, String> {
        match self {
            Target::Bundled(bundled, namespace) => {
                Ok(bundled.handle.subscribe(&namespace.filter(filter)?))
            }
            Target::External(external) => external.subscribe(filter).await,
        }
    }

    /// A topic a subscription delivered, as the document writes it (`None`: not this
    /// console's, which a namespaced filter never delivers).
    pub fn shown_topic<'a>(&self, topic: &'a str) -> Option<&'a str> {
        match self {
            Target::Bundled(_, namespace) => namespace.strip(topic),
            Target::External(_) => Some(topic),
        }
    }

    /// The last (at most) `limit` messages seen on topics matching `filter`, oldest first,
    /// topics as the document writes them. An external broker has no recent traffic (the
    /// server only sees what it subscribed).
    pub fn recent(&self, filter: &str, limit: usize) -> Vec<BrokerMessage> {
        match self {
            Target::Bundled(bundled, namespace) => {
                let mut messages = bundled.recent.query(namespace, filter);
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
            Target::Bundled(bundled, namespace) => bundled
                .handle
                .publish_with_properties(&namespace.topic(topic)?, payload, retain, headers)
                .map_err(|e| e.to_string()),
            Target::External(external) => external.publish(topic, payload, qos, retain).await,
        }
    }
}
