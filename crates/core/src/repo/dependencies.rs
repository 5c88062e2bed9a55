//! The pins of published versions' `portico:` references: stored with the version, read
//! to resolve it as it was published, to list its dependencies, and to find the versions
//! that depend on an asset.

use sqlx::FromRow;

use super::search::Viewer;
use super::{Db, Write};

/// What one dependency of a version resolved to at publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRecord {
    /// The dependency file's name: `portico:acme/orders/^1`.
    pub coordinate: String,
    pub asset_id: i64,
    pub version: String,
    /// Whether the version's own document references it.
    pub direct: bool,
    /// Its references in the document, as JSON (`[{"pointer", "reference"}]`).
    pub refs_json: String,
}

/// Stores (or, for an overwritten development version, replaces) the pins of version
/// `version_id`.
pub(super) async fn record(
    tx: &mut Write,
    version_id: i64,
    pins: &[PinRecord],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM version_dependencies WHERE version_id = ?")
        .bind(version_id)
        .execute(&mut **tx)
        .await?;
    for pin in pins {
        sqlx::query(
            "INSERT INTO version_dependencies
                (version_id, coordinate, depends_on_asset_id, depends_on_version, direct, refs)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(version_id)
        .bind(&pin.coordinate)
        .bind(pin.asset_id)
        .bind(&pin.version)
        .bind(pin.direct)
        .bind(&pin.refs_json)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A stored pin with the coordinate of the asset it names.
#[derive(Debug, Clone, FromRow)]
pub struct PinRow {
    pub coordinate: String,
    pub group_slug: String,
    pub asset: String,
    pub version: String,
    pub direct: bool,
    pub refs: String,
}

/// The pins of live version `version` of asset `asset_id`, its own references first.
pub async fn of_version(db: &Db, asset_id: i64, version: &str) -> Result<Vec<PinRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.coordinate, o.slug AS group_slug, a.name AS asset,
                d.depends_on_version AS version, d.direct, d.refs
         FROM version_dependencies d
         JOIN asset_versions v ON v.id = d.version_id
         JOIN assets a ON a.id = d.depends_on_asset_id
         JOIN organizations o ON o.id = a.organization_id
         WHERE v.asset_id = ? AND v.version = ? AND v.deleted_at IS NULL
         ORDER BY d.direct DESC, d.coordinate",
    )
    .bind(asset_id)
    .bind(version)
    .fetch_all(db.reader())
    .await
}

/// The pins of the version with id `version_id`.
pub async fn of_version_id(db: &Db, version_id: i64) -> Result<Vec<PinRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.coordinate, o.slug AS group_slug, a.name AS asset,
                d.depends_on_version AS version, d.direct, d.refs
         FROM version_dependencies d
         JOIN assets a ON a.id = d.depends_on_asset_id
         JOIN organizations o ON o.id = a.organization_id
         WHERE d.version_id = ?
         ORDER BY d.direct DESC, d.coordinate",
    )
    .bind(version_id)
    .fetch_all(db.reader())
    .await
}

/// A version that depends on an asset.
#[derive(Debug, Clone, FromRow)]
pub struct DependentRow {
    pub group_slug: String,
    pub asset: String,
    /// The dependent's version (its newest live one).
    pub version: String,
    /// The dependency file it names (`portico:acme/orders/^1`).
    pub coordinate: String,
    /// The version of the asset depended on that it pinned.
    pub pinned: String,
}

/// The newest live versions of the other assets `viewer` may see whose own documents
/// reference asset `asset_id`, by group and asset.
pub async fn dependents_of(
    db: &Db,
    viewer: Viewer,
    asset_id: i64,
) -> Result<Vec<DependentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.slug AS group_slug, a.name AS asset, v.version, d.coordinate,
                d.depends_on_version AS pinned
         FROM version_dependencies d
         JOIN assets a ON a.latest_version_id = d.version_id
         JOIN asset_versions v ON v.id = d.version_id
         JOIN organizations o ON o.id = a.organization_id
         WHERE d.depends_on_asset_id = ? AND d.direct = 1 AND a.id != ?
           AND (? OR a.public = 1 OR a.organization_id IN
                (SELECT organization_id FROM memberships WHERE user_id = ?))
         ORDER BY o.slug, a.name, d.coordinate",
    )
    .bind(asset_id)
    .bind(asset_id)
    .bind(viewer.is_admin)
    .bind(viewer.user_id)
    .fetch_all(db.reader())
    .await
}
