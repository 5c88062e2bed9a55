//! Markdown pages of an asset, written by its owners.

use sqlx::FromRow;

use super::Db;

/// One page.
#[derive(Debug, Clone, FromRow)]
pub struct PageRow {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub updated_at: String,
}

/// The pages of an asset in the order they were first written.
pub async fn list_pages(db: &Db, asset_id: i64) -> Result<Vec<PageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT slug, title, body, updated_at FROM asset_pages WHERE asset_id = ?
         ORDER BY position, slug",
    )
    .bind(asset_id)
    .fetch_all(db.reader())
    .await
}

/// Creates or replaces a page.
pub async fn save_page(
    db: &Db,
    asset_id: i64,
    slug: &str,
    title: &str,
    body: &str,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO asset_pages (asset_id, slug, title, body, position, updated_by)
         VALUES (?, ?, ?, ?, (SELECT count(*) FROM asset_pages WHERE asset_id = ?), ?)
         ON CONFLICT (asset_id, slug) DO UPDATE SET title = excluded.title, body = excluded.body,
            updated_by = excluded.updated_by, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(asset_id)
    .bind(slug)
    .bind(title)
    .bind(body)
    .bind(asset_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a page; false when there was none.
pub async fn delete_page(db: &Db, asset_id: i64, slug: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query("DELETE FROM asset_pages WHERE asset_id = ? AND slug = ?")
        .bind(asset_id)
        .bind(slug)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        > 0;
    tx.commit().await?;
    Ok(deleted)
}
