//! The channel console on an AsyncAPI asset page: lists the document's operations and
//! channels; per channel, subscribe (address parameters or wildcards) and watch messages
//! arrive checked against the channel's schemas, publish from a payload editor (checked
//! before it leaves the browser), and run a mock publisher. It talks to the server over
//! one WebSocket (`server/src/console`, protocol in README.md), opened after hydration.

mod check;
mod panel;
mod socket;

use std::collections::BTreeMap;

use leptos::prelude::*;
use portico_types::console::{ClientCommand, ConsoleMessage, ServerEvent};
use serde_json::Value;

use crate::exchange::asset_page::version_model;
use panel::ChannelPanel;

/// Most messages kept on the page (all channels together); older ones leave the list.
const MAX_SHOWN: usize = 500;

/// One message as the page shows it.
#[derive(Debug, Clone)]
struct ShownMessage {
    key: u64,
    subscription: String,
    topic: String,
    time: String,
    size: u64,
    pretty: String,
    valid: bool,
    problems: Vec<String>,
    headers: Vec<(String, String)>,
    retain: bool,
}

/// The page's view of the console connection; every field is a signal, so it is `Copy`.
#[derive(Clone, Copy)]
struct ConsoleState {
    /// "connecting", "connected" or the reason it closed.
    status: RwSignal<String>,
    connected: RwSignal<bool>,
    servers: RwSignal<Vec<(String, String, bool)>>,
    server: RwSignal<Option<String>>,
    messages: RwSignal<Vec<ShownMessage>>,
    next_key: StoredValue<u64>,
    dropped: RwSignal<u64>,
    error: RwSignal<Option<String>>,
    /// Channel id -> MQTT filter of its live subscription.
    subscriptions: RwSignal<BTreeMap<String, String>>,
    /// Channel id -> rate of its running mock publisher.
    mocks: RwSignal<BTreeMap<String, u64>>,
    /// Channel id -> what the last publish did.
    published: RwSignal<BTreeMap<String, String>>,
    /// Key of this console's socket in [`SOCKETS`].
    socket: u64,
}

thread_local! {
    /// The open sockets of the page's consoles. The browser has one thread; on the server
    /// nothing is ever stored here (sockets open from effects only), so a server render
    /// never holds a browser object that could be dropped on another thread.
    static SOCKETS: std::cell::RefCell<BTreeMap<u64, socket::ConsoleSocket>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

/// Source of socket keys.
static NEXT_SOCKET: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl ConsoleState {
    fn new() -> ConsoleState {
        ConsoleState {
            status: RwSignal::new("connecting…".into()),
            connected: RwSignal::new(false),
            servers: RwSignal::new(Vec::new()),
            server: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            dropped: RwSignal::new(0),
            error: RwSignal::new(None),
            subscriptions: RwSignal::new(BTreeMap::new()),
            mocks: RwSignal::new(BTreeMap::new()),
            published: RwSignal::new(BTreeMap::new()),
            socket: NEXT_SOCKET.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Sends a command; says so on the page when the socket is not open.
    fn send(&self, command: ClientCommand) {
        self.error.set(None);
        let sent = SOCKETS.with_borrow(|sockets| {
            sockets
                .get(&self.socket)
                .is_some_and(|socket| socket.send(&command))
        });
        if !sent {
            self.error.set(Some(
                "The console is not connected; reload the page.".into(),
            ));
        }
    }

    /// Opens the socket (in the browser only: called from an effect).
    fn connect(self, path: String) {
        let opened = socket::ConsoleSocket::open(
            &path,
            move || {
                self.status.try_set("connected".into());
                self.connected.try_set(true);
            },
            move |event| self.apply(event),
            move |reason| {
                self.connected.try_set(false);
                self.status.try_set(reason);
                self.subscriptions.try_set(BTreeMap::new());
                self.mocks.try_set(BTreeMap::new());
            },
        );
        match opened {
            Ok(socket) => {
                SOCKETS.with_borrow_mut(|sockets| sockets.insert(self.socket, socket));
            }
            Err(reason) => self.status.set(reason),
        }
    }

    /// Applies one server event to the page.
    fn apply(&self, event: ServerEvent) {
        match event {
            ServerEvent::Ready { servers, .. } => {
                let servers = servers
                    .into_iter()
                    .map(|s| {
                        let protocol = s.protocol.as_deref().unwrap_or("?");
                        let label = format!("{} ({protocol} {})", s.id, s.url);
                        (s.id, label, s.supported)
                    })
                    .collect();
                self.servers.try_set(servers);
            }
            ServerEvent::Subscribed { id, filter, .. } => {
                self.subscriptions.try_update(|s| s.insert(id, filter));
            }
            ServerEvent::Unsubscribed { id } => {
                self.subscriptions.try_update(|s| s.remove(&id));
            }
            ServerEvent::Recent { messages, .. } => self.show(messages),
            ServerEvent::Message(message) => self.show(vec![message]),
            ServerEvent::Dropped { count } => {
                self.dropped.try_update(|d| *d += count);
            }
            ServerEvent::Published {
                channel,
                topic,
                size,
                qos,
                retain,
                valid,
                ..
            } => {
                let verdict = if valid {
                    "valid"
                } else {
                    "invalid, sent anyway"
                };
                let retained = if retain { ", retained" } else { "" };
                let summary =
                    format!("Published on {topic} ({size} B, QoS {qos}{retained}), {verdict}.");
                self.published.try_update(|p| p.insert(channel, summary));
            }
            ServerEvent::MockStarted { channel, rate, .. } => {
                self.mocks.try_update(|m| m.insert(channel, rate.into()));
            }
            ServerEvent::MockStopped { channel, .. } => {
                self.mocks.try_update(|m| m.remove(&channel));
            }
            ServerEvent::ServerChanged { server } => {
                self.server.try_set(server);
                self.subscriptions.try_set(BTreeMap::new());
                self.mocks.try_set(BTreeMap::new());
            }
            ServerEvent::Error { message } => {
                self.error.try_set(Some(message));
            }
        }
    }

    fn show(&self, messages: Vec<ConsoleMessage>) {
        let shown: Vec<ShownMessage> = messages
            .into_iter()
            .map(|m| {
                let key = self.next_key.get_value();
                self.next_key.set_value(key + 1);
                let pretty = match &m.json {
                    None | Some(Value::Null) => m.payload,
                    Some(json) => serde_json::to_string_pretty(json).unwrap_or_default(),
                };
                ShownMessage {
                    key,
                    subscription: m.subscription,
                    topic: m.topic,
                    time: clock_time(m.time as f64),
                    size: m.size as u64,
                    pretty,
                    valid: m.valid,
                    problems: m.problems.into_iter().map(|p| p.message).collect(),
                    headers: m.headers,
                    retain: m.retain,
                }
            })
            .collect();
        self.messages.try_update(|list| {
            list.extend(shown);
            let excess = list.len().saturating_sub(MAX_SHOWN);
            list.drain(..excess);
        });
    }
}

/// `HH:MM:SS.mmm` (UTC) of a time in milliseconds since the epoch (browser only).
fn clock_time(millis: f64) -> String {
    let iso: String = js_sys::Date::new(&millis.into()).to_iso_string().into();
    iso.get(11..23).unwrap_or_default().to_owned()
}

/// The console section of an AsyncAPI asset version's page.
#[component]
pub fn ChannelConsole(group: String, asset: String, version: String) -> impl IntoView {
    let path = format!("/api/v1/console/{group}/{asset}/{version}/ws");
    let coordinate = StoredValue::new((group, asset, version));
    let load = move || {
        let (group, asset, version) = coordinate.get_value();
        async move {
            version_model(group, asset, version)
                .await
                .map_err(|e| e.to_string())
        }
    };
    view! { <ConsoleCard path load/> }
}

/// The console beside the editor preview, over a design project as last saved; `model`
/// is the editor's analysis of that text.
#[component]
pub fn ProjectConsole(project: String, model: spec_engine::Model) -> impl IntoView {
    let path = format!("/api/v1/console/design/{project}/ws");
    let model = StoredValue::new(model);
    let load = move || {
        let model = model.get_value();
        async move { Ok(model) }
    };
    view! { <ConsoleCard path load/> }
}

/// The console over one WebSocket at `path`; its channel panels come from `load`.
#[component]
fn ConsoleCard<L, F>(path: String, load: L) -> impl IntoView
where
    L: Fn() -> F + Copy + Send + Sync + 'static,
    F: std::future::Future<Output = Result<spec_engine::Model, String>> + 'static,
{
    let state = ConsoleState::new();
    // The console is interactive only: it is built in the browser once the page has
    // hydrated (effects never run on the server), so the server sends a placeholder and
    // nothing of it has to hydrate.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        state.connect(path.clone());
    });
    on_cleanup(move || {
        // Taken out first: closing may call back into the page.
        let socket = SOCKETS.with_borrow_mut(|sockets| sockets.remove(&state.socket));
        drop(socket);
    });
    let choose_server = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let server = (!value.is_empty()).then_some(value);
        state.send(ClientCommand::UseServer { server });
    };
    view! {
        <section class="card console" data-testid="console">
            <h2>"Try it: channel console"</h2>
            <p class="console-status muted">
                "Connection: " <span data-testid="console-status">{move || state.status.get()}</span>
                " · Broker "
                <select data-testid="console-server" on:change=choose_server aria-label="Broker">
                    <option value="" selected=move || state.server.get().is_none()>"bundled with Portico"</option>
                    {move || state.servers.get().into_iter().map(|(id, label, supported)| {
                        let selected = { let id = id.clone(); move || state.server.get().as_deref() == Some(id.as_str()) };
                        let label = if supported { label } else { format!("{label}, not supported yet") };
                        view! { <option value=id selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </p>
            <p class="muted small">
                "A document's own server is contacted only when you choose it here."
            </p>
            {move || state.error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="console-error">{e}</p> })}
            {move || (state.dropped.get() > 0).then(|| view! {
                <p class="form-error" data-testid="dropped">{format!("{} dropped: the page did not keep up", state.dropped.get())}</p>
            })}
            <Show when=move || hydrated.get() fallback=|| view! { <p class="muted">"Loading the console…"</p> }>
                {move || {
                    let model = LocalResource::new(load);
                    view! {
                        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match model.await {
                                    Ok(model) => view! { <ConsoleBody model state/> }.into_any(),
                                    Err(error) => view! { <p class="form-error">{error}</p> }.into_any(),
                                }
                            })}
                        </Suspense>
                    }
                }}
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn ConsoleBody(model: spec_engine::Model, state: ConsoleState) -> impl IntoView {
    let operations = model.operations.clone();
    let channels = model.channels.clone();
    let model = StoredValue::new(model);
    view! {
        {(!operations.is_empty()).then(|| view! {
            <table class="table" data-testid="console-operations">
                <thead><tr><th>"Operation"</th><th>"Action"</th><th>"Channel"</th></tr></thead>
                <tbody>
                    {operations.into_iter().map(|op| {
                        let action = match &op.action {
                            spec_engine::Action::Send => "send".to_owned(),
                            spec_engine::Action::Receive => "receive".to_owned(),
                            spec_engine::Action::Http(method) => method.clone(),
                        };
                        view! {
                            <tr>
                                <td>{op.id}</td>
                                <td><span class=format!("badge action-{action}")>{action.clone()}</span></td>
                                <td>{op.channel.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {channels.into_iter()
            .filter(|c| c.address.is_some())
            .map(|channel| view! { <ChannelPanel channel model state/> })
            .collect_view()}
    }
}
