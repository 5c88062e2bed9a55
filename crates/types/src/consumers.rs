//! The people and systems on the other side of an API: who consumes which asset (and
//! which of its versions), the notifications they receive when a version they use is
//! published, deprecated or deleted, and the webhooks that carry those events to an
//! organisation's own systems.

use serde::{Deserialize, Serialize};

/// Longest contact a consumer may leave.
pub const MAX_CONTACT_CHARS: usize = 200;
/// Most operations or channels a consumer may name.
pub const MAX_USES: usize = 100;
/// Longest name of one operation or channel a consumer uses.
pub const MAX_USE_CHARS: usize = 200;
/// Most webhooks one organisation keeps.
pub const MAX_WEBHOOKS: usize = 20;
/// Longest webhook URL.
pub const MAX_WEBHOOK_URL_CHARS: usize = 2000;
/// Shortest and longest webhook secret.
pub const WEBHOOK_SECRET_CHARS: std::ops::RangeInclusive<usize> = 16..=200;

/// A range of versions a consumer uses, in semver's requirement syntax: `^1.2` (1.2.0 up
/// to, not including, 2.0.0; a bare `1.2` means the same), `~1.2` (1.2.x), `>=1.0, <3`,
/// `=1.4.2`, `*`. A pre-release is in a range only when the range names a pre-release of
/// the same major.minor.patch, as in Cargo and npm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange {
    text: String,
    requirement: semver::VersionReq,
}

impl VersionRange {
    /// Reads a range, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<VersionRange, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("The version range is empty; write one such as ^1.2 or >=1.0, <3.".into());
        }
        if text.len() > 100 {
            return Err("The version range is longer than 100 characters.".into());
        }
        let requirement = semver::VersionReq::parse(text).map_err(|error| {
            format!("{text:?} is not a version range ({error}); write one such as ^1.2, ~1.4 or >=1.0, <3.")
        })?;
        Ok(VersionRange {
            text: text.to_owned(),
            requirement,
        })
    }

    /// Whether `version` (a published version number) is in the range.
    pub fn contains(&self, version: &str) -> bool {
        semver::Version::parse(version).is_ok_and(|v| self.requirement.matches(&v))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// What a user sends to register as a consumer of an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewConsumer {
    /// The versions used (`^1.2`).
    pub range: String,
    /// The organisation that consumes (one the caller belongs to); the caller's own
    /// personal organisation when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The operations (ids) or channels (names or addresses) used; all when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<Vec<String>>,
    /// Who to talk to about a change (an e-mail address, a team, a chat channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A registered consumer of an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consumer {
    pub id: i64,
    /// The consuming organisation (a user's personal organisation for themselves).
    pub organisation: String,
    /// Who registered it (`null` once their account is gone).
    pub registered_by: Option<String>,
    pub range: String,
    /// The operations or channels used; empty for all.
    pub uses: Vec<String>,
    pub contact: String,
    pub created_at: String,
    /// Whether the caller may remove it (they registered it, or administer either side).
    pub removable: bool,
}

/// What happened to a version, as notifications and webhooks name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    #[serde(rename = "version.published")]
    Published,
    #[serde(rename = "version.deprecated")]
    Deprecated,
    #[serde(rename = "version.deleted")]
    Deleted,
    #[serde(rename = "sunset.reminder")]
    SunsetReminder,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::Published,
        EventKind::Deprecated,
        EventKind::Deleted,
        EventKind::SunsetReminder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Published => "version.published",
            EventKind::Deprecated => "version.deprecated",
            EventKind::Deleted => "version.deleted",
            EventKind::SunsetReminder => "sunset.reminder",
        }
    }

    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// How a person reads it: "published", "deprecated".
    pub fn verb(self) -> &'static str {
        match self {
            EventKind::Published => "published",
            EventKind::Deprecated => "deprecated",
            EventKind::Deleted => "deleted",
            EventKind::SunsetReminder => "reaches its sunset soon",
        }
    }
}

/// What changed in a published version against the release before it, in short.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeSummary {
    /// The release it was compared with (`null` for a first release).
    pub base_version: Option<String>,
    /// Whether the diff found a breaking change (`null` when nothing was compared).
    pub breaking: Option<bool>,
    /// How many changes and how many of them break consumers.
    pub changes: usize,
    pub breaking_changes: usize,
    /// The first breaking changes' messages (at most ten).
    pub highlights: Vec<String>,
    /// For a deprecation or a sunset reminder: the version to move to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// For a deprecation or a sunset reminder: the day the version goes away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunset: Option<String>,
}

/// One entry of a user's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub event: EventKind,
    pub group: String,
    pub asset: String,
    pub version: String,
    pub summary: ChangeSummary,
    /// The range of the registration that brought it (the first one, when several did).
    pub range: String,
    pub created_at: String,
    pub read: bool,
}

/// A user's inbox: the newest notifications first and how many are unread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub unread: i64,
    pub notifications: Vec<Notification>,
}

/// What an organisation admin sends to add a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where events are POSTed (`http` or `https`; the host must be allowed by the
    /// server's outbound allow-list).
    pub url: String,
    /// Signs every delivery (`Portico-Signature`); 16 to 200 characters.
    pub secret: String,
    /// The events it receives; all when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventKind>>,
}

/// An organisation's webhook (its secret is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: Vec<EventKind>,
    pub created_at: String,
    pub created_by: Option<String>,
}

/// Where a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt for 24 hours failed (an admin may deliver it again).
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<DeliveryState> {
        match name {
            "pending" => Some(DeliveryState::Pending),
            "delivered" => Some(DeliveryState::Delivered),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// One event's delivery to one webhook, with its attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: i64,
    /// Sent as `Portico-Delivery`: the same on every attempt, so a receiver can drop repeats.
    pub key: String,
    pub event: EventKind,
    pub group: String,
    pub asset: String,
    pub version: String,
    pub state: DeliveryState,
    pub attempts: Vec<DeliveryAttempt>,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
}

/// One attempt of a delivery: the receiver's status code, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    pub at: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_as_semver_requirements() {
        let caret = VersionRange::parse("^1.2").unwrap();
        assert!(caret.contains("1.2.0"));
        assert!(caret.contains("1.9.3"));
        assert!(!caret.contains("1.1.9"));
        assert!(!caret.contains("2.0.0"));
        assert!(
            !caret.contains("1.3.0-beta.1"),
            "pre-releases only when named"
        );
        let bare = VersionRange::parse("1.2").unwrap();
        assert!(bare.contains("1.5.0") && !bare.contains("2.0.0"));
        let tilde = VersionRange::parse("~1.4").unwrap();
        assert!(tilde.contains("1.4.7") && !tilde.contains("1.5.0"));
        let span = VersionRange::parse(">=1.0, <3").unwrap();
        assert!(span.contains("2.9.9") && !span.contains("3.0.0") && !span.contains("0.9.0"));
        let pre = VersionRange::parse(">=2.0.0-rc.1").unwrap();
        assert!(pre.contains("2.0.0-rc.2") && pre.contains("2.1.0"));
        assert!(VersionRange::parse("*").unwrap().contains("0.0.1"));
        assert!(!caret.contains("not a version"));
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        assert!(VersionRange::parse("").unwrap_err().contains("empty"));
        let error = VersionRange::parse("one point two").unwrap_err();
        assert!(
            error.contains("\"one point two\" is not a version range"),
            "{error}"
        );
    }

    #[test]
    fn event_names_round_trip() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventKind::parse("version.renamed"), None);
    }
}
