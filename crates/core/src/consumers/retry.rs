//! When a failed delivery is tried again: exponential backoff from a first delay,
//! doubling each time up to an hour, until a day after the delivery was queued.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay after the first failed attempt.
    pub first: Duration,
    /// The longest delay between two attempts.
    pub longest: Duration,
    /// How long after it was queued a delivery is given up (marked failed).
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            first: Duration::from_secs(10),
            longest: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// When to try again after `failed` attempts (the one just made included) of a
    /// delivery queued at `queued`; `None` once it is given up.
    pub fn next_attempt(
        &self,
        failed: u32,
        queued: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let doubling = 2u32.saturating_pow(failed.saturating_sub(1).min(30));
        let delay = self.first.saturating_mul(doubling).min(self.longest);
        let next = now + chrono::Duration::from_std(delay).ok()?;
        let deadline = queued + chrono::Duration::from_std(self.give_up_after).ok()?;
        (next <= deadline).then_some(next)
    }
}

/// A time as the database writes it (`2026-12-07T21:14:36.123Z`), so text order is time order.
pub fn stored_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Reads a time the database wrote; `None` for anything else.
pub fn parse_stored_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_longest_and_stop_after_a_day() {
        let policy = RetryPolicy::default();
        let queued = parse_stored_time("2026-12-07T00:00:00.000Z").unwrap();
        let delay = |failed, now: DateTime<Utc>| {
            policy
                .next_attempt(failed, queued, now)
                .map(|next| (next - now).num_seconds())
        };
        assert_eq!(delay(1, queued), Some(10));
        assert_eq!(delay(2, queued), Some(20));
        assert_eq!(delay(3, queued), Some(40));
        assert_eq!(delay(12, queued), Some(3600));
        assert_eq!(delay(40, queued), Some(3600));
        let late = queued + chrono::Duration::hours(23) + chrono::Duration::minutes(30);
        assert_eq!(delay(20, late), None, "past the day's end: given up");
        assert_eq!(delay(1, late), Some(10), "a short delay still fits");
    }

    #[test]
    fn stored_times_round_trip_and_sort_as_text() {
        let time = parse_stored_time("2026-12-07T21:14:36.123Z").unwrap();
        assert_eq!(stored_time(time), "2026-12-07T21:14:36.123Z");
        let later = stored_time(time + chrono::Duration::milliseconds(900));
        assert!(later.as_str() > "2026-12-07T21:14:36.123Z");
    }
}
