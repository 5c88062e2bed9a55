//! Governance: an organisation's profile, stored as JSON, and how each version fared
//! against it when it was published.

use portico_types::FindingCounts;
use portico_types::governance::{
    AssetAtRisk, ConformancePoint, Enforcement, RulesetCounts, RulesetStanding,
};
use sqlx::FromRow;

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
    /// The counts per ruleset of the profile.
    pub rulesets: &'a [RulesetCounts],
}

impl<'a> ConformanceRecord<'a> {
    /// The record of `conformance`, whose JSON is `report_json` (see [`report_json`]).
    pub fn of(
        conformance: &'a portico_types::governance::Conformance,
        report_json: &'a str,
    ) -> Self {
        ConformanceRecord {
            errors: conformance.errors,
            warnings: conformance.warnings,
            infos: conformance.infos,
            hints: conformance.hints,
            report_json,
            rulesets: &conformance.rulesets,
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
    sqlx::query("DELETE FROM version_ruleset_conformance WHERE version_id = ?")
        .bind(version_id)
        .execute(&mut **tx)
        .await?;
    let Some(record) = record else {
        sqlx::query("DELETE FROM version_conformance WHERE version_id = ?")
            .bind(version_id)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    };
    for applied in record.rulesets {
        sqlx::query(
            "INSERT INTO version_ruleset_conformance
                (version_id, ruleset, enforcement, errors, warnings, infos, hints)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (version_id, ruleset) DO UPDATE SET
                errors = errors + excluded.errors, warnings = warnings + excluded.warnings,
                infos = infos + excluded.infos, hints = hints + excluded.hints,
                enforcement = max(enforcement, excluded.enforcement)",
        )
        .bind(version_id)
        .bind(&applied.ruleset)
        .bind(enforcement_name(applied.enforcement))
        .bind(applied.counts.errors)
        .bind(applied.counts.warnings)
        .bind(applied.counts.infos)
        .bind(applied.counts.hints)
        .execute(&mut **tx)
        .await?;
    }
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

fn enforcement_name(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::Advisory => "advisory",
        Enforcement::Blocking => "blocking",
    }
}

/// Writes today's snapshot of the organisation's conformance per ruleset, from the
/// latest versions as they are now (replacing an earlier one of the same day).
pub(super) async fn snapshot(tx: &mut Write, organization_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM governance_snapshots WHERE organization_id = ? AND day = date('now')")
        .bind(organization_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO governance_snapshots
            (organization_id, day, ruleset, assets, conformant, errors, warnings)
         SELECT a.organization_id, date('now'), r.ruleset, count(*),
                sum(r.errors + r.warnings + r.infos + r.hints = 0), sum(r.errors), sum(r.warnings)
         FROM assets a
         JOIN asset_versions v ON v.id = a.latest_version_id AND v.deleted_at IS NULL
         JOIN version_ruleset_conformance r ON r.version_id = v.id
         WHERE a.organization_id = ?
         GROUP BY r.ruleset",
    )
    .bind(organization_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// [`snapshot`] in a transaction of its own, for the organisation with this slug.
pub async fn take_snapshot(db: &Db, organization: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE slug = ?")
        .bind(organization)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(id) = id {
        snapshot(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(FromRow)]
struct StandingRow {
    ruleset: String,
    assets: i64,
    conformant: i64,
    errors: i64,
    warnings: i64,
    infos: i64,
    hints: i64,
}

fn counts(errors: i64, warnings: i64, infos: i64, hints: i64) -> FindingCounts {
    FindingCounts::from_stored(Some(errors), Some(warnings), Some(infos), Some(hints))
        .unwrap_or_default()
}

fn number(stored: i64) -> u32 {
    u32::try_from(stored).unwrap_or(0)
}

/// Each ruleset with what it finds in the organisation's latest versions now.
pub async fn standings(db: &Db, organization: &str) -> Result<Vec<RulesetStanding>, sqlx::Error> {
    let rows: Vec<StandingRow> = sqlx::query_as(
        "SELECT r.ruleset, count(*) AS assets,
                sum(r.errors + r.warnings + r.infos + r.hints = 0) AS conformant,
                sum(r.errors) AS errors, sum(r.warnings) AS warnings,
                sum(r.infos) AS infos, sum(r.hints) AS hints
         FROM assets a
         JOIN organizations o ON o.id = a.organization_id
         JOIN asset_versions v ON v.id = a.latest_version_id AND v.deleted_at IS NULL
         JOIN version_ruleset_conformance r ON r.version_id = v.id
         WHERE o.slug = ?
         GROUP BY r.ruleset ORDER BY r.ruleset",
    )
    .bind(organization)
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RulesetStanding {
            ruleset: row.ruleset,
            assets: number(row.assets),
            conformant: number(row.conformant),
            counts: counts(row.errors, row.warnings, row.infos, row.hints),
        })
        .collect())
}

/// The organisation's daily snapshots of the last `days` days, oldest first.
pub async fn history(
    db: &Db,
    organization: &str,
    days: u32,
) -> Result<Vec<ConformancePoint>, sqlx::Error> {
    let rows: Vec<(String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.day, s.ruleset, s.assets, s.conformant, s.errors, s.warnings
         FROM governance_snapshots s JOIN organizations o ON o.id = s.organization_id
         WHERE o.slug = ? AND s.day >= date('now', '-' || ? || ' days')
         ORDER BY s.day, s.ruleset",
    )
    .bind(organization)
    .bind(i64::from(days))
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(day, ruleset, assets, conformant, errors, warnings)| ConformancePoint {
                day,
                ruleset,
                assets: number(assets),
                conformant: number(conformant),
                errors: number(errors),
                warnings: number(warnings),
            },
        )
        .collect())
}

#[derive(FromRow)]
struct RiskRow {
    asset: String,
    version: String,
    errors: i64,
    warnings: i64,
    infos: i64,
    hints: i64,
    blocked_by: Option<String>,
}

/// The organisation's latest versions with error findings, most errors first (at most
/// `limit`), each with the blocking rulesets that found errors in it.
pub async fn at_risk(
    db: &Db,
    organization: &str,
    limit: u32,
) -> Result<Vec<AssetAtRisk>, sqlx::Error> {
    let rows: Vec<RiskRow> = sqlx::query_as(
        "SELECT a.name AS asset, v.version, k.errors, k.warnings, k.infos, k.hints,
                (SELECT json_group_array(r.ruleset) FROM version_ruleset_conformance r
                 WHERE r.version_id = v.id AND r.enforcement = 'blocking' AND r.errors > 0)
                    AS blocked_by
         FROM assets a
         JOIN organizations o ON o.id = a.organization_id
         JOIN asset_versions v ON v.id = a.latest_version_id AND v.deleted_at IS NULL
         JOIN version_conformance k ON k.version_id = v.id
         WHERE o.slug = ? AND k.errors > 0
         ORDER BY k.errors DESC, a.name LIMIT ?",
    )
    .bind(organization)
    .bind(i64::from(limit))
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AssetAtRisk {
            asset: row.asset,
            version: row.version,
            counts: counts(row.errors, row.warnings, row.infos, row.hints),
            blocked_by: row
                .blocked_by
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default(),
        })
        .collect())
}
