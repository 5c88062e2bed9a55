//! `/assets/{group}/{asset}/consumers`: who consumes an asset, registered by themselves
//! (or for an organisation they contribute to), and `/inbox`: what they heard.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use portico_core::consumers::{inbox, registry};
use portico_types::consumers::{Consumer, Inbox, NewConsumer};

use super::caller::Caller;
use super::coordinates::AssetPath;
use super::problem::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::state::AppState;

/// `/assets/{group}/{asset}/consumers/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ConsumerPath {
    /// The slug of the owning organisation.
    group: String,
    /// The asset's id within its group.
    asset: String,
    /// The registration's id.
    id: i64,
}

/// The consumers of an asset the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consumers {
    pub items: Vec<Consumer>,
}

/// The consumers of an asset (its organisation sees all; others their own organisations')
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/consumers",
    operation_id = "listConsumers",
    tag = "consumers",
    params(AssetPath),
    responses(
        (status = 200, description = "Consumers", body = Consumers),
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
) -> Result<Json<Consumers>, Problem> {
    let items = registry::list(&state.server.db, &caller.user, &group, &asset).await?;
    Ok(Json(Consumers { items }))
}

/// Register as a consumer of an asset (publish scope)
///
/// `{"range": "^1.2", "organisation": "acme", "uses": ["placeOrder"], "contact":
/// "orders-team@example.com"}`: the caller's personal organisation without
/// `organisation`, otherwise one they contribute to. One registration per organisation
/// and asset (409 for a second).
#[utoipa::path(
    post,
    path = "/assets/{group}/{asset}/consumers",
    operation_id = "registerConsumer",
    tag = "consumers",
    params(AssetPath),
    request_body = NewConsumer,
    responses(
        (status = 201, description = "Registered", body = Consumer),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Path(AssetPath { group, asset }): Path<AssetPath>,
    Json(body): Json<NewConsumer>,
) -> Result<(StatusCode, Json<Consumer>), Problem> {
    caller.require_publish_scope()?;
    let consumer =
        registry::register(&state.server.db, &caller.user, &group, &asset, &body).await?;
    Ok((StatusCode::CREATED, Json(consumer)))
}

/// Remove a registration (its registrant, or an admin of either organisation; publish scope)
#[utoipa::path(
    delete,
    path = "/assets/{group}/{asset}/consumers/{id}",
    operation_id = "removeConsumer",
    tag = "consumers",
    params(ConsumerPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(ConsumerPath { group, asset, id }): Path<ConsumerPath>,
) -> Result<StatusCode, Problem> {
    caller.require_publish_scope()?;
    registry::remove(&state.server.db, &caller.user, &group, &asset, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's notifications, newest first, and how many are unread
#[utoipa::path(
    get,
    path = "/inbox",
    operation_id = "getInbox",
    tag = "consumers",
    responses(
        (status = 200, description = "The inbox", body = Inbox),
        (status = 401, response = Unauthorized),
    ),
)]
pub async fn get_inbox(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Inbox>, Problem> {
    Ok(Json(inbox::inbox(&state.server.db, &caller.user).await?))
}

/// Body of `POST /inbox/read`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications to mark read; all when omitted.
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
}

/// How many notifications changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}

/// Mark notifications read (publish scope)
#[utoipa::path(
    post,
    path = "/inbox/read",
    operation_id = "markInboxRead",
    tag = "consumers",
    request_body = MarkRead,
    responses(
        (status = 200, description = "Marked", body = MarkedRead),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<MarkRead>,
) -> Result<Json<MarkedRead>, Problem> {
    caller.require_publish_scope()?;
    let marked = inbox::mark_read(&state.server.db, &caller.user, body.ids.as_deref()).await?;
    Ok(Json(MarkedRead { marked }))
}
