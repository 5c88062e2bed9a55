//! The asset page's Changes card: what each version changed against the release before
//! it (stored by the breaking-change gate at publish), marked breaking or published
//! anyway with the admin's reason, and a comparison of any two versions.

use leptos::prelude::*;
use portico_types::diff::{DiffReport, VersionChanges};

use crate::client_only::ClientOnly;
use crate::design::publish::ChangeList;
use crate::error::AppError;

/// What each live version changed against the release before it, newest first.
#[server(prefix = "/rpc", endpoint = "asset_changes")]
pub async fn asset_changes(group: String, asset: String) -> Result<Vec<VersionChanges>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::compare::changelog(&ctx.db, &user, &group, &asset).await?)
}

/// What changed from version `from` to version `to`.
#[server(prefix = "/rpc", endpoint = "compare_versions")]
pub async fn compare_versions(
    group: String,
    asset: String,
    from: String,
    to: String,
) -> Result<DiffReport, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(
        portico_core::exchange::compare::versions(&ctx.db, &user, (&group, &asset), &from, &to)
            .await?,
    )
}

/// The Changes card. `versions` are the live versions, newest first.
#[component]
pub fn ChangesCard(group: String, asset: String, versions: Vec<String>) -> impl IntoView {
    let coordinate = StoredValue::new((group, asset));
    // Loaded in the browser after hydration (see `ClientOnly`): the card sits inside the
    // asset page's suspended view.
    let changes = LocalResource::new(move || {
        let (group, asset) = coordinate.get_value();
        asset_changes(group, asset)
    });
    let from = RwSignal::new(versions.get(1).cloned().unwrap_or_default());
    let to = RwSignal::new(versions.first().cloned().unwrap_or_default());
    let compared = RwSignal::new(None::<Result<DiffReport, AppError>>);
    let compare = move |_| {
        let (group, asset) = coordinate.get_value();
        let (from, to) = (from.get_untracked(), to.get_untracked());
        leptos::task::spawn_local(async move {
            compared.set(Some(compare_versions(group, asset, from, to).await));
        });
    };
    let options = move |selected: RwSignal<String>| {
        versions
            .iter()
            .map(|v| {
                let is_selected = *v == selected.get_untracked();
                view! { <option value=v.clone() selected=is_selected>{v.clone()}</option> }
            })
            .collect_view()
    };
    let from_options = options(from);
    let to_options = options(to);
    view! {
        <section class="card" data-testid="changes">
            <h2>"Changes"</h2>
            <ClientOnly>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match changes.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted">"No version has been compared with an earlier release yet."</p>
                            }.into_any(),
                            Ok(list) => list.into_iter().map(|v| view! { <VersionChangesItem changes=v/> }).collect_view().into_any(),
                            Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </ClientOnly>
            <h3>"Compare two versions"</h3>
            <p class="compare-form">
                <label>"From "<select data-testid="compare-from" on:change=move |ev| from.set(event_target_value(&ev))>{from_options}</select></label>
                " "
                <label>"to "<select data-testid="compare-to" on:change=move |ev| to.set(event_target_value(&ev))>{to_options}</select></label>
                " "
                <button type="button" on:click=compare>"Compare"</button>
            </p>
            {move || compared.get().map(|result| match result {
                Ok(report) if report.changes.is_empty() => view! { <p class="muted" data-testid="compared">"No changes."</p> }.into_any(),
                Ok(report) => view! {
                    <div data-testid="compared">
                        <p>{format!("{} change(s); they call for a {} release.", report.changes.len(), bump_name(report.suggested_bump))}</p>
                        <ChangeList changes=report.changes/>
                    </div>
                }.into_any(),
                Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

/// One version's changes against the release before it.
#[component]
fn VersionChangesItem(changes: VersionChanges) -> impl IntoView {
    let breaking = changes.report.breaking;
    view! {
        <div class="version-changes" data-version=changes.version.clone()>
            <h3>
                {format!("{} (since {})", changes.version, changes.base)}
                {breaking.then(|| view! { " "<span class="badge breaking">"breaking"</span> })}
                {changes.override_reason.clone().map(|reason| view! {
                    " "<span class="badge overridden" title=reason.clone()>
                        {format!("published anyway by {}: {reason}", changes.overridden_by.clone().unwrap_or_default())}
                    </span>
                })}
            </h3>
            {if changes.report.changes.is_empty() {
                view! { <p class="muted">"No changes."</p> }.into_any()
            } else {
                view! { <ChangeList changes=changes.report.changes/> }.into_any()
            }}
        </div>
    }
}

fn bump_name(bump: portico_types::diff::Bump) -> &'static str {
    use portico_types::diff::Bump;
    match bump {
        Bump::Major => "major",
        Bump::Minor => "minor",
        Bump::Patch => "patch",
        Bump::None => "no new",
    }
}
