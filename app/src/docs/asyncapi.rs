//! The AsyncAPI half of the documentation: servers, channels, operations, messages.

use leptos::prelude::*;
use spec_engine::{Action, Channel, Message, Model, Operation};

use super::fold::{Fold, slug};
use super::keyed::model_list;
use super::markdown::Markdown;
use super::parts::{ParameterTable, Pretty};
use super::schema::SchemaTree;
use super::servers::ServersSection;

/// Servers, channels, operations and messages of an AsyncAPI document; each list keyed,
/// so a new model rebuilds only the items that changed (see [`keyed`](super::keyed)).
#[component]
pub fn AsyncApiSections(model: Signal<Model>) -> impl IntoView {
    let servers = Memo::new(move |_| model.with(|m| m.servers.clone()));
    let has = move |list: fn(&Model) -> bool| Memo::new(move |_| model.with(list));
    let has_channels = has(|m| !m.channels.is_empty());
    let has_operations = has(|m| !m.operations.is_empty());
    let has_messages = has(|m| !m.messages.is_empty());
    view! {
        {move || view! { <ServersSection servers=servers.get()/> }}
        {move || has_channels.get().then(|| view! {
            <section class="doc-group" id="channels">
                <h2>"Channels"</h2>
                {model_list(model, |m| &m.channels, |c| &c.id,
                    |channel| view! { <ChannelSection channel/> })}
            </section>
        })}
        {move || has_operations.get().then(|| view! {
            <section class="doc-group" id="operations">
                <h2>"Operations"</h2>
                {model_list(model, |m| &m.operations, |o| &o.id,
                    move |operation| view! { <AsyncOperation operation model/> })}
            </section>
        })}
        {move || has_messages.get().then(|| view! {
            <section class="doc-group" id="messages">
                <h2>"Messages"</h2>
                {model_list(model, |m| &m.messages, |m| &m.id,
                    |message| view! { <MessageSection message/> })}
            </section>
        })}
    }
    .into_any()
}

/// The address of the channel an operation uses, which its heading shows.
fn channel_address(model: &Model, operation: &Operation) -> Option<String> {
    operation
        .channel
        .as_deref()
        .and_then(|c| model.channel(c).and_then(|c| c.address.clone()))
}

#[component]
fn ChannelSection(channel: Channel) -> impl IntoView {
    let id = slug("channel", &channel.id);
    let address = channel
        .address
        .clone()
        .unwrap_or_else(|| "(dynamic address)".into());
    let summary = view! {
        <code class="channel-address">{address}</code>
        {(channel.address.as_deref() != Some(channel.id.as_str())).then(|| view! {
            <span class="muted">{channel.id.clone()}</span>
        })}
        {channel.title.clone().map(|t| view! { <span class="fold-summary">{t}</span> })}
    }
    .into_any();
    let body = StoredValue::new(channel);
    view! {
        <Fold id class="channel" summary>
            {move || {
                let channel = body.get_value();
                view! {
                    {channel.description.clone().map(|d| view! { <Markdown text=d/> })}
                    {(!channel.parameters.is_empty()).then(|| view! {
                        <h4>"Parameters"</h4>
                        <ParameterTable parameters=channel.parameters.clone()/>
                    })}
                    {(!channel.messages.is_empty()).then(|| view! {
                        <p>"Messages: "
                            {channel.messages.iter().map(|m| view! {
                                <a href=format!("#{}", slug("message", m))>{m.clone()}</a>" "
                            }).collect_view()}
                        </p>
                    })}
                    {(!channel.servers.is_empty()).then(|| view! {
                        <p class="muted">"Only on: "{channel.servers.join(", ")}</p>
                    })}
                    {channel.bindings.clone().map(|b| view! { <h4>"Bindings"</h4><Pretty value=b/> })}
                }
            }}
        </Fold>
    }
    .into_any()
}

/// The verb a reader understands for an AsyncAPI action.
pub fn action_label(action: &Action) -> &str {
    match action {
        Action::Send => "send",
        Action::Receive => "receive",
        Action::Http(method) => method.as_str(),
    }
}

#[component]
fn AsyncOperation(operation: Operation, model: Signal<Model>) -> impl IntoView {
    let id = slug("operation", &operation.id);
    let action = action_label(&operation.action).to_owned();
    // The heading shows the channel's address, which may change without the operation.
    let address = {
        let operation = operation.clone();
        Memo::new(move |_| {
            model
                .with(|m| channel_address(m, &operation))
                .or_else(|| operation.channel.clone())
                .unwrap_or_default()
        })
    };
    let summary = view! {
        <span class=format!("badge action-{action}")>{action.to_uppercase()}</span>
        <code>{move || address.get()}</code>
        <span class="muted">{operation.id.clone()}</span>
        {operation.summary.clone().map(|s| view! { <span class="fold-summary">{s}</span> })}
        {operation.deprecated.then(|| view! { <span class="badge lifecycle-deprecated">"deprecated"</span> })}
    }
    .into_any();
    let body = StoredValue::new(operation);
    view! {
        <Fold id class="operation" summary>
            {move || {
                let operation = body.get_value();
                view! {
                    {operation.description.clone().map(|d| view! { <Markdown text=d/> })}
                    {operation.channel.clone().map(|c| view! {
                        <p>"Channel: "<a href=format!("#{}", slug("channel", &c))>{c.clone()}</a></p>
                    })}
                    {(!operation.messages.is_empty()).then(|| view! {
                        <p>"Messages: "
                            {operation.messages.iter().map(|m| view! {
                                <a href=format!("#{}", slug("message", m))>{m.clone()}</a>" "
                            }).collect_view()}
                        </p>
                    })}
                    {operation.reply.clone().map(|reply| view! {
                        <p>"Reply: "
                            {reply.channel.clone().or(reply.address.clone()).unwrap_or_else(|| "(on the request's reply address)".into())}
                            {(!reply.messages.is_empty()).then(|| format!(" with {}", reply.messages.join(", ")))}
                        </p>
                    })}
                    {(!operation.tags.is_empty()).then(|| view! {
                        <p class="badges">{operation.tags.iter().map(|t| view! { <span class="badge tag">{t.clone()}</span> }).collect_view()}</p>
                    })}
                    {(!operation.security.is_empty()).then(|| view! {
                        <p class="muted">"Security: "{operation.security.join(", ")}</p>
                    })}
                }
            }}
        </Fold>
    }
    .into_any()
}

#[component]
fn MessageSection(message: Message) -> impl IntoView {
    let id = slug("message", &message.id);
    let summary = view! {
        <strong>{message.name.clone().unwrap_or_else(|| message.id.clone())}</strong>
        {message.title.clone().map(|t| view! { <span class="fold-summary">{t}</span> })}
        {message.content_type.clone().map(|c| view! { <span class="badge">{c}</span> })}
    }
    .into_any();
    let body = StoredValue::new(message);
    view! {
        <Fold id class="message" summary>
            {move || {
                let message = body.get_value();
                view! {
                    {message.summary.clone().map(|s| view! { <p class="lead">{s}</p> })}
                    {message.description.clone().map(|d| view! { <Markdown text=d/> })}
                    {message.correlation_id.clone().map(|c| view! { <p>"Correlation id: "<code>{c}</code></p> })}
                    {message.schema_format.clone().map(|f| view! { <p class="muted">"Schema format: "<code>{f}</code></p> })}
                    {message.headers.clone().map(|h| view! { <h4>"Headers"</h4><SchemaTree schema=h/> })}
                    {message.payload.clone().map(|p| view! { <h4>"Payload"</h4><SchemaTree schema=p/> })}
                    {(!message.examples.is_empty()).then(|| view! {
                        <h4>"Examples"</h4>
                        {message.examples.iter().map(|example| view! {
                            <div class="example">
                                {example.name.clone().or(example.summary.clone()).map(|n| view! { <p><strong>{n}</strong></p> })}
                                {example.headers.clone().map(|h| view! { <Pretty value=h/> })}
                                {example.payload.clone().map(|p| view! { <Pretty value=p/> })}
                            </div>
                        }).collect_view()}
                    })}
                    {message.bindings.clone().map(|b| view! { <h4>"Bindings"</h4><Pretty value=b/> })}
                }
            }}
        </Fold>
    }
    .into_any()
}
