//! Governance profiles: which rulesets an organisation applies to which of its assets,
//! each advisory (findings are kept with the version) or blocking (an error finding
//! refuses the publish), and the conformance a version was found in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::AssetKind;
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
}

impl Conformance {
    /// No finding at all.
    pub fn is_conformant(&self) -> bool {
        self.findings.is_empty()
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
