//! The asset page's controls for a published version: moving it along its lifecycle,
//! deleting it, and opening it in the editor (the rules are `portico_core`'s).

use leptos::prelude::*;

use crate::error::AppError;
use portico_types::Lifecycle;

/// The asset page's lifecycle control.
#[server(prefix = "/rpc", endpoint = "version_lifecycle")]
pub async fn set_version_lifecycle(
    group: String,
    asset: String,
    version: String,
    lifecycle: Lifecycle,
) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::exchange::lifecycle::change_lifecycle(
        &ctx.db, &user, &group, &asset, &version, lifecycle,
    )
    .await?;
    Ok(())
}

/// The asset page's delete button.
#[server(prefix = "/rpc", endpoint = "version_delete")]
pub async fn delete_asset_version(
    group: String,
    asset: String,
    version: String,
) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(
        portico_core::exchange::lifecycle::remove_version(&ctx.db, &user, &group, &asset, &version)
            .await?,
    )
}

/// Starts a design project from a published version, in the user's personal
/// organisation; returns the project id.
#[server(prefix = "/rpc", endpoint = "version_open_in_editor")]
pub async fn open_in_editor(
    group: String,
    asset: String,
    version: String,
) -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::create_from_version(&ctx.db, &user, &group, &asset, &version).await?)
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
