//! `/api/v1/tokens`: personal access tokens of the signed-in user.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};

use portico_core::accounts::tokens::{self, MAX_TOKEN_NAME};
use portico_core::repo::tokens::TokenScope;
use portico_types::TokenInfo;

use super::caller::Caller;
use super::problem::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::state::AppState;

/// Body of `POST /tokens`. The scope stays text until core checks it, so an unknown one
/// is answered with the accepted ones.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    #[schema(schema_with = token_name_schema)]
    name: String,
    #[schema(value_type = TokenScope)]
    scope: String,
    /// The day the token stops working (`YYYY-MM-DD`, UTC; after today, at most 366 days
    /// away); 90 days from today when absent.
    #[serde(default, rename = "expiresAt")]
    #[schema(format = Date, required = false)]
    expires_at: Option<String>,
}

/// The names core accepts (after trimming).
fn token_name_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_TOKEN_NAME))
        .build()
}

/// A new token: the only answer that ever carries its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub name: String,
    pub scope: TokenScope,
    /// The secret (`ptc_…`); send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// From this instant on the token answers 401.
    #[serde(rename = "expiresAt")]
    pub expires_at: String,
}

/// The caller's live tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tokens {
    pub items: Vec<Token>,
}

/// A live token as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub id: i64,
    pub name: String,
    #[schema(value_type = TokenScope)]
    pub scope: String,
    /// The token's first characters, to tell tokens apart.
    pub display: String,
    pub created_at: String,
    /// Null until the token is first used.
    #[schema(required = true)]
    pub last_used_at: Option<String>,
    /// From this instant on the token answers 401.
    pub expires_at: String,
}

impl From<TokenInfo> for Token {
    fn from(token: TokenInfo) -> Self {
        Token {
            id: token.id,
            name: token.name,
            scope: token.scope,
            display: token.display,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
        }
    }
}

/// `/tokens/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenPath {
    /// The token's id, as listed.
    id: i64,
}

/// Create a token (admin scope); the secret is shown only in this response
#[utoipa::path(
    post,
    path = "/tokens",
    operation_id = "createToken",
    tag = "tokens",
    request_body = NewToken,
    responses(
        (status = 201, description = "Created", body = CreatedToken),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), Problem> {
    caller.require_admin_scope()?;
    let created = tokens::create(
        &state.server.db,
        &caller.user,
        &new.name,
        &new.scope,
        new.expires_at.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            name: new.name.trim().to_owned(),
            scope: created.scope,
            token: created.token,
            expires_at: created.expires_at,
        }),
    ))
}

/// Your live tokens
#[utoipa::path(
    get,
    path = "/tokens",
    operation_id = "listTokens",
    tag = "tokens",
    responses(
        (status = 200, description = "Tokens (never their secrets)", body = Tokens),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Tokens>, Problem> {
    let tokens = tokens::list(&state.server.db, &caller.user).await?;
    Ok(Json(Tokens {
        items: tokens.into_iter().map(Token::from).collect(),
    }))
}

/// Revoke a token (admin scope)
#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    operation_id = "revokeToken",
    tag = "tokens",
    params(TokenPath),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(TokenPath { id }): Path<TokenPath>,
) -> Result<StatusCode, Problem> {
    caller.require_admin_scope()?;
    tokens::revoke(&state.server.db, &caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
