//! `/api/v1/orgs/{org}/members`: organisation membership (listing for members, changes
//! for admins).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use portico_core::Error;
use portico_core::accounts::members;
use portico_types::Role;

use super::caller::Caller;
use super::coordinates::OrgPath;
use super::problem::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::state::AppState;

/// `/orgs/{org}/members/{user}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The organisation's slug.
    org: String,
    /// The member's user name.
    user: String,
}

/// The members of an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Members {
    pub items: Vec<Member>,
}

/// One member and their role.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub user: String,
    pub role: Role,
}

/// Members and their roles (any member)
#[utoipa::path(
    get,
    path = "/orgs/{org}/members",
    operation_id = "listMembers",
    tag = "organisations",
    params(OrgPath),
    responses(
        (status = 200, description = "Members", body = Members),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(OrgPath { org }): Path<OrgPath>,
) -> Result<Json<Members>, Problem> {
    let members = members::list(&state.server.db, &caller.user, &org).await?;
    Ok(Json(Members {
        items: members
            .into_iter()
            .map(|m| Member {
                user: m.username,
                role: m.role,
            })
            .collect(),
    }))
}

/// Body of `PUT /orgs/{org}/members/{user}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberRole {
    #[schema(value_type = Role)]
    role: String,
}

/// A membership after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct Membership {
    pub organization: String,
    pub user: String,
    pub role: Role,
}

/// Add a member or change their role (admin role, admin scope)
#[utoipa::path(
    put,
    path = "/orgs/{org}/members/{user}",
    operation_id = "setMemberRole",
    tag = "organisations",
    params(MemberPath),
    request_body = MemberRole,
    responses(
        (status = 200, description = "Set", body = Membership),
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
    Path(MemberPath { org, user }): Path<MemberPath>,
    Json(body): Json<MemberRole>,
) -> Result<Json<Membership>, Problem> {
    caller.require_admin_scope()?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        Problem(Error::Invalid(format!(
            "role {:?} is unknown; use viewer, contributor or admin.",
            body.role
        )))
    })?;
    let member = members::set_role(&state.server.db, &caller.user, &org, &user, role).await?;
    Ok(Json(Membership {
        organization: org,
        user: member.username,
        role: member.role,
    }))
}

/// Remove a member (admin role, admin scope); never the last admin, nor the owner of a
/// personal organisation
#[utoipa::path(
    delete,
    path = "/orgs/{org}/members/{user}",
    operation_id = "removeMember",
    tag = "organisations",
    params(MemberPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(MemberPath { org, user }): Path<MemberPath>,
) -> Result<StatusCode, Problem> {
    caller.require_admin_scope()?;
    members::remove(&state.server.db, &caller.user, &org, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
