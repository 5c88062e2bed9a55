//! The MQTT wire format for the broker: one listener speaks MQTT 3.1.1 and MQTT 5, told
//! apart by the protocol level of a connection's CONNECT. Packets are framed and encoded by
//! rumqttc's codecs; this module and its two version adapters (`v4` for MQTT 3.1.1,
//! protocol level 4, and `v5`) turn them into the broker's own vocabulary, so the rest
//! never depends on the version.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use rumqttc::v5::mqttbytes::v5::PublishProperties;

use crate::mount::Mount;

mod v4;
mod v5;

/// Protocol errors that end a connection.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CodecError {
    #[error("malformed packet: {0}")]
    Malformed(String),
    #[error("packet of {size} bytes is over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("protocol level {0} is not supported (MQTT 3.1.1 and 5 are)")]
    UnsupportedLevel(u8),
    #[error("the first packet was not CONNECT")]
    NotConnect,
    /// Well formed but not allowed here (MQTT 5 reason 0x82).
    #[error("protocol error: {0}")]
    Protocol(String),
}

/// MQTT 3.1.1 (protocol level 4) or MQTT 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V4,
    V5,
}

/// A message as the broker routes it, shared by every queue it goes to.
#[derive(Debug)]
pub(crate) struct Message {
    pub topic: String,
    pub payload: Bytes,
    pub qos: u8,
    pub retain: bool,
    /// MQTT 5 properties as published, minus the per-connection ones (topic alias,
    /// subscription identifiers); `None` for MQTT 3.1.1 publishers.
    pub properties: Option<PublishProperties>,
    /// For MQTT 5 message expiry.
    pub received: Instant,
    /// The session that published it (for MQTT 5 "no local"); 0 for the server itself.
    pub publisher: u64,
}

impl Message {
    /// Bytes this message holds wherever it is kept: the struct and its `Arc`, the topic,
    /// the payload and every property, so the stores' budgets count all of it.
    pub fn weight(&self) -> usize {
        let properties = self.properties.as_ref().map_or(0, |p| {
            std::mem::size_of::<PublishProperties>()
                + p.content_type.as_ref().map_or(0, String::capacity)
                + p.response_topic.as_ref().map_or(0, String::capacity)
                + p.correlation_data.as_ref().map_or(0, Bytes::len)
                + p.user_properties
                    .iter()
                    .map(|(k, v)| {
                        std::mem::size_of::<(String, String)>() + k.capacity() + v.capacity()
                    })
                    .sum::<usize>()
        });
        // The Arc's two counters beside the struct.
        2 * std::mem::size_of::<usize>()
            + std::mem::size_of::<Message>()
            + self.topic.capacity()
            + self.payload.len()
            + properties
    }

    /// MQTT 5 user properties (empty for MQTT 3.1.1).
    pub fn user_properties(&self) -> &[(String, String)] {
        self.properties
            .as_ref()
            .map(|p| p.user_properties.as_slice())
            .unwrap_or(&[])
    }

    /// Seconds left before it expires (MQTT 5), `Some(0)` once expired, `None` if it never does.
    fn expiry_left(&self) -> Option<u32> {
        let interval = self.properties.as_ref()?.message_expiry_interval?;
        let elapsed = u32::try_from(self.received.elapsed().as_secs()).unwrap_or(u32::MAX);
        Some(interval.saturating_sub(elapsed))
    }

    /// Whether its MQTT 5 expiry interval has passed (such a message is not delivered).
    pub fn expired(&self) -> bool {
        self.expiry_left() == Some(0)
    }
}

/// What a client asked for in its CONNECT.
#[derive(Debug)]
pub(crate) struct ConnectRequest {
    pub client_id: String,
    pub clean_start: bool,
    pub keep_alive: u16,
    /// Seconds the session outlives the connection: MQTT 3.1.1 persistent sessions
    /// (clean-session flag unset) are `u32::MAX`, clean ones 0.
    pub session_expiry: u32,
    /// How many QoS 1/2 messages the client takes unacknowledged.
    pub receive_maximum: u16,
    /// The largest packet the client accepts (MQTT 5).
    pub max_packet_size: Option<u32>,
    /// Published if the connection ends without a normal DISCONNECT.
    pub will: Option<Message>,
    /// MQTT 5 Will Delay Interval in seconds.
    pub will_delay: u32,
    /// MQTT 5: how many topic aliases the client takes from us (0: none).
    pub topic_alias_maximum: u16,
    /// User name, `None` when absent or empty.
    pub username: Option<String>,
    /// Password, `None` when absent or empty.
    pub password: Option<String>,
}

/// One topic filter of a SUBSCRIBE with its options.
#[derive(Debug, Clone)]
pub(crate) struct FilterRequest {
    pub filter: String,
    pub qos: u8,
    /// MQTT 5: never receive one's own messages on this subscription.
    pub no_local: bool,
    /// MQTT 5: keep the retain flag on live messages.
    pub retain_as_published: bool,
    /// MQTT 5: 0 send retained messages on subscribe, 1 only for a new subscription, 2 never.
    pub retain_handling: u8,
    /// MQTT 5 Subscription Identifier, sent back with every message it matches.
    pub subscription_id: Option<u32>,
}

/// A packet from a client, whatever its version.
// PUBLISH is the hot, large variant: boxing it would cost an allocation per message.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum Incoming {
    Connect(Box<ConnectRequest>),
    Publish {
        message: Message,
        pkid: u16,
        /// MQTT 5 Topic Alias (the topic is empty when only the alias is sent).
        topic_alias: Option<u16>,
    },
    /// PUBACK, whatever its reason code: either way the QoS 1 exchange is over.
    PubAck(u16),
    /// PUBREC with its reason code: 0x80 and above end the QoS 2 exchange.
    PubRec {
        pkid: u16,
        reason: u8,
    },
    PubRel(u16),
    PubComp(u16),
    Subscribe {
        pkid: u16,
        filters: Vec<FilterRequest>,
    },
    Unsubscribe {
        pkid: u16,
        filters: Vec<String>,
    },
    PingReq,
    Disconnect {
        /// MQTT 5 reason code (0 when omitted, and for MQTT 3.1.1): anything but 0x00
        /// publishes the will.
        reason: u8,
        /// MQTT 5: a new session expiry interval.
        session_expiry: Option<u32>,
    },
    /// MQTT 5 AUTH, which this broker does not use.
    Auth,
}

/// How a CONNECT is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectCode {
    Accepted,
    UnsupportedVersion,
    ClientIdRejected,
    ServerUnavailable,
    /// MQTT 5 only: the will topic is not a valid topic name.
    TopicNameInvalid,
    /// MQTT 5 0x86, MQTT 3.1.1 return code 4.
    BadCredentials,
    /// MQTT 5 0x87, MQTT 3.1.1 return code 5.
    NotAuthorized,
}

/// What the broker tells the client at CONNACK (MQTT 5 properties).
#[derive(Debug, Clone)]
pub(crate) struct ServerLimits {
    pub max_packet_size: u32,
    pub receive_maximum: u16,
    /// Topic aliases the client may set on its PUBLISHes.
    pub topic_alias_maximum: u16,
    /// The keep alive the client must use instead of its own.
    pub server_keep_alive: Option<u16>,
}

/// A packet to a client, whatever its version.
#[derive(Debug)]
pub(crate) enum Outgoing {
    ConnAck {
        session_present: bool,
        code: ConnectCode,
        assigned_client_id: Option<String>,
        limits: ServerLimits,
    },
    Publish {
        message: Arc<Message>,
        qos: u8,
        pkid: u16,
        dup: bool,
        retain: bool,
        /// The Subscription Identifier of the subscription it was matched by.
        subscription_id: Option<u32>,
    },
    /// PUBACK with its reason (0 or `reason::NOT_AUTHORIZED`; MQTT 3.1.1 sends none).
    PubAck {
        pkid: u16,
        reason: u8,
    },
    /// PUBREC with its reason (0 or `reason::NOT_AUTHORIZED`; MQTT 3.1.1 sends none).
    PubRec {
        pkid: u16,
        reason: u8,
    },
    /// PUBREL with its reason (0 or `reason::PACKET_ID_NOT_FOUND`).
    PubRel {
        pkid: u16,
        reason: u8,
    },
    /// PUBCOMP with its reason (0 or `reason::PACKET_ID_NOT_FOUND`).
    PubComp {
        pkid: u16,
        reason: u8,
    },
    SubAck {
        pkid: u16,
        /// Granted QoS per filter, or the MQTT 5 reason it was refused with.
        granted: Vec<Result<u8, u8>>,
    },
    UnsubAck {
        pkid: u16,
        /// Whether each filter was subscribed.
        existed: Vec<bool>,
    },
    PingResp,
    /// MQTT 5 only (MQTT 3.1.1 servers just close): the reason code.
    Disconnect(u8),
}

/// MQTT 5 reason codes the broker sends.
pub(crate) mod reason {
    pub const MALFORMED: u8 = 0x81;
    pub const PROTOCOL_ERROR: u8 = 0x82;
    pub const NOT_AUTHORIZED: u8 = 0x87;
    pub const SERVER_SHUTTING_DOWN: u8 = 0x8B;
    pub const KEEP_ALIVE_TIMEOUT: u8 = 0x8D;
    pub const SESSION_TAKEN_OVER: u8 = 0x8E;
    pub const TOPIC_FILTER_INVALID: u8 = 0x8F;
    pub const TOPIC_NAME_INVALID: u8 = 0x90;
    pub const PACKET_ID_NOT_FOUND: u8 = 0x92;
    pub const RECEIVE_MAXIMUM_EXCEEDED: u8 = 0x93;
    pub const TOPIC_ALIAS_INVALID: u8 = 0x94;
    pub const PACKET_TOO_LARGE: u8 = 0x95;
    pub const QUOTA_EXCEEDED: u8 = 0x97;
    pub const ADMINISTRATIVE_ACTION: u8 = 0x98;
}

/// What one connection's writer remembers between packets: the client's packet size
/// limit and the topic aliases it was sent (MQTT 5, server to client).
#[derive(Debug, Default)]
pub(crate) struct Outbound {
    /// The largest packet the client accepts.
    pub max_packet: Option<u32>,
    /// How many topic aliases the client accepts (its CONNECT's Topic Alias Maximum).
    pub alias_maximum: u16,
    /// Topic -> alias already sent to the client on this connection.
    pub aliases: HashMap<String, u16>,
    /// The client's namespace, taken off the topics sent to it.
    pub mount: Mount,
}

/// Reads the protocol level of the CONNECT at the start of `buf`: `Ok(None)` until enough
/// bytes are there.
pub(crate) fn detect(buf: &[u8]) -> Result<Option<Version>, CodecError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    if first != 0x10 {
        return Err(CodecError::NotConnect);
    }
    // Remaining length: 1-4 bytes of 7 bits each.
    let mut at = 1;
    loop {
        let Some(&byte) = buf.get(at) else {
            return Ok(None);
        };
        at += 1;
        if byte & 0x80 == 0 {
            break;
        }
        if at > 4 {
            return Err(CodecError::Malformed("remaining length".into()));
        }
    }
    let Some(name_len) = buf.get(at..at + 2) else {
        return Ok(None);
    };
    let name_len = usize::from(u16::from_be_bytes([name_len[0], name_len[1]]));
    let Some(&level) = buf.get(at + 2 + name_len) else {
        return Ok(None);
    };
    match level {
        4 => Ok(Some(Version::V4)),
        5 => Ok(Some(Version::V5)),
        other => Err(CodecError::UnsupportedLevel(other)),
    }
}

impl Version {
    /// Takes the next whole packet off `buf`: `Ok(None)` until one is complete. Packets
    /// over `max_packet` bytes are refused from their header, before they are buffered.
    pub(crate) fn read(
        self,
        buf: &mut BytesMut,
        max_packet: usize,
    ) -> Result<Option<Incoming>, CodecError> {
        match self {
            Version::V4 => v4::read(buf, max_packet),
            Version::V5 => v5::read(buf, max_packet),
        }
    }

    /// Appends `packet` to `buf`. Returns false (and writes nothing) when it is over the
    /// client's maximum packet size, which MQTT 5 says to drop rather than send, or a
    /// PUBLISH outside the client's mount.
    pub(crate) fn write(self, packet: &Outgoing, buf: &mut BytesMut, out: &mut Outbound) -> bool {
        match self {
            Version::V4 => v4::write(packet, buf, out),
            Version::V5 => v5::write(packet, buf, out),
        }
    }
}

/// The fixed header of the packet at the start of `buf`: its first byte, the header's
/// length and the remaining length; `Ok(None)` until the header is complete.
pub(crate) fn fixed_header(buf: &[u8]) -> Result<Option<(u8, usize, usize)>, CodecError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let mut remaining = 0usize;
    for (index, byte) in buf.iter().skip(1).take(4).enumerate() {
        remaining |= usize::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            return Ok(Some((first, index + 2, remaining)));
        }
    }
    if buf.len() >= 5 {
        return Err(CodecError::Malformed(
            "remaining length over 4 bytes".into(),
        ));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_bytes(level: u8) -> Vec<u8> {
        // CONNECT, remaining length 12: "MQTT", level, flags, keep-alive 60, empty id.
        let mut bytes = vec![0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', level, 0x02, 0, 60];
        bytes.extend([0, 0]);
        bytes
    }

    #[test]
    fn the_protocol_level_picks_the_codec() {
        assert_eq!(detect(&connect_bytes(4)).unwrap(), Some(Version::V4));
        assert_eq!(detect(&connect_bytes(5)).unwrap(), Some(Version::V5));
        assert!(matches!(
            detect(&connect_bytes(3)),
            Err(CodecError::UnsupportedLevel(3))
        ));
        assert_eq!(detect(&connect_bytes(4)[..5]).unwrap(), None, "incomplete");
        assert!(matches!(detect(&[0x30, 0]), Err(CodecError::NotConnect)));
    }

    #[test]
    fn a_decoded_message_owns_its_payload_instead_of_holding_the_read_buffer() {
        // MQTT 3.1.1 and 5 PUBLISH of "t" with payload "hello", QoS 0.
        let packets: [(Version, &[u8]); 2] = [
            (Version::V4, b"\x30\x08\x00\x01thello"),
            (Version::V5, b"\x30\x09\x00\x01t\x00hello"),
        ];
        for (version, bytes) in packets {
            let mut buf = BytesMut::with_capacity(64 * 1024);
            buf.extend_from_slice(bytes);
            let start = buf.as_ptr() as usize;
            let Ok(Some(Incoming::Publish { message, .. })) = version.read(&mut buf, 1024) else {
                panic!("{version:?}: not a PUBLISH");
            };
            assert_eq!(&message.payload[..], b"hello");
            let at = message.payload.as_ptr() as usize;
            assert!(
                !(start..start + 64 * 1024).contains(&at),
                "{version:?}: the payload is a slice of the read buffer"
            );
        }
    }

    #[test]
    fn mqtt5_acknowledgements_and_disconnect_may_omit_reason_and_properties() {
        let cases: [(&[u8], &str); 6] = [
            (
                b"\xE0\x00",
                "Disconnect { reason: 0, session_expiry: None }",
            ),
            (
                b"\xE0\x01\x04",
                "Disconnect { reason: 4, session_expiry: None }",
            ),
            (
                b"\xE0\x07\x00\x05\x11\x00\x00\x00\x0A",
                "Disconnect { reason: 0, session_expiry: Some(10) }",
            ),
            (b"\x40\x02\x00\x07", "PubAck(7)"),
            (b"\x50\x03\x00\x07\x80", "PubRec { pkid: 7, reason: 128 }"),
            (b"\x62\x02\x00\x07", "PubRel(7)"),
        ];
        for (bytes, expected) in cases {
            let mut buf = BytesMut::from(bytes);
            let packet = Version::V5.read(&mut buf, 1024).unwrap().unwrap();
            assert_eq!(format!("{packet:?}"), expected);
        }
        let mut bad_flags = BytesMut::from(&b"\x60\x02\x00\x07"[..]);
        assert!(
            Version::V5.read(&mut bad_flags, 1024).is_err(),
            "PUBREL flags 0010"
        );
    }
}
