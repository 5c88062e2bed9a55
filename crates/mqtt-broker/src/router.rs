//! Routes published messages to the sessions whose subscriptions match, keeps retained
//! messages and the registry of sessions by client id.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::codec::{ConnectRequest, FilterRequest, Message, reason};
use crate::lock;
use crate::session::{Delivery, Link, Offer, QueueLimits, Session};
pub(crate) use crate::subscriptions::parse_share;
use crate::subscriptions::{Subscriber, Subscriptions};
use crate::topic::{filter_matches, valid_filter};

/// Topic filters one session may hold; more are refused in SUBACK (0x97 Quota exceeded).
pub(crate) const MAX_FILTERS_PER_SESSION: usize = 1_000;

/// The router's bounds.
#[derive(Debug, Clone)]
pub(crate) struct RouterConfig {
    pub queue: QueueLimits,
    /// Sessions kept for absent clients; the longest absent go first beyond this.
    pub max_offline_sessions: usize,
    pub retained_max_topics: usize,
    pub retained_max_bytes: usize,
    /// How long a publisher waits for room at subscribers for a QoS 0 message before
    /// those still full are marked stalled and lose QoS 0 messages instead.
    pub slow_subscriber_grace: Duration,
    /// Simultaneous client connections.
    pub max_connections: usize,
}

/// Sees every message routed, before it is offered to MQTT clients (the broker's
/// in-process subscribers).
pub(crate) type Tap = Box<dyn Fn(&Message) + Send + Sync>;

/// Traffic counters, published under `$SYS/broker/`.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub messages_received: AtomicU64,
    pub messages_sent: AtomicU64,
    pub bytes_received: AtomicU64,
    pub bytes_sent: AtomicU64,
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
    pub stats: Stats,
}

/// What `Router::connect` found.
pub(crate) struct Connected {
    pub session: Arc<Session>,
    /// Whether an existing session was resumed (CONNACK's Session Present).
    pub present: bool,
    /// The delayed will of a session that ended here (expired, or discarded by Clean
    /// Start): the caller publishes it.
    pub ended_will: Option<Arc<Message>>,
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
            stats: Stats::default(),
        }
    }

    /// A fresh id for a session or a connection.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Attaches a connecting client to its session (new or resumed); closes a connection
    /// that held the same client id. A session whose expiry interval has passed is not
    /// resumed, even if the sweep has not removed it yet.
    pub(crate) fn connect(&self, request: &ConnectRequest, link: Link) -> Connected {
        let mut sessions = lock(&self.sessions);
        let existing = sessions.get(&request.client_id).cloned();
        if let Some(previous) = existing.as_ref().and_then(|old| old.release()) {
            previous.closer.close(reason::SESSION_TAKEN_OVER);
        }
        let expired = existing
            .as_ref()
            .is_some_and(|old| old.expired(Instant::now()));
        let mut ended_will = None;
        let (session, present) = match existing {
            Some(existing) if !request.clean_start && !expired => (existing, true),
            existing => {
                if let Some(old) = existing {
                    // An expired session ended before this client came back: its will
                    // is due. One discarded by Clean Start is a reconnection in time,
                    // which cancels it [MQTT-3.1.3-9].
                    let will = old.take_pending_will();
                    if expired {
                        ended_will = will;
                    }
                    self.unsubscribe_all(&old);
                }
                let session =
                    Session::new(self.next_id(), request.client_id.clone(), self.config.queue);
                sessions.insert(request.client_id.clone(), session.clone());
                (session, false)
            }
        };
        session.attach(link, request.session_expiry);
        Connected {
            session,
            present,
            ended_will,
        }
    }

    /// Detaches connection `generation`, keeping its delayed `will` in the session; a
    /// session that does not outlive its connection is removed with its subscriptions.
    /// Returns whether the connection was still the session's, and the will if the
    /// session ended here (it is then due at once).
    pub(crate) fn disconnect(
        &self,
        session: &Arc<Session>,
        generation: u64,
        will: Option<Arc<Message>>,
    ) -> (bool, Option<Arc<Message>>) {
        if !session.detach(generation, will) {
            return (false, None);
        }
        if session.expiry() > 0 {
            return (true, None);
        }
        (true, self.remove_session(session))
    }

    /// Removes a session whose client is still away, returning its delayed will (due now
    /// that the session ends). Checked under the registry's lock, which `connect` holds
    /// while attaching, so a client resuming it meanwhile keeps it.
    fn remove_session(&self, session: &Arc<Session>) -> Option<Arc<Message>> {
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
        if !removed {
            return None;
        }
        self.unsubscribe_all(session);
        session.take_pending_will()
    }

    /// Removes expired sessions of absent clients, then the longest absent beyond the
    /// bound on kept sessions; returns the delayed wills of the sessions that ended.
    pub(crate) fn sweep(&self) -> Vec<Arc<Message>> {
        let now = Instant::now();
        let mut offline: Vec<(Instant, Arc<Session>)> = lock(&self.sessions)
            .values()
            .filter_map(|s| s.offline_since().map(|since| (since, s.clone())))
            .collect();
        offline.sort_by_key(|(since, _)| *since);
        let excess = offline
            .len()
            .saturating_sub(self.config.max_offline_sessions);
        let mut wills = Vec::new();
        for (index, (_, session)) in offline.iter().enumerate() {
            if (index < excess || session.expired(now))
                && let Some(will) = self.remove_session(session)
            {
                wills.push(will);
            }
        }
        wills
    }

    /// Closes every connection with `reason` (the broker is stopping).
    pub(crate) fn close_all(&self, reason: u8) {
        let sessions: Vec<Arc<Session>> = lock(&self.sessions).values().cloned().collect();
        for session in sessions {
            session.close_link(reason);
        }
    }

    /// Closes with `reason` every connection granted `identity`; how many.
    pub(crate) fn close_identity(&self, identity: &str, reason: u8) -> usize {
        let sessions: Vec<Arc<Session>> = lock(&self.sessions).values().cloned().collect();
        sessions
            .iter()
            .filter(|session| session.close_link_of(identity, reason))
            .count()
    }

    /// Subscribes `session`; returns per filter the granted QoS or the reason it was
    /// refused, and the retained messages to send.
    pub(crate) fn subscribe(
        &self,
        session: &Arc<Session>,
        filters: Vec<FilterRequest>,
    ) -> (Vec<Result<u8, u8>>, Vec<Delivery>) {
        let mut granted = Vec::with_capacity(filters.len());
        let mut retained = Vec::new();
        for mut request in filters {
            let Ok((share, filter)) = parse_share(&request.filter) else {
                granted.push(Err(reason::TOPIC_FILTER_INVALID));
                continue;
            };
            if !valid_filter(filter) {
                granted.push(Err(reason::TOPIC_FILTER_INVALID));
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
                granted.push(Err(reason::QUOTA_EXCEEDED));
                continue;
            };
            let subscriber = Subscriber {
                session: session.clone(),
                qos: request.qos,
                no_local: request.no_local,
                retain_as_published: request.retain_as_published,
                subscription_id: request.subscription_id,
            };
            self.subscriptions
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(filter, share, subscriber);
            // Retained messages are not sent for a shared subscription (MQTT 5 4.8.2).
            let send_retained =
                request.retain_handling == 0 || (request.retain_handling == 1 && !existed);
            if share.is_none() && send_retained {
                let store = lock(&self.retained);
                for message in store.messages.values() {
                    if filter_matches(filter, &message.topic) && !message.expired() {
                        retained.push(Delivery {
                            message: message.clone(),
                            qos: message.qos.min(request.qos),
                            retain: true,
                            subscription_id: request.subscription_id,
                        });
                    }
                }
            }
            granted.push(Ok(request.qos));
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
            .map(|full| {
                session.with_filters(|f| f.remove(full));
                match parse_share(full) {
                    Ok((share, filter)) => subscriptions.remove(filter, share, session.id),
                    Err(()) => false,
                }
            })
            .collect()
    }

    fn unsubscribe_all(&self, session: &Arc<Session>) {
        let filters: Vec<String> = session.with_filters(|f| f.drain().map(|(k, _)| k).collect());
        let mut subscriptions = self
            .subscriptions
            .write()
            .unwrap_or_else(|p| p.into_inner());
        for full in filters {
            if let Ok((share, filter)) = parse_share(&full) {
                subscriptions.remove(filter, share, session.id);
            }
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

    /// Bytes the retained store holds, as counted against `retained_max_bytes`.
    #[cfg(test)]
    pub(crate) fn retained_bytes(&self) -> usize {
        lock(&self.retained).bytes
    }

    /// Offers `message` to every matching session; returns those that were full.
    fn route(&self, message: &Arc<Message>) -> Vec<(Arc<Session>, Delivery)> {
        if message.retain {
            self.retain(message);
        }
        // The broker's own `$SYS/` reports are for MQTT clients, not the embedding
        // server's observers (they would fill its recent traffic every few seconds).
        if !(message.publisher == 0 && message.topic.starts_with("$SYS/")) {
            (self.tap)(message);
        }
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

    /// Publishes from a client (or a will): waits for room at subscribers that read
    /// slower, which slows this publisher down. The waits run side by side: a QoS 0
    /// message waits at most `slow_subscriber_grace` in all, then the subscribers still
    /// full are marked stalled and lose it; a QoS 1/2 delivery waits until it is queued
    /// (or its subscriber leaves), so it is never lost.
    pub(crate) async fn publish(&self, message: Arc<Message>) {
        let full = self.route(&message);
        if full.is_empty() {
            return;
        }
        let deadline = tokio::time::Instant::now() + self.config.slow_subscriber_grace;
        for (session, delivery) in full {
            self.deliver_by(&session, delivery, deadline).await;
        }
    }

    /// Offers one delivery, waiting for room as `publish` does.
    pub(crate) async fn deliver(&self, session: &Session, delivery: Delivery) {
        let deadline = tokio::time::Instant::now() + self.config.slow_subscriber_grace;
        self.deliver_by(session, delivery, deadline).await;
    }

    async fn deliver_by(
        &self,
        session: &Session,
        delivery: Delivery,
        deadline: tokio::time::Instant,
    ) {
        loop {
            let notified = session.space().notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if session.offer(delivery.clone()) != Offer::Full {
                return;
            }
            if delivery.qos > 0 {
                notified.await;
                continue;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                session.mark_stalled();
                session.offer(delivery);
                return;
            }
        }
    }

    /// Publishes a QoS 0 message without waiting (the server's own messages): a full
    /// subscriber loses this one.
    pub(crate) fn publish_now(&self, message: Arc<Message>) {
        for (session, delivery) in self.route(&message) {
            session.mark_stalled();
            // Stalled now: the delivery is dropped and counted.
            session.offer(delivery);
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
            will_delay: 0,
            topic_alias_maximum: 0,
            username: None,
            password: None,
        };
        let link = Link {
            generation,
            receive_maximum: 10,
            closer: Arc::new(Closer::default()),
            identity: None,
        };
        let connected = router.connect(&request, link);
        (connected.session, generation, connected.present)
    }

    fn filter(filter: &str, qos: u8) -> FilterRequest {
        FilterRequest {
            filter: filter.into(),
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
            subscription_id: None,
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
    fn overlapping_subscriptions_get_one_copy_each_at_their_own_qos() {
        let router = router();
        let (session, generation, _) = connect(&router, "a", true);
        let (granted, _) = router.subscribe(
            &session,
            vec![filter("a/#", 0), filter("a/b", 1), filter("a/#/x", 1)],
        );
        assert_eq!(
            granted,
            vec![Ok(0), Ok(1), Err(reason::TOPIC_FILTER_INVALID)]
        );
        router.publish_now(message("a/b", 2, false, b"m"));
        let mut qos: Vec<u8> = taken(&session, generation)
            .iter()
            .map(|out| match out {
                crate::codec::Outgoing::Publish { qos, .. } => *qos,
                other => panic!("{other:?}"),
            })
            .collect();
        qos.sort();
        assert_eq!(qos, [0, 1]);
    }

    #[test]
    fn a_shared_subscription_gives_each_message_to_one_member_in_turn() {
        // MQTT 5 4.8.2: each message of a shared subscription goes to one session of
        // the group.
        let router = router();
        let (a, ga, _) = connect(&router, "a", true);
        let (b, gb, _) = connect(&router, "b", true);
        for session in [&a, &b] {
            let (granted, _) = router.subscribe(session, vec![filter("$share/g/t/+", 1)]);
            assert_eq!(granted, vec![Ok(1)]);
        }
        for _ in 0..4 {
            router.publish_now(message("t/x", 1, false, b"m"));
        }
        assert_eq!(taken(&a, ga).len(), 2);
        assert_eq!(taken(&b, gb).len(), 2);
        let (granted, _) = router.subscribe(
            &a,
            vec![
                filter("$share//t", 0),
                filter("$share/g+/t", 0),
                filter("$share/g", 0),
            ],
        );
        assert_eq!(granted, vec![Err(reason::TOPIC_FILTER_INVALID); 3]);
        assert_eq!(router.unsubscribe(&a, &["$share/g/t/+".into()]), vec![true]);
        router.publish_now(message("t/x", 1, false, b"m"));
        assert_eq!(taken(&a, ga).len(), 0);
        assert_eq!(taken(&b, gb).len(), 1);
    }

    #[test]
    fn too_many_filters_are_refused_with_quota_exceeded() {
        let router = router();
        let (session, _, _) = connect(&router, "a", true);
        let filters = (0..=MAX_FILTERS_PER_SESSION)
            .map(|n| filter(&format!("f/{n}"), 0))
            .collect();
        let (granted, _) = router.subscribe(&session, filters);
        assert_eq!(granted.last(), Some(&Err(reason::QUOTA_EXCEEDED)));
        assert_eq!(
            granted.iter().filter(|g| g.is_ok()).count(),
            MAX_FILTERS_PER_SESSION
        );
    }

    #[test]
    fn the_retained_store_counts_properties_too() {
        let router = router();
        let properties = rumqttc::v5::mqttbytes::v5::PublishProperties {
            user_properties: vec![("k".repeat(1000), "v".repeat(1000))],
            ..Default::default()
        };
        let message = Arc::new(Message {
            topic: "t".into(),
            payload: Bytes::from_static(b"p"),
            qos: 0,
            retain: true,
            properties: Some(properties),
            received: Instant::now(),
            publisher: 0,
        });
        router.publish_now(message);
        assert!(
            router.retained_bytes() > 2000,
            "{}",
            router.retained_bytes()
        );
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
        router.disconnect(&session, generation, None);
        router.publish_now(message("t", 1, false, b"while away"));
        router.publish_now(message("t", 0, false, b"qos 0 is not kept"));
        let (again, generation, present) = connect(&router, "p", false);
        assert!(present && Arc::ptr_eq(&again, &session));
        assert_eq!(taken(&again, generation).len(), 1);
        router.disconnect(&again, generation, None);
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
            router.disconnect(&session, generation, None);
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

    #[tokio::test]
    async fn a_stalled_subscriber_never_loses_qos1_its_publisher_waits() {
        let router = Arc::new(Router::new(
            RouterConfig {
                queue: QueueLimits {
                    bytes: 10,
                    offline_messages: 10,
                },
                ..router().config
            },
            Box::new(|_| {}),
        ));
        let (session, generation, _) = connect(&router, "slow", true);
        router.subscribe(&session, vec![filter("t", 1)]);
        router.publish(message("t", 1, false, b"first")).await;
        session.mark_stalled();
        let publishing = {
            let router = router.clone();
            tokio::spawn(async move { router.publish(message("t", 1, false, b"second")).await })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!publishing.is_finished(), "waits past the QoS 0 grace");
        assert_eq!(taken(&session, generation).len(), 1);
        publishing.await.unwrap();
        assert_eq!(taken(&session, generation).len(), 1);
        assert_eq!(session.dropped(), 0);
    }
}
