//! Managing published versions: moving one along its lifecycle, deleting one, and
//! opening one in the editor. The rules live here once; the REST API and the asset page
//! both call them.

use leptos::prelude::*;

use super::Lifecycle;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod rules {
    use super::super::Lifecycle;
    use super::super::access::asset_for;
    use crate::auth::SignedInUser;
    use crate::error::AppError;
    use crate::repo::Db;
    use crate::repo::assets::{self, VersionRow};
    use crate::roles::Role;

    fn no_version(group: &str, asset: &str, version: &str) -> AppError {
        AppError::NotFound(format!("No version {version} of {group}/{asset}."))
    }

    /// Moves a version development → stable → deprecated (and back to stable); admins only.
    pub async fn change_lifecycle(
        db: &Db,
        user: &SignedInUser,
        group: &str,
        asset: &str,
        version: &str,
        to: Lifecycle,
    ) -> Result<VersionRow, AppError> {
        let row = asset_for(db, user, group, asset, Role::Admin).await?;
        let current = assets::find_version(db, row.id, version)
            .await?
            .ok_or_else(|| no_version(group, asset, version))?;
        let from = Lifecycle::parse(&current.lifecycle).unwrap_or(Lifecycle::Stable);
        if !from.may_become(to) {
            return Err(AppError::Conflict(format!(
                "A {} version cannot become {}; the lifecycle goes development → stable → deprecated (and back to stable).",
                from.as_str(),
                to.as_str()
            )));
        }
        assets::set_lifecycle(db, row.id, version, to).await?;
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
    ) -> Result<(), AppError> {
        let row = asset_for(db, user, group, asset, Role::Admin).await?;
        if assets::delete_version(db, row.id, version).await? {
            Ok(())
        } else {
            Err(no_version(group, asset, version))
        }
    }
}

#[cfg(feature = "ssr")]
pub use rules::{change_lifecycle, remove_version};

/// The asset page's lifecycle control.
#[server(endpoint = "version_lifecycle")]
pub async fn set_version_lifecycle(
    group: String,
    asset: String,
    version: String,
    lifecycle: Lifecycle,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    change_lifecycle(&ctx.db, &user, &group, &asset, &version, lifecycle).await?;
    Ok(())
}

/// The asset page's delete button.
#[server(endpoint = "version_delete")]
pub async fn delete_asset_version(
    group: String,
    asset: String,
    version: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    remove_version(&ctx.db, &user, &group, &asset, &version).await
}

/// Starts a design project from a published version, in the user's personal
/// organisation; returns the project id.
#[server(endpoint = "version_open_in_editor")]
pub async fn open_in_editor(
    group: String,
    asset: String,
    version: String,
) -> Result<String, AppError> {
    use crate::repo::{design, organizations};

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let document = super::access::version_text(&ctx.db, &user, &group, &asset, &version).await?;
    let extension = if document.content_type.contains("json") {
        "json"
    } else {
        "yaml"
    };
    let personal = organizations::find_by_slug(&ctx.db, &user.username)
        .await?
        .ok_or(AppError::Internal)?;
    let files = vec![(format!("{asset}.{extension}"), document.text)];
    let main = files[0].0.clone();
    let name = format!("{asset} {}", document.version);
    Ok(design::create_project(&ctx.db, personal, &name, &main, &files, user.id).await?)
}

/// Lifecycle and delete controls for organisation admins; others see nothing here
/// (the server enforces the role in any case).
#[component]
pub fn ManageVersion(
    group: String,
    asset: String,
    version: String,
    lifecycle: Lifecycle,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let coordinate = StoredValue::new((group, asset, version));
    let change = move |to: Lifecycle| {
        let (group, asset, version) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match set_version_lifecycle(group, asset, version, to).await {
                Ok(()) => {
                    let _ = window().location().reload();
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let delete = move |_| {
        let (group, asset, version) = coordinate.get_value();
        let question = format!(
            "Delete {group}/{asset}/{version}? The version number can never be used again."
        );
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_asset_version(group.clone(), asset.clone(), version).await {
                Ok(()) => {
                    let _ = window()
                        .location()
                        .set_href(&format!("/exchange/{group}/{asset}"));
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let targets: Vec<Lifecycle> = [
        Lifecycle::Development,
        Lifecycle::Stable,
        Lifecycle::Deprecated,
    ]
    .into_iter()
    .filter(|to| *to != lifecycle && lifecycle.may_become(*to))
    .collect();
    view! {
        <div class="manage" data-testid="manage-version">
            {targets.into_iter().map(|to| view! {
                <button type="button" on:click=move |_| change(to)>{format!("Mark {}", to.as_str())}</button>
            }).collect_view()}
            <button type="button" class="danger" on:click=delete>"Delete this version"</button>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
    .into_any()
}
