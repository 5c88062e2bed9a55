//! The channel console's JSON protocol over its WebSocket, one JSON object per text
//! frame, tagged by `type`. Documented in README.md ("Channel console WebSocket"); the
//! server (server/src/console) and the browser (app/src/console) both speak it through
//! these types, so neither builds or reads a frame by hand.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the browser asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientCommand {
    /// Starts watching a channel; `parameters` fill the address (`+`, `#` or empty for a
    /// wildcard). `id` names the subscription in later `message`s.
    Subscribe {
        id: String,
        channel: String,
        #[serde(default)]
        parameters: BTreeMap<String, String>,
    },
    /// Stops the subscription `id`.
    Unsubscribe { id: String },
    /// Publishes `payload` (the exact text) on the channel's address.
    Publish {
        channel: String,
        #[serde(default)]
        parameters: BTreeMap<String, String>,
        payload: String,
        #[serde(default)]
        qos: u8,
        #[serde(default)]
        retain: bool,
        /// Sent as MQTT 5 user properties (MQTT 3.1.1 subscribers do not see them).
        #[serde(default)]
        headers: Option<BTreeMap<String, String>>,
    },
    /// Starts a mock publisher of generated examples on the channel, `rate` per second.
    MockStart {
        channel: String,
        #[serde(default)]
        parameters: BTreeMap<String, String>,
        rate: u32,
    },
    /// Stops the channel's mock publisher, or every one when `channel` is absent.
    MockStop {
        #[serde(default)]
        channel: Option<String>,
    },
    /// Chooses the broker: a server id of the document, or `null` for the bundled one.
    UseServer {
        #[serde(default)]
        server: Option<String>,
    },
}

/// One broker message as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleMessage {
    /// The subscription it arrived on.
    pub subscription: String,
    /// The channel of the document whose address matches the topic, if any.
    pub channel: Option<String>,
    pub topic: String,
    /// Milliseconds since the Unix epoch when the server received it.
    pub time: u64,
    /// Payload size in bytes.
    pub size: usize,
    /// The payload as text (invalid UTF-8 replaced).
    pub payload: String,
    /// The payload parsed as JSON, or `null` when it is not JSON.
    pub json: Option<Value>,
    /// Whether some message of the channel accepts the payload.
    pub valid: bool,
    pub problems: Vec<Problem>,
    /// MQTT 5 user properties (headers), in order.
    pub headers: Vec<(String, String)>,
    pub retain: bool,
}

/// Why a payload does not match: where (JSON pointer into the payload) and what.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// A document server as the console offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerChoice {
    pub id: String,
    pub protocol: Option<String>,
    pub url: String,
    /// Whether the console can connect to it (mqtt and mqtts).
    pub supported: bool,
}

/// The limits of one connection, announced in `ready` so the page can say them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitsInfo {
    pub max_message_bytes: usize,
    pub max_subscriptions: usize,
    pub publish_per_second: u32,
    pub mock_max_rate: u32,
    pub outbound_queue: usize,
}

/// What the server tells the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// First frame: the document's channels, its servers and the limits.
    Ready {
        channels: Vec<String>,
        servers: Vec<ServerChoice>,
        limits: LimitsInfo,
        /// The broker in use: `null` for the bundled one.
        server: Option<String>,
    },
    /// A subscription started on this MQTT filter.
    Subscribed {
        id: String,
        channel: String,
        filter: String,
    },
    /// The subscription ended.
    Unsubscribed {
        id: String,
    },
    /// Recent traffic on a new subscription (the last 100 messages, oldest first).
    Recent {
        subscription: String,
        messages: Vec<ConsoleMessage>,
    },
    /// A live message.
    Message(ConsoleMessage),
    /// Messages dropped because the browser did not keep up (since the last report).
    Dropped {
        count: u64,
    },
    /// A publish went to the broker.
    Published {
        channel: String,
        topic: String,
        size: usize,
        qos: u8,
        retain: bool,
        valid: bool,
        problems: Vec<Problem>,
    },
    MockStarted {
        channel: String,
        topic: String,
        rate: u32,
    },
    MockStopped {
        channel: String,
        sent: u64,
    },
    /// The broker in use changed.
    ServerChanged {
        server: Option<String>,
    },
    /// A command was refused or failed; `message` says why, in words to show.
    Error {
        message: String,
    },
}

impl ServerEvent {
    /// A refusal to show the user.
    pub fn error(message: impl Into<String>) -> ServerEvent {
        ServerEvent::Error {
            message: message.into(),
        }
    }

    /// Approximate bytes the event holds, for the outbound queue's byte budget.
    pub fn weight(&self) -> usize {
        match self {
            ServerEvent::Message(message) => 256 + 2 * message.payload.len(),
            ServerEvent::Recent { messages, .. } => messages
                .iter()
                .map(|message| 256 + 2 * message.payload.len())
                .sum(),
            _ => 256,
        }
    }
}
