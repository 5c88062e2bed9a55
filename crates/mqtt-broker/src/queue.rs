//! In-process subscriptions over bounded queues: a slow consumer never grows server
//! memory; when its queue is full the oldest message is dropped and counted, so a
//! consumer can report "N dropped" instead of silently falling behind.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::Notify;

use crate::BrokerMessage;
use crate::topic::filter_matches;

/// The shared half of one subscription: the queue, its drop counter and its wake-up.
#[derive(Debug)]
pub(crate) struct BoundedQueue {
    capacity: usize,
    messages: Mutex<VecDeque<BrokerMessage>>,
    dropped: AtomicU64,
    closed: AtomicBool,
    notify: Notify,
}

impl BoundedQueue {
    /// A queue that keeps at most `capacity` messages (at least one).
    pub(crate) fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Self {
            capacity: capacity.max(1),
            messages: Mutex::new(VecDeque::new()),
            dropped: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            notify: Notify::new(),
        })
    }

    /// Adds a message, dropping (and counting) the oldest one when full.
    pub(crate) fn push(&self, message: BrokerMessage) {
        {
            let mut messages = self.messages.lock().unwrap_or_else(|p| p.into_inner());
            if messages.len() >= self.capacity {
                messages.pop_front();
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            messages.push_back(message);
        }
        self.notify.notify_one();
    }

    /// Takes the oldest queued message, if any.
    pub(crate) fn pop(&self) -> Option<BrokerMessage> {
        self.messages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
    }

    /// Marks the queue closed (the subscriber went away or the broker stopped).
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.notify.notify_one();
    }

    /// Whether the queue was closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// How many messages were dropped because the consumer was too slow.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Which messages a subscription takes.
#[derive(Debug, Clone)]
enum Selection {
    /// Topics matching an MQTT filter (wildcards skip `$` topics, as MQTT says).
    Filter(String),
    /// Every message routed, `$` topics included.
    Everything,
}

/// The sending half of a [`Subscription`]: whoever routes messages offers each to the
/// feeds it holds. The broker keeps one per in-process subscriber; a client of another
/// broker (the console's external connection) can feed subscriptions the same way.
#[derive(Debug)]
pub struct SubscriptionFeed {
    selection: Selection,
    queue: Arc<BoundedQueue>,
}

impl SubscriptionFeed {
    /// Whether a message on `topic` belongs to this subscription.
    pub fn matches(&self, topic: &str) -> bool {
        match &self.selection {
            Selection::Filter(filter) => filter_matches(filter, topic),
            Selection::Everything => true,
        }
    }

    /// Queues a message, dropping (and counting) the subscriber's oldest when full.
    pub fn push(&self, message: BrokerMessage) {
        self.queue.push(message);
    }

    /// Whether the subscription was dropped; its feed can then be forgotten.
    pub fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }
}

/// A live subscription: an async receiver of the messages it selects, with a bounded
/// queue that drops the oldest when full. The subscription ends when dropped.
#[derive(Debug)]
pub struct Subscription {
    queue: Arc<BoundedQueue>,
}

impl Subscription {
    /// A subscription to the MQTT `filter` holding at most `capacity` messages, and the
    /// feed that fills it. For clients of other brokers; [`crate::BrokerHandle::subscribe`]
    /// makes the bundled broker's own.
    pub fn bounded(filter: &str, capacity: usize) -> (SubscriptionFeed, Subscription) {
        Self::selecting(Selection::Filter(filter.to_string()), capacity)
    }

    /// A subscription to every message routed, `$` topics included.
    pub(crate) fn everything(capacity: usize) -> (SubscriptionFeed, Subscription) {
        Self::selecting(Selection::Everything, capacity)
    }

    fn selecting(selection: Selection, capacity: usize) -> (SubscriptionFeed, Subscription) {
        let queue = BoundedQueue::new(capacity);
        let feed = SubscriptionFeed {
            selection,
            queue: queue.clone(),
        };
        (feed, Subscription { queue })
    }

    /// The next message, waiting for one; `None` once the feed is gone.
    pub async fn recv(&mut self) -> Option<BrokerMessage> {
        loop {
            let notified = self.queue.notify.notified();
            if let Some(message) = self.queue.pop() {
                return Some(message);
            }
            if self.queue.is_closed() {
                return None;
            }
            notified.await;
        }
    }

    /// A queued message if one is waiting, without waiting.
    pub fn try_recv(&mut self) -> Option<BrokerMessage> {
        self.queue.pop()
    }

    /// How many messages were dropped because this subscriber fell behind.
    pub fn dropped(&self) -> u64 {
        self.queue.dropped()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // Whoever routes forgets closed feeds on its next message.
        self.queue.close();
    }
}

impl Drop for SubscriptionFeed {
    fn drop(&mut self) {
        // The subscriber's `recv` ends instead of waiting for messages that cannot come.
        self.queue.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: usize) -> BrokerMessage {
        BrokerMessage::new_for_test("t", format!("{n}"))
    }

    #[tokio::test]
    async fn a_slow_consumer_keeps_the_newest_and_counts_the_dropped() {
        let (feed, mut subscription) = Subscription::bounded("t", 3);
        for n in 0..10 {
            feed.push(message(n));
        }
        assert_eq!(subscription.dropped(), 7);
        let mut seen = Vec::new();
        while let Some(m) = subscription.try_recv() {
            seen.push(String::from_utf8_lossy(&m.payload).into_owned());
        }
        assert_eq!(seen, ["7", "8", "9"]);
    }

    #[tokio::test]
    async fn recv_waits_for_a_message_and_ends_when_the_feed_is_gone() {
        let (feed, mut subscription) = Subscription::bounded("t", 4);
        tokio::spawn(async move {
            feed.push(message(1));
            drop(feed);
        });
        assert!(subscription.recv().await.is_some());
        assert!(subscription.recv().await.is_none());
    }
}
