//! Broker credentials: an organisation's admins make a login for each device or service
//! that talks to the bundled MQTT broker (the secret answered once, stored only hashed),
//! list and revoke them (the broker then ends their connections); the broker's login
//! checks a presented one with [`authenticate`] and grants it [`identity`]. A credential
//! lives in its organisation's namespace with the rights it was made with, whoever made it
//! and whatever becomes of that person.

use portico_types::broker_credentials::check_credential_name;
use portico_types::{BrokerCredentialInfo, CreatedBrokerCredential, Error, Role};

use crate::auth::{SignedInUser, authorize_organization};
use crate::repo::Db;
use crate::repo::broker_credentials::{self, CredentialOwner, SECRET_PREFIX};
use crate::{Result, ServerContext};

/// The credentials of `org`, never their secrets (organisation admins).
pub async fn list(db: &Db, user: &SignedInUser, org: &str) -> Result<Vec<BrokerCredentialInfo>> {
    let org_id = authorize_organization(db, user, org, Role::Admin).await?;
    Ok(broker_credentials::list(db, org_id).await?)
}

/// A new credential `name` of `org` with these rights (organisation admins); the answer
/// is the only time its secret is available.
pub async fn create(
    db: &Db,
    user: &SignedInUser,
    org: &str,
    name: &str,
    publish: bool,
    subscribe: bool,
) -> Result<CreatedBrokerCredential> {
    let org_id = authorize_organization(db, user, org, Role::Admin).await?;
    let name = name.trim();
    check_credential_name(name).map_err(Error::Invalid)?;
    if !publish && !subscribe {
        return Err(Error::Invalid(format!(
            "The broker credential {name:?} may neither publish nor subscribe; allow one of them."
        )));
    }
    let secret = broker_credentials::create(db, org_id, name, publish, subscribe, user.id)
        .await?
        .ok_or_else(|| {
            Error::Conflict(format!(
                "{org:?} already has a broker credential named {name:?}; revoke it or choose another name."
            ))
        })?;
    tracing::info!(%org, credential = %name, by = %user.username, "broker credential created");
    Ok(CreatedBrokerCredential {
        organization: org.to_owned(),
        name: name.to_owned(),
        username: format!("{name}@{org}"),
        secret,
        publish,
        subscribe,
    })
}

/// Revokes `org`'s credential `name` (organisation admins): it cannot log in again, and
/// the bundled broker ends the connections it has open.
pub async fn revoke(ctx: &ServerContext, user: &SignedInUser, org: &str, name: &str) -> Result<()> {
    let db = &ctx.db;
    let org_id = authorize_organization(db, user, org, Role::Admin).await?;
    let Some(id) = broker_credentials::revoke(db, org_id, name).await? else {
        return Err(Error::NotFound(format!(
            "{org:?} has no broker credential named {name:?}."
        )));
    };
    let disconnected = ctx
        .disconnect_broker_clients
        .as_ref()
        .map_or(0, |disconnect| disconnect(&identity(id)));
    tracing::info!(%org, credential = %name, by = %user.username, disconnected, "broker credential revoked");
    Ok(())
}

/// The identity the broker grants a client of credential `credential_id`, by which a
/// revocation finds its connections (ids are never reused, names may be).
pub fn identity(credential_id: i64) -> String {
    format!("broker-credential:{credential_id}")
}

/// Whether `secret` looks like a broker credential rather than a personal token.
pub fn is_credential_secret(secret: &str) -> bool {
    secret.starts_with(SECRET_PREFIX)
}

/// The credential behind an MQTT login: `login` is the user name the client sent
/// (`NAME@ORG`), `secret` its password. `None` for an unknown or revoked secret, and for
/// a name that is not the secret's own, so a leaked secret cannot be passed off under
/// another name in the logs.
pub async fn authenticate(db: &Db, login: &str, secret: &str) -> Result<Option<CredentialOwner>> {
    let Some((name, org)) = login.rsplit_once('@') else {
        return Ok(None);
    };
    let Some(owner) = broker_credentials::authenticate(db, secret).await? else {
        return Ok(None);
    };
    let matches =
        owner.name.eq_ignore_ascii_case(name) && owner.organization.eq_ignore_ascii_case(org);
    Ok(matches.then_some(owner))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::repo::organizations::{create_organization, set_member_role};
    use crate::repo::users::create_user;

    async fn user(db: &Db, name: &str) -> SignedInUser {
        let row = create_user(db, name, "x", false).await.unwrap();
        SignedInUser {
            id: row.id,
            username: row.username,
            is_admin: row.is_admin,
        }
    }

    #[tokio::test]
    async fn only_admins_manage_credentials_and_the_login_must_name_its_own() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let ended = Arc::new(Mutex::new(Vec::new()));
        let ctx = ServerContext {
            disconnect_broker_clients: Some({
                let ended = ended.clone();
                Arc::new(move |identity: &str| {
                    ended.lock().unwrap().push(identity.to_owned());
                    1
                })
            }),
            ..ServerContext::new(db.clone(), Default::default())
        };
        let ada = user(&db, "ada").await;
        let vic = user(&db, "vic").await;
        let eve = user(&db, "eve").await;
        let acme = create_organization(&db, "acme", "Acme").await.unwrap();
        set_member_role(&db, acme, ada.id, Role::Admin)
            .await
            .unwrap();
        set_member_role(&db, acme, vic.id, Role::Contributor)
            .await
            .unwrap();

        let created = create(&db, &ada, "acme", " sensor-17 ", true, false)
            .await
            .unwrap();
        assert_eq!(created.username, "sensor-17@acme");
        assert!(is_credential_secret(&created.secret));

        // A contributor is told the role needed; an outsider learns nothing of acme.
        let denied = create(&db, &vic, "acme", "gw", true, true).await;
        assert!(matches!(denied, Err(Error::Forbidden(_))), "{denied:?}");
        assert!(matches!(
            list(&db, &vic, "acme").await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            revoke(&ctx, &eve, "acme", "sensor-17").await,
            Err(Error::NotFound(_))
        ));

        // Bad names and duplicate names are refused with what and where.
        let bad = create(&db, &ada, "acme", "Sensor 17", true, true).await;
        assert!(
            matches!(&bad, Err(Error::Invalid(m)) if m.contains("name") && m.contains("Sensor 17")),
            "{bad:?}"
        );
        let twice = create(&db, &ada, "acme", "sensor-17", true, true).await;
        assert!(
            matches!(&twice, Err(Error::Conflict(m)) if m.contains("sensor-17")),
            "{twice:?}"
        );
        let idle = create(&db, &ada, "acme", "idle", false, false).await;
        assert!(matches!(idle, Err(Error::Invalid(_))), "{idle:?}");

        let secret = created.secret.as_str();
        let owner = authenticate(&db, "sensor-17@acme", secret)
            .await
            .unwrap()
            .expect("it logs in");
        assert_eq!((owner.publish, owner.subscribe), (true, false));
        for wrong in ["sensor-17", "other@acme", "sensor-17@globex", "ada"] {
            assert_eq!(
                authenticate(&db, wrong, secret).await.unwrap(),
                None,
                "{wrong}"
            );
        }

        let listed = list(&db, &ada, "acme").await.unwrap();
        assert_eq!(
            listed.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["sensor-17"]
        );
        assert!(ended.lock().unwrap().is_empty(), "nothing revoked yet");
        revoke(&ctx, &ada, "acme", "sensor-17").await.unwrap();
        assert_eq!(
            authenticate(&db, "sensor-17@acme", secret).await.unwrap(),
            None
        );
        // The broker was told to end the connections of exactly that credential.
        assert_eq!(*ended.lock().unwrap(), [identity(owner.credential_id)]);
        assert!(matches!(
            revoke(&ctx, &ada, "acme", "sensor-17").await,
            Err(Error::NotFound(_))
        ));
    }
}
