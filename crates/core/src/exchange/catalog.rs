//! Reading the exchange: searching the catalog and an asset with its live versions, as
//! the pages and the REST API both show them.

use portico_types::asset::FindingCounts;
use portico_types::{
    AssetDetail, AssetKind, Deprecation, Lifecycle, Role, SearchHit, VersionSummary,
};

use super::access::asset_for;
use super::owner_pages;
use crate::Result;
use crate::auth::{SignedInUser, authorize};
use crate::repo::Db;
use crate::repo::assets::{VersionRow, list_versions};
use crate::repo::search::{SearchRequest, Viewer, search_assets};

/// The hits `user` may see for `request`, and how many there are in all.
pub async fn search(
    db: &Db,
    user: &SignedInUser,
    request: &SearchRequest,
) -> Result<(Vec<SearchHit>, i64)> {
    let viewer = Viewer {
        user_id: user.id,
        is_admin: user.is_admin,
    };
    let (rows, total) = search_assets(db, viewer, request).await?;
    let hits = rows
        .into_iter()
        .map(|row| SearchHit {
            kind: AssetKind::parse(&row.kind).unwrap_or(AssetKind::AsyncApi),
            lifecycle: Lifecycle::parse(&row.lifecycle).unwrap_or(Lifecycle::Stable),
            group: row.group_slug,
            asset: row.name,
            title: row.title,
            latest_version: row.version,
            updated_at: row.updated_at,
            snippet: row.snippet,
            findings: FindingCounts::from_stored(
                row.findings_errors,
                row.findings_warnings,
                row.findings_infos,
                row.findings_hints,
            ),
        })
        .collect();
    Ok((hits, total))
}

/// An asset `user` may read, with its live versions (newest first), its owners' pages
/// and what the user may do with it.
pub async fn asset_detail(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
) -> Result<AssetDetail> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let versions = list_versions(db, row.id).await?;
    let latest = versions.first();
    let can_manage = authorize(db, user, group, Role::Admin).await.is_ok();
    let pages = owner_pages::list(db, user, group, asset).await?;
    Ok(AssetDetail {
        kind: AssetKind::parse(&row.kind).unwrap_or(AssetKind::AsyncApi),
        public: row.public,
        title: latest
            .map(|v| v.title.clone())
            .unwrap_or_else(|| asset.to_owned()),
        description: latest.map(|v| v.description.clone()).unwrap_or_default(),
        tags: latest
            .and_then(|v| serde_json::from_str(&v.tags).ok())
            .unwrap_or_default(),
        versions: versions.into_iter().map(version_summary).collect(),
        can_manage,
        pages,
        group: group.to_owned(),
        asset: asset.to_owned(),
    })
}

/// A stored version as listed.
pub fn version_summary(v: VersionRow) -> VersionSummary {
    VersionSummary {
        lifecycle: Lifecycle::parse(&v.lifecycle).unwrap_or(Lifecycle::Stable),
        version: v.version,
        title: v.title,
        spec_version: v.spec_version,
        content_type: v.content_type,
        content_sha256: v.content_sha256,
        published_at: v.published_at,
        published_by: v.published_by,
        breaking: v.breaking,
        override_reason: v.override_reason,
        findings: FindingCounts::from_stored(
            v.findings_errors,
            v.findings_warnings,
            v.findings_infos,
            v.findings_hints,
        ),
        sunset_in_days: v
            .sunset_on
            .as_deref()
            .and_then(super::lifecycle::days_until),
        deprecation: Deprecation {
            replacement: v.replaced_by,
            sunset: v.sunset_on,
        },
    }
}
