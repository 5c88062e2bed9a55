//! The documentation renderer: Leptos components over `spec_engine::Model`, shared by the asset
//! pages of the exchange and the live preview of the editor. Rendered on the server and
//! hydrated; markdown goes through [`markdown`] (pulldown-cmark, then ammonia) and every
//! other string from a document is inserted as text, never as HTML.

pub mod asyncapi;
pub mod fold;
pub mod keyed;
pub mod markdown;
pub mod openapi;
pub mod parts;
pub mod schema;
pub mod servers;

use leptos::prelude::*;
use spec_engine::{Kind, Model};

use asyncapi::{AsyncApiSections, action_label};
use fold::{OpenSections, slug};
use markdown::Markdown;
use openapi::{OpenApiSections, operation_anchor, operations_by_tag};
use parts::SecuritySchemes;

/// Documents with at most this many channels, operations and messages start with every
/// section open; larger ones start collapsed so the page stays light.
const OPEN_BY_DEFAULT_MAX_ITEMS: usize = 40;
/// Most entries listed per group in the table of contents.
const MAX_TOC_ENTRIES: usize = 300;

/// The rendered documentation of one document. The model may change (the editor's
/// preview): each part follows it and rebuilds only when what it shows changed.
#[component]
pub fn Documentation(#[prop(into)] model: Signal<Model>) -> impl IntoView {
    let sections = use_context::<OpenSections>().unwrap_or_else(|| {
        let items =
            model.with_untracked(|m| m.channels.len() + m.operations.len() + m.messages.len());
        let sections = OpenSections::new(items <= OPEN_BY_DEFAULT_MAX_ITEMS);
        provide_context(sections);
        sections
    });
    let kind = Memo::new(move |_| model.with(|m| m.kind));
    let head = Memo::new(move |_| {
        model.with(|m| (m.spec_version.clone(), m.info.clone(), m.tags.clone()))
    });
    let schemes = Memo::new(move |_| model.with(|m| m.security_schemes.clone()));
    let toc = Memo::new(move |_| model.with(table_of_contents));
    view! {
        <div class="documentation" data-testid="documentation">
            <nav class="doc-toc" aria-label="Contents">
                <p class="toc-title">"Contents"</p>
                <ul>
                    {move || toc.get().into_iter().map(|(title, anchor, entries, more)| view! {
                        <li>
                            <a href=format!("#{anchor}")>{title}</a>
                            {(!entries.is_empty()).then(|| view! {
                                <ul>
                                    {entries.into_iter().map(|(label, id)| {
                                        let target = id.clone();
                                        view! {
                                            <li><a href=format!("#{id}") on:click=move |_| sections.open(&target)>{label}</a></li>
                                        }
                                    }).collect_view()}
                                    {(more > 0).then(|| view! { <li class="muted">{format!("… and {more} more")}</li> })}
                                </ul>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </nav>
            <div class="doc-body">
                {move || {
                    let kind = kind.get();
                    let (spec_version, info, tags) = head.get();
                    let kind_label = match kind {
                        Kind::AsyncApi => "AsyncAPI",
                        Kind::OpenApi => "OpenAPI",
                    };
                    view! {
                        <header class="doc-info" id="info">
                            <h2 class="doc-title">{info.title.clone()}" "<span class="muted">{info.version.clone()}</span></h2>
                            <p class="badges">
                                <span class=format!("badge kind-{}", kind.as_str())>{format!("{kind_label} {spec_version}")}</span>
                                {tags.iter().map(|t| view! { <span class="badge tag">{t.name.clone()}</span> }).collect_view()}
                            </p>
                            {info.description.clone().map(|d| view! { <Markdown text=d/> })}
                            <InfoFacts info=info.clone()/>
                        </header>
                    }
                }}
                {move || match kind.get() {
                    Kind::AsyncApi => view! { <AsyncApiSections model/> }.into_any(),
                    Kind::OpenApi => view! { <OpenApiSections model/> }.into_any(),
                }}
                {move || {
                    let schemes = schemes.get();
                    (!schemes.is_empty()).then(|| view! { <SecuritySchemes schemes/> })
                }}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn InfoFacts(info: spec_engine::Info) -> impl IntoView {
    let contact = info.contact.map(|c| {
        let name = c.name.unwrap_or_default();
        let email = c
            .email
            .map(|e| view! { " "<a href=format!("mailto:{e}")>{e.clone()}</a> });
        let url = c.url.filter(|u| is_web_url(u)).map(|u| {
            view! { " "<a href=u.clone() rel="noopener noreferrer nofollow">{u.clone()}</a> }
        });
        view! { <li>"Contact: "{name}{email}{url}</li> }
    });
    let license = info.license.map(|l| view! { <li>"License: "{l}</li> });
    let terms = info.terms_of_service.filter(|u| is_web_url(u)).map(
        |u| view! { <li><a href=u rel="noopener noreferrer nofollow">"Terms of service"</a></li> },
    );
    let any = contact.is_some() || license.is_some() || terms.is_some();
    any.then(|| view! { <ul class="doc-facts">{contact}{license}{terms}</ul> })
}

/// Only http(s) links from a document become links.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

type TocGroup = (String, String, Vec<(String, String)>, usize);

/// Groups of the table of contents: title, anchor, entries (label, anchor), how many more.
fn table_of_contents(model: &Model) -> Vec<TocGroup> {
    fn group(title: &str, anchor: &str, entries: Vec<(String, String)>) -> TocGroup {
        let more = entries.len().saturating_sub(MAX_TOC_ENTRIES);
        let entries = entries.into_iter().take(MAX_TOC_ENTRIES).collect();
        (title.to_owned(), anchor.to_owned(), entries, more)
    }
    let mut toc = vec![group("Overview", "info", Vec::new())];
    if !model.servers.is_empty() {
        toc.push(group("Servers", "servers", Vec::new()));
    }
    match model.kind {
        Kind::AsyncApi => {
            if !model.channels.is_empty() {
                let entries = model
                    .channels
                    .iter()
                    .map(|c| {
                        (
                            c.address.clone().unwrap_or_else(|| c.id.clone()),
                            slug("channel", &c.id),
                        )
                    })
                    .collect();
                toc.push(group("Channels", "channels", entries));
            }
            if !model.operations.is_empty() {
                let entries = model
                    .operations
                    .iter()
                    .map(|o| {
                        (
                            format!("{} {}", action_label(&o.action), o.id),
                            slug("operation", &o.id),
                        )
                    })
                    .collect();
                toc.push(group("Operations", "operations", entries));
            }
            if !model.messages.is_empty() {
                let entries = model
                    .messages
                    .iter()
                    .map(|m| {
                        (
                            m.name.clone().unwrap_or_else(|| m.id.clone()),
                            slug("message", &m.id),
                        )
                    })
                    .collect();
                toc.push(group("Messages", "messages", entries));
            }
        }
        Kind::OpenApi => {
            for (tag, operations) in operations_by_tag(model) {
                let entries = operations
                    .iter()
                    .map(|&i| {
                        let o = &model.operations[i];
                        let label = format!(
                            "{} {}",
                            action_label(&o.action).to_uppercase(),
                            o.path.clone().unwrap_or_default()
                        );
                        (label, operation_anchor(o))
                    })
                    .collect();
                let anchor = slug("tag", &tag);
                toc.push(group(&tag, &anchor, entries));
            }
            if !model.webhooks.is_empty() {
                toc.push(group("Webhooks", "webhooks", Vec::new()));
            }
        }
    }
    if !model.security_schemes.is_empty() {
        toc.push(group("Security", "security", Vec::new()));
    }
    toc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert!(is_web_url("https://example.com"));
        assert!(is_web_url("HTTP://example.com"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" data:text/html,x"));
    }
}
