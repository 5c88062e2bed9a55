//! Who is calling the API: a personal access token (`Authorization: Bearer …`) or, from
//! the browser, the session cookie.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tower_sessions::Session;

use app::auth::SignedInUser;
use app::auth::session::USER_ID_KEY;
use app::error::AppError;
use app::repo::tokens::{TokenScope, authenticate};
use app::repo::users;

use super::problem::Problem;
use crate::state::AppState;

/// An authenticated caller and what its credential allows.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: SignedInUser,
    /// The token's scope; a browser session may do everything its user may.
    pub scope: TokenScope,
}

impl Caller {
    /// Refuses read-only tokens for changes.
    pub fn require_publish_scope(&self) -> Result<(), Problem> {
        match self.scope {
            TokenScope::Publish => Ok(()),
            TokenScope::Read => Err(Problem(AppError::Forbidden(
                "This token has the read scope; changes need a token with the publish scope."
                    .into(),
            ))),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let db = &state.server.db;
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(|| {
                    Problem(AppError::Invalid(
                        "The Authorization header must be 'Bearer <token>'.".into(),
                    ))
                })?;
            let owner = authenticate(db, token)
                .await?
                .ok_or(Problem(AppError::Unauthenticated))?;
            return Ok(Caller {
                user: SignedInUser {
                    id: owner.user_id,
                    username: owner.username,
                    is_admin: owner.is_admin,
                },
                scope: TokenScope::parse(&owner.scope).unwrap_or(TokenScope::Read),
            });
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem(AppError::Internal))?;
        let user_id: Option<i64> = session.get(USER_ID_KEY).await.map_err(|error| {
            tracing::error!(%error, "session store failed");
            Problem(AppError::Internal)
        })?;
        let user = match user_id {
            Some(id) => users::find_by_id(db, id).await?,
            None => None,
        }
        .ok_or(Problem(AppError::Unauthenticated))?;
        Ok(Caller {
            user: SignedInUser {
                id: user.id,
                username: user.username,
                is_admin: user.is_admin,
            },
            scope: TokenScope::Publish,
        })
    }
}
