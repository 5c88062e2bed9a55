//! What happened to assets' versions, and the inbox entries and webhook deliveries each
//! event becomes for the consumers whose range it touches.

use rand::RngCore;
use sqlx::{FromRow, QueryBuilder, Sqlite};

use portico_types::consumers::{ChangeSummary, EventKind, VersionRange};

use super::{Db, Write};

/// Records an event inside the transaction that makes it happen, so it is never lost.
pub async fn record(
    tx: &mut Write,
    asset_id: i64,
    version: &str,
    kind: EventKind,
    summary: &ChangeSummary,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO asset_events (asset_id, version, kind, summary) VALUES (?, ?, ?, ?)")
        .bind(asset_id)
        .bind(version)
        .bind(kind.as_str())
        .bind(serde_json::to_string(summary).unwrap_or_else(|_| "{}".into()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An event as stored, with its asset's coordinate.
#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: i64,
    pub asset_id: i64,
    pub group_slug: String,
    pub asset: String,
    pub version: String,
    pub kind: String,
    pub summary: String,
    pub created_at: String,
}

impl EventRow {
    pub fn kind(&self) -> EventKind {
        EventKind::parse(&self.kind).unwrap_or(EventKind::Published)
    }

    pub fn summary(&self) -> ChangeSummary {
        serde_json::from_str(&self.summary).unwrap_or_default()
    }
}

/// The columns of [`EventRow`], over [`EVENT_FROM`].
pub(super) const EVENT_COLUMNS: &str =
    "e.id, e.asset_id, o.slug AS group_slug, a.name AS asset, e.version,
     e.kind, e.summary, e.created_at";

/// An event (`e`) with its asset (`a`) and the asset's organisation (`o`).
pub(super) const EVENT_FROM: &str = "asset_events e JOIN assets a ON a.id = e.asset_id
     JOIN organizations o ON o.id = a.organization_id";

/// Events whose notifications and deliveries are not made yet, oldest first.
pub async fn pending_fan_out(db: &Db, limit: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.fanned_out_at IS NULL ORDER BY e.id LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// What one event became.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FannedOut {
    pub notifications: u64,
    pub deliveries: u64,
}

/// Makes `event`'s inbox entries (one per registering user) and webhook deliveries (one
/// per webhook of each consuming organisation that takes this kind of event), for the
/// consumers whose range holds the version, in one transaction. Running it again for the
/// same event adds nothing.
pub async fn fan_out(db: &Db, event: &EventRow) -> Result<FannedOut, sqlx::Error> {
    let consumers: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT organization_id, registered_by, version_range FROM consumers WHERE asset_id = ? ORDER BY id",
    )
    .bind(event.asset_id)
    .fetch_all(db.reader())
    .await?;
    let touched: Vec<(i64, Option<i64>, String)> = consumers
        .into_iter()
        .filter(|(_, _, range)| {
            VersionRange::parse(range).is_ok_and(|range| range.contains(&event.version))
        })
        .collect();
    let inbox: Vec<(i64, &str)> = touched
        .iter()
        .filter_map(|(_, user, range)| user.map(|user| (user, range.as_str())))
        .collect();
    let hooks = hooks_wanting(db, &touched, event.kind.as_str()).await?;
    // Everything is read before the writer is taken, and written in a few statements:
    // a thousand consumers hold up other writers (a publish) for milliseconds.
    let mut made = FannedOut::default();
    let mut tx = db.write().await?;
    for rows in inbox.chunks(ROWS_PER_INSERT) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO notifications (user_id, event_id, version_range) ",
        );
        insert.push_values(rows, |mut row, (user, range)| {
            row.push_bind(*user).push_bind(event.id).push_bind(*range);
        });
        insert.push(" ON CONFLICT (user_id, event_id) DO NOTHING");
        made.notifications += insert.build().execute(&mut *tx).await?.rows_affected();
    }
    for rows in hooks.chunks(ROWS_PER_INSERT) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO webhook_deliveries (webhook_id, event_id, delivery_key, next_attempt_at) ",
        );
        insert.push_values(rows, |mut row, hook| {
            row.push_bind(*hook)
                .push_bind(event.id)
                .push_bind(delivery_key())
                .push("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
        });
        insert.push(" ON CONFLICT (webhook_id, event_id) DO NOTHING");
        made.deliveries += insert.build().execute(&mut *tx).await?.rows_affected();
    }
    sqlx::query(
        "UPDATE asset_events SET fanned_out_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
    )
    .bind(event.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(made)
}

/// Rows per multi-row insert (three parameters each, well inside SQLite's limit).
const ROWS_PER_INSERT: usize = 500;

/// The webhooks of the touched organisations that subscribe to `kind`.
async fn hooks_wanting(
    db: &Db,
    touched: &[(i64, Option<i64>, String)],
    kind: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut wanting = Vec::new();
    for organisations in touched.chunks(ROWS_PER_INSERT) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT id, events FROM webhooks WHERE organization_id IN (",
        );
        let mut list = query.separated(", ");
        for (organization_id, _, _) in organisations {
            list.push_bind(*organization_id);
        }
        query.push(") ORDER BY id");
        let hooks: Vec<(i64, String)> = query.build_query_as().fetch_all(db.reader()).await?;
        wanting.extend(hooks.into_iter().filter_map(|(hook, events)| {
            let wanted: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
            wanted.iter().any(|name| name == kind).then_some(hook)
        }));
    }
    Ok(wanting)
}

/// A delivery's idempotency key: 128 random bits, as hex.
fn delivery_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// An inbox entry with its event.
#[derive(Debug, Clone, FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub version_range: String,
    pub created_at: String,
    pub read: bool,
    #[sqlx(flatten)]
    pub event: EventRow,
}

/// The user's newest inbox entries.
pub async fn inbox(db: &Db, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT n.id, n.version_range, n.created_at, (n.read_at IS NOT NULL) AS read,
            {EVENT_COLUMNS}
         FROM notifications n, {EVENT_FROM}
         WHERE n.event_id = e.id AND n.user_id = ? ORDER BY n.id DESC LIMIT ?"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// How many of the user's inbox entries are unread.
pub async fn unread(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(db.reader())
        .await
}

/// Marks the user's entries read: these ids, or every one when `ids` is `None`.
pub async fn mark_read(db: &Db, user_id: i64, ids: Option<&[i64]>) -> Result<u64, sqlx::Error> {
    let mut tx = db.write().await?;
    let changed = match ids {
        None => sqlx::query(
            "UPDATE notifications SET read_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE user_id = ? AND read_at IS NULL",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        Some(ids) => {
            let mut changed = 0;
            for id in ids {
                changed += sqlx::query(
                    "UPDATE notifications SET read_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                     WHERE user_id = ? AND id = ? AND read_at IS NULL",
                )
                .bind(user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            changed
        }
    };
    tx.commit().await?;
    Ok(changed)
}
