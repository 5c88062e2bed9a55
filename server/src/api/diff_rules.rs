//! `/diff-rules` and `/orgs/{org}/diff-rules`: the diff's rule catalog, and the levels an
//! organisation gives rules instead of their defaults (applied at publish and in compare).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use portico_core::exchange::diff_rules;
use portico_types::diff::{RuleLevels, RuleSummary};

use super::caller::Caller;
use super::coordinates::OrgPath;
use super::problem::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::state::AppState;

/// The rule catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffRules {
    pub items: Vec<RuleSummary>,
}

/// Every rule of the diff, with its default severity (any signed-in caller)
///
/// The same catalog as `portico diff --list-rules`.
#[utoipa::path(
    get,
    path = "/diff-rules",
    operation_id = "listDiffRules",
    tag = "organisations",
    responses(
        (status = 200, description = "The catalog", body = DiffRules),
        (status = 401, response = Unauthorized),
    ),
)]
pub async fn catalog(_caller: Caller) -> Json<DiffRules> {
    Json(DiffRules {
        items: diff_rules::catalog(),
    })
}

/// The levels an organisation gives diff rules instead of their defaults (any member)
#[utoipa::path(
    get,
    path = "/orgs/{org}/diff-rules",
    operation_id = "getDiffRuleLevels",
    tag = "organisations",
    params(OrgPath),
    responses(
        (status = 200, description = "The organisation's levels", body = RuleLevels),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_levels(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<Json<RuleLevels>, Problem> {
    let levels = diff_rules::levels(&state.server.db, &caller.user, &org).await?;
    Ok(Json(levels.levels))
}

/// Replace the levels an organisation gives diff rules (admin role)
///
/// The body is the format `portico diff --rules FILE` reads, as JSON:
/// `{"rules": {"rule-id": "breaking" | "warning" | "info" | "off"}}`; rules it does not
/// name keep their defaults. An id the catalog does not have is refused (422).
#[utoipa::path(
    put,
    path = "/orgs/{org}/diff-rules",
    operation_id = "setDiffRuleLevels",
    tag = "organisations",
    params(OrgPath),
    request_body = RuleLevels,
    responses(
        (status = 200, description = "Stored", body = RuleLevels),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn put_levels(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    Json(body): Json<RuleLevels>,
) -> Result<Json<RuleLevels>, Problem> {
    caller.require_publish_scope()?;
    let stored = diff_rules::set_levels(&state.server.db, &caller.user, &org, &body).await?;
    Ok(Json(stored))
}
