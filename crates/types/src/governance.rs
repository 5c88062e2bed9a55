//! Governance profiles: which rulesets an organisation applies to which of its assets,
//! each advisory (findings are kept with the version) or blocking (an error finding
//! refuses the publish), and the conformance a version was found in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::AssetKind;
use crate::asset::FindingCounts;
use crate::diagnostic::DocumentDiagnostic;

/// Most rulesets one profile applies.
pub const MAX_PROFILE_ENTRIES: usize = 20;
/// Most rulesets of its own an organisation keeps in its profile.
pub const MAX_CUSTOM_RULESETS: usize = 20;
/// Largest ruleset text an organisation may store, in bytes.
pub const MAX_RULESET_BYTES: usize = 256 * 1024;

/// What a ruleset's findings do at publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// Findings are kept with the version and shown; nothing is refused.
    Advisory,
    /// A finding of severity `error` refuses the publish (422, with the findings).
    Blocking,
}

/// One ruleset of a profile and the assets it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileEntry {
    /// A built-in ruleset (`portico:recommended`) or the name of one of the profile's own.
    pub ruleset: String,
    pub enforcement: Enforcement,
    /// The kinds of asset it applies to; empty for every kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<AssetKind>,
    /// A pattern of asset names it applies to (`orders-*`); none for every asset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<String>,
}

/// An organisation's governance profile. A new organisation has none: nothing is
/// checked or refused until an admin makes one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GovernanceProfile {
    #[serde(default)]
    pub rulesets: Vec<ProfileEntry>,
    /// The organisation's own rulesets by name, in Spectral's format (YAML or JSON text).
    /// They may extend the built-in ones and each other by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, String>,
}

/// How a version fared against its organisation's profile when it was published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conformance {
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    pub hints: u32,
    /// Every finding, with its rule id and line.
    pub findings: Vec<DocumentDiagnostic>,
    /// The findings counted per ruleset of the profile that applied.
    #[serde(default)]
    pub rulesets: Vec<RulesetCounts>,
}

/// What one ruleset of a profile found in a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesetCounts {
    pub ruleset: String,
    pub enforcement: Enforcement,
    pub counts: FindingCounts,
}

impl Conformance {
    /// No finding at all.
    pub fn is_conformant(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Which assets a catalog search keeps, by how their latest version fared against their
/// organisation's governance profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConformanceFilter {
    /// Checked, without a single finding.
    Conformant,
    /// Checked, with at least one finding of any severity.
    Findings,
    /// Checked, with at least one finding of severity `error`.
    Errors,
    /// No ruleset applied to it.
    Unchecked,
}

impl ConformanceFilter {
    /// Every filter, in the order a form lists them.
    pub const ALL: [ConformanceFilter; 4] = [
        ConformanceFilter::Conformant,
        ConformanceFilter::Findings,
        ConformanceFilter::Errors,
        ConformanceFilter::Unchecked,
    ];

    /// The name in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ConformanceFilter::Conformant => "conformant",
            ConformanceFilter::Findings => "findings",
            ConformanceFilter::Errors => "errors",
            ConformanceFilter::Unchecked => "unchecked",
        }
    }

    /// Parses a requested name.
    pub fn parse(name: &str) -> Option<ConformanceFilter> {
        ConformanceFilter::ALL
            .into_iter()
            .find(|filter| filter.as_str() == name)
    }
}

/// An organisation's profile as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationProfile {
    pub organization: String,
    pub profile: GovernanceProfile,
    /// Whether the caller is one of its admins.
    pub can_edit: bool,
    /// The built-in rulesets a profile may name.
    pub builtin: Vec<String>,
    /// Checking the organisation's latest versions against the profile again, after a
    /// change: how many of how many are done (none when nothing is running).
    pub recheck: Option<(u32, u32)>,
}

/// An organisation's conformance now and over time, as its dashboard shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GovernanceDashboard {
    /// Each ruleset with what it finds in the organisation's latest versions now.
    pub rulesets: Vec<RulesetStanding>,
    /// One point a day per ruleset, oldest first (days with a publish or a re-check).
    pub history: Vec<ConformancePoint>,
    /// Latest versions with error findings, most errors first.
    pub at_risk: Vec<AssetAtRisk>,
}

/// A ruleset's findings over the organisation's latest versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesetStanding {
    pub ruleset: String,
    /// Latest versions checked against it.
    pub assets: u32,
    /// Of those, the ones without a finding.
    pub conformant: u32,
    pub counts: FindingCounts,
}

/// How many of the latest versions a ruleset found nothing in, on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConformancePoint {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub ruleset: String,
    pub assets: u32,
    pub conformant: u32,
    pub errors: u32,
    pub warnings: u32,
}

/// An asset whose latest version has error findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetAtRisk {
    pub asset: String,
    pub version: String,
    pub counts: FindingCounts,
    /// Blocking rulesets with error findings in it: its next publish with the same
    /// content would be refused.
    pub blocked_by: Vec<String>,
}
