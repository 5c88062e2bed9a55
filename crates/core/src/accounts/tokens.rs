//! Personal access tokens of the signed-in user: created with a scope and an expiry date
//! (the secret is answered once, stored only hashed), listed with last use, revoked.

use portico_types::{Error, TokenInfo};
use time::{Date, Duration, OffsetDateTime, format_description::well_known::Iso8601};

use crate::Result;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::tokens::{self, TokenScope};

/// Longest token name accepted.
pub const MAX_TOKEN_NAME: usize = 100;
/// How long a token lives unless its creator chooses.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
/// The furthest expiry date allowed, in days from today.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// A token just made: its secret (the only time it is shown), scope and expiry instant.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub scope: TokenScope,
    pub expires_at: String,
}

/// The instant a token chosen to expire on `date` (`YYYY-MM-DD`, UTC; none: in
/// [`DEFAULT_TOKEN_DAYS`]) stops working: the start of that day.
pub fn expiry(date: Option<&str>, today: Date) -> Result<String> {
    let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => today + Duration::days(DEFAULT_TOKEN_DAYS),
        Some(text) => Date::parse(text, &Iso8601::DATE).map_err(|_| {
            Error::Invalid(format!(
                "expiresAt {text:?} is not a date; write it as YYYY-MM-DD."
            ))
        })?,
    };
    if date <= today || date > today + Duration::days(MAX_TOKEN_DAYS) {
        return Err(Error::Invalid(format!(
            "expiresAt must be after today and at most {MAX_TOKEN_DAYS} days away."
        )));
    }
    Ok(format!("{date}T00:00:00.000Z"))
}

/// A new token for `user`, expiring on `expires` (see [`expiry`]).
pub async fn create(
    db: &Db,
    user: &SignedInUser,
    name: &str,
    scope: &str,
    expires: Option<&str>,
) -> Result<NewToken> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
        return Err(Error::Invalid(format!(
            "The token name must be 1 to {MAX_TOKEN_NAME} characters."
        )));
    }
    let scope = TokenScope::parse(scope).ok_or_else(|| {
        Error::Invalid(format!(
            "The scope {scope:?} is unknown; use read, publish or admin."
        ))
    })?;
    let expires_at = expiry(expires, OffsetDateTime::now_utc().date())?;
    let token = tokens::create_token(db, user.id, name, scope, &expires_at).await?;
    Ok(NewToken {
        token,
        scope,
        expires_at,
    })
}

/// The user's live tokens (never their secrets), expired ones included until revoked.
pub async fn list(db: &Db, user: &SignedInUser) -> Result<Vec<TokenInfo>> {
    Ok(tokens::list_tokens(db, user.id).await?)
}

/// Revokes one of the user's tokens.
pub async fn revoke(db: &Db, user: &SignedInUser, id: i64) -> Result<()> {
    if tokens::revoke_token(db, user.id, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound(format!("You have no live token {id}.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn expiry_defaults_to_ninety_days_and_checks_the_date() {
        let today = date!(2025 - 01 - 10);
        assert_eq!(expiry(None, today).unwrap(), "2025-04-10T00:00:00.000Z");
        assert_eq!(
            expiry(Some("2025-02-01"), today).unwrap(),
            "2025-02-01T00:00:00.000Z"
        );
        for bad in [
            "2025-01-10",
            "2024-12-31",
            "2026-06-01",
            "soon",
            "2025-02-30",
        ] {
            assert!(expiry(Some(bad), today).is_err(), "{bad}");
        }
    }
}
