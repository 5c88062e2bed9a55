//! Registered consumers of assets.

use sqlx::FromRow;

use super::Db;

/// A consumer as stored, with the names the pages show.
#[derive(Debug, Clone, FromRow)]
pub struct ConsumerRow {
    pub id: i64,
    pub asset_id: i64,
    pub organization_id: i64,
    pub organization: String,
    pub registered_by_id: Option<i64>,
    pub registered_by: Option<String>,
    pub version_range: String,
    pub uses: String,
    pub contact: String,
    pub created_at: String,
}

const COLUMNS: &str = "c.id, c.asset_id, c.organization_id, o.slug AS organization,
     c.registered_by AS registered_by_id, u.username AS registered_by, c.version_range,
     c.uses, c.contact, c.created_at";

const FROM: &str = "consumers c JOIN organizations o ON o.id = c.organization_id
     LEFT JOIN users u ON u.id = c.registered_by";

/// What a new registration stores.
pub struct NewConsumerRow<'a> {
    pub asset_id: i64,
    pub organization_id: i64,
    pub registered_by: i64,
    pub version_range: &'a str,
    pub uses_json: &'a str,
    pub contact: &'a str,
}

/// Registers a consumer; `None` when the organisation consumes the asset already.
pub async fn insert(db: &Db, new: &NewConsumerRow<'_>) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.write().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO consumers (asset_id, organization_id, registered_by, version_range, uses, contact)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (asset_id, organization_id) DO NOTHING RETURNING id",
    )
    .bind(new.asset_id)
    .bind(new.organization_id)
    .bind(new.registered_by)
    .bind(new.version_range)
    .bind(new.uses_json)
    .bind(new.contact)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The consumers of an asset, oldest first.
pub async fn of_asset(db: &Db, asset_id: i64) -> Result<Vec<ConsumerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.asset_id = ? ORDER BY c.id"
    ))
    .bind(asset_id)
    .fetch_all(db.reader())
    .await
}

/// One consumer of an asset.
pub async fn find(db: &Db, asset_id: i64, id: i64) -> Result<Option<ConsumerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.asset_id = ? AND c.id = ?"
    ))
    .bind(asset_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// Removes a registration; `false` when there was none.
pub async fn delete(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query("DELETE FROM consumers WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(deleted)
}
