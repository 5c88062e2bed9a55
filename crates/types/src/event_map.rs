//! The event map: over every AsyncAPI asset a user may see, which applications send and
//! which receive on each channel address. The REST API answers it as JSON and the
//! `/event-map` page draws it.

use serde::{Deserialize, Serialize};

/// Which way messages go between an application and a channel, seen from the
/// application: it sends (produces) or it receives (consumes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Send,
    Receive,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Send => "send",
            Side::Receive => "receive",
        }
    }

    pub fn parse(name: &str) -> Option<Side> {
        match name {
            "send" => Some(Side::Send),
            "receive" => Some(Side::Receive),
            _ => None,
        }
    }

    /// The other side: what an application on the far end of the channel does.
    pub fn opposite(self) -> Side {
        match self {
            Side::Send => Side::Receive,
            Side::Receive => Side::Send,
        }
    }
}

/// Where an application on the map comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AppSource {
    /// An AsyncAPI asset: its latest live version declares what it sends and receives.
    Declared,
    /// An organisation registered as a consumer of an asset: it uses that API from the
    /// other side, receiving what the asset sends and sending what it receives.
    Registered,
}

/// One application on the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventApp {
    /// Its key on this map: `group/asset` for a declared application,
    /// `organisation@group/asset` for a registered consumer.
    pub id: String,
    pub source: AppSource,
    /// The asset: the application's own (declared), or the one it consumes (registered).
    pub group: String,
    pub asset: String,
    /// The version drawn: the asset's latest live version (declared), or the newest live
    /// version in the consumer's range (registered).
    pub version: String,
    /// The document's title (declared) or the consuming organisation's name (registered).
    pub title: String,
    /// The organisation the application belongs to (the consuming one for a registered
    /// consumer).
    pub organisation: String,
    /// The document's tags (a registered consumer carries those of the asset it consumes).
    pub tags: Vec<String>,
    /// Every server it is on, `protocol://host/path`.
    pub servers: Vec<String>,
    /// The consumer's version range (registered consumers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
}

/// One application's end of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelEnd {
    /// The application's `id` in [`EventMap::applications`].
    pub app: String,
    /// The operations through which it sends or receives (ids as in the document).
    pub operations: Vec<String>,
    /// The messages (ids as in the document).
    pub messages: Vec<String>,
    /// The servers the channel is on for this application, `protocol://host/path`.
    pub servers: Vec<String>,
}

/// One channel address and the applications on each side of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventChannel {
    /// The address as written, parameters left as `{name}`.
    pub address: String,
    /// The applications that send on it.
    pub producers: Vec<ChannelEnd>,
    /// The applications that receive from it.
    pub consumers: Vec<ChannelEnd>,
}

impl EventChannel {
    /// The ends on one side.
    pub fn ends(&self, side: Side) -> &[ChannelEnd] {
        match side {
            Side::Send => &self.producers,
            Side::Receive => &self.consumers,
        }
    }
}

/// What the filters may be set to: every value found on the whole map the user may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventMapChoices {
    pub tags: Vec<String>,
    pub servers: Vec<String>,
    pub organisations: Vec<String>,
}

/// Which part of the map to show; each filter left empty shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMapFilter {
    /// Only applications with this tag.
    pub tag: Option<String>,
    /// Only channel ends on this server (`protocol://host/path`, as listed in the choices).
    pub server: Option<String>,
    /// Only applications of this organisation.
    pub organisation: Option<String>,
    /// Only the channels this asset (`group/asset`) is on, with everyone on them.
    pub asset: Option<String>,
}

impl EventMapFilter {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.tag.is_none()
            && self.server.is_none()
            && self.organisation.is_none()
            && self.asset.is_none()
    }
}

/// The event map: channels by address (sorted), each with its producers and consumers,
/// and the applications they name (sorted by title).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventMap {
    pub channels: Vec<EventChannel>,
    pub applications: Vec<EventApp>,
    /// The values the filters may take, from the unfiltered map.
    pub choices: EventMapChoices,
}

impl EventMap {
    /// An application by its id.
    pub fn application(&self, id: &str) -> Option<&EventApp> {
        self.applications.iter().find(|app| app.id == id)
    }

    /// Keeps the first `limit` channels and the applications they name (a page draws
    /// no more than it can show); the number of channels there were.
    pub fn truncate_channels(&mut self, limit: usize) -> usize {
        let total = self.channels.len();
        if total > limit {
            self.channels.truncate(limit);
            let named: std::collections::HashSet<&str> = self
                .channels
                .iter()
                .flat_map(|c| c.producers.iter().chain(&c.consumers))
                .map(|end| end.app.as_str())
                .collect();
            let kept: Vec<EventApp> = self
                .applications
                .iter()
                .filter(|app| named.contains(app.id.as_str()))
                .cloned()
                .collect();
            self.applications = kept;
        }
        total
    }
}
