//! Who may see and change an asset: members of its organisation by role, and for a
//! public asset every signed-in user may read. An asset the user may not see is
//! reported as not found, so its existence is not disclosed.

use crate::auth::{SignedInUser, authorize};
use crate::error::AppError;
use crate::repo::Db;
use crate::repo::assets::{AssetRow, find_asset};
use crate::roles::Role;

fn not_found(group: &str, asset: &str) -> AppError {
    AppError::NotFound(format!("No asset {group}/{asset}."))
}

/// The asset if `user` may act on it with `needed` (reading a public asset needs no role).
pub async fn asset_for(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    needed: Role,
) -> Result<AssetRow, AppError> {
    let row = find_asset(db, group, asset)
        .await?
        .ok_or_else(|| not_found(group, asset))?;
    if needed == Role::Viewer && row.public {
        return Ok(row);
    }
    match authorize(db, user, group, needed).await {
        Ok(_) => Ok(row),
        Err(AppError::NotFound(_)) => Err(not_found(group, asset)),
        // A public asset's readers may learn it exists; others may not.
        Err(AppError::Forbidden(message)) if row.public => Err(AppError::Forbidden(message)),
        Err(AppError::Forbidden(_)) if needed > Role::Viewer => {
            match authorize(db, user, group, Role::Viewer).await {
                Ok(_) => Err(AppError::Forbidden(format!(
                    "This needs the {needed} role in {group:?}."
                ))),
                Err(_) => Err(not_found(group, asset)),
            }
        }
        Err(error) => Err(error),
    }
}
