//! How many console sockets are open, per user and on the server: each socket holds
//! broker subscriptions, mock publishers and a queue of up to its byte budget, so their
//! number is bounded like everything else the console keeps.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The open console sockets and their bounds.
#[derive(Debug)]
pub struct ConsoleSockets {
    per_user: usize,
    total: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    per_user: HashMap<i64, usize>,
    total: usize,
}

/// One open socket's place; dropping it frees the place.
#[derive(Debug)]
pub struct SocketSlot {
    sockets: Arc<ConsoleSockets>,
    user: i64,
}

impl ConsoleSockets {
    /// At most `per_user` sockets for one user and `total` on the server.
    pub fn new(per_user: usize, total: usize) -> Arc<ConsoleSockets> {
        Arc::new(ConsoleSockets {
            per_user,
            total,
            open: Mutex::new(Open::default()),
        })
    }

    /// A place for one more socket of `user`, or why there is none (words for the page,
    /// short enough for a WebSocket close reason).
    pub fn open(self: &Arc<Self>, user: i64) -> Result<SocketSlot, String> {
        let mut open = self.lock();
        if open.total >= self.total {
            return Err(format!(
                "The server has {} console connections open, its limit; try again later.",
                self.total
            ));
        }
        let mine = open.per_user.entry(user).or_default();
        if *mine >= self.per_user {
            return Err(format!(
                "You have {} console connections open, the limit; close a console tab first.",
                self.per_user
            ));
        }
        *mine += 1;
        open.total += 1;
        Ok(SocketSlot {
            sockets: self.clone(),
            user,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        // Every critical section leaves the counts whole, so a poisoned lock is still good.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.sockets.lock();
        open.total = open.total.saturating_sub(1);
        if let Some(mine) = open.per_user.get_mut(&self.user) {
            *mine -= 1;
            if *mine == 0 {
                open.per_user.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_bounded_per_user_and_on_the_server_and_freed_on_drop() {
        let sockets = ConsoleSockets::new(2, 3);
        let a1 = sockets.open(1).expect("first");
        let _a2 = sockets.open(1).expect("second");
        let refused = sockets.open(1).unwrap_err();
        assert!(refused.contains("2 console connections"), "{refused}");
        let _b1 = sockets.open(2).expect("another user");
        let full = sockets.open(3).unwrap_err();
        assert!(full.contains("The server has 3"), "{full}");
        drop(a1);
        let _a3 = sockets.open(1).expect("a place was freed");
    }
}
