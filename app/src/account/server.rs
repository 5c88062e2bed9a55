//! Server functions for accounts. Each checks its input and answers with an `AppError`
//! whose message names the field that is wrong.

use leptos::prelude::*;

use crate::error::AppError;
use portico_types::UserSummary;

/// Creates an account (and its personal organisation) and signs it in.
#[server(prefix = "/rpc", endpoint = "sign_up")]
pub async fn sign_up(
    username: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::error::respond_with;
    use portico_core::Error;

    if password != password_confirm {
        return Err(respond_with(Error::Invalid(
            "The two passwords do not match.".into(),
        )));
    }
    let ctx = crate::context::server_context()?;
    let user = portico_core::accounts::create_account(&ctx.db, &username, &password, false)
        .await
        .map_err(respond_with)?;
    start_session(user.id).await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// Signs in. An unknown user and a wrong password get the same answer and take the
/// same time; repeated failures are throttled per account and per client address.
#[server(prefix = "/rpc", endpoint = "log_in")]
pub async fn log_in(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::error::respond_with;

    let ctx = crate::context::server_context()?;
    let client = client_address().await;
    let user = portico_core::accounts::log_in(&ctx, &username, &password, &client)
        .await
        .map_err(respond_with)?;
    start_session(user.id).await?;
    leptos_axum::redirect(super::safe_next_path(next.as_deref()));
    Ok(())
}

/// Signs out and forgets the session on the server.
#[server(prefix = "/rpc", endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    let session = crate::session::current_session().await?;
    session.flush().await.map_err(|error| {
        tracing::error!(%error, "could not delete session");
        portico_core::Error::Internal
    })?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user and their organisations, or `None` for a visitor.
#[server(prefix = "/rpc", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserSummary>, AppError> {
    let Some(user) = crate::session::signed_in_user().await? else {
        return Ok(None);
    };
    let ctx = crate::context::server_context()?;
    Ok(Some(portico_core::accounts::summary(&ctx.db, user).await?))
}

/// Replaces the session id (no fixation) and stores the account in it.
#[cfg(feature = "ssr")]
async fn start_session(user_id: i64) -> Result<(), AppError> {
    use crate::session::current_session;
    use portico_core::auth::USER_ID_KEY;
    let session = current_session().await?;
    let store_failed = |error: tower_sessions::session::Error| {
        tracing::error!(%error, "session store failed");
        portico_core::Error::Internal
    };
    session.cycle_id().await.map_err(store_failed)?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(store_failed)?;
    Ok(())
}

/// The client's IP address, for throttling; "unknown" when the server runs without
/// connection info (in-process tests).
#[cfg(feature = "ssr")]
async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|_| "unknown".into())
}
