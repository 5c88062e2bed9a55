//! Personal access tokens: created once (the caller sees the token a single time),
//! stored only as a SHA-256 hash, listed with last use, revoked.

use sqlx::FromRow;

use portico_types::TokenInfo;

use super::Db;
use super::secrets::{digest, new_secret};

/// What a token may do; each scope includes the ones before it (`read < publish < admin`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Read what the user may read.
    Read,
    /// Also publish where the user may publish.
    Publish,
    /// Also create tokens and manage members where the user is an admin.
    Admin,
}

impl TokenScope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Publish => "publish",
            TokenScope::Admin => "admin",
        }
    }

    /// Parses a stored or requested name.
    pub fn parse(name: &str) -> Option<TokenScope> {
        match name {
            "read" => Some(TokenScope::Read),
            "publish" => Some(TokenScope::Publish),
            "admin" => Some(TokenScope::Admin),
            _ => None,
        }
    }
}

/// Every token starts with this, so secret scanners and people recognise it.
pub const TOKEN_PREFIX: &str = "ptc_";

/// The owner and scope of a presented token.
#[derive(Debug, Clone, FromRow)]
pub struct TokenOwner {
    pub token_id: i64,
    pub user_id: i64,
    pub username: String,
    pub is_admin: bool,
    pub scope: String,
}

/// Creates a token that expires at `expires_at` (an instant, stored as written) and
/// returns it in clear: the only time it is ever available.
pub async fn create_token(
    db: &Db,
    user_id: i64,
    name: &str,
    scope: TokenScope,
    expires_at: &str,
) -> Result<String, sqlx::Error> {
    let token = new_secret(TOKEN_PREFIX);
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO api_tokens (user_id, name, scope, token_sha256, display, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(name)
    .bind(scope.as_str())
    .bind(&token.stored)
    .bind(&token.display)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token.clear)
}

/// How stale a token's recorded last use may get before a request writes it again: the
/// account page shows it to the minute, and a write per API request would cap throughput.
const LAST_USE_RESOLUTION_SECS: i64 = 60;

/// Finds the live token matching `token` and records its use (at most once a minute).
///
/// Answers are cached for a few seconds (`read_cache`), so the check of the last use
/// runs at most that often per token.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<TokenOwner>, sqlx::Error> {
    let digest = digest(token);
    let generation = db.cache().generation();
    if let Some(found) = db.cache().token(&digest, generation) {
        return Ok(found);
    }
    let owner = authenticate_uncached(db, &hex::encode(digest)).await?;
    db.cache().put_token(digest, generation, owner.clone());
    Ok(owner)
}

async fn authenticate_uncached(db: &Db, hash: &str) -> Result<Option<TokenOwner>, sqlx::Error> {
    let found: Option<(TokenOwner, bool)> = sqlx::query_as::<_, TokenOwnerWithAge>(
        "SELECT t.id AS token_id, u.id AS user_id, u.username, u.is_admin, t.scope,
                (t.last_used_at IS NULL OR t.last_used_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)) AS stale
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_sha256 = ? AND t.revoked_at IS NULL
         AND t.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(format!("-{LAST_USE_RESOLUTION_SECS} seconds"))
    .bind(hash)
    .fetch_optional(db.reader())
    .await?
    .map(|row| (row.owner, row.stale));
    let Some((owner, stale)) = found else {
        return Ok(None);
    };
    if stale {
        let mut tx = db.write().await?;
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(owner.token_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(Some(owner))
}

#[derive(FromRow)]
struct TokenOwnerWithAge {
    #[sqlx(flatten)]
    owner: TokenOwner,
    stale: bool,
}

/// The user's live tokens, newest first.
pub async fn list_tokens(db: &Db, user_id: i64) -> Result<Vec<TokenInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, scope, display, created_at, last_used_at, expires_at FROM api_tokens
         WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(db.reader())
    .await
}

/// Revokes one of the user's tokens; `false` when there was no such live token.
pub async fn revoke_token(db: &Db, user_id: i64, token_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let result = sqlx::query(
        "UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
    )
    .bind(token_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    // The commit retires the cached owner: a revoked token stops working at once.
    tx.commit().await?;
    Ok(result.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::users::create_user;

    #[tokio::test]
    async fn a_token_authenticates_until_revoked_and_is_stored_hashed() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let user = create_user(&db, "ci", "x", false).await.unwrap();
        let token = create_token(
            &db,
            user.id,
            "ci",
            TokenScope::Publish,
            "2999-01-01T00:00:00.000Z",
        )
        .await
        .unwrap();
        assert!(token.starts_with(TOKEN_PREFIX) && token.len() == TOKEN_PREFIX.len() + 64);

        let stored: String = sqlx::query_scalar("SELECT token_sha256 FROM api_tokens")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_ne!(stored, token);

        let owner = authenticate(&db, &token).await.unwrap().unwrap();
        assert_eq!(
            (owner.username.as_str(), owner.scope.as_str()),
            ("ci", "publish")
        );
        assert!(authenticate(&db, "ptc_wrong").await.unwrap().is_none());

        let listed = list_tokens(&db, user.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some(), "use is recorded");

        assert!(revoke_token(&db, user.id, listed[0].id).await.unwrap());
        assert!(authenticate(&db, &token).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn an_expired_token_does_not_authenticate() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let user = create_user(&db, "ci", "x", false).await.unwrap();
        let past = create_token(
            &db,
            user.id,
            "old",
            TokenScope::Read,
            "2000-01-01T00:00:00.000Z",
        )
        .await
        .unwrap();
        assert!(authenticate(&db, &past).await.unwrap().is_none());
    }

    #[test]
    fn scopes_include_the_ones_below() {
        assert!(TokenScope::Read < TokenScope::Publish && TokenScope::Publish < TokenScope::Admin);
    }
}
