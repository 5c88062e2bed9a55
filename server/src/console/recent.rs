//! The recent traffic of the bundled broker, behind the channel console: the last N
//! messages per topic over a bounded number of topics, so a new subscription shows what
//! just happened without the server's memory growing with traffic. It follows the broker
//! through an observer (`BrokerHandle::observe`), so the broker neither knows the store
//! nor waits for it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use mqtt_broker::{BrokerHandle, BrokerMessage, filter_matches};

/// The bounds of the recent traffic; every one explicit.
#[derive(Debug, Clone, Copy)]
pub struct RecentConfig {
    /// Messages kept per topic.
    pub per_topic: usize,
    /// Topics kept; the least recently written is evicted beyond this.
    pub max_topics: usize,
    /// Messages waiting between the broker and the store before the oldest is dropped
    /// (the observer's queue; the store takes them as fast as they come).
    pub observer_queue: usize,
}

impl RecentConfig {
    /// 100 messages per topic on 10,000 topics, through a queue of 1,000 messages.
    pub const DEFAULT: RecentConfig = RecentConfig {
        per_topic: 100,
        max_topics: 10_000,
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
            store: Mutex::new(RecentStore::new(config.per_topic, config.max_topics)),
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

    /// The kept messages of every topic matching `filter` (see `RecentStore::query`).
    pub fn query(&self, filter: &str) -> Vec<BrokerMessage> {
        self.lock().query(filter)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecentStore> {
        // Every critical section leaves the store whole, so a poisoned lock is still good.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Last messages per topic, oldest topics evicted first when there are too many.
#[derive(Debug)]
struct RecentStore {
    per_topic: usize,
    max_topics: usize,
    topics: HashMap<String, (u64, VecDeque<BrokerMessage>)>,
    clock: u64,
}

impl RecentStore {
    /// A store keeping `per_topic` messages for each of at most `max_topics` topics.
    fn new(per_topic: usize, max_topics: usize) -> Self {
        Self {
            per_topic: per_topic.max(1),
            max_topics: max_topics.max(1),
            topics: HashMap::new(),
            clock: 0,
        }
    }

    /// Records a message, evicting its topic's oldest message or the least recently
    /// written topic when a bound is reached.
    fn record(&mut self, message: BrokerMessage) {
        self.clock += 1;
        let clock = self.clock;
        if !self.topics.contains_key(&message.topic) && self.topics.len() >= self.max_topics {
            // Linear scan: rare (only when a new topic arrives at the bound) and bounded.
            if let Some(oldest) = self
                .topics
                .iter()
                .min_by_key(|(_, (written, _))| *written)
                .map(|(topic, _)| topic.clone())
            {
                self.topics.remove(&oldest);
            }
        }
        let entry = self
            .topics
            .entry(message.topic.clone())
            .or_insert_with(|| (clock, VecDeque::new()));
        entry.0 = clock;
        if entry.1.len() >= self.per_topic {
            entry.1.pop_front();
        }
        entry.1.push_back(message);
    }

    /// The kept messages of every topic matching `filter`, oldest first per topic,
    /// topics in name order.
    fn query(&self, filter: &str) -> Vec<BrokerMessage> {
        let mut topics: Vec<&String> = self
            .topics
            .keys()
            .filter(|topic| filter_matches(filter, topic))
            .collect();
        topics.sort();
        topics
            .into_iter()
            .filter_map(|topic| self.topics.get(topic))
            .flat_map(|(_, messages)| messages.iter().cloned())
            .collect()
    }

    /// How many topics are currently kept.
    #[cfg(test)]
    fn topic_count(&self) -> usize {
        self.topics.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &str) -> BrokerMessage {
        BrokerMessage {
            topic: topic.to_string(),
            payload: payload.to_string().into(),
            retain: false,
            received_at: std::time::SystemTime::now(),
            user_properties: Vec::new(),
        }
    }

    #[test]
    fn keeps_only_the_last_messages_of_each_topic() {
        let mut store = RecentStore::new(100, 10);
        for n in 0..250 {
            store.record(message("orders/created", &n.to_string()));
        }
        let kept = store.query("orders/created");
        assert_eq!(kept.len(), 100);
        assert_eq!(&kept[0].payload[..], b"150");
        assert_eq!(&kept[99].payload[..], b"249");
    }

    #[test]
    fn evicts_the_least_recently_written_topic() {
        let mut store = RecentStore::new(5, 2);
        store.record(message("a", "1"));
        store.record(message("b", "1"));
        store.record(message("a", "2"));
        store.record(message("c", "1"));
        assert_eq!(store.topic_count(), 2);
        assert!(store.query("b").is_empty());
        assert_eq!(store.query("a").len(), 2);
    }

    #[test]
    fn queries_with_wildcards() {
        let mut store = RecentStore::new(5, 10);
        store.record(message("shop/orders", "1"));
        store.record(message("shop/payments", "1"));
        store.record(message("other/x", "1"));
        assert_eq!(store.query("shop/+").len(), 2);
        assert_eq!(store.query("#").len(), 3);
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
                .publish("orders/created", n.to_string().into(), false)
                .expect("published");
        }
        let payloads = |recent: &RecentTraffic| -> Vec<String> {
            recent
                .query("orders/#")
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
