//! Personal access tokens of the signed-in user: created (the secret is answered once,
//! stored only hashed), listed with last use, revoked.

use portico_types::{Error, TokenInfo};

use crate::Result;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::tokens::{self, TokenScope};

/// Longest token name accepted.
pub const MAX_TOKEN_NAME: usize = 100;

/// A new token for `user`; the answer is the only place its secret ever appears.
pub async fn create(
    db: &Db,
    user: &SignedInUser,
    name: &str,
    scope: &str,
) -> Result<(String, TokenScope)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
        return Err(Error::Invalid(format!(
            "The token name must be 1 to {MAX_TOKEN_NAME} characters."
        )));
    }
    let scope = TokenScope::parse(scope).ok_or_else(|| {
        Error::Invalid(format!(
            "The scope {scope:?} is unknown; use read or publish."
        ))
    })?;
    Ok((tokens::create_token(db, user.id, name, scope).await?, scope))
}

/// The user's live tokens (never their secrets).
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
