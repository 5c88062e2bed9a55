//! Pages an asset's owners write in markdown (getting started, migration notes), shown
//! on the asset page through the same sanitising renderer as the documentation.
//! Viewers read them; contributors write and delete them.

use leptos::prelude::*;
use portico_types::AssetPages;

use crate::docs::markdown::Markdown;
use crate::error::AppError;

/// The pages of `group/asset`.
#[server(prefix = "/rpc", endpoint = "asset_pages")]
pub async fn load_pages(group: String, asset: String) -> Result<AssetPages, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::owner_pages::list(&ctx.db, &user, &group, &asset).await?)
}

/// Writes a page (contributors); returns its slug.
#[server(prefix = "/rpc", endpoint = "asset_page_save")]
pub async fn save_page(
    group: String,
    asset: String,
    slug: Option<String>,
    title: String,
    body: String,
) -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let coordinate = (group.as_str(), asset.as_str());
    Ok(
        portico_core::exchange::owner_pages::save(&ctx.db, &user, coordinate, slug, &title, &body)
            .await?,
    )
}

/// Deletes a page (contributors).
#[server(prefix = "/rpc", endpoint = "asset_page_delete")]
pub async fn delete_page(group: String, asset: String, slug: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::owner_pages::delete(&ctx.db, &user, &group, &asset, &slug).await?)
}

/// The pages card of the asset page. The pages arrive with the asset (one request for the
/// whole page, so server render and hydration always agree); after an edit the card
/// fetches them again.
#[component]
pub fn AssetPagesPanel(group: String, asset: String, initial: AssetPages) -> impl IntoView {
    let coordinate = StoredValue::new((group, asset));
    let can_edit = initial.can_edit;
    let pages = RwSignal::new(initial.pages);
    let selected = RwSignal::new(None::<String>);
    // Editing: None = not editing; Some(None) = new page; Some(Some(slug)) = that page.
    let editing = RwSignal::new(None::<Option<String>>);
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let refresh = move || {
        let (group, asset) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match load_pages(group, asset).await {
                Ok(loaded) => pages.set(loaded.pages),
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let save = move |_| {
        let (group, asset) = coordinate.get_value();
        let slug = editing.get_untracked().flatten();
        leptos::task::spawn_local(async move {
            match save_page(
                group,
                asset,
                slug,
                title.get_untracked(),
                body.get_untracked(),
            )
            .await
            {
                Ok(slug) => {
                    editing.set(None);
                    selected.set(Some(slug));
                    message.set(None);
                    refresh();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let remove = move |slug: String| {
        let (group, asset) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match delete_page(group, asset, slug).await {
                Ok(()) => {
                    selected.set(None);
                    refresh();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let current = move || {
        pages.with(|pages| {
            selected
                .get()
                .and_then(|slug| pages.iter().find(|p| p.slug == slug).cloned())
                .or_else(|| pages.first().cloned())
        })
    };
    view! {
        <section class="card asset-pages" data-testid="asset-pages">
            <h2>"Pages"</h2>
            <nav class="tabs" aria-label="Pages">
                {move || {
                    let active = current().map(|c| c.slug);
                    pages.get().into_iter().map(|p| {
                        let slug = p.slug.clone();
                        let class = if active.as_deref() == Some(p.slug.as_str()) { "tab active" } else { "tab" };
                        view! {
                            <button type="button" class=class
                                on:click=move |_| { selected.set(Some(slug.clone())); editing.set(None); }>
                                {p.title.clone()}
                            </button>
                        }
                    }).collect_view()
                }}
                {can_edit.then(|| view! {
                    <button type="button" class="tab" on:click=move |_| {
                        title.set(String::new());
                        body.set(String::new());
                        editing.set(Some(None));
                    }>"+ New page"</button>
                })}
            </nav>
            {move || pages.with(Vec::is_empty).then(|| view! {
                <p class="muted">"No pages yet. Owners can add a getting-started guide or release notes here."</p>
            })}
            {move || (editing.get().is_none()).then(current).flatten().map(|page| {
                let edit_page = page.clone();
                let slug = page.slug.clone();
                view! {
                    <article class="asset-page" data-testid="asset-page">
                        <Markdown text=page.body.clone()/>
                        {can_edit.then(|| view! {
                            <p class="manage">
                                <button type="button" on:click=move |_| {
                                    title.set(edit_page.title.clone());
                                    body.set(edit_page.body.clone());
                                    editing.set(Some(Some(edit_page.slug.clone())));
                                }>"Edit page"</button>
                                <button type="button" class="danger" on:click=move |_| remove(slug.clone())>"Delete page"</button>
                            </p>
                        })}
                    </article>
                }
            })}
            {move || editing.get().map(|_| view! {
                <div class="page-editor">
                    <label>"Title"<input type="text" prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/></label>
                    <label>"Markdown"<textarea rows="10" prop:value=body on:input=move |ev| body.set(event_target_value(&ev))></textarea></label>
                    <p class="muted">"Preview"</p>
                    <div class="page-preview">{move || view! { <Markdown text=body.get()/> }}</div>
                    <p class="manage">
                        <button type="button" class="primary" on:click=save>"Save page"</button>
                        <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                    </p>
                </div>
            })}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
    .into_any()
}
