//! Who is calling the API: a personal access token (`Authorization: Bearer …`) or, from
//! the browser, the session cookie.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tower_sessions::Session;

use portico_core::Error;
use portico_core::auth::{SignedInUser, user_of_session, user_of_token};
use portico_core::repo::tokens::TokenScope;

use super::problem::Problem;
use crate::state::AppState;

/// An authenticated caller and what its credential allows.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: SignedInUser,
    /// The token's scope; a browser session may do everything its user may (`Admin`).
    pub scope: TokenScope,
}

impl Caller {
    /// Refuses a token whose scope is below `needed` (scopes include the ones below).
    pub fn require_scope(&self, needed: TokenScope) -> Result<(), Problem> {
        if self.scope >= needed {
            return Ok(());
        }
        Err(Problem(Error::Forbidden(format!(
            "This token has the {} scope; this needs a token with the {} scope.",
            self.scope.as_str(),
            needed.as_str()
        ))))
    }

    /// Refuses read-only tokens for changes.
    pub fn require_publish_scope(&self) -> Result<(), Problem> {
        self.require_scope(TokenScope::Publish)
    }

    /// Refuses all but admin tokens (and browser sessions) for tokens and members.
    pub fn require_admin_scope(&self) -> Result<(), Problem> {
        self.require_scope(TokenScope::Admin)
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
                    Problem(Error::Invalid(
                        "The Authorization header must be 'Bearer <token>'.".into(),
                    ))
                })?;
            let (user, scope) = user_of_token(db, token).await?;
            return Ok(Caller { user, scope });
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem(Error::Internal))?;
        let user = user_of_session(db, &session)
            .await?
            .ok_or(Problem(Error::Unauthenticated))?;
        Ok(Caller {
            user,
            scope: TokenScope::Admin,
        })
    }
}
