//! Which one-time seedings (the demo catalog) have run, so deleting seeded data never
//! brings it back.

use super::Db;

/// Whether the seeding `name` has run.
pub async fn was_seeded(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT name FROM seeded WHERE name = ?")
        .bind(name)
        .fetch_optional(db.reader())
        .await?;
    Ok(found.is_some())
}

/// Records that the seeding `name` has run.
pub async fn mark_seeded(db: &Db, name: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("INSERT INTO seeded (name) VALUES (?)")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
