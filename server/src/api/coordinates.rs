//! The path parameters that address an asset, one of its versions or an organisation,
//! shared by every operation under `/assets/{group}/{asset}` and `/orgs/{org}`.

use serde::Deserialize;
use utoipa::IntoParams;

/// `/assets/{group}/{asset}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AssetPath {
    /// The slug of the owning organisation.
    #[param(pattern = r"^[a-z0-9][a-z0-9._-]*$")]
    pub group: String,
    /// The asset's id within its group.
    #[param(pattern = r"^[a-z0-9][a-z0-9._-]*$")]
    pub asset: String,
}

/// `/assets/{group}/{asset}/{version}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VersionPath {
    /// The slug of the owning organisation.
    #[param(pattern = r"^[a-z0-9][a-z0-9._-]*$")]
    pub group: String,
    /// The asset's id within its group.
    #[param(pattern = r"^[a-z0-9][a-z0-9._-]*$")]
    pub asset: String,
    /// Semantic version without build metadata.
    pub version: String,
}

/// `/orgs/{org}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// The organisation's slug.
    #[param(pattern = r"^[a-z0-9][a-z0-9._-]*$")]
    pub org: String,
}
