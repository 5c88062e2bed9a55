//! A raw MQTT client for conformance tests: packets written byte by byte, so a test can
//! send exactly what the specification allows (a DISCONNECT without reason code, an
//! acknowledgement without properties) and read exactly what the broker answers.

#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use mqtt_broker::{BrokerConfig, BrokerHandle};

/// A broker with the standard bounds on a free loopback port, adjusted by `tune`.
pub fn broker_with(tune: impl FnOnce(&mut BrokerConfig)) -> BrokerHandle {
    let mut config = BrokerConfig::new("127.0.0.1:0".parse().expect("a loopback address"));
    tune(&mut config);
    mqtt_broker::start(config).expect("the broker starts")
}

pub fn broker() -> BrokerHandle {
    broker_with(|_| {})
}

/// MQTT packet types (the high nibble of the first byte).
pub const CONNACK: u8 = 2;
pub const PUBLISH: u8 = 3;
pub const PUBACK: u8 = 4;
pub const PUBREC: u8 = 5;
pub const PUBREL: u8 = 6;
pub const PUBCOMP: u8 = 7;
pub const SUBACK: u8 = 9;
pub const PINGRESP: u8 = 13;
pub const DISCONNECT: u8 = 14;

pub fn varint(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            return out;
        }
    }
}

pub fn string(s: &[u8]) -> Vec<u8> {
    let mut out = (s.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(s);
    out
}

pub fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    out.extend(varint(body.len()));
    out.extend_from_slice(body);
    out
}

/// An MQTT 5 property block (length first) from encoded properties.
pub fn props(parts: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = parts.concat();
    let mut out = varint(body.len());
    out.extend(body);
    out
}

pub fn prop_u32(id: u8, value: u32) -> Vec<u8> {
    let mut out = vec![id];
    out.extend(value.to_be_bytes());
    out
}

pub fn prop_u16(id: u8, value: u16) -> Vec<u8> {
    let mut out = vec![id];
    out.extend(value.to_be_bytes());
    out
}

pub fn prop_u8(id: u8, value: u8) -> Vec<u8> {
    vec![id, value]
}

pub fn prop_varint(id: u8, value: usize) -> Vec<u8> {
    let mut out = vec![id];
    out.extend(varint(value));
    out
}

pub fn prop_bytes(id: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    out.extend(string(value));
    out
}

pub fn prop_pair(key: &str, value: &str) -> Vec<u8> {
    let mut out = vec![0x26];
    out.extend(string(key.as_bytes()));
    out.extend(string(value.as_bytes()));
    out
}

/// A will for `connect5`: topic, payload and its properties.
pub struct Will<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub qos: u8,
    pub properties: Vec<Vec<u8>>,
}

/// An MQTT 5 CONNECT.
pub fn connect5(
    client_id: &str,
    clean_start: bool,
    keep_alive: u16,
    properties: &[Vec<u8>],
    will: Option<&Will>,
) -> Vec<u8> {
    let mut flags = if clean_start { 0x02 } else { 0 };
    if let Some(will) = will {
        flags |= 0x04 | (will.qos << 3);
    }
    let mut body = string(b"MQTT");
    body.push(5);
    body.push(flags);
    body.extend(keep_alive.to_be_bytes());
    body.extend(props(properties));
    body.extend(string(client_id.as_bytes()));
    if let Some(will) = will {
        body.extend(props(&will.properties));
        body.extend(string(will.topic.as_bytes()));
        body.extend(string(will.payload));
    }
    packet(0x10, &body)
}

/// An MQTT 3.1.1 CONNECT, with an optional will (topic, payload).
pub fn connect4(client_id: &str, clean: bool, will: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut flags = if clean { 0x02 } else { 0 };
    if will.is_some() {
        flags |= 0x04;
    }
    let mut body = string(b"MQTT");
    body.push(4);
    body.push(flags);
    body.extend(60u16.to_be_bytes());
    body.extend(string(client_id.as_bytes()));
    if let Some((topic, payload)) = will {
        body.extend(string(topic.as_bytes()));
        body.extend(string(payload));
    }
    packet(0x10, &body)
}

/// An MQTT 5 PUBLISH.
pub fn publish5(
    topic: &str,
    qos: u8,
    pkid: u16,
    properties: &[Vec<u8>],
    payload: &[u8],
) -> Vec<u8> {
    let mut body = string(topic.as_bytes());
    if qos > 0 {
        body.extend(pkid.to_be_bytes());
    }
    body.extend(props(properties));
    body.extend_from_slice(payload);
    packet(0x30 | (qos << 1), &body)
}

/// An MQTT 5 SUBSCRIBE of one filter with `options` (QoS and flags).
pub fn subscribe5(pkid: u16, filter: &str, options: u8, properties: &[Vec<u8>]) -> Vec<u8> {
    let mut body = pkid.to_be_bytes().to_vec();
    body.extend(props(properties));
    body.extend(string(filter.as_bytes()));
    body.push(options);
    packet(0x82, &body)
}

/// A packet as read: its first byte and the rest after the remaining length.
#[derive(Debug, Clone)]
pub struct Packet {
    pub first: u8,
    pub body: Vec<u8>,
}

impl Packet {
    pub fn kind(&self) -> u8 {
        self.first >> 4
    }

    /// The packet identifier: after the topic in a PUBLISH, first in the others.
    pub fn pkid(&self) -> u16 {
        let at = if self.kind() == PUBLISH {
            2 + usize::from(u16::from_be_bytes([self.body[0], self.body[1]]))
        } else {
            0
        };
        u16::from_be_bytes([self.body[at], self.body[at + 1]])
    }

    /// The reason code of an acknowledgement (after its packet identifier), 0 if omitted.
    pub fn ack_reason(&self) -> u8 {
        self.body.get(2).copied().unwrap_or(0)
    }

    /// A PUBLISH's topic, properties (raw block without its length) and payload.
    pub fn publish_parts(&self) -> (String, Vec<u8>, Vec<u8>) {
        assert_eq!(self.kind(), PUBLISH, "{self:?}");
        let len = usize::from(u16::from_be_bytes([self.body[0], self.body[1]]));
        let topic = String::from_utf8(self.body[2..2 + len].to_vec()).expect("UTF-8 topic");
        let mut at = 2 + len;
        if (self.first >> 1) & 3 > 0 {
            at += 2;
        }
        let (plen, used) = read_varint(&self.body[at..]);
        let properties = self.body[at + used..at + used + plen].to_vec();
        let payload = self.body[at + used + plen..].to_vec();
        (topic, properties, payload)
    }

    /// The properties of a CONNACK (raw block without its length).
    pub fn connack_properties(&self) -> Vec<u8> {
        assert_eq!(self.kind(), CONNACK, "{self:?}");
        let (plen, used) = read_varint(&self.body[2..]);
        self.body[2 + used..2 + used + plen].to_vec()
    }
}

pub fn read_varint(bytes: &[u8]) -> (usize, usize) {
    let mut value = 0;
    for (index, byte) in bytes.iter().enumerate() {
        value |= usize::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            return (value, index + 1);
        }
    }
    panic!("unterminated variable byte integer");
}

/// The value of a one-, two- or four-byte integer property in a raw property block.
pub fn find_int(block: &[u8], wanted: u8) -> Option<u32> {
    let mut at = 0;
    while at < block.len() {
        let id = block[at];
        at += 1;
        let size = match id {
            0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2A => 1,
            0x13 | 0x21 | 0x22 | 0x23 => 2,
            0x02 | 0x11 | 0x18 | 0x27 => 4,
            0x0B => {
                let (value, used) = read_varint(&block[at..]);
                if id == wanted {
                    return Some(value as u32);
                }
                at += used;
                continue;
            }
            0x26 => {
                let key = 2 + usize::from(u16::from_be_bytes([block[at], block[at + 1]]));
                key + 2 + usize::from(u16::from_be_bytes([block[at + key], block[at + key + 1]]))
            }
            _ => 2 + usize::from(u16::from_be_bytes([block[at], block[at + 1]])),
        };
        if id == wanted {
            let bytes = &block[at..at + size];
            return Some(bytes.iter().fold(0u32, |v, b| (v << 8) | u32::from(*b)));
        }
        at += size;
    }
    None
}

/// Every Subscription Identifier (0x0B) in a raw property block.
pub fn subscription_ids(block: &[u8]) -> Vec<u32> {
    let mut ids = Vec::new();
    let mut at = 0;
    while at < block.len() {
        let id = block[at];
        at += 1;
        match id {
            0x0B => {
                let (value, used) = read_varint(&block[at..]);
                ids.push(value as u32);
                at += used;
            }
            0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2A => at += 1,
            0x13 | 0x21 | 0x22 | 0x23 => at += 2,
            0x02 | 0x11 | 0x18 | 0x27 => at += 4,
            0x26 => {
                let key = 2 + usize::from(u16::from_be_bytes([block[at], block[at + 1]]));
                at += key
                    + 2
                    + usize::from(u16::from_be_bytes([block[at + key], block[at + key + 1]]));
            }
            _ => at += 2 + usize::from(u16::from_be_bytes([block[at], block[at + 1]])),
        }
    }
    ids
}

/// One raw connection.
pub struct Client {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connects to the broker");
        stream.set_nodelay(true).expect("nodelay");
        Self {
            stream,
            buf: Vec::new(),
        }
    }

    /// Opens a connection, sends `connect` and returns the client with its CONNACK.
    pub fn connect(addr: SocketAddr, connect: &[u8]) -> (Self, Packet) {
        let mut client = Self::open(addr);
        client.send(connect);
        let connack = client.expect(CONNACK);
        (client, connack)
    }

    /// An MQTT 5 client with a clean session and no properties, its CONNACK accepted.
    pub fn v5(addr: SocketAddr, client_id: &str) -> Self {
        let (client, connack) = Self::connect(addr, &connect5(client_id, true, 0, &[], None));
        assert_eq!(connack.body[1], 0, "CONNACK refused: {connack:?}");
        client
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("writes to the broker");
    }

    /// The next packet within `timeout`; `None` on timeout or when the broker closed.
    pub fn recv(&mut self, timeout: Duration) -> Option<Packet> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.buf.len() >= 2 {
                let (remaining, used) = read_varint(&self.buf[1..]);
                let total = 1 + used + remaining;
                if self.buf.len() >= total {
                    let packet = Packet {
                        first: self.buf[0],
                        body: self.buf[1 + used..total].to_vec(),
                    };
                    self.buf.drain(..total);
                    return Some(packet);
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .expect("read timeout");
            let mut chunk = [0u8; 64 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return None;
                }
                Err(_) => return None,
            }
        }
    }

    /// The next packet, which must be of `kind`.
    pub fn expect(&mut self, kind: u8) -> Packet {
        let packet = self
            .recv(Duration::from_secs(5))
            .unwrap_or_else(|| panic!("no packet of type {kind} within 5 s"));
        assert_eq!(packet.kind(), kind, "unexpected packet {packet:?}");
        packet
    }

    /// Subscribes to `filter` and checks the SUBACK grants it.
    pub fn subscribe(&mut self, filter: &str, qos: u8) {
        self.send(&subscribe5(1, filter, qos, &[]));
        let suback = self.expect(SUBACK);
        assert!(suback.body[3] < 0x80, "refused: {suback:?}");
    }

    /// Whether the broker closed the connection within `timeout` (anything it sent
    /// first is skipped).
    pub fn closed_within(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .expect("read timeout");
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return false;
                }
                Err(_) => return true,
            }
        }
        false
    }
}

/// An MQTT 5 CONNECT with a clean session, a user name and a password.
pub fn connect5_login(client_id: &str, user: &str, password: &[u8]) -> Vec<u8> {
    connect5_login_with(client_id, user, password, None)
}

/// An MQTT 5 CONNECT with a clean session, a user name, a password and a will.
pub fn connect5_login_with(
    client_id: &str,
    user: &str,
    password: &[u8],
    will: Option<&Will>,
) -> Vec<u8> {
    let mut flags = 0x02 | 0x80 | 0x40;
    if let Some(will) = will {
        flags |= 0x04 | (will.qos << 3);
    }
    let mut body = string(b"MQTT");
    body.push(5);
    body.push(flags);
    body.extend(0u16.to_be_bytes());
    body.extend(props(&[]));
    body.extend(string(client_id.as_bytes()));
    if let Some(will) = will {
        body.extend(props(&will.properties));
        body.extend(string(will.topic.as_bytes()));
        body.extend(string(will.payload));
    }
    body.extend(string(user.as_bytes()));
    body.extend(string(password));
    packet(0x10, &body)
}

/// An MQTT 3.1.1 CONNECT with a clean session, a user name and a password.
pub fn connect4_login(client_id: &str, user: &str, password: &[u8]) -> Vec<u8> {
    let mut body = string(b"MQTT");
    body.push(4);
    body.push(0x02 | 0x80 | 0x40);
    body.extend(60u16.to_be_bytes());
    body.extend(string(client_id.as_bytes()));
    body.extend(string(user.as_bytes()));
    body.extend(string(password));
    packet(0x10, &body)
}

/// An MQTT 3.1.1 PUBLISH.
pub fn publish4(topic: &str, qos: u8, pkid: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = string(topic.as_bytes());
    if qos > 0 {
        body.extend(pkid.to_be_bytes());
    }
    body.extend_from_slice(payload);
    packet(0x30 | (qos << 1), &body)
}

/// An MQTT 3.1.1 SUBSCRIBE of one filter at `qos`.
pub fn subscribe4(pkid: u16, filter: &str, qos: u8) -> Vec<u8> {
    let mut body = pkid.to_be_bytes().to_vec();
    body.extend(string(filter.as_bytes()));
    body.push(qos);
    packet(0x82, &body)
}

/// The topic and payload of an MQTT 3.1.1 PUBLISH (no properties).
pub fn publish4_parts(packet: &Packet) -> (String, Vec<u8>) {
    assert_eq!(packet.kind(), PUBLISH, "{packet:?}");
    let len = usize::from(u16::from_be_bytes([packet.body[0], packet.body[1]]));
    let topic = String::from_utf8(packet.body[2..2 + len].to_vec()).expect("UTF-8 topic");
    let mut at = 2 + len;
    if (packet.first >> 1) & 3 > 0 {
        at += 2;
    }
    (topic, packet.body[at..].to_vec())
}

/// The next message of an in-process subscription within `timeout`.
pub fn next_within(
    subscription: &mut mqtt_broker::Subscription,
    timeout: Duration,
) -> Option<mqtt_broker::BrokerMessage> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(message) = subscription.try_recv() {
            return Some(message);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
