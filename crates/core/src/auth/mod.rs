//! Authentication and authorization: password hashing, who is behind a session or a
//! token, login throttling, and the one authorization check every feature uses.

pub mod authorize;
pub mod client;
pub mod password;
pub mod throttle;

pub use authorize::{authorize, authorize_organization};

use tower_sessions::Session;

use crate::repo::Db;
use crate::repo::tokens::{TokenScope, authenticate};
use crate::repo::{logins, users};
use crate::{Error, Result};

/// Session key holding the signed-in account's id.
pub const USER_ID_KEY: &str = "user_id";
/// Session key holding the id of the sign-in (`login_sessions`) the session belongs to.
pub const LOGIN_ID_KEY: &str = "login_id";

/// The account behind a request.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
}

/// The signed-in user of a browser session, or `None` for a visitor (or a session whose
/// account is gone, or whose sign-in was ended: signed out elsewhere, password changed).
pub async fn user_of_session(db: &Db, session: &Session) -> Result<Option<SignedInUser>> {
    let store_failed = |error: tower_sessions::session::Error| {
        tracing::error!(%error, "session store failed");
        Error::Internal
    };
    let user_id: Option<i64> = session.get(USER_ID_KEY).await.map_err(store_failed)?;
    let login_id: Option<i64> = session.get(LOGIN_ID_KEY).await.map_err(store_failed)?;
    let (Some(user_id), Some(login_id)) = (user_id, login_id) else {
        return Ok(None);
    };
    if !logins::is_live(db, login_id, user_id).await? {
        return Ok(None);
    }
    Ok(users::find_by_id(db, user_id)
        .await?
        .map(|row| SignedInUser {
            id: row.id,
            username: row.username,
            is_admin: row.is_admin,
        }))
}

/// The owner of a personal access token and the token's scope; `Unauthenticated` for
/// an unknown, revoked or expired token.
pub async fn user_of_token(db: &Db, token: &str) -> Result<(SignedInUser, TokenScope)> {
    let owner = authenticate(db, token)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let scope = TokenScope::parse(&owner.scope).unwrap_or(TokenScope::Read);
    Ok((
        SignedInUser {
            id: owner.user_id,
            username: owner.username,
            is_admin: owner.is_admin,
        },
        scope,
    ))
}
