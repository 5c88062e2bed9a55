//! Governance: an organisation's profile, stored as JSON, and how each version fared
//! against it when it was published.

use super::{Db, Write};

/// The stored profile of the organisation with this slug, as JSON text.
pub async fn profile_of(db: &Db, organization: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT g.profile FROM organization_governance g
         JOIN organizations o ON o.id = g.organization_id WHERE o.slug = ?",
    )
    .bind(organization)
    .fetch_optional(db.reader())
    .await
}

/// Replaces the profile of an organisation.
pub async fn set_profile(
    db: &Db,
    organization_id: i64,
    profile_json: &str,
    updated_by: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO organization_governance (organization_id, profile, updated_by) VALUES (?, ?, ?)
         ON CONFLICT (organization_id) DO UPDATE SET profile = excluded.profile,
            updated_by = excluded.updated_by,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(organization_id)
    .bind(profile_json)
    .bind(updated_by)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The conformance stored with a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConformanceRecord<'a> {
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    pub hints: u32,
    /// `portico_types::governance::Conformance` as JSON.
    pub report_json: &'a str,
}

impl<'a> ConformanceRecord<'a> {
    /// The record of `conformance`, whose JSON is `report_json` (see [`report_json`]).
    pub fn of(conformance: &portico_types::governance::Conformance, report_json: &'a str) -> Self {
        ConformanceRecord {
            errors: conformance.errors,
            warnings: conformance.warnings,
            infos: conformance.infos,
            hints: conformance.hints,
            report_json,
        }
    }
}

/// A conformance as stored (empty for none).
pub fn report_json(conformance: Option<&portico_types::governance::Conformance>) -> String {
    conformance
        .map(|c| serde_json::to_string(c).unwrap_or_default())
        .unwrap_or_default()
}

/// Stores (or replaces) the conformance of version `version_id`; `None` removes an
/// earlier one (the profile applied nothing to it).
pub(super) async fn record(
    tx: &mut Write,
    version_id: i64,
    record: Option<&ConformanceRecord<'_>>,
) -> Result<(), sqlx::Error> {
    let Some(record) = record else {
        sqlx::query("DELETE FROM version_conformance WHERE version_id = ?")
            .bind(version_id)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO version_conformance (version_id, errors, warnings, infos, hints, report)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (version_id) DO UPDATE SET errors = excluded.errors,
            warnings = excluded.warnings, infos = excluded.infos, hints = excluded.hints,
            report = excluded.report, checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(version_id)
    .bind(record.errors)
    .bind(record.warnings)
    .bind(record.infos)
    .bind(record.hints)
    .bind(record.report_json)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The stored conformance report (JSON) of a version of an asset, if it was checked.
pub async fn conformance_of(
    db: &Db,
    asset_id: i64,
    version: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT c.report FROM version_conformance c
         JOIN asset_versions v ON v.id = c.version_id
         WHERE v.asset_id = ? AND v.version = ? AND v.deleted_at IS NULL",
    )
    .bind(asset_id)
    .bind(version)
    .fetch_optional(db.reader())
    .await
}

/// The newest live version of each asset of an organisation: (version id, asset name,
/// kind, version, content), for checking them again against a changed profile.
pub async fn latest_versions(
    db: &Db,
    organization: &str,
) -> Result<Vec<(i64, String, String, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id, a.name, a.kind, v.version, v.content FROM assets a
         JOIN organizations o ON o.id = a.organization_id
         JOIN asset_versions v ON v.id = a.latest_version_id AND v.deleted_at IS NULL
         WHERE o.slug = ? ORDER BY a.name",
    )
    .bind(organization)
    .fetch_all(db.reader())
    .await
}

/// Stores the conformance of a version found by checking it again (`None` removes it).
pub async fn set_conformance(
    db: &Db,
    version_id: i64,
    conformance: Option<&ConformanceRecord<'_>>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    record(&mut tx, version_id, conformance).await?;
    tx.commit().await?;
    Ok(())
}
