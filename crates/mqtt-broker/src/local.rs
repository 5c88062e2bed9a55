//! The broker's in-process clients: subscriptions of the embedding server (to a filter,
//! or to everything), fed by the router with every message it routes.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::codec::Message;
use crate::message::BrokerMessage;
use crate::queue::SubscriptionFeed;

/// The feeds of the in-process subscriptions. Every routed message reads them, from every
/// connection's task at once, so offering one takes only a shared lock; adding a feed or
/// forgetting closed ones takes the exclusive one.
#[derive(Debug, Default)]
pub(crate) struct LocalSubscribers {
    feeds: RwLock<Vec<SubscriptionFeed>>,
}

impl LocalSubscribers {
    /// Adds a subscription's feed; it is forgotten once the subscription is dropped (here
    /// too, so subscribing and dropping in a loop with no traffic does not pile up feeds).
    pub(crate) fn add(&self, feed: SubscriptionFeed) {
        let mut feeds = self.write();
        feeds.retain(|feed| !feed.is_closed());
        feeds.push(feed);
    }

    /// Ends every in-process subscription (the broker stopped): their `recv` returns
    /// `None` once drained.
    pub(crate) fn close_all(&self) {
        self.write().clear();
    }

    /// Offers a routed message to every subscription that selects it. Never waits: a
    /// full subscription drops its oldest message instead.
    pub(crate) fn see(&self, message: &Message) {
        let mut closed = false;
        {
            let feeds = self.read();
            // Built once, and only when someone takes it.
            let mut seen = None;
            for feed in feeds.iter() {
                if feed.is_closed() {
                    closed = true;
                } else if feed.matches(&message.topic) {
                    let seen = seen.get_or_insert_with(|| BrokerMessage::seen(message));
                    feed.push(seen.clone());
                }
            }
        }
        if closed {
            self.write().retain(|feed| !feed.is_closed());
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Vec<SubscriptionFeed>> {
        // Every critical section leaves the list whole, so a poisoned lock is still usable.
        self.feeds.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Vec<SubscriptionFeed>> {
        self.feeds.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use bytes::Bytes;

    use super::*;
    use crate::Subscription;

    fn routed(topic: &str) -> Message {
        Message {
            topic: topic.into(),
            payload: Bytes::from_static(b"m"),
            qos: 0,
            retain: false,
            properties: None,
            received: Instant::now(),
            publisher: 0,
        }
    }

    #[test]
    fn filters_select_their_topics_and_everything_sees_system_topics_too() {
        let local = LocalSubscribers::default();
        let (feed, mut orders) = Subscription::bounded("orders/#", 10);
        local.add(feed);
        let (feed, mut all) = Subscription::everything(10);
        local.add(feed);
        for topic in ["orders/created", "$SYS/uptime", "other"] {
            local.see(&routed(topic));
        }
        let topics = |s: &mut Subscription| {
            std::iter::from_fn(|| s.try_recv())
                .map(|m| m.topic)
                .collect::<Vec<_>>()
        };
        assert_eq!(topics(&mut orders), ["orders/created"]);
        assert_eq!(topics(&mut all), ["orders/created", "$SYS/uptime", "other"]);
    }

    #[test]
    fn a_dropped_subscription_is_forgotten() {
        let local = LocalSubscribers::default();
        let (feed, subscription) = Subscription::bounded("#", 10);
        local.add(feed);
        drop(subscription);
        local.see(&routed("t"));
        assert!(local.read().is_empty());
        for _ in 0..3 {
            let (feed, subscription) = Subscription::bounded("#", 10);
            local.add(feed);
            drop(subscription);
        }
        assert_eq!(local.read().len(), 1, "closed feeds go when one is added");
    }
}
