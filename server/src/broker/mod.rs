//! The bundled MQTT broker (`PORTICO_MQTT_ADDR`): rumqttd on its own OS threads, with
//! small, explicit memory bounds, plus an in-process client for the server's own
//! features (channel console, recent traffic, mock publishers).
//!
//! rumqttd has no stop API, so the broker lives as long as the process; tests run the
//! server as a process. rumqttd serves MQTT 3.1.1 and MQTT 5 on separate listeners; the
//! one configured address speaks MQTT 3.1.1 (what `mosquitto_pub -V mqttv311`, the
//! default of most clients, uses). See `BrokerConfig::v5_addr` for MQTT 5.

mod queue;
mod recent;
mod topic;

use std::collections::HashMap;
use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use rumqttd::local::{LinkRx, LinkTx};
use rumqttd::protocol::{Packet, Publish, PublishProperties};
use rumqttd::{Config, ConnectionSettings, Notification, RouterConfig, ServerSettings};

pub(crate) use queue::BoundedQueue;
pub use queue::Subscription;
pub use topic::filter_matches;

use recent::RecentStore;

/// How the bundled broker is run; every memory bound is explicit here.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Where MQTT 3.1.1 clients connect (`PORTICO_MQTT_ADDR`).
    pub addr: SocketAddr,
    /// Where MQTT 5 clients connect, if anywhere (rumqttd needs a separate listener).
    pub v5_addr: Option<SocketAddr>,
    /// Largest accepted payload; bigger publishes are refused (the client is disconnected).
    pub max_message_bytes: usize,
    /// Messages kept per topic for the console.
    pub recent_per_topic: usize,
    /// Topics kept for the console; the least recently written is evicted beyond this.
    pub recent_max_topics: usize,
    /// Queue length of each in-process subscriber before the oldest is dropped.
    pub subscriber_queue: usize,
    /// Simultaneous client connections.
    pub max_connections: usize,
    /// Bytes of payload (and topic) kept per subscribed filter in rumqttd's commit log;
    /// a subscriber further behind than this loses the oldest messages. Real memory is
    /// about twice this (rumqttd's per-message bookkeeping).
    pub log_bytes_per_filter: usize,
}

impl BrokerConfig {
    /// The defaults of issue 6 on this address.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            v5_addr: None,
            max_message_bytes: 256 * 1024,
            recent_per_topic: 100,
            recent_max_topics: 10_000,
            subscriber_queue: 1_000,
            max_connections: 1_000,
            log_bytes_per_filter: 1024 * 1024,
        }
    }

    /// rumqttd's configuration: one listener per protocol, no console, no metrics, and a
    /// small commit log per filter (the default, 100 MiB x 10, is what let RSS grow):
    /// two segments of half the configured bytes. rumqttd keeps a filter's last segments
    /// whether or not they were read, so this is what every subscribed filter costs.
    fn rumqttd(&self) -> Config {
        let segment = (self.log_bytes_per_filter / 2).max(64 * 1024);
        let connections = ConnectionSettings {
            connection_timeout_ms: 10_000,
            max_payload_size: self.max_message_bytes,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        };
        let server = |name: &str, listen: SocketAddr| ServerSettings {
            name: name.to_string(),
            listen,
            tls: None,
            next_connection_delay_ms: 0,
            connections: connections.clone(),
        };
        let mut v4 = HashMap::new();
        v4.insert("1".to_string(), server("mqtt-v4", self.addr));
        let v5 = self.v5_addr.map(|addr| {
            let mut v5 = HashMap::new();
            v5.insert("1".to_string(), server("mqtt-v5", addr));
            v5
        });
        Config {
            id: 0,
            router: RouterConfig {
                max_connections: self.max_connections,
                max_outgoing_packet_count: 200,
                max_segment_size: segment,
                max_segment_count: 2,
                ..RouterConfig::default()
            },
            v4: Some(v4),
            v5,
            ..Config::default()
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
    /// rumqttd did not come up (its thread ended or never accepted connections).
    #[error("the MQTT broker did not start on {addr}: {reason}")]
    Startup { addr: SocketAddr, reason: String },
    /// The payload is over `max_message_bytes`.
    #[error("message of {size} bytes is over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    /// The in-process link to the router failed (the broker is down).
    #[error("the MQTT broker is not reachable in-process: {0}")]
    Link(String),
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

/// Shared between the handle's clones and the dispatcher thread.
struct Shared {
    config: BrokerConfig,
    publisher: Mutex<LinkTx>,
    subscribers: Mutex<Vec<(String, Arc<BoundedQueue>)>>,
    recent: Mutex<RecentStore>,
    dispatcher: Mutex<Option<thread::JoinHandle<()>>>,
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

/// Starts rumqttd on its own threads and waits until it accepts connections.
///
/// Fails (never panics, never hangs) when an address is taken or the broker thread ends.
pub fn start(config: BrokerConfig) -> Result<BrokerHandle, BrokerError> {
    for addr in std::iter::once(config.addr).chain(config.v5_addr) {
        // rumqttd only logs a failed bind from its thread; check first to report it.
        TcpListener::bind(addr).map_err(|source| BrokerError::Bind { addr, source })?;
    }
    let mut broker = rumqttd::Broker::new(config.rumqttd());
    let (publisher, subscriber) = broker
        .link("portico-server")
        .map_err(|e| BrokerError::Link(e.to_string()))?;
    let addr = config.addr;
    let startup = move |reason: String| BrokerError::Startup { addr, reason };
    let broker_thread = thread::Builder::new()
        .name("mqtt-broker".into())
        .spawn(move || {
            if let Err(error) = broker.start() {
                tracing::error!(%error, "the MQTT broker stopped");
            }
        })
        .map_err(|e| startup(e.to_string()))?;
    wait_until_listening(config.addr, &broker_thread).map_err(startup)?;

    let shared = Arc::new(Shared {
        recent: Mutex::new(RecentStore::new(
            config.recent_per_topic,
            config.recent_max_topics,
        )),
        config,
        publisher: Mutex::new(publisher),
        subscribers: Mutex::new(Vec::new()),
        dispatcher: Mutex::new(None),
        broker: Mutex::new(Some(broker_thread)),
    });
    let dispatcher = {
        let shared = shared.clone();
        thread::Builder::new()
            .name("mqtt-dispatch".into())
            .spawn(move || dispatch(shared, subscriber))
            .map_err(|e| startup(e.to_string()))?
    };
    *lock(&shared.dispatcher) = Some(dispatcher);
    lock(&shared.publisher)
        .subscribe("#")
        .map_err(|e| BrokerError::Link(e.to_string()))?;
    Ok(BrokerHandle { shared })
}

/// Polls the address until rumqttd accepts a connection, or its thread has ended.
fn wait_until_listening(addr: SocketAddr, broker: &thread::JoinHandle<()>) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if broker.is_finished() {
            return Err("the broker thread ended during startup".into());
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("it did not accept connections within 10 s".into());
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Locks, recovering from a poisoned mutex: the data inside stays consistent because
/// every critical section is a single push/pop.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Fans every message the server's `#` subscription receives out to the recent store
/// and to the matching in-process subscribers' bounded queues.
fn dispatch(shared: Arc<Shared>, mut link: LinkRx) {
    loop {
        let notification = match link.recv() {
            Ok(Some(notification)) => notification,
            Ok(None) => continue,
            Err(error) => {
                tracing::error!(%error, "the in-process MQTT link closed");
                break;
            }
        };
        let forward = match notification {
            Notification::Forward(forward) => forward,
            // The router stops sending to a link whose buffer filled up (a burst) until
            // the link says it is ready again; without this the console and the recent
            // traffic went silent for good after the first burst.
            Notification::Unschedule => {
                if let Err(error) = link.ready() {
                    tracing::error!(%error, "cannot reschedule the in-process MQTT link");
                    break;
                }
                continue;
            }
            _ => continue,
        };
        let message = BrokerMessage {
            topic: String::from_utf8_lossy(&forward.publish.topic).into_owned(),
            payload: forward.publish.payload.clone(),
            retain: forward.publish.retain,
            received_at: SystemTime::now(),
            user_properties: forward
                .properties
                .map(|p| p.user_properties)
                .unwrap_or_default(),
        };
        {
            let mut subscribers = lock(&shared.subscribers);
            subscribers.retain(|(_, queue)| !queue.is_closed());
            for (filter, queue) in subscribers.iter() {
                if filter_matches(filter, &message.topic) {
                    queue.push(message.clone());
                }
            }
        }
        lock(&shared.recent).record(message);
    }
    for (_, queue) in lock(&shared.subscribers).drain(..) {
        queue.close();
    }
}

impl BrokerHandle {
    /// Where MQTT 3.1.1 clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.shared.config.addr
    }

    /// The largest payload the broker accepts.
    pub fn max_message_bytes(&self) -> usize {
        self.shared.config.max_message_bytes
    }

    /// `"up"` while the broker and the server's link to it run, `"down"` otherwise;
    /// what `/healthz` reports.
    pub fn status(&self) -> &'static str {
        let running = |slot: &Mutex<Option<thread::JoinHandle<()>>>| {
            lock(slot).as_ref().is_some_and(|t| !t.is_finished())
        };
        if running(&self.shared.broker) && running(&self.shared.dispatcher) {
            "up"
        } else {
            "down"
        }
    }

    /// Publishes from the server itself (console, mock publisher).
    ///
    /// rumqttd's in-process links speak QoS 0 only: delivery to the router is in memory
    /// and cannot be lost, subscribers receive it at QoS 0.
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
        let publish = Publish::new(Bytes::copy_from_slice(topic.as_bytes()), payload, retain);
        let mut publisher = lock(&self.shared.publisher);
        // `LinkTx::send` is async in name only (it pushes and signals without awaiting),
        // and the only way to set `retain`; one poll completes it.
        let properties = (!user_properties.is_empty()).then(|| PublishProperties {
            user_properties,
            ..PublishProperties::default()
        });
        let mut send = std::pin::pin!(publisher.send(Packet::Publish(publish, properties)));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match send.as_mut().poll(&mut context) {
            std::task::Poll::Ready(result) => result
                .map(|_| ())
                .map_err(|e| BrokerError::Link(e.to_string())),
            std::task::Poll::Pending => Err(BrokerError::Link("the router is busy".into())),
        }
    }

    /// Subscribes in-process to `filter`; the subscription ends when dropped.
    pub fn subscribe(&self, filter: &str) -> Subscription {
        let queue = BoundedQueue::new(self.shared.config.subscriber_queue);
        lock(&self.shared.subscribers).push((filter.to_string(), queue.clone()));
        Subscription::new(filter.to_string(), queue)
    }

    /// The recent messages (last `recent_per_topic` per topic) matching `filter`.
    pub fn recent(&self, filter: &str) -> Vec<BrokerMessage> {
        lock(&self.shared.recent).query(filter)
    }
}
