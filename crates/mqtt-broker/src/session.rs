//! One client's session: what waits to be sent to it, its QoS 1/2 exchanges in flight and
//! its subscriptions. A session outlives its connection when the client asked for that
//! (MQTT 3.1.1 without the clean-session flag, MQTT 5 session expiry), keeping QoS 1/2 messages for it.
//!
//! Memory is bounded per session: at most `QueueLimits::bytes` of messages wait for a
//! connected client. A publisher that meets a full queue waits for room, so a subscriber
//! that reads slower slows the publishers instead of losing messages or growing the
//! server; one that stops reading is marked stalled and then loses QoS 0 messages, while
//! QoS 1 and 2 messages keep waiting for room (they are never dropped for a connected
//! client).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::codec::{FilterRequest, Message, Outgoing};
use crate::lock;

/// The most QoS 1/2 messages sent to one client and not yet acknowledged, whatever the
/// client allows: each holds its message until acknowledged.
pub(crate) const MAX_INFLIGHT: u16 = 128;

/// How much a session may hold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueLimits {
    /// Bytes of messages (topic and payload) waiting for the client.
    pub bytes: usize,
    /// Messages kept while the client is away (QoS 1/2 only, as MQTT allows).
    pub offline_messages: usize,
}

/// A message on its way to one session.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub message: Arc<Message>,
    pub qos: u8,
    pub retain: bool,
    /// The Subscription Identifier of the subscription that matched (MQTT 5).
    pub subscription_id: Option<u32>,
}

/// What happened to an offered delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Offer {
    Queued,
    /// No room now: the publisher may wait for `Session::space`.
    Full,
    /// Not kept (QoS 0 for an absent or stalled client, or over the offline bound).
    Dropped,
}

/// What the connection's writer found to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    Ready,
    Empty,
    /// The connection is no longer the session's (taken over or ended).
    Closed,
}

/// Ends one connection from elsewhere (takeover, a writer error), with an MQTT 5 reason.
#[derive(Debug, Default)]
pub(crate) struct Closer {
    closed: AtomicBool,
    reason: AtomicU8,
    notify: Notify,
}

impl Closer {
    /// Closes with `reason` (an MQTT 5 DISCONNECT reason; 0 sends none). The first wins.
    pub(crate) fn close(&self, reason: u8) {
        if !self.closed.swap(true, Ordering::AcqRel) {
            self.reason.store(reason, Ordering::Release);
        }
        self.notify.notify_waiters();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    pub(crate) fn reason(&self) -> u8 {
        self.reason.load(Ordering::Acquire)
    }

    /// Resolves once `close` was called.
    pub(crate) async fn closed(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }
}

/// The connection a session is attached to.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub generation: u64,
    pub receive_maximum: u16,
    pub closer: Arc<Closer>,
    /// The identity the authenticator granted the connection, if any.
    pub identity: Option<Arc<str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Which acknowledgement an outgoing QoS 1/2 message waits for.
enum Stage {
    Acknowledged,
    Received,
    Completed,
}

#[derive(Debug)]
struct Inflight {
    delivery: Delivery,
    stage: Stage,
}

#[derive(Debug)]
struct State {
    link: Option<Link>,
    queue: VecDeque<Delivery>,
    queued_bytes: usize,
    control: VecDeque<Outgoing>,
    inflight: BTreeMap<u16, Inflight>,
    last_pkid: u16,
    incoming_qos2: HashSet<u16>,
    filters: HashMap<String, FilterRequest>,
    /// A publisher waited for room in vain: drop QoS 0 instead of waiting until it drains.
    stalled: bool,
    /// The will of the last connection, waiting for its Will Delay Interval (MQTT 5).
    pending_will: Option<Arc<Message>>,
    publishers_waiting: bool,
    dropped: u64,
    expiry: u32,
    offline_since: Option<Instant>,
}

/// One client's session; shared by its connection, the router and publishers.
#[derive(Debug)]
pub(crate) struct Session {
    pub id: u64,
    pub client_id: String,
    limits: QueueLimits,
    state: Mutex<State>,
    /// Wakes the connection's writer.
    wake: Notify,
    /// Wakes publishers waiting for room.
    space: Notify,
}

impl Session {
    pub(crate) fn new(id: u64, client_id: String, limits: QueueLimits) -> Arc<Self> {
        Arc::new(Self {
            id,
            client_id,
            limits,
            state: Mutex::new(State {
                link: None,
                queue: VecDeque::new(),
                queued_bytes: 0,
                control: VecDeque::new(),
                inflight: BTreeMap::new(),
                last_pkid: 0,
                incoming_qos2: HashSet::new(),
                filters: HashMap::new(),
                stalled: false,
                pending_will: None,
                publishers_waiting: false,
                dropped: 0,
                expiry: 0,
                offline_since: Some(Instant::now()),
            }),
            wake: Notify::new(),
            space: Notify::new(),
        })
    }

    /// Attaches a new connection (after `release` of the previous one). Unacknowledged
    /// QoS 1/2 messages are sent again first (DUP), as MQTT requires. A will still
    /// waiting for its delay is cancelled [MQTT-3.1.3-9].
    pub(crate) fn attach(&self, link: Link, expiry: u32) {
        let mut state = lock(&self.state);
        state.link = Some(link);
        state.expiry = expiry;
        state.pending_will = None;
        state.offline_since = None;
        state.stalled = false;
        state.control.clear();
        let resend: Vec<Outgoing> = state
            .inflight
            .iter()
            .map(|(pkid, inflight)| match inflight.stage {
                Stage::Completed => Outgoing::PubRel {
                    pkid: *pkid,
                    reason: 0,
                },
                Stage::Acknowledged | Stage::Received => Outgoing::Publish {
                    message: inflight.delivery.message.clone(),
                    qos: inflight.delivery.qos,
                    pkid: *pkid,
                    dup: true,
                    retain: inflight.delivery.retain,
                    subscription_id: inflight.delivery.subscription_id,
                },
            })
            .collect();
        state.control.extend(resend);
        drop(state);
        self.wake.notify_one();
    }

    /// Detaches connection `generation` if it is still the session's, keeping its delayed
    /// `will` (under the same lock, so a client reconnecting meanwhile cancels it); true
    /// if it was the session's.
    pub(crate) fn detach(&self, generation: u64, will: Option<Arc<Message>>) -> bool {
        self.detach_if(|link| link.generation == generation, will)
            .is_some()
    }

    /// Detaches whatever connection the session has (another one takes it over).
    pub(crate) fn release(&self) -> Option<Link> {
        self.detach_if(|_| true, None)
    }

    fn detach_if(
        &self,
        current: impl FnOnce(&Link) -> bool,
        will: Option<Arc<Message>>,
    ) -> Option<Link> {
        let mut state = lock(&self.state);
        if !state.link.as_ref().is_some_and(current) {
            return None;
        }
        let link = state.link.take();
        state.pending_will = will;
        state.offline_since = Some(Instant::now());
        state.control.clear();
        // QoS 0 messages are not kept for an absent client.
        let mut freed = 0;
        state.queue.retain(|delivery| {
            let keep = delivery.qos > 0;
            if !keep {
                freed += delivery.message.weight();
            }
            keep
        });
        state.queued_bytes -= freed;
        drop(state);
        self.wake.notify_one();
        self.space.notify_waiters();
        link
    }

    /// Takes the delayed will, if it is still waiting (not cancelled by a reconnection
    /// nor published already).
    pub(crate) fn take_pending_will(&self) -> Option<Arc<Message>> {
        lock(&self.state).pending_will.take()
    }

    /// Whether a connection is attached.
    pub(crate) fn is_online(&self) -> bool {
        lock(&self.state).link.is_some()
    }

    /// Closes the attached connection, if any, with an MQTT 5 `reason`.
    pub(crate) fn close_link(&self, reason: u8) {
        if let Some(link) = lock(&self.state).link.as_ref() {
            link.closer.close(reason);
        }
    }

    /// Closes the current connection with `reason` if it was granted `identity`;
    /// whether it did.
    pub(crate) fn close_link_of(&self, identity: &str, reason: u8) -> bool {
        match lock(&self.state).link.as_ref() {
            Some(link) if link.identity.as_deref() == Some(identity) => {
                link.closer.close(reason);
                true
            }
            _ => false,
        }
    }

    /// Whether connection `generation` is the session's current one.
    #[cfg(test)]
    pub(crate) fn is_current(&self, generation: u64) -> bool {
        lock(&self.state).link.as_ref().map(|l| l.generation) == Some(generation)
    }

    pub(crate) fn set_expiry(&self, expiry: u32) {
        lock(&self.state).expiry = expiry;
    }

    pub(crate) fn expiry(&self) -> u32 {
        lock(&self.state).expiry
    }

    /// When the client went away, if it is away.
    pub(crate) fn offline_since(&self) -> Option<Instant> {
        lock(&self.state).offline_since
    }

    /// Whether the session has been away longer than its expiry interval.
    pub(crate) fn expired(&self, now: Instant) -> bool {
        let state = lock(&self.state);
        match state.offline_since {
            Some(since) if state.expiry != u32::MAX => {
                now.duration_since(since) >= Duration::from_secs(u64::from(state.expiry))
            }
            _ => false,
        }
    }

    /// Offers a message without waiting (see `Offer`).
    pub(crate) fn offer(&self, delivery: Delivery) -> Offer {
        let weight = delivery.message.weight();
        let mut state = lock(&self.state);
        let over = !state.queue.is_empty() && state.queued_bytes + weight > self.limits.bytes;
        if state.link.is_none() {
            if delivery.qos == 0 || over || state.queue.len() >= self.limits.offline_messages {
                state.dropped += 1;
                return Offer::Dropped;
            }
        } else if over {
            // QoS 1 and 2 are never dropped for a connected client: their publisher waits.
            if state.stalled && delivery.qos == 0 {
                state.dropped += 1;
                return Offer::Dropped;
            }
            state.publishers_waiting = true;
            return Offer::Full;
        }
        state.queued_bytes += weight;
        state.queue.push_back(delivery);
        let online = state.link.is_some();
        drop(state);
        if online {
            self.wake.notify_one();
        }
        Offer::Queued
    }

    /// Notified when a full queue has drained to half; enable it before `offer`.
    pub(crate) fn space(&self) -> &Notify {
        &self.space
    }

    /// A publisher waited in vain: from now on drop QoS 0 messages instead of waiting,
    /// until it drains.
    pub(crate) fn mark_stalled(&self) {
        let mut state = lock(&self.state);
        if !state.stalled {
            tracing::warn!(client = %self.client_id, "MQTT client reads too slowly: dropping its QoS 0 messages until it catches up");
        }
        state.stalled = true;
    }

    /// Messages this session did not get (stalled, absent or over its bounds).
    pub(crate) fn dropped(&self) -> u64 {
        lock(&self.state).dropped
    }

    /// Queues a packet for connection `generation` to send; false if it is no longer the
    /// session's. Returns the number of packets waiting as well.
    pub(crate) fn push_control(&self, generation: u64, packet: Outgoing) -> Option<usize> {
        let mut state = lock(&self.state);
        if state.link.as_ref().map(|l| l.generation) != Some(generation) {
            return None;
        }
        state.control.push_back(packet);
        let waiting = state.control.len();
        drop(state);
        self.wake.notify_one();
        Some(waiting)
    }

    /// Moves the packets of its own connection `generation` still has to send
    /// (acknowledgements) into `out`: what goes out before its DISCONNECT.
    pub(crate) fn take_control(&self, generation: u64, out: &mut Vec<Outgoing>) {
        let mut state = lock(&self.state);
        if state.link.as_ref().map(|l| l.generation) == Some(generation) {
            out.extend(state.control.drain(..));
        }
    }

    /// Waits until there may be something to send.
    pub(crate) async fn wait_for_work(&self) {
        self.wake.notified().await;
    }

    /// Moves what connection `generation` should send next into `out`: its own packets
    /// (acknowledgements) first, then queued messages up to about `max_bytes`, within the
    /// client's window of unacknowledged QoS 1/2 messages.
    pub(crate) fn take(&self, generation: u64, out: &mut Vec<Outgoing>, max_bytes: usize) -> Take {
        let mut state = lock(&self.state);
        let window = match &state.link {
            Some(link) if link.generation == generation => {
                link.receive_maximum.clamp(1, MAX_INFLIGHT)
            }
            _ => return Take::Closed,
        };
        out.extend(state.control.drain(..));
        let mut bytes = 0;
        while bytes < max_bytes {
            let Some(front) = state.queue.front() else {
                break;
            };
            if front.qos > 0
                && state.inflight.len() >= usize::from(window)
                && !front.message.expired()
            {
                break;
            }
            let Some(delivery) = state.queue.pop_front() else {
                break;
            };
            let weight = delivery.message.weight();
            state.queued_bytes -= weight;
            if delivery.message.expired() {
                continue;
            }
            bytes += weight;
            let pkid = if delivery.qos == 0 {
                0
            } else {
                let pkid = next_pkid(&mut state);
                let stage = if delivery.qos == 1 {
                    Stage::Acknowledged
                } else {
                    Stage::Received
                };
                state.inflight.insert(
                    pkid,
                    Inflight {
                        delivery: delivery.clone(),
                        stage,
                    },
                );
                pkid
            };
            out.push(Outgoing::Publish {
                message: delivery.message,
                qos: delivery.qos,
                pkid,
                dup: false,
                retain: delivery.retain,
                subscription_id: delivery.subscription_id,
            });
        }
        let drained = state.queued_bytes <= self.limits.bytes / 2;
        let release = drained && (state.publishers_waiting || state.stalled);
        if release {
            state.publishers_waiting = false;
            state.stalled = false;
        }
        drop(state);
        if release {
            self.space.notify_waiters();
        }
        if out.is_empty() {
            Take::Empty
        } else {
            Take::Ready
        }
    }

    /// Frees the place of outgoing PUBLISH `pkid` whatever its stage: how the writer
    /// drops one over the client's maximum packet size.
    pub(crate) fn forget(&self, pkid: u16) {
        let removed = lock(&self.state).inflight.remove(&pkid).is_some();
        if removed {
            self.wake.notify_one();
        }
    }

    /// Ends the exchange of `pkid` if it waits for `stage`; an acknowledgement for another
    /// stage (a PUBACK for a QoS 2 message, a PUBCOMP before PUBREC) changes nothing.
    fn complete(&self, pkid: u16, stage: Stage) {
        let mut state = lock(&self.state);
        if state.inflight.get(&pkid).is_some_and(|i| i.stage == stage) {
            state.inflight.remove(&pkid);
            drop(state);
            self.wake.notify_one();
        }
    }

    /// PUBACK of a QoS 1 message: delivered.
    pub(crate) fn puback(&self, pkid: u16) {
        self.complete(pkid, Stage::Acknowledged);
    }

    /// PUBCOMP of a released QoS 2 message: delivered.
    pub(crate) fn pubcomp(&self, pkid: u16) {
        self.complete(pkid, Stage::Completed);
    }

    /// PUBREC of a QoS 2 message: answered with PUBREL, unless its reason code is an
    /// error (0x80 and above), which ends the exchange [MQTT-4.3.3-4]; a PUBREC for an
    /// unknown packet identifier gets PUBREL 0x92 (Packet Identifier not found).
    pub(crate) fn pubrec(&self, generation: u64, pkid: u16, reason: u8) {
        let mut state = lock(&self.state);
        let reply = match state.inflight.get_mut(&pkid) {
            Some(inflight) if inflight.stage == Stage::Acknowledged => return,
            Some(_) if reason >= 0x80 => {
                state.inflight.remove(&pkid);
                drop(state);
                self.wake.notify_one();
                return;
            }
            Some(inflight) => {
                inflight.stage = Stage::Completed;
                0
            }
            None => crate::codec::reason::PACKET_ID_NOT_FOUND,
        };
        drop(state);
        self.push_control(
            generation,
            Outgoing::PubRel {
                pkid,
                reason: reply,
            },
        );
    }

    /// Records an incoming QoS 2 `pkid`; true the first time (route it), false for a
    /// resent one (already routed).
    pub(crate) fn first_qos2(&self, pkid: u16) -> bool {
        lock(&self.state).incoming_qos2.insert(pkid)
    }

    /// Whether incoming QoS 2 `pkid` awaits its PUBREL.
    pub(crate) fn has_qos2(&self, pkid: u16) -> bool {
        lock(&self.state).incoming_qos2.contains(&pkid)
    }

    /// Incoming QoS 2 messages not yet released: what counts against the Receive Maximum
    /// we announce (QoS 1 messages are acknowledged as soon as they are routed).
    pub(crate) fn incoming_unacknowledged(&self) -> usize {
        lock(&self.state).incoming_qos2.len()
    }

    /// The client released incoming QoS 2 `pkid` (PUBREL); false if it was unknown.
    pub(crate) fn release_qos2(&self, pkid: u16) -> bool {
        lock(&self.state).incoming_qos2.remove(&pkid)
    }

    /// Runs `f` on the session's subscriptions (filter -> options).
    pub(crate) fn with_filters<R>(
        &self,
        f: impl FnOnce(&mut HashMap<String, FilterRequest>) -> R,
    ) -> R {
        f(&mut lock(&self.state).filters)
    }
}

fn next_pkid(state: &mut State) -> u16 {
    loop {
        state.last_pkid = state.last_pkid.checked_add(1).unwrap_or(1);
        if !state.inflight.contains_key(&state.last_pkid) {
            return state.last_pkid;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn delivery(qos: u8, size: usize) -> Delivery {
        Delivery {
            message: Arc::new(Message {
                topic: "t".into(),
                payload: Bytes::from(vec![b'x'; size]),
                qos,
                retain: false,
                properties: None,
                received: Instant::now(),
                publisher: 0,
            }),
            qos,
            retain: false,
            subscription_id: None,
        }
    }

    fn link(generation: u64, receive_maximum: u16) -> Link {
        Link {
            generation,
            receive_maximum,
            closer: Arc::new(Closer::default()),
            identity: None,
        }
    }

    fn limits() -> QueueLimits {
        QueueLimits {
            bytes: 1000,
            offline_messages: 2,
        }
    }

    #[test]
    fn a_full_queue_asks_publishers_to_wait_and_a_stalled_one_drops() {
        let session = Session::new(1, "c".into(), limits());
        session.attach(link(1, 10), 0);
        assert_eq!(session.offer(delivery(0, 599)), Offer::Queued);
        assert_eq!(session.offer(delivery(0, 599)), Offer::Full);
        session.mark_stalled();
        assert_eq!(session.offer(delivery(0, 599)), Offer::Dropped);
        let mut out = Vec::new();
        assert_eq!(session.take(1, &mut out, 1 << 20), Take::Ready);
        assert_eq!(out.len(), 1);
        assert_eq!(
            session.offer(delivery(0, 599)),
            Offer::Queued,
            "drained: room again"
        );
        assert_eq!(session.dropped(), 1);
    }

    #[test]
    fn the_window_holds_back_qos1_until_acknowledged_and_a_new_connection_resends() {
        let session = Session::new(1, "c".into(), limits());
        session.attach(link(1, 1), u32::MAX);
        session.offer(delivery(1, 10));
        session.offer(delivery(1, 10));
        let mut out = Vec::new();
        session.take(1, &mut out, 1 << 20);
        assert_eq!(out.len(), 1, "window of one");
        let Outgoing::Publish { pkid, .. } = out[0] else {
            panic!("{:?}", out[0]);
        };
        assert!(session.detach(1, None));
        assert_eq!(
            session.offer(delivery(0, 10)),
            Offer::Dropped,
            "QoS 0 not kept"
        );
        session.attach(link(2, 1), u32::MAX);
        out.clear();
        assert_eq!(
            session.take(1, &mut out, 1 << 20),
            Take::Closed,
            "old connection"
        );
        session.take(2, &mut out, 1 << 20);
        assert!(matches!(out[0], Outgoing::Publish { dup: true, pkid: p, .. } if p == pkid));
        assert_eq!(out.len(), 1, "the second still waits for the window");
        session.puback(pkid);
        out.clear();
        session.take(2, &mut out, 1 << 20);
        assert!(matches!(out[0], Outgoing::Publish { dup: false, .. }));
    }
}
