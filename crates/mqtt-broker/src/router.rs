//! Routes published messages to the sessions whose subscriptions match, keeps retained
//! messages and the registry of sessions by client id.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::codec::{ConnectRequest, FilterRequest, Message, reason};
use crate::lock;
use crate::session::{Delivery, Link, Offer, QueueLimits, Session};
use crate::topic::{filter_matches, valid_filter};

/// Topic filters one session may hold; more are refused in SUBACK.
pub(crate) const MAX_FILTERS_PER_SESSION: usize = 1_000;

/// The router's bounds.
#[derive(Debug, Clone)]
pub(crate) struct RouterConfig {
    pub queue: QueueLimits,
    /// Sessions kept for absent clients; the longest absent go first beyond this.
    pub max_offline_sessions: usize,
    pub retained_max_topics: usize,
    pub retained_max_bytes: usize,
    /// How long a publisher waits for room at a subscriber before that subscriber is
    /// marked stalled and loses QoS 0 messages instead.
    pub slow_subscriber_grace: Duration,
    /// Simultaneous client connections.
    pub max_connections: usize,
}

/// Sees every message routed, before it is offered to MQTT clients (the broker's
/// in-process subscribers).
pub(crate) type Tap = Box<dyn Fn(&Message) + Send + Sync>;

#[derive(Debug)]
struct Subscriber {
    session: Arc<Session>,
    qos: u8,
    no_local: bool,
    retain_as_published: bool,
}

/// Filters without wildcards are looked up by topic; the others are matched one by one.
#[derive(Debug, Default)]
struct Subscriptions {
    exact: HashMap<String, Vec<Subscriber>>,
    wildcard: HashMap<String, Vec<Subscriber>>,
}

impl Subscriptions {
    fn map(&mut self, filter: &str) -> &mut HashMap<String, Vec<Subscriber>> {
        if filter.contains(['+', '#']) {
            &mut self.wildcard
        } else {
            &mut self.exact
        }
    }

    fn insert(&mut self, filter: &str, subscriber: Subscriber) {
        let list = self.map(filter).entry(filter.to_string()).or_default();
        match list
            .iter_mut()
            .find(|s| s.session.id == subscriber.session.id)
        {
            Some(existing) => *existing = subscriber,
            None => list.push(subscriber),
        }
    }

    fn remove(&mut self, filter: &str, session: u64) -> bool {
        let map = self.map(filter);
        let Some(list) = map.get_mut(filter) else {
            return false;
        };
        let before = list.len();
        list.retain(|s| s.session.id != session);
        let removed = list.len() != before;
        if list.is_empty() {
            map.remove(filter);
        }
        removed
    }

    /// The sessions `message` goes to, each once at the highest QoS of its matching
    /// subscriptions (MQTT 3.1.1 4.7.1.2 allows one copy).
    fn deliveries(&self, message: &Arc<Message>) -> Vec<(Arc<Session>, Delivery)> {
        let mut out: Vec<(Arc<Session>, Delivery)> = Vec::new();
        let mut add = |subscriber: &Subscriber| {
            if subscriber.no_local && subscriber.session.id == message.publisher {
                return;
            }
            let qos = subscriber.qos.min(message.qos);
            let retain = message.retain && subscriber.retain_as_published;
            match out
                .iter_mut()
                .find(|(session, _)| session.id == subscriber.session.id)
            {
                Some((_, delivery)) => {
                    delivery.qos = delivery.qos.max(qos);
                    delivery.retain |= retain;
                }
                None => out.push((
                    subscriber.session.clone(),
                    Delivery {
                        message: message.clone(),
                        qos,
                        retain,
                    },
                )),
            }
        };
        if let Some(list) = self.exact.get(&message.topic) {
            list.iter().for_each(&mut add);
        }
        for (filter, list) in &self.wildcard {
            if filter_matches(filter, &message.topic) {
                list.iter().for_each(&mut add);
            }
        }
        out
    }
}

#[derive(Debug, Default)]
struct Retained {
    messages: HashMap<String, Arc<Message>>,
    bytes: usize,
}

/// The broker's shared state.
pub(crate) struct Router {
    pub config: RouterConfig,
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    subscriptions: RwLock<Subscriptions>,
    retained: Mutex<Retained>,
    tap: Tap,
    next_id: AtomicU64,
    /// Connections past CONNECT, for the connection limit.
    pub connections: AtomicUsize,
}

impl Router {
    pub(crate) fn new(config: RouterConfig, tap: Tap) -> Self {
        Self {
            config,
            sessions: Mutex::new(HashMap::new()),
            subscriptions: RwLock::new(Subscriptions::default()),
            retained: Mutex::new(Retained::default()),
            tap,
            next_id: AtomicU64::new(1),
            connections: AtomicUsize::new(0),
        }
    }

    /// A fresh id for a session or a connection.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Attaches a connecting client to its session (new or resumed); closes a connection
    /// that held the same client id. Returns the session and whether it was resumed.
    pub(crate) fn connect(&self, request: &ConnectRequest, link: Link) -> (Arc<Session>, bool) {
        let mut sessions = lock(&self.sessions);
        let existing = sessions.get(&request.client_id).cloned();
        if let Some(previous) = existing.as_ref().and_then(|old| old.release()) {
            previous.closer.close(reason::SESSION_TAKEN_OVER);
        }
        let (session, present) = match existing {
            Some(existing) if !request.clean_start => (existing, true),
            existing => {
                if let Some(old) = existing {
                    self.unsubscribe_all(&old);
                }
                let session =
                    Session::new(self.next_id(), request.client_id.clone(), self.config.queue);
                sessions.insert(request.client_id.clone(), session.clone());
                (session, false)
            }
        };
        session.attach(link, request.session_expiry);
        (session, present)
    }

    /// Detaches connection `generation`; a session that does not outlive its connection
    /// is removed with its subscriptions.
    pub(crate) fn disconnect(&self, session: &Arc<Session>, generation: u64) {
        if !session.detach(generation) || session.expiry() > 0 {
            return;
        }
        self.remove_session(session);
    }

    /// Removes a session whose client is still away. Checked under the registry's lock,
    /// which `connect` holds while attaching, so a client resuming it meanwhile keeps it.
    fn remove_session(&self, session: &Arc<Session>) {
        let removed = {
            let mut sessions = lock(&self.sessions);
            let ours = sessions
                .get(&session.client_id)
                .is_some_and(|s| Arc::ptr_eq(s, session));
            ours && session.offline_since().is_some() && {
                sessions.remove(&session.client_id);
                true
            }
        };
        if removed {
            self.unsubscribe_all(session);
        }
    }

    /// Removes expired sessions of absent clients, then the longest absent beyond the
    /// bound on kept sessions.
    pub(crate) fn sweep(&self) {
        let now = Instant::now();
        let mut offline: Vec<(Instant, Arc<Session>)> = lock(&self.sessions)
            .values()
            .filter_map(|s| s.offline_since().map(|since| (since, s.clone())))
            .collect();
        offline.sort_by_key(|(since, _)| *since);
        let excess = offline
            .len()
            .saturating_sub(self.config.max_offline_sessions);
        for (index, (_, session)) in offline.iter().enumerate() {
            if index < excess || session.expired(now) {
                self.remove_session(session);
            }
        }
    }

    /// Subscribes `session`; returns the granted QoS per filter (`None`: refused) and
    /// the retained messages to send.
    pub(crate) fn subscribe(
        &self,
        session: &Arc<Session>,
        filters: Vec<FilterRequest>,
    ) -> (Vec<Option<u8>>, Vec<Delivery>) {
        let mut granted = Vec::with_capacity(filters.len());
        let mut retained = Vec::new();
        for mut request in filters {
            // Shared subscriptions are announced as unavailable (CONNACK).
            if !valid_filter(&request.filter) || request.filter.starts_with("$share/") {
                granted.push(None);
                continue;
            }
            request.qos = request.qos.min(2);
            let Some(existed) = session.with_filters(|f| {
                let existed = f.contains_key(&request.filter);
                if !existed && f.len() >= MAX_FILTERS_PER_SESSION {
                    return None;
                }
                f.insert(request.filter.clone(), request.clone());
                Some(existed)
            }) else {
                granted.push(None);
                continue;
            };
            self.subscriptions
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(
                    &request.filter,
                    Subscriber {
                        session: session.clone(),
                        qos: request.qos,
                        no_local: request.no_local,
                        retain_as_published: request.retain_as_published,
                    },
                );
            if request.retain_handling == 0 || (request.retain_handling == 1 && !existed) {
                let store = lock(&self.retained);
                for message in store.messages.values() {
                    if filter_matches(&request.filter, &message.topic) && !message.expired() {
                        retained.push(Delivery {
                            message: message.clone(),
                            qos: message.qos.min(request.qos),
                            retain: true,
                        });
                    }
                }
            }
            granted.push(Some(request.qos));
        }
        (granted, retained)
    }

    /// Unsubscribes; true per filter that was subscribed.
    pub(crate) fn unsubscribe(&self, session: &Arc<Session>, filters: &[String]) -> Vec<bool> {
        let mut subscriptions = self
            .subscriptions
            .write()
            .unwrap_or_else(|p| p.into_inner());
        filters
            .iter()
            .map(|filter| {
                session.with_filters(|f| f.remove(filter));
                subscriptions.remove(filter, session.id)
            })
            .collect()
    }

    fn unsubscribe_all(&self, session: &Arc<Session>) {
        let filters: Vec<String> = session.with_filters(|f| f.drain().map(|(k, _)| k).collect());
        let mut subscriptions = self
            .subscriptions
            .write()
            .unwrap_or_else(|p| p.into_inner());
        for filter in filters {
            subscriptions.remove(&filter, session.id);
        }
    }

    /// Stores (or with an empty payload, clears) the retained message of its topic.
    fn retain(&self, message: &Arc<Message>) {
        let mut store = lock(&self.retained);
        let store = &mut *store;
        if let Some(previous) = store.messages.remove(&message.topic) {
            store.bytes -= previous.weight();
        }
        if message.payload.is_empty() {
            return;
        }
        if store.messages.len() >= self.config.retained_max_topics
            || store.bytes + message.weight() > self.config.retained_max_bytes
        {
            tracing::warn!(topic = %message.topic, "retained store full: message delivered but not retained");
            return;
        }
        store.bytes += message.weight();
        store
            .messages
            .insert(message.topic.clone(), message.clone());
    }

    /// Offers `message` to every matching session; returns those that were full.
    fn route(&self, message: &Arc<Message>) -> Vec<(Arc<Session>, Delivery)> {
        if message.retain {
            self.retain(message);
        }
        (self.tap)(message);
        let deliveries = self
            .subscriptions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .deliveries(message);
        deliveries
            .into_iter()
            .filter(|(session, delivery)| session.offer(delivery.clone()) == Offer::Full)
            .collect()
    }

    /// Publishes from a client: waits for room at subscribers that read slower (which
    /// slows this publisher down), up to the grace period each.
    pub(crate) async fn publish(&self, message: Arc<Message>) {
        for (session, delivery) in self.route(&message) {
            self.deliver(&session, delivery).await;
        }
    }

    /// Offers one delivery, waiting for room as `publish` does.
    pub(crate) async fn deliver(&self, session: &Session, delivery: Delivery) {
        let deadline = tokio::time::Instant::now() + self.config.slow_subscriber_grace;
        loop {
            let notified = session.space().notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if session.offer(delivery.clone()) != Offer::Full {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                session.mark_stalled();
                session.offer(delivery);
                return;
            }
        }
    }

    /// Publishes without waiting (the server's own messages, wills): a full subscriber
    /// loses this one.
    pub(crate) fn publish_now(&self, message: Arc<Message>) {
        for (session, _) in self.route(&message) {
            session.mark_stalled();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Closer, Take};
    use bytes::Bytes;

    fn router() -> Router {
        Router::new(
            RouterConfig {
                queue: QueueLimits {
                    bytes: 1 << 20,
                    offline_messages: 10,
                },
                max_offline_sessions: 1,
                retained_max_topics: 10,
                retained_max_bytes: 1 << 20,
                slow_subscriber_grace: Duration::from_millis(50),
                max_connections: 10,
            },
            Box::new(|_| {}),
        )
    }

    fn connect(router: &Router, id: &str, clean: bool) -> (Arc<Session>, u64, bool) {
        let generation = router.next_id();
        let request = ConnectRequest {
            client_id: id.into(),
            clean_start: clean,
            keep_alive: 0,
            session_expiry: if clean { 0 } else { u32::MAX },
            receive_maximum: 10,
            max_packet_size: None,
            will: None,
        };
        let link = Link {
            generation,
            receive_maximum: 10,
            closer: Arc::new(Closer::default()),
        };
        let (session, present) = router.connect(&request, link);
        (session, generation, present)
    }

    fn filter(filter: &str, qos: u8) -> FilterRequest {
        FilterRequest {
            filter: filter.into(),
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        }
    }

    fn message(topic: &str, qos: u8, retain: bool, payload: &'static [u8]) -> Arc<Message> {
        Arc::new(Message {
            topic: topic.into(),
            payload: Bytes::from_static(payload),
            qos,
            retain,
            properties: None,
            received: Instant::now(),
            publisher: 0,
        })
    }

    fn taken(session: &Session, generation: u64) -> Vec<crate::codec::Outgoing> {
        let mut out = Vec::new();
        assert_ne!(session.take(generation, &mut out, 1 << 20), Take::Closed);
        out
    }

    #[test]
    fn overlapping_subscriptions_get_one_copy_at_the_highest_qos() {
        let router = router();
        let (session, generation, _) = connect(&router, "a", true);
        let (granted, _) = router.subscribe(
            &session,
            vec![filter("a/#", 0), filter("a/b", 1), filter("a/#/x", 1)],
        );
        assert_eq!(granted, vec![Some(0), Some(1), None]);
        router.publish_now(message("a/b", 2, false, b"m"));
        let out = taken(&session, generation);
        assert_eq!(out.len(), 1);
        assert!(matches!(
            out[0],
            crate::codec::Outgoing::Publish {
                qos: 1,
                retain: false,
                ..
            }
        ));
    }

    #[test]
    fn retained_messages_are_kept_per_topic_cleared_by_an_empty_one_and_sent_on_subscribe() {
        let router = router();
        router.publish_now(message("s/1", 1, true, b"old"));
        router.publish_now(message("s/1", 1, true, b"new"));
        router.publish_now(message("s/2", 1, true, b"gone"));
        router.publish_now(message("s/2", 0, true, b""));
        let (session, _, _) = connect(&router, "a", true);
        let (_, retained) = router.subscribe(&session, vec![filter("s/+", 2)]);
        assert_eq!(retained.len(), 1);
        assert_eq!(&retained[0].message.payload[..], b"new");
        assert!(retained[0].retain);
    }

    #[test]
    fn a_persistent_session_keeps_qos1_while_away_and_a_clean_one_forgets() {
        let router = router();
        let (session, generation, present) = connect(&router, "p", false);
        assert!(!present);
        router.subscribe(&session, vec![filter("t", 1)]);
        router.disconnect(&session, generation);
        router.publish_now(message("t", 1, false, b"while away"));
        router.publish_now(message("t", 0, false, b"qos 0 is not kept"));
        let (again, generation, present) = connect(&router, "p", false);
        assert!(present && Arc::ptr_eq(&again, &session));
        assert_eq!(taken(&again, generation).len(), 1);
        router.disconnect(&again, generation);
        let (fresh, _, present) = connect(&router, "p", true);
        assert!(!present && !Arc::ptr_eq(&fresh, &session));
        router.publish_now(message("t", 1, false, b"nobody"));
        assert_eq!(session.dropped(), 1, "only the QoS 0 message while away");
    }

    #[test]
    fn a_second_connection_with_the_same_id_closes_the_first() {
        let router = router();
        let (session, first, _) = connect(&router, "x", false);
        let (again, second, _) = connect(&router, "x", false);
        assert!(Arc::ptr_eq(&session, &again));
        assert!(!session.is_current(first) && session.is_current(second));
    }

    #[test]
    fn the_longest_absent_sessions_go_beyond_the_bound() {
        let router = router();
        for id in ["a", "b", "c"] {
            let (session, generation, _) = connect(&router, id, false);
            router.disconnect(&session, generation);
        }
        router.sweep();
        assert_eq!(lock(&router.sessions).keys().collect::<Vec<_>>(), vec!["c"]);
    }

    #[tokio::test]
    async fn a_publisher_waits_for_a_slow_subscriber_then_gives_up_on_a_stalled_one() {
        let router = Router::new(
            RouterConfig {
                queue: QueueLimits {
                    bytes: 10,
                    offline_messages: 10,
                },
                ..router().config
            },
            Box::new(|_| {}),
        );
        let (session, generation, _) = connect(&router, "slow", true);
        router.subscribe(&session, vec![filter("t", 0)]);
        router.publish(message("t", 0, false, b"12345678")).await;
        let reader = {
            let session = session.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let mut out = Vec::new();
                session.take(generation, &mut out, 1 << 20);
                out.len()
            })
        };
        // Full: waits until the reader takes the first, then is queued.
        router.publish(message("t", 0, false, b"abcdefgh")).await;
        assert_eq!(reader.await.unwrap(), 1);
        assert_eq!(session.dropped(), 0);
        // Nobody reads now: after the grace the subscriber is stalled and loses messages.
        router.publish(message("t", 0, false, b"ijklmnop")).await;
        router.publish(message("t", 0, false, b"qrstuvwx")).await;
        assert_eq!(session.dropped(), 2);
    }
}
