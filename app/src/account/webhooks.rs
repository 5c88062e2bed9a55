//! Webhooks on the account page, for the organisations the user administers: add one
//! (URL, secret, events), see each one's deliveries with their status codes, deliver
//! one again, remove a webhook. The REST API offers the same.

use leptos::prelude::*;
use portico_types::consumers::{Webhook, WebhookDelivery};

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// `org`'s webhooks (its admins).
#[server(prefix = "/rpc", endpoint = "org_webhooks")]
pub async fn list_webhooks(org: String) -> Result<Vec<Webhook>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::webhooks::list(&ctx.db, &user, &org).await?)
}

/// Adds a webhook to `org`; `events` are comma-separated names (empty for all).
#[server(prefix = "/rpc", endpoint = "webhook_create")]
pub async fn create_webhook(
    org: String,
    url: String,
    secret: String,
    #[server(default)] events: Option<String>,
) -> Result<Webhook, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let names = events.unwrap_or_default();
    let mut kinds = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let kind = portico_types::consumers::EventKind::parse(name).ok_or_else(|| {
            AppError::Server(portico_types::Error::Invalid(format!(
                "events: {name:?} is not an event; use version.published, version.deprecated, version.deleted or sunset.reminder."
            )))
        })?;
        kinds.push(kind);
    }
    let new = portico_types::consumers::NewWebhook {
        url,
        secret,
        events: (!kinds.is_empty()).then_some(kinds),
    };
    Ok(
        portico_core::consumers::webhooks::create(&ctx.db, &ctx.outbound, &user, &org, &new)
            .await?,
    )
}

/// Removes one of `org`'s webhooks.
#[server(prefix = "/rpc", endpoint = "webhook_remove")]
pub async fn remove_webhook(org: String, id: i64) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::webhooks::remove(&ctx.db, &user, &org, id).await?)
}

/// A webhook's newest deliveries.
#[server(prefix = "/rpc", endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries(org: String, id: i64) -> Result<Vec<WebhookDelivery>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::webhooks::deliveries(&ctx.db, &user, &org, id).await?)
}

/// Sends a delivery again now, with its same key.
#[server(prefix = "/rpc", endpoint = "webhook_redeliver")]
pub async fn redeliver(org: String, id: i64, delivery: i64) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::webhooks::redeliver(&ctx.db, &user, &org, id, delivery).await?)
}

/// The webhooks card: one section per organisation the user administers.
#[component]
pub fn WebhooksPanel(organisations: Vec<String>) -> impl IntoView {
    view! {
        <section class="card" data-testid="webhooks">
            <h2>"Webhooks"</h2>
            <p class="muted">"Portico POSTs an organisation's webhooks when a version of an asset it consumes is published, deprecated or deleted: JSON signed with "<code>"Portico-Signature: t=TIMESTAMP,v1=HMAC-SHA256(secret, TIMESTAMP.BODY)"</code>", retried with backoff for 24 hours. The host must be allowed by the server ("<code>"--allow-hosts"</code>")."</p>
            {organisations.into_iter().map(|org| view! { <OrganisationWebhooks org/> }).collect_view()}
        </section>
    }
}

#[component]
fn OrganisationWebhooks(org: String) -> impl IntoView {
    let org = StoredValue::new(org);
    let version = RwSignal::new(0u32);
    let hooks = LocalResource::new(move || {
        version.track();
        list_webhooks(org.get_value())
    });
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let events = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, s, e) = (
            url.get_untracked(),
            secret.get_untracked(),
            events.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            match create_webhook(org.get_value(), u, s, Some(e)).await {
                Ok(_) => {
                    url.set(String::new());
                    secret.set(String::new());
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match remove_webhook(org.get_value(), id).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <div class="org-webhooks" data-testid=move || format!("webhooks-{}", org.get_value())>
            <h3><code>{org.get_value()}</code></h3>
            <ClientOnly fallback=|| view! { <p class="muted">"Loading webhooks…"</p> }>
            <Transition fallback=|| view! { <p class="muted">"Loading webhooks…"</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No webhooks."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="webhook-list">
                                {list.into_iter().map(|hook| {
                                    let id = hook.id;
                                    let names: Vec<&str> = hook.events.iter().map(|e| e.as_str()).collect();
                                    view! {
                                        <li data-webhook=hook.url.clone()>
                                            <code>{hook.url.clone()}</code>
                                            <span class="muted">{format!(" · {}", names.join(", "))}</span>
                                            " "<button type="button" class="link-button" on:click=move |_| remove(id)>"Remove"</button>
                                            <Deliveries org=org.get_value() id/>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            </ClientOnly>
            <form class="webhook-form" on:submit=add>
                <input type="url" required placeholder="https://hooks.example.com/portico" aria-label="Webhook URL"
                    data-testid="webhook-url" prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/>
                <input type="password" required minlength="16" placeholder="secret (16+ characters)" aria-label="Webhook secret"
                    data-testid="webhook-secret" prop:value=secret on:input=move |ev| secret.set(event_target_value(&ev))/>
                <input placeholder="events (empty: all)" aria-label="Webhook events"
                    prop:value=events on:input=move |ev| events.set(event_target_value(&ev))/>
                <button type="submit" data-testid="webhook-add">"Add webhook"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}

/// A webhook's delivery log, loaded when opened.
#[component]
fn Deliveries(org: String, id: i64) -> impl IntoView {
    let org = StoredValue::new(org);
    let open = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    let log = LocalResource::new(move || {
        version.track();
        let wanted = open.get();
        async move {
            if wanted {
                webhook_deliveries(org.get_value(), id).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    let again = move |delivery: i64| {
        leptos::task::spawn_local(async move {
            let _ = redeliver(org.get_value(), id, delivery).await;
            version.update(|v| *v += 1);
        });
    };
    view! {
        " "<button type="button" class="link-button" data-testid="webhook-deliveries"
            on:click=move |_| { open.update(|o| *o = !*o); version.update(|v| *v += 1); }>
            {move || if open.get() { "Hide deliveries" } else { "Deliveries" }}
        </button>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(Some(list)) if list.is_empty() => view! { <p class="muted">"No deliveries yet."</p> }.into_any(),
                    Ok(Some(list)) => view! {
                        <table class="table" data-testid="delivery-log">
                            <thead><tr><th>"Event"</th><th>"Version"</th><th>"State"</th><th>"Attempts"</th><th>"Key"</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let delivery = d.id;
                                    let attempts: Vec<String> = d.attempts.iter().map(|a| match (a.status, &a.error) {
                                        (Some(status), _) => status.to_string(),
                                        (None, Some(error)) => error.clone(),
                                        (None, None) => "?".into(),
                                    }).collect();
                                    view! {
                                        <tr>
                                            <td>{d.event.as_str()}</td>
                                            <td>{format!("{}/{} {}", d.group, d.asset, d.version)}</td>
                                            <td data-testid="delivery-state">{d.state.as_str()}</td>
                                            <td>{attempts.join(" · ")}</td>
                                            <td><code>{d.key}</code></td>
                                            <td><button type="button" class="link-button" on:click=move |_| again(delivery)>"Deliver again"</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
