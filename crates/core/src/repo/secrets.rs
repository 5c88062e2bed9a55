//! The secrets Portico hands out once (personal tokens, broker credentials): 256 random
//! bits behind a prefix that tells people and secret scanners what they are, kept only
//! as a SHA-256 digest. A fast hash is right for them: nothing about 256 random bits is
//! guessable, and a slow password hash would cost every request and MQTT CONNECT.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A secret just made: the only moment it exists in clear.
pub struct NewSecret {
    pub clear: String,
    /// Its first characters, so people can tell their secrets apart.
    pub display: String,
    /// What is stored: the hex of its digest.
    pub stored: String,
}

/// A new secret starting with `prefix`.
pub fn new_secret(prefix: &str) -> NewSecret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let clear = format!("{prefix}{}", hex::encode(bytes));
    NewSecret {
        display: format!("{}…", &clear[..prefix.len() + 6]),
        stored: hex::encode(digest(&clear)),
        clear,
    }
}

/// A presented secret's SHA-256: what the cache is keyed by and, as hex, what is stored.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}
