//! Browser sessions: a log-in starts one (a `login_sessions` row whose id the session
//! keeps), the account page lists them, and the user may end all but the current one.

use tower_sessions::Session;

use portico_types::{Error, SessionInfo};

use crate::Result;
use crate::auth::{LOGIN_ID_KEY, SignedInUser, USER_ID_KEY};
use crate::repo::{Db, logins};

/// Sessions unused this long are gone from the store, so they are not listed.
pub const SESSION_IDLE_DAYS: i64 = 14;

fn store_failed(error: tower_sessions::session::Error) -> Error {
    tracing::error!(%error, "session store failed");
    Error::Internal
}

/// Signs `user_id` in on `session`: a new session id (no fixation) and a new sign-in.
pub async fn start(
    db: &Db,
    session: &Session,
    user_id: i64,
    client: &str,
    user_agent: &str,
) -> Result<()> {
    let login_id = logins::start(db, user_id, client, user_agent).await?;
    session.cycle_id().await.map_err(store_failed)?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(store_failed)?;
    session
        .insert(LOGIN_ID_KEY, login_id)
        .await
        .map_err(store_failed)?;
    Ok(())
}

async fn current_login(session: &Session) -> Result<Option<i64>> {
    session.get(LOGIN_ID_KEY).await.map_err(store_failed)
}

/// Signs the session out: its sign-in ends and the store forgets it.
pub async fn end(db: &Db, session: &Session) -> Result<()> {
    if let Some(login_id) = current_login(session).await? {
        logins::end(db, login_id).await?;
    }
    session.flush().await.map_err(store_failed)
}

/// The user's live sessions, the asking one marked `current`.
pub async fn list(db: &Db, user: &SignedInUser, session: &Session) -> Result<Vec<SessionInfo>> {
    let current = current_login(session).await?.unwrap_or_default();
    Ok(logins::list(db, user.id, current, SESSION_IDLE_DAYS).await?)
}

/// Ends every session of the user but the asking one; answers how many ended.
pub async fn end_others(db: &Db, user: &SignedInUser, session: &Session) -> Result<u64> {
    let current = current_login(session)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let ended = logins::end_others(db, user.id, current).await?;
    tracing::info!(user = %user.username, ended, "other sessions signed out");
    Ok(ended)
}
