//! The servers of a document (brokers for AsyncAPI, base URLs for OpenAPI), shown alike.

use leptos::prelude::*;
use spec_engine::Server;

use super::fold::slug;
use super::markdown::Markdown;
use super::parts::ParameterTable;

/// The "Servers" section; nothing when the document names none.
#[component]
pub fn ServersSection(servers: Vec<Server>) -> impl IntoView {
    (!servers.is_empty()).then(|| {
        view! {
            <section class="doc-group" id="servers">
                <h2>"Servers"</h2>
                {servers.into_iter().map(|server| view! { <ServerCard server/> }).collect_view()}
            </section>
        }
    })
}

/// One server (broker): where it is, which protocol, how to authenticate.
#[component]
fn ServerCard(server: Server) -> impl IntoView {
    view! {
        <div class="server" id=slug("server", &server.id)>
            <p class="server-line">
                <strong>{server.id.clone()}</strong>" "
                {server.protocol.clone().map(|p| {
                    let version = server.protocol_version.clone().map(|v| format!(" {v}")).unwrap_or_default();
                    view! { <span class="badge protocol">{format!("{p}{version}")}</span> }
                })}" "
                <code>{server.url.clone()}</code>
            </p>
            {server.description.clone().map(|d| view! { <Markdown text=d/> })}
            {(!server.security.is_empty()).then(|| view! {
                <p class="muted">"Security: "{server.security.join(", ")}</p>
            })}
            {(!server.variables.is_empty()).then(|| view! { <ParameterTable parameters=server.variables.clone()/> })}
        </div>
    }
    .into_any()
}
