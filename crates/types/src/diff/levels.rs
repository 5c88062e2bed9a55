//! The diff's rule catalog as the rules page lists it, and the levels an organisation
//! gives rules instead of the catalog's defaults (applied by the publish gate, the
//! Publish dialog's preview and the compare view alike).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Direction, Severity};

/// The level an organisation gives a rule: one of the severities, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Breaking,
    Warning,
    Info,
    /// The rule reports nothing.
    Off,
}

impl RuleLevel {
    /// Every level, most severe first.
    pub const ALL: [RuleLevel; 4] = [
        RuleLevel::Breaking,
        RuleLevel::Warning,
        RuleLevel::Info,
        RuleLevel::Off,
    ];

    /// The severity changes get, `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Breaking => Some(Severity::Breaking),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Off => None,
        }
    }

    /// The level of a severity (`None`: off).
    pub fn of(severity: Option<Severity>) -> RuleLevel {
        match severity {
            Some(Severity::Breaking) => RuleLevel::Breaking,
            Some(Severity::Warning) => RuleLevel::Warning,
            Some(Severity::Info) => RuleLevel::Info,
            None => RuleLevel::Off,
        }
    }

    /// The name used in every input and output.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleLevel::Off => "off",
            level => level.severity().map_or("off", Severity::as_str),
        }
    }

    /// The level named `name`, as [`RuleLevel::as_str`] writes it.
    pub fn parse(name: &str) -> Option<RuleLevel> {
        RuleLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == name)
    }
}

/// One rule of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSummary {
    pub id: String,
    /// The severity its changes get unless an organisation says otherwise.
    pub severity: Severity,
    /// The data it concerns, seen from a consumer.
    pub applies: Direction,
    /// `schema`, `openapi`, `asyncapi` or `both`.
    pub scope: String,
    pub description: String,
    /// An example before the change and after it (YAML).
    pub before: String,
    pub after: String,
}

/// The levels an organisation gives diff rules instead of their defaults, as stored and
/// as `portico diff --rules FILE` reads them: `{"rules": {"rule-id": "warning"}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleLevels {
    pub rules: BTreeMap<String, RuleLevel>,
}

/// An organisation's levels, and whether the caller may change them (its admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationRuleLevels {
    pub organization: String,
    pub levels: RuleLevels,
    pub can_edit: bool,
}
