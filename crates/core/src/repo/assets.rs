//! Assets and versions: publishing (atomic, serialised, idempotent), reading, lifecycle,
//! deletion (tombstones) and full-text search.

use sqlx::FromRow;

use super::asset_channels;
use super::dependencies::{self, PinRecord};
use super::events;
use super::governance::{self, ConformanceRecord};
use super::read_cache::Document;
use super::version_changes::{self, ChangeRecord};
use super::{Db, Write};
use portico_types::Semver;
use portico_types::consumers::{ChangeSummary, EventKind};
use portico_types::{AssetKind, Deprecation, Lifecycle};

/// A version to publish, already validated.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub organization_id: i64,
    pub asset: &'a str,
    pub kind: AssetKind,
    pub version: &'a str,
    pub semver: &'a Semver,
    pub lifecycle: Lifecycle,
    pub title: &'a str,
    pub description: &'a str,
    pub tags: &'a [String],
    pub spec_version: &'a str,
    pub content: &'a [u8],
    pub content_type: &'a str,
    pub content_sha256: &'a str,
    pub search_terms: &'a str,
    /// The channels its application sends and receives on (AsyncAPI; empty otherwise).
    pub channels: &'a [spec_engine::ChannelSide],
    /// `None` for data seeded by Portico itself.
    pub published_by: Option<i64>,
    /// What it changed against the release before it (`None` for a first release).
    pub changes: Option<ChangeRecord<'a>>,
    /// How it fared against its organisation's governance profile (`None` when the
    /// profile applies no ruleset to it).
    pub conformance: Option<ConformanceRecord<'a>>,
    /// What its consumers hear about it.
    pub change_summary: &'a ChangeSummary,
    /// What its references to published assets resolved to.
    pub dependencies: &'a [PinRecord],
}

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishOutcome {
    /// A new version exists now.
    Created,
    /// The identical content was already published under this version.
    Unchanged,
    /// A development version got new content.
    Overwritten,
}

/// Why publishing was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishRefusal {
    /// The version exists with other content and is not a development version.
    Immutable(Lifecycle),
    /// The version was deleted; its number can never be used again.
    Deleted,
    /// The asset holds documents of the other kind.
    KindMismatch(AssetKind),
}

#[derive(FromRow)]
struct ExistingVersion {
    id: i64,
    content_sha256: String,
    lifecycle: String,
    deleted_at: Option<String>,
}

/// Publishes a version in one IMMEDIATE transaction, so concurrent publishers of one
/// coordinate are serialised and a crash leaves either everything or nothing.
pub async fn publish_version(
    db: &Db,
    new: &NewVersion<'_>,
) -> Result<Result<PublishOutcome, PublishRefusal>, sqlx::Error> {
    let mut tx = db.write().await?;
    let (asset_id, kind): (i64, String) = sqlx::query_as(
        "INSERT INTO assets (organization_id, name, kind) VALUES (?, ?, ?)
         ON CONFLICT (organization_id, name) DO UPDATE SET name = excluded.name
         RETURNING id, kind",
    )
    .bind(new.organization_id)
    .bind(new.asset)
    .bind(new.kind.as_str())
    .fetch_one(&mut *tx)
    .await?;
    if kind != new.kind.as_str() {
        let existing = AssetKind::parse(&kind).unwrap_or(new.kind);
        return Ok(Err(PublishRefusal::KindMismatch(existing)));
    }
    let existing: Option<ExistingVersion> = sqlx::query_as(
        "SELECT id, content_sha256, lifecycle, deleted_at FROM asset_versions
         WHERE asset_id = ? AND version = ?",
    )
    .bind(asset_id)
    .bind(new.version)
    .fetch_optional(&mut *tx)
    .await?;
    let outcome = match existing {
        None => {
            let id = insert_version(&mut tx, asset_id, new).await?;
            asset_channels::record(&mut tx, id, new.channels).await?;
            version_changes::record(&mut tx, id, new.changes.as_ref()).await?;
            dependencies::record(&mut tx, id, new.dependencies).await?;
            governance::record(&mut tx, id, new.conformance.as_ref()).await?;
            events::record(
                &mut tx,
                asset_id,
                new.version,
                EventKind::Published,
                new.change_summary,
            )
            .await?;
            PublishOutcome::Created
        }
        Some(found) if found.deleted_at.is_some() => return Ok(Err(PublishRefusal::Deleted)),
        Some(found) if found.content_sha256 == new.content_sha256 => {
            return Ok(Ok(PublishOutcome::Unchanged));
        }
        Some(found) if found.lifecycle == Lifecycle::Development.as_str() => {
            overwrite_version(&mut tx, found.id, new).await?;
            asset_channels::record(&mut tx, found.id, new.channels).await?;
            version_changes::record(&mut tx, found.id, new.changes.as_ref()).await?;
            dependencies::record(&mut tx, found.id, new.dependencies).await?;
            governance::record(&mut tx, found.id, new.conformance.as_ref()).await?;
            events::record(
                &mut tx,
                asset_id,
                new.version,
                EventKind::Published,
                new.change_summary,
            )
            .await?;
            PublishOutcome::Overwritten
        }
        Some(found) => {
            let lifecycle = Lifecycle::parse(&found.lifecycle).unwrap_or(Lifecycle::Stable);
            return Ok(Err(PublishRefusal::Immutable(lifecycle)));
        }
    };
    refresh_asset(&mut tx, asset_id).await?;
    if new.conformance.is_some() {
        governance::snapshot(&mut tx, new.organization_id).await?;
    }
    tx.commit().await?;
    Ok(Ok(outcome))
}

async fn insert_version(
    tx: &mut Write,
    asset_id: i64,
    new: &NewVersion<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO asset_versions (asset_id, version, major, minor, patch, prerelease, lifecycle,
            title, description, tags, spec_version, content, content_type, content_sha256,
            search_terms, published_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(asset_id)
    .bind(new.version)
    .bind(new.semver.major as i64)
    .bind(new.semver.minor as i64)
    .bind(new.semver.patch as i64)
    .bind(&new.semver.prerelease)
    .bind(new.lifecycle.as_str())
    .bind(new.title)
    .bind(new.description)
    .bind(tags_json(new.tags))
    .bind(new.spec_version)
    .bind(new.content)
    .bind(new.content_type)
    .bind(new.content_sha256)
    .bind(new.search_terms)
    .bind(new.published_by)
    .fetch_one(&mut **tx)
    .await
}

async fn overwrite_version(
    tx: &mut Write,
    version_id: i64,
    new: &NewVersion<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE asset_versions SET lifecycle = ?, title = ?, description = ?, tags = ?,
            spec_version = ?, content = ?, content_type = ?, content_sha256 = ?, search_terms = ?,
            published_by = ?, published_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?",
    )
    .bind(new.lifecycle.as_str())
    .bind(new.title)
    .bind(new.description)
    .bind(tags_json(new.tags))
    .bind(new.spec_version)
    .bind(new.content)
    .bind(new.content_type)
    .bind(new.content_sha256)
    .bind(new.search_terms)
    .bind(new.published_by)
    .bind(version_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

/// Points the asset at its newest live version and rewrites its search entry; an asset
/// without live versions leaves search.
async fn refresh_asset(tx: &mut Write, asset_id: i64) -> Result<(), sqlx::Error> {
    let latest: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM asset_versions WHERE asset_id = ? AND deleted_at IS NULL
         ORDER BY major DESC, minor DESC, patch DESC, prerelease = '' DESC, prerelease DESC
         LIMIT 1",
    )
    .bind(asset_id)
    .fetch_optional(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE assets SET latest_version_id = ?,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
    )
    .bind(latest)
    .bind(asset_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM asset_search WHERE rowid = ?")
        .bind(asset_id)
        .execute(&mut **tx)
        .await?;
    if let Some(version_id) = latest {
        sqlx::query(
            "INSERT INTO asset_search (rowid, asset_name, title, description, tags, content_terms)
             SELECT a.id, a.name, v.title, v.description,
                    (SELECT group_concat(value, ' ') FROM json_each(v.tags)), v.search_terms
             FROM assets a JOIN asset_versions v ON v.id = ? WHERE a.id = ?",
        )
        .bind(version_id)
        .bind(asset_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// An asset as stored, with the organisation it belongs to.
#[derive(Debug, Clone, FromRow)]
pub struct AssetRow {
    pub id: i64,
    pub organization_id: i64,
    pub group_slug: String,
    pub name: String,
    pub kind: String,
    pub public: bool,
}

/// Finds an asset by group and id.
pub async fn find_asset(
    db: &Db,
    group: &str,
    asset: &str,
) -> Result<Option<AssetRow>, sqlx::Error> {
    let generation = db.cache().generation();
    if let Some(found) = db.cache().asset(group, asset, generation) {
        return Ok(found);
    }
    let found: Option<AssetRow> = sqlx::query_as(
        "SELECT a.id, a.organization_id, o.slug AS group_slug, a.name, a.kind, a.public
         FROM assets a JOIN organizations o ON o.id = a.organization_id
         WHERE o.slug = ? AND a.name = ?",
    )
    .bind(group)
    .bind(asset)
    .fetch_optional(db.reader())
    .await?;
    db.cache()
        .put_asset(group, asset, generation, found.clone());
    Ok(found)
}

/// A live version as stored, without its content.
#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub id: i64,
    pub version: String,
    pub lifecycle: String,
    pub title: String,
    pub description: String,
    pub tags: String,
    pub spec_version: String,
    pub content_type: String,
    pub content_sha256: String,
    pub published_at: String,
    pub published_by: Option<String>,
    /// Whether the gate found breaking changes against the release before it.
    pub breaking: bool,
    /// Why an organisation admin published a refused breaking change anyway.
    pub override_reason: Option<String>,
    /// Its governance findings by severity: errors, warnings, infos, hints (none when no
    /// ruleset applied to it).
    pub findings_errors: Option<i64>,
    pub findings_warnings: Option<i64>,
    pub findings_infos: Option<i64>,
    pub findings_hints: Option<i64>,
    /// A deprecated version's successor and sunset day (`YYYY-MM-DD`).
    pub replaced_by: Option<String>,
    pub sunset_on: Option<String>,
}

/// The columns of a [`VersionRow`]; the query joins `users u` (the publisher),
/// `version_changes c` (the gate's comparison) and `version_conformance k` (the
/// governance findings) by [`VERSION_JOINS`].
const VERSION_COLUMNS: &str = "v.id, v.version, v.lifecycle, v.title, v.description, v.tags,
    v.spec_version, v.content_type, v.content_sha256, v.published_at, u.username AS published_by,
    COALESCE(c.breaking, 0) AS breaking, c.override_reason,
    k.errors AS findings_errors, k.warnings AS findings_warnings, k.infos AS findings_infos,
    k.hints AS findings_hints, v.replaced_by, v.sunset_on";
const VERSION_JOINS: &str = "LEFT JOIN users u ON u.id = v.published_by
    LEFT JOIN version_changes c ON c.version_id = v.id
    LEFT JOIN version_conformance k ON k.version_id = v.id";

/// The live versions of an asset, newest first.
pub async fn list_versions(db: &Db, asset_id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM asset_versions v {VERSION_JOINS}
         WHERE v.asset_id = ? AND v.deleted_at IS NULL
         ORDER BY v.major DESC, v.minor DESC, v.patch DESC, v.prerelease = '' DESC, v.prerelease DESC"
    ))
    .bind(asset_id)
    .fetch_all(db.reader())
    .await
}

/// Every version number an asset has used, deleted ones included (they cannot be reused).
pub async fn used_versions(db: &Db, asset_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT version FROM asset_versions WHERE asset_id = ?
         ORDER BY major DESC, minor DESC, patch DESC",
    )
    .bind(asset_id)
    .fetch_all(db.reader())
    .await
}

/// One live version's metadata.
pub async fn find_version(
    db: &Db,
    asset_id: i64,
    version: &str,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM asset_versions v {VERSION_JOINS}
         WHERE v.asset_id = ? AND v.version = ? AND v.deleted_at IS NULL"
    ))
    .bind(asset_id)
    .bind(version)
    .fetch_optional(db.reader())
    .await
}

/// The document of a live version exactly as published, with its media type.
pub async fn version_content(
    db: &Db,
    asset_id: i64,
    version: &str,
) -> Result<Option<(Vec<u8>, String)>, sqlx::Error> {
    Ok(version_document(db, asset_id, version)
        .await?
        .map(|document| document.as_ref().clone()))
}

/// [`version_content`] shared with the read cache instead of copied: downloads send it
/// as it is.
pub async fn version_document(
    db: &Db,
    asset_id: i64,
    version: &str,
) -> Result<Option<Document>, sqlx::Error> {
    let generation = db.cache().generation();
    if let Some(found) = db.cache().document(asset_id, version, generation) {
        return Ok(found);
    }
    let found: Option<(Vec<u8>, String)> = sqlx::query_as(
        "SELECT content, content_type FROM asset_versions
         WHERE asset_id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(asset_id)
    .bind(version)
    .fetch_optional(db.reader())
    .await?;
    let found = found.map(std::sync::Arc::new);
    db.cache()
        .put_document(asset_id, version, generation, found.clone());
    Ok(found)
}

/// Moves a live version to another lifecycle with its deprecation details (cleared
/// unless it ends deprecated); `false` when it does not exist. Deprecating records the
/// event its consumers hear about; a new sunset day earns a new reminder.
pub async fn set_lifecycle(
    db: &Db,
    asset_id: i64,
    version: &str,
    lifecycle: Lifecycle,
    deprecation: &Deprecation,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let was: Option<String> = sqlx::query_scalar(
        "SELECT lifecycle FROM asset_versions
         WHERE asset_id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(asset_id)
    .bind(version)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(was) = was else {
        return Ok(false);
    };
    let kept = if lifecycle == Lifecycle::Deprecated {
        deprecation.clone()
    } else {
        Deprecation::default()
    };
    sqlx::query(
        "UPDATE asset_versions SET lifecycle = ?, replaced_by = ?, sunset_on = ?,
            sunset_reminded_at = CASE WHEN sunset_on IS ? THEN sunset_reminded_at END
         WHERE asset_id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(lifecycle.as_str())
    .bind(&kept.replacement)
    .bind(&kept.sunset)
    .bind(&kept.sunset)
    .bind(asset_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if lifecycle == Lifecycle::Deprecated && was != lifecycle.as_str() {
        let summary = ChangeSummary {
            replacement: kept.replacement.clone(),
            sunset: kept.sunset.clone(),
            ..ChangeSummary::default()
        };
        events::record(&mut tx, asset_id, version, EventKind::Deprecated, &summary).await?;
    }
    refresh_asset(&mut tx, asset_id).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a `sunset.reminder` for every deprecated version whose sunset day is on or
/// before `due_by` (`YYYY-MM-DD`) and whose consumers were not reminded of that day yet;
/// how many were recorded. Marking and recording share one transaction, so a restart
/// never reminds twice.
pub async fn remind_due_sunsets(db: &Db, due_by: &str) -> Result<usize, sqlx::Error> {
    let mut tx = db.write().await?;
    let due: Vec<(i64, i64, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, asset_id, version, replaced_by, sunset_on FROM asset_versions
         WHERE sunset_on IS NOT NULL AND sunset_reminded_at IS NULL AND deleted_at IS NULL
           AND lifecycle = 'deprecated' AND sunset_on <= ?",
    )
    .bind(due_by)
    .fetch_all(&mut *tx)
    .await?;
    for (id, asset_id, version, replacement, sunset) in &due {
        sqlx::query(
            "UPDATE asset_versions SET sunset_reminded_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let summary = ChangeSummary {
            replacement: replacement.clone(),
            sunset: Some(sunset.clone()),
            ..ChangeSummary::default()
        };
        events::record(
            &mut tx,
            *asset_id,
            version,
            EventKind::SunsetReminder,
            &summary,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(due.len())
}

/// Deletes a live version, keeping a tombstone so the number is never reused; the
/// content is dropped. `false` when there was no such live version.
pub async fn delete_version(db: &Db, asset_id: i64, version: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query(
        "UPDATE asset_versions SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            content = x'', search_terms = ''
         WHERE asset_id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(asset_id)
    .bind(version)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if deleted {
        // Its content is gone; so are the channels read from it.
        sqlx::query(
            "DELETE FROM asset_channels WHERE version_id =
                (SELECT id FROM asset_versions WHERE asset_id = ? AND version = ?)",
        )
        .bind(asset_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        let summary = ChangeSummary::default();
        events::record(&mut tx, asset_id, version, EventKind::Deleted, &summary).await?;
    }
    refresh_asset(&mut tx, asset_id).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// Shows or hides an asset to every signed-in user.
pub async fn set_public(db: &Db, asset_id: i64, public: bool) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE assets SET public = ? WHERE id = ?")
        .bind(public)
        .bind(asset_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The release a new version is compared with: the highest live version below `semver`
/// that is neither a development version nor a prerelease, with its document.
pub async fn release_below(
    db: &Db,
    asset_id: i64,
    semver: &Semver,
) -> Result<Option<ReleaseBelow>, sqlx::Error> {
    let (major, minor, patch) = (
        semver.major as i64,
        semver.minor as i64,
        semver.patch as i64,
    );
    sqlx::query_as(
        "SELECT version, major, minor, patch, content FROM asset_versions
         WHERE asset_id = ? AND deleted_at IS NULL AND lifecycle != 'development'
           AND prerelease = ''
           AND (major < ? OR (major = ? AND (minor < ? OR (minor = ? AND patch < ?))))
         ORDER BY major DESC, minor DESC, patch DESC LIMIT 1",
    )
    .bind(asset_id)
    .bind(major)
    .bind(major)
    .bind(minor)
    .bind(minor)
    .bind(patch)
    .fetch_optional(db.reader())
    .await
}

/// A release found by [`release_below`].
#[derive(Debug, Clone, FromRow)]
pub struct ReleaseBelow {
    pub version: String,
    pub major: i64,
    pub minor: i64,
    pub patch: i64,
    pub content: Vec<u8>,
}
