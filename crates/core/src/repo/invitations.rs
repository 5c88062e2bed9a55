//! Invitation links (`--signup invite`): stored as a SHA-256 of their code, used once.

use rand::RngCore;
use sha2::{Digest, Sha256};

use portico_types::InvitationInfo;

use super::Db;

fn hash_code(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

/// Creates an invitation valid for `days` days; answers its code, the only time.
pub async fn create(db: &Db, created_by: i64, days: u32) -> Result<String, sqlx::Error> {
    let mut secret = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let code = hex::encode(secret);
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO invitations (code_sha256, created_by, expires_at)
         VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))",
    )
    .bind(hash_code(&code))
    .bind(created_by)
    .bind(format!("+{days} days"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// The id of the unused, unexpired, unrevoked invitation with this code.
pub async fn find_usable(db: &Db, code: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM invitations WHERE code_sha256 = ? AND used_at IS NULL
         AND revoked_at IS NULL AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(hash_code(code))
    .fetch_optional(db.reader())
    .await
}

/// Marks the invitation used, if it still was usable; `false` when someone was first.
pub async fn claim(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query(
        "UPDATE invitations SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Records which account a claimed invitation made.
pub async fn record_use(db: &Db, id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE invitations SET used_by = ? WHERE id = ?")
        .bind(user_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Makes a claimed invitation usable again (the sign-up failed).
pub async fn release(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE invitations SET used_at = NULL WHERE id = ? AND used_by IS NULL")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Invitations not revoked, newest first.
pub async fn list(db: &Db) -> Result<Vec<InvitationInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.created_at, i.expires_at, u.username AS used_by FROM invitations i
         LEFT JOIN users u ON u.id = i.used_by WHERE i.revoked_at IS NULL ORDER BY i.id DESC",
    )
    .fetch_all(db.reader())
    .await
}

/// Revokes an unused invitation; `false` when there was none.
pub async fn revoke(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? AND revoked_at IS NULL AND used_at IS NULL",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}
