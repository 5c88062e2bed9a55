//! Consumers and impact: who registered as a consumer of which asset ([`registry`]),
//! what they hear when a version they use changes ([`inbox`], [`webhooks`]) and the
//! step that turns each recorded event into those notifications ([`fan_out`]).

pub mod fan_out;
pub mod inbox;
pub mod registry;
pub mod retry;
pub mod sunset;
pub mod webhooks;

use std::sync::LazyLock;

use tokio::sync::Notify;

/// Rings when an event was recorded or a delivery queued, so the sender need not wait
/// for its next poll.
static WORK: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Tells the sender that there is work (an event, a delivery to retry now).
pub fn wake_sender() {
    WORK.notify_one();
}

/// Waits until [`wake_sender`] is called (or returns at once if it was meanwhile).
pub async fn work_announced() {
    WORK.notified().await;
}
