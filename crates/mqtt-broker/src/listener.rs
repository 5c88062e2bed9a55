//! Where connections come from: the TCP listener, the optional TLS listener, and any
//! byte stream the embedding server hands over (MQTT over WebSocket). All are served by
//! the same handler within the same bound on open connections.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::auth::Authenticator;
use crate::connection::{self, Settings};
use crate::router::Router;
use crate::session::Closer;
use crate::tls::Acceptor;

/// Connections beyond `max_connections` that may be open before their CONNECT.
pub(crate) const PENDING_CONNECTIONS: usize = 100;
/// A TLS client must finish its handshake this soon.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What every connection, wherever it comes from, is served with.
pub(crate) struct Listener {
    pub router: Arc<Router>,
    pub settings: Settings,
    pub authenticator: Option<Arc<dyn Authenticator>>,
    /// Open connections, those not yet past CONNECT included, so a flood of idle
    /// sockets is bounded too.
    open: Arc<Semaphore>,
    /// The broker's runtime: connections run there whoever hands them over.
    runtime: tokio::runtime::Handle,
    stop: Arc<Closer>,
}

impl Listener {
    pub(crate) fn new(
        router: Arc<Router>,
        settings: Settings,
        authenticator: Option<Arc<dyn Authenticator>>,
        runtime: tokio::runtime::Handle,
        stop: Arc<Closer>,
    ) -> Self {
        let open = Arc::new(Semaphore::new(
            router.config.max_connections + PENDING_CONNECTIONS,
        ));
        Self {
            router,
            settings,
            authenticator,
            open,
            runtime,
            stop,
        }
    }

    /// Serves any byte stream as an MQTT connection; false (the stream dropped) when too
    /// many connections are open or the broker stopped.
    pub(crate) fn serve<S>(self: &Arc<Self>, stream: S, peer: SocketAddr) -> bool
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        if self.stop.is_closed() {
            return false;
        }
        let Ok(permit) = self.open.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many MQTT connections: one refused");
            return false;
        };
        let this = self.clone();
        self.runtime.spawn(async move {
            let (reader, writer) = tokio::io::split(stream);
            this.run(reader, writer, peer).await;
            drop(permit);
        });
        true
    }

    /// Serves a TCP connection, its halves apart (no lock between reader and writer).
    fn serve_tcp(self: &Arc<Self>, stream: TcpStream, peer: SocketAddr) {
        let Ok(permit) = self.open.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many MQTT connections: one refused");
            return;
        };
        let _ = stream.set_nodelay(true);
        let this = self.clone();
        tokio::spawn(async move {
            let (reader, writer) = stream.into_split();
            this.run(reader, writer, peer).await;
            drop(permit);
        });
    }

    /// Serves a TLS connection once its handshake is done.
    fn serve_tls(self: &Arc<Self>, stream: TcpStream, peer: SocketAddr, acceptor: &Acceptor) {
        let Ok(permit) = self.open.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many MQTT connections: one refused");
            return;
        };
        let _ = stream.set_nodelay(true);
        let this = self.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => {
                    let (reader, writer) = tokio::io::split(stream);
                    this.run(reader, writer, peer).await;
                }
                Ok(Err(error)) => tracing::debug!(%peer, %error, "MQTT TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "MQTT TLS handshake timed out"),
            }
            drop(permit);
        });
    }

    async fn run<R, W>(&self, reader: R, writer: W, peer: SocketAddr)
    where
        R: AsyncRead + Unpin + Send,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        connection::serve(
            self.router.clone(),
            reader,
            writer,
            peer,
            self.settings,
            self.authenticator.clone(),
        )
        .await;
    }

    /// Accepts plain TCP (or, with `tls`, TLS) connections until the broker stops.
    pub(crate) async fn accept(
        self: Arc<Self>,
        listener: std::net::TcpListener,
        tls: Option<Acceptor>,
    ) {
        let listener = match TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(%error, "the MQTT listener cannot run");
                return;
            }
        };
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = self.stop.closed() => break,
            };
            match accepted {
                Ok((stream, peer)) => match &tls {
                    Some(acceptor) => self.serve_tls(stream, peer, acceptor),
                    None => self.serve_tcp(stream, peer),
                },
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "cannot accept an MQTT connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}
