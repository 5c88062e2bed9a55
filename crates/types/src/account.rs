//! Accounts as the pages and the REST API show them: the signed-in user, their
//! organisations, members and access tokens (never a token's secret).

use serde::{Deserialize, Serialize};

use crate::role::Role;

/// The signed-in user as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub username: String,
    pub is_admin: bool,
    pub organizations: Vec<OrganizationSummary>,
}

/// An organisation the user belongs to and the user's role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub personal: bool,
}

/// One member of an organisation and their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub username: String,
    pub role: Role,
}

/// A personal access token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub display: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    /// From this instant on the token answers 401.
    pub expires_at: String,
}

/// A browser sign-in as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct SessionInfo {
    pub id: i64,
    pub client_address: String,
    pub user_agent: String,
    pub created_at: String,
    pub last_seen_at: String,
    /// The sign-in of the browser asking.
    pub current: bool,
}

/// An invitation link as a site administrator lists it (never its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct InvitationInfo {
    pub id: i64,
    pub created_at: String,
    pub expires_at: String,
    /// The account it made, once used.
    pub used_by: Option<String>,
}
