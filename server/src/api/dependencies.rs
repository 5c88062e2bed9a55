//! Dependencies between assets: what a version's document references
//! (`…/{version}/dependencies`, as pinned at publish) and which assets depend on an asset
//! (`…/{asset}/dependents`).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use portico_core::exchange::dependencies;
use portico_types::dependencies::{Dependency, Dependent};

use super::caller::Caller;
use super::coordinates::{AssetPath, VersionPath};
use super::problem::{BadRequest, NotFound, Problem, Unauthorized, Unprocessable};
use crate::state::AppState;

/// The published assets a version's document references.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dependencies {
    pub items: Vec<Dependency>,
}

/// The assets whose newest live version depends on an asset.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dependents {
    pub items: Vec<Dependent>,
}

/// What a version depends on: the published assets its document references
/// (`portico:group/asset/version-or-range#/pointer`), each with the version pinned at
/// publish; those the caller may not read are left out
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/{version}/dependencies",
    operation_id = "listDependencies",
    tag = "assets",
    params(VersionPath),
    responses(
        (status = 200, description = "Dependencies", body = Dependencies),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list_dependencies(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
) -> Result<Json<Dependencies>, Problem> {
    let items =
        dependencies::of_version(&state.server.db, &caller.user, (&group, &asset), &version)
            .await?;
    Ok(Json(Dependencies { items }))
}

/// Who depends on an asset: the other assets (that the caller may read) whose newest live
/// version references a version of it, with the version each pinned
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/dependents",
    operation_id = "listDependents",
    tag = "assets",
    params(AssetPath),
    responses(
        (status = 200, description = "Dependents", body = Dependents),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list_dependents(
    State(state): State<AppState>,
    caller: Caller,
    Path(AssetPath { group, asset }): Path<AssetPath>,
) -> Result<Json<Dependents>, Problem> {
    let items = dependencies::dependents(&state.server.db, &caller.user, &group, &asset).await?;
    Ok(Json(Dependents { items }))
}
