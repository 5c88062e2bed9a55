//! `/api/v1/tokens`: personal access tokens of the signed-in user.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use portico_core::accounts::tokens;

use super::caller::Caller;
use super::problem::Problem;
use crate::state::AppState;

/// Body of `POST /tokens`.
#[derive(Debug, Deserialize)]
pub struct NewToken {
    name: String,
    scope: String,
}

/// Creates a token; the response is the only place its secret ever appears.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewToken>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    caller.require_publish_scope()?;
    let (token, scope) =
        tokens::create(&state.server.db, &caller.user, &new.name, &new.scope).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"name": new.name.trim(), "scope": scope.as_str(), "token": token})),
    ))
}

/// Lists the caller's live tokens (never their secrets).
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, Problem> {
    let tokens = tokens::list(&state.server.db, &caller.user).await?;
    Ok(Json(json!({
        "items": tokens.iter().map(|t| json!({
            "id": t.id,
            "name": t.name,
            "scope": t.scope,
            "display": t.display,
            "createdAt": t.created_at,
            "lastUsedAt": t.last_used_at,
        })).collect::<Vec<_>>()
    })))
}

/// Revokes one of the caller's tokens.
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    caller.require_publish_scope()?;
    tokens::revoke(&state.server.db, &caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
