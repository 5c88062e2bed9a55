//! Starting the broker and the handle the embedding server keeps: its address, its
//! health, and the in-process publish, subscribe and observe hooks.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::PublishProperties;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::codec::{Message, reason};
use crate::connection::Settings;
use crate::listener::Listener;
use crate::local::LocalSubscribers;
use crate::router::Router;
use crate::session::Closer;
use crate::sys;
use crate::{BrokerConfig, BrokerError, Subscription, lock};

/// Shared between the handle's clones.
struct Shared {
    /// As configured, with the addresses actually bound.
    config: BrokerConfig,
    router: Arc<Router>,
    local: Arc<LocalSubscribers>,
    listener: Arc<Listener>,
    broker: Mutex<Option<thread::JoinHandle<()>>>,
    /// Closed by `stop`.
    stop: Arc<Closer>,
}

/// The running broker; cheap to clone, shared by every feature that needs it.
#[derive(Clone)]
pub struct BrokerHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for BrokerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerHandle")
            .field("addr", &self.shared.config.addr)
            .finish()
    }
}

/// How often expired sessions of absent clients are removed.
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// How long a stop waits for clients to be sent their DISCONNECT before the sockets
/// close anyway.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// Binds a listening socket, non-blocking, returning it with the address bound.
fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), BrokerError> {
    let listener = TcpListener::bind(addr).map_err(|source| BrokerError::Bind { addr, source })?;
    let startup = |e: std::io::Error| BrokerError::Startup {
        addr,
        reason: e.to_string(),
    };
    let bound = listener.local_addr().map_err(startup)?;
    listener.set_nonblocking(true).map_err(startup)?;
    Ok((listener, bound))
}

/// Binds the address (and the TLS one) and starts the broker on its own runtime (two
/// worker threads), so MQTT traffic never competes with the embedding server's tasks
/// for a scheduler.
///
/// Fails (never panics, never hangs) when an address is taken, the TLS certificate
/// cannot be read or the runtime cannot start.
pub fn start(mut config: BrokerConfig) -> Result<BrokerHandle, BrokerError> {
    let addr = config.addr;
    let startup = move |reason: String| BrokerError::Startup { addr, reason };
    let (listener, bound) = bind(addr)?;
    config.addr = bound;
    let tls = match config.tls.as_mut() {
        Some(tls) => {
            let acceptor = tls.acceptor()?;
            let (listener, bound) = bind(tls.addr)?;
            tls.addr = bound;
            Some((listener, acceptor))
        }
        None => None,
    };
    let local = Arc::new(LocalSubscribers::default());
    let router = Arc::new(Router::new(config.router(), {
        let local = local.clone();
        Box::new(move |message: &Message| local.see(message))
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mqtt")
        .enable_all()
        .build()
        .map_err(|e| startup(e.to_string()))?;
    let settings = Settings {
        max_message_bytes: config.max_message_bytes,
        max_keep_alive: config.max_keep_alive,
    };
    let stop = Arc::new(Closer::default());
    let front = Arc::new(Listener::new(
        router.clone(),
        settings,
        config.authenticator.clone(),
        runtime.handle().clone(),
        stop.clone(),
    ));
    let broker_thread = {
        let router = router.clone();
        let local = local.clone();
        let front = front.clone();
        let sys_interval = config.sys_interval;
        thread::Builder::new()
            .name("mqtt-broker".into())
            .spawn(move || {
                runtime.block_on(async {
                    tokio::spawn(sys::report(router.clone(), sys_interval));
                    tokio::spawn(sweep(router.clone()));
                    if let Some((listener, acceptor)) = tls {
                        tokio::spawn(front.clone().accept(listener, Some(acceptor)));
                    }
                    front.accept(listener, None).await;
                    stop_clients(&router).await;
                    local.close_all();
                });
                // Dropping the runtime ends the tasks left and closes their sockets.
                drop(runtime);
            })
            .map_err(|e| startup(e.to_string()))?
    };
    Ok(BrokerHandle {
        shared: Arc::new(Shared {
            config,
            router,
            local,
            listener: front,
            broker: Mutex::new(Some(broker_thread)),
            stop,
        }),
    })
}

/// Removes expired sessions of absent clients and publishes their due wills, forever.
async fn sweep(router: Arc<Router>) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        // Sessions that ended have their delayed wills due.
        for will in router.sweep() {
            router.publish(will).await;
        }
    }
}

/// Sends every client its DISCONNECT (MQTT 5: 0x8B Server shutting down) and waits a
/// little for them to go.
async fn stop_clients(router: &Router) {
    router.close_all(reason::SERVER_SHUTTING_DOWN);
    let deadline = tokio::time::Instant::now() + STOP_GRACE;
    while router
        .connections
        .load(std::sync::atomic::Ordering::Acquire)
        > 0
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl BrokerHandle {
    /// Where MQTT clients connect (the port actually bound when 0 was configured).
    pub fn addr(&self) -> SocketAddr {
        self.shared.config.addr
    }

    /// Where MQTT over TLS clients connect, when a TLS listener is configured (the port
    /// actually bound when 0 was configured).
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.shared.config.tls.as_ref().map(|tls| tls.addr)
    }

    /// Serves any byte stream as one MQTT connection, exactly as a TCP client is served
    /// (same authentication, limits and connection bound): how the server bridges MQTT
    /// over WebSocket on its HTTP port. `peer` is the client's address as the server
    /// knows it (what the authenticator sees). Returns at once, the connection running
    /// on the broker's runtime; false (the stream dropped, so closed) when the broker
    /// has stopped or too many connections are open.
    pub fn serve_connection<S>(&self, stream: S, peer: SocketAddr) -> bool
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        self.shared.listener.serve(stream, peer)
    }

    /// The largest payload the broker accepts, so in-process publishers can refuse
    /// bigger ones before they are built.
    pub fn max_message_bytes(&self) -> usize {
        self.shared.config.max_message_bytes
    }

    /// Stops the broker: no new connections, every client is sent DISCONNECT (MQTT 5:
    /// 0x8B Server shutting down) and its socket closed, background tasks end and
    /// in-process subscriptions see their end. Blocks until done (about 2 s at most), so
    /// async callers run it in `spawn_blocking`; later calls do nothing.
    pub fn stop(&self) {
        self.shared.stop.close(0);
        let thread = lock(&self.shared.broker).take();
        if let Some(thread) = thread
            && thread.join().is_err()
        {
            tracing::error!("the MQTT broker thread panicked while stopping");
        }
    }

    /// Ends every connection whose [`crate::Grant::identity`] is `identity` (MQTT 5:
    /// DISCONNECT 0x98 Administrative action) and answers how many: how the server puts
    /// out the clients of a credential it has revoked, whose next CONNECT it refuses.
    /// Their sessions and wills fare as after any connection the server closes.
    pub fn disconnect(&self, identity: &str) -> usize {
        self.shared
            .router
            .close_identity(identity, reason::ADMINISTRATIVE_ACTION)
    }

    /// `"up"` while the broker's runtime runs, `"down"` otherwise; what `/healthz`
    /// reports.
    pub fn status(&self) -> &'static str {
        let running = lock(&self.shared.broker)
            .as_ref()
            .is_some_and(|t| !t.is_finished());
        if running { "up" } else { "down" }
    }

    /// Publishes from the server itself (console, mock publisher) at QoS 0; a subscriber
    /// whose queue is full loses it rather than holding the server up.
    pub fn publish(&self, topic: &str, payload: Bytes, retain: bool) -> Result<(), BrokerError> {
        self.publish_with_properties(topic, payload, retain, Vec::new())
    }

    /// Publishes with MQTT 5 user properties (the console's headers); MQTT 3.1.1
    /// subscribers receive the message without them.
    pub fn publish_with_properties(
        &self,
        topic: &str,
        payload: Bytes,
        retain: bool,
        user_properties: Vec<(String, String)>,
    ) -> Result<(), BrokerError> {
        let limit = self.shared.config.max_message_bytes;
        if payload.len() > limit {
            return Err(BrokerError::TooLarge {
                size: payload.len(),
                limit,
            });
        }
        let properties = (!user_properties.is_empty()).then(|| PublishProperties {
            user_properties,
            ..Default::default()
        });
        self.shared.router.publish_now(Arc::new(Message {
            topic: topic.to_string(),
            payload,
            qos: 0,
            retain,
            properties,
            received: Instant::now(),
            publisher: 0,
        }));
        Ok(())
    }

    /// Subscribes in-process to the MQTT `filter`, with a queue of `subscriber_queue`
    /// messages; the subscription ends when dropped.
    pub fn subscribe(&self, filter: &str) -> Subscription {
        let (feed, subscription) =
            Subscription::bounded(filter, self.shared.config.subscriber_queue);
        self.shared.local.add(feed);
        subscription
    }

    /// Observes every message routed, `$` topics included, through a queue of at most
    /// `capacity` messages (the oldest dropped and counted when full): how a store of
    /// the server's own (the console's recent traffic) follows the broker without the
    /// broker knowing it or waiting for it. Ends when dropped.
    pub fn observe(&self, capacity: usize) -> Subscription {
        let (feed, subscription) = Subscription::everything(capacity);
        self.shared.local.add(feed);
        subscription
    }
}
