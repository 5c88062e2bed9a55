//! Organisation roles. Shared by server and browser so pages can show what a user may do;
//! enforcement happens only on the server, in `auth::authorize`.

use serde::{Deserialize, Serialize};

/// What a member may do in an organisation; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the organisation's private assets.
    Viewer,
    /// Publishes assets and versions.
    Contributor,
    /// Changes lifecycles, deletes versions, manages members.
    Admin,
}

impl Role {
    /// The stored and displayed name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Contributor => "contributor",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored role name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "viewer" => Some(Role::Viewer),
            "contributor" => Some(Role::Contributor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Viewer < Role::Contributor);
        assert!(Role::Contributor < Role::Admin);
    }

    #[test]
    fn role_names_round_trip() {
        for role in [Role::Viewer, Role::Contributor, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }
}
