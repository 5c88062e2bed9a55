//! The asset page: what the asset is, its versions, the selected version's document, and
//! how to fetch it from a script.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::conformance_badge::ConformanceBadge;
use super::manage::{ManageVersion, open_in_editor};
use crate::docs::Documentation;
use crate::error::AppError;
use portico_types::AssetDetail;

/// An asset and its live versions, if the signed-in user may see it.
#[server(prefix = "/rpc", endpoint = "load_asset")]
pub async fn load_asset(group: String, asset: String) -> Result<AssetDetail, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::catalog::asset_detail(&ctx.db, &user, &group, &asset).await?)
}

/// The text of one version's document, as published; an empty `version` is the newest.
#[server(prefix = "/rpc", endpoint = "version_document")]
pub async fn version_document(
    group: String,
    asset: String,
    version: String,
) -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let document =
        portico_core::exchange::access::version_text(&ctx.db, &user, &group, &asset, &version)
            .await?;
    Ok(document.text)
}

/// The documentation model of one version, built by the spec engine on the server (its
/// references to published assets resolved as pinned at publish).
#[server(prefix = "/rpc", endpoint = "version_model")]
pub async fn version_model(
    group: String,
    asset: String,
    version: String,
) -> Result<spec_engine::Model, AppError> {
    use portico_core::Error;

    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let model = portico_core::exchange::dependencies::version_model(
        &ctx.db,
        &user,
        (&group, &asset),
        &version,
    )
    .await?;
    Ok(model.as_ref().clone().ok_or_else(|| {
        Error::Invalid("This version could not be read as AsyncAPI or OpenAPI.".into())
    })?)
}

/// What the document card shows: the rendered documentation or the source text.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Shown {
    Documentation(Box<spec_engine::Model>),
    Source(String),
}

/// The selected version's document, as the view in the address asks for it.
async fn load_shown(
    group: String,
    asset: String,
    version: String,
    source: bool,
) -> Result<Shown, AppError> {
    if source {
        version_document(group, asset, version)
            .await
            .map(Shown::Source)
    } else {
        version_model(group, asset, version)
            .await
            .map(|model| Shown::Documentation(Box::new(model)))
    }
}

/// The page at `/exchange/{group}/{asset}[/{version}]`.
#[component]
pub fn AssetPage() -> impl IntoView {
    let params = use_params_map();
    let param = move |name: &str| params.read().get(name).unwrap_or_default();
    let detail = Resource::new(
        move || (param("group"), param("asset")),
        |(group, asset)| load_asset(group, asset),
    );
    // Created here beside `detail`, not inside the view that awaits it: resources made
    // inside a suspended view can be matched to another's value when the page hydrates.
    let query = use_query_map();
    let shown = Resource::new(
        move || {
            let source = query.read().get("view").as_deref() == Some("source");
            (param("group"), param("asset"), param("version"), source)
        },
        |(group, asset, version, source)| load_shown(group, asset, version, source),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let requested = param("version");
                        let selected = if requested.is_empty() {
                            detail.versions.first().map(|v| v.version.clone()).unwrap_or_default()
                        } else {
                            requested
                        };
                        view! { <AssetView detail selected shown/> }.into_any()
                    }
                    Err(AppError::Server(portico_types::Error::Unauthenticated)) => view! {
                        <p>"Log in to see this asset. " <A href="/login">"Log in"</A></p>
                    }.into_any(),
                    Err(error) => view! {
                        <section class="card error-page">
                            <h1>"Not available"</h1>
                            <p>{error.to_string()}</p>
                            <p><A href="/exchange">"Back to the exchange"</A></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn AssetView(
    detail: AssetDetail,
    selected: String,
    shown: Resource<Result<Shown, AppError>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let base = format!("/exchange/{}/{}", detail.group, detail.asset);
    let current = detail
        .versions
        .iter()
        .find(|v| v.version == selected)
        .cloned();
    let spec_url = format!(
        "/api/v1/assets/{}/{}/{}/spec",
        detail.group, detail.asset, selected
    );
    let curl =
        format!("curl -H \"Authorization: Bearer $PORTICO_TOKEN\" \"$PORTICO_SERVER{spec_url}\"");
    let query = use_query_map();
    let show_source = move || query.read().get("view").as_deref() == Some("source");
    let version_path = format!("{base}/{selected}");
    let switch_base = base.clone();
    view! {
        <Title text=format!("{} · Exchange · Portico", detail.title)/>
        <article class="asset">
            <header class="asset-head">
                <h1>{detail.title.clone()}</h1>
                <p class="gav"><code>{format!("{}/{}/{}", detail.group, detail.asset, selected)}</code></p>
                <p class="badges">
                    <span class=format!("badge kind-{}", detail.kind.as_str())>{detail.kind.as_str()}</span>
                    {current.as_ref().map(|v| view! {
                        <span class=format!("badge lifecycle-{}", v.lifecycle.as_str()) data-testid="lifecycle">
                            {v.lifecycle.as_str()}
                        </span>
                    })}
                    {detail.public.then(|| view! { <span class="badge">"public"</span> })}
                    {detail.tags.iter().map(|t| view! { <span class="badge tag">{t.clone()}</span> }).collect_view()}
                </p>
                <label class="version-switcher">
                    "Version "
                    <select data-testid="version-switcher" on:change=move |ev| {
                        navigate(&format!("{switch_base}/{}", event_target_value(&ev)), Default::default());
                    }>
                        {detail.versions.iter().map(|v| {
                            let is_selected = v.version == selected;
                            view! { <option value=v.version.clone() selected=is_selected>{v.version.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </header>
            {current.clone().filter(|v| v.lifecycle == portico_types::Lifecycle::Deprecated).map(|version| view! {
                <super::sunset_notice::SunsetNotice base=base.clone() version/>
            })}
            // Sanitized inline HTML made on the server from the description (portico_markdown).
            {(!detail.description_html.is_empty()).then(|| view! {
                <p class="lead" data-testid="asset-summary" inner_html=detail.description_html.clone()></p>
            })}
            <section class="card">
                <h2>"Use it"</h2>
                <p class="downloads">
                    <a href=spec_url.clone() download>"Download as published"</a>
                    <a href=format!("{spec_url}?format=yaml") download>"as YAML"</a>
                    <a href=format!("{spec_url}?format=json") download>"as JSON"</a>
                    <OpenInEditor group=detail.group.clone() asset=detail.asset.clone() version=selected.clone()/>
                    {(detail.kind == portico_types::AssetKind::AsyncApi).then(|| view! {
                        <A href=format!("/event-map?asset={}/{}", detail.group, detail.asset)
                            attr:data-testid="event-map-link">"Who else is on its channels"</A>
                    })}
                </p>
                {(detail.can_manage && current.is_some()).then(|| view! {
                    <ManageVersion group=detail.group.clone() asset=detail.asset.clone() version=selected.clone()
                        lifecycle=current.as_ref().map(|v| v.lifecycle).unwrap_or(portico_types::Lifecycle::Stable)
                        others=detail.versions.iter().map(|v| v.version.clone()).filter(|v| *v != selected).collect()
                        deprecation=current.as_ref().map(|v| v.deprecation.clone()).unwrap_or_default()/>
                })}
                <pre class="code"><code>{curl}</code></pre>
            </section>
            <super::consumers::ConsumersCard group=detail.group.clone() asset=detail.asset.clone()
                latest=detail.versions.first().map(|v| v.version.clone())/>
            <super::reviews::ReviewsCard group=detail.group.clone() asset=detail.asset.clone() version=selected.clone()/>
            {current.is_some().then(|| view! {
                <super::dependencies::DependenciesCard group=detail.group.clone() asset=detail.asset.clone()
                    version=selected.clone()/>
            })}
            <super::owner_pages::AssetPagesPanel group=detail.group.clone() asset=detail.asset.clone() initial=detail.pages.clone()/>
            <section class="card">
                <h2>"Versions"</h2>
                <p class="muted">
                    "Follow new versions and their changes: "
                    <a href=format!("/api/v1/assets/{}/{}/feed", detail.group, detail.asset) data-testid="feed">"Atom feed"</a>
                    " · what each change means: "<A href="/exchange/rules">"the change rules"</A>
                    " · what the badges check: "<A href=format!("/exchange/governance?org={}", detail.group)>"governance"</A>
                </p>
                <table class="table" data-testid="versions">
                    <thead><tr><th>"Version"</th><th>"Lifecycle"</th><th>"Spec"</th><th>"Published"</th><th>"Published by"</th></tr></thead>
                    <tbody>
                        {detail.versions.clone().into_iter().map(|v| { let row = v.version.clone(); view! {
                            <tr data-version=row>
                                <td>
                                    <A href=format!("{base}/{}", v.version)>{v.version}</A>
                                    {v.breaking.then(|| view! { " "<span class="badge breaking" data-testid="version-breaking">"breaking"</span> })}
                                    {v.override_reason.map(|reason| view! {
                                        " "<span class="badge overridden" data-testid="version-overridden" title=reason>"published anyway"</span>
                                    })}
                                    {v.findings.map(|counts| view! { " "<ConformanceBadge counts/> })}
                                </td>
                                <td>{v.lifecycle.as_str()}</td>
                                <td>{v.spec_version}</td>
                                <td>{v.published_at}</td>
                                <td data-testid="published-by">{v.published_by.unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </section>
            <super::changes::ChangesCard group=detail.group.clone() asset=detail.asset.clone()
                versions=detail.versions.iter().map(|v| v.version.clone()).collect()/>
            <section class="card document-card">
                <nav class="tabs" aria-label="Document views">
                    <A href=version_path.clone() attr:class=move || if show_source() { "tab" } else { "tab active" }>"Documentation"</A>
                    <A href=format!("{version_path}?view=source") attr:class=move || if show_source() { "tab active" } else { "tab" }>"Source"</A>
                </nav>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match shown.await {
                            Ok(Shown::Source(text)) => view! { <pre class="code source" data-testid="document"><code>{text}</code></pre> }.into_any(),
                            Ok(Shown::Documentation(model)) => view! { <Documentation model=*model/> }.into_any(),
                            Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            {(detail.kind == portico_types::AssetKind::AsyncApi).then(|| view! {
                <crate::console::ChannelConsole group=detail.group.clone() asset=detail.asset.clone() version=selected.clone()/>
            })}
        </article>
    }
    .into_any()
}

/// Starts a design project from this version and opens it.
#[component]
fn OpenInEditor(group: String, asset: String, version: String) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let coordinate = StoredValue::new((group, asset, version));
    let open = move |_| {
        let (group, asset, version) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match open_in_editor(group, asset, version).await {
                Ok(id) => {
                    let _ = window().location().set_href(&format!("/design/{id}"));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <button type="button" class="link-button" on:click=open>"Open in editor"</button>
        {move || error.get().map(|e| view! { <span class="form-error" role="alert">{e}</span> })}
    }
    .into_any()
}
