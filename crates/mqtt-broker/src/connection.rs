//! One client connection: a reader task that takes packets in (and awaits room at slow
//! subscribers, which is how a publisher is slowed down) and a writer task that sends
//! what the session holds, in batches.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use crate::codec::{
    self, CodecError, ConnectCode, ConnectRequest, Incoming, Message, Outgoing, ServerLimits,
    Version, reason,
};
use crate::router::Router;
use crate::session::{Closer, Link, Session, Take};
use crate::topic::valid_topic;

/// A client must send CONNECT this soon after opening the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;
/// About how many bytes of messages the writer sends in one write.
const WRITE_BATCH: usize = 64 * 1024;
/// Acknowledgements waiting to be sent to a client that does not read them; past this it
/// is disconnected.
const MAX_CONTROL_BACKLOG: usize = 65_536;
/// Room for the topic and properties beside the largest payload.
const PACKET_OVERHEAD: usize = 64 * 1024;
/// QoS 1/2 messages a client may send before our acknowledgements (MQTT 5 CONNACK);
/// each is routed before it is acknowledged, so this only bounds the acks in flight.
const RECEIVE_MAXIMUM: u16 = 1024;

/// Serves one accepted connection until it ends.
pub(crate) async fn serve(router: Arc<Router>, stream: TcpStream, max_message_bytes: usize) {
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    let max_packet = max_message_bytes + PACKET_OVERHEAD;
    // Small until CONNECT: a connection that never sends one should cost little.
    let mut buf = BytesMut::with_capacity(1024);
    let (version, request) = match tokio::time::timeout(
        CONNECT_TIMEOUT,
        read_connect(&mut reader, &mut buf, max_packet),
    )
    .await
    {
        Ok(Ok(connect)) => connect,
        Ok(Err(CodecError::UnsupportedLevel(level))) => {
            tracing::debug!(level, "MQTT client with an unsupported protocol level");
            refuse(
                &mut writer,
                Version::V4,
                ConnectCode::UnsupportedVersion,
                max_packet,
            )
            .await;
            return;
        }
        Ok(Err(error)) => {
            tracing::debug!(%error, "MQTT connection closed before CONNECT");
            return;
        }
        Err(_) => return,
    };
    let mut request = *request;
    let mut assigned = None;
    if request.client_id.is_empty() {
        if version == Version::V4 && !request.clean_start {
            // MQTT 3.1.1 3.1.3-8: a persistent session needs a client id.
            refuse(
                &mut writer,
                version,
                ConnectCode::ClientIdRejected,
                max_packet,
            )
            .await;
            return;
        }
        request.client_id = format!("portico-{}", router.next_id());
        assigned = Some(request.client_id.clone());
    }
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
    let generation = router.next_id();
    let closer = Arc::new(Closer::default());
    let link = Link {
        generation,
        receive_maximum: request.receive_maximum,
        closer: closer.clone(),
    };
    let (session, present) = router.connect(&request, link);
    let accepted = connack(present, ConnectCode::Accepted, assigned, max_packet);
    if send(&mut writer, version, &accepted).await.is_err() {
        closer.close(0);
    }
    let writer_task = tokio::spawn(write_loop(
        session.clone(),
        generation,
        version,
        writer,
        closer.clone(),
        request.max_packet_size,
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
    };
    let keep_alive = (request.keep_alive > 0)
        .then(|| Duration::from_millis(u64::from(request.keep_alive) * 1500));
    let end = connection.read_loop(&mut reader, buf, keep_alive).await;
    match end {
        End::Disconnect {
            with_will,
            session_expiry,
        } => {
            if !with_will {
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
    if let Some(will) = will {
        router.publish_now(Arc::new(will));
    }
    router.disconnect(&session, generation);
    let _ = writer_task.await;
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
        with_will: bool,
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
}

impl Connection<'_> {
    async fn read_loop(
        &self,
        reader: &mut OwnedReadHalf,
        mut buf: BytesMut,
        keep_alive: Option<Duration>,
    ) -> End {
        loop {
            loop {
                match self.version.read(&mut buf, self.max_packet) {
                    Ok(Some(packet)) => {
                        if let Some(end) = self.handle(packet).await {
                            return end;
                        }
                    }
                    Ok(None) => break,
                    Err(CodecError::TooLarge { size, limit }) => {
                        tracing::debug!(size, limit, "MQTT packet over the limit");
                        return End::Error(reason::PACKET_TOO_LARGE);
                    }
                    Err(error) => {
                        tracing::debug!(%error, "MQTT protocol error");
                        return End::Error(reason::MALFORMED);
                    }
                }
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
                    Err(_) => return End::Error(reason::KEEP_ALIVE_TIMEOUT),
                    Ok(Ok(0)) | Ok(Err(_)) => return End::Closed,
                    Ok(Ok(_)) => {}
                },
                _ = self.closer.closed() => return End::Closed,
            }
        }
    }

    /// Handles one packet; `Some` ends the connection.
    async fn handle(&self, packet: Incoming) -> Option<End> {
        match packet {
            Incoming::Publish {
                mut message,
                pkid,
                topic_alias,
            } => {
                if topic_alias {
                    return Some(End::Error(reason::TOPIC_ALIAS_INVALID));
                }
                if !valid_topic(&message.topic) {
                    return Some(End::Error(reason::TOPIC_NAME_INVALID));
                }
                if message.payload.len() > self.max_message_bytes {
                    tracing::debug!(size = message.payload.len(), "MQTT message over the limit");
                    return Some(End::Error(reason::PACKET_TOO_LARGE));
                }
                message.publisher = self.session.id;
                match message.qos {
                    0 => self.publish(message).await,
                    1 => {
                        self.publish(message).await;
                        return self.reply(Outgoing::PubAck(pkid));
                    }
                    _ => {
                        if self.session.first_qos2(pkid) {
                            self.publish(message).await;
                        }
                        return self.reply(Outgoing::PubRec(pkid));
                    }
                }
                None
            }
            Incoming::PubAck(pkid) | Incoming::PubComp(pkid) => {
                self.session.acknowledge(pkid);
                None
            }
            Incoming::PubRec(pkid) => {
                self.session.received(self.generation, pkid);
                None
            }
            Incoming::PubRel(pkid) => {
                self.session.release_qos2(pkid);
                self.reply(Outgoing::PubComp(pkid))
            }
            Incoming::Subscribe { pkid, filters } => {
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
                let existed = self.router.unsubscribe(self.session, &filters);
                self.reply(Outgoing::UnsubAck { pkid, existed })
            }
            Incoming::PingReq => self.reply(Outgoing::PingResp),
            Incoming::Disconnect {
                with_will,
                session_expiry,
            } => Some(End::Disconnect {
                with_will,
                session_expiry,
            }),
            Incoming::Connect(_) | Incoming::Auth => Some(End::Error(reason::PROTOCOL_ERROR)),
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

/// Sends what the session holds for connection `generation` until it is closed.
async fn write_loop(
    session: Arc<Session>,
    generation: u64,
    version: Version,
    mut writer: OwnedWriteHalf,
    closer: Arc<Closer>,
    client_max_packet: Option<u32>,
) {
    let mut items = Vec::new();
    let mut buf = BytesMut::with_capacity(WRITE_BATCH * 2);
    while !closer.is_closed() {
        items.clear();
        match session.take(generation, &mut items, WRITE_BATCH) {
            Take::Closed => break,
            Take::Empty => {
                tokio::select! {
                    _ = session.wait_for_work() => continue,
                    _ = closer.closed() => break,
                }
            }
            Take::Ready => {}
        }
        buf.clear();
        for item in &items {
            if !version.write(item, &mut buf, client_max_packet)
                && let Outgoing::Publish { pkid, qos, .. } = item
                && *qos > 0
            {
                // Over the client's maximum packet size: dropped, as MQTT 5 says.
                session.acknowledge(*pkid);
            }
        }
        tokio::select! {
            written = writer.write_all(&buf) => if written.is_err() {
                closer.close(0);
                break;
            },
            _ = closer.closed() => break,
        }
    }
    let code = closer.reason();
    if version == Version::V5 && code != 0 {
        let mut buf = BytesMut::new();
        version.write(&Outgoing::Disconnect(code), &mut buf, client_max_packet);
        let _ = tokio::time::timeout(Duration::from_secs(1), writer.write_all(&buf)).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
}

async fn read_connect(
    reader: &mut OwnedReadHalf,
    buf: &mut BytesMut,
    max_packet: usize,
) -> Result<(Version, Box<ConnectRequest>), CodecError> {
    let mut version = None;
    loop {
        if version.is_none() {
            version = codec::detect(buf)?;
        }
        if let Some(version) = version {
            match version.read(buf, max_packet)? {
                Some(Incoming::Connect(request)) => return Ok((version, request)),
                Some(_) => return Err(CodecError::NotConnect),
                None => {}
            }
        }
        buf.reserve(1024);
        match reader.read_buf(buf).await {
            Ok(0) | Err(_) => return Err(CodecError::Malformed("closed before CONNECT".into())),
            Ok(_) => {}
        }
    }
}

fn connack(
    session_present: bool,
    code: ConnectCode,
    assigned_client_id: Option<String>,
    max_packet: usize,
) -> Outgoing {
    Outgoing::ConnAck {
        session_present,
        code,
        assigned_client_id,
        limits: ServerLimits {
            max_packet_size: u32::try_from(max_packet).unwrap_or(u32::MAX),
            receive_maximum: RECEIVE_MAXIMUM,
        },
    }
}

/// Answers a CONNECT with a refusal; the connection then closes.
async fn refuse(
    writer: &mut OwnedWriteHalf,
    version: Version,
    code: ConnectCode,
    max_packet: usize,
) {
    let _ = send(writer, version, &connack(false, code, None, max_packet)).await;
}

async fn send(
    writer: &mut OwnedWriteHalf,
    version: Version,
    packet: &Outgoing,
) -> std::io::Result<()> {
    let mut buf = BytesMut::new();
    version.write(packet, &mut buf, None);
    writer.write_all(&buf).await
}
