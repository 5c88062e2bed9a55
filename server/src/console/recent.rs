//! The recent traffic of the bundled broker, behind the channel console, kept per
//! organisation's namespace: the last N messages per topic, over a bounded number of
//! topics and bytes, so a new subscription shows what just happened in its own namespace
//! without the server's memory growing with traffic. It follows the broker through an
//! observer (`BrokerHandle::observe`), so the broker neither knows the store nor waits
//! for it. Topics outside every namespace are not kept: no console can see them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use mqtt_broker::{BrokerHandle, BrokerMessage, filter_matches};

use super::namespace::Namespace;

/// The bounds of the recent traffic; every one explicit.
#[derive(Debug, Clone, Copy)]
pub struct RecentConfig {
    /// Messages kept per topic.
    pub per_topic: usize,
    /// Topics kept, all namespaces together.
    pub max_topics: usize,
    /// Bytes kept (payloads, topics, headers), all namespaces together.
    pub max_bytes: usize,
    /// Messages waiting between the broker and the store before the oldest is dropped
    /// (the observer's queue; the store takes them as fast as they come).
    pub observer_queue: usize,
}

impl RecentConfig {
    /// 100 messages per topic on 10,000 topics within 64 MiB, through a queue of 1,000
    /// messages.
    pub const DEFAULT: RecentConfig = RecentConfig {
        per_topic: 100,
        max_topics: 10_000,
        max_bytes: 64 * 1024 * 1024,
        observer_queue: 1_000,
    };
}

/// The recent traffic of one broker, kept up to date by a task that observes it.
#[derive(Debug)]
pub struct RecentTraffic {
    store: Mutex<RecentStore>,
}

impl RecentTraffic {
    /// Starts following `broker` (on the current tokio runtime); the task ends with the
    /// returned store.
    pub fn follow(broker: &BrokerHandle, config: RecentConfig) -> Arc<RecentTraffic> {
        let traffic = Arc::new(RecentTraffic {
            store: Mutex::new(RecentStore::new(config)),
        });
        let mut observer = broker.observe(config.observer_queue);
        let followed = Arc::downgrade(&traffic);
        tokio::spawn(async move {
            while let Some(message) = observer.recv().await {
                let Some(traffic) = followed.upgrade() else {
                    break;
                };
                traffic.lock().record(message);
            }
        });
        traffic
    }

    /// The kept messages of `namespace` whose topic (as the document writes it) matches
    /// `filter` (see `RecentStore::query`).
    pub fn query(&self, namespace: &Namespace, filter: &str) -> Vec<BrokerMessage> {
        self.lock().query(namespace.org(), filter)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecentStore> {
        // Every critical section leaves the store whole, so a poisoned lock is still good.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The kept messages of one topic.
#[derive(Debug, Default)]
struct TopicLog {
    /// When it was last written (the store's clock), its key in `RecentStore::lru`.
    written: u64,
    messages: VecDeque<BrokerMessage>,
}

/// Last messages per topic per namespace; the least recently written topic gives up its
/// oldest messages first when a bound is reached.
#[derive(Debug)]
struct RecentStore {
    config: RecentConfig,
    /// Organisation -> topic within its namespace -> messages (topics stored stripped).
    namespaces: HashMap<String, HashMap<String, TopicLog>>,
    /// Last write -> (organisation, topic): the eviction order, without a scan.
    lru: BTreeMap<u64, (String, String)>,
    bytes: usize,
    clock: u64,
}

impl RecentStore {
    fn new(config: RecentConfig) -> Self {
        Self {
            config: RecentConfig {
                per_topic: config.per_topic.max(1),
                max_topics: config.max_topics.max(1),
                ..config
            },
            namespaces: HashMap::new(),
            lru: BTreeMap::new(),
            bytes: 0,
            clock: 0,
        }
    }

    /// Records a message of a namespace, evicting its topic's oldest message, or the
    /// oldest messages of the least recently written topics while a bound is exceeded.
    fn record(&mut self, mut message: BrokerMessage) {
        let Some((org, within)) = Namespace::split(&message.topic) else {
            return;
        };
        let (org, within) = (org.to_owned(), within.to_owned());
        message.topic.clone_from(&within);
        let size = weight(&message);
        if size > self.config.max_bytes {
            return;
        }
        let known = self
            .namespaces
            .get(&org)
            .is_some_and(|topics| topics.contains_key(&within));
        if !known && self.lru.len() >= self.config.max_topics {
            self.evict_topic();
        }
        self.clock += 1;
        let clock = self.clock;
        let log = self
            .namespaces
            .entry(org.clone())
            .or_default()
            .entry(within.clone())
            .or_default();
        if known {
            self.lru.remove(&log.written);
        }
        log.written = clock;
        if log.messages.len() >= self.config.per_topic
            && let Some(old) = log.messages.pop_front()
        {
            self.bytes -= weight(&old);
        }
        log.messages.push_back(message);
        self.bytes += size;
        self.lru.insert(clock, (org, within));
        while self.bytes > self.config.max_bytes {
            self.evict_oldest_message();
        }
    }

    /// Removes the least recently written topic whole.
    fn evict_topic(&mut self) {
        let Some((_, (org, topic))) = self.lru.pop_first() else {
            return;
        };
        if let Some(topics) = self.namespaces.get_mut(&org) {
            if let Some(log) = topics.remove(&topic) {
                self.bytes -= log.messages.iter().map(weight).sum::<usize>();
            }
            if topics.is_empty() {
                self.namespaces.remove(&org);
            }
        }
    }

    /// Removes the oldest message of the least recently written topic (the topic too once
    /// it is empty).
    fn evict_oldest_message(&mut self) {
        let Some((_, (org, topic))) = self.lru.first_key_value() else {
            self.bytes = 0;
            return;
        };
        let log = self
            .namespaces
            .get_mut(org)
            .and_then(|topics| topics.get_mut(topic));
        if let Some(old) = log.and_then(|log| log.messages.pop_front()) {
            self.bytes -= weight(&old);
        }
        let empty = self
            .namespaces
            .get(org)
            .and_then(|topics| topics.get(topic))
            .is_none_or(|log| log.messages.is_empty());
        if empty {
            self.evict_topic();
        }
    }

    /// The kept messages of `org`'s topics matching `filter`, oldest first per topic,
    /// topics in name order.
    fn query(&self, org: &str, filter: &str) -> Vec<BrokerMessage> {
        let Some(topics) = self.namespaces.get(org) else {
            return Vec::new();
        };
        let mut matching: Vec<(&String, &TopicLog)> = topics
            .iter()
            .filter(|(topic, _)| filter_matches(filter, topic))
            .collect();
        matching.sort_by_key(|(topic, _)| *topic);
        matching
            .into_iter()
            .flat_map(|(_, log)| log.messages.iter().cloned())
            .collect()
    }

    /// How many topics are currently kept.
    #[cfg(test)]
    fn topic_count(&self) -> usize {
        self.lru.len()
    }
}

/// What a kept message costs: its bytes plus a fixed overhead for the record.
fn weight(message: &BrokerMessage) -> usize {
    64 + message.topic.len()
        + message.payload.len()
        + message
            .user_properties
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message of acme's namespace.
    fn message(topic: &str, payload: &str) -> BrokerMessage {
        raw(&format!("orgs/acme/{topic}"), payload)
    }

    /// A message on exactly this broker topic.
    fn raw(topic: &str, payload: &str) -> BrokerMessage {
        BrokerMessage {
            topic: topic.to_owned(),
            payload: payload.to_string().into(),
            retain: false,
            received_at: std::time::SystemTime::now(),
            user_properties: Vec::new(),
        }
    }

    fn store(per_topic: usize, max_topics: usize) -> RecentStore {
        RecentStore::new(RecentConfig {
            per_topic,
            max_topics,
            ..RecentConfig::DEFAULT
        })
    }

    #[test]
    fn keeps_only_the_last_messages_of_each_topic() {
        let mut store = store(100, 10);
        for n in 0..250 {
            store.record(message("orders/created", &n.to_string()));
        }
        let kept = store.query("acme", "orders/created");
        assert_eq!(kept.len(), 100);
        assert_eq!(&kept[0].payload[..], b"150");
        assert_eq!(&kept[99].payload[..], b"249");
        assert_eq!(kept[0].topic, "orders/created", "as the document writes it");
    }

    #[test]
    fn evicts_the_least_recently_written_topic() {
        let mut store = store(5, 2);
        store.record(message("a", "1"));
        store.record(message("b", "1"));
        store.record(message("a", "2"));
        store.record(message("c", "1"));
        assert_eq!(store.topic_count(), 2);
        assert!(store.query("acme", "b").is_empty());
        assert_eq!(store.query("acme", "a").len(), 2);
    }

    #[test]
    fn queries_with_wildcards_within_one_namespace() {
        let mut store = store(5, 10);
        store.record(message("shop/orders", "1"));
        store.record(message("shop/payments", "1"));
        store.record(message("other/x", "1"));
        store.record(raw("orgs/beta/shop/orders", "secret"));
        store.record(raw("acme/private", "outside"));
        assert_eq!(store.query("acme", "shop/+").len(), 2);
        assert_eq!(store.query("acme", "+/+").len(), 3);
        assert_eq!(store.query("beta", "+/+").len(), 1);
        assert_eq!(
            store.topic_count(),
            4,
            "a topic outside every namespace is not kept"
        );
    }

    #[test]
    fn the_byte_bound_holds_and_evicts_the_oldest_first() {
        let mut store = RecentStore::new(RecentConfig {
            max_bytes: 10 * 1024,
            ..RecentConfig::DEFAULT
        });
        let kilobyte = "x".repeat(1000);
        for n in 0..50 {
            store.record(message(&format!("t{n}"), &kilobyte));
        }
        assert!(store.bytes <= 10 * 1024, "{}", store.bytes);
        assert!(store.query("acme", "t0").is_empty());
        assert_eq!(store.query("acme", "t49").len(), 1);
        store.record(message("huge", &"x".repeat(20 * 1024)));
        assert!(
            store.query("acme", "huge").is_empty(),
            "larger than the bound"
        );
    }

    #[tokio::test]
    async fn follows_what_the_broker_routes_keeping_the_last_of_each_topic() {
        let addr = "127.0.0.1:0".parse().expect("a loopback address");
        let broker = mqtt_broker::start(mqtt_broker::BrokerConfig::new(addr)).expect("starts");
        let config = RecentConfig {
            per_topic: 2,
            ..RecentConfig::DEFAULT
        };
        let recent = RecentTraffic::follow(&broker, config);
        for n in 0..3 {
            broker
                .publish("orgs/acme/orders/created", n.to_string().into(), false)
                .expect("published");
        }
        let acme = Namespace::of_org("acme");
        let payloads = |recent: &RecentTraffic| -> Vec<String> {
            recent
                .query(&acme, "orders/+")
                .iter()
                .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
                .collect()
        };
        for _ in 0..100 {
            if payloads(&recent) == ["1", "2"] {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("recent traffic: {:?}", payloads(&recent));
    }
}
