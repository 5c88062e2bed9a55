//! Accounts: creating one (the sign-up page and `portico user create`), logging in, what
//! the pages know of the signed-in user; tokens and members in their own modules.

pub mod members;
pub mod tokens;

use std::time::Instant;

use portico_types::names::{MAX_SLUG_LEN, check_new_password, check_slug};
use portico_types::{Error, OrganizationSummary, UserSummary};

use crate::Result;
use crate::auth::SignedInUser;
use crate::auth::password::{dummy_hash, hash_password, verify_password};
use crate::context::ServerContext;
use crate::cpu;
use crate::repo::Db;
use crate::repo::organizations::memberships_of;
use crate::repo::users::{CreateUserError, UserRow, create_user, find_by_name};

/// Creates an account and its personal organisation. The name is lowercased and checked,
/// the password's length too; the hash is computed on the CPU pool.
pub async fn create_account(
    db: &Db,
    username: &str,
    password: &str,
    admin: bool,
) -> Result<UserRow> {
    let username = username.trim().to_lowercase();
    check_slug("User name", &username, MAX_SLUG_LEN).map_err(Error::Invalid)?;
    check_new_password(password).map_err(Error::Invalid)?;
    let password = password.to_owned();
    let hash = cpu::run(move || hash_password(&password))
        .await?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            Error::Internal
        })?;
    match create_user(db, &username, &hash, admin).await {
        Ok(user) => {
            tracing::info!(user = %user.username, "account created");
            Ok(user)
        }
        Err(CreateUserError::NameTaken(name)) => Err(Error::Conflict(format!(
            "The name {name:?} is already taken; choose another."
        ))),
        Err(CreateUserError::Database(error)) => Err(error.into()),
    }
}

/// Checks a user name and password. An unknown user and a wrong password get the same
/// answer and take the same time; repeated failures are throttled per account and per
/// client address (`client` names the address).
pub async fn log_in(
    ctx: &ServerContext,
    username: &str,
    password: &str,
    client: &str,
) -> Result<UserRow> {
    let username = username.trim().to_lowercase();
    let keys = vec![format!("account:{username}"), format!("addr:{client}")];
    let now = Instant::now();
    if let Some(retry_after_secs) = ctx.login_throttle.retry_after(&keys, now) {
        tracing::warn!(user = %username, "login throttled");
        return Err(Error::TooManyAttempts { retry_after_secs });
    }
    let user = find_by_name(&ctx.db, &username).await?;
    let stored_hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let password = password.to_owned();
    let verified = cpu::run(move || verify_password(&password, &stored_hash)).await?;
    match user {
        Some(user) if verified => {
            ctx.login_throttle.clear(&keys[0]);
            tracing::info!(user = %user.username, "signed in");
            Ok(user)
        }
        _ => {
            ctx.login_throttle.record_failure(&keys, now);
            tracing::info!(user = %username, "failed login");
            Err(Error::Invalid("Wrong user name or password.".into()))
        }
    }
}

/// The signed-in user and the organisations they belong to, as the pages show them.
pub async fn summary(db: &Db, user: SignedInUser) -> Result<UserSummary> {
    let organizations = memberships_of(db, user.id)
        .await?
        .into_iter()
        .map(|m| OrganizationSummary {
            role: m.role(),
            slug: m.slug,
            name: m.name,
            personal: m.personal,
        })
        .collect();
    Ok(UserSummary {
        username: user.username,
        is_admin: user.is_admin,
        organizations,
    })
}
