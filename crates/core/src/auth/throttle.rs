//! Attempt throttling with exponential backoff (log-ins, password changes, sign-ups).
//!
//! An attempt first *reserves* a slot for each of its keys (the account, the client
//! address, the pair), under one lock, before any password is verified: concurrent
//! guesses cannot all pass a check made before the first of them failed. Each key allows
//! a few free failures; after that every failure doubles the wait before the next
//! attempt (up to the policy's cap) and only one attempt at a time may run. Nothing is
//! locked for good: the owner of an account waits at most the account's cap, and a
//! quiet key is forgotten.
//!
//! No rate-limiter crate fits this reserve-then-verify shape (governor's GCRA has no
//! notion of an attempt that may succeed), so it is written here, in memory: a restart
//! forgets the counters, which only gives an attacker one more round of free attempts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed without waiting.
    pub free: u32,
    /// The wait after the first failure beyond the free ones; each further one doubles it.
    pub base: Duration,
    /// The longest wait.
    pub max: Duration,
    /// A key without attempts for this long starts afresh.
    pub forget_after: Duration,
}

impl Policy {
    /// The wait after `failures` failures.
    fn wait_after(&self, failures: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(self.free)?;
        let factor = 1u32.checked_shl(beyond.min(31)).unwrap_or(u32::MAX);
        Some(self.base.saturating_mul(factor).min(self.max))
    }
}

/// One key of an attempt and the policy it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub policy: Policy,
}

impl Key {
    pub fn new(name: String, policy: Policy) -> Key {
        Key { name, policy }
    }
}

#[derive(Debug)]
struct Entry {
    failures: u32,
    in_flight: u32,
    blocked_until: Option<Instant>,
    last: Instant,
    forget_after: Duration,
}

impl Entry {
    fn is_stale(&self, now: Instant) -> bool {
        self.in_flight == 0
            && self.blocked_until.is_none_or(|until| until <= now)
            && now.duration_since(self.last) >= self.forget_after
    }
}

/// Beyond this many tracked keys, stale ones are swept so memory stays bounded.
const SWEEP_THRESHOLD: usize = 10_000;

/// The counters of every key, behind one lock so a reservation covers all its keys at once.
#[derive(Debug, Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
}

impl Throttle {
    pub fn new() -> Arc<Throttle> {
        Arc::new(Throttle::default())
    }

    /// Reserves an attempt on every key, or answers the seconds to wait (at least 1)
    /// when one of them may not be tried now. The reservation must be settled with
    /// [`Attempt::failed`] or [`Attempt::succeeded`]; dropped unsettled, it is released
    /// without counting.
    pub fn reserve(self: &Arc<Self>, keys: Vec<Key>, now: Instant) -> Result<Attempt, u64> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > SWEEP_THRESHOLD {
            entries.retain(|_, entry| !entry.is_stale(now));
        }
        let mut wait: Option<Duration> = None;
        for key in &keys {
            let Some(entry) = entries.get(&key.name) else {
                continue;
            };
            if entry.is_stale(now) {
                continue;
            }
            let refused = match entry.blocked_until {
                Some(until) if until > now => Some(until - now),
                // Past the free failures, one attempt at a time.
                _ if entry.failures >= key.policy.free && entry.in_flight > 0 => {
                    Some(Duration::from_secs(1))
                }
                // Within them, never more at once than are left.
                _ if entry.failures + entry.in_flight >= key.policy.free
                    && entry.failures < key.policy.free =>
                {
                    Some(Duration::from_secs(1))
                }
                _ => None,
            };
            if let Some(refused) = refused {
                wait = Some(wait.map_or(refused, |w| w.max(refused)));
            }
        }
        if let Some(wait) = wait {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(secs.max(1));
        }
        for key in &keys {
            let entry = entries.entry(key.name.clone()).or_insert(Entry {
                failures: 0,
                in_flight: 0,
                blocked_until: None,
                last: now,
                forget_after: key.policy.forget_after,
            });
            if entry.is_stale(now) {
                entry.failures = 0;
                entry.blocked_until = None;
            }
            entry.in_flight += 1;
            entry.last = now;
        }
        Ok(Attempt {
            throttle: self.clone(),
            keys,
            settled: false,
        })
    }

    fn settle(&self, keys: &[Key], outcome: Outcome, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            let Some(entry) = entries.get_mut(&key.name) else {
                continue;
            };
            entry.in_flight = entry.in_flight.saturating_sub(1);
            match outcome {
                Outcome::Failed => {
                    entry.failures = entry.failures.saturating_add(1);
                    entry.last = now;
                    entry.blocked_until = key.policy.wait_after(entry.failures).map(|w| now + w);
                }
                Outcome::Succeeded { clear } if clear.contains(&key.name.as_str()) => {
                    entry.failures = 0;
                    entry.blocked_until = None;
                }
                Outcome::Succeeded { .. } | Outcome::Released => {}
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Outcome<'a> {
    Failed,
    Succeeded { clear: &'a [&'a str] },
    Released,
}

/// A reserved attempt; settle it with its outcome.
#[derive(Debug)]
pub struct Attempt {
    throttle: Arc<Throttle>,
    keys: Vec<Key>,
    settled: bool,
}

impl Attempt {
    /// The attempt failed (or, for a rate limit, happened): it counts on every key.
    pub fn failed(mut self, now: Instant) {
        self.settled = true;
        self.throttle.settle(&self.keys, Outcome::Failed, now);
    }

    /// The attempt succeeded: the keys named in `clear` start afresh.
    pub fn succeeded(mut self, clear: &[&str], now: Instant) {
        self.settled = true;
        self.throttle
            .settle(&self.keys, Outcome::Succeeded { clear }, now);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle
                .settle(&self.keys, Outcome::Released, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        free: 3,
        base: Duration::from_secs(2),
        max: Duration::from_secs(60),
        forget_after: Duration::from_secs(3600),
    };

    fn keys(names: &[&str]) -> Vec<Key> {
        names
            .iter()
            .map(|name| Key::new(name.to_string(), POLICY))
            .collect()
    }

    #[test]
    fn concurrent_attempts_never_exceed_the_free_failures() {
        let throttle = Throttle::new();
        let now = Instant::now();
        // All reserved before any is verified, as concurrent requests would.
        let reserved: Vec<_> = (0..10)
            .filter_map(|_| throttle.reserve(keys(&["account:a"]), now).ok())
            .collect();
        assert_eq!(reserved.len(), 3);
        for attempt in reserved {
            attempt.failed(now);
        }
        assert_eq!(throttle.reserve(keys(&["account:a"]), now).unwrap_err(), 2);
    }

    #[test]
    fn the_wait_doubles_and_ends() {
        let throttle = Throttle::new();
        let mut now = Instant::now();
        for _ in 0..3 {
            throttle.reserve(keys(&["k"]), now).unwrap().failed(now);
        }
        let mut waits = Vec::new();
        for _ in 0..4 {
            let wait = throttle.reserve(keys(&["k"]), now).unwrap_err();
            waits.push(wait);
            now += Duration::from_secs(wait);
            throttle.reserve(keys(&["k"]), now).unwrap().failed(now);
        }
        assert_eq!(waits, [2, 4, 8, 16]);
        // The owner, after waiting, gets in; success starts the key afresh.
        now += Duration::from_secs(32);
        throttle
            .reserve(keys(&["k"]), now)
            .unwrap()
            .succeeded(&["k"], now);
        assert!(throttle.reserve(keys(&["k"]), now).is_ok());
    }

    #[test]
    fn the_wait_is_capped_and_a_quiet_key_is_forgotten() {
        let throttle = Throttle::new();
        let mut now = Instant::now();
        for _ in 0..20 {
            if let Ok(attempt) = throttle.reserve(keys(&["k"]), now) {
                attempt.failed(now);
            }
            now += Duration::from_secs(61);
        }
        let wait = throttle.reserve(keys(&["k"]), now - Duration::from_secs(61));
        assert!(wait.unwrap_err() <= 60);
        now += Duration::from_secs(3600);
        throttle.reserve(keys(&["k"]), now).unwrap().failed(now);
        assert!(throttle.reserve(keys(&["k"]), now).is_ok(), "starts afresh");
    }

    #[test]
    fn one_blocked_key_refuses_the_attempt_and_others_stay_free() {
        let throttle = Throttle::new();
        let now = Instant::now();
        for _ in 0..3 {
            throttle
                .reserve(keys(&["addr:x"]), now)
                .unwrap()
                .failed(now);
        }
        assert!(
            throttle
                .reserve(keys(&["account:c", "addr:x"]), now)
                .is_err()
        );
        assert!(
            throttle
                .reserve(keys(&["account:c", "addr:y"]), now)
                .is_ok()
        );
    }

    #[test]
    fn an_unsettled_attempt_is_released() {
        let throttle = Throttle::new();
        let now = Instant::now();
        for _ in 0..10 {
            drop(throttle.reserve(keys(&["k"]), now).unwrap());
        }
        assert!(throttle.reserve(keys(&["k"]), now).is_ok());
    }
}
