//! Logging in and changing a password: the two places a password is checked, both
//! throttled per account, per client address and per the pair of them (see
//! `auth::throttle`): one address guessing at one account waits first, an address
//! spraying many accounts next, and an account guessed at from many addresses last and
//! least (its wait is short, so its owner is never locked out for long).

use std::time::{Duration, Instant};

use portico_types::Error;
use portico_types::names::{MAX_SLUG_LEN, check_new_password};

use crate::Result;
use crate::auth::SignedInUser;
use crate::auth::password;
use crate::auth::throttle::{Attempt, Key, Policy};
use crate::context::ServerContext;
use crate::repo::users::{self, UserRow, find_by_name};

/// One address guessing at one account.
pub const PAIR_POLICY: Policy = Policy {
    free: 5,
    base: Duration::from_secs(2),
    max: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(24 * 3600),
};

/// One address, whatever the accounts.
pub const ADDRESS_POLICY: Policy = Policy {
    free: 20,
    base: Duration::from_secs(2),
    max: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(24 * 3600),
};

/// One account, from every address together: a short cap, so its owner waits little.
pub const ACCOUNT_POLICY: Policy = Policy {
    free: 20,
    base: Duration::from_secs(1),
    max: Duration::from_secs(60),
    forget_after: Duration::from_secs(3600),
};

fn keys(username: &str, client: &str) -> Vec<Key> {
    vec![
        Key::new(format!("login:{username}|{client}"), PAIR_POLICY),
        Key::new(format!("login-addr:{client}"), ADDRESS_POLICY),
        Key::new(format!("login:{username}"), ACCOUNT_POLICY),
    ]
}

/// Reserves a password check for `username` from `client`, or refuses with the wait.
fn reserve(ctx: &ServerContext, username: &str, client: &str) -> Result<Attempt> {
    ctx.throttle
        .reserve(keys(username, client), Instant::now())
        .map_err(|retry_after_secs| {
            tracing::warn!(user = %username, %client, retry_after_secs, "password check throttled");
            Error::TooManyAttempts { retry_after_secs }
        })
}

/// Settles a reserved check: a success forgets the account's failures and the pair's.
fn settle(attempt: Attempt, verified: bool, username: &str, client: &str) {
    let now = Instant::now();
    if verified {
        let pair = format!("login:{username}|{client}");
        let account = format!("login:{username}");
        attempt.succeeded(&[&pair, &account], now);
    } else {
        attempt.failed(now);
    }
}

/// Checks a user name and password. An unknown user and a wrong password get the same
/// answer and take the same time; the check is reserved with the throttle before the
/// password is verified, so concurrent guesses count as they start.
pub async fn log_in(
    ctx: &ServerContext,
    username: &str,
    password: &str,
    client: &str,
) -> Result<UserRow> {
    let username = username.trim().to_lowercase();
    // No account has a longer name; refusing it keeps throttle keys small.
    if username.len() > MAX_SLUG_LEN {
        return Err(Error::Invalid(format!(
            "User name is at most {MAX_SLUG_LEN} characters long."
        )));
    }
    let attempt = reserve(ctx, &username, client)?;
    let user = find_by_name(&ctx.db, &username).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = password::verify(password.to_owned(), stored).await?;
    match user {
        Some(user) if verified => {
            settle(attempt, true, &username, client);
            tracing::info!(user = %user.username, "signed in");
            Ok(user)
        }
        _ => {
            settle(attempt, false, &username, client);
            tracing::info!(user = %username, %client, "failed login");
            Err(Error::Invalid("Wrong user name or password.".into()))
        }
    }
}

/// Changes the signed-in user's password after checking the current one (throttled as
/// a log-in). The caller ends the user's other sessions: whoever knew the old password
/// may be signed in elsewhere.
pub async fn change_password(
    ctx: &ServerContext,
    user: &SignedInUser,
    current: &str,
    new: &str,
    client: &str,
) -> Result<()> {
    check_new_password(new).map_err(Error::Invalid)?;
    let attempt = reserve(ctx, &user.username, client)?;
    let row = users::find_by_id(&ctx.db, user.id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let verified = password::verify(current.to_owned(), Some(row.password_hash)).await?;
    settle(attempt, verified, &user.username, client);
    if !verified {
        return Err(Error::Invalid("The current password is wrong.".into()));
    }
    let hash = password::hash(new.to_owned()).await?;
    users::set_password_hash(&ctx.db, user.id, &hash).await?;
    tracing::info!(user = %user.username, "password changed");
    Ok(())
}
