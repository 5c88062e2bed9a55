//! Starting the broker and the handle the embedding server keeps: its address, its
//! health, and the in-process publish, subscribe and observe hooks.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::PublishProperties;

use crate::codec::{Message, reason};
use crate::connection::{self, Settings};
use crate::local::LocalSubscribers;
use crate::router::Router;
use crate::session::Closer;
use crate::sys;
use crate::{BrokerConfig, BrokerError, Subscription, lock};

/// Shared between the handle's clones.
struct Shared {
    /// As configured, with the address actually bound.
    config: BrokerConfig,
    router: Arc<Router>,
    local: Arc<LocalSubscribers>,
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

/// Connections beyond `max_connections` that may be open before their CONNECT.
const PENDING_CONNECTIONS: usize = 100;

/// How often expired sessions of absent clients are removed.
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// How long a stop waits for clients to be sent their DISCONNECT before the sockets
/// close anyway.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// Binds the address and starts the broker on its own runtime (two worker threads), so
/// MQTT traffic never competes with the embedding server's tasks for a scheduler.
///
/// Fails (never panics, never hangs) when the address is taken or the runtime cannot
/// start.
pub fn start(mut config: BrokerConfig) -> Result<BrokerHandle, BrokerError> {
    let addr = config.addr;
    let listener = TcpListener::bind(addr).map_err(|source| BrokerError::Bind { addr, source })?;
    let startup = move |reason: String| BrokerError::Startup { addr, reason };
    config.addr = listener.local_addr().map_err(|e| startup(e.to_string()))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| startup(e.to_string()))?;
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
    let broker_thread = {
        let router = router.clone();
        let local = local.clone();
        let stop = stop.clone();
        let sys_interval = config.sys_interval;
        thread::Builder::new()
            .name("mqtt-broker".into())
            .spawn(move || {
                runtime.block_on(async {
                    tokio::spawn(sys::report(router.clone(), sys_interval));
                    accept(listener, router, settings, &stop).await;
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
            broker: Mutex::new(Some(broker_thread)),
            stop,
        }),
    })
}

/// Accepts connections and sweeps absent sessions until `stop` is closed; then sends
/// every client its DISCONNECT (MQTT 5: 0x8B Server shutting down) and waits a little
/// for them to go.
async fn accept(listener: TcpListener, router: Arc<Router>, settings: Settings, stop: &Closer) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, "the MQTT listener cannot run");
            return;
        }
    };
    {
        let router = router.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            loop {
                tick.tick().await;
                // Sessions that ended have their delayed wills due.
                for will in router.sweep() {
                    router.publish(will).await;
                }
            }
        });
    }
    // Connections not yet past CONNECT count too, so a flood of idle sockets is bounded.
    let open = Arc::new(tokio::sync::Semaphore::new(
        router.config.max_connections + PENDING_CONNECTIONS,
    ));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.closed() => break,
        };
        match accepted {
            Ok((stream, _)) => {
                let Ok(permit) = open.clone().try_acquire_owned() else {
                    tracing::warn!("too many MQTT connections: one refused");
                    continue;
                };
                let router = router.clone();
                tokio::spawn(async move {
                    connection::serve(router, stream, settings).await;
                    drop(permit);
                });
            }
            Err(error) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(%error, "cannot accept an MQTT connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drop(listener);
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
