//! Creating accounts: by sign-up (open, by invitation or closed, as the server is
//! configured; throttled per client address) and by `portico user create`.

use std::time::{Duration, Instant};

use portico_types::Error;
use portico_types::names::{MAX_SLUG_LEN, check_new_password, check_slug};

use crate::Result;
use crate::auth::password;
use crate::auth::throttle::{Key, Policy};
use crate::context::ServerContext;
use crate::repo::Db;
use crate::repo::invitations;
use crate::repo::users::{CreateUserError, UserRow, create_user, name_taken};

/// Who may sign up (`--signup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignupMode {
    /// Anyone.
    #[default]
    Open,
    /// Whoever holds an invitation link a site administrator made.
    Invite,
    /// Nobody; accounts are made with `portico user create`.
    Closed,
}

impl SignupMode {
    pub fn parse(value: &str) -> Option<SignupMode> {
        match value {
            "open" => Some(SignupMode::Open),
            "invite" => Some(SignupMode::Invite),
            "closed" => Some(SignupMode::Closed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignupMode::Open => "open",
            SignupMode::Invite => "invite",
            SignupMode::Closed => "closed",
        }
    }
}

/// Sign-ups from one client address: a few at once, then slower and slower.
pub const SIGNUP_POLICY: Policy = Policy {
    free: 20,
    base: Duration::from_secs(10),
    max: Duration::from_secs(3600),
    forget_after: Duration::from_secs(3600),
};

/// Checks a new account's name and password, in that order, before any hashing.
fn check_new_account(username: &str, password: &str) -> Result<String> {
    let username = username.trim().to_lowercase();
    check_slug("User name", &username, MAX_SLUG_LEN).map_err(Error::Invalid)?;
    check_new_password(password).map_err(Error::Invalid)?;
    Ok(username)
}

fn taken(name: &str) -> Error {
    Error::Conflict(format!(
        "The name {name:?} is already taken; choose another."
    ))
}

/// Creates an account and its personal organisation (no throttle: the command line and
/// [`sign_up`] call it). The name is checked, and looked up, before the password is hashed.
pub async fn create_account(
    db: &Db,
    username: &str,
    password: &str,
    admin: bool,
) -> Result<UserRow> {
    let username = check_new_account(username, password)?;
    if name_taken(db, &username).await? {
        return Err(taken(&username));
    }
    let hash = password::hash(password.to_owned()).await?;
    match create_user(db, &username, &hash, admin).await {
        Ok(user) => {
            tracing::info!(user = %user.username, "account created");
            Ok(user)
        }
        Err(CreateUserError::NameTaken(name)) => Err(taken(&name)),
        Err(CreateUserError::Database(error)) => Err(error.into()),
    }
}

/// A visitor's sign-up from `client`, as the server's sign-up mode allows: `invite` is
/// the code of an invitation link (needed in `invite` mode, used up by the account).
pub async fn sign_up(
    ctx: &ServerContext,
    username: &str,
    password: &str,
    client: &str,
    invite: Option<&str>,
) -> Result<UserRow> {
    let invitation = match ctx.signup {
        SignupMode::Closed => {
            return Err(Error::Forbidden(
                "Sign-up is closed on this server; ask an administrator for an account.".into(),
            ));
        }
        SignupMode::Invite => {
            let code = invite
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    Error::Forbidden(
                        "Sign-up on this server is by invitation; open the link you were sent."
                            .into(),
                    )
                })?;
            Some(
                invitations::find_usable(&ctx.db, code)
                    .await?
                    .ok_or_else(|| {
                        Error::Forbidden(
                            "This invitation does not exist, was used or has expired.".into(),
                        )
                    })?,
            )
        }
        SignupMode::Open => None,
    };
    let username = check_new_account(username, password)?;
    let attempt = ctx
        .throttle
        .reserve(
            vec![Key::new(format!("signup:{client}"), SIGNUP_POLICY)],
            Instant::now(),
        )
        .map_err(|retry_after_secs| {
            tracing::warn!(%client, retry_after_secs, "sign-up throttled");
            Error::TooManyAttempts { retry_after_secs }
        })?;
    // Every sign-up counts against the address, taken names too.
    attempt.failed(Instant::now());
    // An invitation is claimed before the account is made, so one link makes one account.
    if let Some(invitation) = invitation
        && !invitations::claim(&ctx.db, invitation).await?
    {
        return Err(Error::Forbidden(
            "This invitation does not exist, was used or has expired.".into(),
        ));
    }
    match create_account(&ctx.db, &username, password, false).await {
        Ok(user) => {
            if let Some(invitation) = invitation {
                invitations::record_use(&ctx.db, invitation, user.id).await?;
            }
            Ok(user)
        }
        Err(error) => {
            if let Some(invitation) = invitation {
                invitations::release(&ctx.db, invitation).await?;
            }
            Err(error)
        }
    }
}
