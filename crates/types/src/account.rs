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
}
