//! Turning recorded events into inbox entries and queued deliveries. Events are written
//! with the change that causes them; this step runs after, in the background, so a
//! publish answers without waiting for its consumers however many there are.

use crate::Result;
use crate::repo::Db;
use crate::repo::events::{self, FannedOut};

/// Events fanned out per round.
const BATCH: i64 = 100;

/// Fans out every event not fanned out yet; what they became, all together.
pub async fn fan_out_pending(db: &Db) -> Result<FannedOut> {
    let mut total = FannedOut::default();
    loop {
        let pending = events::pending_fan_out(db, BATCH).await?;
        if pending.is_empty() {
            return Ok(total);
        }
        for event in &pending {
            let made = events::fan_out(db, event).await?;
            tracing::debug!(event = event.id, kind = %event.kind, ?made, "event fanned out");
            total.notifications += made.notifications;
            total.deliveries += made.deliveries;
        }
    }
}
