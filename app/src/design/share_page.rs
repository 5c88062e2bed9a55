//! `/share/{id}`: a read-only snapshot of a design project, as its author shared it:
//! the rendered documentation and every file's text. Anyone with the link may read it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::server::load_share;
use crate::docs::Documentation;

/// The shared-snapshot page.
#[component]
pub fn SharePage() -> impl IntoView {
    let params = use_params_map();
    let snapshot = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_share,
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(snapshot) => view! {
                        <Title text=format!("{} · Shared · Portico", snapshot.name)/>
                        <article class="asset shared" data-testid="shared-snapshot">
                            <header class="asset-head">
                                <h1>{snapshot.name.clone()}</h1>
                                <p class="muted">{format!(
                                    "A read-only snapshot taken {}; the link works until {} (UTC).",
                                    snapshot.created_at.get(..16).unwrap_or(&snapshot.created_at).replace('T', " "),
                                    snapshot.expires_at.get(..16).unwrap_or(&snapshot.expires_at).replace('T', " "),
                                )}</p>
                            </header>
                            {snapshot.model.clone().map(|model| view! { <section class="card"><Documentation model/></section> })}
                            {snapshot.files.iter().map(|(path, text)| view! {
                                <section class="card">
                                    <h2><code>{path.clone()}</code>{(path == &snapshot.main_file).then_some(" (main file)")}</h2>
                                    <pre class="code source"><code>{text.clone()}</code></pre>
                                </section>
                            }).collect_view()}
                        </article>
                    }.into_any(),
                    Err(error) => view! {
                        <section class="card error-page">
                            <h1>"Not available"</h1>
                            <p>{error.to_string()}</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
