//! `/api/v1/orgs/{org}/members`: organisation membership (listing for members, changes
//! for admins).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use app::auth::authorize;
use app::error::AppError;
use app::repo::{organizations, users};
use app::roles::Role;

use super::caller::Caller;
use super::problem::Problem;
use crate::state::AppState;

/// Lists the members of an organisation and their roles (any member).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Json<Value>, Problem> {
    let db = &state.server.db;
    authorize(db, &caller.user, &org, Role::Viewer).await?;
    let members = organizations::members_of(db, &org).await?;
    Ok(Json(json!({
        "items": members.iter().map(|(user, role)| json!({"user": user, "role": role})).collect::<Vec<_>>()
    })))
}

/// Body of `PUT /orgs/{org}/members/{user}`.
#[derive(Debug, Deserialize)]
pub struct MemberRole {
    role: String,
}

/// Adds a member or changes their role (organisation admins).
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, username)): Path<(String, String)>,
    Json(body): Json<MemberRole>,
) -> Result<Json<Value>, Problem> {
    caller.require_publish_scope()?;
    let db = &state.server.db;
    authorize(db, &caller.user, &org, Role::Admin).await?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        Problem(AppError::Invalid(format!(
            "role {:?} is unknown; use viewer, contributor or admin.",
            body.role
        )))
    })?;
    let user = users::find_by_name(db, &username)
        .await?
        .ok_or_else(|| Problem(AppError::NotFound(format!("No user named {username:?}."))))?;
    let org_id = organizations::find_by_slug(db, &org)
        .await?
        .ok_or_else(|| {
            Problem(AppError::NotFound(format!(
                "No organisation named {org:?}."
            )))
        })?;
    organizations::set_member_role(db, org_id, user.id, role).await?;
    Ok(Json(
        json!({"organization": org, "user": username, "role": role.as_str()}),
    ))
}
