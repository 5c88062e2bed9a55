//! The one authorization check: may this user act with at least this role in this
//! organisation? Every endpoint and server function that touches an organisation's
//! data goes through here.

use super::SignedInUser;
use crate::Error;
use crate::repo::{Db, organizations};
use portico_types::Role;

/// Grants access when the user is a member of `org_slug` with at least `needed`, or is a
/// site administrator. An organisation the user cannot see answers "not found" so its
/// existence is not disclosed; a member with too small a role is told which role is needed.
pub async fn authorize(
    db: &Db,
    user: &SignedInUser,
    org_slug: &str,
    needed: Role,
) -> Result<Role, Error> {
    if user.is_admin {
        if organizations::exists(db, org_slug).await? {
            return Ok(Role::Admin);
        }
        return Err(Error::NotFound(format!(
            "No organisation named {org_slug:?}."
        )));
    }
    match organizations::membership(db, user.id, org_slug).await? {
        Some(membership) if membership.role() >= needed => Ok(membership.role()),
        Some(membership) => Err(Error::Forbidden(format!(
            "This needs the {needed} role in {org_slug:?}; you are a {}.",
            membership.role()
        ))),
        None => Err(Error::NotFound(format!(
            "No organisation named {org_slug:?}."
        ))),
    }
}

/// [`authorize`], answering the organisation's id for the change that follows.
pub async fn authorize_organization(
    db: &Db,
    user: &SignedInUser,
    org_slug: &str,
    needed: Role,
) -> Result<i64, Error> {
    authorize(db, user, org_slug, needed).await?;
    organizations::find_by_slug(db, org_slug)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No organisation named {org_slug:?}.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::users;

    async fn user(db: &Db, name: &str, admin: bool) -> SignedInUser {
        let row = users::create_user(db, name, "x", admin).await.unwrap();
        SignedInUser {
            id: row.id,
            username: row.username,
            is_admin: row.is_admin,
        }
    }

    #[tokio::test]
    async fn roles_are_enforced_per_organisation() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let alice = user(&db, "alice", false).await;
        let bob = user(&db, "bob", false).await;
        let root = user(&db, "root", true).await;

        // Alice administers her personal organisation; Bob cannot even see it.
        assert_eq!(
            authorize(&db, &alice, "alice", Role::Admin).await,
            Ok(Role::Admin)
        );
        assert!(matches!(
            authorize(&db, &bob, "alice", Role::Viewer).await,
            Err(Error::NotFound(_))
        ));

        // As a viewer Bob may read but not publish.
        let org = organizations::membership(&db, alice.id, "alice")
            .await
            .unwrap()
            .unwrap();
        organizations::set_member_role(&db, org.organization_id, bob.id, Role::Viewer)
            .await
            .unwrap();
        assert_eq!(
            authorize(&db, &bob, "alice", Role::Viewer).await,
            Ok(Role::Viewer)
        );
        let denied = authorize(&db, &bob, "alice", Role::Contributor)
            .await
            .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "This needs the contributor role in \"alice\"; you are a viewer."
        );

        // Site administrators may act everywhere that exists.
        assert_eq!(
            authorize(&db, &root, "alice", Role::Admin).await,
            Ok(Role::Admin)
        );
        assert!(authorize(&db, &root, "nobody", Role::Viewer).await.is_err());
    }
}
