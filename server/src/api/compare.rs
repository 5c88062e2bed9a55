//! `/api/v1/assets/{group}/{asset}/compare`: what changed between two versions, as
//! `portico diff --format json` prints it.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use portico_core::exchange::compare;
use portico_types::diff::DiffReport;

use super::caller::Caller;
use super::coordinates::AssetPath;
use super::problem::{BadRequest, Conflict, NotFound, Problem, Unauthorized, Unprocessable};
use crate::state::AppState;

/// Query of `GET …/compare`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The older version.
    from: Option<String>,
    /// The newer version.
    to: Option<String>,
}

/// What changed between two versions (viewer role)
///
/// Each change has its rule, severity (`breaking`, `warning`, `info`), direction seen from
/// a consumer (`sends`, `receives`, `both`, `none`), a sentence and its location in both
/// versions; `suggested_bump` is the release the changes call for.
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/compare",
    operation_id = "compareVersions",
    tag = "assets",
    params(AssetPath, CompareQuery),
    responses(
        (status = 200, description = "The changes", body = DiffReport),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    Path(AssetPath { group, asset }): Path<AssetPath>,
    Query(query): Query<CompareQuery>,
) -> Result<Json<DiffReport>, Problem> {
    let report = compare::versions(
        &state.server.db,
        &caller.user,
        (&group, &asset),
        query.from.as_deref().unwrap_or_default(),
        query.to.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(Json(report))
}
