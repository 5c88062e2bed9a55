//! Pages an asset's owners write in markdown (getting started, migration notes): viewers
//! read them, contributors write and delete them.

use portico_types::asset::{MAX_PAGE_BYTES, MAX_TITLE_CHARS, page_slug};
use portico_types::{AssetPageText, AssetPages, Error, Role};

use super::access::asset_for;
use crate::Result;
use crate::auth::{SignedInUser, authorize};
use crate::repo::{Db, asset_pages};

/// The pages of `group/asset`, and whether `user` may edit them.
pub async fn list(db: &Db, user: &SignedInUser, group: &str, asset: &str) -> Result<AssetPages> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let can_edit = authorize(db, user, group, Role::Contributor).await.is_ok();
    let pages = asset_pages::list_pages(db, row.id)
        .await?
        .into_iter()
        .map(|p| AssetPageText {
            slug: p.slug,
            title: p.title,
            body: p.body,
        })
        .collect();
    Ok(AssetPages { pages, can_edit })
}

/// Writes a page (contributors); a new page's slug is made from its title. Answers the
/// slug.
pub async fn save(
    db: &Db,
    user: &SignedInUser,
    (group, asset): (&str, &str),
    slug: Option<String>,
    title: &str,
    body: &str,
) -> Result<String> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::Invalid(format!(
            "A page title needs 1 to {MAX_TITLE_CHARS} characters."
        )));
    }
    if body.len() > MAX_PAGE_BYTES {
        return Err(Error::Invalid(format!(
            "The page is {} bytes; a page may have at most {MAX_PAGE_BYTES}.",
            body.len()
        )));
    }
    let row = asset_for(db, user, group, asset, Role::Contributor).await?;
    let slug = slug.unwrap_or_else(|| page_slug(title));
    asset_pages::save_page(db, row.id, &slug, title, body, user.id).await?;
    Ok(slug)
}

/// Deletes a page (contributors).
pub async fn delete(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    slug: &str,
) -> Result<()> {
    let row = asset_for(db, user, group, asset, Role::Contributor).await?;
    if !asset_pages::delete_page(db, row.id, slug).await? {
        return Err(Error::NotFound(format!("No page {slug:?}.")));
    }
    Ok(())
}
