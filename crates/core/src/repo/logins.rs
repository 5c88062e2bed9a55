//! Browser sign-ins (`login_sessions`): one row per log-in, whose id the session store
//! keeps. A session counts only while its row is live, so ending rows signs browsers out.

use portico_types::SessionInfo;

use super::Db;

/// How stale a sign-in's last use may get before a request writes it again.
const LAST_SEEN_RESOLUTION_SECS: i64 = 300;

/// Longest user agent kept.
const MAX_USER_AGENT: usize = 200;

/// Records a sign-in; answers its id.
pub async fn start(
    db: &Db,
    user_id: i64,
    client_address: &str,
    user_agent: &str,
) -> Result<i64, sqlx::Error> {
    let user_agent: String = user_agent.chars().take(MAX_USER_AGENT).collect();
    let mut tx = db.write().await?;
    let id = sqlx::query_scalar(
        "INSERT INTO login_sessions (user_id, client_address, user_agent) VALUES (?, ?, ?)
         RETURNING id",
    )
    .bind(user_id)
    .bind(client_address)
    .bind(user_agent)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether sign-in `id` of `user_id` is live; records its use (at most every few minutes).
pub async fn is_live(db: &Db, id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<bool> = sqlx::query_scalar(
        "SELECT last_seen_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) FROM login_sessions
         WHERE id = ? AND user_id = ? AND ended_at IS NULL",
    )
    .bind(format!("-{LAST_SEEN_RESOLUTION_SECS} seconds"))
    .bind(id)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?;
    let Some(stale) = found else {
        return Ok(false);
    };
    if stale {
        let mut tx = db.write().await?;
        sqlx::query(
            "UPDATE login_sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(true)
}

/// The user's live sign-ins seen within `idle_days`, newest first; `current` is marked.
pub async fn list(
    db: &Db,
    user_id: i64,
    current: i64,
    idle_days: i64,
) -> Result<Vec<SessionInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, client_address, user_agent, created_at, last_seen_at, id = ? AS current
         FROM login_sessions WHERE user_id = ? AND ended_at IS NULL
         AND last_seen_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) ORDER BY id DESC",
    )
    .bind(current)
    .bind(user_id)
    .bind(format!("-{idle_days} days"))
    .fetch_all(db.reader())
    .await
}

/// Ends one sign-in (log-out).
pub async fn end(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE login_sessions SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? AND ended_at IS NULL",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Ends every live sign-in of the user but `keep`; answers how many ended.
pub async fn end_others(db: &Db, user_id: i64, keep: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query(
        "UPDATE login_sessions SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE user_id = ? AND id <> ? AND ended_at IS NULL",
    )
    .bind(user_id)
    .bind(keep)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
