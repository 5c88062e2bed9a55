//! The dependencies card of the asset page: the published assets the selected version's
//! document references (`portico:…`, with the version pinned at publish), and the other
//! assets whose newest version references this one.

use leptos::prelude::*;
use leptos_router::components::A;
use portico_types::dependencies::{Dependency, Dependent};

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// What a version of `group/asset` depends on, as pinned at publish.
#[server(prefix = "/rpc", endpoint = "version_dependencies")]
pub async fn version_dependencies(
    group: String,
    asset: String,
    version: String,
) -> Result<Vec<Dependency>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(
        portico_core::exchange::dependencies::of_version(
            &ctx.db,
            &user,
            (&group, &asset),
            &version,
        )
        .await?,
    )
}

/// The assets the signed-in user may read that depend on `group/asset`.
#[server(prefix = "/rpc", endpoint = "asset_dependents")]
pub async fn asset_dependents(group: String, asset: String) -> Result<Vec<Dependent>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::dependencies::dependents(&ctx.db, &user, &group, &asset).await?)
}

/// The dependencies card; its lists are loaded in the browser after hydration.
#[component]
pub fn DependenciesCard(group: String, asset: String, version: String) -> impl IntoView {
    let coordinate = StoredValue::new((group, asset, version));
    view! {
        <section class="card" data-testid="dependencies-card">
            <h2>"Dependencies"</h2>
            <p class="muted">
                "Documents reference published assets with "
                <code>"$ref: 'portico:group/asset/^1.2#/components/schemas/Name'"</code>
                "; each reference is pinned to the version it resolved to at publish."
            </p>
            <ClientOnly fallback=|| view! { <p class="muted">"Loading dependencies…"</p> }>
                <Lists coordinate/>
            </ClientOnly>
        </section>
    }
}

#[component]
fn Lists(coordinate: StoredValue<(String, String, String)>) -> impl IntoView {
    let dependencies = LocalResource::new(move || {
        let (group, asset, version) = coordinate.get_value();
        version_dependencies(group, asset, version)
    });
    let dependents = LocalResource::new(move || {
        let (group, asset, _) = coordinate.get_value();
        asset_dependents(group, asset)
    });
    view! {
        <h3>"This version depends on"</h3>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dependencies.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="no-dependencies">"No published assets."</p> }.into_any(),
                    Ok(list) => view! { <DependencyTable list/> }.into_any(),
                    Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <h3>"Depended on by"</h3>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dependents.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="no-dependents">"No assets you can see depend on this one."</p> }.into_any(),
                    Ok(list) => view! { <DependentTable list/> }.into_any(),
                    Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DependencyTable(list: Vec<Dependency>) -> impl IntoView {
    view! {
        <table class="table" data-testid="dependencies">
            <thead><tr><th>"Asset"</th><th>"Requires"</th><th>"Pinned"</th><th>"References"</th></tr></thead>
            <tbody>
                {list.into_iter().map(|d| {
                    let name = format!("{}/{}", d.group, d.asset);
                    let href = format!("/exchange/{}/{}/{}", d.group, d.asset, d.pinned);
                    let row = name.clone();
                    view! {
                        <tr data-dependency=row>
                            <td><A href=format!("/exchange/{}/{}", d.group, d.asset)>{name}</A></td>
                            <td><code>{d.requirement}</code></td>
                            <td><A href=href>{d.pinned}</A></td>
                            <td>
                                <ul class="plain">
                                    {d.references.into_iter().map(|r| view! {
                                        <li><code title=r.pointer>{target_of(&r.reference)}</code></li>
                                    }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DependentTable(list: Vec<Dependent>) -> impl IntoView {
    view! {
        <table class="table" data-testid="dependents">
            <thead><tr><th>"Asset"</th><th>"Its version"</th><th>"Requires"</th><th>"Pinned"</th></tr></thead>
            <tbody>
                {list.into_iter().map(|d| {
                    let name = format!("{}/{}", d.group, d.asset);
                    let row = name.clone();
                    view! {
                        <tr data-dependent=row>
                            <td><A href=format!("/exchange/{}/{}", d.group, d.asset)>{name}</A></td>
                            <td><A href=format!("/exchange/{}/{}/{}", d.group, d.asset, d.version)>{d.version}</A></td>
                            <td><code>{d.requirement}</code></td>
                            <td>{d.pinned}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The part of a reference after the coordinate: `#/components/schemas/Order`.
fn target_of(reference: &str) -> String {
    match reference.find('#') {
        Some(index) => reference[index..].to_owned(),
        None => reference.to_owned(),
    }
}
