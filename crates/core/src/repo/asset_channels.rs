//! Which side of which channel address each AsyncAPI version's application is on
//! (`asset_channels`), written when the version is published and read by the event map
//! in one join over the latest live versions a viewer may see.

use sqlx::FromRow;

use super::search::Viewer;
use super::{Db, Write};
use spec_engine::ChannelSide;

/// Replaces the channel rows of a version and marks it indexed (a version without
/// channels has no rows, and is not looked at again).
pub async fn record(
    tx: &mut Write,
    version_id: i64,
    sides: &[ChannelSide],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM asset_channels WHERE version_id = ?")
        .bind(version_id)
        .execute(&mut **tx)
        .await?;
    for side in sides {
        sqlx::query(
            "INSERT INTO asset_channels (version_id, channel, address, side, operations, messages, servers)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(version_id)
        .bind(&side.channel)
        .bind(&side.address)
        .bind(side.side.as_str())
        .bind(json_list(&side.operations))
        .bind(json_list(&side.messages))
        .bind(json_list(&side.servers))
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("UPDATE asset_versions SET channels_indexed = 1 WHERE id = ?")
        .bind(version_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// A live AsyncAPI version whose channels were never recorded (published before the
/// event map existed), with its document.
#[derive(Debug, Clone, FromRow)]
pub struct Unindexed {
    pub id: i64,
    pub content: Vec<u8>,
}

/// Up to `limit` versions still to index.
pub async fn unindexed(db: &Db, limit: i64) -> Result<Vec<Unindexed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id, v.content FROM asset_versions v JOIN assets a ON a.id = v.asset_id
         WHERE v.channels_indexed = 0 AND v.deleted_at IS NULL AND a.kind = 'asyncapi'
         ORDER BY v.id LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// Records the channels of a version found by [`unindexed`] in a transaction of its own.
pub async fn index(db: &Db, version_id: i64, sides: &[ChannelSide]) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    record(&mut tx, version_id, sides).await?;
    tx.commit().await
}

/// One side of one channel of an application on the map: an asset's latest live version.
#[derive(Debug, Clone, FromRow)]
pub struct DeclaredRow {
    pub version_id: i64,
    pub group_slug: String,
    pub asset: String,
    pub version: String,
    pub title: String,
    /// JSON array.
    pub tags: String,
    pub channel: String,
    pub address: String,
    pub side: String,
    /// JSON arrays.
    pub operations: String,
    pub messages: String,
    pub servers: String,
}

/// The assets `viewer` may see: public ones and their organisations' (administrators
/// see all), as catalog search has them. `?1` is the viewer's id, `?2` whether they are
/// an administrator.
macro_rules! visible {
    () => {
        "(a.public = 1 OR ?2 OR a.organization_id IN
            (SELECT organization_id FROM memberships WHERE user_id = ?1))"
    };
}

/// The query of [`declared`] (public, so the event map's benchmark times the bare query
/// against the whole map).
pub const DECLARED_SQL: &str = concat!(
    "SELECT v.id AS version_id, o.slug AS group_slug, a.name AS asset, v.version, v.title,
            v.tags, c.channel, c.address, c.side, c.operations, c.messages, c.servers
     FROM assets a
     JOIN organizations o ON o.id = a.organization_id
     JOIN asset_versions v ON v.id = a.latest_version_id
     JOIN asset_channels c ON c.version_id = v.id
     WHERE a.kind = 'asyncapi' AND ",
    visible!()
);

/// Every channel side of the latest live version of every AsyncAPI asset `viewer` may see.
pub async fn declared(db: &Db, viewer: Viewer) -> Result<Vec<DeclaredRow>, sqlx::Error> {
    sqlx::query_as(DECLARED_SQL)
        .bind(viewer.user_id)
        .bind(viewer.is_admin)
        .fetch_all(db.reader())
        .await
}

/// A registered consumer of an AsyncAPI asset, as the event map shows it.
#[derive(Debug, Clone, FromRow)]
pub struct RegisteredRow {
    pub asset_id: i64,
    pub group_slug: String,
    pub asset: String,
    /// The consuming organisation's slug and name.
    pub organization: String,
    pub organization_name: String,
    pub version_range: String,
    /// JSON array of the operations or channels used (empty for all).
    pub uses: String,
}

/// The consumers of the AsyncAPI assets `viewer` may see, as far as the viewer may see
/// them: an asset's organisation sees all its consumers, others those of their own
/// organisations (the rule of the consumers card).
pub async fn registered(db: &Db, viewer: Viewer) -> Result<Vec<RegisteredRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT a.id AS asset_id, o.slug AS group_slug, a.name AS asset,
                co.slug AS organization, co.name AS organization_name, c.version_range, c.uses
         FROM consumers c
         JOIN assets a ON a.id = c.asset_id
         JOIN organizations o ON o.id = a.organization_id
         JOIN organizations co ON co.id = c.organization_id
         WHERE a.kind = 'asyncapi' AND a.latest_version_id IS NOT NULL AND ",
        visible!(),
        " AND (?2 OR a.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = ?1)
               OR c.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = ?1))
         ORDER BY c.id"
    ))
    .bind(viewer.user_id)
    .bind(viewer.is_admin)
    .fetch_all(db.reader())
    .await
}

/// A live version of an asset, with its tags.
#[derive(Debug, Clone, FromRow)]
pub struct LiveVersion {
    pub asset_id: i64,
    pub id: i64,
    pub version: String,
    /// JSON array.
    pub tags: String,
}

/// The live versions of the assets `asset_ids`.
pub async fn live_versions(db: &Db, asset_ids: &[i64]) -> Result<Vec<LiveVersion>, sqlx::Error> {
    if asset_ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT asset_id, id, version, tags FROM asset_versions
         WHERE deleted_at IS NULL AND asset_id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(asset_ids).unwrap_or_else(|_| "[]".into()))
    .fetch_all(db.reader())
    .await
}

/// One side of one channel of a version.
#[derive(Debug, Clone, FromRow)]
pub struct SideRow {
    pub version_id: i64,
    pub channel: String,
    pub address: String,
    pub side: String,
    /// JSON arrays.
    pub operations: String,
    pub messages: String,
    pub servers: String,
}

/// The channel sides of the versions `version_ids`.
pub async fn sides_of(db: &Db, version_ids: &[i64]) -> Result<Vec<SideRow>, sqlx::Error> {
    if version_ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT version_id, channel, address, side, operations, messages, servers
         FROM asset_channels WHERE version_id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(version_ids).unwrap_or_else(|_| "[]".into()))
    .fetch_all(db.reader())
    .await
}
