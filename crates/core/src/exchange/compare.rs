//! Comparing two published versions of an asset (the compare view, the REST API and
//! `portico diff` against a server): the same diff the gate runs at publish.

use portico_types::diff::{DiffReport, VersionChanges};
use portico_types::{Error, Role};
use spec_engine::diff::DiffError;

use super::access::{VersionText, asset_for, version_text};
use super::diff_rules;
use super::publish::Inspected;
use crate::Result;
use crate::analysis;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::version_changes;

/// What changed from version `from` to version `to` of `group/asset`, for a user who
/// may read the asset.
pub async fn versions(
    db: &Db,
    user: &SignedInUser,
    (group, asset): (&str, &str),
    from: &str,
    to: &str,
) -> Result<DiffReport> {
    if from.is_empty() || to.is_empty() {
        return Err(Error::Invalid(
            "Name both versions to compare: from and to.".into(),
        ));
    }
    let old = version_text(db, user, group, asset, from).await?;
    let new = version_text(db, user, group, asset, to).await?;
    let name = |version: &str, content_type: &str| {
        let extension = if content_type.contains("json") {
            "json"
        } else {
            "yaml"
        };
        format!("{asset}-{version}.{extension}")
    };
    let old_name = name(&old.version, &old.content_type);
    let new_name = name(&new.version, &new.content_type);
    // Each as it was published: references to published assets as pinned then.
    let old_input = pinned(db, user, &old, &old_name).await?;
    let new_input = pinned(db, user, &new, &new_name).await?;
    let options = diff_rules::options_for(db, group).await?;
    let report = analysis::run(Some(user.id), move || {
        let old = Inspected::for_comparison_of(old_input);
        let new = Inspected::for_comparison_of(new_input);
        spec_engine::diff_analyzed(
            &old.input,
            &old.analysis,
            &new.input,
            &new.analysis,
            &options,
        )
    })
    .await?;
    report.map_err(|error| match error {
        DiffError::KindMismatch { .. } => Error::Conflict(error.to_string()),
        DiffError::Unreadable { .. } => Error::Invalid(error.to_string()),
    })
}

/// A stored version's document with the published documents it depends on, as pinned.
async fn pinned(
    db: &Db,
    user: &SignedInUser,
    document: &VersionText,
    name: &str,
) -> Result<spec_engine::Input> {
    let input = analysis::single(name, &document.text);
    super::dependencies::supply_pinned(db, user, (document.asset_id, &document.version), input)
        .await
}

/// What each live version of `group/asset` changed against the release before it, newest
/// first, as stored at publish.
pub async fn changelog(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
) -> Result<Vec<VersionChanges>> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    Ok(version_changes::of_asset(db, row.id)
        .await?
        .into_iter()
        .filter_map(|stored| {
            let report = serde_json::from_str(&stored.report).ok()?;
            Some(VersionChanges {
                version: stored.version,
                base: stored.base_version,
                report,
                override_reason: stored.override_reason,
                overridden_by: stored.overridden_by,
                published_at: stored.published_at,
            })
        })
        .collect())
}
