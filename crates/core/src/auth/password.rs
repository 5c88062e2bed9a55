//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes, OWASP's minimum).
//!
//! Requests hash and verify through [`hash`] and [`verify`]: on the CPU pool, behind a
//! semaphore of their own that leaves the pool's other permits to documents, and with a
//! bounded queue, so a flood of sign-ups or log-ins is refused (429) instead of stalling
//! every other request behind it.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::Argon2;
use tokio::sync::Semaphore;

use crate::{Error, Result, cpu};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;

/// Password jobs running at once: half the cores (at least one), so the CPU pool always
/// has room for other work.
static PERMITS: LazyLock<(Semaphore, usize)> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let permits = (cores / 2).max(1);
    (Semaphore::new(permits), permits)
});

/// Password jobs waiting for a permit, per permit, before more are refused.
const QUEUE_PER_PERMIT: usize = 16;

static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Runs a password job on the CPU pool once a password permit is free; refuses with
/// `TooManyAttempts` when the queue is full.
async fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (semaphore, permits) = &*PERMITS;
    let waiting = WAITING.fetch_add(1, Ordering::SeqCst);
    let _waiting = scopeguard(|| {
        WAITING.fetch_sub(1, Ordering::SeqCst);
    });
    if waiting >= permits * QUEUE_PER_PERMIT {
        tracing::warn!(waiting, "password queue full");
        return Err(Error::TooManyAttempts {
            retry_after_secs: 1,
        });
    }
    let _permit = semaphore.acquire().await.map_err(|_| Error::Internal)?;
    cpu::run(job).await
}

/// Runs `f` when dropped.
fn scopeguard(f: impl FnOnce()) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

/// Hashes `password` on the pool (see the module's note).
pub async fn hash(password: String) -> Result<String> {
    run(move || hash_password(&password))
        .await?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            Error::Internal
        })
}

/// Verifies `password` against `stored_hash` on the pool; `None` checks against a dummy
/// hash, so an unknown account takes as long as a wrong password.
pub async fn verify(password: String, stored_hash: Option<String>) -> Result<bool> {
    run(move || {
        let stored = stored_hash.as_deref().unwrap_or_else(|| dummy_hash());
        verify_password(&password, stored)
    })
    .await
}

/// Hashes a password into a PHC string that records algorithm, parameters and salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored PHC string; a malformed hash never verifies.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a throwaway password, verified against when the account does not exist so
/// that an unknown user and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("portico-timing-equaliser").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        assert_ne!(
            hash_password("same").unwrap(),
            hash_password("same").unwrap()
        );
    }
}
