//! The consumers card of the asset page: who uses this API (its organisation sees every
//! registration, others their own organisations'), and a form to register as a
//! consumer, as yourself or for an organisation you contribute to, so you hear when a
//! version in your range is published, deprecated or deleted.

use leptos::prelude::*;
use portico_types::Role;
use portico_types::consumers::Consumer;

use crate::account::state::AuthState;
use crate::client_only::ClientOnly;
use crate::error::AppError;

/// The registrations of `group/asset` the signed-in user may see.
#[server(prefix = "/rpc", endpoint = "asset_consumers")]
pub async fn list_consumers(group: String, asset: String) -> Result<Vec<Consumer>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::registry::list(&ctx.db, &user, &group, &asset).await?)
}

/// Registers the signed-in user (or `organisation`) as a consumer; `uses` is a
/// comma-separated list of operations or channels (empty for all).
#[server(prefix = "/rpc", endpoint = "consumer_register")]
pub async fn register_consumer(
    group: String,
    asset: String,
    range: String,
    #[server(default)] organisation: Option<String>,
    #[server(default)] uses: Option<String>,
    #[server(default)] contact: Option<String>,
) -> Result<Consumer, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let uses: Vec<String> = uses
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    let new = portico_types::consumers::NewConsumer {
        range,
        organisation: organisation.filter(|o| !o.is_empty()),
        uses: (!uses.is_empty()).then_some(uses),
        contact,
    };
    Ok(portico_core::consumers::registry::register(&ctx.db, &user, &group, &asset, &new).await?)
}

/// Removes a registration (its registrant, or an admin of either side).
#[server(prefix = "/rpc", endpoint = "consumer_remove")]
pub async fn remove_consumer(group: String, asset: String, id: i64) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::consumers::registry::remove(&ctx.db, &user, &group, &asset, id).await?)
}

/// The range a new registration suggests: compatible with the newest version.
fn suggested_range(latest: Option<&str>) -> String {
    let Some(version) = latest.and_then(|v| semver::Version::parse(v).ok()) else {
        return "*".into();
    };
    if version.major == 0 {
        format!("~0.{}", version.minor)
    } else {
        format!("^{}.{}", version.major, version.minor)
    }
}

/// The consumers card.
#[component]
pub fn ConsumersCard(group: String, asset: String, latest: Option<String>) -> impl IntoView {
    let coordinate = StoredValue::new((group, asset));
    let auth = expect_context::<AuthState>();
    let version = RwSignal::new(0u32);
    let range = RwSignal::new(suggested_range(latest.as_deref()));
    let organisation = RwSignal::new(String::new());
    let uses = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let register = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (group, asset) = coordinate.get_value();
        let (range, organisation) = (range.get_untracked(), organisation.get_untracked());
        let (uses, contact) = (uses.get_untracked(), contact.get_untracked());
        leptos::task::spawn_local(async move {
            let organisation = (!organisation.is_empty()).then_some(organisation);
            match register_consumer(group, asset, range, organisation, Some(uses), Some(contact))
                .await
            {
                Ok(_) => {
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let remove = move |id: i64| {
        let (group, asset) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match remove_consumer(group, asset, id).await {
                Ok(()) => {
                    message.set(None);
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <section class="card" data-testid="consumers">
            <h2>"Consumers"</h2>
            <p class="muted">"Register the versions you use and hear when one of them is published, deprecated or deleted: in your inbox, and through your organisation's webhooks."</p>
            // Loaded and shown in the browser after hydration (see `ClientOnly`).
            <ClientOnly fallback=|| view! { <p class="muted">"Loading consumers…"</p> }>
                <ConsumerList coordinate version remove/>
            </ClientOnly>
            <form class="consumer-form" on:submit=register>
                <label>"Versions "
                    <input name="range" required maxlength="100" data-testid="consumer-range"
                        title="A semver range: ^1.2, ~1.4, >=1.0, <3"
                        prop:value=range on:input=move |ev| range.set(event_target_value(&ev))/>
                </label>
                // The user's organisations arrive with the page's other data, in another
                // suspended view: built in the browser only, so nothing has to match.
                <ClientOnly fallback=|| view! { <label>"For " <select disabled><option>"myself"</option></select></label> }>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let organisations = match auth.user.await {
                            Ok(Some(user)) => user.organizations,
                            _ => Vec::new(),
                        };
                        view! {
                            <label>"For "
                                <select data-testid="consumer-organisation" on:change=move |ev| organisation.set(event_target_value(&ev))>
                                    <option value="">"myself"</option>
                                    {organisations.into_iter()
                                        .filter(|o| !o.personal && o.role >= Role::Contributor)
                                        .map(|o| view! { <option value=o.slug.clone()>{o.slug.clone()}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                        }
                    })}
                </Transition>
                </ClientOnly>
                <label>"Uses "
                    <input name="uses" placeholder="placeOrder, order-approved (empty: everything)"
                        prop:value=uses on:input=move |ev| uses.set(event_target_value(&ev))/>
                </label>
                <label>"Contact "
                    <input name="contact" maxlength="200" placeholder="orders-team@example.com"
                        prop:value=contact on:input=move |ev| contact.set(event_target_value(&ev))/>
                </label>
                <button type="submit" data-testid="consumer-register">"Register as a consumer"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

/// The registrations table, made in the browser (its resource must not take an id the
/// page's server-rendered resources expect).
#[component]
fn ConsumerList(
    coordinate: StoredValue<(String, String)>,
    version: RwSignal<u32>,
    remove: impl Fn(i64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let consumers = LocalResource::new(move || {
        version.track();
        let (group, asset) = coordinate.get_value();
        list_consumers(group, asset)
    });
    view! {
            <Transition fallback=|| view! { <p class="muted">"Loading consumers…"</p> }>
                {move || Suspend::new(async move {
                    match consumers.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No consumers you can see yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="consumer-list">
                                <thead><tr><th>"Organisation"</th><th>"Range"</th><th>"Uses"</th><th>"Contact"</th><th>"Registered by"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let id = c.id;
                                        let organisation = c.organisation.clone();
                                        view! {
                                            <tr data-consumer=organisation>
                                                <td>{c.organisation}</td>
                                                <td><code>{c.range}</code></td>
                                                <td>{if c.uses.is_empty() { "everything".to_owned() } else { c.uses.join(", ") }}</td>
                                                <td>{c.contact}</td>
                                                <td>{c.registered_by.unwrap_or_default()}</td>
                                                <td>{c.removable.then(|| view! {
                                                    <button type="button" class="link-button" on:click=move |_| remove(id)>"Remove"</button>
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
    }
}
