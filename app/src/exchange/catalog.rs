//! The catalog page: one search box over names, descriptions, tags and the content of
//! the documents, with filters, sort and pages. A GET form, so every search has a URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::conformance_badge::ConformanceBadge;
use crate::error::AppError;
use portico_types::SearchHit;

/// Results per page.
pub const PAGE_SIZE: u32 = 20;

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub total: i64,
    pub page: u32,
    pub hits: Vec<SearchHit>,
}

/// Searches the assets the signed-in user may see.
#[server(prefix = "/rpc", endpoint = "search_catalog")]
pub async fn search_catalog(
    q: String,
    kind: String,
    lifecycle: String,
    conformance: String,
    sort: String,
    page: u32,
) -> Result<SearchPage, AppError> {
    use portico_core::repo::search::{SearchRequest, SearchSort};
    use portico_types::governance::ConformanceFilter;
    use portico_types::{AssetKind, Lifecycle};

    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let page = page.max(1);
    let request = SearchRequest {
        text: q,
        kind: AssetKind::parse(&kind),
        tag: None,
        group: None,
        lifecycle: Lifecycle::parse(&lifecycle),
        conformance: ConformanceFilter::parse(&conformance),
        sort: SearchSort::parse(&sort).unwrap_or(SearchSort::Relevance),
        limit: PAGE_SIZE,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    let (hits, total) = portico_core::exchange::catalog::search(&ctx.db, &user, &request).await?;
    Ok(SearchPage { total, page, hits })
}

/// Starts a matched word in a snippet (`repo::search::MARK_START`).
const MARK_START: char = '\u{E000}';

/// Renders a snippet, turning the match markers into `<mark>`; everything is text.
#[component]
pub fn Snippet(text: String) -> impl IntoView {
    const START: char = MARK_START;
    const END: char = '\u{E001}';
    let mut parts = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find(START) {
        parts.push((rest[..start].to_owned(), false));
        rest = &rest[start + START.len_utf8()..];
        let end = rest.find(END).unwrap_or(rest.len());
        parts.push((rest[..end].to_owned(), true));
        rest = rest.get(end + END.len_utf8()..).unwrap_or("");
    }
    parts.push((rest.to_owned(), false));
    view! {
        <p class="snippet">
            {parts
                .into_iter()
                .map(|(text, marked)| {
                    if marked {
                        view! { <mark>{text}</mark> }.into_any()
                    } else {
                        text.into_any()
                    }
                })
                .collect_view()}
        </p>
    }
}

/// The catalog page.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let results = Resource::new(
        move || {
            (
                param("q"),
                param("kind"),
                param("lifecycle"),
                param("conformance"),
                param("sort"),
                param("page").parse::<u32>().unwrap_or(1),
            )
        },
        |(q, kind, lifecycle, conformance, sort, page)| {
            search_catalog(q, kind, lifecycle, conformance, sort, page)
        },
    );
    let selected = move |name: &'static str, value: &'static str| param(name) == value;
    view! {
        <Title text="Exchange · Portico"/>
        <section class="catalog">
            <h1>"Exchange"</h1>
            <p class="muted">"Every version published here is compared with the release before it: "<A href="/exchange/rules">"the change rules"</A>"; organisations check theirs against "<A href="/exchange/governance">"governance rulesets"</A>"."</p>
            <Form method="GET" action="" attr:class="search-form" attr:role="search">
                <input type="search" name="q" aria-label="Search the exchange"
                    placeholder="Search names, channels, messages, fields… e.g. customerId"
                    prop:value=move || param("q")/>
                <select name="kind" aria-label="Kind">
                    <option value="" selected=move || selected("kind", "")>"Any kind"</option>
                    <option value="asyncapi" selected=move || selected("kind", "asyncapi")>"AsyncAPI"</option>
                    <option value="openapi" selected=move || selected("kind", "openapi")>"OpenAPI"</option>
                </select>
                <select name="lifecycle" aria-label="Lifecycle">
                    <option value="" selected=move || selected("lifecycle", "")>"Any lifecycle"</option>
                    <option value="development" selected=move || selected("lifecycle", "development")>"Development"</option>
                    <option value="stable" selected=move || selected("lifecycle", "stable")>"Stable"</option>
                    <option value="deprecated" selected=move || selected("lifecycle", "deprecated")>"Deprecated"</option>
                </select>
                <select name="conformance" aria-label="Conformance">
                    <option value="" selected=move || selected("conformance", "")>"Any conformance"</option>
                    <option value="conformant" selected=move || selected("conformance", "conformant")>"Conformant"</option>
                    <option value="findings" selected=move || selected("conformance", "findings")>"With findings"</option>
                    <option value="errors" selected=move || selected("conformance", "errors")>"With errors"</option>
                    <option value="unchecked" selected=move || selected("conformance", "unchecked")>"Not checked"</option>
                </select>
                <select name="sort" aria-label="Sort by">
                    <option value="relevance" selected=move || selected("sort", "relevance")>"Best match"</option>
                    <option value="name" selected=move || selected("sort", "name")>"Name"</option>
                    <option value="newest" selected=move || selected("sort", "newest") || selected("sort", "updated")>"Newest"</option>
                    <option value="rating" selected=move || selected("sort", "rating")>"Rating"</option>
                </select>
                <button type="submit" class="primary-inline">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <p class="muted">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(page) => view! { <ResultList page/> }.into_any(),
                        Err(AppError::Server(portico_types::Error::Unauthenticated)) => view! {
                            <p>"Log in to see your organisations' APIs. " <A href="/login?next=/exchange">"Log in"</A></p>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ResultList(page: SearchPage) -> impl IntoView {
    let query = use_query_map();
    let page_link = move |number: u32| {
        let map = query.read();
        let mut pairs: Vec<String> = ["q", "kind", "lifecycle", "conformance", "sort"]
            .iter()
            .filter_map(|key| map.get(key).map(|v| format!("{key}={}", urlencode(&v))))
            .collect();
        pairs.push(format!("page={number}"));
        format!("?{}", pairs.join("&"))
    };
    let last_page = ((page.total.max(0) as u32).div_ceil(PAGE_SIZE)).max(1);
    let current = page.page;
    view! {
        <p class="muted" data-testid="result-count">
            {format!("{} result{}", page.total, if page.total == 1 { "" } else { "s" })}
        </p>
        <ul class="results">
            {page.hits.into_iter().map(|hit| {
                let href = format!("/exchange/{}/{}/{}", hit.group, hit.asset, hit.latest_version);
                view! {
                    <li class="card result">
                        <div class="result-head">
                            <A href=href><span class="result-title">{hit.title}</span></A>
                            <span class=format!("badge kind-{}", hit.kind.as_str())>{hit.kind.as_str()}</span>
                            <span class=format!("badge lifecycle-{}", hit.lifecycle.as_str())>{hit.lifecycle.as_str()}</span>
                            {hit.findings.map(|counts| view! { <ConformanceBadge counts/> })}
                        </div>
                        <p class="muted gav"><code>{format!("{}/{}", hit.group, hit.asset)}</code>" · "{hit.latest_version}</p>
                        // Sanitized inline HTML made on the server from the description (portico_markdown).
                        {(!hit.summary_html.is_empty()).then(|| view! {
                            <p class="summary" data-testid="card-summary" inner_html=hit.summary_html></p>
                        })}
                        // Where the words matched, when they matched anything but the description's start.
                        {hit.snippet.contains(MARK_START).then(|| view! { <Snippet text=hit.snippet/> })}
                        <CardFacts consumers=hit.consumers rating=hit.rating reviews=hit.reviews/>
                    </li>
                }
            }).collect_view()}
        </ul>
        {(last_page > 1).then(|| view! {
            <nav class="pager" aria-label="Pages">
                {(current > 1).then(|| view! { <A href=page_link(current - 1)>"← Previous"</A> })}
                <span>{format!("Page {current} of {last_page}")}</span>
                {(current < last_page).then(|| view! { <A href=page_link(current + 1)>"Next →"</A> })}
            </nav>
        })}
    }
}

/// What a card says of an asset's use: its consumers and its rating, when it has them.
#[component]
fn CardFacts(consumers: u32, rating: Option<f64>, reviews: u32) -> impl IntoView {
    let consumers = (consumers > 0).then(|| {
        view! {
            <span data-testid="card-consumers">
                {format!("{consumers} consumer{}", if consumers == 1 { "" } else { "s" })}
            </span>
        }
    });
    let rating = rating.map(|average| {
        view! {
            <span data-testid="card-rating" title=format!("{average:.1} out of 5")>
                <span class="stars" aria-hidden="true">{super::reviews::stars(average)}</span>
                " "<strong data-testid="card-rating-value">{format!("{average:.1}")}</strong>
                " ("{super::reviews::review_count(reviews)}")"
            </span>
        }
    });
    view! { <p class="muted card-facts">{consumers}{rating}</p> }
}

/// Percent-encodes a query value.
fn urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
