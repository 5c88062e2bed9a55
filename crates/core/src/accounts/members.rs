//! Members of an organisation: every member sees who belongs; admins add people and
//! change roles.

use portico_types::{Error, Member, Role};

use crate::Result;
use crate::auth::{SignedInUser, authorize};
use crate::repo::{Db, organizations, users};

/// The members of `org` and their roles (any member may ask).
pub async fn list(db: &Db, user: &SignedInUser, org: &str) -> Result<Vec<Member>> {
    authorize(db, user, org, Role::Viewer).await?;
    Ok(organizations::members_of(db, org)
        .await?
        .into_iter()
        .map(|(username, role)| Member {
            username,
            role: Role::parse(&role).unwrap_or(Role::Viewer),
        })
        .collect())
}

/// Adds `username` to `org` or changes their role (organisation admins).
pub async fn set_role(
    db: &Db,
    user: &SignedInUser,
    org: &str,
    username: &str,
    role: Role,
) -> Result<Member> {
    authorize(db, user, org, Role::Admin).await?;
    let username = username.trim();
    let member = users::find_by_name(db, username)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No user named {username:?}.")))?;
    let org_id = organizations::find_by_slug(db, org)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No organisation named {org:?}.")))?;
    organizations::set_member_role(db, org_id, member.id, role).await?;
    Ok(Member {
        username: member.username,
        role,
    })
}
