//! The one bounded pool for CPU-heavy work (parsing and analysing documents, password
//! hashing, diffs): a semaphore in front of tokio's blocking threads, so such work never
//! runs on the async threads and at most one job per core runs at a time. A request
//! that finds every permit taken waits its turn instead of starving the others.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::Error;

/// Jobs allowed to run at once: one per core the process may use.
static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(permits()));

/// How many jobs the pool runs at once.
pub fn permits() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `work` on a blocking thread once a permit is free, and answers its result.
/// A job that panicked answers `Internal` (the panic is logged).
pub async fn run<T, F>(work: F) -> Result<T, Error>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let _permit = PERMITS.acquire().await.map_err(|_| Error::Internal)?;
    tokio::task::spawn_blocking(work).await.map_err(|error| {
        tracing::error!(%error, "a CPU job failed");
        Error::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_runs_more_jobs_than_cores() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let most = most.clone();
            jobs.spawn(run(move || {
                let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
                RUNNING.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        while let Some(job) = jobs.join_next().await {
            job.unwrap().unwrap();
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert!(most.load(Ordering::SeqCst) <= cores);
    }
}
