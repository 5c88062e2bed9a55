//! A user's inbox: what happened to the versions they (or their organisations) consume.

use portico_types::consumers::{Inbox, Notification};

use crate::Result;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::events;

/// Most entries an inbox shows.
pub const INBOX_LIMIT: i64 = 100;

/// The user's newest notifications and the unread count.
pub async fn inbox(db: &Db, user: &SignedInUser) -> Result<Inbox> {
    let rows = events::inbox(db, user.id, INBOX_LIMIT).await?;
    let notifications = rows
        .into_iter()
        .map(|row| Notification {
            id: row.id,
            event: row.event.kind(),
            summary: row.event.summary(),
            group: row.event.group_slug,
            asset: row.event.asset,
            version: row.event.version,
            range: row.version_range,
            created_at: row.created_at,
            read: row.read,
        })
        .collect();
    Ok(Inbox {
        unread: events::unread(db, user.id).await?,
        notifications,
    })
}

/// How many notifications the user has not read (the header's count).
pub async fn unread(db: &Db, user: &SignedInUser) -> Result<i64> {
    Ok(events::unread(db, user.id).await?)
}

/// Marks these notifications read (all when `ids` is `None`); how many changed.
pub async fn mark_read(db: &Db, user: &SignedInUser, ids: Option<&[i64]>) -> Result<u64> {
    Ok(events::mark_read(db, user.id, ids).await?)
}
