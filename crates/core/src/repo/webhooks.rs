//! Organisations' webhooks and the durable queue of their deliveries.

use sqlx::FromRow;

use super::Db;
use super::events::{EVENT_COLUMNS, EVENT_FROM, EventRow};

/// A webhook as stored (with its secret, which only the sender reads).
#[derive(Debug, Clone, FromRow)]
pub struct WebhookRow {
    pub id: i64,
    pub organization_id: i64,
    pub url: String,
    pub secret: String,
    pub events: String,
    pub created_at: String,
    pub created_by: Option<String>,
}

const COLUMNS: &str = "w.id, w.organization_id, w.url, w.secret, w.events, w.created_at,
     u.username AS created_by";

/// Adds a webhook to an organisation; its id.
pub async fn insert(
    db: &Db,
    organization_id: i64,
    url: &str,
    secret: &str,
    events_json: &str,
    created_by: i64,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.write().await?;
    let id = sqlx::query_scalar(
        "INSERT INTO webhooks (organization_id, url, secret, events, created_by) VALUES (?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(organization_id)
    .bind(url)
    .bind(secret)
    .bind(events_json)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An organisation's webhooks, oldest first.
pub async fn of_organization(
    db: &Db,
    organization_id: i64,
) -> Result<Vec<WebhookRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks w LEFT JOIN users u ON u.id = w.created_by
         WHERE w.organization_id = ? ORDER BY w.id"
    ))
    .bind(organization_id)
    .fetch_all(db.reader())
    .await
}

/// One webhook of an organisation.
pub async fn find(
    db: &Db,
    organization_id: i64,
    id: i64,
) -> Result<Option<WebhookRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks w LEFT JOIN users u ON u.id = w.created_by
         WHERE w.organization_id = ? AND w.id = ?"
    ))
    .bind(organization_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// Removes a webhook and its deliveries; `false` when there was none.
pub async fn delete(db: &Db, organization_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query("DELETE FROM webhooks WHERE organization_id = ? AND id = ?")
        .bind(organization_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(deleted)
}

/// A delivery as the log shows it, with its event.
#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub delivery_id: i64,
    pub delivery_key: String,
    pub state: String,
    pub next_attempt_at: Option<String>,
    pub queued_at: String,
    #[sqlx(flatten)]
    pub event: EventRow,
}

/// A webhook's newest deliveries.
pub async fn deliveries(
    db: &Db,
    webhook_id: i64,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT d.id AS delivery_id, d.delivery_key, d.state, d.next_attempt_at,
            d.created_at AS queued_at, {EVENT_COLUMNS}
         FROM webhook_deliveries d, {EVENT_FROM}
         WHERE d.event_id = e.id AND d.webhook_id = ? ORDER BY d.id DESC LIMIT ?"
    ))
    .bind(webhook_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// One attempt as stored.
#[derive(Debug, Clone, FromRow)]
pub struct AttemptRow {
    pub delivery_id: i64,
    pub at: String,
    pub status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// The attempts of these deliveries, oldest first.
pub async fn attempts(db: &Db, delivery_ids: &[i64]) -> Result<Vec<AttemptRow>, sqlx::Error> {
    if delivery_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; delivery_ids.len()].join(", ");
    let sql = format!(
        "SELECT delivery_id, at, status, error, duration_ms FROM webhook_attempts
         WHERE delivery_id IN ({placeholders}) ORDER BY id"
    );
    let mut query = sqlx::query_as::<_, AttemptRow>(&sql);
    for id in delivery_ids {
        query = query.bind(id);
    }
    query.fetch_all(db.reader()).await
}

/// A delivery due now, with what sending it needs.
#[derive(Debug, Clone, FromRow)]
pub struct DueDelivery {
    pub delivery_id: i64,
    pub delivery_key: String,
    pub queued_at: String,
    /// Attempts made so far.
    pub attempts: i64,
    pub url: String,
    pub secret: String,
    #[sqlx(flatten)]
    pub event: EventRow,
}

/// Takes up to `limit` due deliveries for one attempt each: their next attempt moves
/// to `lease_until`, so another sender (or this one after a restart) tries again only
/// if this attempt never reports back.
pub async fn take_due(
    db: &Db,
    now: &str,
    lease_until: &str,
    limit: i64,
) -> Result<Vec<DueDelivery>, sqlx::Error> {
    let mut tx = db.write().await?;
    let due: Vec<DueDelivery> = sqlx::query_as(&format!(
        "SELECT d.id AS delivery_id, d.delivery_key, d.created_at AS queued_at,
            (SELECT COUNT(*) FROM webhook_attempts t WHERE t.delivery_id = d.id) AS attempts,
            w.url, w.secret, {EVENT_COLUMNS}
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id, {EVENT_FROM}
         WHERE d.event_id = e.id AND d.state = 'pending' AND d.next_attempt_at <= ?
         ORDER BY d.next_attempt_at LIMIT ?"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    for delivery in &due {
        sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?")
            .bind(lease_until)
            .bind(delivery.delivery_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(due)
}

/// The earliest next attempt of any pending delivery.
pub async fn next_due(db: &Db) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'",
    )
    .fetch_one(db.reader())
    .await
}

/// What one attempt found and what comes next.
pub struct AttemptOutcome<'a> {
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
    /// `delivered`, `pending` (with the next attempt) or `failed`.
    pub state: &'a str,
    pub next_attempt_at: Option<&'a str>,
}

/// Records an attempt and the delivery's new state.
pub async fn record_attempt(
    db: &Db,
    delivery_id: i64,
    outcome: &AttemptOutcome<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, status, error, duration_ms) VALUES (?, ?, ?, ?)",
    )
    .bind(delivery_id)
    .bind(outcome.status.map(i64::from))
    .bind(outcome.error)
    .bind(outcome.duration_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE webhook_deliveries SET state = ?, next_attempt_at = ? WHERE id = ?")
        .bind(outcome.state)
        .bind(outcome.next_attempt_at)
        .bind(delivery_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Queues a delivery of a webhook again, now, with its same key; `false` when the
/// webhook has no such delivery.
pub async fn redeliver(db: &Db, webhook_id: i64, delivery_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let changed = sqlx::query(
        "UPDATE webhook_deliveries SET state = 'pending',
            next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE webhook_id = ? AND id = ?",
    )
    .bind(webhook_id)
    .bind(delivery_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(changed)
}
