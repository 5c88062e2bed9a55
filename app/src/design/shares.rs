//! The editor's share panel: make a read-only link with an expiry, list the project's
//! live links, revoke one. A link also ends with the project, or when its sharer can no
//! longer edit the project.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::server::{list_shares, revoke_share, share_project};
use super::workspace::Workspace;
use portico_types::design::DEFAULT_SHARE_DAYS;

/// The lifetimes offered, in days.
const DAYS: [u32; 5] = [1, 7, 30, 90, 365];

/// The share panel of the project open in the editor.
#[component]
pub fn SharesPanel() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let version = RwSignal::new(0u32);
    let days = RwSignal::new(DEFAULT_SHARE_DAYS);
    let message = RwSignal::new(None::<String>);
    let new_link = RwSignal::new(None::<String>);
    let shares = LocalResource::new(move || {
        version.track();
        list_shares(ws.project_id.get_value())
    });
    let origin = || window().location().origin().unwrap_or_default();
    let create = move |_| {
        spawn_local(async move {
            ws.save_now(false);
            match share_project(ws.project_id.get_value(), Some(days.get_untracked())).await {
                Ok(id) => {
                    new_link.set(Some(format!("{}/share/{id}", origin())));
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let revoke = move |share: String| {
        spawn_local(async move {
            match revoke_share(ws.project_id.get_value(), share).await {
                Ok(()) => {
                    new_link.set(None);
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <div class="share-panel" data-testid="share-panel">
            {ws.can_edit.then(|| view! {
                <label>
                    "Link lasts "
                    <select aria-label="Link lasts" on:change=move |ev| {
                        days.set(event_target_value(&ev).parse().unwrap_or(DEFAULT_SHARE_DAYS));
                    }>
                        {DAYS.into_iter().map(|d| view! {
                            <option value=d selected=d == DEFAULT_SHARE_DAYS>
                                {if d == 1 { "1 day".to_owned() } else { format!("{d} days") }}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                " "
                <button type="button" on:click=create>"Create link"</button>
            })}
            {move || new_link.get().map(|link| view! {
                <p class="share-link">"Read-only link to a snapshot: "<a href=link.clone() data-testid="share-link">{link.clone()}</a></p>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match shares.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No live links."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="shares">
                                <thead><tr><th>"Link"</th><th>"By"</th><th>"Created"</th><th>"Expires"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| {
                                        let id = s.id.clone();
                                        view! {
                                            <tr>
                                                <td><a href=format!("/share/{}", s.id)><code>{s.id.clone()}</code></a></td>
                                                <td>{s.created_by.unwrap_or_default()}</td>
                                                <td>{s.created_at}</td>
                                                <td>{s.expires_at}</td>
                                                <td>{ws.can_edit.then(|| view! {
                                                    <button type="button" class="link-button"
                                                        on:click=move |_| revoke(id.clone())>"Revoke"</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}
