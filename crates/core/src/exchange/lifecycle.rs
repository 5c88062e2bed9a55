//! Moving a published version along its lifecycle and deleting one: the rules live here
//! once; the REST API and the asset page both call them.

use chrono::{NaiveDate, Utc};
use portico_types::{Deprecation, Error, Lifecycle, Role};

use super::access::asset_for;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::assets::{self, VersionRow};

fn no_version(group: &str, asset: &str, version: &str) -> Error {
    Error::NotFound(format!("No version {version} of {group}/{asset}."))
}

/// Moves a version development → stable → deprecated (and back to stable); admins only.
/// A deprecation may name the replacing version and a sunset day; deprecating a
/// deprecated version again changes those.
pub async fn change_lifecycle(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
    to: Lifecycle,
    deprecation: Deprecation,
) -> Result<VersionRow, Error> {
    let row = asset_for(db, user, group, asset, Role::Admin).await?;
    let current = assets::find_version(db, row.id, version)
        .await?
        .ok_or_else(|| no_version(group, asset, version))?;
    let from = Lifecycle::parse(&current.lifecycle).unwrap_or(Lifecycle::Stable);
    let deprecation = checked_deprecation(db, row.id, version, to, deprecation).await?;
    let redeprecating = from == Lifecycle::Deprecated && to == Lifecycle::Deprecated;
    if !redeprecating && !from.may_become(to) {
        return Err(Error::Conflict(format!(
            "A {} version cannot become {}; the lifecycle goes development → stable → deprecated (and back to stable).",
            from.as_str(),
            to.as_str()
        )));
    }
    assets::set_lifecycle(db, row.id, version, to, &deprecation).await?;
    crate::consumers::wake_sender();
    assets::find_version(db, row.id, version)
        .await?
        .ok_or_else(|| no_version(group, asset, version))
}

/// The deprecation details as stored: trimmed, the replacement a live version of the
/// same asset, the sunset a day after today; 422 naming the field otherwise.
async fn checked_deprecation(
    db: &Db,
    asset_id: i64,
    version: &str,
    to: Lifecycle,
    given: Deprecation,
) -> Result<Deprecation, Error> {
    let tidy = |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let deprecation = Deprecation {
        replacement: tidy(given.replacement),
        sunset: tidy(given.sunset),
    };
    if to != Lifecycle::Deprecated {
        return if deprecation.is_empty() {
            Ok(deprecation)
        } else {
            Err(Error::Invalid(format!(
                "replacement and sunset belong to a deprecation; a {} version has neither.",
                to.as_str()
            )))
        };
    }
    if let Some(replacement) = &deprecation.replacement {
        if replacement == version {
            return Err(Error::Invalid(format!(
                "replacement: {version} cannot replace itself; name a newer version."
            )));
        }
        if assets::find_version(db, asset_id, replacement)
            .await?
            .is_none()
        {
            return Err(Error::Invalid(format!(
                "replacement: there is no live version {replacement} of this asset."
            )));
        }
    }
    if let Some(sunset) = &deprecation.sunset {
        let day = NaiveDate::parse_from_str(sunset, "%Y-%m-%d").map_err(|_| {
            Error::Invalid(format!(
                "sunset: {sunset:?} is not a day; write it as YYYY-MM-DD."
            ))
        })?;
        let today = Utc::now().date_naive();
        if day <= today {
            return Err(Error::Invalid(format!(
                "sunset: {day} is not after today ({today}); give a later day."
            )));
        }
        // Stored in one spelling, so days compare as text.
        return Ok(Deprecation {
            sunset: Some(day.format("%Y-%m-%d").to_string()),
            ..deprecation
        });
    }
    Ok(deprecation)
}

/// Whole days from today (UTC) until a stored sunset day.
pub fn days_until(sunset: &str) -> Option<i64> {
    let day = NaiveDate::parse_from_str(sunset, "%Y-%m-%d").ok()?;
    Some((day - Utc::now().date_naive()).num_days())
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
