//! The writer task of one connection: sends what the session holds, in batches, and the
//! DISCONNECT that explains why a connection ends.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::codec::{Outbound, Outgoing, Version};
use crate::router::Router;
use crate::session::{Closer, Session, Take};

/// About how many bytes of messages the writer sends in one write.
const WRITE_BATCH: usize = 64 * 1024;
/// A client that accepts none of a batch for this long is not reading: it is
/// disconnected, so publishers waiting for room at it go on.
const WRITE_STALL: Duration = Duration::from_secs(60);

/// Writes `buf` and flushes it (a TLS stream holds what is not flushed).
async fn write_out<W: AsyncWrite + Unpin>(writer: &mut W, buf: &[u8]) -> std::io::Result<()> {
    writer.write_all(buf).await?;
    writer.flush().await
}

/// Sends what the session holds for connection `generation` until it is closed.
pub(super) async fn write_loop<W: AsyncWrite + Unpin>(
    session: Arc<Session>,
    router: Arc<Router>,
    generation: u64,
    version: Version,
    mut writer: W,
    closer: Arc<Closer>,
    mut outbound: Outbound,
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
        let mut messages = 0;
        for item in &items {
            let written = version.write(item, &mut buf, &mut outbound);
            if let Outgoing::Publish { pkid, qos, .. } = item {
                if written {
                    messages += 1;
                } else if *qos > 0 {
                    // Over the client's maximum packet size: dropped, as MQTT 5 says
                    // [MQTT-3.1.2-25] (or outside its mount: never its to see).
                    session.forget(*pkid);
                }
            }
        }
        let stats = &router.stats;
        stats.messages_sent.fetch_add(messages, Ordering::Relaxed);
        stats
            .bytes_sent
            .fetch_add(buf.len() as u64, Ordering::Relaxed);
        tokio::select! {
            written = tokio::time::timeout(WRITE_STALL, write_out(&mut writer, &buf)) => {
                if !matches!(written, Ok(Ok(()))) {
                    closer.close(0);
                    break;
                }
            },
            _ = closer.closed() => break,
        }
    }
    // The acknowledgements already due go out before the DISCONNECT that explains why
    // the connection ends (the PUBRECs before a 0x93, say).
    items.clear();
    session.take_control(generation, &mut items);
    buf.clear();
    for item in &items {
        version.write(item, &mut buf, &mut outbound);
    }
    let code = closer.reason();
    if version == Version::V5 && code != 0 {
        version.write(&Outgoing::Disconnect(code), &mut buf, &mut outbound);
    }
    if !buf.is_empty() {
        let _ = tokio::time::timeout(Duration::from_secs(1), write_out(&mut writer, &buf)).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
}
