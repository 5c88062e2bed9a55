//! Members of an organisation: every member sees who belongs; admins add people, change
//! roles and remove members (never the last admin, nor the owner of a personal one).

use portico_types::{Error, Member, Role};

use crate::Result;
use crate::auth::{SignedInUser, authorize, authorize_organization};
use crate::repo::organizations::RemoveOutcome;
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
    let org_id = authorize_organization(db, user, org, Role::Admin).await?;
    let username = username.trim();
    let member = users::find_by_name(db, username)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No user named {username:?}.")))?;
    organizations::set_member_role(db, org_id, member.id, role).await?;
    Ok(Member {
        username: member.username,
        role,
    })
}

/// Removes `username` from `org` (organisation admins). What they shared of its
/// projects stops working, since a share lives only while its sharer may edit.
pub async fn remove(db: &Db, user: &SignedInUser, org: &str, username: &str) -> Result<()> {
    authorize(db, user, org, Role::Admin).await?;
    let username = username.trim().to_lowercase();
    let not_member = || Error::NotFound(format!("{username:?} is not a member of {org:?}."));
    let member = users::find_by_name(db, &username)
        .await?
        .ok_or_else(not_member)?;
    let (org_id, owner) = organizations::find_with_owner(db, org)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No organisation named {org:?}.")))?;
    if owner == Some(member.id) {
        return Err(Error::Conflict(format!(
            "{username:?} owns the personal organisation {org:?} and cannot leave it."
        )));
    }
    match organizations::remove_member(db, org_id, member.id).await? {
        RemoveOutcome::Removed => {
            tracing::info!(%org, member = %username, by = %user.username, "member removed");
            Ok(())
        }
        RemoveOutcome::NotAMember => Err(not_member()),
        RemoveOutcome::LastAdmin => Err(Error::Conflict(format!(
            "{username:?} is the last admin of {org:?}; make someone else admin first."
        ))),
    }
}
