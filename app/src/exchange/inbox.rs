//! The inbox: what happened to the versions the user (or their organisations) consume,
//! newest first, with how many are unread.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use portico_types::consumers::{Inbox, Notification};

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// The signed-in user's inbox.
#[server(prefix = "/rpc", endpoint = "inbox_load")]
pub async fn load_inbox() -> Result<Inbox, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::inbox::inbox(&ctx.db, &user).await?)
}

/// How many notifications the signed-in user has not read.
#[server(prefix = "/rpc", endpoint = "inbox_unread")]
pub async fn unread_count() -> Result<i64, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::inbox::unread(&ctx.db, &user).await?)
}

/// Marks one notification read, or all of them without `id`.
#[server(prefix = "/rpc", endpoint = "inbox_mark_read")]
pub async fn mark_read(#[server(default)] id: Option<i64>) -> Result<u64, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let ids = id.map(|id| vec![id]);
    Ok(portico_core::consumers::inbox::mark_read(&ctx.db, &user, ids.as_deref()).await?)
}

/// The header's unread count, shared so that the inbox page lowers it as it marks
/// notifications read.
#[derive(Clone, Copy)]
pub struct UnreadInbox(RwSignal<Option<i64>>);

impl UnreadInbox {
    pub fn provide() {
        provide_context(UnreadInbox(RwSignal::new(None)));
    }

    fn signal() -> RwSignal<Option<i64>> {
        use_context::<UnreadInbox>()
            .map(|shared| shared.0)
            .unwrap_or_else(|| RwSignal::new(None))
    }

    /// Asks the server again (in the browser only: effects never run on the server).
    fn refresh(unread: RwSignal<Option<i64>>) {
        leptos::task::spawn_local(async move {
            if let Ok(count) = unread_count().await {
                unread.set(Some(count));
            }
        });
    }
}

/// "Inbox" in the header with the unread count. The count is fetched after hydration and
/// on every navigation, not rendered on the server, so the header holds no resource that
/// would shift the page's own.
#[component]
pub fn InboxLink() -> impl IntoView {
    let unread = UnreadInbox::signal();
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        UnreadInbox::refresh(unread);
    });
    view! {
        <A href="/inbox" attr:data-testid="inbox-link">
            "Inbox"
            {move || unread.get().filter(|count| *count > 0).map(|count| view! {
                " "<span class="badge unread" data-testid="unread-count" title=format!("{count} unread")>{count}</span>
            })}
        </A>
    }
}

/// The inbox page.
#[component]
pub fn InboxPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let inbox = LocalResource::new(move || {
        version.track();
        load_inbox()
    });
    let message = RwSignal::new(None::<String>);
    let unread = UnreadInbox::signal();
    let mark = move |id: Option<i64>| {
        leptos::task::spawn_local(async move {
            match mark_read(id).await {
                Ok(_) => {
                    version.update(|v| *v += 1);
                    UnreadInbox::refresh(unread);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <Title text="Inbox · Portico"/>
        <section class="card">
            <h1>"Inbox"</h1>
            <p class="muted">"What happened to the versions you consume. Register as a consumer on an asset's page."</p>
            <ClientOnly fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok(inbox) if inbox.notifications.is_empty() => view! {
                            <p class="muted" data-testid="inbox-empty">"Nothing yet."</p>
                        }.into_any(),
                        Ok(inbox) => view! {
                            <p>
                                <span data-testid="inbox-unread">{format!("{} unread", inbox.unread)}</span>" "
                                <button type="button" class="link-button" on:click=move |_| mark(None)>"Mark all read"</button>
                            </p>
                            <ul class="inbox" data-testid="inbox">
                                {inbox.notifications.into_iter().map(|n| view! { <NotificationItem n mark/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            </ClientOnly>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

/// One notification: what happened, whether it breaks, the first breaking changes.
#[component]
fn NotificationItem(n: Notification, mark: impl Fn(Option<i64>) + Copy + 'static) -> impl IntoView {
    let id = n.id;
    let href = format!("/exchange/{}/{}/{}", n.group, n.asset, n.version);
    let base = n
        .summary
        .base_version
        .as_ref()
        .map(|base| format!(" (compared with {base})"))
        .unwrap_or_default();
    let way_out = match (&n.summary.replacement, &n.summary.sunset) {
        (Some(next), Some(day)) => Some(format!("Move to {next}; it goes away on {day}.")),
        (Some(next), None) => Some(format!("Move to {next}.")),
        (None, Some(day)) => Some(format!("It goes away on {day}.")),
        (None, None) => None,
    };
    view! {
        <li class=if n.read { "notification read" } else { "notification unread" } data-event=n.event.as_str()>
            <p>
                <A href=href>{format!("{}/{} {}", n.group, n.asset, n.version)}</A>
                {format!(" {}{base}", n.event.verb())}
                {(n.summary.breaking == Some(true)).then(|| view! {
                    " "<span class="badge breaking" data-testid="notification-breaking">"breaking"</span>
                })}
                <span class="muted">{format!(" · your range {} · {}", n.range, n.created_at)}</span>
                {(!n.read).then(|| view! {
                    " "<button type="button" class="link-button" on:click=move |_| mark(Some(id))>"Mark read"</button>
                })}
            </p>
            {way_out.map(|text| view! { <p data-testid="notification-sunset">{text}</p> })}
            {(!n.summary.highlights.is_empty()).then(|| view! {
                <ul class="highlights">
                    {n.summary.highlights.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view()}
                </ul>
            })}
        </li>
    }
}
