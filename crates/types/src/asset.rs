//! Assets of the exchange: what they are written in, where a version is in its life, and
//! the shapes the asset pages, the catalog and the REST API show them in.

use serde::{Deserialize, Serialize};

/// Which specification an asset is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    AsyncApi,
    OpenApi,
}

impl AssetKind {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::AsyncApi => "asyncapi",
            AssetKind::OpenApi => "openapi",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<AssetKind> {
        match name {
            "asyncapi" => Some(AssetKind::AsyncApi),
            "openapi" => Some(AssetKind::OpenApi),
            _ => None,
        }
    }
}

/// Where a version is in its life: development versions may be overwritten, stable ones
/// never change, deprecated ones are still served but discouraged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    Development,
    Stable,
    Deprecated,
}

impl Lifecycle {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Development => "development",
            Lifecycle::Stable => "stable",
            Lifecycle::Deprecated => "deprecated",
        }
    }

    /// Parses a stored or requested name.
    pub fn parse(name: &str) -> Option<Lifecycle> {
        match name {
            "development" => Some(Lifecycle::Development),
            "stable" => Some(Lifecycle::Stable),
            "deprecated" => Some(Lifecycle::Deprecated),
            _ => None,
        }
    }

    /// Whether a version may move from `self` to `to`: development -> stable ->
    /// deprecated, and back from deprecated to stable.
    pub fn may_become(self, to: Lifecycle) -> bool {
        matches!(
            (self, to),
            (Lifecycle::Development, Lifecycle::Stable)
                | (Lifecycle::Stable, Lifecycle::Deprecated)
                | (Lifecycle::Deprecated, Lifecycle::Stable)
        ) || self == to
    }
}

/// One published version as listed on an asset page and in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: String,
    pub lifecycle: Lifecycle,
    pub title: String,
    pub spec_version: String,
    pub content_type: String,
    pub content_sha256: String,
    pub published_at: String,
    pub published_by: Option<String>,
    /// Whether the version breaks consumers of the release it was compared with at
    /// publish (a major release, or one published anyway).
    #[serde(default)]
    pub breaking: bool,
    /// Why an organisation admin published a refused breaking change anyway.
    #[serde(default)]
    pub override_reason: Option<String>,
    /// How it fared against its organisation's governance profile at publish; none when
    /// no ruleset applied to it.
    #[serde(default)]
    pub findings: Option<FindingCounts>,
    /// What a deprecated version's consumers should move to and by when.
    #[serde(default)]
    pub deprecation: Deprecation,
    /// Whole days from today (UTC) until the sunset; negative once it has passed.
    #[serde(default)]
    pub sunset_in_days: Option<i64>,
}

/// A deprecated version's way out: the version that replaces it and the day it goes
/// away (`YYYY-MM-DD`, UTC). Both are optional: an API can be retired without a successor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deprecation {
    #[serde(default)]
    pub replacement: Option<String>,
    #[serde(default)]
    pub sunset: Option<String>,
}

impl Deprecation {
    pub fn is_empty(&self) -> bool {
        self.replacement.is_none() && self.sunset.is_none()
    }
}

/// Governance findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingCounts {
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    pub hints: u32,
}

impl FindingCounts {
    /// The counts as stored beside a version (`errors` is `None` when no ruleset applied).
    pub fn from_stored(
        errors: Option<i64>,
        warnings: Option<i64>,
        infos: Option<i64>,
        hints: Option<i64>,
    ) -> Option<FindingCounts> {
        let count = |stored: Option<i64>| u32::try_from(stored.unwrap_or(0)).unwrap_or(0);
        errors.map(|_| FindingCounts {
            errors: count(errors),
            warnings: count(warnings),
            infos: count(infos),
            hints: count(hints),
        })
    }

    /// All of them.
    pub fn total(&self) -> u32 {
        self.errors + self.warnings + self.infos + self.hints
    }
}

/// An asset with its live versions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetDetail {
    pub group: String,
    pub asset: String,
    pub kind: AssetKind,
    pub public: bool,
    pub title: String,
    pub description: String,
    /// The description's first words as sanitized inline HTML, for the page's header.
    #[serde(default)]
    pub description_html: String,
    pub tags: Vec<String>,
    pub versions: Vec<VersionSummary>,
    /// Whether the signed-in user may change lifecycles and delete (organisation admin).
    pub can_manage: bool,
    /// The pages the owners wrote.
    pub pages: AssetPages,
}

/// One search hit: the asset, its latest version and where the query matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub group: String,
    pub asset: String,
    pub kind: AssetKind,
    pub title: String,
    pub latest_version: String,
    pub lifecycle: Lifecycle,
    pub updated_at: String,
    /// A short excerpt; matched words sit between `repo::search::MARK_START` and
    /// `MARK_END`, which the renderer turns into `<mark>` (the text itself is never HTML).
    pub snippet: String,
    /// How the latest version fared against the governance profile; none when no
    /// ruleset applied to it.
    #[serde(default)]
    pub findings: Option<FindingCounts>,
    /// The latest version's description, its first words as sanitized inline HTML.
    #[serde(default)]
    pub summary_html: String,
    /// How many organisations registered as consumers.
    #[serde(default)]
    pub consumers: u32,
    /// The mean of its reviews' ratings (all versions), to one decimal; none unreviewed.
    #[serde(default)]
    pub rating: Option<f64>,
    /// How many reviews it has.
    #[serde(default)]
    pub reviews: u32,
}

/// Longest page body, in bytes.
pub const MAX_PAGE_BYTES: usize = 256 * 1024;
/// Longest page title.
pub const MAX_TITLE_CHARS: usize = 120;

/// One page as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetPageText {
    pub slug: String,
    pub title: String,
    pub body: String,
}

/// The pages of an asset, and whether the user may edit them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetPages {
    pub pages: Vec<AssetPageText>,
    pub can_edit: bool,
}

/// A page id made from its title: lowercase letters, digits and dashes.
pub fn page_slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug
        .trim_end_matches('-')
        .chars()
        .take(60)
        .collect::<String>();
    if slug.is_empty() {
        "page".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_moves_only_along_its_path() {
        use Lifecycle::*;
        assert!(Development.may_become(Stable));
        assert!(Stable.may_become(Deprecated));
        assert!(Deprecated.may_become(Stable));
        assert!(!Stable.may_become(Development));
        assert!(!Deprecated.may_become(Development));
        assert!(!Development.may_become(Deprecated));
    }

    #[test]
    fn page_slugs_are_made_from_titles() {
        assert_eq!(page_slug("Getting started!"), "getting-started");
        assert_eq!(page_slug("  ***  "), "page");
    }
}
