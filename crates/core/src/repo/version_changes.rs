//! What each published version changed against the release before it, as the
//! breaking-change gate found it at publish: read by the asset page's Changes tab and the
//! asset's feed without diffing again.

use sqlx::FromRow;

use super::{Db, Write};

/// The comparison stored with a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord<'a> {
    pub base_version: &'a str,
    pub breaking: bool,
    /// The diff report, as JSON.
    pub report_json: &'a str,
    /// Why an organisation admin published a refused breaking change anyway.
    pub override_reason: Option<&'a str>,
    pub overridden_by: Option<i64>,
}

/// Stores (or, for an overwritten development version, replaces) the comparison of
/// version `version_id`; `None` removes an earlier one.
pub(super) async fn record(
    tx: &mut Write,
    version_id: i64,
    record: Option<&ChangeRecord<'_>>,
) -> Result<(), sqlx::Error> {
    let Some(record) = record else {
        sqlx::query("DELETE FROM version_changes WHERE version_id = ?")
            .bind(version_id)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO version_changes
            (version_id, base_version, breaking, report, override_reason, overridden_by)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (version_id) DO UPDATE SET base_version = excluded.base_version,
            breaking = excluded.breaking, report = excluded.report,
            override_reason = excluded.override_reason, overridden_by = excluded.overridden_by",
    )
    .bind(version_id)
    .bind(record.base_version)
    .bind(record.breaking)
    .bind(record.report_json)
    .bind(record.override_reason)
    .bind(record.overridden_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored comparison, by version.
#[derive(Debug, Clone, FromRow)]
pub struct StoredChanges {
    pub version: String,
    pub base_version: String,
    pub breaking: bool,
    pub report: String,
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub published_at: String,
}

/// The stored comparisons of an asset's live versions, newest first.
pub async fn of_asset(db: &Db, asset_id: i64) -> Result<Vec<StoredChanges>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.version, c.base_version, c.breaking, c.report, c.override_reason,
                u.username AS overridden_by, v.published_at
         FROM version_changes c
         JOIN asset_versions v ON v.id = c.version_id
         LEFT JOIN users u ON u.id = c.overridden_by
         WHERE v.asset_id = ? AND v.deleted_at IS NULL
         ORDER BY v.major DESC, v.minor DESC, v.patch DESC, v.prerelease = '' DESC, v.prerelease DESC",
    )
    .bind(asset_id)
    .fetch_all(db.reader())
    .await
}
