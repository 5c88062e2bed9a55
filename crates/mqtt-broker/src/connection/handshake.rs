//! From the first byte to an admitted client: the CONNECT read within its deadline,
//! checked (will topic, client id), authenticated, or answered with a refusal.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::auth::{AUTH_TIMEOUT, Authenticator, Grant, Login, ProtocolVersion, Refusal};
use crate::codec::{
    self, CodecError, ConnectCode, ConnectRequest, Incoming, Outbound, Outgoing, ServerLimits,
    Version,
};
use crate::mount::Mount;
use crate::topic::valid_topic;

use super::RECEIVE_MAXIMUM;

/// A client must send CONNECT this soon after opening the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client past CONNECT, before its session is attached.
pub(super) struct Admitted {
    pub version: Version,
    pub request: Box<ConnectRequest>,
    /// What the client may do, and where.
    pub publish: bool,
    pub subscribe: bool,
    pub mount: Mount,
    /// The grant's identity, by which the server may end the connection.
    pub identity: Option<Arc<str>>,
    /// The client id the broker assigned (MQTT 5 CONNACK), if the client sent none.
    pub assigned: Option<String>,
}

/// Reads and checks the CONNECT; `None` when the connection is refused (answered
/// already) or closed. `next_id` names a client that sent no client id.
pub(super) async fn admit<R, W>(
    reader: &mut R,
    writer: &mut W,
    buf: &mut BytesMut,
    max_packet: usize,
    authenticator: Option<&dyn Authenticator>,
    peer: SocketAddr,
    next_id: impl FnOnce() -> u64,
) -> Option<Admitted>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (version, mut request) =
        match tokio::time::timeout(CONNECT_TIMEOUT, read_connect(reader, buf, max_packet)).await {
            Ok(Ok(connect)) => connect,
            Ok(Err(CodecError::UnsupportedLevel(level))) => {
                tracing::debug!(level, "MQTT client with an unsupported protocol level");
                refuse(
                    writer,
                    Version::V4,
                    ConnectCode::UnsupportedVersion,
                    max_packet,
                )
                .await;
                return None;
            }
            Ok(Err(error)) => {
                tracing::debug!(%error, "MQTT connection closed before CONNECT");
                return None;
            }
            Err(_) => return None,
        };
    if let Some(will) = &request.will
        && !valid_topic(&will.topic)
    {
        // [MQTT-3.1.3-11], [MQTT-4.7.3-1]: the will topic is a topic name, without
        // wildcards and not empty. MQTT 3.1.1 has no code for it: the connection closes.
        tracing::debug!(topic = %will.topic, "MQTT will topic refused");
        if version == Version::V5 {
            refuse(writer, version, ConnectCode::TopicNameInvalid, max_packet).await;
        }
        return None;
    }
    // [MQTT-1.5.4-2]: no NUL in a UTF-8 string; the session registry relies on it to
    // keep namespaces apart.
    if request.client_id.contains('\0') {
        refuse(writer, version, ConnectCode::ClientIdRejected, max_packet).await;
        return None;
    }
    let grant = match authenticator {
        None => Grant::full(""),
        Some(authenticator) => {
            let login = Login {
                client_id: request.client_id.clone(),
                username: request.username.take(),
                password: request.password.take().map(String::into_bytes),
                protocol: match version {
                    Version::V4 => ProtocolVersion::V311,
                    Version::V5 => ProtocolVersion::V5,
                },
                peer,
            };
            let decided =
                tokio::time::timeout(AUTH_TIMEOUT, authenticator.authenticate(login)).await;
            let refusal = match decided {
                Ok(Ok(grant)) => Ok(grant),
                Ok(Err(refusal)) => Err(refusal),
                Err(_) => {
                    tracing::warn!(%peer, "MQTT authentication timed out: client refused");
                    Err(Refusal::NotAuthorized)
                }
            };
            match refusal {
                Ok(grant) => grant,
                Err(refusal) => {
                    let code = match refusal {
                        Refusal::BadCredentials => ConnectCode::BadCredentials,
                        Refusal::NotAuthorized => ConnectCode::NotAuthorized,
                    };
                    refuse(writer, version, code, max_packet).await;
                    return None;
                }
            }
        }
    };
    let Some(mount) = Mount::new(&grant.mount) else {
        tracing::error!(mount = %grant.mount, "MQTT grant with wildcards in its mount: client refused");
        refuse(writer, version, ConnectCode::NotAuthorized, max_packet).await;
        return None;
    };
    if let Some(will) = request.will.as_mut() {
        // A will is a publish: a client that may not publish may not leave one.
        if !grant.publish || (!mount.is_root() && will.topic.starts_with('$')) {
            refuse(writer, version, ConnectCode::NotAuthorized, max_packet).await;
            return None;
        }
        will.topic = mount.topic(std::mem::take(&mut will.topic));
    }
    let mut assigned = None;
    if request.client_id.is_empty() {
        if version == Version::V4 && !request.clean_start {
            // MQTT 3.1.1 3.1.3-8: a persistent session needs a client id.
            refuse(writer, version, ConnectCode::ClientIdRejected, max_packet).await;
            return None;
        }
        request.client_id = format!("portico-{}", next_id());
        assigned = Some(request.client_id.clone());
    }
    if !mount.is_root() {
        // Sessions are kept per namespace: a client of one organisation cannot take
        // over (nor resume) another's session by reusing its client id.
        request.client_id = format!("{}\0{}", mount.prefix(), request.client_id);
    }
    Some(Admitted {
        version,
        request,
        publish: grant.publish,
        subscribe: grant.subscribe,
        mount,
        identity: grant.identity.map(Arc::from),
        assigned,
    })
}

async fn read_connect<R: AsyncRead + Unpin>(
    reader: &mut R,
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

/// What the broker announces at CONNACK.
pub(super) fn server_limits(max_packet: usize) -> ServerLimits {
    ServerLimits {
        max_packet_size: u32::try_from(max_packet).unwrap_or(u32::MAX),
        receive_maximum: RECEIVE_MAXIMUM,
        topic_alias_maximum: 0,
        server_keep_alive: None,
    }
}

/// Answers a CONNECT with a refusal; the connection then closes.
pub(super) async fn refuse<W: AsyncWrite + Unpin>(
    writer: &mut W,
    version: Version,
    code: ConnectCode,
    max_packet: usize,
) {
    let refusal = Outgoing::ConnAck {
        session_present: false,
        code,
        assigned_client_id: None,
        limits: server_limits(max_packet),
    };
    let _ = send(writer, version, &refusal).await;
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
}

/// Writes one packet at once (CONNACK), outside the writer task.
pub(super) async fn send<W: AsyncWrite + Unpin>(
    writer: &mut W,
    version: Version,
    packet: &Outgoing,
) -> std::io::Result<()> {
    let mut buf = BytesMut::new();
    version.write(packet, &mut buf, &mut Outbound::default());
    writer.write_all(&buf).await?;
    writer.flush().await
}
