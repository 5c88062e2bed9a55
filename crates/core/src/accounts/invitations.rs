//! Invitation links for `--signup invite`: site administrators make, list and revoke
//! them; a link makes one account before it expires.

use portico_types::{Error, InvitationInfo};

use crate::Result;
use crate::auth::SignedInUser;
use crate::repo::{Db, invitations};

/// How long an invitation lives.
pub const INVITATION_DAYS: u32 = 7;

fn require_site_admin(user: &SignedInUser) -> Result<()> {
    if user.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Only site administrators manage invitations.".into(),
        ))
    }
}

/// A new invitation's code (shown once; the link is `/signup?invite=CODE`).
pub async fn create(db: &Db, user: &SignedInUser) -> Result<String> {
    require_site_admin(user)?;
    let code = invitations::create(db, user.id, INVITATION_DAYS).await?;
    tracing::info!(by = %user.username, "invitation created");
    Ok(code)
}

/// Every invitation not revoked, used ones with the account they made.
pub async fn list(db: &Db, user: &SignedInUser) -> Result<Vec<InvitationInfo>> {
    require_site_admin(user)?;
    Ok(invitations::list(db).await?)
}

/// Revokes an unused invitation.
pub async fn revoke(db: &Db, user: &SignedInUser, id: i64) -> Result<()> {
    require_site_admin(user)?;
    if invitations::revoke(db, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound(format!("No unused invitation {id}.")))
    }
}
