//! `/api/v1/assets/{group}/{asset}`: an asset with its live versions, and its visibility.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use portico_core::exchange::access::asset_for;
use portico_core::exchange::catalog;
use portico_core::repo::assets;
use portico_types::{AssetKind, Role};

use super::caller::Caller;
use super::coordinates::AssetPath;
use super::problem::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::versions::Version;
use crate::state::AppState;

/// An asset and its live versions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Asset {
    pub group: String,
    pub asset: String,
    pub kind: AssetKind,
    /// Whether every signed-in user may read it.
    pub public: bool,
    /// The newest live version's title; null when no version is live.
    #[schema(required = true)]
    pub title: Option<String>,
    /// The newest live version's description; null when no version is live.
    #[schema(required = true)]
    pub description: Option<String>,
    /// The newest live version's tags; null when no version is live.
    #[schema(required = true)]
    pub tags: Option<Vec<String>>,
    pub versions: Vec<Version>,
}

/// An asset and its versions
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}",
    operation_id = "getAsset",
    tag = "assets",
    params(AssetPath),
    responses(
        (status = 200, description = "The asset", body = Asset),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_asset(
    State(state): State<AppState>,
    caller: Caller,
    Path(AssetPath { group, asset }): Path<AssetPath>,
) -> Result<Json<Asset>, Problem> {
    let detail = catalog::asset_detail(&state.server.db, &caller.user, &group, &asset).await?;
    let live = !detail.versions.is_empty();
    let versions = detail
        .versions
        .into_iter()
        .map(|summary| Version::new(&group, &asset, summary))
        .collect();
    Ok(Json(Asset {
        kind: detail.kind,
        public: detail.public,
        title: live.then_some(detail.title),
        description: live.then_some(detail.description),
        tags: live.then_some(detail.tags),
        versions,
        group,
        asset,
    }))
}

/// Body of `PATCH …/{asset}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssetPatch {
    /// Show the asset to every signed-in user, or only to its organisation.
    public: bool,
}

/// An asset's visibility after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetVisibility {
    pub group: String,
    pub asset: String,
    pub public: bool,
}

/// Show or hide an asset to every signed-in user (admin role)
#[utoipa::path(
    patch,
    path = "/assets/{group}/{asset}",
    operation_id = "updateAsset",
    tag = "assets",
    params(AssetPath),
    request_body = AssetPatch,
    responses(
        (status = 200, description = "Updated", body = AssetVisibility),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn patch_asset(
    State(state): State<AppState>,
    caller: Caller,
    Path(AssetPath { group, asset }): Path<AssetPath>,
    Json(patch): Json<AssetPatch>,
) -> Result<Json<AssetVisibility>, Problem> {
    caller.require_publish_scope()?;
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Admin).await?;
    assets::set_public(db, row.id, patch.public).await?;
    Ok(Json(AssetVisibility {
        group,
        asset,
        public: patch.public,
    }))
}
