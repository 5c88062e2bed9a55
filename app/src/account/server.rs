//! Server functions for accounts. Each checks its input and answers with an `AppError`
//! whose message names the field that is wrong.

use leptos::prelude::*;

use super::UserSummary;
use crate::error::AppError;

/// Creates an account (and its personal organisation) and signs it in.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    username: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::auth::password::hash_password;
    use crate::error::respond_with;
    use crate::names::{MAX_SLUG_LEN, check_new_password, check_slug};
    use crate::repo::users::{CreateUserError, create_user};

    let username = username.trim().to_lowercase();
    check_slug("User name", &username, MAX_SLUG_LEN)
        .map_err(|msg| respond_with(AppError::Invalid(msg)))?;
    check_new_password(&password).map_err(|msg| respond_with(AppError::Invalid(msg)))?;
    if password != password_confirm {
        return Err(respond_with(AppError::Invalid(
            "The two passwords do not match.".into(),
        )));
    }
    let ctx = crate::context::server_context()?;
    let hash = hash_password(&password).map_err(|error| {
        tracing::error!(%error, "password hashing failed");
        AppError::Internal
    })?;
    let user = create_user(&ctx.db, &username, &hash, false)
        .await
        .map_err(|error| match error {
            CreateUserError::NameTaken(name) => respond_with(AppError::Conflict(format!(
                "The name {name:?} is already taken; choose another."
            ))),
            CreateUserError::Database(error) => AppError::from(error),
        })?;
    tracing::info!(user = %user.username, "account created");
    start_session(user.id).await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// Signs in. An unknown user and a wrong password get the same answer and take the
/// same time; repeated failures are throttled per account and per client address.
#[server(endpoint = "log_in")]
pub async fn log_in(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::password::{dummy_hash, verify_password};
    use crate::error::respond_with;
    use crate::repo::users::find_by_name;
    use std::time::Instant;

    let username = username.trim().to_lowercase();
    let ctx = crate::context::server_context()?;
    let keys = vec![
        format!("account:{username}"),
        format!("addr:{}", client_address().await),
    ];
    let now = Instant::now();
    if let Some(retry_after_secs) = ctx.login_throttle.retry_after(&keys, now) {
        tracing::warn!(user = %username, "login throttled");
        return Err(respond_with(AppError::TooManyAttempts { retry_after_secs }));
    }
    let user = find_by_name(&ctx.db, &username).await?;
    let stored_hash = user
        .as_ref()
        .map_or(dummy_hash(), |u| u.password_hash.as_str());
    let verified = verify_password(&password, stored_hash);
    match user {
        Some(user) if verified => {
            ctx.login_throttle.clear(&keys[0]);
            start_session(user.id).await?;
            tracing::info!(user = %user.username, "signed in");
            leptos_axum::redirect(super::safe_next_path(next.as_deref()));
            Ok(())
        }
        _ => {
            ctx.login_throttle.record_failure(&keys, now);
            tracing::info!(user = %username, "failed login");
            Err(respond_with(AppError::Invalid(
                "Wrong user name or password.".into(),
            )))
        }
    }
}

/// Signs out and forgets the session on the server.
#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    let session = crate::auth::session::current_session().await?;
    session.flush().await.map_err(|error| {
        tracing::error!(%error, "could not delete session");
        AppError::Internal
    })?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user and their organisations, or `None` for a visitor.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserSummary>, AppError> {
    use super::OrganizationSummary;
    use crate::repo::organizations::memberships_of;

    let Some(user) = crate::auth::signed_in_user().await? else {
        return Ok(None);
    };
    let ctx = crate::context::server_context()?;
    let organizations = memberships_of(&ctx.db, user.id)
        .await?
        .into_iter()
        .map(|m| OrganizationSummary {
            role: m.role(),
            slug: m.slug,
            name: m.name,
            personal: m.personal,
        })
        .collect();
    Ok(Some(UserSummary {
        username: user.username,
        is_admin: user.is_admin,
        organizations,
    }))
}

/// Replaces the session id (no fixation) and stores the account in it.
#[cfg(feature = "ssr")]
async fn start_session(user_id: i64) -> Result<(), AppError> {
    use crate::auth::session::{USER_ID_KEY, current_session};
    let session = current_session().await?;
    let store_failed = |error: tower_sessions::session::Error| {
        tracing::error!(%error, "session store failed");
        AppError::Internal
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
