//! The bundled MQTT broker (`PORTICO_MQTT_ADDR`): our own broker core on a dedicated
//! tokio runtime, speaking MQTT 3.1.1 and MQTT 5 on one port (QoS 0/1/2, retained
//! messages, wills, persistent sessions), plus an in-process client for the server's own
//! features (channel console, recent traffic, mock publishers).
//!
//! Why our own core: a subscriber that reads slower than a burst is published must
//! neither lose messages nor grow the server. Each client holds at most
//! `queue_bytes_per_client` of waiting messages, freed as soon as they are written to it;
//! a publisher that meets a full queue waits for room (TCP then slows it down), up to
//! `slow_subscriber_grace`, after which that subscriber is marked stalled and loses QoS 0
//! messages until it catches up. (rumqttd, the engine before, keeps a fixed log per
//! subscribed filter whether or not it was read, so it could not bound memory and keep a
//! burst at once.) Wire encoding is rumqttc's codec.

mod codec;
mod connection;
mod queue;
mod recent;
mod router;
mod session;
mod topic;

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

pub(crate) use queue::BoundedQueue;
pub use queue::Subscription;
pub use topic::filter_matches;

use codec::Message;
use recent::RecentStore;
use router::{Router, RouterConfig};
use session::QueueLimits;

/// How the bundled broker is run; every memory bound is explicit here.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Where MQTT clients (3.1.1 and 5) connect (`PORTICO_MQTT_ADDR`).
    pub addr: SocketAddr,
    /// Largest accepted payload; a client that publishes a bigger one is disconnected.
    pub max_message_bytes: usize,
    /// Messages kept per topic for the console.
    pub recent_per_topic: usize,
    /// Topics kept for the console; the least recently written is evicted beyond this.
    pub recent_max_topics: usize,
    /// Queue length of each in-process subscriber before the oldest is dropped.
    pub subscriber_queue: usize,
    /// Simultaneous client connections.
    pub max_connections: usize,
    /// Bytes of messages (topic and payload) waiting for one client; publishers wait for
    /// room beyond this (`PORTICO_MQTT_QUEUE_BYTES`).
    pub queue_bytes_per_client: usize,
    /// QoS 1/2 messages kept for a client with a persistent session while it is away.
    pub offline_messages_per_client: usize,
    /// Persistent sessions kept for absent clients (each holds at most
    /// `queue_bytes_per_client`).
    pub max_offline_sessions: usize,
    /// Retained messages: topics and bytes.
    pub retained_max_topics: usize,
    pub retained_max_bytes: usize,
    /// How long a publisher waits for room at a subscriber before giving up on it.
    pub slow_subscriber_grace: Duration,
}

impl BrokerConfig {
    /// The defaults of issue 6 on this address.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            max_message_bytes: 256 * 1024,
            recent_per_topic: 100,
            recent_max_topics: 10_000,
            subscriber_queue: 1_000,
            max_connections: 1_000,
            queue_bytes_per_client: 1024 * 1024,
            offline_messages_per_client: 1_000,
            max_offline_sessions: 1_000,
            retained_max_topics: 10_000,
            retained_max_bytes: 64 * 1024 * 1024,
            slow_subscriber_grace: Duration::from_secs(2),
        }
    }

    fn router(&self) -> RouterConfig {
        RouterConfig {
            queue: QueueLimits {
                bytes: self.queue_bytes_per_client,
                offline_messages: self.offline_messages_per_client,
            },
            max_offline_sessions: self.max_offline_sessions,
            retained_max_topics: self.retained_max_topics,
            retained_max_bytes: self.retained_max_bytes,
            slow_subscriber_grace: self.slow_subscriber_grace,
            max_connections: self.max_connections,
        }
    }
}

/// Why the broker could not start or an in-process operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The configured address is taken or not ours to bind.
    #[error("cannot listen for MQTT on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The broker's runtime did not come up.
    #[error("the MQTT broker did not start on {addr}: {reason}")]
    Startup { addr: SocketAddr, reason: String },
    /// The payload is over `max_message_bytes`.
    #[error("message of {size} bytes is over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
}

/// One message as it passed through the broker.
#[derive(Debug, Clone)]
pub struct BrokerMessage {
    /// The topic it was published on.
    pub topic: String,
    /// Its payload, shared, not copied.
    pub payload: Bytes,
    /// Whether it was published as retained.
    pub retain: bool,
    /// When the server saw it.
    pub received_at: SystemTime,
    /// MQTT 5 user properties, empty for MQTT 3.1.1.
    pub user_properties: Vec<(String, String)>,
}

impl BrokerMessage {
    #[cfg(test)]
    pub(crate) fn new_for_test(topic: &str, payload: String) -> Self {
        Self {
            topic: topic.to_string(),
            payload: Bytes::from(payload),
            retain: false,
            received_at: SystemTime::now(),
            user_properties: Vec::new(),
        }
    }
}

/// What the server's own features see of the broker: in-process subscribers and the
/// recent traffic, fed by the router's tap.
struct Tap {
    subscribers: Mutex<Vec<(String, Arc<BoundedQueue>)>>,
    recent: Mutex<RecentStore>,
}

impl Tap {
    fn see(&self, message: &Message) {
        let message = BrokerMessage {
            topic: message.topic.clone(),
            payload: message.payload.clone(),
            retain: message.retain,
            received_at: SystemTime::now(),
            user_properties: message.user_properties().to_vec(),
        };
        {
            let mut subscribers = lock(&self.subscribers);
            subscribers.retain(|(_, queue)| !queue.is_closed());
            for (filter, queue) in subscribers.iter() {
                if filter_matches(filter, &message.topic) {
                    queue.push(message.clone());
                }
            }
        }
        lock(&self.recent).record(message);
    }
}

/// Shared between the handle's clones.
struct Shared {
    config: BrokerConfig,
    router: Arc<Router>,
    tap: Arc<Tap>,
    broker: Mutex<Option<thread::JoinHandle<()>>>,
}

/// The running bundled broker; cheap to clone, shared by every feature that needs it.
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

/// Binds the address and starts the broker on its own runtime (two worker threads).
///
/// Fails (never panics, never hangs) when the address is taken or the runtime cannot
/// start.
pub fn start(config: BrokerConfig) -> Result<BrokerHandle, BrokerError> {
    let addr = config.addr;
    let listener = TcpListener::bind(addr).map_err(|source| BrokerError::Bind { addr, source })?;
    let startup = move |reason: String| BrokerError::Startup { addr, reason };
    listener
        .set_nonblocking(true)
        .map_err(|e| startup(e.to_string()))?;
    let tap = Arc::new(Tap {
        subscribers: Mutex::new(Vec::new()),
        recent: Mutex::new(RecentStore::new(
            config.recent_per_topic,
            config.recent_max_topics,
        )),
    });
    let router = Arc::new(Router::new(config.router(), {
        let tap = tap.clone();
        Box::new(move |message: &Message| tap.see(message))
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mqtt")
        .enable_all()
        .build()
        .map_err(|e| startup(e.to_string()))?;
    let max_message_bytes = config.max_message_bytes;
    let broker_thread = {
        let router = router.clone();
        thread::Builder::new()
            .name("mqtt-broker".into())
            .spawn(move || runtime.block_on(accept(listener, router, max_message_bytes)))
            .map_err(|e| startup(e.to_string()))?
    };
    Ok(BrokerHandle {
        shared: Arc::new(Shared {
            config,
            router,
            tap,
            broker: Mutex::new(Some(broker_thread)),
        }),
    })
}

/// Accepts connections until the listener fails for good; sweeps absent sessions.
async fn accept(listener: TcpListener, router: Arc<Router>, max_message_bytes: usize) {
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
                router.sweep();
            }
        });
    }
    // Connections not yet past CONNECT count too, so a flood of idle sockets is bounded.
    let open = Arc::new(tokio::sync::Semaphore::new(
        router.config.max_connections + PENDING_CONNECTIONS,
    ));
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let Ok(permit) = open.clone().try_acquire_owned() else {
                    tracing::warn!("too many MQTT connections: one refused");
                    continue;
                };
                let router = router.clone();
                tokio::spawn(async move {
                    connection::serve(router, stream, max_message_bytes).await;
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
}

/// Locks, recovering from a poisoned mutex: the data inside stays consistent because
/// every critical section leaves it whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl BrokerHandle {
    /// Where MQTT clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.shared.config.addr
    }

    /// The largest payload the broker accepts.
    pub fn max_message_bytes(&self) -> usize {
        self.shared.config.max_message_bytes
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
        let properties =
            (!user_properties.is_empty()).then(|| rumqttc::v5::mqttbytes::v5::PublishProperties {
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

    /// Subscribes in-process to `filter`; the subscription ends when dropped.
    pub fn subscribe(&self, filter: &str) -> Subscription {
        let queue = BoundedQueue::new(self.shared.config.subscriber_queue);
        lock(&self.shared.tap.subscribers).push((filter.to_string(), queue.clone()));
        Subscription::new(filter.to_string(), queue)
    }

    /// The recent messages (last `recent_per_topic` per topic) matching `filter`.
    pub fn recent(&self, filter: &str) -> Vec<BrokerMessage> {
        lock(&self.shared.tap.recent).query(filter)
    }
}
