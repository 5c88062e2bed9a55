//! One client connection: a reader task that takes packets in (and awaits room at slow
//! subscribers, which is how a publisher is slowed down, answering its PINGREQs
//! meanwhile) and a writer task that sends what the session holds, in batches.

mod handshake;
mod writer;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};

use crate::auth::Authenticator;
use crate::codec::{
    self, CodecError, ConnectCode, Incoming, Message, Outbound, Outgoing, Version, reason,
};
use crate::lock;
use crate::mount::Mount;
use crate::router::{Router, parse_share};
use crate::session::{Closer, Link, Session};
use crate::topic::valid_topic;

use handshake::{admit, refuse, send, server_limits};

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;
/// Acknowledgements waiting to be sent to a client that does not read them; past this it
/// is disconnected.
const MAX_CONTROL_BACKLOG: usize = 65_536;
/// Room for the topic and properties beside the largest payload.
const PACKET_OVERHEAD: usize = 64 * 1024;
/// QoS 1/2 messages a client may send before our acknowledgements (MQTT 5 CONNACK); one
/// more is a protocol violation answered with DISCONNECT 0x93.
pub(crate) const RECEIVE_MAXIMUM: u16 = 1024;
/// Topic aliases an MQTT 5 client may set on its PUBLISHes (CONNACK Topic Alias Maximum).
pub(crate) const TOPIC_ALIAS_MAXIMUM: u16 = 64;

/// What every connection is served with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub max_message_bytes: usize,
    /// The longest keep alive accepted, in seconds: an MQTT 5 client asking for more, or
    /// for none, is told this one (Server Keep Alive).
    pub max_keep_alive: u16,
}

/// Serves one accepted connection, whatever carries it (TCP, TLS, a WebSocket bridged
/// by the server), until it ends.
pub(crate) async fn serve<R, W>(
    router: Arc<Router>,
    mut reader: R,
    mut writer: W,
    peer: SocketAddr,
    settings: Settings,
    authenticator: Option<Arc<dyn Authenticator>>,
) where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let max_message_bytes = settings.max_message_bytes;
    let max_packet = max_message_bytes + PACKET_OVERHEAD;
    // Small until CONNECT: a connection that never sends one should cost little.
    let mut buf = BytesMut::with_capacity(1024);
    let Some(admitted) = admit(
        &mut reader,
        &mut writer,
        &mut buf,
        max_packet,
        authenticator.as_deref(),
        peer,
        || router.next_id(),
    )
    .await
    else {
        return;
    };
    let version = admitted.version;
    let mut request = *admitted.request;
    let limit = router.config.max_connections;
    if router.connections.fetch_add(1, Ordering::AcqRel) >= limit {
        router.connections.fetch_sub(1, Ordering::AcqRel);
        refuse(
            &mut writer,
            version,
            ConnectCode::ServerUnavailable,
            max_packet,
        )
        .await;
        return;
    }
    // MQTT 5 3.2.2.3.14: the server may impose its keep alive; MQTT 3.1.1 cannot, so the
    // client's own is enforced there.
    let server_keep_alive = (version == Version::V5
        && (request.keep_alive == 0 || request.keep_alive > settings.max_keep_alive))
        .then_some(settings.max_keep_alive)
        .filter(|seconds| *seconds > 0);
    let keep_alive_seconds = server_keep_alive.unwrap_or(request.keep_alive);
    let generation = router.next_id();
    let closer = Arc::new(Closer::default());
    let link = Link {
        generation,
        receive_maximum: request.receive_maximum,
        closer: closer.clone(),
        identity: admitted.identity.clone(),
    };
    let connected = router.connect(&request, link);
    let session = connected.session;
    if let Some(will) = connected.ended_will {
        let router = router.clone();
        tokio::spawn(async move { router.publish(will).await });
    }
    let mut limits = server_limits(max_packet);
    if version == Version::V5 {
        limits.topic_alias_maximum = TOPIC_ALIAS_MAXIMUM;
        limits.server_keep_alive = server_keep_alive;
    }
    let accepted = Outgoing::ConnAck {
        session_present: connected.present,
        code: ConnectCode::Accepted,
        assigned_client_id: admitted.assigned,
        limits,
    };
    if send(&mut writer, version, &accepted).await.is_err() {
        closer.close(0);
    }
    let outbound = Outbound {
        max_packet: request.max_packet_size,
        alias_maximum: request.topic_alias_maximum,
        aliases: HashMap::new(),
        mount: admitted.mount.clone(),
    };
    let writer_task = tokio::spawn(writer::write_loop(
        session.clone(),
        router.clone(),
        generation,
        version,
        writer,
        closer.clone(),
        outbound,
    ));
    let mut will = request.will.take().map(|mut will| {
        will.publisher = session.id;
        will
    });
    let connection = Connection {
        router: &router,
        session: &session,
        generation,
        version,
        max_packet,
        max_message_bytes,
        closer: &closer,
        session_expiry: request.session_expiry,
        aliases: Mutex::new(HashMap::new()),
        mount: admitted.mount,
        may_publish: admitted.publish,
        may_subscribe: admitted.subscribe,
    };
    let keep_alive = (keep_alive_seconds > 0)
        .then(|| Duration::from_millis(u64::from(keep_alive_seconds) * 1500));
    let end = connection.read_loop(&mut reader, buf, keep_alive).await;
    match end {
        End::Disconnect {
            reason,
            session_expiry,
        } => {
            // [MQTT-3.14.4-3]: a normal DISCONNECT (0x00) discards the will; 0x04 and
            // the error codes publish it.
            if reason == 0 {
                will = None;
            }
            if let Some(expiry) = session_expiry {
                session.set_expiry(expiry);
            }
            closer.close(0);
        }
        End::Error(code) => closer.close(code),
        End::Closed => closer.close(0),
    }
    // The writer sends what is due and the DISCONNECT while the session is still ours.
    let _ = writer_task.await;
    let will = will.map(Arc::new);
    let delay = request.will_delay;
    let expiry = session.expiry();
    // A delayed will waits in the session: published when the delay or the session ends,
    // whichever comes first, unless the client reconnects before [MQTT-3.1.3-9].
    let (delayed, now) = match will {
        Some(will) if delay > 0 && expiry > 0 => (Some(will), None),
        other => (None, other),
    };
    let has_delayed = delayed.is_some();
    let (was_current, ended_will) = router.disconnect(&session, generation, delayed);
    if let Some(will) = ended_will {
        router.publish(will).await;
    } else if has_delayed && was_current {
        let router = router.clone();
        let session = session.clone();
        let wait = Duration::from_secs(u64::from(delay.min(expiry)));
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            if let Some(will) = session.take_pending_will() {
                router.publish(will).await;
            }
        });
    }
    if let Some(will) = now {
        router.publish(will).await;
    }
    let dropped = session.dropped();
    if dropped > 0 {
        tracing::info!(client = %session.client_id, dropped, "MQTT client disconnected; messages it did not get");
    }
    router.connections.fetch_sub(1, Ordering::AcqRel);
}

/// Why the reader stopped.
enum End {
    /// A DISCONNECT from the client.
    Disconnect {
        reason: u8,
        session_expiry: Option<u32>,
    },
    /// A protocol error or timeout, with its MQTT 5 reason.
    Error(u8),
    /// The socket closed, or the connection was closed from elsewhere.
    Closed,
}

/// What the reader of one connection works with.
struct Connection<'a> {
    router: &'a Router,
    session: &'a Arc<Session>,
    generation: u64,
    version: Version,
    max_packet: usize,
    max_message_bytes: usize,
    closer: &'a Closer,
    /// The Session Expiry Interval of the CONNECT.
    session_expiry: u32,
    /// Topic aliases the client set on this connection (alias -> topic).
    aliases: Mutex<HashMap<u16, String>>,
    /// The client's namespace.
    mount: Mount,
    may_publish: bool,
    may_subscribe: bool,
}

impl Connection<'_> {
    async fn read_loop<R: AsyncRead + Unpin>(
        &self,
        reader: &mut R,
        mut buf: BytesMut,
        keep_alive: Option<Duration>,
    ) -> End {
        let mut eof = false;
        loop {
            loop {
                match self.version.read(&mut buf, self.max_packet) {
                    Ok(Some(packet)) => {
                        let handled = self.handle(packet);
                        tokio::pin!(handled);
                        // While a PUBLISH waits for room at slow subscribers, the client
                        // is still read (up to one packet's worth) and its PINGREQs are
                        // answered, so it does not take the wait for a dead server.
                        let end = loop {
                            let room = !eof && buf.len() < self.max_packet;
                            tokio::select! {
                                end = &mut handled => break end,
                                read = reader.read_buf(&mut buf), if room => match read {
                                    Ok(0) | Err(_) => eof = true,
                                    Ok(n) => {
                                        self.count_received(n);
                                        if let Some(end) = self.answer_pings(&mut buf) {
                                            break Some(end);
                                        }
                                    }
                                },
                                _ = self.closer.closed() => break Some(End::Closed),
                            }
                        };
                        if let Some(end) = end {
                            return end;
                        }
                    }
                    Ok(None) => break,
                    Err(CodecError::TooLarge { size, limit }) => {
                        tracing::debug!(size, limit, "MQTT packet over the limit");
                        return End::Error(reason::PACKET_TOO_LARGE);
                    }
                    Err(CodecError::Protocol(error)) => {
                        tracing::debug!(%error, "MQTT protocol error");
                        return End::Error(reason::PROTOCOL_ERROR);
                    }
                    Err(error) => {
                        tracing::debug!(%error, "MQTT malformed packet");
                        return End::Error(reason::MALFORMED);
                    }
                }
            }
            if eof {
                return End::Closed;
            }
            if buf.capacity() - buf.len() < READ_CHUNK / 2 {
                buf.reserve(READ_CHUNK);
            }
            let read = async {
                match keep_alive {
                    Some(limit) => tokio::time::timeout(limit, reader.read_buf(&mut buf)).await,
                    None => Ok(reader.read_buf(&mut buf).await),
                }
            };
            tokio::select! {
                read = read => match read {
                    // [MQTT-3.1.2-22]: nothing for 1.5 times the keep alive.
                    Err(_) => return End::Error(reason::KEEP_ALIVE_TIMEOUT),
                    Ok(Ok(0)) | Ok(Err(_)) => return End::Closed,
                    Ok(Ok(n)) => self.count_received(n),
                },
                _ = self.closer.closed() => return End::Closed,
            }
        }
    }

    fn count_received(&self, bytes: usize) {
        self.router
            .stats
            .bytes_received
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Answers the PINGREQs among the complete packets waiting in `buf` (taking them
    /// out), while an earlier packet is still being handled.
    fn answer_pings(&self, buf: &mut BytesMut) -> Option<End> {
        let mut at = 0;
        while let Ok(Some((first, header, remaining))) = codec::fixed_header(&buf[at..]) {
            let end = at + header + remaining;
            if end > buf.len() {
                break;
            }
            if first == 0xC0 && remaining == 0 {
                let mut tail = buf.split_off(at);
                tail.advance(header);
                buf.unsplit(tail);
                if let Some(end) = self.reply(Outgoing::PingResp) {
                    return Some(end);
                }
            } else {
                at = end;
            }
        }
        None
    }

    /// Handles one packet; `Some` ends the connection.
    async fn handle(&self, packet: Incoming) -> Option<End> {
        match packet {
            Incoming::Publish {
                mut message,
                pkid,
                topic_alias,
            } => {
                if let Some(alias) = topic_alias {
                    // [MQTT-3.3.2-8], [MQTT-3.3.2-9]: 0 and values above the maximum we
                    // announced are invalid.
                    if alias == 0 || alias > TOPIC_ALIAS_MAXIMUM {
                        return Some(End::Error(reason::TOPIC_ALIAS_INVALID));
                    }
                    let mut aliases = lock(&self.aliases);
                    if message.topic.is_empty() {
                        match aliases.get(&alias) {
                            Some(topic) => message.topic = topic.clone(),
                            // An alias never set on this connection [MQTT-3.3.2-12].
                            None => return Some(End::Error(reason::PROTOCOL_ERROR)),
                        }
                    } else {
                        aliases.insert(alias, message.topic.clone());
                    }
                }
                if !valid_topic(&message.topic) {
                    return Some(End::Error(reason::TOPIC_NAME_INVALID));
                }
                if message.payload.len() > self.max_message_bytes {
                    tracing::debug!(size = message.payload.len(), "MQTT message over the limit");
                    return Some(End::Error(reason::PACKET_TOO_LARGE));
                }
                message.publisher = self.session.id;
                self.router
                    .stats
                    .messages_received
                    .fetch_add(1, Ordering::Relaxed);
                // MQTT 5 3.3.4: more unacknowledged QoS 1/2 PUBLISHes than the Receive
                // Maximum we announced end the connection with 0x93.
                let resent = message.qos == 2 && self.session.has_qos2(pkid);
                if message.qos > 0
                    && !resent
                    && self.session.incoming_unacknowledged() >= usize::from(RECEIVE_MAXIMUM)
                {
                    return Some(End::Error(reason::RECEIVE_MAXIMUM_EXCEEDED));
                }
                // A mounted client's `$` topics would escape `#` filters of its namespace.
                if !self.may_publish || (!self.mount.is_root() && message.topic.starts_with('$')) {
                    return self.refuse_publish(message.qos, pkid);
                }
                message.topic = self.mount.topic(std::mem::take(&mut message.topic));
                match message.qos {
                    0 => self.publish(message).await,
                    1 => {
                        self.publish(message).await;
                        return self.reply(Outgoing::PubAck { pkid, reason: 0 });
                    }
                    _ => {
                        if self.session.first_qos2(pkid) {
                            self.publish(message).await;
                        }
                        return self.reply(Outgoing::PubRec { pkid, reason: 0 });
                    }
                }
                None
            }
            Incoming::PubAck(pkid) => {
                self.session.puback(pkid);
                None
            }
            Incoming::PubComp(pkid) => {
                self.session.pubcomp(pkid);
                None
            }
            Incoming::PubRec { pkid, reason } => {
                self.session.pubrec(self.generation, pkid, reason);
                None
            }
            Incoming::PubRel(pkid) => {
                // MQTT 5 3.7.2.1: an unknown packet identifier is answered with 0x92.
                let reason = if self.session.release_qos2(pkid) {
                    0
                } else {
                    reason::PACKET_ID_NOT_FOUND
                };
                self.reply(Outgoing::PubComp { pkid, reason })
            }
            Incoming::Subscribe { pkid, mut filters } => {
                if !self.may_subscribe {
                    let granted = vec![Err(reason::NOT_AUTHORIZED); filters.len()];
                    return self.reply(Outgoing::SubAck { pkid, granted });
                }
                for request in &mut filters {
                    request.filter = self.mount.filter(&request.filter);
                }
                // [MQTT-3.8.3-4]: No Local on a shared subscription is a Protocol Error.
                if filters
                    .iter()
                    .any(|f| f.no_local && matches!(parse_share(&f.filter), Ok((Some(_), _))))
                {
                    return Some(End::Error(reason::PROTOCOL_ERROR));
                }
                let (granted, retained) = self.router.subscribe(self.session, filters);
                if let Some(end) = self.reply(Outgoing::SubAck { pkid, granted }) {
                    return Some(end);
                }
                for delivery in retained {
                    self.router.deliver(self.session, delivery).await;
                }
                None
            }
            Incoming::Unsubscribe { pkid, filters } => {
                let filters: Vec<String> = filters.iter().map(|f| self.mount.filter(f)).collect();
                let existed = self.router.unsubscribe(self.session, &filters);
                self.reply(Outgoing::UnsubAck { pkid, existed })
            }
            Incoming::PingReq => self.reply(Outgoing::PingResp),
            Incoming::Disconnect {
                reason,
                session_expiry,
            } => {
                // [MQTT-3.14.2-2]: a session expiry of 0 at CONNECT cannot be raised at
                // DISCONNECT.
                if self.session_expiry == 0 && session_expiry.is_some_and(|e| e > 0) {
                    return Some(End::Error(reason::PROTOCOL_ERROR));
                }
                Some(End::Disconnect {
                    reason,
                    session_expiry,
                })
            }
            Incoming::Connect(_) | Incoming::Auth => Some(End::Error(reason::PROTOCOL_ERROR)),
        }
    }

    /// Answers a PUBLISH the client may not make; the message goes nowhere. MQTT 5 says
    /// why (0x87); MQTT 3.1.1 cannot, and acknowledges as usual [MQTT-3.3.5-2].
    fn refuse_publish(&self, qos: u8, pkid: u16) -> Option<End> {
        tracing::debug!(client = %self.session.client_id, "MQTT publish not authorized");
        let refused = match self.version {
            Version::V5 => reason::NOT_AUTHORIZED,
            Version::V4 => 0,
        };
        match qos {
            0 => None,
            1 => self.reply(Outgoing::PubAck {
                pkid,
                reason: refused,
            }),
            _ => {
                // MQTT 3.1.1 goes on to PUBREL, which must find the exchange; an MQTT 5
                // PUBREC with an error code ends it.
                if self.version == Version::V4 {
                    self.session.first_qos2(pkid);
                }
                self.reply(Outgoing::PubRec {
                    pkid,
                    reason: refused,
                })
            }
        }
    }

    async fn publish(&self, message: Message) {
        self.router.publish(Arc::new(message)).await;
    }

    /// Queues a packet for the client; ends the connection if it is no longer the
    /// session's or the client does not read its acknowledgements.
    fn reply(&self, packet: Outgoing) -> Option<End> {
        match self.session.push_control(self.generation, packet) {
            None => Some(End::Closed),
            Some(waiting) if waiting > MAX_CONTROL_BACKLOG => {
                Some(End::Error(reason::QUOTA_EXCEEDED))
            }
            Some(_) => None,
        }
    }
}
