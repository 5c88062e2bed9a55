//! Flow control of one console connection: the bounded outbound queue (a slow browser
//! never grows server memory: the oldest messages are dropped and counted, and the page
//! says "N dropped"), and the publish-rate limiter.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use tokio::sync::Notify;

use portico_types::console::ServerEvent;

/// Events waiting to be written to one socket, bounded in count and in bytes.
pub struct Outbox {
    max_events: usize,
    max_bytes: usize,
    state: Mutex<(VecDeque<ServerEvent>, usize)>,
    dropped: AtomicU64,
    closed: AtomicBool,
    notify: Notify,
}

impl Outbox {
    /// A queue of at most `max_events` events and about `max_bytes` bytes.
    pub fn new(max_events: usize, max_bytes: usize) -> Outbox {
        Outbox {
            max_events: max_events.max(1),
            max_bytes,
            state: Mutex::new((VecDeque::new(), 0)),
            dropped: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            notify: Notify::new(),
        }
    }

    /// Queues a broker message (or recent traffic); drops the oldest such events while
    /// over a bound. Replies to commands never count against the bound, so an error is
    /// never lost behind traffic.
    pub fn push_traffic(&self, event: ServerEvent) {
        let weight = event.weight();
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let (queue, bytes) = &mut *state;
            while !queue.is_empty()
                && (queue.len() >= self.max_events || *bytes + weight > self.max_bytes)
            {
                let Some(index) = queue.iter().position(is_traffic) else {
                    break;
                };
                if let Some(old) = queue.remove(index) {
                    *bytes -= old.weight();
                    self.dropped.fetch_add(count(&old), Ordering::Relaxed);
                }
            }
            *bytes += weight;
            queue.push_back(event);
        }
        self.notify.notify_one();
    }

    /// Queues a reply to a command.
    pub fn push_reply(&self, event: ServerEvent) {
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.1 += event.weight();
            state.0.push_back(event);
        }
        self.notify.notify_one();
    }

    /// The next event, waiting for one; `None` once closed.
    pub async fn next(&self) -> Option<ServerEvent> {
        loop {
            let notified = self.notify.notified();
            {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(event) = state.0.pop_front() {
                    state.1 -= event.weight();
                    return Some(event);
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
    use portico_types::console::ConsoleMessage;

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
            Some(ServerEvent::Error { .. })
        ));
        let mut kept = Vec::new();
        outbox.close();
        while let Some(ServerEvent::Message(m)) = outbox.next().await {
            kept.push(m.payload);
        }
        assert_eq!(kept, ["8", "9"]);
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
