//! MQTT 5 through rumqttc's v5 codec, properties included.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use rumqttc::v5::mqttbytes::{self as v5bytes, v5};

use super::{
    CodecError, ConnectCode, ConnectRequest, FilterRequest, Incoming, Message, Outbound, Outgoing,
    fixed_header, reason,
};

/// Takes the next whole packet off `buf` (see `Version::read`).
pub(super) fn read(buf: &mut BytesMut, max_packet: usize) -> Result<Option<Incoming>, CodecError> {
    // Acknowledgements, DISCONNECT and AUTH are decoded here: MQTT 5 lets a sender omit
    // their reason code and properties (remaining length 2, or 0 for DISCONNECT and
    // AUTH), which rumqttc's decoder refuses.
    if let Some((first, header, remaining)) = fixed_header(buf)?
        && matches!(first >> 4, 4..=7 | 14 | 15)
    {
        if remaining > max_packet {
            return Err(CodecError::TooLarge {
                size: remaining,
                limit: max_packet,
            });
        }
        if buf.len() < header + remaining {
            return Ok(None);
        }
        let frame = buf.split_to(header + remaining);
        return short_packet(first, &frame[header..]).map(Some);
    }
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

/// Decodes PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH from their variable
/// header `body`, with the reason code and properties optional as MQTT 5 allows.
fn short_packet(first: u8, body: &[u8]) -> Result<Incoming, CodecError> {
    let kind = first >> 4;
    // PUBREL's flags are 0010, the others' 0000 [MQTT-2.1.3-1].
    let flags = if kind == 6 { 0b0010 } else { 0 };
    if first & 0x0F != flags {
        return Err(CodecError::Malformed(format!(
            "reserved flags of packet type {kind}"
        )));
    }
    if kind == 14 || kind == 15 {
        let reason = body.first().copied().unwrap_or(0);
        let mut session_expiry = None;
        if body.len() > 1 {
            properties(&body[1..], |id, value| {
                if id == 0x11 {
                    session_expiry = Some(value);
                }
            })?;
        }
        if kind == 15 {
            return Ok(Incoming::Auth);
        }
        if !matches!(reason, 0x00 | 0x04 | 0x80..=0xA2) {
            return Err(CodecError::Malformed(format!(
                "DISCONNECT reason code {reason:#04x}"
            )));
        }
        return Ok(Incoming::Disconnect {
            reason,
            session_expiry,
        });
    }
    let Some(pkid) = body.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])) else {
        return Err(CodecError::Malformed("packet identifier missing".into()));
    };
    if pkid == 0 {
        return Err(CodecError::Malformed("packet identifier 0".into()));
    }
    let reason = body.get(2).copied().unwrap_or(0);
    if body.len() > 3 {
        properties(&body[3..], |_, _| {})?;
    }
    Ok(match kind {
        4 => Incoming::PubAck(pkid),
        5 => Incoming::PubRec { pkid, reason },
        6 => Incoming::PubRel(pkid),
        _ => Incoming::PubComp(pkid),
    })
}

/// Walks an MQTT 5 property block (its length first), checking it is whole, and hands
/// `seen` each four-byte integer property (the only kind these packets need read).
fn properties(block: &[u8], mut seen: impl FnMut(u8, u32)) -> Result<(), CodecError> {
    let malformed = || CodecError::Malformed("property block".into());
    let (length, mut at) = varint(block).ok_or_else(malformed)?;
    let end = at.checked_add(length).ok_or_else(malformed)?;
    if end != block.len() {
        return Err(malformed());
    }
    let u16_at = |at: usize| -> Result<usize, CodecError> {
        block
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or_else(malformed)
    };
    while at < end {
        let id = block[at];
        at += 1;
        at += match id {
            0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2A => 1,
            0x13 | 0x21 | 0x22 | 0x23 => 2,
            0x02 | 0x11 | 0x18 | 0x27 => {
                let b = block.get(at..at + 4).ok_or_else(malformed)?;
                seen(id, u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                4
            }
            0x0B => varint(&block[at..]).ok_or_else(malformed)?.1,
            0x03 | 0x08 | 0x09 | 0x12 | 0x15 | 0x16 | 0x1A | 0x1C | 0x1F => 2 + u16_at(at)?,
            0x26 => {
                let key = 2 + u16_at(at)?;
                key + 2 + u16_at(at + key)?
            }
            other => {
                return Err(CodecError::Malformed(format!("property {other:#04x}")));
            }
        };
    }
    if at != end {
        return Err(malformed());
    }
    Ok(())
}

/// A variable byte integer and how many bytes it took.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (index, byte) in bytes.iter().take(4).enumerate() {
        value |= usize::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
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
        v5::Packet::Connect(connect, will, login) => {
            let topic_alias_maximum = connect
                .properties
                .as_ref()
                .and_then(|p| p.topic_alias_max)
                .unwrap_or(0);
            let properties = connect_properties(connect.properties);
            let will_delay = will
                .as_ref()
                .and_then(|w| w.properties.as_ref())
                .and_then(|p| p.delay_interval)
                .unwrap_or(0);
            let will = will
                .map(|will| -> Result<Message, CodecError> {
                    Ok(Message {
                        topic: utf8_topic(will.topic)?,
                        payload: Bytes::copy_from_slice(&will.message),
                        qos: qos_of(will.qos),
                        retain: will.retain,
                        properties: will.properties.map(|p| v5::PublishProperties {
                            payload_format_indicator: p.payload_format_indicator,
                            message_expiry_interval: p.message_expiry_interval,
                            topic_alias: None,
                            response_topic: p.response_topic,
                            correlation_data: p
                                .correlation_data
                                .map(|data| Bytes::copy_from_slice(&data)),
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
                will_delay,
                topic_alias_maximum,
                username: login
                    .as_ref()
                    .map(|l| l.username.clone())
                    .filter(|u| !u.is_empty()),
                password: login.map(|l| l.password).filter(|p| !p.is_empty()),
            }))
        }
        v5::Packet::Publish(publish) => {
            let mut properties = publish.properties;
            let topic_alias = properties.as_mut().and_then(|p| p.topic_alias.take());
            if let Some(properties) = properties.as_mut() {
                // [MQTT-3.3.4-6]: a client's PUBLISH carries no Subscription Identifier.
                if !properties.subscription_identifiers.is_empty() {
                    return Err(CodecError::Protocol(
                        "a PUBLISH from a client carries a subscription identifier".into(),
                    ));
                }
                // Owned, not a slice of the connection's read buffer.
                properties.correlation_data = properties
                    .correlation_data
                    .take()
                    .map(|data| Bytes::copy_from_slice(&data));
            }
            Incoming::Publish {
                pkid: publish.pkid,
                topic_alias,
                message: Message {
                    topic: utf8_topic(publish.topic)?,
                    // Owned, so a stored message does not keep the 64 KiB read buffer alive.
                    payload: Bytes::copy_from_slice(&publish.payload),
                    qos: qos_of(publish.qos),
                    retain: publish.retain,
                    properties,
                    received: Instant::now(),
                    publisher: 0,
                },
            }
        }
        v5::Packet::Subscribe(subscribe) => {
            let subscription_id = match subscribe.properties.and_then(|p| p.id) {
                // MQTT 5 3.8.2.1.2: a Subscription Identifier of 0 is a Protocol Error.
                Some(0) => {
                    return Err(CodecError::Protocol("subscription identifier 0".into()));
                }
                Some(id) => Some(u32::try_from(id).map_err(|_| {
                    CodecError::Malformed("subscription identifier too large".into())
                })?),
                None => None,
            };
            Incoming::Subscribe {
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
                        subscription_id,
                    })
                    .collect(),
            }
        }
        v5::Packet::Unsubscribe(unsubscribe) => Incoming::Unsubscribe {
            pkid: unsubscribe.pkid,
            filters: unsubscribe.filters,
        },
        v5::Packet::PingReq(_) => Incoming::PingReq,
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
    // [MQTT-1.5.4-1], [MQTT-3.1.3-11]: topics are UTF-8.
    String::from_utf8(topic.to_vec())
        .map_err(|_| CodecError::Malformed("the topic name is not UTF-8".into()))
}

/// Appends `packet` to `buf`; false (nothing written) when it is over `max_packet`.
pub(super) fn write(packet: &Outgoing, buf: &mut BytesMut, out: &mut Outbound) -> bool {
    let packet_ref = packet;
    let mut new_alias = None;
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
                ConnectCode::TopicNameInvalid => v5::ConnectReturnCode::TopicNameInvalid,
                ConnectCode::BadCredentials => v5::ConnectReturnCode::BadUserNamePassword,
                ConnectCode::NotAuthorized => v5::ConnectReturnCode::NotAuthorized,
            },
            properties: Some(v5::ConnAckProperties {
                session_expiry_interval: None,
                receive_max: Some(limits.receive_maximum),
                max_qos: None,
                retain_available: Some(1),
                max_packet_size: Some(limits.max_packet_size),
                assigned_client_identifier: assigned_client_id.clone(),
                topic_alias_max: Some(limits.topic_alias_maximum),
                reason_string: None,
                user_properties: Vec::new(),
                wildcard_subscription_available: Some(1),
                subscription_identifiers_available: Some(1),
                shared_subscription_available: Some(1),
                server_keep_alive: limits.server_keep_alive,
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
            subscription_id,
        } => {
            let mut properties = message.properties.clone();
            if let (Some(properties), Some(left)) = (properties.as_mut(), message.expiry_left()) {
                // [MQTT-3.3.2-6]: the interval sent is what is left of it.
                properties.message_expiry_interval = Some(left.max(1));
            }
            if let Some(id) = subscription_id {
                properties
                    .get_or_insert_with(Default::default)
                    .subscription_identifiers = vec![*id as usize];
            }
            // Topic aliases toward the client, up to the maximum it announced: the
            // first message on a topic sets one, later ones send it with an empty topic.
            let Some(visible) = out.mount.strip(&message.topic) else {
                return false;
            };
            let mut topic = Bytes::copy_from_slice(visible.as_bytes());
            if out.alias_maximum > 0 {
                let alias = match out.aliases.get(&message.topic) {
                    Some(alias) => {
                        topic = Bytes::new();
                        Some(*alias)
                    }
                    None => {
                        let next = u16::try_from(out.aliases.len() + 1).unwrap_or(u16::MAX);
                        (next <= out.alias_maximum).then(|| {
                            new_alias = Some(next);
                            next
                        })
                    }
                };
                if let Some(alias) = alias {
                    properties.get_or_insert_with(Default::default).topic_alias = Some(alias);
                }
            }
            v5::Packet::Publish(v5::Publish {
                dup: *dup,
                qos: wire_qos(*qos),
                retain: *retain,
                topic,
                pkid: *pkid,
                payload: message.payload.clone(),
                properties,
            })
        }
        Outgoing::PubAck { pkid, reason } => v5::Packet::PubAck(v5::PubAck {
            pkid: *pkid,
            reason: if *reason == 0 {
                v5::PubAckReason::Success
            } else {
                v5::PubAckReason::NotAuthorized
            },
            properties: None,
        }),
        Outgoing::PubRec { pkid, reason } => v5::Packet::PubRec(v5::PubRec {
            pkid: *pkid,
            reason: if *reason == 0 {
                v5::PubRecReason::Success
            } else {
                v5::PubRecReason::NotAuthorized
            },
            properties: None,
        }),
        Outgoing::PubRel { pkid, reason } => v5::Packet::PubRel(v5::PubRel {
            pkid: *pkid,
            reason: if *reason == 0 {
                v5::PubRelReason::Success
            } else {
                v5::PubRelReason::PacketIdentifierNotFound
            },
            properties: None,
        }),
        Outgoing::PubComp { pkid, reason } => v5::Packet::PubComp(v5::PubComp {
            pkid: *pkid,
            reason: if *reason == 0 {
                v5::PubCompReason::Success
            } else {
                v5::PubCompReason::PacketIdentifierNotFound
            },
            properties: None,
        }),
        Outgoing::SubAck { pkid, granted } => v5::Packet::SubAck(v5::SubAck {
            pkid: *pkid,
            return_codes: granted
                .iter()
                .map(|granted| match granted {
                    Ok(qos) => v5::SubscribeReasonCode::Success(wire_qos(*qos)),
                    Err(reason::QUOTA_EXCEEDED) => v5::SubscribeReasonCode::QuotaExceeded,
                    Err(reason::NOT_AUTHORIZED) => v5::SubscribeReasonCode::NotAuthorized,
                    Err(reason::TOPIC_FILTER_INVALID) => {
                        v5::SubscribeReasonCode::TopicFilterInvalid
                    }
                    Err(_) => v5::SubscribeReasonCode::Unspecified,
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
    let written = packet.write(buf, out.max_packet).is_ok();
    if written && let (Some(alias), Outgoing::Publish { message, .. }) = (new_alias, packet_ref) {
        out.aliases.insert(message.topic.clone(), alias);
    }
    written
}

fn disconnect_reason(code: u8) -> v5::DisconnectReasonCode {
    use v5::DisconnectReasonCode as R;
    match code {
        reason::MALFORMED => R::MalformedPacket,
        reason::PROTOCOL_ERROR => R::ProtocolError,
        reason::KEEP_ALIVE_TIMEOUT => R::KeepAliveTimeout,
        reason::SERVER_SHUTTING_DOWN => R::ServerShuttingDown,
        reason::RECEIVE_MAXIMUM_EXCEEDED => R::ReceiveMaximumExceeded,
        reason::SESSION_TAKEN_OVER => R::SessionTakenOver,
        reason::TOPIC_NAME_INVALID => R::TopicNameInvalid,
        reason::PACKET_TOO_LARGE => R::PacketTooLarge,
        reason::TOPIC_ALIAS_INVALID => R::TopicAliasInvalid,
        reason::QUOTA_EXCEEDED => R::QuotaExceeded,
        reason::NOT_AUTHORIZED => R::NotAuthorized,
        reason::ADMINISTRATIVE_ACTION => R::AdministrativeAction,
        _ => R::UnspecifiedError,
    }
}
