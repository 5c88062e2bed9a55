//! `/orgs/{org}/webhooks`: where an organisation hears about the assets it consumes
//! (its admins, admin scope), with each webhook's delivery log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use portico_core::consumers::webhooks;
use portico_types::consumers::{NewWebhook, Webhook, WebhookDelivery};

use super::caller::Caller;
use super::coordinates::OrgPath;
use super::problem::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::state::AppState;

/// `/orgs/{org}/webhooks/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookPath {
    /// The organisation's slug.
    org: String,
    /// The webhook's id.
    id: i64,
}

/// `/orgs/{org}/webhooks/{id}/deliveries/{delivery}/redeliver`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryPath {
    /// The organisation's slug.
    org: String,
    /// The webhook's id.
    id: i64,
    /// The delivery's id.
    delivery: i64,
}

/// An organisation's webhooks.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhooks {
    pub items: Vec<Webhook>,
}

/// A webhook's newest deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deliveries {
    pub items: Vec<WebhookDelivery>,
}

/// An organisation's webhooks (admin role, admin scope)
#[utoipa::path(
    get,
    path = "/orgs/{org}/webhooks",
    operation_id = "listWebhooks",
    tag = "consumers",
    params(OrgPath),
    responses(
        (status = 200, description = "Webhooks (without their secrets)", body = Webhooks),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<Json<Webhooks>, Problem> {
    caller.require_admin_scope()?;
    let items = webhooks::list(&state.server.db, &caller.user, &org).await?;
    Ok(Json(Webhooks { items }))
}

/// Add a webhook (admin role, admin scope)
///
/// `{"url": "https://hooks.example.com/portico", "secret": "…", "events":
/// ["version.published"]}`: every event when `events` is omitted. The URL's host must be
/// allowed by the server's outbound allow-list (`--allow-hosts`).
#[utoipa::path(
    post,
    path = "/orgs/{org}/webhooks",
    operation_id = "createWebhook",
    tag = "consumers",
    params(OrgPath),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Added", body = Webhook),
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
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    Json(body): Json<NewWebhook>,
) -> Result<(StatusCode, Json<Webhook>), Problem> {
    caller.require_admin_scope()?;
    let ctx = &state.server;
    let hook = webhooks::create(&ctx.db, &ctx.outbound, &caller.user, &org, &body).await?;
    Ok((StatusCode::CREATED, Json(hook)))
}

/// Remove a webhook and its delivery log (admin role, admin scope)
#[utoipa::path(
    delete,
    path = "/orgs/{org}/webhooks/{id}",
    operation_id = "removeWebhook",
    tag = "consumers",
    params(WebhookPath),
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
    Path(WebhookPath { org, id }): Path<WebhookPath>,
) -> Result<StatusCode, Problem> {
    caller.require_admin_scope()?;
    webhooks::remove(&state.server.db, &caller.user, &org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's newest deliveries with every attempt's status code (admin role, admin scope)
#[utoipa::path(
    get,
    path = "/orgs/{org}/webhooks/{id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "consumers",
    params(WebhookPath),
    responses(
        (status = 200, description = "Deliveries, newest first", body = Deliveries),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(WebhookPath { org, id }): Path<WebhookPath>,
) -> Result<Json<Deliveries>, Problem> {
    caller.require_admin_scope()?;
    let items = webhooks::deliveries(&state.server.db, &caller.user, &org, id).await?;
    Ok(Json(Deliveries { items }))
}

/// Send a delivery again now, with the same `Portico-Delivery` key (admin role, admin scope)
#[utoipa::path(
    post,
    path = "/orgs/{org}/webhooks/{id}/deliveries/{delivery}/redeliver",
    operation_id = "redeliverWebhook",
    tag = "consumers",
    params(DeliveryPath),
    responses(
        (status = 202, description = "Queued"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn redeliver(
    State(state): State<AppState>,
    caller: Caller,
    Path(DeliveryPath { org, id, delivery }): Path<DeliveryPath>,
) -> Result<StatusCode, Problem> {
    caller.require_admin_scope()?;
    webhooks::redeliver(&state.server.db, &caller.user, &org, id, delivery).await?;
    Ok(StatusCode::ACCEPTED)
}
