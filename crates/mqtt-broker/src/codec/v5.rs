//! MQTT 5 through rumqttc's v5 codec, properties included.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use rumqttc::v5::mqttbytes::{self as v5bytes, v5};

use super::{
    CodecError, ConnectCode, ConnectRequest, FilterRequest, Incoming, Message, Outgoing, reason,
};

/// Takes the next whole packet off `buf` (see `Version::read`).
pub(super) fn read(buf: &mut BytesMut, max_packet: usize) -> Result<Option<Incoming>, CodecError> {
    let limit = u32::try_from(max_packet).unwrap_or(u32::MAX);
    match v5::Packet::read(buf, Some(limit)) {
        Ok(packet) => incoming(packet).map(Some),
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

fn qos_of(qos: v5bytes::QoS) -> u8 {
    qos as u8
}

fn wire_qos(qos: u8) -> v5bytes::QoS {
    match qos {
        0 => v5bytes::QoS::AtMostOnce,
        1 => v5bytes::QoS::AtLeastOnce,
        _ => v5bytes::QoS::ExactlyOnce,
    }
}

fn incoming(packet: v5::Packet) -> Result<Incoming, CodecError> {
    Ok(match packet {
        v5::Packet::Connect(connect, will, _login) => {
            let properties = connect_properties(connect.properties);
            let will = will
                .map(|will| -> Result<Message, CodecError> {
                    Ok(Message {
                        topic: utf8_topic(will.topic)?,
                        payload: will.message,
                        qos: qos_of(will.qos),
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
                    qos: qos_of(publish.qos),
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
                    qos: qos_of(filter.qos),
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

/// Appends `packet` to `buf`; false (nothing written) when it is over `max_packet`.
pub(super) fn write(packet: &Outgoing, buf: &mut BytesMut, max_packet: Option<u32>) -> bool {
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
                qos: wire_qos(*qos),
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
                    Some(qos) => v5::SubscribeReasonCode::Success(wire_qos(*qos)),
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
