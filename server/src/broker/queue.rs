//! Per-subscriber bounded queues: a slow consumer never grows server memory; when its
//! queue is full the oldest message is dropped and counted, so the console can show
//! "N dropped" instead of silently falling behind.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::Notify;

use super::BrokerMessage;

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

/// A live subscription to the bundled broker: an async receiver of the messages whose
/// topic matches its filter, with a bounded queue that drops the oldest when full.
#[derive(Debug)]
pub struct Subscription {
    filter: String,
    queue: Arc<BoundedQueue>,
}

impl Subscription {
    pub(crate) fn new(filter: String, queue: Arc<BoundedQueue>) -> Self {
        Self { filter, queue }
    }

    /// The MQTT filter this subscription selects with.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The next message, waiting for one; `None` once the broker has stopped.
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
        // The dispatcher forgets closed queues on its next message.
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
        let queue = BoundedQueue::new(3);
        let mut subscription = Subscription::new("t".into(), queue.clone());
        for n in 0..10 {
            queue.push(message(n));
        }
        assert_eq!(subscription.dropped(), 7);
        let mut seen = Vec::new();
        while let Some(m) = subscription.try_recv() {
            seen.push(String::from_utf8_lossy(&m.payload).into_owned());
        }
        assert_eq!(seen, ["7", "8", "9"]);
    }

    #[tokio::test]
    async fn recv_waits_for_a_message_and_ends_when_closed() {
        let queue = BoundedQueue::new(4);
        let mut subscription = Subscription::new("t".into(), queue.clone());
        let pusher = queue.clone();
        tokio::spawn(async move {
            pusher.push(message(1));
            pusher.close();
        });
        assert!(subscription.recv().await.is_some());
        assert!(subscription.recv().await.is_none());
    }
}
