//! Flow control of one console connection: the bounded outbound queue and the
//! publish-rate limiter. Every queued frame counts against the socket's budget (events
//! and bytes). Traffic over it drops the oldest traffic, counted so the page says "N
//! dropped"; a reply over it (the page keeps sending commands but reads nothing) closes
//! the socket with a reason, since dropping replies would lose errors.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use tokio::sync::Notify;

use portico_types::console::{ConsoleMessage, ServerEvent};

/// What the writer sends next. Not boxed: it is moved once, and `Event`, the common
/// case, would pay an allocation per message.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Outgoing {
    Event(ServerEvent),
    /// Close the socket with this reason (the budget was exceeded).
    Close(String),
}

/// Events waiting to be written to one socket, bounded in count and in bytes.
pub struct Outbox {
    max_events: usize,
    max_bytes: usize,
    state: Mutex<Queue>,
    dropped: AtomicU64,
    closed: AtomicBool,
    notify: Notify,
}

#[derive(Default)]
struct Queue {
    events: VecDeque<ServerEvent>,
    bytes: usize,
    /// Set once a reply did not fit: the reason the socket closes with.
    overflow: Option<String>,
    /// Whether the writer was handed the close.
    close_sent: bool,
}

impl Queue {
    fn fits(&self, weight: usize, max_events: usize, max_bytes: usize) -> bool {
        self.events.len() < max_events && self.bytes + weight <= max_bytes
    }

    /// Drops the oldest traffic until `weight` more fits; the number of messages dropped.
    fn make_room(&mut self, weight: usize, max_events: usize, max_bytes: usize) -> u64 {
        let mut dropped = 0;
        while !self.fits(weight, max_events, max_bytes) {
            let Some(index) = self.events.iter().position(is_traffic) else {
                break;
            };
            if let Some(old) = self.events.remove(index) {
                self.bytes -= cost(&old);
                dropped += count(&old);
            }
        }
        dropped
    }
}

impl Outbox {
    /// A queue of at most `max_events` events and `max_bytes` bytes (see `cost`).
    pub fn new(max_events: usize, max_bytes: usize) -> Outbox {
        Outbox {
            max_events: max_events.max(1),
            max_bytes,
            state: Mutex::new(Queue::default()),
            dropped: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            notify: Notify::new(),
        }
    }

    /// Queues a broker message (or recent traffic), dropping the oldest traffic while
    /// over a bound, or this event when replies alone fill the budget. Recent traffic
    /// heavier than the whole budget keeps its newest messages.
    pub fn push_traffic(&self, mut event: ServerEvent) {
        let mut dropped = trim_recent(&mut event, self.max_bytes);
        {
            let mut queue = self.lock();
            if queue.overflow.is_some() {
                return;
            }
            let weight = cost(&event);
            dropped += queue.make_room(weight, self.max_events, self.max_bytes);
            if queue.fits(weight, self.max_events, self.max_bytes) {
                queue.bytes += weight;
                queue.events.push_back(event);
            } else {
                dropped += count(&event);
            }
        }
        self.dropped.fetch_add(dropped, Ordering::Relaxed);
        self.notify.notify_one();
    }

    /// Queues a reply to a command, dropping traffic to make room. `false` when even
    /// then it does not fit: the queue is emptied and the socket is to close (`next`
    /// answers `Outgoing::Close`).
    pub fn push_reply(&self, event: ServerEvent) -> bool {
        let queued = {
            let mut queue = self.lock();
            if queue.overflow.is_some() {
                return false;
            }
            let weight = cost(&event);
            let dropped = queue.make_room(weight, self.max_events, self.max_bytes);
            self.dropped.fetch_add(dropped, Ordering::Relaxed);
            if queue.fits(weight, self.max_events, self.max_bytes) {
                queue.bytes += weight;
                queue.events.push_back(event);
                true
            } else {
                queue.events.clear();
                queue.bytes = 0;
                // A close reason is at most 123 bytes; this one is about 100.
                queue.overflow = Some(format!(
                    "Closed: the page stopped reading while sending commands; its {} KB budget is spent. Reload to reconnect.",
                    self.max_bytes / 1024
                ));
                false
            }
        };
        self.notify.notify_one();
        queued
    }

    /// Whether a reply overflowed the budget (the socket is closing).
    pub fn overflowed(&self) -> bool {
        self.lock().overflow.is_some()
    }

    /// The next frame, waiting for one; `None` once closed and empty, or after the close.
    pub async fn next(&self) -> Option<Outgoing> {
        loop {
            let notified = self.notify.notified();
            {
                let mut queue = self.lock();
                if queue.close_sent {
                    return None;
                }
                if let Some(reason) = queue.overflow.clone() {
                    queue.close_sent = true;
                    return Some(Outgoing::Close(reason));
                }
                if let Some(event) = queue.events.pop_front() {
                    queue.bytes -= cost(&event);
                    return Some(Outgoing::Event(event));
                }
            }
            if self.closed.load(Ordering::Relaxed) {
                return None;
            }
            notified.await;
        }
    }

    /// Messages dropped since the last call (and resets the count).
    pub fn take_dropped(&self) -> u64 {
        self.dropped.swap(0, Ordering::Relaxed)
    }

    /// Counts messages dropped elsewhere (a subscription's own queue) for the next report.
    pub fn add_dropped(&self, count: u64) {
        self.dropped.fetch_add(count, Ordering::Relaxed);
    }

    /// Ends `next` once the queue is empty.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.notify.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // Every critical section leaves the queue whole, so a poisoned lock is still good.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Keeps the newest messages of a `recent` event that fit in `max_bytes`; how many
/// were left out.
fn trim_recent(event: &mut ServerEvent, max_bytes: usize) -> u64 {
    let mut excess = cost(event).saturating_sub(max_bytes);
    let ServerEvent::Recent { messages, .. } = event else {
        return 0;
    };
    let mut oldest = 0;
    while excess > 0 && oldest < messages.len() {
        excess = excess.saturating_sub(message_cost(&messages[oldest]));
        oldest += 1;
    }
    messages.drain(..oldest);
    oldest as u64
}

/// Approximate bytes an event holds while it waits: every frame at least 256, so
/// replies count too; a message's payload twice (as text and parsed).
fn cost(event: &ServerEvent) -> usize {
    match event {
        ServerEvent::Message(message) => message_cost(message),
        ServerEvent::Recent { messages, .. } => {
            256 + messages.iter().map(message_cost).sum::<usize>()
        }
        ServerEvent::Error { message } => 256 + message.len(),
        other => other.weight(),
    }
}

fn message_cost(message: &ConsoleMessage) -> usize {
    256 + 2 * message.payload.len()
}

fn is_traffic(event: &ServerEvent) -> bool {
    matches!(event, ServerEvent::Message(_) | ServerEvent::Recent { .. })
}

fn count(event: &ServerEvent) -> u64 {
    match event {
        ServerEvent::Recent { messages, .. } => messages.len() as u64,
        _ => 1,
    }
}

/// A token bucket: `per_second` sustained, bursts up to one second's worth.
pub struct RateLimiter {
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter {
            per_second: f64::from(per_second),
            tokens: f64::from(per_second),
            last: Instant::now(),
        }
    }

    /// Takes one token if there is one.
    pub fn try_take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: usize) -> ServerEvent {
        ServerEvent::Message(ConsoleMessage {
            subscription: "s".into(),
            channel: None,
            topic: "t".into(),
            time: 0,
            size: 1,
            payload: n.to_string(),
            json: None,
            valid: true,
            problems: Vec::new(),
            headers: Vec::new(),
            retain: false,
        })
    }

    #[tokio::test]
    async fn a_full_outbox_drops_the_oldest_traffic_but_keeps_replies() {
        let outbox = Outbox::new(3, usize::MAX);
        outbox.push_reply(ServerEvent::error("kept"));
        for n in 0..10 {
            outbox.push_traffic(message(n));
        }
        assert_eq!(outbox.take_dropped(), 8);
        assert!(matches!(
            outbox.next().await,
            Some(Outgoing::Event(ServerEvent::Error { .. }))
        ));
        let mut kept = Vec::new();
        outbox.close();
        while let Some(Outgoing::Event(ServerEvent::Message(m))) = outbox.next().await {
            kept.push(m.payload);
        }
        assert_eq!(kept, ["8", "9"]);
    }

    #[tokio::test]
    async fn replies_count_against_the_budget_and_overflowing_it_closes() {
        let outbox = Outbox::new(1000, 256 * 10);
        for _ in 0..5 {
            outbox.push_traffic(message(0));
        }
        for _ in 0..10 {
            assert!(outbox.push_reply(ServerEvent::Unsubscribed { id: "s".into() }));
        }
        assert_eq!(outbox.take_dropped(), 5, "traffic made room for replies");
        outbox.push_traffic(message(1));
        assert_eq!(outbox.take_dropped(), 1, "no room left for traffic");
        assert!(!outbox.overflowed());
        assert!(!outbox.push_reply(ServerEvent::Unsubscribed { id: "s".into() }));
        assert!(outbox.overflowed());
        match outbox.next().await {
            Some(Outgoing::Close(reason)) => {
                assert!(reason.contains("2 KB budget"), "{reason}");
                assert!(reason.len() <= 123, "fits a close frame");
            }
            other => panic!("expected the close, got {other:?}"),
        }
        assert!(outbox.next().await.is_none(), "nothing after the close");
    }

    #[tokio::test]
    async fn recent_traffic_heavier_than_the_budget_keeps_its_newest_messages() {
        let outbox = Outbox::new(1000, 256 + 3 * 258);
        let messages = (0..10)
            .map(|n| match message(n) {
                ServerEvent::Message(m) => m,
                _ => unreachable!(),
            })
            .collect();
        outbox.push_traffic(ServerEvent::Recent {
            subscription: "s".into(),
            messages,
        });
        assert_eq!(outbox.take_dropped(), 7);
        match outbox.next().await {
            Some(Outgoing::Event(ServerEvent::Recent { messages, .. })) => {
                let kept: Vec<_> = messages.iter().map(|m| m.payload.as_str()).collect();
                assert_eq!(kept, ["7", "8", "9"]);
            }
            other => panic!("expected the recent traffic, got {other:?}"),
        }
    }

    #[test]
    fn the_byte_budget_bounds_big_messages() {
        let outbox = Outbox::new(1000, 300 * 4);
        for n in 0..100 {
            outbox.push_traffic(message(n));
        }
        assert!(outbox.take_dropped() >= 96);
    }

    #[test]
    fn the_rate_limiter_allows_one_second_of_burst() {
        let mut limiter = RateLimiter::new(50);
        let allowed = (0..200).filter(|_| limiter.try_take()).count();
        assert!((50..=52).contains(&allowed), "{allowed}");
    }
}
