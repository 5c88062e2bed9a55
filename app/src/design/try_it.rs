//! The "Try it" tab beside the editor preview: the channel console over the project as
//! last saved. Opening or reloading it saves first, so the server's copy (which checks
//! every message) and the editor's agree.

use leptos::prelude::*;

use super::workspace::Workspace;
use crate::console::ProjectConsole;

/// The console tab of the editor page.
#[component]
pub fn TryItPanel() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let generation = RwSignal::new(0u32);
    let snapshot = LocalResource::new(move || {
        generation.track();
        async move {
            ws.save_all(false).await;
            ws.analysis.with_untracked(|a| a.model.clone())
        }
    });
    view! {
        <div class="try-it" data-testid="try-it">
            <p class="muted small">
                "The console uses the project as last saved. "
                <button type="button" class="link-button" data-testid="console-reload"
                    on:click=move |_| generation.update(|g| *g += 1)>
                    "Save and reload the channels"
                </button>
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Saving…"</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Some(model) if model.kind == spec_engine::Kind::AsyncApi => {
                            view! { <ProjectConsole project=ws.project_id.get_value() model/> }.into_any()
                        }
                        Some(_) => view! {
                            <p class="muted">"The console tries the channels of AsyncAPI documents; this one is OpenAPI."</p>
                        }.into_any(),
                        None => view! {
                            <p class="form-error">"The console needs a document it can read: fix the problems first."</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
