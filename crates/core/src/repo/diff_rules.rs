//! The levels an organisation gives diff rules, stored as the JSON `portico diff --rules`
//! reads.

use super::Db;

/// The stored levels of the organisation with this slug, as JSON text.
pub async fn levels_of(db: &Db, organization: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT r.levels FROM organization_diff_rules r
         JOIN organizations o ON o.id = r.organization_id WHERE o.slug = ?",
    )
    .bind(organization)
    .fetch_optional(db.reader())
    .await
}

/// Replaces the levels of an organisation.
pub async fn set_levels(
    db: &Db,
    organization_id: i64,
    levels_json: &str,
    updated_by: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO organization_diff_rules (organization_id, levels, updated_by) VALUES (?, ?, ?)
         ON CONFLICT (organization_id) DO UPDATE SET levels = excluded.levels,
            updated_by = excluded.updated_by,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(organization_id)
    .bind(levels_json)
    .bind(updated_by)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
