//! Login throttling: at most `limit` failures per window per account and per client
//! address; beyond that, attempts are refused (429) until the oldest failure ages out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counters of recent failed logins. In memory: a restart forgets them, which only
/// gives an attacker one more window.
#[derive(Debug)]
pub struct LoginThrottle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Beyond this many tracked keys, stale ones are swept so memory stays bounded.
const SWEEP_THRESHOLD: usize = 10_000;

impl LoginThrottle {
    /// A throttle allowing `limit` failures per `window` for each key.
    pub fn new(limit: usize, window: Duration) -> LoginThrottle {
        LoginThrottle {
            limit,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The standard policy: 10 failures a minute.
    pub fn standard() -> LoginThrottle {
        LoginThrottle::new(10, Duration::from_secs(60))
    }

    /// If any of `keys` is over its limit, the seconds until the next attempt is allowed.
    pub fn retry_after(&self, keys: &[String], now: Instant) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|key| {
                let times = failures.get_mut(key)?;
                Self::forget_old(times, now, self.window);
                if times.len() >= self.limit {
                    let oldest = *times.front()?;
                    let wait = self.window.saturating_sub(now.duration_since(oldest));
                    Some(wait.as_secs().max(1))
                } else {
                    None
                }
            })
            .max()
    }

    /// Records a failed attempt against every key.
    pub fn record_failure(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > SWEEP_THRESHOLD {
            let window = self.window;
            failures.retain(|_, times| {
                Self::forget_old(times, now, window);
                !times.is_empty()
            });
        }
        for key in keys {
            let times = failures.entry(key.clone()).or_default();
            Self::forget_old(times, now, self.window);
            times.push_back(now);
            // Never keep more than the limit: older entries cannot change the verdict.
            while times.len() > self.limit {
                times.pop_front();
            }
        }
    }

    /// Forgets the failures of an account after a successful login.
    pub fn clear(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(key);
    }

    fn forget_old(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
        while times
            .front()
            .is_some_and(|&t| now.duration_since(t) >= window)
        {
            times.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn refuses_after_the_limit_and_recovers_after_the_window() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        let start = Instant::now();
        let k = keys(&["account:alice", "addr:127.0.0.1"]);
        for _ in 0..3 {
            assert_eq!(throttle.retry_after(&k, start), None);
            throttle.record_failure(&k, start);
        }
        let wait = throttle.retry_after(&k, start + Duration::from_secs(10));
        assert_eq!(wait, Some(50));
        assert_eq!(
            throttle.retry_after(&k, start + Duration::from_secs(61)),
            None
        );
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let throttle = LoginThrottle::new(2, Duration::from_secs(60));
        let now = Instant::now();
        throttle.record_failure(&keys(&["account:a", "addr:x"]), now);
        throttle.record_failure(&keys(&["account:b", "addr:x"]), now);
        assert!(
            throttle
                .retry_after(&keys(&["account:c", "addr:x"]), now)
                .is_some()
        );
        assert!(
            throttle
                .retry_after(&keys(&["account:c", "addr:y"]), now)
                .is_none()
        );
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = LoginThrottle::new(1, Duration::from_secs(60));
        let now = Instant::now();
        throttle.record_failure(&keys(&["account:a"]), now);
        assert!(throttle.retry_after(&keys(&["account:a"]), now).is_some());
        throttle.clear("account:a");
        assert!(throttle.retry_after(&keys(&["account:a"]), now).is_none());
    }
}
