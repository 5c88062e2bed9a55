//! The signed-in user of the current request, read from the tower-sessions session.

use tower_sessions::Session;

use crate::context::server_context;
use crate::error::{AppError, respond_with};
use crate::repo::users;

/// Session key holding the signed-in account's id.
pub const USER_ID_KEY: &str = "user_id";

/// The account behind the current request.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
}

/// The session of the current server-function call or page render.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer on this request");
        AppError::Internal
    })
}

/// The signed-in user, or `None` for a visitor (or a session whose account is gone).
pub async fn signed_in_user() -> Result<Option<SignedInUser>, AppError> {
    let session = current_session().await?;
    let Some(user_id) = session.get::<i64>(USER_ID_KEY).await.map_err(|error| {
        tracing::error!(%error, "session store failed");
        AppError::Internal
    })?
    else {
        return Ok(None);
    };
    let ctx = server_context()?;
    Ok(users::find_by_id(&ctx.db, user_id)
        .await?
        .map(|row| SignedInUser {
            id: row.id,
            username: row.username,
            is_admin: row.is_admin,
        }))
}

/// The signed-in user, or a 401 error that tells the visitor to sign in.
pub async fn require_user() -> Result<SignedInUser, AppError> {
    signed_in_user()
        .await?
        .ok_or_else(|| respond_with(AppError::Unauthenticated))
}
