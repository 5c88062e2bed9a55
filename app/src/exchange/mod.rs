//! The exchange: versioned assets that an organisation publishes and everyone it allows
//! can find. Shared types live here; publishing and queries are server-only.

#[cfg(feature = "ssr")]
pub mod access;
pub mod asset_page;
pub mod catalog;
pub mod document;
pub mod gav;
pub mod manage;
#[cfg(feature = "ssr")]
pub mod model_cache;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod publish;

use serde::{Deserialize, Serialize};

/// Which specification an asset is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    pub tags: Vec<String>,
    pub versions: Vec<VersionSummary>,
    /// Whether the signed-in user may change lifecycles and delete (organisation admin).
    pub can_manage: bool,
    /// The pages the owners wrote.
    pub pages: pages::AssetPages,
}

/// One search hit: the asset, its latest version and where the query matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}
