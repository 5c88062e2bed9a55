//! A message as in-process subscribers and observers see it.

use std::time::SystemTime;

use bytes::Bytes;

use crate::codec::Message;

/// One message as it passed through the broker, handed to in-process subscribers.
#[derive(Debug, Clone)]
pub struct BrokerMessage {
    /// The topic it was published on.
    pub topic: String,
    /// Its payload, shared, not copied.
    pub payload: Bytes,
    /// Whether it was published as retained.
    pub retain: bool,
    /// When the broker routed it.
    pub received_at: SystemTime,
    /// MQTT 5 user properties, empty for MQTT 3.1.1.
    pub user_properties: Vec<(String, String)>,
}

impl BrokerMessage {
    /// The in-process view of a routed message, stamped now.
    pub(crate) fn seen(message: &Message) -> Self {
        Self {
            topic: message.topic.clone(),
            payload: message.payload.clone(),
            retain: message.retain,
            received_at: SystemTime::now(),
            user_properties: message.user_properties().to_vec(),
        }
    }

    #[cfg(test)]
    pub(crate) fn new_for_test(topic: &str, payload: String) -> Self {
        Self {
            topic: topic.to_string(),
            payload: Bytes::from(payload),
            retain: false,
            received_at: SystemTime::now(),
            user_properties: Vec::new(),
        }
    }
}
