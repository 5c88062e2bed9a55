//! What a diff answers: the changes between two versions of an API, each with its rule,
//! severity, direction, sentence and locations on both sides, plus the semver bump they
//! call for. The JSON form is a contract (`portico diff --format json`, the compare API,
//! a publish the breaking-change gate refuses); the spec engine fills it, pages show it.

mod levels;
mod render;

pub use levels::{OrganizationRuleLevels, RuleLevel, RuleLevels, RuleSummary};

use serde::{Deserialize, Serialize};

/// How much a change matters to consumers of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An existing consumer can stop working.
    Breaking,
    /// A consumer may be affected; a person should look.
    Warning,
    /// Compatible: an addition, a relaxation, a documentation change.
    Info,
}

impl Severity {
    /// The name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Which way the changed data travels, seen from a consumer of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// What consumers send: OpenAPI requests, AsyncAPI messages the application receives.
    Sends,
    /// What consumers receive: OpenAPI responses, AsyncAPI messages the application sends.
    Receives,
    /// Data that travels both ways, or an element used both ways (an operation, a channel).
    Both,
    /// Not data: documentation, metadata.
    None,
}

impl Direction {
    /// The name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Sends => "sends",
            Direction::Receives => "receives",
            Direction::Both => "both",
            Direction::None => "none",
        }
    }

    /// The other way round (a reply, a webhook, a callback).
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Sends => Direction::Receives,
            Direction::Receives => Direction::Sends,
            other => other,
        }
    }

    /// Both directions of two uses.
    pub fn union(self, other: Direction) -> Direction {
        match (self, other) {
            (a, b) if a == b => a,
            (Direction::None, b) => b,
            (a, Direction::None) => a,
            _ => Direction::Both,
        }
    }
}

/// The semver part a release with these changes must bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    Major,
    Minor,
    Patch,
    None,
}

/// Where a changed element is written in one version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    /// The project-relative file.
    pub file: String,
    /// JSON pointer in that file.
    pub pointer: String,
    /// 1-based line, when the pointer (or its nearest ancestor) is in the source.
    pub line: Option<u32>,
    /// 1-based column, with `line`.
    pub column: Option<u32>,
}

/// What a change belongs to, so a page can group the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    Operation,
    Channel,
    Message,
    Schema,
    Server,
    Security,
    Document,
}

/// The element a change is grouped under: its kind and its name as a reader knows it
/// (`POST /orders`, channel id, message id, schema name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub kind: GroupKind,
    pub name: String,
}

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// The catalog rule that found it (`spec_engine::diff::rules`).
    pub rule: String,
    pub severity: Severity,
    pub direction: Direction,
    /// One plain sentence naming the thing that changed.
    pub message: String,
    /// Where it was, `None` when it did not exist.
    pub old: Option<Location>,
    /// Where it is, `None` when it no longer exists.
    pub new: Option<Location>,
    /// What the change belongs to, for grouping.
    pub group: Group,
}

/// Which document a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

/// Something the reader of a diff should know that is not a change: a side that does
/// not validate, a comparison across specification versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffWarning {
    /// The document it is about, `None` for the comparison as a whole.
    pub side: Option<Side>,
    pub message: String,
    pub file: Option<String>,
    pub pointer: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// The answer of a diff (`spec_engine::diff`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffReport {
    /// Whether any change is breaking.
    pub breaking: bool,
    pub suggested_bump: Bump,
    /// Breaking first, then warnings, then the rest; in document order within each.
    pub changes: Vec<Change>,
    pub warnings: Vec<DiffWarning>,
}

impl DiffReport {
    /// A report of `changes`, with the verdict and the bump they imply.
    pub fn new(changes: Vec<Change>, warnings: Vec<DiffWarning>) -> DiffReport {
        let breaking = changes.iter().any(|c| c.severity == Severity::Breaking);
        DiffReport {
            breaking,
            suggested_bump: suggested_bump(&changes),
            changes,
            warnings,
        }
    }

    /// How many changes have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }
}

/// Major for a breaking change; minor for a warning or a change that adds or relaxes
/// something; patch when every change is documentation; none without changes.
fn suggested_bump(changes: &[Change]) -> Bump {
    if changes.iter().any(|c| c.severity == Severity::Breaking) {
        Bump::Major
    } else if changes
        .iter()
        .any(|c| c.severity == Severity::Warning || c.direction != Direction::None)
    {
        Bump::Minor
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    }
}

/// What publishing a version would change, shown before publishing: the release it is
/// compared with, the changes, whether the gate would refuse the number, and the number
/// the changes call for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishPreview {
    pub base: String,
    pub report: DiffReport,
    /// Whether the gate would refuse this version number (a break it does not allow).
    pub refused: bool,
    /// The version the changes call for after `base`.
    pub suggested_version: String,
    /// For a breaking change: the dependents (that the user may see) it breaks.
    #[serde(default)]
    pub breaks: Vec<crate::dependencies::BrokenDependent>,
}

/// What one published version changed against the release before it, as the gate
/// stored it at publish: the asset page's Changes card and the asset's feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionChanges {
    pub version: String,
    /// The release it was compared with.
    pub base: String,
    pub report: DiffReport,
    /// Why an organisation admin published a refused breaking change anyway, and who.
    pub override_reason: Option<String>,
    pub overridden_by: Option<String>,
    pub published_at: String,
}
