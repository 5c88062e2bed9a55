//! Reviews: any signed-in user who may see an asset rates a minor version of it 1 to 5
//! with a comment; their second review of the same minor edits the first, and they may
//! delete it. Everyone who may see the asset sees every review and the average.

use portico_types::reviews::{NewReview, Review, Reviews, minor_of, rounded_average};
use portico_types::{Error, Role};

use super::access::asset_for;
use crate::Result;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::assets::AssetRow;
use crate::repo::reviews::{self, Minor, ReviewRow, ReviewText};

/// The reviews of an asset `user` may see, of one minor version when `version` names one
/// (`1.2` or `1.2.3`), with their average.
pub async fn list(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: Option<&str>,
) -> Result<Reviews> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let minor = match version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(version) => Some(parse_minor(version)?),
        None => None,
    };
    let (average, count) = reviews::average(db, row.id, minor).await?;
    let items = reviews::of_asset(db, row.id, minor)
        .await?
        .into_iter()
        .map(|review| review_of(review, user.id))
        .collect();
    Ok(Reviews {
        average: average.map(rounded_average),
        count: u32::try_from(count).unwrap_or(0),
        items,
    })
}

/// Writes `user`'s review of the minor version of `version` (a live version of the
/// asset): the review, and whether it is new (rather than an edit of theirs).
pub async fn put(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
    new: &NewReview,
) -> Result<(Review, bool)> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let minor = live_minor(db, &row, version).await?;
    let comment = new.checked_comment().map_err(Error::Invalid)?;
    let (id, created) = reviews::upsert(
        db,
        &ReviewText {
            asset_id: row.id,
            user_id: user.id,
            minor,
            rating: new.rating,
            comment,
        },
    )
    .await?;
    let stored = reviews::find(db, id).await?.ok_or(Error::Internal)?;
    Ok((review_of(stored, user.id), created))
}

/// Deletes `user`'s own review of the minor version of `version`.
pub async fn delete(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
) -> Result<()> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let minor = parse_minor(version)?;
    if reviews::delete_own(db, row.id, user.id, minor).await? {
        Ok(())
    } else {
        Err(Error::NotFound(format!(
            "You have not reviewed {group}/{asset} {}.{}.",
            minor.0, minor.1
        )))
    }
}

fn parse_minor(version: &str) -> Result<Minor> {
    minor_of(version)
        .and_then(|(major, minor)| Some((i64::try_from(major).ok()?, i64::try_from(minor).ok()?)))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "version: {version:?} is not a version; name one such as 1.2.0 (or its minor, 1.2)."
            ))
        })
}

/// The minor of `version`, which must be live (when it has a patch) or have a live
/// version in it (when it names a minor).
async fn live_minor(db: &Db, row: &AssetRow, version: &str) -> Result<Minor> {
    let minor = parse_minor(version)?;
    let exact = (version
        .split(['-', '+'])
        .next()
        .unwrap_or("")
        .matches('.')
        .count()
        == 2)
        .then_some(version.trim());
    if reviews::has_live_version(db, row.id, minor, exact).await? {
        Ok(minor)
    } else {
        Err(Error::NotFound(format!(
            "No version {} of {}/{}.",
            version.trim(),
            row.group_slug,
            row.name
        )))
    }
}

fn review_of(row: ReviewRow, viewer: i64) -> Review {
    Review {
        id: row.id,
        mine: row.user_id == viewer,
        author: row.author,
        version: format!("{}.{}", row.major, row.minor),
        rating: u8::try_from(row.rating).unwrap_or(0),
        comment: row.comment,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
