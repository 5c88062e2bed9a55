//! Who may see and change an asset: members of its organisation by role, and for a
//! public asset every signed-in user may read. An asset the user may not see is
//! reported as not found, so its existence is not disclosed.

use crate::Error;
use crate::auth::{SignedInUser, authorize};
use crate::repo::Db;
use crate::repo::assets::{AssetRow, find_asset};
use portico_types::Role;

fn not_found(group: &str, asset: &str) -> Error {
    Error::NotFound(format!("No asset {group}/{asset}."))
}

/// The asset if `user` may act on it with `needed` (reading a public asset needs no role).
pub async fn asset_for(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    needed: Role,
) -> Result<AssetRow, Error> {
    let row = find_asset(db, group, asset)
        .await?
        .ok_or_else(|| not_found(group, asset))?;
    if needed == Role::Viewer && row.public {
        return Ok(row);
    }
    match authorize(db, user, group, needed).await {
        Ok(_) => Ok(row),
        Err(Error::NotFound(_)) => Err(not_found(group, asset)),
        // A public asset's readers may learn it exists; others may not.
        Err(Error::Forbidden(message)) if row.public => Err(Error::Forbidden(message)),
        Err(Error::Forbidden(_)) if needed > Role::Viewer => {
            match authorize(db, user, group, Role::Viewer).await {
                Ok(_) => Err(Error::Forbidden(format!(
                    "This needs the {needed} role in {group:?}."
                ))),
                Err(_) => Err(not_found(group, asset)),
            }
        }
        Err(error) => Err(error),
    }
}

/// One live version's document as stored.
pub struct VersionText {
    /// The asset it belongs to.
    pub asset_id: i64,
    pub version: String,
    pub text: String,
    pub content_type: String,
}

/// The document of `version` of an asset `user` may read; an empty `version` names the
/// newest live one, as the asset page shows it when the address names none.
pub async fn version_text(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
) -> Result<VersionText, Error> {
    use crate::repo::assets::{list_versions, version_content};

    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let version = if version.is_empty() {
        list_versions(db, row.id)
            .await?
            .into_iter()
            .next()
            .map(|v| v.version)
            .ok_or_else(|| Error::NotFound(format!("{group}/{asset} has no live version.")))?
    } else {
        version.to_owned()
    };
    let (content, content_type) = version_content(db, row.id, &version)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No version {version} of {group}/{asset}.")))?;
    let text = String::from_utf8(content).map_err(|_| Error::Internal)?;
    Ok(VersionText {
        asset_id: row.id,
        version,
        text,
        content_type,
    })
}
