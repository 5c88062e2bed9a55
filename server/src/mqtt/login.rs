//! Who may use the bundled broker over MQTT, and where each client lives.
//!
//! A client logs in with user name `USER` or `USER@ORG` and a Portico token of that user
//! as password. It is mounted in the organisation's namespace (`orgs/{org}/`, the
//! personal organisation without `@ORG`), so it sees that namespace from the root and
//! nothing else: a raw client and the console of the organisation's assets meet on the
//! same topics. Any member (and any site administrator) may subscribe; publishing needs
//! a token with the publish or admin scope, as publishing from the console does over the
//! REST API. A device or service logs in as `NAME@ORG` with a broker credential
//! (`pbc_…`) an admin of ORG made, into the same namespace with the credential's own
//! publish and subscribe rights. Anonymous clients
//! (no user name, no password) only when the server allows them, all in one namespace of
//! their own, apart from every organisation's.

use std::sync::Arc;

use mqtt_broker::{AuthFuture, Authenticator, Grant, Login, Refusal};
use portico_core::Error;
use portico_core::accounts::broker_credentials;
use portico_core::auth::user_of_token;
use portico_core::repo::Db;
use portico_core::repo::organizations::{find_by_slug, memberships_of};
use portico_core::repo::tokens::TokenScope;

use crate::console::namespace::Namespace;

/// Where anonymous clients live (never under `orgs/`, so no console sees them).
pub const ANONYMOUS_MOUNT: &str = "anonymous/";

/// The broker's authenticator over the server's accounts and tokens.
pub fn authenticator(db: Db, allow_anonymous: bool) -> Arc<dyn Authenticator> {
    Arc::new(move |login: Login| -> AuthFuture {
        let db = db.clone();
        Box::pin(async move {
            let peer = login.peer;
            let username = login.username.clone();
            let decision = grant(&db, login, allow_anonymous).await;
            match &decision {
                Ok(grant) => tracing::info!(%peer, ?username, mount = %grant.mount, "MQTT login"),
                Err(refusal) => tracing::info!(%peer, ?username, ?refusal, "MQTT login refused"),
            }
            decision
        })
    })
}

/// What `login` may do, or why it may not connect.
async fn grant(db: &Db, login: Login, allow_anonymous: bool) -> Result<Grant, Refusal> {
    let (username, password) = match (login.username, login.password) {
        (None, None) if allow_anonymous => return Ok(Grant::full(ANONYMOUS_MOUNT)),
        (None, None) => return Err(Refusal::NotAuthorized),
        (Some(username), Some(password)) => (username, password),
        // A name without a password or the other way round is a failed login.
        _ => return Err(Refusal::BadCredentials),
    };
    let token = String::from_utf8(password).map_err(|_| Refusal::BadCredentials)?;
    if broker_credentials::is_credential_secret(&token) {
        return credential_grant(db, &username, &token).await;
    }
    let (user, org) = match username.rsplit_once('@') {
        Some((user, org)) => (user, Some(org)),
        None => (username.as_str(), None),
    };
    let (owner, scope) = match user_of_token(db, &token).await {
        Ok(found) => found,
        Err(Error::Unauthenticated) => return Err(Refusal::BadCredentials),
        Err(error) => {
            tracing::error!(%error, "MQTT login: cannot check the token");
            return Err(Refusal::NotAuthorized);
        }
    };
    // The token decides who it is; the name must agree, so a leaked token cannot be
    // passed off under another user's name in the logs.
    if !owner.username.eq_ignore_ascii_case(user) {
        return Err(Refusal::BadCredentials);
    }
    let memberships = memberships_of(db, owner.id).await.map_err(|error| {
        tracing::error!(%error, "MQTT login: cannot read memberships");
        Refusal::NotAuthorized
    })?;
    let membership = match org {
        Some(slug) => memberships.iter().find(|m| m.slug == slug),
        None => memberships.iter().find(|m| m.personal),
    };
    let slug = match (membership, org) {
        (Some(membership), _) => membership.slug.clone(),
        // Site administrators may enter any organisation's namespace (the demo catalog's
        // has no members).
        (None, Some(slug)) if owner.is_admin && organization_exists(db, slug).await? => {
            slug.to_owned()
        }
        _ => return Err(Refusal::NotAuthorized),
    };
    Ok(Grant {
        mount: Namespace::of_org(&slug).prefix().to_owned(),
        publish: scope != TokenScope::Read,
        subscribe: true,
        identity: None,
    })
}

async fn organization_exists(db: &Db, slug: &str) -> Result<bool, Refusal> {
    match find_by_slug(db, slug).await {
        Ok(found) => Ok(found.is_some()),
        Err(error) => {
            tracing::error!(%error, "MQTT login: cannot read organisations");
            Err(Refusal::NotAuthorized)
        }
    }
}

/// What a broker credential may do: its organisation's namespace, its own rights. A
/// wrong, revoked or misnamed secret is a failed login (0x86).
async fn credential_grant(db: &Db, username: &str, secret: &str) -> Result<Grant, Refusal> {
    match broker_credentials::authenticate(db, username, secret).await {
        Ok(Some(credential)) => Ok(Grant {
            mount: Namespace::of_org(&credential.organization)
                .prefix()
                .to_owned(),
            publish: credential.publish,
            subscribe: credential.subscribe,
            // A revocation ends the connections granted this.
            identity: Some(broker_credentials::identity(credential.credential_id)),
        }),
        Ok(None) => Err(Refusal::BadCredentials),
        Err(error) => {
            tracing::error!(%error, "MQTT login: cannot check the broker credential");
            Err(Refusal::NotAuthorized)
        }
    }
}
