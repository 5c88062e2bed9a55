//! Dependencies between assets: a document may `$ref` a published asset
//! (`portico:group/asset/^1#/components/schemas/Order`); what each reference resolved to
//! is pinned when the version is published. The asset page and the REST API list a
//! version's dependencies and an asset's dependents, and a breaking release names the
//! dependents it breaks.

use serde::{Deserialize, Serialize};

/// One published asset a version's document references, as pinned at publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    pub group: String,
    pub asset: String,
    /// The versions the references accept: one version (`1.1.0`) or a semver range
    /// (`^1`, `>=1.0, <2`).
    pub requirement: String,
    /// The version the requirement resolved to when this version was published; what
    /// every later reading of this version uses.
    pub pinned: String,
    /// The references to it, each with where it is written.
    pub references: Vec<DependencyUse>,
}

/// A `$ref` to a published asset, where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DependencyUse {
    /// The JSON pointer of the `$ref` in the file it is written in.
    pub pointer: String,
    /// The reference as written: `portico:acme/orders/^1#/components/schemas/Order`.
    pub reference: String,
}

/// An asset whose newest live version depends on a version of another asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Dependent {
    pub group: String,
    pub asset: String,
    /// Its newest live version, the one whose document references the asset.
    pub version: String,
    /// The versions its reference accepts (`^1`, `1.1.0`).
    pub requirement: String,
    /// The version of the referenced asset it was published against.
    pub pinned: String,
}

/// A dependent that a breaking release breaks: one pinned to an older version than the
/// release (the break lies between what it uses and the new version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BrokenDependent {
    #[serde(flatten)]
    pub dependent: Dependent,
    /// Whether its requirement accepts the new version: published again as it is, it
    /// would take the break without a word. Otherwise it stays on the old version
    /// until its reference is changed, and has to adapt to move.
    pub accepts_new: bool,
}
