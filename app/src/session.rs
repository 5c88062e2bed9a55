//! Who is signed in to the current page render or server-function call: the session
//! cookie, read through `portico_core::auth` (server side only; the pages' view of the
//! same is `account::state`).

use portico_core::Error;
use portico_core::auth::{SignedInUser, user_of_session};
use tower_sessions::Session;

use crate::context::server_context;
use crate::error::{AppError, respond_with};

/// The session of the current server-function call or page render.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer on this request");
        AppError::Server(Error::Internal)
    })
}

/// The signed-in user, or `None` for a visitor (or a session whose account is gone).
pub async fn signed_in_user() -> Result<Option<SignedInUser>, AppError> {
    let session = current_session().await?;
    let ctx = server_context()?;
    Ok(user_of_session(&ctx.db, &session).await?)
}

/// The signed-in user, or a 401 error that tells the visitor to sign in.
pub async fn require_user() -> Result<SignedInUser, AppError> {
    signed_in_user()
        .await?
        .ok_or_else(|| respond_with(Error::Unauthenticated))
}
