//! One channel in the console: its address parameters, subscribe, the live message list
//! with valid/invalid badges, the payload editor with QoS/retain/headers, and the mock
//! publisher.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_types::console::ClientCommand;

use super::ConsoleState;
use super::check::{check_payload, example_text, payload_schemas};

#[component]
pub(super) fn ChannelPanel(
    channel: spec_engine::Channel,
    model: StoredValue<spec_engine::Model>,
    state: ConsoleState,
) -> impl IntoView {
    let id = channel.id.clone();
    let parameters = RwSignal::new(BTreeMap::<String, String>::new());
    let payload = RwSignal::new(model.with_value(|m| example_text(m, &channel)));
    let qos = RwSignal::new(0u8);
    let retain = RwSignal::new(false);
    let headers = RwSignal::new(String::new());
    let rate = RwSignal::new(10u32);
    let channel = StoredValue::new(channel);
    let key = StoredValue::new(id.clone());
    let subscribed = move || key.with_value(|id| state.subscriptions.with(|s| s.get(id).cloned()));
    let mocking = move || key.with_value(|id| state.mocks.with(|m| m.get(id).copied()));

    let toggle_subscription = move |_| {
        let id = key.get_value();
        if subscribed().is_some() {
            state.send(ClientCommand::Unsubscribe { id });
        } else {
            state.send(ClientCommand::Subscribe {
                channel: id.clone(),
                id,
                parameters: parameters.get_untracked(),
            });
        }
    };
    let publish = move |_| {
        let text = payload.get_untracked();
        // Headers are read when the button is pressed, not after the check.
        let headers_text = headers.get_untracked();
        let schemas = channel.with_value(|c| model.with_value(|m| payload_schemas(m, c)));
        spawn_local(async move {
            if let Err(problems) = check_payload(&schemas, &text).await {
                let question = format!(
                    "This payload does not match the schema of {}:\n\n{}\n\nSend it anyway?",
                    key.get_value(),
                    problems.join("\n")
                );
                if !window().confirm_with_message(&question).unwrap_or(false) {
                    return;
                }
            }
            let headers = if headers_text.trim().is_empty() {
                None
            } else {
                match serde_json::from_str::<BTreeMap<String, String>>(&headers_text) {
                    Ok(map) => Some(map),
                    Err(_) => {
                        state.error.set(Some(
                            "Headers are a JSON object of strings, like {\"traceId\": \"abc\"}."
                                .into(),
                        ));
                        return;
                    }
                }
            };
            let id = key.get_value();
            state.send(ClientCommand::Publish {
                channel: id,
                parameters: parameters.get_untracked(),
                payload: text,
                qos: qos.get_untracked(),
                retain: retain.get_untracked(),
                headers,
            });
        });
    };
    let toggle_mock = move |_| {
        let id = key.get_value();
        if mocking().is_some() {
            state.send(ClientCommand::MockStop { channel: Some(id) });
        } else {
            state.send(ClientCommand::MockStart {
                channel: id,
                parameters: parameters.get_untracked(),
                rate: rate.get_untracked(),
            });
        }
    };
    let (address, description, params) = channel.with_value(|c| {
        (
            c.address.clone().unwrap_or_default(),
            c.description.clone(),
            c.parameters.clone(),
        )
    });
    let messages = move || {
        key.with_value(|id| {
            state.messages.with(|all| {
                all.iter()
                    .rev()
                    .filter(|m| &m.subscription == id)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <article class="console-channel" data-testid=format!("channel-{id}")>
            <h3><code>{address}</code></h3>
            {description.map(|d| view! { <p class="muted">{d}</p> })}
            {(!params.is_empty()).then(|| view! {
                <div class="console-parameters">
                    {params.into_iter().map(|p| {
                        let name = p.name.clone();
                        let input_name = name.clone();
                        view! {
                            <label>{format!("{{{name}}} ")}
                                <input type="text" placeholder="+ (any)"
                                    on:input=move |ev| {
                                        let value = event_target_value(&ev);
                                        parameters.update(|ps| { ps.insert(input_name.clone(), value); });
                                    }/>
                            </label>
                        }
                    }).collect_view()}
                </div>
            })}
            <p class="console-actions">
                <button type="button" data-testid="subscribe" disabled=move || !state.connected.get() on:click=toggle_subscription>
                    {move || if subscribed().is_some() { "Unsubscribe" } else { "Subscribe" }}
                </button>
                {move || subscribed().map(|filter| view! {
                    <span class="muted" data-testid="subscription">{format!(" watching {filter}")}</span>
                })}
            </p>
            <details class="console-publish" open>
                <summary>"Publish"</summary>
                <label class="console-payload">"Payload"
                    <textarea data-testid="payload" rows="8" spellcheck="false"
                        prop:value=move || payload.get()
                        on:input=move |ev| payload.set(event_target_value(&ev))></textarea>
                </label>
                <label>"Headers (MQTT 5 user properties, JSON object) "
                    <input type="text" data-testid="headers" placeholder="{\"traceId\": \"abc\"}"
                        prop:value=move || headers.get()
                        on:input=move |ev| headers.set(event_target_value(&ev))/>
                </label>
                <p class="console-actions">
                    <label>"QoS "
                        <select data-testid="qos" on:change=move |ev| qos.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">"0"</option>
                            <option value="1">"1"</option>
                            <option value="2">"2"</option>
                        </select>
                    </label>
                    <label><input type="checkbox" data-testid="retain" on:change=move |ev| retain.set(event_target_checked(&ev))/>" retained"</label>
                    <button type="button" data-testid="publish" disabled=move || !state.connected.get() on:click=publish>"Publish"</button>
                </p>
                {move || key.with_value(|id| state.published.with(|p| p.get(id).cloned())).map(|summary| view! {
                    <p class="muted" data-testid="published">{summary}</p>
                })}
                <p class="console-actions">
                    <label>"Mock publisher, messages per second "
                        <input type="number" min="1" max="1000" data-testid="mock-rate"
                            prop:value=move || rate.get().to_string()
                            on:input=move |ev| rate.set(event_target_value(&ev).parse().unwrap_or(1))/>
                    </label>
                    <button type="button" data-testid="mock" disabled=move || !state.connected.get() on:click=toggle_mock>
                        {move || if mocking().is_some() { "Stop mock" } else { "Start mock" }}
                    </button>
                </p>
            </details>
            <ol class="console-messages" data-testid="messages">
                <For each=messages key=|m| m.key let:message>
                    <li class="console-message" data-testid="message">
                        <p class="console-message-head">
                            <span class="muted">{message.time.clone()}</span>" "
                            <code>{message.topic.clone()}</code>" "
                            <span class="muted">{format!("{} B", message.size)}</span>" "
                            {message.retain.then(|| view! { <span class="badge">"retained"</span> })}
                            {if message.valid {
                                view! { <span class="badge status ok" data-testid="badge">"valid"</span> }.into_any()
                            } else {
                                view! { <span class="badge status error" data-testid="badge">"invalid"</span> }.into_any()
                            }}
                        </p>
                        {message.problems.iter().map(|p| view! { <p class="form-error" data-testid="problem">{p.clone()}</p> }).collect_view()}
                        {(!message.headers.is_empty()).then(|| view! {
                            <p class="muted" data-testid="message-headers">
                                {message.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" · ")}
                            </p>
                        })}
                        <pre class="code"><code>{message.pretty.clone()}</code></pre>
                    </li>
                </For>
            </ol>
        </article>
    }
    .into_any()
}
