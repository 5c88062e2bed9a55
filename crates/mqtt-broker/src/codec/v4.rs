//! MQTT 3.1.1 (protocol level 4) through rumqttc's v4 codec.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use rumqttc::mqttbytes::{self as v4bytes, v4};

use super::{
    CodecError, ConnectCode, ConnectRequest, FilterRequest, Incoming, Message, Outbound, Outgoing,
};

/// Takes the next whole packet off `buf` (see `Version::read`).
pub(super) fn read(buf: &mut BytesMut, max_packet: usize) -> Result<Option<Incoming>, CodecError> {
    match v4::Packet::read(buf, max_packet) {
        Ok(packet) => incoming(packet).map(Some),
        Err(v4bytes::Error::InsufficientBytes(_)) => Ok(None),
        Err(v4bytes::Error::PayloadSizeLimitExceeded(size)) => Err(CodecError::TooLarge {
            size,
            limit: max_packet,
        }),
        Err(error) => Err(CodecError::Malformed(error.to_string())),
    }
}

fn qos_of(qos: v4bytes::QoS) -> u8 {
    qos as u8
}

fn wire_qos(qos: u8) -> v4bytes::QoS {
    match qos {
        0 => v4bytes::QoS::AtMostOnce,
        1 => v4bytes::QoS::AtLeastOnce,
        _ => v4bytes::QoS::ExactlyOnce,
    }
}

fn incoming(packet: v4::Packet) -> Result<Incoming, CodecError> {
    Ok(match packet {
        v4::Packet::Connect(connect) => {
            let will = connect.last_will.map(|will| Message {
                topic: will.topic,
                payload: Bytes::copy_from_slice(&will.message),
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
                will_delay: 0,
                topic_alias_maximum: 0,
                username: connect
                    .login
                    .as_ref()
                    .map(|l| l.username.clone())
                    .filter(|u| !u.is_empty()),
                password: connect.login.map(|l| l.password).filter(|p| !p.is_empty()),
            }))
        }
        v4::Packet::Publish(publish) => Incoming::Publish {
            pkid: publish.pkid,
            topic_alias: None,
            message: Message {
                topic: publish.topic,
                // Owned, so a stored message does not keep the 64 KiB read buffer alive.
                payload: Bytes::copy_from_slice(&publish.payload),
                qos: qos_of(publish.qos),
                retain: publish.retain,
                properties: None,
                received: Instant::now(),
                publisher: 0,
            },
        },
        v4::Packet::PubAck(ack) => Incoming::PubAck(ack.pkid),
        v4::Packet::PubRec(ack) => Incoming::PubRec {
            pkid: ack.pkid,
            reason: 0,
        },
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
                    subscription_id: None,
                })
                .collect(),
        },
        v4::Packet::Unsubscribe(unsubscribe) => Incoming::Unsubscribe {
            pkid: unsubscribe.pkid,
            filters: unsubscribe.topics,
        },
        v4::Packet::PingReq => Incoming::PingReq,
        v4::Packet::Disconnect => Incoming::Disconnect {
            reason: 0,
            session_expiry: None,
        },
        other => {
            return Err(CodecError::Malformed(format!(
                "a client may not send {:?}",
                packet_name(&other)
            )));
        }
    })
}

fn packet_name(packet: &v4::Packet) -> &'static str {
    match packet {
        v4::Packet::ConnAck(_) => "CONNACK",
        v4::Packet::SubAck(_) => "SUBACK",
        v4::Packet::UnsubAck(_) => "UNSUBACK",
        v4::Packet::PingResp => "PINGRESP",
        _ => "this packet",
    }
}

/// Appends `packet` to `buf`; always fits (MQTT 3.1.1 has no client packet limit), but a
/// PUBLISH outside the client's mount is not written (false).
pub(super) fn write(packet: &Outgoing, buf: &mut BytesMut, out: &Outbound) -> bool {
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
                // Not sent: MQTT 3.1.1 closes the connection instead.
                ConnectCode::TopicNameInvalid => v4::ConnectReturnCode::BadUserNamePassword,
                ConnectCode::BadCredentials => v4::ConnectReturnCode::BadUserNamePassword,
                ConnectCode::NotAuthorized => v4::ConnectReturnCode::NotAuthorized,
            },
        }
        .write(buf),
        Outgoing::Publish {
            message,
            qos,
            pkid,
            dup,
            retain,
            ..
        } => {
            let Some(topic) = out.mount.strip(&message.topic) else {
                return false;
            };
            v4::Publish {
                dup: *dup,
                qos: wire_qos(*qos),
                retain: *retain,
                topic: topic.to_string(),
                pkid: *pkid,
                payload: message.payload.clone(),
            }
            .write(buf)
        }
        Outgoing::PubAck { pkid, .. } => v4::PubAck::new(*pkid).write(buf),
        Outgoing::PubRec { pkid, .. } => v4::PubRec::new(*pkid).write(buf),
        Outgoing::PubRel { pkid, .. } => v4::PubRel::new(*pkid).write(buf),
        Outgoing::PubComp { pkid, .. } => v4::PubComp::new(*pkid).write(buf),
        Outgoing::SubAck { pkid, granted } => v4::SubAck::new(
            *pkid,
            granted
                .iter()
                .map(|granted| match granted {
                    Ok(qos) => v4::SubscribeReasonCode::Success(wire_qos(*qos)),
                    Err(_) => v4::SubscribeReasonCode::Failure,
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;

    use super::super::{Outbound, Version};
    use super::*;

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
            subscription_id: None,
        };
        assert!(Version::V4.write(&out, &mut buf, &mut Outbound::default()));
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
