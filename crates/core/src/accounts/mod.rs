//! Accounts: creating one (sign-up, invitations and `portico user create`), logging in
//! and changing the password, the browser sign-ins, what the pages know of the
//! signed-in user; tokens, members and organisations' broker credentials in their own
//! modules.

pub mod broker_credentials;
pub mod invitations;
pub mod login;
pub mod members;
pub mod sessions;
pub mod signup;
pub mod tokens;

pub use login::{change_password, log_in};
pub use signup::{SignupMode, create_account, sign_up};

use portico_types::{OrganizationSummary, UserSummary};

use crate::Result;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::organizations::memberships_of;

/// The signed-in user and the organisations they belong to, as the pages show them.
pub async fn summary(db: &Db, user: SignedInUser) -> Result<UserSummary> {
    let organizations = memberships_of(db, user.id)
        .await?
        .into_iter()
        .map(|m| OrganizationSummary {
            role: m.role(),
            slug: m.slug,
            name: m.name,
            personal: m.personal,
        })
        .collect();
    Ok(UserSummary {
        username: user.username,
        is_admin: user.is_admin,
        organizations,
    })
}
