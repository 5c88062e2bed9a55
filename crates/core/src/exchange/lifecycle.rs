//! Moving a published version along its lifecycle and deleting one: the rules live here
//! once; the REST API and the asset page both call them.

use portico_types::{Error, Lifecycle, Role};

use super::access::asset_for;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::assets::{self, VersionRow};

fn no_version(group: &str, asset: &str, version: &str) -> Error {
    Error::NotFound(format!("No version {version} of {group}/{asset}."))
}

/// Moves a version development → stable → deprecated (and back to stable); admins only.
pub async fn change_lifecycle(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
    to: Lifecycle,
) -> Result<VersionRow, Error> {
    let row = asset_for(db, user, group, asset, Role::Admin).await?;
    let current = assets::find_version(db, row.id, version)
        .await?
        .ok_or_else(|| no_version(group, asset, version))?;
    let from = Lifecycle::parse(&current.lifecycle).unwrap_or(Lifecycle::Stable);
    if !from.may_become(to) {
        return Err(Error::Conflict(format!(
            "A {} version cannot become {}; the lifecycle goes development → stable → deprecated (and back to stable).",
            from.as_str(),
            to.as_str()
        )));
    }
    assets::set_lifecycle(db, row.id, version, to).await?;
    crate::consumers::wake_sender();
    assets::find_version(db, row.id, version)
        .await?
        .ok_or_else(|| no_version(group, asset, version))
}

/// Deletes a version for good (its number is never reused); admins only.
pub async fn remove_version(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
) -> Result<(), Error> {
    let row = asset_for(db, user, group, asset, Role::Admin).await?;
    if assets::delete_version(db, row.id, version).await? {
        crate::consumers::wake_sender();
        Ok(())
    } else {
        Err(no_version(group, asset, version))
    }
}
