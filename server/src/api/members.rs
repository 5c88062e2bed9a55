//! `/api/v1/orgs/{org}/members`: organisation membership (listing for members, changes
//! for admins).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use portico_core::Error;
use portico_core::accounts::members;
use portico_types::Role;

use super::caller::Caller;
use super::problem::Problem;
use crate::state::AppState;

/// Lists the members of an organisation and their roles (any member).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Json<Value>, Problem> {
    let members = members::list(&state.server.db, &caller.user, &org).await?;
    Ok(Json(json!({
        "items": members.iter().map(|m| json!({"user": m.username, "role": m.role})).collect::<Vec<_>>()
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
    let role = Role::parse(&body.role).ok_or_else(|| {
        Problem(Error::Invalid(format!(
            "role {:?} is unknown; use viewer, contributor or admin.",
            body.role
        )))
    })?;
    let member = members::set_role(&state.server.db, &caller.user, &org, &username, role).await?;
    Ok(Json(
        json!({"organization": org, "user": member.username, "role": member.role.as_str()}),
    ))
}
