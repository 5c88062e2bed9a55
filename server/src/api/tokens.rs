//! `/api/v1/tokens`: personal access tokens of the signed-in user.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use app::error::AppError;
use app::repo::tokens::{self, TokenScope};

use super::caller::Caller;
use super::problem::Problem;
use crate::state::AppState;

/// Body of `POST /tokens`.
#[derive(Debug, Deserialize)]
pub struct NewToken {
    name: String,
    scope: String,
}

/// Longest token name accepted.
const MAX_TOKEN_NAME: usize = 100;

/// Creates a token; the response is the only place its secret ever appears.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewToken>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    caller.require_publish_scope()?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
        return Err(Problem(AppError::Invalid(format!(
            "name must be 1 to {MAX_TOKEN_NAME} characters."
        ))));
    }
    let scope = TokenScope::parse(&new.scope).ok_or_else(|| {
        Problem(AppError::Invalid(format!(
            "scope {:?} is unknown; use read or publish.",
            new.scope
        )))
    })?;
    let token = tokens::create_token(&state.server.db, caller.user.id, name, scope).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"name": name, "scope": scope.as_str(), "token": token})),
    ))
}

/// Lists the caller's live tokens (never their secrets).
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, Problem> {
    let rows = tokens::list_tokens(&state.server.db, caller.user.id).await?;
    Ok(Json(json!({
        "items": rows.iter().map(|t| json!({
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
    if tokens::revoke_token(&state.server.db, caller.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem(AppError::NotFound(format!(
            "You have no live token {id}."
        ))))
    }
}
