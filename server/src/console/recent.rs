//! The recent-traffic store behind the channel console: the last N messages per topic,
//! over a bounded number of topics, so opening the console shows what just happened
//! without the server's memory growing with traffic.

use std::collections::{HashMap, VecDeque};

use super::BrokerMessage;
use super::topic::filter_matches;

/// Last messages per topic, oldest topics evicted first when there are too many.
#[derive(Debug)]
pub struct RecentStore {
    per_topic: usize,
    max_topics: usize,
    topics: HashMap<String, (u64, VecDeque<BrokerMessage>)>,
    clock: u64,
}

impl RecentStore {
    /// A store keeping `per_topic` messages for each of at most `max_topics` topics.
    pub fn new(per_topic: usize, max_topics: usize) -> Self {
        Self {
            per_topic: per_topic.max(1),
            max_topics: max_topics.max(1),
            topics: HashMap::new(),
            clock: 0,
        }
    }

    /// Records a message, evicting its topic's oldest message or the least recently
    /// written topic when a bound is reached.
    pub fn record(&mut self, message: BrokerMessage) {
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
    pub fn query(&self, filter: &str) -> Vec<BrokerMessage> {
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
    pub fn topic_count(&self) -> usize {
        self.topics.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &str) -> BrokerMessage {
        BrokerMessage::new_for_test(topic, payload.to_string())
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
}
