//! `/assets/{group}/{asset}/reviews`: what the users who may see an asset think of it,
//! one review per user and minor version, with the average.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use portico_core::exchange::reviews;
use portico_types::reviews::{NewReview, Review, Reviews};

use super::caller::Caller;
use super::coordinates::{AssetPath, VersionPath};
use super::problem::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::state::AppState;

/// Query of `GET /assets/{group}/{asset}/reviews`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewsQuery {
    /// Only the reviews of this minor version (`1.2`, or a version in it such as `1.2.3`).
    version: Option<String>,
}

/// The reviews of an asset, newest first, with their average (anyone who may see it)
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/reviews",
    operation_id = "listReviews",
    tag = "reviews",
    params(AssetPath, ReviewsQuery),
    responses(
        (status = 200, description = "The reviews and their average", body = Reviews),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(AssetPath { group, asset }): Path<AssetPath>,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Reviews>, Problem> {
    let reviews = reviews::list(
        &state.server.db,
        &caller.user,
        &group,
        &asset,
        query.version.as_deref(),
    )
    .await?;
    Ok(Json(reviews))
}

/// Review a version's minor, or edit your review of it (publish scope)
///
/// `{"rating": 4, "comment": "Clear payloads."}`: a rating of 1 to 5 and a plain-text
/// comment of at most 4,000 characters. One review per user and minor version: 201 for
/// a new one, 200 when it replaces yours.
#[utoipa::path(
    put,
    path = "/assets/{group}/{asset}/reviews/{version}",
    operation_id = "putReview",
    tag = "reviews",
    params(VersionPath),
    request_body = NewReview,
    responses(
        (status = 200, description = "Your review, edited", body = Review),
        (status = 201, description = "Your review, new", body = Review),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
    Json(body): Json<NewReview>,
) -> Result<(StatusCode, Json<Review>), Problem> {
    caller.require_publish_scope()?;
    let (review, created) = reviews::put(
        &state.server.db,
        &caller.user,
        &group,
        &asset,
        &version,
        &body,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(review)))
}

/// Delete your review of a version's minor (publish scope)
#[utoipa::path(
    delete,
    path = "/assets/{group}/{asset}/reviews/{version}",
    operation_id = "deleteReview",
    tag = "reviews",
    params(VersionPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
) -> Result<StatusCode, Problem> {
    caller.require_publish_scope()?;
    reviews::delete(&state.server.db, &caller.user, &group, &asset, &version).await?;
    Ok(StatusCode::NO_CONTENT)
}
