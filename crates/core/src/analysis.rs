//! How the server analyses the documents users send or open: within the limits the
//! administrator configured, on the CPU pool ([`crate::cpu`]), and at most a share of it
//! per user. One user's burst of large publishes (or one hostile document) then waits
//! for that user's own earlier jobs instead of taking every core from everyone else.
//!
//! A job over its user's share waits (it is not refused): a CI pipeline that publishes
//! several documents at once sees them all accepted, one after another.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{Error, cpu};

/// The limits every analysis of a user's document runs within; set once at start.
static LIMITS: LazyLock<RwLock<spec_engine::Limits>> = LazyLock::new(RwLock::default);

/// Sets the limits for the analyses that follow (the server's configuration).
pub fn configure(limits: spec_engine::Limits) {
    if let Ok(mut current) = LIMITS.write() {
        *current = limits;
    }
}

/// The configured limits.
pub fn limits() -> spec_engine::Limits {
    LIMITS.read().map(|limits| *limits).unwrap_or_default()
}

/// One document named `name`, to analyse within the configured limits.
pub fn single(name: &str, text: &str) -> spec_engine::Input {
    let mut input = spec_engine::Input::single(name, text);
    input.limits = limits();
    input
}

/// A design project, to analyse within the configured limits.
pub fn project(
    files: std::collections::BTreeMap<String, String>,
    main: &str,
) -> spec_engine::Input {
    let mut input = spec_engine::Input::project(files, main);
    input.limits = limits();
    input
}

/// Whose job it is: a signed-in user's id, or `None` for visitors (shared links and
/// public pages), who share one allowance between them.
pub type Owner = Option<i64>;

/// Jobs one owner may run at once: half the pool (at least one), so another user
/// always finds a core.
fn per_owner() -> usize {
    (cpu::permits() / 2).max(1)
}

/// Each owner with a job running or waiting, and their allowance.
static SHARES: LazyLock<Mutex<HashMap<Owner, Arc<Semaphore>>>> = LazyLock::new(Mutex::default);

/// Runs `work` on the CPU pool once `owner` has fewer than their share of jobs running
/// (waiting for their own jobs otherwise), and answers its result.
pub async fn run<T, F>(owner: Owner, work: F) -> Result<T, Error>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let share = Share::of(owner)?;
    let _permit = share.acquire().await?;
    cpu::run(work).await
}

/// An owner's allowance, held while a job waits or runs; the last one out removes the
/// owner's entry, so the map holds only owners with work in flight.
struct Share {
    owner: Owner,
    semaphore: Arc<Semaphore>,
}

impl Share {
    fn of(owner: Owner) -> Result<Share, Error> {
        let mut shares = SHARES.lock().map_err(|_| Error::Internal)?;
        let semaphore = shares
            .entry(owner)
            .or_insert_with(|| Arc::new(Semaphore::new(per_owner())))
            .clone();
        Ok(Share { owner, semaphore })
    }

    async fn acquire(&self) -> Result<OwnedSemaphorePermit, Error> {
        self.semaphore
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal)
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        if let Ok(mut shares) = SHARES.lock()
            // Only the map and this share hold it: nobody else waits or runs.
            && Arc::strong_count(&self.semaphore) == 2
        {
            shares.remove(&self.owner);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_user_never_takes_more_than_their_share_and_others_still_run() {
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let most = most.clone();
            jobs.spawn(run(Some(-1), move || {
                let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                RUNNING.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        // Another user's job is answered while the first user's queue drains.
        let started = std::time::Instant::now();
        run(Some(-2), || ()).await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(100));
        while let Some(job) = jobs.join_next().await {
            job.unwrap().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= per_owner());
        assert!(!SHARES.lock().unwrap().contains_key(&Some(-1)));
    }

    #[test]
    fn inputs_carry_the_configured_limits() {
        assert_eq!(single("a.yaml", "a: 1").limits, limits());
    }
}
