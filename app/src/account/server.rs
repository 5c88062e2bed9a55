//! Server functions for accounts. Each checks its input and answers with an `AppError`
//! whose message names the field that is wrong.

use leptos::prelude::*;

use crate::error::AppError;
use portico_types::UserSummary;

/// Creates an account (and its personal organisation) and signs it in. `invite` is the
/// code of an invitation link, needed when the server's sign-up is by invitation.
#[server(prefix = "/rpc", endpoint = "sign_up")]
pub async fn sign_up(
    username: String,
    password: String,
    password_confirm: String,
    #[server(default)] invite: Option<String>,
) -> Result<(), AppError> {
    use crate::error::respond_with;
    use portico_core::Error;

    if password != password_confirm {
        return Err(respond_with(Error::Invalid(
            "The two passwords do not match.".into(),
        )));
    }
    let ctx = crate::context::server_context()?;
    let client = crate::client::client_address().await;
    let user =
        portico_core::accounts::sign_up(&ctx, &username, &password, &client, invite.as_deref())
            .await
            .map_err(respond_with)?;
    start_session(user.id, &client).await?;
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
    let client = crate::client::client_address().await;
    let user = portico_core::accounts::log_in(&ctx, &username, &password, &client)
        .await
        .map_err(respond_with)?;
    start_session(user.id, &client).await?;
    leptos_axum::redirect(super::safe_next_path(next.as_deref()));
    Ok(())
}

/// Signs out and forgets the session on the server.
#[server(prefix = "/rpc", endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    let session = crate::session::current_session().await?;
    let ctx = crate::context::server_context()?;
    portico_core::accounts::sessions::end(&ctx.db, &session).await?;
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

/// Starts a sign-in of `user_id` on this browser's session.
#[cfg(feature = "ssr")]
async fn start_session(user_id: i64, client: &str) -> Result<(), AppError> {
    let session = crate::session::current_session().await?;
    let ctx = crate::context::server_context()?;
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .unwrap_or_default();
    let user_agent = headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    portico_core::accounts::sessions::start(&ctx.db, &session, user_id, client, user_agent).await?;
    Ok(())
}
