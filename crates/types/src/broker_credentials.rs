//! Broker credentials: logins an organisation admin makes for a device or a service so it
//! can use the bundled MQTT broker in the organisation's namespace without a person's
//! token. Shared so the account page checks a name with the rule the server enforces.

use serde::{Deserialize, Serialize};

use crate::names::check_slug;

/// Longest credential name accepted.
pub const MAX_CREDENTIAL_NAME: usize = 64;

/// Checks a credential name: 1 to [`MAX_CREDENTIAL_NAME`] characters of `[a-z0-9._-]`,
/// starting with a letter or a digit (so it is never `.` or `..` in a URL path, and the
/// login `NAME@ORG` splits at its one `@`). The sentence names the field and the value.
pub fn check_credential_name(name: &str) -> Result<(), String> {
    check_slug("name", name, MAX_CREDENTIAL_NAME).map_err(|reason| {
        if name.is_empty() {
            format!("The broker credential's {reason}")
        } else {
            format!("The broker credential's {reason} Got {name:?}.")
        }
    })
}

/// A broker credential as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BrokerCredentialInfo {
    /// Unique in the organisation; the MQTT user name is `NAME@ORG`.
    pub name: String,
    /// May publish in the organisation's namespace.
    pub publish: bool,
    /// May subscribe in the organisation's namespace.
    pub subscribe: bool,
    /// The secret's first characters, to tell credentials apart.
    pub display: String,
    /// The admin who made it; null once that account is gone.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub created_by: Option<String>,
    pub created_at: String,
    /// Null until the credential first logs in (recorded at most once a minute).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub last_used_at: Option<String>,
}

/// A credential just made: the only answer that ever carries its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedBrokerCredential {
    /// The organisation whose namespace the client lives in.
    pub organization: String,
    pub name: String,
    /// What to send as the MQTT user name: `NAME@ORG`.
    pub username: String,
    /// What to send as the MQTT password (`pbc_…`); shown only here.
    pub secret: String,
    pub publish: bool,
    pub subscribe: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_slugs_and_a_refusal_says_why_and_what() {
        for ok in ["sensor-17", "a", "gw.hall_2", &"x".repeat(64)] {
            assert_eq!(check_credential_name(ok), Ok(()), "{ok}");
        }
        let long = check_credential_name(&"x".repeat(65)).unwrap_err();
        assert!(long.contains("at most 64"), "{long}");
        let spaced = check_credential_name("Sensor 17").unwrap_err();
        assert!(
            spaced.starts_with("The broker credential's name") && spaced.contains("\"Sensor 17\""),
            "{spaced}"
        );
        for bad in ["", "..", "-x", "a@b", "a/b", "é"] {
            assert!(check_credential_name(bad).is_err(), "{bad}");
        }
    }
}
