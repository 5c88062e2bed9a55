//! The asset page's controls for a published version: moving it along its lifecycle,
//! deleting it, and opening it in the editor (the rules are `portico_core`'s).

use leptos::prelude::*;

use crate::error::AppError;
use portico_types::{Deprecation, Lifecycle};

/// The asset page's lifecycle control; a deprecation carries its replacement and sunset.
#[server(prefix = "/rpc", endpoint = "version_lifecycle")]
pub async fn set_version_lifecycle(
    group: String,
    asset: String,
    version: String,
    lifecycle: Lifecycle,
    #[server(default)] deprecation: Deprecation,
) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    portico_core::exchange::lifecycle::change_lifecycle(
        &ctx.db,
        &user,
        &group,
        &asset,
        &version,
        lifecycle,
        deprecation,
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
/// (the server enforces the role in any case). Deprecating asks for the replacing
/// version and the sunset day first.
#[component]
pub fn ManageVersion(
    group: String,
    asset: String,
    version: String,
    lifecycle: Lifecycle,
    /// The asset's other live versions, offered as replacements.
    others: Vec<String>,
    deprecation: Deprecation,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let deprecating = RwSignal::new(false);
    let coordinate = StoredValue::new((group, asset, version));
    let change = move |to: Lifecycle, deprecation: Deprecation| {
        let (group, asset, version) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match set_version_lifecycle(group, asset, version, to, deprecation).await {
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
    let targets: Vec<Lifecycle> = [Lifecycle::Development, Lifecycle::Stable]
        .into_iter()
        .filter(|to| *to != lifecycle && lifecycle.may_become(*to))
        .collect();
    let may_deprecate = lifecycle.may_become(Lifecycle::Deprecated);
    let deprecate_label = if lifecycle == Lifecycle::Deprecated {
        "Change replacement or sunset"
    } else {
        "Mark deprecated"
    };
    view! {
        <div class="manage" data-testid="manage-version">
            {targets.into_iter().map(|to| view! {
                <button type="button" on:click=move |_| change(to, Deprecation::default())>
                    {format!("Mark {}", to.as_str())}
                </button>
            }).collect_view()}
            {(may_deprecate || lifecycle == Lifecycle::Deprecated).then(|| view! {
                <button type="button" on:click=move |_| deprecating.update(|open| *open = !*open)>{deprecate_label}</button>
            })}
            <button type="button" class="danger" on:click=delete>"Delete this version"</button>
            {move || deprecating.get().then(|| view! {
                <DeprecationForm others=others.clone() current=deprecation.clone()
                    on_submit=Callback::new(move |details| change(Lifecycle::Deprecated, details))/>
            })}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
    .into_any()
}

/// What a deprecation says: which version to move to, and the day this one goes away.
#[component]
fn DeprecationForm(
    others: Vec<String>,
    current: Deprecation,
    on_submit: Callback<Deprecation>,
) -> impl IntoView {
    let replacement = RwSignal::new(current.replacement.clone().unwrap_or_default());
    let sunset = RwSignal::new(current.sunset.clone().unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let given = |value: String| Some(value).filter(|v| !v.is_empty());
        on_submit.run(Deprecation {
            replacement: given(replacement.get_untracked()),
            sunset: given(sunset.get_untracked()),
        });
    };
    view! {
        <form class="deprecation-form" on:submit=submit>
            <label>
                "Replaced by"
                <select on:change=move |ev| replacement.set(event_target_value(&ev))>
                    <option value="" selected=current.replacement.is_none()>"no replacement"</option>
                    {others.into_iter().map(|other| {
                        let chosen = current.replacement.as_deref() == Some(other.as_str());
                        view! { <option value=other.clone() selected=chosen>{other.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Sunset day"
                <input type="date" prop:value=move || sunset.get()
                    on:input=move |ev| sunset.set(event_target_value(&ev))/>
            </label>
            <button type="submit">"Save deprecation"</button>
        </form>
    }
    .into_any()
}
