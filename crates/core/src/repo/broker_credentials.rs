//! Broker credentials of an organisation: created once (the admin sees the secret a
//! single time), stored only as a SHA-256 hash, listed with last use, revoked by deleting
//! the row.
//! (`secrets` says why a fast hash is right).

use sqlx::FromRow;

use portico_types::BrokerCredentialInfo;

use super::Db;
use super::secrets::{digest, new_secret};

/// Every broker credential's secret starts with this, so secret scanners and people
/// recognise it, and the broker's login tells it from a personal token (`ptc_`).
pub const SECRET_PREFIX: &str = "pbc_";

/// Who a presented secret belongs to, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CredentialOwner {
    pub credential_id: i64,
    pub name: String,
    /// The organisation's slug.
    pub organization: String,
    pub publish: bool,
    pub subscribe: bool,
}

/// Creates a credential and returns its secret in clear, the only time it is available;
/// `None` when the organisation already has a credential of that name.
pub async fn create(
    db: &Db,
    organization_id: i64,
    name: &str,
    publish: bool,
    subscribe: bool,
    created_by: i64,
) -> Result<Option<String>, sqlx::Error> {
    let secret = new_secret(SECRET_PREFIX);
    let mut tx = db.write().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO broker_credentials
             (organization_id, name, secret_sha256, display, publish, subscribe, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (organization_id, name) DO NOTHING
         RETURNING id",
    )
    .bind(organization_id)
    .bind(name)
    .bind(&secret.stored)
    .bind(&secret.display)
    .bind(publish)
    .bind(subscribe)
    .bind(created_by)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(inserted.map(|_| secret.clear))
}

/// The organisation's credentials by name (never their secrets).
pub async fn list(db: &Db, organization_id: i64) -> Result<Vec<BrokerCredentialInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.name, c.publish, c.subscribe, c.display, u.username AS created_by,
                c.created_at, c.last_used_at
         FROM broker_credentials c LEFT JOIN users u ON u.id = c.created_by
         WHERE c.organization_id = ? ORDER BY c.name",
    )
    .bind(organization_id)
    .fetch_all(db.reader())
    .await
}

/// Revokes (deletes) the organisation's credential `name`; its id, `None` when there was
/// none.
pub async fn revoke(db: &Db, organization_id: i64, name: &str) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.write().await?;
    let deleted = sqlx::query_scalar(
        "DELETE FROM broker_credentials WHERE organization_id = ? AND name = ? RETURNING id",
    )
    .bind(organization_id)
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    // The commit retires the cached owner: the secret stops logging in at once.
    tx.commit().await?;
    Ok(deleted)
}

/// How stale a credential's recorded last use may get before a login writes it again:
/// the account page shows it to the minute, and a device fleet reconnecting at once
/// should not queue for SQLite's one writer.
const LAST_USE_RESOLUTION_SECS: i64 = 60;

/// Finds the credential whose secret is `secret` and records its use (at most once a
/// minute). Answers are cached for a few seconds (`read_cache`) like tokens', and every
/// write (a revocation included) retires them.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<CredentialOwner>, sqlx::Error> {
    let digest = digest(secret);
    let generation = db.cache().generation();
    if let Some(found) = db.cache().broker_credential(&digest, generation) {
        return Ok(found);
    }
    let owner = authenticate_uncached(db, &hex::encode(digest)).await?;
    db.cache()
        .put_broker_credential(digest, generation, owner.clone());
    Ok(owner)
}

async fn authenticate_uncached(
    db: &Db,
    hash: &str,
) -> Result<Option<CredentialOwner>, sqlx::Error> {
    let found = sqlx::query_as::<_, OwnerWithAge>(
        "SELECT c.id AS credential_id, c.name, o.slug AS organization, c.publish, c.subscribe,
                (c.last_used_at IS NULL
                 OR c.last_used_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)) AS stale
         FROM broker_credentials c JOIN organizations o ON o.id = c.organization_id
         WHERE c.secret_sha256 = ?",
    )
    .bind(format!("-{LAST_USE_RESOLUTION_SECS} seconds"))
    .bind(hash)
    .fetch_optional(db.reader())
    .await?;
    let Some(OwnerWithAge { owner, stale }) = found else {
        return Ok(None);
    };
    if stale {
        let mut tx = db.write().await?;
        sqlx::query(
            "UPDATE broker_credentials SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?",
        )
        .bind(owner.credential_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(Some(owner))
}

#[derive(FromRow)]
struct OwnerWithAge {
    #[sqlx(flatten)]
    owner: CredentialOwner,
    stale: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::organizations::create_organization;
    use crate::repo::users::create_user;

    #[tokio::test]
    async fn a_credential_logs_in_until_revoked_and_is_stored_hashed() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let admin = create_user(&db, "ada", "x", false).await.unwrap();
        let acme = create_organization(&db, "acme", "Acme").await.unwrap();
        let secret = create(&db, acme, "sensor-17", false, true, admin.id)
            .await
            .unwrap()
            .expect("a new name");
        assert!(secret.starts_with(SECRET_PREFIX) && secret.len() == SECRET_PREFIX.len() + 64);
        let stored: String = sqlx::query_scalar("SELECT secret_sha256 FROM broker_credentials")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(stored, hex::encode(digest(&secret)));

        let owner = authenticate(&db, &secret)
            .await
            .unwrap()
            .expect("it logs in");
        assert_eq!(
            (owner.name.as_str(), owner.organization.as_str()),
            ("sensor-17", "acme")
        );
        assert_eq!((owner.publish, owner.subscribe), (false, true));
        assert_eq!(authenticate(&db, "pbc_wrong").await.unwrap(), None);

        let listed = list(&db, acme).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].created_by.as_deref(), Some("ada"));
        assert!(listed[0].display.starts_with("pbc_") && listed[0].display.ends_with('…'));
        assert!(listed[0].last_used_at.is_some(), "the login is recorded");

        // The answer was cached; the revocation's commit retires it.
        assert_eq!(
            revoke(&db, acme, "sensor-17").await.unwrap(),
            Some(owner.credential_id)
        );
        assert_eq!(authenticate(&db, &secret).await.unwrap(), None);
        assert_eq!(revoke(&db, acme, "sensor-17").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_name_is_unique_within_its_organisation_only() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let admin = create_user(&db, "ada", "x", false).await.unwrap();
        let acme = create_organization(&db, "acme", "Acme").await.unwrap();
        let globex = create_organization(&db, "globex", "Globex").await.unwrap();
        assert!(
            create(&db, acme, "gw", true, true, admin.id)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            create(&db, acme, "gw", true, true, admin.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            create(&db, globex, "gw", true, true, admin.id)
                .await
                .unwrap()
                .is_some()
        );
    }
}
