//! The event map page: over every AsyncAPI asset the user may see, which applications
//! send and which receive on each channel address, drawn as a graph (producers, channels,
//! consumers) with zoom and filters, and listed in a table under it.

pub mod graph;
pub mod layout;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use graph::Graph;
use portico_types::event_map::{ChannelEnd, EventMap, EventMapChoices};

/// Most channels the page draws; the REST API answers all of them.
pub const MAX_CHANNELS: usize = 150;

/// The map as the page gets it: at most [`MAX_CHANNELS`] channels, and how many there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMapView {
    pub map: EventMap,
    pub total_channels: usize,
}

/// The event map the signed-in user may see, narrowed by the filters (empty: all).
#[server(prefix = "/rpc", endpoint = "event_map")]
pub async fn load_event_map(
    tag: String,
    server: String,
    organisation: String,
    asset: String,
) -> Result<EventMapView, AppError> {
    use portico_types::event_map::EventMapFilter;

    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let set = |value: String| Some(value).filter(|v| !v.is_empty());
    let filter = EventMapFilter {
        tag: set(tag),
        server: set(server),
        organisation: set(organisation),
        asset: set(asset),
    };
    let mut map = portico_core::exchange::event_map::event_map(&ctx.db, &user, &filter).await?;
    let total_channels = map.truncate_channels(MAX_CHANNELS);
    Ok(EventMapView {
        map,
        total_channels,
    })
}

/// The event map page.
#[component]
pub fn EventMapPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let data = Resource::new(
        move || {
            (
                param("tag"),
                param("server"),
                param("organisation"),
                param("asset"),
            )
        },
        |(tag, server, organisation, asset)| load_event_map(tag, server, organisation, asset),
    );
    view! {
        <Title text="Event map · Portico"/>
        <section class="event-map-page">
            <h1>"Event map"</h1>
            <p class="muted">
                "Who sends and who receives on each channel, over the latest version of every AsyncAPI asset you can see. "
                "Registered consumers of an asset use it from the other side (dashed lines)."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Drawing the map…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <MapView view/> }.into_any(),
                        Err(AppError::Server(portico_types::Error::Unauthenticated)) => view! {
                            <p>"Log in to see the event map. " <A href="/login?next=/event-map">"Log in"</A></p>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn MapView(view: EventMapView) -> impl IntoView {
    let EventMapView {
        map,
        total_channels,
    } = view;
    let shown = map.channels.len();
    let empty = map.channels.is_empty();
    let choices = map.choices.clone();
    view! {
        <Filters choices/>
        <p class="muted" data-testid="event-map-count">
            {format!(
                "{shown} channel{} · {} application{}",
                if shown == 1 { "" } else { "s" },
                map.applications.len(),
                if map.applications.len() == 1 { "" } else { "s" },
            )}
            {(total_channels > shown).then(|| format!(
                " (the first {shown} of {total_channels} channels; choose a filter to see the others)"
            ))}
        </p>
        {if empty {
            view! { <p class="card">"No channel here: no AsyncAPI asset you can see sends or receives on one that the filters keep."</p> }.into_any()
        } else {
            view! {
                <Graph map=map.clone()/>
                <ChannelTable map/>
            }.into_any()
        }}
    }
}

/// The filters: a GET form, so every view of the map has its own address.
#[component]
fn Filters(choices: EventMapChoices) -> impl IntoView {
    let query = use_query_map();
    let current = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let select =
        move |name: &'static str, label: &'static str, any: &'static str, values: Vec<String>| {
            let chosen = current(name);
            let id = format!("event-map-{name}");
            view! {
                <label for=id.clone()>{label}</label>
                <select id=id name=name>
                    <option value="" selected=chosen.is_empty()>{any}</option>
                    {values.into_iter().map(|value| {
                        let selected = value == chosen;
                        let text = value.clone();
                        view! { <option value=value selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            }
        };
    let asset = current("asset");
    view! {
        <Form method="GET" action="" attr:class="search-form event-map-filters" attr:aria-label="Filter the event map">
            {(!asset.is_empty()).then(|| view! {
                <input type="hidden" name="asset" value=asset.clone()/>
                <span data-testid="event-map-around">"Around "<code>{asset.clone()}</code></span>
            })}
            {select("tag", "Tag", "Any tag", choices.tags)}
            {select("server", "Server", "Any server", choices.servers)}
            {select("organisation", "Organisation", "Any organisation", choices.organisations)}
            <button type="submit" class="primary-inline">"Show"</button>
            <A href="/event-map">"Clear"</A>
        </Form>
    }
}

/// The same map as a table: each channel with its producers and consumers.
#[component]
fn ChannelTable(map: EventMap) -> impl IntoView {
    let link = {
        let map = map.clone();
        move |end: &ChannelEnd| {
            let app = map.application(&end.app);
            let title = app.map_or_else(|| end.app.clone(), |a| a.title.clone());
            let href = app.map_or_else(String::new, |a| {
                format!("/exchange/{}/{}/{}", a.group, a.asset, a.version)
            });
            let registered = app.is_some_and(|a| a.range.is_some());
            view! {
                <li>
                    <A href=href>{title}</A>
                    {registered.then(|| view! { <span class="muted">" (registered consumer)"</span> })}
                </li>
            }
        }
    };
    view! {
        <table class="table event-map-table">
            <caption>"Channels"</caption>
            <thead>
                <tr><th scope="col">"Address"</th><th scope="col">"Producers"</th><th scope="col">"Consumers"</th></tr>
            </thead>
            <tbody>
                {map.channels.iter().map(|channel| view! {
                    <tr data-testid="event-map-row" data-address=channel.address.clone()>
                        <th scope="row"><code>{channel.address.clone()}</code></th>
                        <td><ul class="em-list">{channel.producers.iter().map(&link).collect_view()}</ul></td>
                        <td><ul class="em-list">{channel.consumers.iter().map(&link).collect_view()}</ul></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
