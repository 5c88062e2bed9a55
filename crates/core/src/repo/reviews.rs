//! Reviews of assets: one per user and minor version.

use sqlx::FromRow;

use super::Db;

/// A review as stored, with its author's username.
#[derive(Debug, Clone, FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub user_id: i64,
    pub author: String,
    pub major: i64,
    pub minor: i64,
    pub rating: i64,
    pub comment: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A minor version of an asset: (major, minor).
pub type Minor = (i64, i64);

/// What one user says of one minor version.
pub struct ReviewText<'a> {
    pub asset_id: i64,
    pub user_id: i64,
    pub minor: Minor,
    pub rating: i64,
    pub comment: &'a str,
}

/// Most reviews listed at once (the average counts them all).
pub const MAX_LISTED: i64 = 500;

const COLUMNS: &str = "r.id, r.user_id, u.username AS author, r.major, r.minor, r.rating,
     r.comment, r.created_at, r.updated_at";

/// Writes the user's review of a minor version, replacing theirs if they wrote one:
/// its id, and whether it is new.
pub async fn upsert(db: &Db, review: &ReviewText<'_>) -> Result<(i64, bool), sqlx::Error> {
    let mut tx = db.write().await?;
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM reviews WHERE asset_id = ? AND user_id = ? AND major = ? AND minor = ?",
    )
    .bind(review.asset_id)
    .bind(review.user_id)
    .bind(review.minor.0)
    .bind(review.minor.1)
    .fetch_optional(&mut *tx)
    .await?;
    let answer = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE reviews SET rating = ?, comment = ?,
                     updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?",
            )
            .bind(review.rating)
            .bind(review.comment)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            (id, false)
        }
        None => {
            let id = sqlx::query_scalar(
                "INSERT INTO reviews (asset_id, user_id, major, minor, rating, comment)
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(review.asset_id)
            .bind(review.user_id)
            .bind(review.minor.0)
            .bind(review.minor.1)
            .bind(review.rating)
            .bind(review.comment)
            .fetch_one(&mut *tx)
            .await?;
            (id, true)
        }
    };
    tx.commit().await?;
    Ok(answer)
}

/// One review.
pub async fn find(db: &Db, id: i64) -> Result<Option<ReviewRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.id = ?"
    ))
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// The reviews of an asset (of one minor version when given), most recently written
/// first, at most [`MAX_LISTED`].
pub async fn of_asset(
    db: &Db,
    asset_id: i64,
    minor: Option<Minor>,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    let (major, minor, all) = match minor {
        Some((major, minor)) => (major, minor, 0),
        None => (0, 0, 1),
    };
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reviews r JOIN users u ON u.id = r.user_id
         WHERE r.asset_id = ? AND (? = 1 OR (r.major = ? AND r.minor = ?))
         ORDER BY r.updated_at DESC, r.id DESC LIMIT ?"
    ))
    .bind(asset_id)
    .bind(all)
    .bind(major)
    .bind(minor)
    .bind(MAX_LISTED)
    .fetch_all(db.reader())
    .await
}

/// The mean rating and the number of reviews of an asset (of one minor version when given).
pub async fn average(
    db: &Db,
    asset_id: i64,
    minor: Option<Minor>,
) -> Result<(Option<f64>, i64), sqlx::Error> {
    let (major, minor, all) = match minor {
        Some((major, minor)) => (major, minor, 0),
        None => (0, 0, 1),
    };
    sqlx::query_as(
        "SELECT avg(rating), count(*) FROM reviews
         WHERE asset_id = ? AND (? = 1 OR (major = ? AND minor = ?))",
    )
    .bind(asset_id)
    .bind(all)
    .bind(major)
    .bind(minor)
    .fetch_one(db.reader())
    .await
}

/// Removes the user's review of a minor version; `false` when they wrote none.
pub async fn delete_own(
    db: &Db,
    asset_id: i64,
    user_id: i64,
    minor: Minor,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query(
        "DELETE FROM reviews WHERE asset_id = ? AND user_id = ? AND major = ? AND minor = ?",
    )
    .bind(asset_id)
    .bind(user_id)
    .bind(minor.0)
    .bind(minor.1)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(deleted)
}

/// Whether the asset has a live version in the minor (`version` itself when given).
pub async fn has_live_version(
    db: &Db,
    asset_id: i64,
    minor: Minor,
    version: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM asset_versions
         WHERE asset_id = ? AND deleted_at IS NULL AND major = ? AND minor = ?
           AND (? IS NULL OR version = ?) LIMIT 1",
    )
    .bind(asset_id)
    .bind(minor.0)
    .bind(minor.1)
    .bind(version)
    .bind(version)
    .fetch_optional(db.reader())
    .await?;
    Ok(found.is_some())
}
