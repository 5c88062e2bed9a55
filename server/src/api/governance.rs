//! `/orgs/{org}/governance` and `/assets/{group}/{asset}/{version}/conformance`: an
//! organisation's governance profile (which rulesets apply to which assets, advisory or
//! blocking, and its own rulesets), and how a version fared against it at publish.

use axum::Json;
use axum::extract::{Path, State};

use portico_core::exchange::access::asset_for;
use portico_core::exchange::governance;
use portico_core::repo::assets;
use portico_types::governance::{Conformance, GovernanceDashboard, GovernanceProfile};
use portico_types::{Error, Role};

use super::caller::Caller;
use super::coordinates::{OrgPath, VersionPath};
use super::problem::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::versions::no_version;
use crate::state::AppState;

/// The governance profile of an organisation (any member)
///
/// An organisation without a profile answers an empty one: nothing is checked.
#[utoipa::path(
    get,
    path = "/orgs/{org}/governance",
    operation_id = "getGovernanceProfile",
    tag = "organisations",
    params(OrgPath),
    responses(
        (status = 200, description = "The profile", body = GovernanceProfile),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_profile(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<Json<GovernanceProfile>, Problem> {
    let (profile, _) = governance::profile(&state.server.db, &caller.user, &org).await?;
    Ok(Json(profile))
}

/// Replace the governance profile of an organisation (admin role)
///
/// `{"rulesets": [{"ruleset": "portico:recommended" | a name in custom, "enforcement":
/// "advisory" | "blocking", "kinds": ["openapi"], "assets": "orders-*"}], "custom":
/// {"name": "<a ruleset in Spectral's format, YAML or JSON>"}}`. Every ruleset named must
/// load; the first that does not is refused (422) with the file, place and reason.
#[utoipa::path(
    put,
    path = "/orgs/{org}/governance",
    operation_id = "setGovernanceProfile",
    tag = "organisations",
    params(OrgPath),
    request_body = GovernanceProfile,
    responses(
        (status = 200, description = "Stored", body = GovernanceProfile),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn put_profile(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
    Json(body): Json<GovernanceProfile>,
) -> Result<Json<GovernanceProfile>, Problem> {
    caller.require_publish_scope()?;
    let stored = governance::set_profile(&state.server.db, &caller.user, &org, body).await?;
    Ok(Json(stored))
}

/// An organisation's conformance per ruleset, now and over time (any member)
///
/// Each ruleset of the profile with what it finds in the latest versions, one point a
/// day over the last 90 days (days with a publish or a re-check), and the latest versions
/// with error findings (those a blocking ruleset would refuse marked).
#[utoipa::path(
    get,
    path = "/orgs/{org}/governance/dashboard",
    operation_id = "getGovernanceDashboard",
    tag = "organisations",
    params(OrgPath),
    responses(
        (status = 200, description = "The dashboard's figures", body = GovernanceDashboard),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<Json<GovernanceDashboard>, Problem> {
    let dashboard = governance::dashboard(&state.server.db, &caller.user, &org).await?;
    Ok(Json(dashboard))
}

/// How a version fared against its organisation's governance profile when published
///
/// 404 when no ruleset applied to it (no profile then, or none for this asset).
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/{version}/conformance",
    operation_id = "getConformance",
    tag = "assets",
    params(VersionPath),
    responses(
        (status = 200, description = "Its findings, by severity and each with its rule and line", body = Conformance),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_conformance(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
) -> Result<Json<Conformance>, Problem> {
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Viewer).await?;
    if assets::find_version(db, row.id, &version).await?.is_none() {
        return Err(no_version(&group, &asset, &version));
    }
    governance::conformance(db, row.id, &version)
        .await?
        .map(Json)
        .ok_or_else(|| {
            Problem(Error::NotFound(format!(
                "{group}/{asset} {version} was not checked against a governance profile."
            )))
        })
}
