//! The MQTT wire format for the broker: one listener speaks MQTT 3.1.1 and MQTT 5, told
//! apart by the protocol level of a connection's CONNECT. Packets are framed and encoded by
//! rumqttc's codecs (already used by the console's external client); this module turns
//! them into the broker's own vocabulary so the rest never depends on the version.

use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use rumqttc::mqttbytes::{self as v4bytes, v4};
use rumqttc::v5::mqttbytes::{self as v5bytes, v5};

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
    pub properties: Option<v5::PublishProperties>,
    /// For MQTT 5 message expiry.
    pub received: Instant,
    /// The session that published it (for MQTT 5 "no local"); 0 for the server itself.
    pub publisher: u64,
}

impl Message {
    /// Bytes this message holds in a queue (topic and payload; the rest is small).
    pub fn weight(&self) -> usize {
        self.topic.len() + self.payload.len()
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
    /// (clean session 0) are `u32::MAX`, clean ones 0.
    pub session_expiry: u32,
    /// How many QoS 1/2 messages the client takes unacknowledged.
    pub receive_maximum: u16,
    /// The largest packet the client accepts (MQTT 5).
    pub max_packet_size: Option<u32>,
    /// Published if the connection ends without a normal DISCONNECT.
    pub will: Option<Message>,
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
        /// MQTT 5 topic alias: refused (we announce a maximum of 0).
        topic_alias: bool,
    },
    PubAck(u16),
    PubRec(u16),
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
        /// MQTT 5 reason 0x04: publish the will anyway.
        with_will: bool,
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
}

/// What the broker tells the client at CONNACK (MQTT 5 properties).
#[derive(Debug, Clone)]
pub(crate) struct ServerLimits {
    pub max_packet_size: u32,
    pub receive_maximum: u16,
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
    },
    PubAck(u16),
    PubRec(u16),
    PubRel(u16),
    PubComp(u16),
    SubAck {
        pkid: u16,
        /// Granted QoS per filter, or `None` when refused.
        granted: Vec<Option<u8>>,
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

/// MQTT 5 reason codes the broker sends in DISCONNECT.
pub(crate) mod reason {
    pub const PROTOCOL_ERROR: u8 = 0x82;
    pub const MALFORMED: u8 = 0x81;
    pub const KEEP_ALIVE_TIMEOUT: u8 = 0x8D;
    pub const SESSION_TAKEN_OVER: u8 = 0x8E;
    pub const TOPIC_NAME_INVALID: u8 = 0x90;
    pub const PACKET_TOO_LARGE: u8 = 0x95;
    pub const TOPIC_ALIAS_INVALID: u8 = 0x94;
    pub const QUOTA_EXCEEDED: u8 = 0x97;
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

fn qos_of(qos: v4bytes::QoS) -> u8 {
    qos as u8
}

fn qos_of_v5(qos: v5bytes::QoS) -> u8 {
    qos as u8
}

fn v4_qos(qos: u8) -> v4bytes::QoS {
    match qos {
        0 => v4bytes::QoS::AtMostOnce,
        1 => v4bytes::QoS::AtLeastOnce,
        _ => v4bytes::QoS::ExactlyOnce,
    }
}

fn v5_qos(qos: u8) -> v5bytes::QoS {
    match qos {
        0 => v5bytes::QoS::AtMostOnce,
        1 => v5bytes::QoS::AtLeastOnce,
        _ => v5bytes::QoS::ExactlyOnce,
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
            Version::V4 => match v4::Packet::read(buf, max_packet) {
                Ok(packet) => from_v4(packet).map(Some),
                Err(v4bytes::Error::InsufficientBytes(_)) => Ok(None),
                Err(v4bytes::Error::PayloadSizeLimitExceeded(size)) => Err(CodecError::TooLarge {
                    size,
                    limit: max_packet,
                }),
                Err(error) => Err(CodecError::Malformed(error.to_string())),
            },
            Version::V5 => {
                let limit = u32::try_from(max_packet).unwrap_or(u32::MAX);
                match v5::Packet::read(buf, Some(limit)) {
                    Ok(packet) => from_v5(packet).map(Some),
                    Err(v5bytes::Error::InsufficientBytes(_)) => Ok(None),
                    Err(v5bytes::Error::PayloadSizeLimitExceeded { pkt_size, .. }) => {
                        Err(CodecError::TooLarge {
                            size: pkt_size,
                            limit: max_packet,
                        })
                    }
                    Err(error) => Err(CodecError::Malformed(error.to_string())),
                }
            }
        }
    }

    /// Appends `packet` to `buf`. Returns false (and writes nothing) when it is over the
    /// client's maximum packet size, which MQTT 5 says to drop rather than send.
    pub(crate) fn write(
        self,
        packet: &Outgoing,
        buf: &mut BytesMut,
        max_packet: Option<u32>,
    ) -> bool {
        match self {
            Version::V4 => write_v4(packet, buf),
            Version::V5 => write_v5(packet, buf, max_packet),
        }
    }
}

fn from_v4(packet: v4::Packet) -> Result<Incoming, CodecError> {
    Ok(match packet {
        v4::Packet::Connect(connect) => {
            let will = connect.last_will.map(|will| Message {
                topic: will.topic,
                payload: will.message,
                qos: qos_of(will.qos),
                retain: will.retain,
                properties: None,
                received: Instant::now(),
                publisher: 0,
            });
            Incoming::Connect(Box::new(ConnectRequest {
                client_id: connect.client_id,
                clean_start: connect.clean_session,
                keep_alive: connect.keep_alive,
                session_expiry: if connect.clean_session { 0 } else { u32::MAX },
                receive_maximum: u16::MAX,
                max_packet_size: None,
                will,
            }))
        }
        v4::Packet::Publish(publish) => Incoming::Publish {
            pkid: publish.pkid,
            topic_alias: false,
            message: Message {
                topic: publish.topic,
                payload: publish.payload,
                qos: qos_of(publish.qos),
                retain: publish.retain,
                properties: None,
                received: Instant::now(),
                publisher: 0,
            },
        },
        v4::Packet::PubAck(ack) => Incoming::PubAck(ack.pkid),
        v4::Packet::PubRec(ack) => Incoming::PubRec(ack.pkid),
        v4::Packet::PubRel(ack) => Incoming::PubRel(ack.pkid),
        v4::Packet::PubComp(ack) => Incoming::PubComp(ack.pkid),
        v4::Packet::Subscribe(subscribe) => Incoming::Subscribe {
            pkid: subscribe.pkid,
            filters: subscribe
                .filters
                .into_iter()
                .map(|filter| FilterRequest {
                    filter: filter.path,
                    qos: qos_of(filter.qos),
                    no_local: false,
                    retain_as_published: false,
                    retain_handling: 0,
                })
                .collect(),
        },
        v4::Packet::Unsubscribe(unsubscribe) => Incoming::Unsubscribe {
            pkid: unsubscribe.pkid,
            filters: unsubscribe.topics,
        },
        v4::Packet::PingReq => Incoming::PingReq,
        v4::Packet::Disconnect => Incoming::Disconnect {
            with_will: false,
            session_expiry: None,
        },
        other => {
            return Err(CodecError::Malformed(format!(
                "a client may not send {:?}",
                packet_name_v4(&other)
            )));
        }
    })
}

fn packet_name_v4(packet: &v4::Packet) -> &'static str {
    match packet {
        v4::Packet::ConnAck(_) => "CONNACK",
        v4::Packet::SubAck(_) => "SUBACK",
        v4::Packet::UnsubAck(_) => "UNSUBACK",
        v4::Packet::PingResp => "PINGRESP",
        _ => "this packet",
    }
}

fn from_v5(packet: v5::Packet) -> Result<Incoming, CodecError> {
    Ok(match packet {
        v5::Packet::Connect(connect, will, _login) => {
            let properties = connect_properties(connect.properties);
            let will = will
                .map(|will| -> Result<Message, CodecError> {
                    Ok(Message {
                        topic: utf8_topic(will.topic)?,
                        payload: will.message,
                        qos: qos_of_v5(will.qos),
                        retain: will.retain,
                        properties: will.properties.map(|p| v5::PublishProperties {
                            payload_format_indicator: p.payload_format_indicator,
                            message_expiry_interval: p.message_expiry_interval,
                            topic_alias: None,
                            response_topic: p.response_topic,
                            correlation_data: p.correlation_data,
                            user_properties: p.user_properties,
                            subscription_identifiers: Vec::new(),
                            content_type: p.content_type,
                        }),
                        received: Instant::now(),
                        publisher: 0,
                    })
                })
                .transpose()?;
            Incoming::Connect(Box::new(ConnectRequest {
                client_id: connect.client_id,
                clean_start: connect.clean_start,
                keep_alive: connect.keep_alive,
                session_expiry: properties.0,
                receive_maximum: properties.1,
                max_packet_size: properties.2,
                will,
            }))
        }
        v5::Packet::Publish(publish) => {
            let mut properties = publish.properties;
            let topic_alias = properties.as_ref().is_some_and(|p| p.topic_alias.is_some());
            if let Some(properties) = properties.as_mut() {
                properties.topic_alias = None;
                properties.subscription_identifiers.clear();
            }
            Incoming::Publish {
                pkid: publish.pkid,
                topic_alias,
                message: Message {
                    topic: utf8_topic(publish.topic)?,
                    payload: publish.payload,
                    qos: qos_of_v5(publish.qos),
                    retain: publish.retain,
                    properties,
                    received: Instant::now(),
                    publisher: 0,
                },
            }
        }
        v5::Packet::PubAck(ack) => Incoming::PubAck(ack.pkid),
        v5::Packet::PubRec(ack) => Incoming::PubRec(ack.pkid),
        v5::Packet::PubRel(ack) => Incoming::PubRel(ack.pkid),
        v5::Packet::PubComp(ack) => Incoming::PubComp(ack.pkid),
        v5::Packet::Subscribe(subscribe) => Incoming::Subscribe {
            pkid: subscribe.pkid,
            filters: subscribe
                .filters
                .into_iter()
                .map(|filter| FilterRequest {
                    filter: filter.path,
                    qos: qos_of_v5(filter.qos),
                    no_local: filter.nolocal,
                    retain_as_published: filter.preserve_retain,
                    retain_handling: match filter.retain_forward_rule {
                        v5::RetainForwardRule::OnEverySubscribe => 0,
                        v5::RetainForwardRule::OnNewSubscribe => 1,
                        v5::RetainForwardRule::Never => 2,
                    },
                })
                .collect(),
        },
        v5::Packet::Unsubscribe(unsubscribe) => Incoming::Unsubscribe {
            pkid: unsubscribe.pkid,
            filters: unsubscribe.filters,
        },
        v5::Packet::PingReq(_) => Incoming::PingReq,
        v5::Packet::Disconnect(disconnect) => Incoming::Disconnect {
            with_will: disconnect.reason_code
                == v5::DisconnectReasonCode::DisconnectWithWillMessage,
            session_expiry: disconnect
                .properties
                .and_then(|p| p.session_expiry_interval),
        },
        v5::Packet::Auth(_) => Incoming::Auth,
        _ => {
            return Err(CodecError::Malformed(
                "a client may not send acknowledgements of the server's own packets".into(),
            ));
        }
    })
}

/// Session expiry, receive maximum and maximum packet size of an MQTT 5 CONNECT, with
/// the specification's defaults (0, 65,535, none).
fn connect_properties(properties: Option<v5::ConnectProperties>) -> (u32, u16, Option<u32>) {
    match properties {
        Some(p) => (
            p.session_expiry_interval.unwrap_or(0),
            p.receive_maximum.unwrap_or(u16::MAX).max(1),
            p.max_packet_size,
        ),
        None => (0, u16::MAX, None),
    }
}

fn utf8_topic(topic: Bytes) -> Result<String, CodecError> {
    String::from_utf8(topic.to_vec())
        .map_err(|_| CodecError::Malformed("the topic name is not UTF-8".into()))
}

fn write_v4(packet: &Outgoing, buf: &mut BytesMut) -> bool {
    let result = match packet {
        Outgoing::ConnAck {
            session_present,
            code,
            ..
        } => v4::ConnAck {
            session_present: *session_present,
            code: match code {
                ConnectCode::Accepted => v4::ConnectReturnCode::Success,
                ConnectCode::UnsupportedVersion => v4::ConnectReturnCode::RefusedProtocolVersion,
                ConnectCode::ClientIdRejected => v4::ConnectReturnCode::BadClientId,
                ConnectCode::ServerUnavailable => v4::ConnectReturnCode::ServiceUnavailable,
            },
        }
        .write(buf),
        Outgoing::Publish {
            message,
            qos,
            pkid,
            dup,
            retain,
        } => v4::Publish {
            dup: *dup,
            qos: v4_qos(*qos),
            retain: *retain,
            topic: message.topic.clone(),
            pkid: *pkid,
            payload: message.payload.clone(),
        }
        .write(buf),
        Outgoing::PubAck(pkid) => v4::PubAck::new(*pkid).write(buf),
        Outgoing::PubRec(pkid) => v4::PubRec::new(*pkid).write(buf),
        Outgoing::PubRel(pkid) => v4::PubRel::new(*pkid).write(buf),
        Outgoing::PubComp(pkid) => v4::PubComp::new(*pkid).write(buf),
        Outgoing::SubAck { pkid, granted } => v4::SubAck::new(
            *pkid,
            granted
                .iter()
                .map(|qos| match qos {
                    Some(qos) => v4::SubscribeReasonCode::Success(v4_qos(*qos)),
                    None => v4::SubscribeReasonCode::Failure,
                })
                .collect(),
        )
        .write(buf),
        Outgoing::UnsubAck { pkid, .. } => v4::UnsubAck::new(*pkid).write(buf),
        Outgoing::PingResp => v4::PingResp.write(buf),
        // MQTT 3.1.1 has no server DISCONNECT: the server closes the connection.
        Outgoing::Disconnect(_) => return true,
    };
    result.is_ok()
}

fn write_v5(packet: &Outgoing, buf: &mut BytesMut, max_packet: Option<u32>) -> bool {
    let packet = match packet {
        Outgoing::ConnAck {
            session_present,
            code,
            assigned_client_id,
            limits,
        } => v5::Packet::ConnAck(v5::ConnAck {
            session_present: *session_present,
            code: match code {
                ConnectCode::Accepted => v5::ConnectReturnCode::Success,
                ConnectCode::UnsupportedVersion => {
                    v5::ConnectReturnCode::UnsupportedProtocolVersion
                }
                ConnectCode::ClientIdRejected => v5::ConnectReturnCode::ClientIdentifierNotValid,
                ConnectCode::ServerUnavailable => v5::ConnectReturnCode::ServerUnavailable,
            },
            properties: Some(v5::ConnAckProperties {
                session_expiry_interval: None,
                receive_max: Some(limits.receive_maximum),
                max_qos: None,
                retain_available: Some(1),
                max_packet_size: Some(limits.max_packet_size),
                assigned_client_identifier: assigned_client_id.clone(),
                topic_alias_max: Some(0),
                reason_string: None,
                user_properties: Vec::new(),
                wildcard_subscription_available: Some(1),
                subscription_identifiers_available: Some(0),
                shared_subscription_available: Some(0),
                server_keep_alive: None,
                response_information: None,
                server_reference: None,
                authentication_method: None,
                authentication_data: None,
            }),
        }),
        Outgoing::Publish {
            message,
            qos,
            pkid,
            dup,
            retain,
        } => {
            let mut properties = message.properties.clone();
            if let (Some(properties), Some(left)) = (properties.as_mut(), message.expiry_left()) {
                properties.message_expiry_interval = Some(left.max(1));
            }
            v5::Packet::Publish(v5::Publish {
                dup: *dup,
                qos: v5_qos(*qos),
                retain: *retain,
                topic: Bytes::copy_from_slice(message.topic.as_bytes()),
                pkid: *pkid,
                payload: message.payload.clone(),
                properties,
            })
        }
        Outgoing::PubAck(pkid) => v5::Packet::PubAck(v5::PubAck {
            pkid: *pkid,
            reason: v5::PubAckReason::Success,
            properties: None,
        }),
        Outgoing::PubRec(pkid) => v5::Packet::PubRec(v5::PubRec {
            pkid: *pkid,
            reason: v5::PubRecReason::Success,
            properties: None,
        }),
        Outgoing::PubRel(pkid) => v5::Packet::PubRel(v5::PubRel {
            pkid: *pkid,
            reason: v5::PubRelReason::Success,
            properties: None,
        }),
        Outgoing::PubComp(pkid) => v5::Packet::PubComp(v5::PubComp {
            pkid: *pkid,
            reason: v5::PubCompReason::Success,
            properties: None,
        }),
        Outgoing::SubAck { pkid, granted } => v5::Packet::SubAck(v5::SubAck {
            pkid: *pkid,
            return_codes: granted
                .iter()
                .map(|qos| match qos {
                    Some(qos) => v5::SubscribeReasonCode::Success(v5_qos(*qos)),
                    None => v5::SubscribeReasonCode::TopicFilterInvalid,
                })
                .collect(),
            properties: None,
        }),
        Outgoing::UnsubAck { pkid, existed } => v5::Packet::UnsubAck(v5::UnsubAck {
            pkid: *pkid,
            reasons: existed
                .iter()
                .map(|existed| {
                    if *existed {
                        v5::UnsubAckReason::Success
                    } else {
                        v5::UnsubAckReason::NoSubscriptionExisted
                    }
                })
                .collect(),
            properties: None,
        }),
        Outgoing::PingResp => v5::Packet::PingResp(v5::PingResp),
        Outgoing::Disconnect(code) => v5::Packet::Disconnect(v5::Disconnect {
            reason_code: disconnect_reason(*code),
            properties: None,
        }),
    };
    packet.write(buf, max_packet).is_ok()
}

fn disconnect_reason(code: u8) -> v5::DisconnectReasonCode {
    use v5::DisconnectReasonCode as R;
    match code {
        reason::MALFORMED => R::MalformedPacket,
        reason::PROTOCOL_ERROR => R::ProtocolError,
        reason::KEEP_ALIVE_TIMEOUT => R::KeepAliveTimeout,
        reason::SESSION_TAKEN_OVER => R::SessionTakenOver,
        reason::TOPIC_NAME_INVALID => R::TopicNameInvalid,
        reason::PACKET_TOO_LARGE => R::PacketTooLarge,
        reason::TOPIC_ALIAS_INVALID => R::TopicAliasInvalid,
        reason::QUOTA_EXCEEDED => R::QuotaExceeded,
        _ => R::UnspecifiedError,
    }
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
    fn a_v4_publish_round_trips_and_oversized_packets_are_refused_from_the_header() {
        let message = Arc::new(Message {
            topic: "a/b".into(),
            payload: Bytes::from_static(b"hello"),
            qos: 1,
            retain: false,
            properties: None,
            received: Instant::now(),
            publisher: 0,
        });
        let mut buf = BytesMut::new();
        let out = Outgoing::Publish {
            message,
            qos: 1,
            pkid: 7,
            dup: false,
            retain: true,
        };
        assert!(Version::V4.write(&out, &mut buf, None));
        let mut copy = buf.clone();
        match Version::V4.read(&mut buf, 1024).unwrap() {
            Some(Incoming::Publish { message, pkid, .. }) => {
                assert_eq!(
                    (message.topic.as_str(), pkid, message.retain),
                    ("a/b", 7, true)
                );
                assert_eq!(&message.payload[..], b"hello");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Version::V4.read(&mut copy, 8),
            Err(CodecError::TooLarge { .. })
        ));
    }
}
